"""Source files → :class:`~pubkit.model.Document`. One module per input format.

A reader is registered for file suffixes with :func:`register`; :func:`read_article`
picks it by suffix, so a new format is one new module and no ``if format ==`` chain.
Every reader gets decoded, normalized text (UTF-8, BOM removed, LF line endings) and the
editor's metadata, and returns a document in normal form.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, Location
from ..model import Document
from .source import SourceText, load_source

Reader = Callable[[SourceText], Document]
READERS: dict[str, Reader] = {}


def register(*suffixes: str):
    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            READERS[s] = fn
        return fn

    return deco


def supported_suffixes() -> list[str]:
    return sorted(READERS)


def read_article(path: Path, root: Path | None = None) -> Document:
    """Read one article from ``seeds/`` with the reader registered for its suffix."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(
            f"no reader for '{path.suffix or path.name}' files",
            location=Location(path),
            hint="seeds/ takes " + ", ".join(supported_suffixes())
            + " articles (and .yaml metadata beside a .txt file); move other files elsewhere",
        )
    return reader(load_source(path, root))


from . import markdown, plaintext  # noqa: E402,F401  (registration side effect)
