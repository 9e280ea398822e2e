#!/usr/bin/env python3
"""Edition benchmark: build time per edition and for all editions, and EPUB time against pandoc.

One run measures everything side by side (interleaved repeats, medians), because the
machine is shared and noisy and only ratios measured together mean anything:

- per edition (article × language × format): pubkit's writer in a warm process;
- all editions: one after another in one process, and in parallel across languages (one
  process per language, as `pubkit.pipeline.build` does: WeasyPrint uses one core);
- EPUB against pandoc on the same article: pandoc (Debian's) reads a Markdown rendering
  of the same document and writes EPUB 3 embedding the same seven fonts; pubkit is timed
  warm (in-process) and cold (a fresh `python` that imports pubkit and writes one EPUB),
  since pandoc's time includes its own start-up.

    .venv/bin/python bench/editions.py [--repeats 3] [--json OUT]
    .venv/bin/python bench/editions.py --pdf-cost [--big 10]   # the PDF writer against WeasyPrint alone

The no-op publish is the pipeline's to measure; :func:`noop_build_seconds` is the hook.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("SOURCE_DATE_EPOCH", "1643241600")

from pubkit.config import Config, load_config  # noqa: E402
from pubkit.edition import Coverage, Edition  # noqa: E402
from pubkit.model import BlockQuote, Dateline, Heading, ListBlock, Paragraph, Signature, plain_text  # noqa: E402
from pubkit.project import load_articles  # noqa: E402
from pubkit.segment import segment  # noqa: E402

FORMATS = ("epub", "pdf")


def editions_for(cfg: Config, slug: str | None = None) -> dict[str, Edition]:
    """Every configured edition of one article: via pubkit.localize when it works, else the source."""
    doc = load_articles(cfg, slug)[0]
    out: dict[str, Edition] = {}
    for lang in cfg.edition_langs:
        try:
            from pubkit.localize import localize

            out[lang] = localize(cfg, doc, lang)
        except Exception as err:  # noqa: BLE001 - a bench must run while localize is in progress
            if lang != cfg.source_lang:
                print(f"  (localize {lang} failed: {type(err).__name__}: {err}; skipped)", file=sys.stderr)
                continue
            n = len(segment(doc))
            out[lang] = Edition(doc=doc, language=cfg.language(lang), source_language=cfg.language(lang),
                                is_source=True, coverage=Coverage(total=n, reviewed=n), build_date=doc.meta.date)
    return out


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _render_language(root: str, slug: str, lang: str, folder: str) -> float:
    """Worker: render both formats of one language (what the pipeline does per process)."""
    from pubkit.render import render_edition

    cfg = load_config(Path(root))
    ed = editions_for(cfg, slug)[lang]
    t = time.perf_counter()
    for fmt in FORMATS:
        render_edition(fmt, ed, cfg, Path(folder) / f"{lang}.{fmt}")
    return time.perf_counter() - t


def markdown_of(doc) -> str:
    """The document as pandoc Markdown with a YAML title block (pandoc's input)."""
    m = doc.meta
    authors = ", ".join(a.display() for a in m.authors)
    lines = ["---", f"title: {json.dumps(m.title, ensure_ascii=False)}", f"author: {json.dumps(authors, ensure_ascii=False)}",
             f"lang: {m.lang}", f"date: {m.date}", "---", ""]

    def block(b):
        if isinstance(b, Heading):
            lines.append("#" * (b.level + 1) + " " + plain_text(b.content))
        elif isinstance(b, (Paragraph, Dateline, Signature)):
            lines.append(plain_text(b.content).replace("*", "\\*"))
        elif isinstance(b, ListBlock):
            lines.extend(f"- {plain_text(i.content)}" for i in b.items)
        elif isinstance(b, BlockQuote):
            for x in b.blocks:
                block(x)
        lines.append("")

    for b in doc.blocks:
        block(b)
    return "\n".join(lines)


def pandoc_epub(cfg: Config, md: Path, out: Path) -> None:
    fonts = sorted((cfg.templates / "fonts").glob("*.ttf"))
    cmd = ["pandoc", str(md), "-f", "markdown", "-t", "epub3", "-o", str(out), "--toc",
           "--css", str(cfg.templates / "base.css"), *[f"--epub-embed-font={f}" for f in fonts]]
    subprocess.run(cmd, check=True, capture_output=True)


def noop_build_seconds(root: Path = ROOT, repeats: int = 3) -> float:
    """Median seconds of a build with nothing to do, in-process, on a scratch copy of the project.

    For the pipeline's no-op publish benchmark: the first build makes everything up to date,
    the timed ones must find nothing to rebuild.
    """
    from pubkit import pipeline

    with tempfile.TemporaryDirectory() as tmp:
        proj = Path(tmp) / "project"
        proj.mkdir()
        shutil.copy(root / "pubkit.toml", proj / "pubkit.toml")
        for name in ("seeds", "translations", "templates"):
            if (root / name).exists():
                shutil.copytree(root / name, proj / name)
        cfg = load_config(proj)
        pipeline.build(cfg)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            report = pipeline.build(cfg)
            times.append(time.perf_counter() - t)
            assert not report.built, "a no-op build rebuilt something"
        return statistics.median(times)


_COST_CHILD = """
import resource, sys, time
sys.path.insert(0, {src!r})
from pathlib import Path
from pubkit.config import load_config
from pubkit.render import pdf
cfg = load_config(Path({root!r}))
html = Path(sys.argv[2]).read_text(encoding="utf-8")
t = time.process_time()
if sys.argv[1] == "alone":
    from weasyprint import HTML
    pdf.one_subsetter()
    HTML(string=html, base_url=cfg.templates.resolve().as_uri() + "/", url_fetcher=pdf.make_fetcher(cfg.templates),
         media_type="print").write_pdf(**pdf.PDF_OPTIONS)
else:
    pdf.to_pdf_bytes(html, cfg)
print(time.process_time() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def pdf_vs_weasyprint(cfg: Config, eds: dict[str, Edition], repeats: int, big: int = 0) -> dict:
    """pubkit's PDF writer (total-fit lines, hyphenation limits, tags) against WeasyPrint alone
    on the same HTML: CPU seconds and peak memory, each run in a fresh process, interleaved,
    medians. ``big``: also a book of the article's text ``big`` times over (in English)."""
    import dataclasses

    from pubkit.render import pdf

    books = dict(eds)
    if big:
        en = eds[cfg.source_lang]
        doc = dataclasses.replace(en.doc, blocks=en.doc.blocks * big)
        books[f"book{big}x"] = dataclasses.replace(en, doc=doc, source_doc=doc)
    out: dict = {}
    child = _COST_CHILD.format(src=str(ROOT / "src"), root=str(cfg.root))
    with tempfile.TemporaryDirectory() as tmp:
        for name, ed in books.items():
            html = Path(tmp) / f"{name}.html"
            html.write_text(pdf.render_html(ed, cfg), encoding="utf-8")
            runs: dict[str, list[tuple[float, int]]] = {"alone": [], "pubkit": []}
            for _ in range(repeats):
                for mode in runs:
                    res = subprocess.run([sys.executable, "-c", child, mode, str(html)], capture_output=True,
                                         text=True, check=True).stdout.split()
                    runs[mode].append((float(res[0]), int(res[1])))
            cpu = {m: statistics.median(r[0] for r in v) for m, v in runs.items()}
            rss = {m: statistics.median(r[1] for r in v) for m, v in runs.items()}
            out[name] = {"weasyprint_s": round(cpu["alone"], 2), "pubkit_s": round(cpu["pubkit"], 2),
                         "time_ratio": round(cpu["pubkit"] / cpu["alone"], 3),
                         "memory_ratio": round(rss["pubkit"] / rss["alone"], 3)}
    return out


# One PDF in a fresh process, after its imports: pubkit's writer, or WeasyPrint alone on the same
# HTML (the same base address, fetcher and PDF options; its own subsetter, no line checks). The
# clock starts after the imports; the peak is the process's own (ru_maxrss).
PDF_PROCESS = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from weasyprint import HTML
from pubkit.config import load_config
from pubkit.render.pdf import PDF_OPTIONS, make_fetcher, to_pdf_bytes
cfg = load_config(Path(sys.argv[2]))
html = Path(sys.argv[3]).read_text(encoding="utf-8")
t = time.perf_counter()
if sys.argv[4] == "pubkit":
    data = to_pdf_bytes(html, cfg)
else:
    data = HTML(string=html, base_url=cfg.templates.resolve().as_uri() + "/", url_fetcher=make_fetcher(cfg.templates),
                media_type="print").write_pdf(**PDF_OPTIONS)
print(json.dumps({"s": time.perf_counter() - t, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "bytes": len(data)}))
"""


def pdf_against_weasyprint(cfg: Config, edition: Edition, folder: Path, repeats: int) -> dict:
    """pubkit's PDF against WeasyPrint alone on the same HTML: time and peak memory, interleaved."""
    from pubkit.render.pdf import render_html

    html = folder / "pdf.html"
    html.write_text(render_html(edition, cfg), encoding="utf-8")
    runs: dict[str, list[dict]] = {"pubkit": [], "weasyprint": []}
    for _ in range(repeats):
        for who in runs:
            out = subprocess.run([sys.executable, "-c", PDF_PROCESS, str(ROOT / "src"), str(cfg.root), str(html), who],
                                 capture_output=True, text=True, check=True, env=os.environ)
            runs[who].append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = statistics.median
    p, w = (med(r["s"] for r in runs[k]) for k in ("pubkit", "weasyprint"))
    pm, wm = (med(r["rss_mb"] for r in runs[k]) for k in ("pubkit", "weasyprint"))
    return {"pubkit_pdf_s": round(p, 3), "weasyprint_pdf_s": round(w, 3), "pubkit_peak_rss_mb": round(pm, 1),
            "weasyprint_peak_rss_mb": round(wm, 1), "pdf_vs_weasyprint": round(p / w, 3),
            "pdf_peak_rss_vs_weasyprint": round(pm / wm, 3)}


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _epub_cold(results: dict, cold_cmd: list[str], cfg: Config, md: Path, folder: Path, args) -> int:
    """Only the whole-process EPUB against pandoc, interleaved (``--epub-cold-only``)."""
    cold, pandoc = [], []
    for _ in range(args.repeats):
        cold.append(_timed(lambda: subprocess.run(cold_cmd + [str(folder / "cold.epub")], check=True,
                                                  cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})))
        pandoc.append(_timed(lambda: pandoc_epub(cfg, md, folder / "pandoc.epub")))
    med = statistics.median
    results["pandoc"] = {"pubkit_epub_cold_s": round(med(cold), 3), "pandoc_epub_s": round(med(pandoc), 3),
                         "runs": {"pubkit_cold": cold, "pandoc": pandoc}}
    results["epub_vs_pandoc_cold"] = round(med(cold) / med(pandoc), 2)
    results["machine"] = {"load_after": os.getloadavg(), "cpu": _cpu()}
    print(json.dumps(results, indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--slug", default=None)
    ap.add_argument("--pdf-cost", action="store_true",
                    help="only pubkit's PDF writer against WeasyPrint alone (key pdf_vs_weasyprint)")
    ap.add_argument("--big", type=int, default=10, help="with --pdf-cost: a book of the article N times over")
    ap.add_argument("--epub-cold-only", action="store_true",
                    help="only the whole-process EPUB of the source edition against pandoc's")
    args = ap.parse_args(argv)
    if args.pdf_cost:
        cfg = load_config(ROOT)
        cost = pdf_vs_weasyprint(cfg, editions_for(cfg, args.slug), args.repeats, args.big)
        for name, row in cost.items():
            print(f"  {name:10s} WeasyPrint {row['weasyprint_s']:6.2f} s  pubkit {row['pubkit_s']:6.2f} s  "
                  f"time {row['time_ratio']}x  memory {row['memory_ratio']}x")
        if args.json:
            args.json.write_text(json.dumps({"pdf_vs_weasyprint": cost}, indent=1), encoding="utf-8")
        return 0

    from pubkit.render import render_edition
    from pubkit.render.epub import to_epub_bytes

    cfg = load_config(ROOT)
    eds = editions_for(cfg, args.slug)
    slug = next(iter(eds.values())).doc.meta.slug
    have_pandoc = shutil.which("pandoc") is not None
    results: dict = {"repeats": args.repeats, "cpus": os.cpu_count(), "load_before": os.getloadavg(),
                     "per_edition": {}, "all": {}, "pandoc": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src_doc = eds[cfg.source_lang].doc
        md = folder / "article.md"
        md.write_text(markdown_of(src_doc), encoding="utf-8")
        # warm-up: imports, font loading, caches
        for fmt in () if args.epub_cold_only else FORMATS:
            render_edition(fmt, eds[cfg.source_lang], cfg, folder / f"warm.{fmt}")
        per: dict[str, list[float]] = {}
        seq, par, pandoc, warm, cold = [], [], [], [], []
        # one edition, as pandoc makes one: read the article, localize its source edition, write it
        cold_cmd = [sys.executable, "-c",
                    "import sys; sys.path.insert(0, %r); from pubkit.config import load_config; "
                    "from pubkit.project import load_articles; from pubkit.localize import localize; "
                    "from pubkit.render import render_edition; cfg = load_config(); "
                    "e = localize(cfg, load_articles(cfg, %r)[0], cfg.source_lang); "
                    "render_edition('epub', e, cfg, sys.argv[1])" % (str(ROOT / "src"), slug)]
        if args.epub_cold_only:
            return _epub_cold(results, cold_cmd, cfg, md, folder, args)
        for _ in range(args.repeats):
            t_all = time.perf_counter()
            for lang, ed in eds.items():
                for fmt in FORMATS:
                    key = f"{lang}.{fmt}"
                    per.setdefault(key, []).append(
                        _timed(lambda: render_edition(fmt, ed, cfg, folder / key)))
            seq.append(time.perf_counter() - t_all)
            t = time.perf_counter()
            with ProcessPoolExecutor(max_workers=min(len(eds), os.cpu_count() or 1, 4)) as pool:
                list(pool.map(_render_language, [str(ROOT)] * len(eds), [slug] * len(eds), list(eds), [tmp] * len(eds)))
            par.append(time.perf_counter() - t)
            warm.append(_timed(lambda: to_epub_bytes(eds[cfg.source_lang], cfg)))
            cold.append(_timed(lambda: subprocess.run(cold_cmd + [str(folder / "cold.epub")], check=True,
                                                      cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})))
            if have_pandoc:
                pandoc.append(_timed(lambda: pandoc_epub(cfg, md, folder / "pandoc.epub")))
        med = statistics.median
        results["per_edition"] = {k: round(med(v), 3) for k, v in per.items()}
        results["all"] = {"sequential_s": round(med(seq), 3), "parallel_s": round(med(par), 3),
                          "editions": len(eds) * len(FORMATS)}
        results["pandoc"] = {"pubkit_epub_warm_s": round(med(warm), 3), "pubkit_epub_cold_s": round(med(cold), 3)}
        if pandoc:
            p = med(pandoc)
            results["pandoc"].update(pandoc_epub_s=round(p, 3), warm_ratio=round(med(warm) / p, 2),
                                     cold_ratio=round(med(cold) / p, 2))
        if "cold_ratio" in results["pandoc"]:
            results["epub_vs_pandoc_cold"] = results["pandoc"]["cold_ratio"]
        results["pdf"] = pdf_against_weasyprint(cfg, eds[cfg.source_lang], folder, args.repeats)
        results["pdf_vs_weasyprint"] = results["pdf"]["pdf_vs_weasyprint"]
        results["pdf_peak_rss_vs_weasyprint"] = results["pdf"]["pdf_peak_rss_vs_weasyprint"]
        results["machine"] = {"load_after": os.getloadavg(), "cpu": _cpu()}
    print(f"editions of {slug} ({results['cpus']} CPUs, median of {args.repeats}):")
    for k, v in results["per_edition"].items():
        print(f"  {k:10s} {v:7.3f} s")
    a = results["all"]
    print(f"  all {a['editions']} editions: {a['sequential_s']:.3f} s one after another, "
          f"{a['parallel_s']:.3f} s in parallel across languages ({a['sequential_s'] / a['parallel_s']:.2f}x)")
    pd = results["pandoc"]
    if "pandoc_epub_s" in pd:
        print(f"  EPUB vs pandoc: pubkit warm {pd['pubkit_epub_warm_s']:.3f} s, cold {pd['pubkit_epub_cold_s']:.3f} s, "
              f"pandoc {pd['pandoc_epub_s']:.3f} s -> ratio warm {pd['warm_ratio']}x, cold {pd['cold_ratio']}x")
    else:
        print("  pandoc not installed: no comparison")
    print(f"  PDF vs WeasyPrint alone (same HTML): {results['pdf_vs_weasyprint']}x time, "
          f"{results['pdf_peak_rss_vs_weasyprint']}x peak memory")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
