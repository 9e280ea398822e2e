#!/usr/bin/env python3
"""Multilingual engine vs Argos engine at the same model size, on the article (en→kk).

Both models are synthetic and transformer-base sized (6+6 layers, d_model 512, 8 heads, ffn 2048,
32k vocabulary, int8, the same length counter): an Argos package built by ``pubkit.mt.synthetic``
and an M2M-100-layout model built by ``pubkit.mt.synthetic_multilingual``. So the comparison is
of the engines' paths (source language token + ``</s>``, forced target prefix, decoding options),
not of model quality. Interleaved, order-rotated repeats; medians; one process.

    .venv/bin/python bench/multilingual.py [--repeats 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

ARTICLE = ROOT / "seeds" / "kazakh-workers-revolt-2022.txt"
WORK = HERE / ".work" / "multilingual"


def unit_texts() -> list[str]:
    from pubkit.readers import read_article
    from pubkit.segment import segment

    return [u.text for u in segment(read_article(ARTICLE, ROOT))]


def engines(threads: int):
    from pubkit.mt import mlpackages as ml
    from pubkit.mt import packages as pk
    from pubkit.mt.argos import ArgosEngine
    from pubkit.mt.multilingual import MultilingualEngine
    from pubkit.mt.synthetic import build as build_argos
    from pubkit.mt.synthetic_multilingual import build as build_ml

    text = ARTICLE.read_text(encoding="utf-8")
    argos_dir, ml_dir = WORK / "argos", WORK / "ml"
    if not any(argos_dir.glob("*/model/model.bin")):
        shutil.rmtree(WORK, ignore_errors=True)
        archive = build_argos(text, WORK, "en", "kk", preset="base")
        pk.install_archive(archive, argos_dir)
        ml.install(build_ml(text, WORK / "built", ("en", "kk"), preset="base", favour=("kk",)), ml_dir)
    package = pk.installed(argos_dir)[0]
    model = ml.installed(ml_dir)[0]
    size = {
        "argos_mb": round((package.path / "model" / "model.bin").stat().st_size / 1024**2, 1),
        "multilingual_mb": round((model.path / "model.bin").stat().st_size / 1024**2, 1),
    }
    return {
        "argos": ArgosEngine([package], threads=threads),
        "multilingual": MultilingualEngine(model, "en", "kk", threads=threads),
    }, size


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json", help="write the results here too")
    args = ap.parse_args()
    texts = unit_texts()
    found, size = engines(args.threads)
    names = list(found)
    times: dict[str, list[float]] = {n: [] for n in names}
    out_pieces: dict[str, int] = {}
    for name, engine in found.items():  # warm-up, and output length for tokens/s
        drafts = engine.translate(texts)
        sp = engine._steps[0].sp if name == "argos" else engine._sp
        out_pieces[name] = sum(len(sp.encode(d.text, out_type=str)) for d in drafts)
    for r in range(args.repeats):
        order = names[r % 2 :] + names[: r % 2]
        for name in order:
            t0 = time.perf_counter()
            found[name].translate(texts)
            times[name].append(time.perf_counter() - t0)
    med = {n: statistics.median(v) for n, v in times.items()}
    result = {
        "passages": len(texts),
        "repeats": args.repeats,
        **size,
        "median_s": {n: round(v, 3) for n, v in med.items()},
        "output_pieces": out_pieces,
        "pieces_per_s": {n: round(out_pieces[n] / med[n], 1) for n in names},
        "multilingual_vs_argos_time": round(med["multilingual"] / med["argos"], 3),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
