"""Synthetic multilingual models (M2M-100 / NLLB-200 layout, seeded random weights) for tests and benchmarks.

Built like :mod:`pubkit.mt.synthetic`'s Argos packages (same Transformer weights generator
and length counter, same presets) but packaged as :mod:`pubkit.mt.mlpackages` expects: the
CTranslate2 model files at the top of the folder, ``sentencepiece.bpe.model``, language
tokens (``__kk__`` or ``kaz_Cyrl``) appended to the vocabulary and never generated, and a
``pubkit-model.json`` that says the licence. Output is gibberish drawn mostly from pieces of
the target languages' sample sentences (the Kazakh one uses every Kazakh-specific letter).

CLI: ``python -m pubkit.mt.synthetic_multilingual --text ARTICLE.txt --out DIR [--family nllb]
[--languages en,ru,kk] [--preset base] [--zip]``
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import zipfile
from pathlib import Path

from . import mlpackages as ml
from .synthetic import PRESETS, SPECIALS, TARGET_SAMPLES, _no_torch, _spec, _train_sp

# Every letter of the Kazakh Cyrillic alphabet beyond Russian's: ә і ғ қ ң ө ұ ү һ.
KAZAKH_SAMPLE = (
    "Жұмысшылар жалақыны көтеруді талап етеді. Әңгіме, ғалым, үкімет, һәм өнер туралы. "
    "Кітап электронды және баспа түрінде шығады."
)
SAMPLES = {**TARGET_SAMPLES, "kk": KAZAKH_SAMPLE}
LICENCES = {"m2m100": ("MIT", False), "nllb": ("CC-BY-NC-4.0", True)}


def build(
    text: str,
    out_dir: Path,
    languages: tuple[str, ...] = ("en", "ru", "ky", "kk", "fr"),
    *,
    family: str = "m2m100",
    preset: str = "tiny",
    name: str | None = None,
    version: str = "1.0",
    seed: int = 4321,
    ratio: float = 1.2,
    licence: str | None = None,
    noncommercial: bool | None = None,
    quantization: str = "int8",
    archive: bool = False,
    favour: tuple[str, ...] | None = None,
) -> Path:
    """Build a model folder (or, with ``archive``, a ``.zip`` of it) in ``out_dir``; returns its path.

    ``favour``: the languages whose sample pieces the output is drawn from (default: every
    language but the first); their samples are repeated in the tokenizer's training text so
    that whole words become pieces.
    """
    import numpy as np
    import sentencepiece as spm

    with _no_torch():
        from ctranslate2.converters.converter import Converter
    fam = ml.FAMILIES[family]
    found = [fam.token(code) for code in languages]
    tokens = [t for t in found if t is not None]
    if len(tokens) != len(found):
        raise ValueError(f"the {family} family has no token for one of {languages}")
    cfg = PRESETS[preset]
    samples = [SAMPLES.get(code, "") for code in (languages[1:] if favour is None else favour)]
    lines = [
        s
        for line in (text + "\n" + "\n".join(samples * 10)).splitlines()
        for s in re.split(r"(?<=[.!?…])\s+", line.strip())
        if s
    ]
    sp_bytes = _train_sp(lines, cfg["sp_vocab"], seed, [])
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    pieces = [
        sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not (sp.is_control(i) or sp.is_unknown(i))
    ]
    vocab = SPECIALS + pieces + tokens  # language tokens after the pieces, as in M2M-100
    real = len(vocab)
    vocab += [f"<extra_{i}>" for i in range(max(cfg["vocab"], real) - real)]
    bias = np.zeros(len(vocab), np.float32)
    bias[[0, 1, 2]] = -1e4
    bias[real:] = -1e4
    favoured = {p for s in samples if s for p in sp.encode(s, out_type=str)}
    for i, piece in enumerate(vocab[:real]):
        if piece in favoured and piece != "▁":
            bias[i] = 4.0 + (1.0 if piece.startswith("▁") else 0.0)
    for t in tokens:
        bias[vocab.index(t)] = -1e4  # forced as prefix, never generated
    spec = _spec(cfg, vocab, bias, seed, ratio)

    name = name or f"synthetic-{family}-{preset}"
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = out_dir / f".build-{name}"
    shutil.rmtree(stage, ignore_errors=True)
    folder = stage / name

    class _Conv(Converter):
        def _load(self):
            return spec

    _Conv().convert(str(folder), quantization=quantization, force=True)
    (folder / "sentencepiece.bpe.model").write_bytes(sp_bytes)
    default_licence, default_nc = LICENCES[family]
    meta = {
        "name": name,
        "version": version,
        "family": family,
        "languages": list(languages),
        "licence": licence or default_licence,
        "noncommercial": default_nc if noncommercial is None else noncommercial,
        "source": "pubkit.mt.synthetic_multilingual (random weights, meaningless output)",
        "synthetic": {
            "generator": "pubkit.mt.synthetic_multilingual",
            "preset": preset,
            "seed": seed,
            "length_ratio": ratio,
        },
    }
    (folder / ml.METADATA).write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    (folder / "README.md").write_text(
        "SYNTHETIC multilingual model: random weights, meaningless output.\n", encoding="utf-8"
    )
    if archive:
        dest = out_dir / f"{name}.zip"
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED) as zf:
            for path in sorted(folder.rglob("*")):
                zf.write(path, path.relative_to(stage).as_posix())
    else:
        dest = out_dir / name
        shutil.rmtree(dest, ignore_errors=True)
        folder.rename(dest)
    shutil.rmtree(stage, ignore_errors=True)
    return dest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--text", required=True, help="source-language text to train SentencePiece on")
    ap.add_argument("--out", required=True, help="folder to write the model (folder or .zip) into")
    ap.add_argument("--family", choices=sorted(ml.FAMILIES), default="m2m100")
    ap.add_argument("--languages", default="en,ru,ky,kk,fr", help="comma-separated; the first is the source")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    ap.add_argument("--seed", type=int, default=4321)
    ap.add_argument(
        "--favour", help="comma-separated languages the gibberish is drawn from (default: all targets)"
    )
    ap.add_argument("--zip", action="store_true", help="write a .zip archive instead of a folder")
    args = ap.parse_args(argv)
    text = Path(args.text).read_text(encoding="utf-8")
    langs = tuple(c.strip() for c in args.languages.split(",") if c.strip())
    favour = tuple(c.strip() for c in args.favour.split(",")) if args.favour else None
    print(
        build(
            text,
            Path(args.out),
            langs,
            family=args.family,
            preset=args.preset,
            seed=args.seed,
            archive=args.zip,
            favour=favour,
        )
    )


if __name__ == "__main__":
    main()
