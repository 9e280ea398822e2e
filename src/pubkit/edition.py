"""What a renderer gets: one localized document plus the facts an edition must state.

The localization stage (:mod:`pubkit.localize`) makes an :class:`Edition`; renderers
(:mod:`pubkit.render`) turn it into files. Renderers never read PO files or sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Language
from .model import Document


@dataclass(frozen=True)
class Coverage:
    """How the edition's passages were made (counted per unit; words for shares).

    Every passage is in exactly one of reviewed, accepted, machine, needs_work, stale and
    untranslated (:func:`pubkit.catalog.states.assess` decides which); ``broken`` is the
    part of ``untranslated`` whose translation exists but was not printed (broken tags).
    """

    total: int = 0
    reviewed: int = 0  # human translations (written or edited drafts), approved
    machine: int = 0  # machine drafts published as such (credited)
    stale: int = 0  # reviewed translations of an older source text (published per policy)
    untranslated: int = 0  # no printable translation: published in the source language, marked
    accepted: int = 0  # machine drafts a reviewer approved unchanged (credited)
    needs_work: int = 0  # human text marked fuzzy again, or an edited draft not yet approved
    broken: int = 0  # of ``untranslated``: a translation whose tags do not fit the source
    words_total: int = 0
    words_reviewed: int = 0

    @property
    def reviewed_share(self) -> float:
        return (self.reviewed + self.accepted) / self.total if self.total else 1.0


@dataclass(frozen=True)
class EmbeddedImage:
    """A local image an edition carries (checked and read by :func:`pubkit.images.load_images`)."""

    src: str  # the address as the source writes it (the :class:`~pubkit.model.Image`'s ``src``)
    name: str  # its path inside the edition, by content: "images/figure-<sha256 prefix>.png"
    media_type: str  # image/png, image/jpeg or image/gif (from the bytes)
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Edition:
    doc: Document  # localized: meta.lang is the edition's language
    language: Language
    source_language: Language
    is_source: bool  # the original-language edition
    coverage: Coverage = field(default_factory=Coverage)
    translators: tuple[str, ...] = ()  # people credited for the translation / review
    machine_credits: tuple[str, ...] = ()  # e.g. "Argos Translate, translate-en_ru 1.9"
    untranslated_keys: frozenset[str] = frozenset()  # units shown in the source language
    build_date: str = ""  # ISO date: SOURCE_DATE_EPOCH, else its inputs' latest change
    identifier: str = ""  # stable, per article and language
    page_size: str = "A5"
    # The original document, for renderers: its title for the colophon, and its unit keys
    # (``untranslated_keys`` are keys of the source's units). None: derive from ``doc``.
    source_doc: Document | None = None
    # levels of headings the EPUB's contents nests (2: a collection's parts, then its articles)
    toc_depth: int = 1
    # a book (pubkit.collection): how many articles it holds and their dates (ISO), which its
    # colophon and title page state as the book's; 0 and () for an article
    articles: int = 0
    member_dates: tuple[str, ...] = ()
    # the article's local images, embedded by both renderers (an Image whose src is not here
    # is printed as its description, as a remote image is)
    images: tuple[EmbeddedImage, ...] = ()
