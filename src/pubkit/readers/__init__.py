"""Source files → :class:`~pubkit.model.Document`. One module per input format.

A reader is registered for file suffixes with :func:`register`; :func:`read_article`
picks it by suffix, so a new format is one new module and no ``if format ==`` chain.
Every reader gets decoded, normalized text (UTF-8, BOM removed, LF line endings) and the
editor's metadata, and returns a document in normal form; a reader of a binary format
(``.docx``) registers with ``binary=True`` and gets the file's bytes (``SourceText.data``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, Location
from ..limits import MAX_BLOCK_DEPTH, check_document, too_deep
from ..model import Document
from .meta import MetaSource, slug_for
from .source import SourceText, display_path, load_source

Reader = Callable[[SourceText], Document]
MetaReader = Callable[[SourceText], MetaSource]
READERS: dict[str, Reader] = {}
META_READERS: dict[str, MetaReader] = {}  # formats whose metadata is inside the file (front matter)
BINARY: set[str] = set()  # formats read as bytes, not as text


def register(*suffixes: str, meta: MetaReader | None = None, binary: bool = False):
    """Register a reader for ``suffixes``; ``meta`` reads only its metadata (else: the sidecar);
    ``binary``: the reader takes the file's bytes (``SourceText.data``) instead of its text."""

    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            READERS[s] = fn
            if meta is not None:
                META_READERS[s] = meta
            if binary:
                BINARY.add(s)
        return fn

    return deco


def supported_suffixes() -> list[str]:
    return sorted(READERS)


def read_article(path: Path, root: Path | None = None) -> Document:
    """Read one article from ``seeds/`` with the reader registered for its suffix.

    Whatever the reader built is checked against the nesting limits (:mod:`pubkit.limits`)
    before any later stage walks it; a reader that recursed too deep on its own is the same
    refusal (exit 65), not a traceback."""
    reader = _reader_for(path)
    src = load_source(path, root, binary=path.suffix.lower() in BINARY)
    try:
        doc = reader(src)
    except RecursionError:
        raise too_deep("the article", MAX_BLOCK_DEPTH, Location(src.path),
                       "remove the extra indentation, `>` or `*` that nest the text this deep") from None
    check_document(doc, src.path)
    return doc


def _reader_for(path: Path) -> Reader:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(
            f"no reader for '{path.suffix or path.name}' files",
            location=Location(path),
            hint="seeds/ takes " + ", ".join(supported_suffixes())
            + " articles (and .yaml metadata beside a .txt file); move other files elsewhere",
        )
    return reader


def read_meta(path: Path, root: Path | None = None) -> MetaSource:
    """An article's validated metadata (sidecar, and front matter over it) without parsing its body."""
    _reader_for(path)
    src = load_source(path, root, binary=path.suffix.lower() in BINARY)
    meta_reader = META_READERS.get(path.suffix.lower())
    return meta_reader(src) if meta_reader else src.meta


def article_slug(path: Path, root: Path | None = None) -> str:
    """The slug the reader gives ``path``: ``slug:`` from its metadata, else its (valid) file name."""
    return slug_for(read_meta(path, root).meta, path, display_path(path, root))


from . import docx, markdown, plaintext, webpage  # noqa: E402,F401  (registration side effect)
