#!/usr/bin/env python3
"""GPU check: `--device cuda` explains a missing cuBLAS 12, and with it, throughput against the CPU.

Run on a machine with an NVIDIA GPU (bench/README.md, "GPU"). Phase ``message`` runs with the
machine as it is and says where CUDA 12 cuBLAS comes from; phase ``speed`` needs it: the ``gpu``
extra (``pip install -e '.[gpu]'``: the nvidia-cublas-cu12 wheel, which the engine loads by path)
or a system CUDA 12.

    python bench/gpu_check.py message|speed [--copies 20]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))


class _Cfg:
    def __init__(self, folder: Path):
        self.root = ROOT
        self.raw = {"models": {"dir": str(folder)}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=["message", "speed"])
    ap.add_argument("--copies", type=int, default=20, help="the article this many times (throughput)")
    ap.add_argument("--work", default="/tmp/pubkit-gpu")
    args = ap.parse_args()

    from pubkit.errors import PubkitError
    from pubkit.mt import load_engine
    from pubkit.mt import packages as pk
    from pubkit.mt.synthetic import build
    from pubkit.readers import read_article
    from pubkit.segment import segment

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    article = ROOT / "seeds" / "kazakh-workers-revolt-2022.txt"
    folder = work / "packages"
    if not pk.find(folder, "en", "ru"):
        pk.install_archive(build(article.read_text(encoding="utf-8"), work, "en", "ru", preset="base"), folder)
    cfg = _Cfg(folder)
    if args.phase == "message":
        from pubkit.mt import argos

        print(json.dumps({"wheel_cublas_dirs": [str(d) for d in argos.pip_cublas_dirs()]}))
        try:
            engine = load_engine(cfg, "en", "ru", device="cuda")
            print(json.dumps({"cuda": "usable", "device": engine.device}))
        except PubkitError as err:
            print(json.dumps({"cuda": "refused", "error": type(err).__name__, "message": str(err)}))
        auto = load_engine(cfg, "en", "ru", device="auto")
        print(json.dumps({"auto_device": auto.device, "note": auto.note}))
        return

    texts = [u.text for u in segment(read_article(article, ROOT))] * args.copies
    report = {}
    for device in ("cuda", "cpu"):
        engine = load_engine(cfg, "en", "ru", device=device)
        engine.translate(texts[:44])  # warm-up
        t = time.perf_counter()
        drafts = engine.translate(texts)
        dt = time.perf_counter() - t
        sentences = sum(len(__import__("pubkit.mt.tags", fromlist=["x"]).prepare(x).sentences) for x in texts)
        report[device] = {"seconds": round(dt, 2), "sentences_per_s": round(sentences / dt, 1),
                          "texts": len(texts), "sentences": sentences, "compute_type": engine.compute_type,
                          "inter_threads": engine.inter, "intra_threads": engine.intra,
                          "batch_sizes": engine.batch_sizes, "chars_out": sum(len(d.text) for d in drafts)}
        print(json.dumps({device: report[device]}), flush=True)
    report["cuda_vs_cpu"] = round(report["cpu"]["seconds"] / report["cuda"]["seconds"], 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
