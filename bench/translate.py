#!/usr/bin/env python3
"""Translation benchmark: pubkit's engine vs argostranslate.translate() vs the best direct CTranslate2 call.

Why one run with interleaved repeats: the machine is shared and noisy, so only ratios measured
side by side mean anything. argostranslate runs in its own virtualenv (bench/.venv-argos, torch
CPU wheel) as a worker process that times its own calls; only one side computes at a time.

    .venv/bin/python bench/translate.py [--repeats 5] [--skip-argos] [--parity] [--json OUT]

See bench/README.md for what is measured and the recorded numbers.
"""

from __future__ import annotations

import argparse
import gc
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
# (inter and intra as for 2 cores; on N cores the bench scales inter to N // intra)
DIRECT = {
    "direct_int8_i1_b32": ("int8", 1, 0, 32, "examples"),
    "direct_int8_i1_b24": ("int8", 1, 0, 24, "examples"),
    "direct_int8_i1_b16": ("int8", 1, 0, 16, "examples"),
    "direct_int8_i1_b8": ("int8", 1, 0, 8, "examples"),
    "direct_int8_i2_b32": ("int8", 2, 0, 32, "examples"),
    "direct_int8_i1_t1024": ("int8", 1, 0, 1024, "tokens"),
    "direct_int8_i1_t512": ("int8", 1, 0, 512, "tokens"),
}
THREAD_VARS = ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MKL_NUM_THREADS", "CT2_USE_EXPERIMENTAL_PACKED_GEMM",
               "CT2_CUDA_ALLOCATOR", "ARGOS_INTER_THREADS", "ARGOS_INTRA_THREADS", "ARGOS_COMPUTE_TYPE",
               "ARGOS_BATCH_SIZE", "ARGOS_CHUNK_TYPE")


def machine() -> dict:
    """What every result is recorded with: the CPU, the cores this process may use, the load, threads."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")
    import ctranslate2

    return {"cpu_model": model, "logical_cpus": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()], "ctranslate2": ctranslate2.__version__,
            "python": sys.version.split()[0],
            "thread_env": {k: os.environ[k] for k in THREAD_VARS if k in os.environ}}


def rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it is not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def unit_texts(more: Path | None = None) -> list[str]:
    """The passages of the seed article, then (``--articles DIR``) of every article in DIR."""
    from pubkit.readers import read_article
    from pubkit.segment import segment

    paths = [ARTICLE]
    if more:
        paths += sorted(p for p in more.iterdir() if p.suffix in (".txt", ".md")
                        and not p.name.endswith(".outline.txt"))
    return [u.text for path in paths for u in segment(read_article(path, ROOT))]


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


# The start of both argostranslate scripts (the worker and the parity check): argostranslate's
# folders under argv[1], its packages in argv[2], the spaCy sentence splitter, offline.
ARGOS_SETUP = r'''
import json, os, sys
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
'''

WORKER = ARGOS_SETUP + r'''
import resource, time
text = sys.stdin.readline()
text = json.loads(text)
cached = T.get_translation_from_codes("en", "ru")
import argostranslate.settings as S
import torch
print(json.dumps({"ready": True, "torch": "torch" in sys.modules, "torch_threads": torch.get_num_threads(),
                  "torch_interop_threads": torch.get_num_interop_threads(),
                  "argos_settings": {"inter_threads": S.inter_threads, "intra_threads": S.intra_threads,
                                     "compute_type": S.compute_type, "batch_size": S.batch_size,
                                     "beam_size": S.beam_size, "chunk_type": os.environ.get("ARGOS_CHUNK_TYPE")}}),
      flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd == "quit":
        break
    cached.cache = {}   # CachedTranslation remembers the last call: clear it between repeats
    t, c = time.perf_counter(), time.process_time()
    out = T.translate(text, "en", "ru")
    dt, dc = time.perf_counter() - t, time.process_time() - c
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    print(json.dumps({"s": dt, "cpu_s": dc, "rss_mb": int(hwm) / 1024,
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

    def run(self) -> tuple[float, float]:
        self.proc.stdin.write('"run"\n')
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        self.rss = reply["rss_mb"]
        return reply["s"], reply["cpu_s"]

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
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--skip-argos", action="store_true")
    ap.add_argument("--parity", action="store_true", help="also compare outputs sentence by sentence")
    ap.add_argument("--only", help="comma-separated run names (default: all)")
    ap.add_argument("--articles", type=Path, help="translate these articles too (e.g. tests/articles)")
    ap.add_argument("--json", help="write the report here too")
    args = ap.parse_args()

    import ctranslate2
    import sentencepiece as spm

    from pubkit.mt import argos as engine_mod
    from pubkit.mt import load_engine
    from pubkit.mt import tags as tg

    texts = unit_texts(args.articles)
    folder = install(build_package())
    pkg_dir = next(p for p in folder.iterdir() if p.name.startswith("translate-en_ru"))
    sentences = [s for t in texts for s in tg.prepare(t).sentences]
    sp = spm.SentencePieceProcessor(model_file=str(pkg_dir / "sentencepiece.model"))
    tokens = [sp.encode(s, out_type=str) for s in sentences]
    cores = engine_mod.cpu_count()
    report = {"machine": machine(),
              "input": {"units": len(texts), "sentences": len(sentences), "source_tokens": sum(map(len, tokens)),
                        "words": sum(len(t.split()) for t in texts)}, "runs": {}}

    tasks = {}
    engine = load_engine(_Cfg(folder), "en", "ru")
    report["pubkit_settings"] = {"inter_threads": engine.inter, "intra_threads": engine.intra,
                                 "compute_type": engine.compute_type, "sentences_per_batch": engine.batch_sizes,
                                 "batches": [len(b) for b in engine_mod.plan_batches(
                                     list(map(len, tokens)), engine.batch_sizes, engine.inter)]}
    outputs: dict[str, list[str]] = {}

    probes = []

    del engine  # every run below loads its own model and frees it after (one model in memory at a time)
    # a fresh engine per repeat, as each `invoke translate` is: it probes the thread plans anew
    # (loaded before the clock starts, like the direct runs' translators; the probe's second
    # model load is inside the clock)
    prepare: dict = {"pubkit": lambda: load_engine(_Cfg(folder), "en", "ru")}

    def pubkit_run(eng):
        outputs["pubkit"] = [d.text for d in eng.translate(sentences)]
        probes.append(eng.probe["chosen"] if eng.probe else None)

    tasks["pubkit"] = pubkit_run
    for name, (ct, intra, _, mbs, bt) in DIRECT.items():
        if args.only and name not in args.only.split(","):
            continue
        inter = max(1, cores // intra)
        # a fresh translator per repeat too, loaded before the clock: the first translate_batch on a
        # new translator costs 2-4% more than later ones (its threads' buffers and caches are cold),
        # and pubkit's engine is fresh in every repeat, as in every `invoke translate`
        prepare[name] = (lambda ct=ct, intra=intra, inter=inter: ctranslate2.Translator(
            str(pkg_dir / "model"), compute_type=ct, intra_threads=intra, inter_threads=inter))

        def direct(tr, mbs=mbs, bt=bt, name=name):
            res = tr.translate_batch(tokens, max_batch_size=mbs, batch_type=bt, beam_size=4,
                                     length_penalty=0.2, return_scores=True, replace_unknowns=True)
            outputs[name] = [sp.decode(r.hypotheses[0]).strip() for r in res]

        tasks[name] = direct

    worker = None
    if not args.skip_argos:
        py = setup_argos_venv()
        argos_text = "\n".join(texts)  # argos splits paragraphs at newlines; one call for the article
        worker = ArgosWorker(py, folder, argos_text)
        report["argos"] = {k: v for k, v in worker.info.items() if k != "ready"}
        tasks["argos_translate"] = lambda _none: worker.run()
    if args.only:
        keep = set(args.only.split(","))
        tasks = {k: v for k, v in tasks.items() if k in keep or k == "pubkit"}

    runs: dict[str, list[tuple[float, float]]] = {}
    names = list(tasks)
    for r in range(args.repeats):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            model = prepare.get(name, lambda: None)()  # loaded before the clock, freed after the run
            t, c = time.perf_counter(), time.process_time()
            value = tasks[name](model)
            wall, cpu = value if name == "argos_translate" else (time.perf_counter() - t, time.process_time() - c)
            del model
            gc.collect()
            runs.setdefault(name, []).append((wall, cpu))
            print(f"repeat {r} {name:26s} {wall:7.2f}s wall {cpu:7.2f}s cpu", file=sys.stderr, flush=True)
    if worker:
        report["argos"]["peak_rss_mb"] = round(worker.rss, 1)
        worker.close()
    report["pubkit_probe_choices"] = probes  # the thread plan each repeat measured and chose
    report["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]

    med = {n: statistics.median(w for w, _ in v) for n, v in runs.items()}
    unlike = {n: sum(a != b for a, b in zip(out, outputs["pubkit"], strict=True))
              for n, out in outputs.items() if "pubkit" in outputs}
    for name, vals in runs.items():
        walls = sorted(w for w, _ in vals)
        report["runs"][name] = {
            "median_s": round(med[name], 3), "min_s": round(walls[0], 3), "max_s": round(walls[-1], 3),
            "spread_pct": round(100 * (walls[-1] - walls[0]) / med[name], 1),
            "cpu_median_s": round(statistics.median(c for _, c in vals), 3), "n": len(vals),
            "pubkit_speedup": round(med[name] / med["pubkit"], 3),
            "same_output_as_pubkit": unlike[name] == 0 if name in unlike else None,
            "sentences_unlike_pubkit": unlike.get(name),
        }
    direct_names = [n for n in med if n.startswith("direct")]
    if direct_names:
        best = min(direct_names, key=med.get)
        report["best_direct"] = best
        report["pubkit_vs_best_direct"] = round(med["pubkit"] / med[best], 3)
        # per repeat, pubkit against the best direct run of the same repeat (both saw the same load)
        report["pubkit_wins_per_repeat"] = sum(
            runs["pubkit"][r][0] <= min(runs[n][r][0] for n in direct_names) for r in range(args.repeats))
        # paired: pubkit over the best direct setting within each repeat (the load drifts between
        # repeats, less within one), median and range over the repeats
        paired = sorted(runs["pubkit"][r][0] / runs[best][r][0] for r in range(args.repeats))
        report["pubkit_over_best_direct_paired"] = {"median": round(statistics.median(paired), 3),
                                                    "min": round(paired[0], 3), "max": round(paired[-1], 3)}
    if "argos_translate" in med:
        report["pubkit_speedup_vs_argos"] = round(med["argos_translate"] / med["pubkit"], 1)
    if args.parity:
        report["parity"] = parity(folder, sentences, outputs["pubkit"])
    report["pubkit_alone"] = pubkit_peak(folder, texts)
    report["bench_process_peak_rss_mb"] = rss_mb()
    if not args.only and not args.articles:
        report["rerun_after_edit"] = rerun_after_edit(folder)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))


PARITY = ARGOS_SETUP + r'''
sentences = json.loads(sys.stdin.read())
print(json.dumps([T.translate(s, "en", "ru") for s in sentences], ensure_ascii=False))
'''


def parity(folder: Path, sentences: list[str], ours: list[str]) -> dict:
    """argostranslate.translate() on each sentence alone (in the argos venv) against pubkit's engine
    on the same sentences (one batch): same text, sentence by sentence?"""
    py = setup_argos_venv()
    out = subprocess.run([str(py), "-c", PARITY, str(WORK / "argos-root"), str(folder)],
                         input=json.dumps(sentences), capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"argostranslate failed:\n{out.stderr[-3000:]}")
    theirs = json.loads(out.stdout.strip().splitlines()[-1])
    same = [a == b for a, b in zip(ours, theirs, strict=True)]
    # argos's decode turns every "_" into a space (ARGOS_NOTES): the one difference by design
    underscore = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
                  if a != b and a.replace("_", " ").split() == b.split()]
    other = [i for i, ok in enumerate(same) if not ok and i not in underscore]
    return {"sentences": len(sentences), "identical": sum(same), "differ_only_by_underscore": len(underscore),
            "differ_otherwise": len(other),
            "examples": [{"source": sentences[i], "pubkit": ours[i], "argos": theirs[i]} for i in other[:5]]}


def rerun_after_edit(folder: Path) -> dict:
    """Scratch project: translate, edit one paragraph, translate again; count passages sent per language."""
    try:
        from pubkit.commands import translate as cmd
        from pubkit.commands import update as upd
    except ImportError as err:
        return {"status": f"not measured: {err}"}
    from pubkit.errors import PubkitError
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

    def counting_factory(cfg, source, target):
        """Every pair runs the one base en→ru model (ky and fr cost what ru costs); count what is sent."""
        from pubkit.mt import packages as pk

        eng = argos.ArgosEngine([pk.find(folder, "en", "ru")])
        real = eng.translate

        def translate(texts, **k):
            sent.setdefault(target, []).append(len(texts))
            return real(texts, **k)

        eng.translate = translate
        return eng

    try:
        upd.run(root=scratch)
        t = time.perf_counter()
        cmd.run(root=scratch, engine_factory=counting_factory)
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
        cmd.run(root=scratch, engine_factory=counting_factory)
        second = time.perf_counter() - t
    except PubkitError as err:
        return {"status": f"not measured: {err.message}"}
    return {"first_run_passages": sent_first, "rerun_passages": {k: sum(v) for k, v in sent.items()},
            "first_run_s": round(first, 2), "rerun_s": round(second, 2)}


if __name__ == "__main__":
    main()
