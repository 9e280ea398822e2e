#!/usr/bin/env python3
"""Translation benchmark: pubkit's engine vs argostranslate.translate() vs the best direct CTranslate2 call.

Why one run with interleaved repeats: the machine is shared and noisy, so only ratios measured
side by side mean anything. argostranslate runs in its own virtualenv (bench/.venv-argos, torch
CPU wheel) as a worker process that times its own calls; only one side computes at a time.

    .venv/bin/python bench/translate.py [--repeats 3] [--setup-argos] [--skip-argos] [--json OUT]

See bench/README.md for what is measured and the recorded numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

ARTICLE = ROOT / "seeds" / "kazakh-workers-revolt-2022.txt"
WORK = HERE / ".work"
ARGOS_VENV = HERE / ".venv-argos"
# direct translate_batch configurations: (compute_type, intra, inter, max_batch_size, batch_type)
DIRECT = {
    "direct_int8_i1_x2_b32": ("int8", 1, 2, 32, "examples"),
    "direct_int8_i1_x2_b16": ("int8", 1, 2, 16, "examples"),
    "direct_int8_i2_x1_b32": ("int8", 2, 1, 32, "examples"),
    "direct_int8_i1_x2_t1024": ("int8", 1, 2, 1024, "tokens"),
}


def rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it is not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def unit_texts() -> list[str]:
    from pubkit.readers import read_article
    from pubkit.segment import segment

    return [u.text for u in segment(read_article(ARTICLE, ROOT))]


def build_package() -> Path:
    """The transformer-base-sized synthetic en→ru package (built once, cached in bench/.work)."""
    from pubkit.mt.synthetic import build

    WORK.mkdir(exist_ok=True)
    archive = WORK / "translate-en_ru-1_0.argosmodel"
    stamp = WORK / "base.stamp"
    if not (archive.exists() and stamp.exists()):
        t = time.perf_counter()
        build(ARTICLE.read_text(encoding="utf-8"), WORK, "en", "ru", preset="base")
        stamp.write_text("base")
        print(f"built base package in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return archive


def install(archive: Path) -> Path:
    from pubkit.mt import packages as pk

    folder = WORK / "packages"
    if not pk.find(folder, "en", "ru"):
        pk.install_archive(archive, folder)
    return folder


class _Cfg:
    """Just enough of pubkit.config.Config for load_engine: where the models are."""

    def __init__(self, folder: Path):
        self.root = ROOT
        self.raw = {"models": {"dir": str(folder)}}


# ------------------------------------------------------------------ argostranslate worker


def setup_argos_venv() -> Path:
    """bench/.venv-argos: argostranslate with torch's CPU wheel (no CUDA wheels: 6 GB → ~1.6 GB)."""
    py = ARGOS_VENV / "bin" / "python"
    if py.exists() and subprocess.run([py, "-c", "import argostranslate.translate"],
                                      capture_output=True).returncode == 0:
        return py
    subprocess.run([sys.executable, "-m", "venv", str(ARGOS_VENV)], check=True)
    pip = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["torch==2.13.0"], check=True)  # the CPU build on this machine's index
    subprocess.run(pip + ["-c", str(HERE / ".argos-constraints.txt"), "argostranslate"], check=True)
    return py


WORKER = r'''
import json, os, resource, sys, time
from pathlib import Path
root = Path(sys.argv[1])
env = {"XDG_DATA_HOME": root / "data", "XDG_CONFIG_HOME": root / "config",
       "XDG_CACHE_HOME": root / "cache", "ARGOS_PACKAGES_DIR": Path(sys.argv[2])}
for k, v in env.items():
    v.mkdir(parents=True, exist_ok=True)
    os.environ[k] = str(v)
os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"
cache = root / "cache" / "argos-translate" / "spacy"
if not (cache / "senter" / "model").exists():   # offline: seed the spaCy cache (ARGOS_NOTES)
    import spacy
    cache.mkdir(parents=True, exist_ok=True)
    spacy.blank("xx").to_disk(cache)
    (cache / "senter").mkdir(parents=True, exist_ok=True)
    (cache / "senter" / "model").write_bytes(b"")
import argostranslate.translate as T
text = sys.stdin.readline()
text = json.loads(text)
cached = T.get_translation_from_codes("en", "ru")
print(json.dumps({"ready": True, "torch": "torch" in sys.modules}), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd == "quit":
        break
    cached.cache = {}   # CachedTranslation remembers the last call: clear it between repeats
    t = time.perf_counter()
    out = T.translate(text, "en", "ru")
    dt = time.perf_counter() - t
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    print(json.dumps({"s": dt, "rss_mb": int(hwm) / 1024,
                      "chars": len(out)}), flush=True)
'''


class ArgosWorker:
    def __init__(self, py: Path, packages: Path, text: str):
        self.proc = subprocess.Popen([str(py), "-c", WORKER, str(WORK / "argos-root"), str(packages)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.proc.stdin.write(json.dumps(text) + "\n")
        self.proc.stdin.flush()
        self.info = json.loads(self.proc.stdout.readline())
        self.rss = 0.0

    def run(self) -> float:
        self.proc.stdin.write('"run"\n')
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        self.rss = reply["rss_mb"]
        return reply["s"]

    def close(self):
        self.proc.stdin.write('"quit"\n')
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


# ------------------------------------------------------------------ memory of pubkit alone

PEAK = r'''
import resource, sys, json
sys.path.insert(0, sys.argv[1] + "/src")
from pathlib import Path
from pubkit.mt import load_engine
class C: pass
c = C(); c.root = Path(sys.argv[1]); c.raw = {"models": {"dir": sys.argv[2]}}
texts = json.loads(sys.stdin.read())
load_engine(c, "en", "ru").translate(texts)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(json.dumps({"rss_mb": int(hwm) / 1024,
                  "torch": "torch" in sys.modules, "stanza": "stanza" in sys.modules}))
'''


def pubkit_peak(folder: Path, texts: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", PEAK, str(ROOT), str(folder)], input=json.dumps(texts),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-argos", action="store_true")
    ap.add_argument("--json", help="write the report here too")
    args = ap.parse_args()

    import ctranslate2
    import sentencepiece as spm

    from pubkit.mt import load_engine
    from pubkit.mt import tags as tg

    texts = unit_texts()
    folder = install(build_package())
    pkg_dir = next(p for p in folder.iterdir() if p.name.startswith("translate-en_ru"))
    sentences = [s for t in texts for s in tg.prepare(t).sentences]
    sp = spm.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
    tokens = [sp.encode(s, out_type=str) for s in sentences]
    report = {"machine": {"cpus": os.cpu_count(), "ctranslate2": ctranslate2.__version__},
              "input": {"units": len(texts), "sentences": len(sentences), "source_tokens": sum(map(len, tokens)),
                        "words": sum(len(t.split()) for t in texts)}, "runs": {}}

    tasks = {}
    engine = load_engine(_Cfg(folder), "en", "ru")
    report["pubkit_settings"] = {"inter_threads": engine.inter, "intra_threads": engine.intra,
                                 "compute_type": engine.compute_type, "max_batch_size": engine.max_batch,
                                 "batch_type": engine.batch_type}
    tasks["pubkit"] = lambda: engine.translate(texts)
    engine_ex = load_engine(_Cfg(folder), "en", "ru")
    engine_ex.batch_type, engine_ex.max_batch = "examples", 32  # the previous default, for comparison
    tasks["pubkit_examples32"] = lambda: engine_ex.translate(texts)
    out_tokens = {}
    for name, (ct, intra, inter, mbs, bt) in DIRECT.items():
        tr = ctranslate2.Translator(str(pkg_dir / "model"), compute_type=ct, intra_threads=intra,
                                    inter_threads=inter)

        def direct(tr=tr, mbs=mbs, bt=bt, name=name):
            res = tr.translate_batch(tokens, max_batch_size=mbs, batch_type=bt, beam_size=4,
                                     length_penalty=0.2, return_scores=True, replace_unknowns=True)
            out_tokens[name] = sum(len(r.hypotheses[0]) for r in res)
            return [sp.decode(r.hypotheses[0]) for r in res]

        tasks[name] = direct

    worker = None
    if not args.skip_argos:
        py = setup_argos_venv()
        argos_text = "\n".join(texts)  # argos splits paragraphs at newlines; one call for the article
        worker = ArgosWorker(py, folder, argos_text)
        report["argos"] = {"torch_imported": worker.info["torch"], "chunk_type": "SPACY (offline, seeded cache)"}
        tasks["argos_translate"] = worker.run

    runs: dict[str, list[float]] = {}
    names = list(tasks)
    for r in range(args.repeats):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            t = time.perf_counter()
            value = tasks[name]()
            dt = value if name == "argos_translate" else time.perf_counter() - t
            runs.setdefault(name, []).append(dt)
            print(f"repeat {r} {name:26s} {dt:7.2f}s", file=sys.stderr, flush=True)
    if worker:
        report["argos"]["peak_rss_mb"] = round(worker.rss, 1)
        worker.close()

    med = {n: statistics.median(v) for n, v in runs.items()}
    best = min((n for n in med if n.startswith("direct")), key=med.get)
    for name, vals in runs.items():
        row = {"median_s": round(med[name], 3), "min_s": round(min(vals), 3), "n": len(vals),
               "pubkit_speedup": round(med[name] / med["pubkit"], 2)}
        report["runs"][name] = row
    report["best_direct"] = best
    report["pubkit_vs_best_direct"] = round(med["pubkit"] / med[best], 3)
    if "argos_translate" in med:
        report["pubkit_speedup_vs_argos"] = round(med["argos_translate"] / med["pubkit"], 1)
    report["output_tokens"] = out_tokens.get(best)
    report["pubkit_alone"] = pubkit_peak(folder, texts)
    report["bench_process_peak_rss_mb"] = rss_mb()
    report["rerun_after_edit"] = rerun_after_edit(folder)
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2))


def rerun_after_edit(folder: Path) -> dict:
    """Scratch project: translate, edit one paragraph, translate again; count passages sent per language."""
    try:
        from pubkit.commands import translate as cmd
        from pubkit.commands import update as upd
    except ImportError as err:
        return {"status": f"not measured: {err}"}
    from pubkit.errors import NotBuiltError
    from pubkit.mt import argos

    scratch = WORK / "scratch-project"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    toml = (ROOT / "pubkit.toml").read_text(encoding="utf-8")
    (scratch / "pubkit.toml").write_text(toml + f'\n[models]\ndir = "{folder}"\n', encoding="utf-8")
    shutil.copytree(ROOT / "seeds", scratch / "seeds")
    for name in ("templates",):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, scratch / name)
    sent: dict[str, list[int]] = {}
    original = argos.load

    def counting_load(cfg, source, target, **kw):
        """Every pair runs the one base en→ru model (ky and fr cost what ru costs); count what is sent."""
        from pubkit.mt import packages as pk

        eng = argos.ArgosEngine([pk.find(folder, "en", "ru")], **kw)
        real = eng.translate

        def translate(texts, **k):
            sent.setdefault(target, []).append(len(texts))
            return real(texts, **k)

        eng.translate = translate
        return eng

    argos.load = counting_load
    try:
        try:
            upd.run(root=scratch)
            t = time.perf_counter()
            cmd.run(root=scratch)
            first = time.perf_counter() - t
            sent_first = {k: sum(v) for k, v in sent.items()}
            sent.clear()
            seed = scratch / "seeds" / ARTICLE.name
            paras = seed.read_text(encoding="utf-8").split("\n\n")
            i = next(i for i, p in enumerate(paras) if len(p.split()) > 30)
            paras[i] = paras[i].rstrip() + " This sentence was added for the benchmark."
            seed.write_text("\n\n".join(paras), encoding="utf-8")
            upd.run(root=scratch)
            t = time.perf_counter()
            cmd.run(root=scratch)
            second = time.perf_counter() - t
        except NotBuiltError as err:
            return {"status": f"not measured: {err.message}"}
    finally:
        argos.load = original
    return {"first_run_passages": sent_first, "rerun_passages": {k: sum(v) for k, v in sent.items()},
            "first_run_s": round(first, 2), "rerun_s": round(second, 2)}


if __name__ == "__main__":
    main()
