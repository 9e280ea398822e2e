"""Collections: several articles as one book (``collections/<name>.yaml``).

A collection file names an introduction article (optional) and the member articles, either
as ``articles: [slug, ...]`` or in ``parts: [{title, articles: [...]}]``. Its book in a
language is one :class:`~pubkit.edition.Edition` made from the members' own editions
(:func:`pubkit.localize.localize`), so the renderers need nothing new:

- the book's title and subtitle are the collection's; each part is a level-1 heading; each
  article is a level-2 heading (level 1 without parts) followed by its own subtitle and
  byline (its authors and its date, as its edition has them); its headings move down;
- footnote ids are prefixed per article, so two articles' notes never collide;
- the coverage (the colophon's counts) is the sum of the members' coverages; credits are
  the union of theirs.

The collection's own strings (title, subtitle, part titles) are translated in
``translations/<lang>/<name>.collection.po``: ordinary gettext entries whose ``msgid`` is
the English string; an entry is printed when :func:`~pubkit.catalog.states.assess` says
it is printable, exactly as for an article's passages; otherwise the source string is printed.
"""

from __future__ import annotations

import difflib
import uuid
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from . import characters
from .config import Config
from .edition import Coverage, Edition
from .errors import Diagnostic, InputError, Location, MissingError, Severity
from .fsio import read_bounded
from .model import SLUG_RE, Author, Document, Emph, Heading, Meta, NoteRef, Paragraph, Span, Text
from .readers.meta import MetaLines, load_yaml
from .readers.source import check_characters
from .segment import map_passages, segment

FOLDER = "collections"
PO_SUFFIX = ".collection.po"
KEYS = ("title", "subtitle", "intro", "parts", "articles")
PART_KEYS = ("title", "articles")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        raise ValueError(f"{value!r} is not an article slug (lowercase letters, digits and '-')")
    return value


class PartEntry(_Strict):
    title: str
    articles: list[str]

    @field_validator("articles")
    @classmethod
    def _slugs(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("a part names at least one article")
        return [_slug(s) for s in v]


class CollectionFile(_Strict):
    title: str
    subtitle: str = ""
    intro: str | None = None
    parts: list[PartEntry] | None = None
    articles: list[str] | None = None

    @field_validator("intro")
    @classmethod
    def _intro(cls, v: str | None) -> str | None:
        return None if v is None else _slug(v)

    @field_validator("articles")
    @classmethod
    def _arts(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and not v:
            raise ValueError("a collection names at least one article")
        return None if v is None else [_slug(s) for s in v]

    @field_validator("parts")
    @classmethod
    def _parts(cls, v: list[PartEntry] | None) -> list[PartEntry] | None:
        if v is not None and not v:
            raise ValueError("`parts:` is empty; a collection has at least one part")
        return v

    @model_validator(mode="after")
    def _one(self) -> CollectionFile:
        if (self.parts is None) == (self.articles is None):
            raise ValueError("give either `parts:` (each with a title and articles) or `articles:`")
        return self


@dataclass(frozen=True)
class Part:
    title: str  # "" for a collection without parts
    slugs: tuple[str, ...]


@dataclass(frozen=True)
class Collection:
    name: str
    path: Path
    title: str
    subtitle: str
    intro: str | None
    parts: tuple[Part, ...]
    has_parts: bool
    lines: MetaLines
    warnings: tuple[Diagnostic, ...] = ()  # members named twice (each is printed once)

    def members(self) -> list[str]:
        """Every member slug once, in reading order (the introduction first)."""
        out = [self.intro] if self.intro else []
        for p in self.parts:
            out += [s for s in p.slugs if s not in out]
        return out

    def strings(self) -> list[str]:
        """The collection's own translatable strings."""
        return [s for s in (self.title, self.subtitle, *(p.title for p in self.parts)) if s]


def collection_paths(cfg: Config) -> list[Path]:
    folder = cfg.root / FOLDER
    return sorted(p for p in folder.glob("*.yaml")) if folder.is_dir() else []


def read_collection(cfg: Config, path: Path) -> Collection:
    """The validated collection file; every problem an InputError (exit 65) with file:line."""
    shown = path.relative_to(cfg.root) if path.is_relative_to(cfg.root) else path
    name = path.stem
    if not SLUG_RE.match(name):
        raise InputError(f"'{name}' is not a valid collection name", location=Location(shown),
                         hint="name the file like an article slug: lowercase letters, digits and '-'")
    raw_bytes = read_bounded(path, "sidecar", root=cfg.root)
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("collection file is not UTF-8", location=Location(shown),
                         hint="save it as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_characters(text, shown)  # the same table as seeds: an RLO in a title is refused with its line
    raw, lines = load_yaml(text, shown, what="collection")
    if not isinstance(raw, dict):
        raise InputError("a collection file is `key: value` lines", location=Location(shown, lines.at(())),
                         hint="e.g. `title: ...` and `articles: [slug, ...]`")
    try:
        data = CollectionFile.model_validate(raw)
    except ValidationError as err:
        raise _schema_error(err, shown, lines) from None
    if data.parts is not None:
        parts = tuple(Part(p.title, tuple(p.articles)) for p in data.parts)
    else:
        parts = (Part("", tuple(data.articles or ())),)
    coll = Collection(name, shown, data.title, data.subtitle, data.intro, parts, data.parts is not None,
                      lines)
    return replace(coll, warnings=_named_twice(coll))


def _named_twice(coll: Collection) -> tuple[Diagnostic, ...]:
    """A warning for each article named again after its first place (the book prints it once, there)."""
    seen: dict[str, int] = {coll.intro: coll.lines.at(("intro",))} if coll.intro else {}
    out = []
    for i, p in enumerate(coll.parts):
        for j, slug in enumerate(p.slugs):
            line = coll.lines.at(("parts", i, "articles", j) if coll.has_parts else ("articles", j))
            if slug in seen:
                out.append(Diagnostic(
                    "collection-duplicate", Severity.WARNING,
                    f"'{slug}' is named twice (first at line {seen[slug]}); the book prints it once, there",
                    Location(coll.path, line), hint="remove one of the two"))
            seen.setdefault(slug, line)
    return tuple(out)


def _schema_error(err: ValidationError, shown: Path, lines: MetaLines) -> InputError:
    errs = sorted(err.errors(), key=lambda e: (e["type"] != "extra_forbidden", lines.at(tuple(e["loc"]))))
    e = errs[0]
    loc = tuple(e["loc"])
    where = Location(shown, lines.at(loc))
    dotted = ".".join(str(p) for p in loc) or "the file"
    if e["type"] == "extra_forbidden":
        known = PART_KEYS if len(loc) > 1 else KEYS
        near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        return InputError(f"unknown key `{dotted}` in a collection", location=where,
                          hint=f"did you mean `{near[0]}`?" if near else "known keys: " + ", ".join(known))
    msg = "is missing" if e["type"] == "missing" else str(e["msg"]).removeprefix("Value error, ")
    return InputError(f"`{dotted}`: {msg}", location=where,
                      hint="see README's section on collections")


def check_members(coll: Collection, known: set[str]) -> None:
    """Every member is an article of the project (else exit 66 listing the known slugs), and
    the collection's name is not an article's (their editions would share a file name)."""
    if coll.name in known:
        raise InputError(f"the collection '{coll.name}' has the name of an article",
                         location=Location(coll.path), hint="rename the collection file")
    places: list[tuple[str, tuple]] = [(coll.intro, ("intro",))] if coll.intro else []
    for i, p in enumerate(coll.parts):
        for j, s in enumerate(p.slugs):
            places.append((s, ("parts", i, "articles", j) if coll.has_parts else ("articles", j)))
    for slug, loc in places:
        if slug not in known:
            raise MissingError(f"the collection names '{slug}', which is not an article",
                               location=Location(coll.path, coll.lines.at(loc)),
                               hint="known: " + ", ".join(sorted(known)))


def po_file(cfg: Config, lang: str, name: str) -> Path:
    return cfg.translations / lang / f"{name}{PO_SUFFIX}"


def own_translations(cfg: Config, coll: Collection, lang: str) -> tuple[dict[str, str], set[str]]:
    """(source string → printed translation, strings left in the source language)."""
    if lang == cfg.source_lang:
        return {}, set()
    from .catalog.po import load, translation_text
    from .catalog.states import assess

    path = po_file(cfg, lang, coll.name)
    found: dict[str, str] = {}
    if path.is_file():
        for e in load(path, root=cfg.root).po:
            text = translation_text(e)
            hidden = characters.first(text)  # an RLO … is never printed: the source string is instead
            if not e.obsolete and e.msgid in coll.strings() and assess(e).printable and not hidden:
                found[e.msgid] = text
    return found, {s for s in coll.strings() if s not in found}


# ------------------------------------------------------------------ the book


def _prefixed(doc: Document, prefix: str) -> Document:
    """The document with every footnote id (and reference) prefixed."""
    def inl(spans: tuple) -> tuple:
        out = []
        for s in spans:
            if isinstance(s, NoteRef):
                s = replace(s, id=prefix + s.id)
            elif hasattr(s, "children"):
                s = replace(s, children=inl(s.children))
            out.append(s)
        return tuple(out)

    doc = map_passages(doc, lambda kind, spans, line: inl(spans))
    return replace(doc, notes=tuple(replace(n, id=prefix + n.id) for n in doc.notes))


def _article_blocks(doc: Document, level: int, byline: tuple) -> list:
    out: list = [Heading(level=level, content=(Text(doc.meta.title),))]
    if doc.meta.subtitle:
        out.append(Paragraph(content=(Emph((Text(doc.meta.subtitle),)),)))
    if byline:
        out.append(Paragraph(content=byline))
    for b in doc.blocks:
        out.append(replace(b, level=min(b.level + level, 6)) if isinstance(b, Heading) else b)
    return out


def _byline(doc: Document, date_text: str, names_lang: str = "") -> tuple:
    """An article's byline in the book: its authors and its date; names printed as the source
    has them are a :class:`Span` in the source's language (so they carry ``lang``)."""
    names = ", ".join(a.display() for a in doc.meta.authors)
    shown: list = []
    if names:
        shown.append(Span((Text(names),), names_lang) if names_lang else Text(names))
    if date_text:
        shown.append(Text((" · " if names else "") + date_text))
    return tuple(shown)


def _book(meta: Meta, coll: Collection, docs: dict[str, Document], part_titles: list[str],
          dates: dict[str, str], names_lang: dict[str, str] | None = None) -> Document:
    blocks: list = []
    notes: list = []
    level = 2 if coll.has_parts else 1
    order = 0

    def add(slug: str, lvl: int) -> None:
        nonlocal order
        order += 1
        d = _prefixed(docs[slug], f"a{order}-")
        blocks.extend(_article_blocks(d, lvl, _byline(d, dates[slug], (names_lang or {}).get(slug, ""))))
        notes.extend(d.notes)

    if coll.intro:
        add(coll.intro, 1)
    added = {coll.intro}
    for part, title in zip(coll.parts, part_titles, strict=True):
        if coll.has_parts:
            blocks.append(Heading(level=1, content=(Text(title),)))
        for slug in part.slugs:
            if slug not in added:  # an article named twice is printed once (read_collection warns)
                added.add(slug)
                add(slug, level)
    return Document(meta=meta, blocks=tuple(blocks), notes=tuple(notes))


def _sum(covs: list[Coverage]) -> Coverage:
    return Coverage(**{f.name: sum(getattr(c, f.name) for c in covs) for f in fields(Coverage)})


def _authors(docs: list[Document]) -> tuple[Author, ...]:
    out: list[Author] = []
    for d in docs:
        out += [a for a in d.meta.authors if a not in out]
    return tuple(out)


KIND_IN_BOOK = {"title": "heading", "subtitle": "paragraph"}


def book_edition(cfg: Config, coll: Collection, editions: dict[str, Edition], lang: str) -> Edition:
    """One Edition of the whole collection in ``lang`` from its members' editions."""
    from .render.html import Strings, language_variant

    t_src = Strings(cfg.templates, cfg.source_lang, language_variant(cfg.source_lang, cfg))
    t_lang = Strings(cfg.templates, lang, language_variant(lang, cfg))
    tr, left = own_translations(cfg, coll, lang)
    members = coll.members()
    first = editions[members[0]]
    src_docs = {s: e.source_doc or e.doc for s, e in editions.items()}
    loc_docs = {s: e.doc for s, e in editions.items()}
    date = max((d.meta.date for d in src_docs.values()), default="")
    src_meta = Meta(title=coll.title, slug=coll.name, lang=cfg.source_lang, subtitle=coll.subtitle,
                    authors=_authors(list(src_docs.values())), date=date)
    loc_meta = replace(src_meta, lang=lang, title=tr.get(coll.title, coll.title),
                       subtitle=tr.get(coll.subtitle, coll.subtitle) if coll.subtitle else "",
                       authors=_authors(list(loc_docs.values())))
    src_book = _book(src_meta, coll, src_docs, [p.title for p in coll.parts],
                     {s: t_src.date(d.meta.date) if d.meta.date else "" for s, d in src_docs.items()})
    # author names a member printed as the source has them are in the source's language
    as_written = {s: cfg.source_lang for s, d in loc_docs.items()
                  if lang != cfg.source_lang and d.meta.authors == src_docs[s].meta.authors}
    loc_book = _book(loc_meta, coll, loc_docs, [tr.get(p.title, p.title) for p in coll.parts],
                     {s: t_lang.date(d.meta.date) if d.meta.date else "" for s, d in loc_docs.items()},
                     as_written)
    # passages the members printed in the source language, as (kind, text) in the book
    shown_src = {(kind, s) for s in left for kind in ("title", "subtitle", "heading")}
    for e in editions.values():
        for u in segment(src_docs[e.doc.meta.slug]):
            if u.key in e.untranslated_keys:
                shown_src.add((KIND_IN_BOOK.get(u.kind, u.kind), u.text))
    untranslated = frozenset(u.key for u in segment(src_book) if (u.kind, u.text) in shown_src)
    translators = sorted({t for e in editions.values() for t in e.translators})
    credits = sorted({c for e in editions.values() for c in e.machine_credits})
    return Edition(
        doc=loc_book, language=first.language, source_language=first.source_language,
        is_source=lang == cfg.source_lang, coverage=_sum([e.coverage for e in editions.values()]),
        translators=tuple(translators), machine_credits=tuple(credits), untranslated_keys=untranslated,
        build_date=max(e.build_date for e in editions.values()),
        identifier="urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"pubkit:collection:{coll.name}:{lang}")),
        page_size=first.page_size, source_doc=src_book, toc_depth=2 if coll.has_parts else 1,
        articles=len(members),
        member_dates=tuple(sorted(d.meta.date for d in src_docs.values() if d.meta.date)),
        # every member's local images (named by content, so one file however often it is used)
        images=tuple(sorted({i for e in editions.values() for i in e.images}, key=lambda i: (i.src, i.name))),
    )
