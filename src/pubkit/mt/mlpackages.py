"""Installed multilingual CTranslate2 models (M2M-100, NLLB-200 families): layout, metadata, safe install.

Why a second kind of model: Argos Translate has one package per language pair and none for
English→Kazakh; M2M-100 and NLLB-200 translate between ~100 / ~200 languages with one model,
the target language chosen by a prefix token (``__kk__``, ``kaz_Cyrl``). They run on the
same CTranslate2 once converted with ``ct2-transformers-converter`` (README).

A model is one folder (installed under :func:`models_dir`), as the converter writes it with
``--copy_files sentencepiece.bpe.model``, plus a small metadata file ``pubkit-model.json``::

    m2m100_418m/
      pubkit-model.json       {"name", "version", "family", "licence", "noncommercial", "source", ...}
      model.bin  config.json  shared_vocabulary.json (or .txt)
      sentencepiece.bpe.model (or sentencepiece.model)

``languages`` in the metadata is optional: a list of pubkit codes (the family knows each
code's token) or a ``{code: token}`` mapping; when absent the languages are read from the
vocabulary's language tokens. Every token is checked against the vocabulary at install time.
They are kept apart from Argos packages: argostranslate fails on a folder of its packages
directory that has no ``metadata.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem, InputError, Location, MissingError
from ..limits import load_json
from . import packages as pk

METADATA = "pubkit-model.json"
TOKENIZERS = ("sentencepiece.bpe.model", "sentencepiece.model", "spm.model")
VOCABULARIES = (
    "shared_vocabulary.json",
    "shared_vocabulary.txt",
    "target_vocabulary.json",
    "target_vocabulary.txt",
)
NONCOMMERCIAL_RE = re.compile(r"\bNC\b|non-?commercial", re.IGNORECASE)

# NLLB-200 language tokens (FLORES-200 codes) for the pubkit codes most projects use; any other
# language is given by the metadata as {"code": "xxx_Scrp"}.
NLLB_CODES = {
    "en": "eng_Latn",
    "ru": "rus_Cyrl",
    "kk": "kaz_Cyrl",
    "ky": "kir_Cyrl",
    "fr": "fra_Latn",
    "de": "deu_Latn",
    "es": "spa_Latn",
    "it": "ita_Latn",
    "pt": "por_Latn",
    "uk": "ukr_Cyrl",
    "be": "bel_Cyrl",
    "tr": "tur_Latn",
    "uz": "uzn_Latn",
    "tg": "tgk_Cyrl",
    "tk": "tuk_Latn",
    "az": "azj_Latn",
    "tt": "tat_Cyrl",
    "ba": "bak_Cyrl",
    "mn": "khk_Cyrl",
    "zh": "zho_Hans",
    "ar": "arb_Arab",
    "fa": "pes_Arab",
    "pl": "pol_Latn",
    "ka": "kat_Geor",
    "hy": "hye_Armn",
}


@dataclass(frozen=True)
class Family:
    """How one model family names its language tokens."""

    name: str
    token: Callable[[str], str | None]  # pubkit code -> token (None: unknown to the family)
    code: Callable[[str], str | None]  # vocabulary token -> pubkit code (None: not a language token)


def _m2m_code(token: str) -> str | None:
    m = re.fullmatch(r"__([a-z]{2,3})__", token)
    return m.group(1) if m else None


_NLLB_BACK = {v: k for k, v in NLLB_CODES.items()}
FAMILIES: dict[str, Family] = {
    "m2m100": Family("m2m100", lambda c: f"__{c}__", _m2m_code),
    "nllb": Family("nllb", NLLB_CODES.get, _NLLB_BACK.get),
}


@dataclass(frozen=True)
class MultilingualModel:
    """One installed multilingual model folder and its metadata."""

    path: Path
    name: str
    version: str
    family: str
    languages: dict[str, str] = field(compare=False)  # pubkit code -> language token
    licence: str = ""
    noncommercial: bool = False
    source_url: str = ""
    tokenizer: str = "sentencepiece.bpe.model"
    synthetic: bool = False

    def serves(self, source: str, target: str) -> bool:
        return source in self.languages and target in self.languages and source != target

    @property
    def licence_note(self) -> str:
        """ "licence MIT" or "licence CC-BY-NC-4.0, non-commercial use only": for provenance lines."""
        text = f"licence {self.licence or 'unknown'}"
        return text + (", non-commercial use only" if self.noncommercial else "")


def models_dir(cfg: Any = None) -> Path:
    """pubkit.toml ``[models] multilingual_dir``; else $PUBKIT_MULTILINGUAL_DIR; else the XDG data folder."""
    raw = getattr(cfg, "raw", None) or {}
    section = raw["models"] if isinstance(raw.get("models"), dict) else {}
    configured = section.get("multilingual_dir")
    if configured:
        path = Path(os.path.expanduser(str(configured)))
        return path if path.is_absolute() else cfg.root / path
    if os.environ.get("PUBKIT_MULTILINGUAL_DIR"):
        return Path(os.environ["PUBKIT_MULTILINGUAL_DIR"])
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "pubkit" / "multilingual-models"


# ------------------------------------------------------------------ reading


def vocabulary(folder: Path) -> list[str]:
    """The model's target vocabulary (CTranslate2's JSON or text format)."""
    for name in VOCABULARIES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            if name.endswith(".json"):
                tokens = load_json(path.read_text(encoding="utf-8"), path, "the vocabulary")
                if isinstance(tokens, list) and all(isinstance(t, str) for t in tokens):
                    return tokens
                raise InputError("the vocabulary is not a list of tokens", location=Location(path))
            return path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InputError(f"the vocabulary cannot be read: {err}", location=Location(path)) from None
    raise InputError(
        "not a CTranslate2 model: no shared_vocabulary.json (or .txt)",
        location=Location(folder),
        hint="convert the checkpoint with ct2-transformers-converter (README, Multilingual models)",
    )


def read_metadata(folder: Path) -> dict:
    path = folder / METADATA
    try:
        meta = load_json(path.read_text(encoding="utf-8"), path, METADATA)
    except FileNotFoundError:
        raise InputError(
            f"not a multilingual model: no {METADATA}",
            location=Location(folder),
            hint="write one next to model.bin (README, Multilingual models)",
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{METADATA} cannot be read: {err}", location=Location(path)) from None
    if not isinstance(meta, dict):
        raise InputError(f"{METADATA} must hold a JSON object", location=Location(path))
    return meta


def load_model(folder: Path, *, check_files: bool = False) -> MultilingualModel:
    """Read and validate a model folder; ``check_files`` also checks weights, tokenizer and tokens."""
    meta = read_metadata(folder)
    loc = Location(folder / METADATA)
    family = str(meta.get("family", ""))
    if family not in FAMILIES:
        raise InputError(
            f"unknown model family {family!r}",
            location=loc,
            hint=f'set "family" to one of: {", ".join(sorted(FAMILIES))}',
        )
    fam = FAMILIES[family]
    name = str(meta.get("name") or folder.name)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}", name):
        raise InputError(
            f"model name {name!r} is not a plain file name",
            location=loc,
            hint="use letters, digits, '.', '_', '+' and '-' only",
        )
    licence = str(meta.get("licence") or meta.get("license") or "")
    if not licence:
        raise InputError(
            "the metadata does not say the model's licence",
            location=loc,
            hint='add e.g. "licence": "MIT" (M2M-100) or "CC-BY-NC-4.0" (NLLB-200)',
        )
    declared_nc = meta.get("noncommercial")
    if declared_nc is not None and not isinstance(declared_nc, bool):
        raise InputError('"noncommercial" must be true or false', location=loc)
    noncommercial = bool(declared_nc) or bool(NONCOMMERCIAL_RE.search(licence))
    tokenizer = str(
        meta.get("tokenizer") or next((t for t in TOKENIZERS if (folder / t).is_file()), TOKENIZERS[0])
    )
    if "/" in tokenizer or "\\" in tokenizer or tokenizer.startswith("."):
        raise InputError(f"tokenizer {tokenizer!r} must be a file name in the model folder", location=loc)
    vocab: list[str] | None = None
    raw_langs = meta.get("languages")
    if raw_langs is None:
        vocab = vocabulary(folder)
        langs = {c: t for t in vocab if (c := fam.code(t))}
    elif isinstance(raw_langs, list) and all(isinstance(c, str) for c in raw_langs):
        langs = {}
        for code in raw_langs:
            token = fam.token(code)
            if token is None:
                raise InputError(
                    f"the {family} family has no known token for language {code!r}",
                    location=loc,
                    hint=f'give the token explicitly: "languages": {{"{code}": "..."}}',
                )
            langs[code] = token
    elif isinstance(raw_langs, dict) and all(isinstance(v, str) for v in raw_langs.values()):
        langs = {str(k): v for k, v in raw_langs.items()}
    else:
        raise InputError('"languages" must be a list of codes or a {code: token} object', location=loc)
    if len(langs) < 2:
        raise InputError(
            "the model covers fewer than two languages",
            location=loc,
            hint='list them in "languages", e.g. ["en", "kk", "ru"]',
        )
    model = MultilingualModel(
        path=folder,
        name=name,
        version=str(meta.get("version", "")),
        family=family,
        languages=langs,
        licence=licence,
        noncommercial=noncommercial,
        source_url=str(meta.get("source", "")),
        tokenizer=tokenizer,
        synthetic=bool(meta.get("synthetic")),
    )
    if check_files:
        _check_files(model, vocab)
    return model


def _check_files(model: MultilingualModel, vocab: list[str] | None) -> None:
    folder = model.path
    if not (folder / "model.bin").is_file():
        raise InputError(
            "not a CTranslate2 model: no model.bin next to the metadata", location=Location(folder)
        )
    if not (folder / model.tokenizer).is_file():
        raise InputError(
            f"no SentencePiece model {model.tokenizer}",
            location=Location(folder),
            hint="copy it from the checkpoint (converter option --copy_files sentencepiece.bpe.model)",
        )
    known = set(vocab if vocab is not None else vocabulary(folder))
    lost = sorted(f"{c} ({t})" for c, t in model.languages.items() if t not in known)
    if lost:
        raise InputError(
            f"language tokens missing from the vocabulary: {', '.join(lost[:8])}",
            location=Location(folder / METADATA),
            hint='fix "languages" (or "family") in the metadata',
        )


def installed(folder: Path) -> list[MultilingualModel]:
    """Every valid model in ``folder``, sorted by name then version."""
    found = pk.load_valid(folder, load_model)
    return sorted(found, key=lambda m: (m.name, pk._version_key(m.version), m.path.name))


def serving(folder: Path, source: str, target: str) -> list[MultilingualModel]:
    return [m for m in installed(folder) if m.serves(source, target)]


# ------------------------------------------------------------------ install


def is_model(path: Path) -> bool:
    """Whether ``path`` (a folder, or a zip archive of one folder) holds a multilingual model."""
    path = Path(path)
    if path.is_dir():
        return (path / METADATA).is_file()
    if not path.is_file():  # a FIFO or device (/dev/zero) is never opened here: the installer refuses it
        return False
    if not zipfile.is_zipfile(path):
        return False
    with contextlib.suppress(zipfile.BadZipFile, OSError), zipfile.ZipFile(path) as zf:
        return any(n.replace("\\", "/").count("/") == 1 and n.endswith("/" + METADATA) for n in zf.namelist())
    return False


def install(path: Path, folder: Path, *, max_bytes: int = pk.DEFAULT_MAX_BYTES) -> MultilingualModel:
    """Install a model from a folder or a zip archive of one folder; atomic, replaces the same name.

    The archive goes through the Argos installer's safety checks (no absolute or ``..`` paths,
    no links, one top-level folder, size and inflation caps); a folder is copied regular files
    only (a link or special file refuses the install). The copy is validated (metadata,
    weights, tokenizer, every language token in the vocabulary) before it is renamed into place.
    """
    path = Path(path)
    loc = Location(path)
    if not path.exists():
        raise MissingError(
            "no such model file or folder",
            location=loc,
            hint="give a model folder (with pubkit-model.json) or a .zip of one",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise EnvironmentProblem(
            f"cannot create the models folder: {err.strerror}", location=Location(folder)
        ) from None
    pk._clean_stale(folder)
    tmp = folder / f"{pk.TMP_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        tmp.mkdir()
        if path.is_dir():
            staged = tmp / path.name
            _copy_tree(path, staged, max_bytes)
        else:
            staged = _unzip(path, tmp, max_bytes)
        model = load_model(staged, check_files=True)
        final = folder / model.name
        trash = folder / f"{pk.TMP_PREFIX}old-{uuid.uuid4().hex[:12]}"
        if final.exists():
            os.replace(final, trash)
        os.replace(staged, final)
        shutil.rmtree(trash, ignore_errors=True)
        return load_model(final)
    except OSError as err:
        raise EnvironmentProblem(
            f"cannot install the model: {err.strerror}",
            location=Location(folder),
            hint="check free disk space and permissions; nothing was installed",
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _unzip(archive: Path, tmp: Path, max_bytes: int) -> Path:
    loc = Location(archive)
    try:
        with zipfile.ZipFile(archive) as zf:
            top = pk._check_members(zf, archive, max_bytes)
            pk._extract(zf, tmp, max_bytes, archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as err:
        raise InputError(
            f"not a valid zip archive: {err}",
            location=loc,
            hint="the download may be truncated or corrupt; fetch it again",
        ) from None
    except zlib.error as err:
        raise InputError(f"corrupt archive: {err}", location=loc, hint="fetch the file again") from None
    staged = tmp / top
    if not staged.is_dir():
        raise InputError("not a model archive: no top-level folder", location=loc)
    return staged


def _copy_tree(src: Path, dest: Path, max_bytes: int) -> None:
    """Copy regular files and folders only; refuse links and special files; cap the total size."""
    total = 0
    for entry in _walk(src):
        rel = entry.relative_to(src)
        mode = entry.lstat().st_mode
        if stat.S_ISLNK(mode):
            raise InputError(
                f"refused: the model folder contains a symbolic link ({rel})",
                location=Location(src),
                hint="a model holds plain files only; copy the real files into the folder",
            )
        target = dest / rel
        if stat.S_ISDIR(mode):
            target.mkdir(parents=True, exist_ok=True)
        elif stat.S_ISREG(mode):
            total += entry.lstat().st_size
            if total > max_bytes:
                raise InputError(
                    f"refused: the model folder holds more than {max_bytes // 1024**2} MB",
                    location=Location(src),
                    hint="raise [models] max_mb if it is genuine",
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry, target, follow_symlinks=False)
        else:
            raise InputError(f"refused: {rel} is not a regular file", location=Location(src))


def _walk(root: Path) -> Iterable[Path]:
    yield root
    for sub in sorted(root.iterdir()):
        if sub.is_dir() and not sub.is_symlink():
            yield from _walk(sub)
        else:
            yield sub


def remove(folder: Path, name: str) -> MultilingualModel:
    """Remove one installed model by name."""
    for model in installed(folder):
        if model.name == name:
            trash = folder / f"{pk.TMP_PREFIX}rm-{uuid.uuid4().hex[:12]}"
            try:
                os.replace(model.path, trash)
            except OSError as err:
                raise EnvironmentProblem(
                    f"cannot remove: {err.strerror}", location=Location(model.path)
                ) from None
            shutil.rmtree(trash, ignore_errors=True)
            return model
    raise MissingError(
        f"no multilingual model named {name!r} is installed",
        location=Location(folder),
        hint="`invoke models.list` shows what is installed",
    )
