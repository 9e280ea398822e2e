"""Synthetic Argos packages (seeded random weights, real format) for tests, benchmarks and demos.

No real model can be downloaded in CI, and none may ship in the repository; this builds a
genuine ``.argosmodel`` (``metadata.json``, CTranslate2 ``model/``, ``sentencepiece.model``)
in about a second (tiny) or a few seconds (transformer-base size). Its output is gibberish.

Decoded length: random weights almost never emit ``</s>``, so every sentence would decode to
256 tokens. A small "length counter" is wired into otherwise random weights (no shape change,
so the compute cost equals a random model's): reserved residual dimensions carry a position-0
marker; one decoder self-attention head averages it over the target (≈1/(t+1)), one
cross-attention head over the source (≈1/S); the ``</s>`` output row compares the two, so
``</s>`` wins once t+1 ≥ ratio·S and output length ≈ ratio × source length.

CLI: ``python -m pubkit.mt.synthetic --text ARTICLE.txt --out DIR --pair en-ru [--preset base]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import re
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

PRESETS = {
    "tiny": dict(layers=2, d_model=64, heads=4, ffn=256, vocab=0, sp_vocab=400, positions=512),
    "base": dict(layers=6, d_model=512, heads=8, ffn=2048, vocab=32000, sp_vocab=2000, positions=5000),
}
TARGET_SAMPLES = {
    "ru": "Рабочие требуют повышения заработной платы и свободы профсоюзов. Книга выходит в печатном виде.",
    "ky": "Жумушчулар эмгек акыны көбөйтүүнү талап кылышат. Китеп электрондук жана басма түрүндө чыгат.",
    "kk": "Жұмысшылар жалақыны көтеруді талап етеді. Кітап электронды және баспа түрінде шығады.",
    "fr": "Les ouvriers réclament des hausses de salaire et la liberté syndicale. Le livre paraît bientôt.",
    "en": "The workers demand higher wages and free trade unions. The book appears in print and online.",
}
SPECIALS = ["<unk>", "<blank>", "<s>", "</s>"]


@contextlib.contextmanager
def _no_torch():
    """ctranslate2.specs tries ``import torch`` (1 s, 600 MB) that it does not need here."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail fast
    try:
        yield
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


def _train_sp(lines: list[str], vocab: int, seed: int, symbols: list[str]) -> bytes:
    import sentencepiece as spm

    out = io.BytesIO()
    extra: dict[str, Any] = {"user_defined_symbols": symbols} if symbols else {}
    spm.set_random_generator_seed(seed)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=out, vocab_size=vocab, hard_vocab_limit=False,
        model_type="bpe", character_coverage=1.0, num_threads=1, minloglevel=2,
        **extra,
    )
    return out.getvalue()


def _shape(name: str, d: int, ffn: int, v: int):
    parts = name.split("/")
    leaf, layer = parts[-1], parts[-2]
    if "embeddings" in layer or layer == "projection":
        return (v, d)
    if leaf in ("gamma", "beta"):
        return (d,)
    block = parts[-3]
    if block == "self_attention":
        return {"linear_0": (3 * d, d), "linear_1": (d, d)}[layer]
    if block == "attention":
        return {"linear_0": (d, d), "linear_1": (2 * d, d), "linear_2": (d, d)}[layer]
    return {"linear_0": (ffn, d), "linear_1": (d, ffn)}[layer]


def _spec(cfg: dict, vocab: list[str], bias, seed: int, ratio: float):
    import numpy as np

    with _no_torch():
        from ctranslate2.specs import common_spec, model_spec, transformer_spec
    d, ffn, heads = cfg["d_model"], cfg["ffn"], cfg["heads"]
    dh = d // heads
    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config((cfg["layers"], cfg["layers"]), heads)
    arrays = {}
    for name, value in spec.variables(ordered=True):
        if value is not None:
            continue
        shape = _shape(name, d, ffn, len(vocab))
        if name.endswith("gamma"):
            arrays[name] = np.ones(shape, np.float32)
        elif name.endswith("beta"):
            arrays[name] = np.zeros(shape, np.float32)
        elif "embeddings" in name:
            arrays[name] = rng.standard_normal(shape, np.float32) * d**-0.5
        else:
            arrays[name] = rng.standard_normal(shape, np.float32) * shape[1] ** -0.5
    linears = []

    def collect(layer, scope):
        for key, val in list(layer.__dict__.items()):
            if key.startswith("_"):
                continue
            sub = f"{scope}/{key}" if scope else key
            if isinstance(val, list):
                for i, item in enumerate(val):
                    collect(item, f"{sub}_{i}")
            elif isinstance(val, common_spec.LinearSpec):
                linears.append(sub)
            elif isinstance(val, model_spec.LayerSpec):
                collect(val, sub)

    collect(spec, "")
    for scope in linears:
        arrays[scope + "/bias"] = np.zeros(arrays[scope + "/weight"].shape[0], np.float32)
    pos = np.arange(cfg["positions"], dtype=np.float64)[:, None]
    div = np.exp(np.arange(0, d, 2, dtype=np.float64) * -(math.log(10000.0) / d))
    pe = np.zeros((cfg["positions"], d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(pos * div), np.cos(pos * div)
    pe = pe.astype(np.float32)
    if ratio > 0:  # the length counter (module docstring)
        c_pos, c_neg, r_u, r_v = d - 4, d - 3, d - 2, d - 1
        reserved = [c_pos, c_neg, r_u, r_v]
        pe[:, reserved] = 0.0
        pe[0, c_pos], pe[0, c_neg] = 10.0 * math.sqrt(d), -10.0 * math.sqrt(d)
        for name, arr in arrays.items():
            if "embeddings" in name:
                arr[:, reserved] = 0.0
            elif name.endswith(("self_attention/linear_1/weight", "attention/linear_2/weight",
                                "ffn/linear_1/weight")):
                arr[reserved, :] = 0.0
        h = heads - 1
        sa = "decoder/layer_0/self_attention"
        w = arrays[f"{sa}/linear_0/weight"]
        w[h * dh:(h + 1) * dh, :] = 0.0
        w[2 * d + h * dh:2 * d + (h + 1) * dh, :] = 0.0
        w[2 * d + h * dh, c_pos], w[2 * d + h * dh, c_neg] = 1.0, -1.0
        wo = arrays[f"{sa}/linear_1/weight"]
        wo[:, h * dh:(h + 1) * dh] = 0.0
        wo[r_u, h * dh] = 1.0
        ca = "decoder/layer_0/attention"
        arrays[f"{ca}/linear_0/weight"][h * dh:(h + 1) * dh, :] = 0.0
        wkv = arrays[f"{ca}/linear_1/weight"]
        wkv[d + h * dh:d + (h + 1) * dh, :] = 0.0
        wkv[d + h * dh, c_pos], wkv[d + h * dh, c_neg] = 1.0, -1.0
        wo = arrays[f"{ca}/linear_2/weight"]
        wo[:, h * dh:(h + 1) * dh] = 0.0
        wo[r_v, h * dh] = 1.0 / ratio
        proj = arrays["decoder/projection/weight"]
        proj[:, reserved] = 0.0
        eos = vocab.index("</s>")
        proj[eos, :] = 0.0
        proj[eos, r_v], proj[eos, r_u] = 2000.0, -2000.0
    arrays["decoder/projection/bias"] = bias
    for name, arr in arrays.items():
        scope, attr = name.rsplit("/", 1)
        setattr(model_spec.index_spec(spec, scope), attr, arr)
    spec.encoder.position_encodings.encodings = pe
    spec.decoder.position_encodings.encodings = pe.copy()
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    return spec


def build(text: str, out_dir: Path, source: str = "en", target: str = "ru", *, preset: str = "tiny",
          version: str = "1.0", seed: int = 1234, ratio: float = 1.2, target_prefix: str = "",
          quantization: str = "int8") -> Path:
    """Build ``translate-<source>_<target>-<version>.argosmodel`` in ``out_dir``; returns its path."""
    import numpy as np
    import sentencepiece as spm

    with _no_torch():
        from ctranslate2.converters.converter import Converter
    cfg = PRESETS[preset]
    sample = TARGET_SAMPLES.get(target, "")
    lines = [s for line in (text + "\n" + sample).splitlines()
             for s in re.split(r"(?<=[.!?…])\s+", line.strip()) if s]
    sp_bytes = _train_sp(lines, cfg["sp_vocab"], seed, [target_prefix] if target_prefix else [])
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())
              if not (sp.is_control(i) or sp.is_unknown(i))]
    vocab = SPECIALS + pieces
    real = len(vocab)
    vocab += [f"<extra_{i}>" for i in range(max(cfg["vocab"], real) - real)]
    bias = np.zeros(len(vocab), np.float32)
    bias[[0, 1, 2]] = -1e4
    bias[real:] = -1e4
    favoured = set(sp.encode(sample, out_type=str)) if sample else set()
    for i, piece in enumerate(vocab[:real]):
        if piece in favoured and piece != "▁":
            bias[i] = 4.0 + (1.0 if piece.startswith("▁") else 0.0)
    if target_prefix:
        bias[vocab.index(target_prefix)] = -1e4  # forced as prefix, never generated
    spec = _spec(cfg, vocab, bias, seed, ratio)

    name = f"translate-{source}_{target}-{version.replace('.', '_')}"
    out_dir = Path(out_dir)
    stage = out_dir / f".build-{name}"
    shutil.rmtree(stage, ignore_errors=True)
    pkg = stage / name
    pkg.mkdir(parents=True)

    class _Conv(Converter):
        def _load(self):
            return spec

    _Conv().convert(str(pkg / "model"), quantization=quantization, force=True)
    (pkg / "sentencepiece.model").write_bytes(sp_bytes)
    meta = {
        "package_version": version, "argos_version": "1.0", "from_code": source, "to_code": target,
        "from_name": source, "to_name": target, "type": "translate", "code": f"translate-{source}_{target}",
        "links": [], **({"target_prefix": target_prefix} if target_prefix else {}),
        "synthetic": {"generator": "pubkit.mt.synthetic", "preset": preset, "seed": seed,
                      "length_ratio": ratio},
    }
    (pkg / "metadata.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    (pkg / "README.md").write_text("SYNTHETIC package: random weights, meaningless output.\n",
                                   encoding="utf-8")
    archive = out_dir / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for path in sorted(pkg.rglob("*")):
            zf.write(path, path.relative_to(stage).as_posix())
    shutil.rmtree(stage, ignore_errors=True)
    return archive


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--text", required=True, help="source-language text to train SentencePiece on")
    ap.add_argument("--out", required=True, help="folder for the .argosmodel")
    ap.add_argument("--pair", action="append", default=[], help="e.g. en-ru (repeatable; default en-ru)")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args(argv)
    text = Path(args.text).read_text(encoding="utf-8")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    for pair in args.pair or ["en-ru"]:
        src, tgt = pair.split("-")
        print(build(text, Path(args.out), src, tgt, preset=args.preset, seed=args.seed))


if __name__ == "__main__":
    main()
