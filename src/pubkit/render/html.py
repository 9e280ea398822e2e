"""The one HTML rendering of an Edition, shared by the EPUB and PDF writers.

An :class:`~pubkit.edition.Edition` becomes a *view*: plain data (strings, numbers, and
:class:`markupsafe.Markup` for inline text that was escaped here) that the Jinja2
templates in ``templates/`` lay out. Templates decide the look; this module decides what
is safe:

- every character of text from a source or a PO file is escaped (autoescape is on, and
  inline spans are escaped before they become Markup); characters XML forbids are dropped;
- a link stays a link only when its URL is ``http:``, ``https:`` or ``mailto:``; any other
  (``javascript:``, ``file:``, ``data:``, relative paths) is shown as its text only;
- per-language typography (:mod:`pubkit.typography`) is applied here, once, to every string
  an edition prints: the model's text spans, metadata (title, subtitle, authors, source,
  translators), interface strings and dates (:class:`Strings`). A passage left
  untranslated keeps the source language's typography and is marked with ``lang`` of the
  source language; so are author names an edition prints as the source has them;
- a :class:`~pubkit.model.Span` becomes ``<span lang xml:lang>`` (WeasyPrint writes /Lang).

Template problems become :class:`~pubkit.errors.ConfigError` naming the template and line.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .. import __version__
from ..config import Config, template_dirs
from ..edition import Edition
from ..errors import ConfigError, Location, MissingError
from ..model import (
    BlockQuote,
    Break,
    Code,
    CodeBlock,
    Dateline,
    Emph,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Signature,
    Span,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
    plain_text,
)
from ..segment import encode, segment
from ..typography import typeset_inlines, typeset_text

SAFE_SCHEMES = ("http", "https", "mailto")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
STRINGS_FILE = "strings.yaml"
# Where the PDF's HTML finds the article's images: a fixed address (not the project's path), so
# WeasyPrint, which names an image by a hash of its URL, writes the same bytes wherever the
# project lies; the PDF's fetcher serves the checked bytes there from memory.
IMAGE_BASE = {"epub": "", "pdf": "file:///pubkit-edition/"}

# ------------------------------------------------------------------ escaping


def clean(text: str) -> str:
    """Text without the characters XML 1.0 forbids (they cannot appear in XHTML)."""
    return _XML_FORBIDDEN.sub("", text)


def esc(text: str) -> Markup:
    return escape(clean(text))


def safe_url(url: str) -> str | None:
    """The URL if a reader may follow it (http, https, mailto), else None."""
    url = clean(url).strip()
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", url)
    if not m or m.group(1).lower() not in SAFE_SCHEMES:
        return None
    if any(c.isspace() for c in url):
        return None
    return url


# An elided word (l’humanité, d’auto-organisation, qu’il): hyphenation would count the
# elision as part of the word and split "l’hu-manité"; such words are kept whole.
_ELIDED = re.compile(r"(?<![\w’])(?:[^\W\d_]{1,2}|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu|[Qq]uelqu)’[^\W\d_][\w\-]*")


def text_html(text: str) -> Markup:
    """Escaped text, each elided word in ``<span class="elided">`` (not hyphenated)."""
    out: list[Markup] = []
    pos = 0
    for m in _ELIDED.finditer(text):
        out.append(esc(text[pos:m.start()]))
        out.append(Markup('<span class="elided">%s</span>') % esc(m.group(0)))
        pos = m.end()
    out.append(esc(text[pos:]))
    return Markup("").join(out)



class NoteNumbers:
    """Footnote ids → the numbers readers see (in order of first reference), and unique
    ids for each reference (a note referenced twice gets ``fnref-1`` and ``fnref-1-2``)."""

    def __init__(self, order: list[str]):
        self.number: dict[str, int] = {}
        for note_id in order:
            self.number.setdefault(note_id, len(self.number) + 1)
        self.refs: dict[str, int] = {}

    def ref(self, note_id: str) -> Markup:
        n = self.number.get(note_id)
        if n is None:  # a reference to no note: shown, not linked
            return Markup('<sup class="noteref">[%s]</sup>') % clean(note_id)
        k = self.refs[note_id] = self.refs.get(note_id, 0) + 1
        rid = f"fnref-{n}" if k == 1 else f"fnref-{n}-{k}"
        return Markup('<sup class="noteref"><a id="%s" href="#fn-%d" epub:type="noteref" '
                      'role="doc-noteref">%d</a></sup>') % (rid, n, n)


def inline_html(spans: tuple[Inline, ...], notes: NoteNumbers | None = None) -> Markup:
    """Inline spans as escaped HTML (XHTML-compatible)."""
    out: list[str] = []
    for span in spans:
        if isinstance(span, Text):
            out.append(text_html(span.text))
        elif isinstance(span, Code):
            out.append(Markup("<code>%s</code>") % esc(span.text))
        elif isinstance(span, Emph):
            out.append(Markup("<em>%s</em>") % inline_html(span.children, notes))
        elif isinstance(span, Strong):
            out.append(Markup("<strong>%s</strong>") % inline_html(span.children, notes))
        elif isinstance(span, Superscript):
            out.append(Markup("<sup>%s</sup>") % inline_html(span.children, notes))
        elif isinstance(span, Subscript):
            out.append(Markup("<sub>%s</sub>") % inline_html(span.children, notes))
        elif isinstance(span, LineBreak):
            out.append(Markup("<br />"))
        elif isinstance(span, NoteRef):
            out.append((notes or NoteNumbers([])).ref(span.id))
        elif isinstance(span, Span):
            inner = inline_html(span.children, notes)
            lang = re.sub(r"[^A-Za-z0-9-]", "", span.lang)
            out.append(Markup('<span lang="%s" xml:lang="%s">%s</span>') % (lang, lang, inner)
                       if lang else inner)
        elif isinstance(span, Link):
            inner = inline_html(span.children, notes)
            url = safe_url(span.url)
            # a link whose text is not its address gets the address printed after it in the PDF
            shown = plain_text(span.children).strip()
            bare = Markup(' class="bare"') if shown in (url, span.url) else Markup("")
            if url is None:
                out.append(Markup('<span class="link-removed">%s</span>') % inner)
            else:
                title = Markup(' title="%s"') % clean(span.title) if span.title else Markup("")
                out.append(Markup('<a href="%s"%s%s>%s</a>') % (url, title, bare, inner))
                if not bare:
                    # after the link, not inside it (a CSS ::after would nest a Link in the PDF's
                    # tags); shown on paper only (pdf.css), hidden where the link can be followed
                    out.append(Markup('<span class="link-url"> (%s)</span>') % url)
        else:  # pragma: no cover
            raise TypeError(f"unknown inline {span!r}")
    return Markup("").join(out)


# ------------------------------------------------------------------ the view


@dataclass
class BlockView:
    """One block as the templates see it."""

    kind: str  # heading, paragraph, list, quote, dateline, signature, code, table, image (+ item, cell)
    html: Markup = Markup("")
    level: int = 0
    id: str = ""
    lang: str = ""  # set when it differs from the edition's language (untranslated)
    untranslated: bool = False
    ordered: bool = False
    start: int = 1
    items: list[BlockView] = field(default_factory=list)
    blocks: list[BlockView] = field(default_factory=list)
    text: str = ""  # plain text (headings: for tables of contents; code: the verbatim code)
    style: str = "1"  # ordered lists: 1 a A i I
    delim: str = "."  # ordered lists: . or )
    attribution: BlockView | None = None  # quotes: who said it
    header: list[BlockView] = field(default_factory=list)  # tables: header cells
    rows: list[list[BlockView]] = field(default_factory=list)  # tables: body cells
    align: str = ""  # table cells: left, center, right
    src: str = ""  # images: a followable URL of the image, else ""
    image: str = ""  # images the edition embeds: the file's path in the edition ("images/figure-….png")
    alt: str = ""  # embedded images: the (translated) description as plain text, for ``alt``
    caption: BlockView | None = None  # images: a figure's printed caption


@dataclass
class NoteView:
    """One footnote: its number (order of first reference), id and blocks."""

    number: int
    id: str
    blocks: list[BlockView]


@dataclass
class TocEntry:
    id: str
    title: str
    level: int
    lang: str = ""  # set when the heading is printed in another language than the edition's


def has_letters(text: str) -> bool:
    """Whether ``text`` has anything to translate (a letter of any script)."""
    return any(c.isalpha() for c in text)


def script_of(text: str) -> str:
    """The script of ``text``'s letters (LATIN, CYRILLIC …), "" if none or mixed."""
    import unicodedata

    found = {unicodedata.name(c, "").split(" ")[0] for c in text if c.isalpha()}
    return found.pop() if len(found) == 1 else ""


@functools.lru_cache(maxsize=32)
def language_script(lang: str) -> str:
    """The script a language is written in, by CLDR's likely subtags (ru → CYRILLIC)."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang.split("-")[0].replace("-", "_"), "")
    code = likely.split("_")[1] if likely.count("_") >= 1 else ""
    return {"Latn": "LATIN", "Cyrl": "CYRILLIC", "Grek": "GREEK", "Arab": "ARABIC", "Hebr": "HEBREW"}.get(code, "")


def written_lang(text: str, lang: str, source_lang: str) -> str:
    """The language of a name kept as written (a translator's credit from the PO header):
    the source language where its letters are in the source's script and not in the
    edition's (“pubkit contributors” in a Russian colophon), else "" (the edition's)."""
    script = script_of(text)
    if lang == source_lang or not script or script == language_script(lang):
        return ""
    return source_lang if script == language_script(source_lang) else ""


class _Walker:
    """Walks the document in segmentation order, so each passage knows its unit key."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.lang = edition.language.code
        self.src_lang = edition.source_language.code
        self.untranslated = edition.untranslated_keys
        # untranslated_keys are the source's unit keys; the localized document has the same
        # passages in the same order, so walking it pairs each passage with its source unit.
        keyed = edition.source_doc if edition.source_doc is not None else edition.doc
        self.units = iter(segment(keyed))
        self.notes = NoteNumbers(_note_order(edition.doc))

    def key_of(self, inlines: tuple[Inline, ...]) -> str:
        text, _ = encode(inlines)
        return next(self.units).key if text else ""

    def passage(self, inlines: tuple[Inline, ...]) -> tuple[Markup, str, bool]:
        key = self.key_of(inlines)
        # a passage with nothing to translate (a number, a code: no letter) reads the same in
        # every language: printed in the edition's, never labelled untranslated
        untranslated = (bool(key) and key in self.untranslated and not self.edition.is_source
                        and has_letters(plain_text(inlines)))
        lang = self.src_lang if untranslated else self.lang
        # a passage in the source language keeps the quotation marks its author typed
        typed = inline_html(typeset_inlines(inlines, lang, keep_typed=untranslated or self.edition.is_source),
                            self.notes)
        return typed, (lang if untranslated else ""), untranslated

    def view(self, kind: str, inlines: tuple[Inline, ...], **kw: Any) -> BlockView:
        html, lang, un = self.passage(inlines)
        return BlockView(kind, html, lang=lang, untranslated=un, **kw)


def _note_order(doc) -> list[str]:
    """Note ids in order of their first reference (reading order), then unreferenced notes."""
    order: list[str] = []

    def inl(spans):
        for s in spans:
            if isinstance(s, NoteRef):
                order.append(s.id)
            elif hasattr(s, "children"):
                inl(s.children)

    def blk(b):
        for name in ("content", "alt", "caption", "attribution"):
            inl(getattr(b, name, ()))
        for x in getattr(b, "blocks", ()):
            blk(x)
        for item in getattr(b, "items", ()):
            inl(item.content)
            for x in item.blocks:
                blk(x)
        if isinstance(b, Table):
            for row in (b.header, *b.rows):
                for cell in row:
                    inl(cell)

    for b in doc.blocks:
        blk(b)
    for n in doc.notes:  # a note may refer to another one
        for b in n.blocks:
            blk(b)
    known = {n.id for n in doc.notes}
    return [i for i in order if i in known] + [n.id for n in doc.notes]


def build_view(edition: Edition) -> dict[str, Any]:
    """Everything the templates need, computed once per edition."""
    doc = edition.doc
    meta = doc.meta
    w = _Walker(edition)
    title_key = w.key_of((Text(meta.title),) if meta.title else ())
    subtitle_key = w.key_of((Text(meta.subtitle),)) if meta.subtitle else ""

    def text_lang(key: str) -> str:
        return edition.source_language.code if key in edition.untranslated_keys and not edition.is_source else w.lang

    src_code = edition.source_language.code
    title = typeset_text(clean(meta.title), text_lang(title_key), text_lang(title_key) == src_code)
    sub_lang = text_lang(subtitle_key)
    subtitle = typeset_text(clean(meta.subtitle), sub_lang, sub_lang == src_code) if meta.subtitle else ""
    toc: list[TocEntry] = []
    counter = {"n": 0}
    images = {img.src: img for img in edition.images}

    def block(b) -> BlockView:
        if isinstance(b, Heading):
            html, lang, un = w.passage(b.content)
            counter["n"] += 1
            hid = f"sec-{counter['n']}"
            text = clean(re.sub(r"<[^>]*>", "", str(html)))
            from html import unescape

            text = unescape(text)
            toc.append(TocEntry(hid, text, b.level, lang))
            return BlockView("heading", html, level=min(max(b.level, 1), 4), id=hid, lang=lang, untranslated=un, text=text)
        if isinstance(b, (Paragraph, Dateline, Signature)):
            kind = {Paragraph: "paragraph", Dateline: "dateline", Signature: "signature"}[type(b)]
            html, lang, un = w.passage(b.content)
            return BlockView(kind, html, lang=lang, untranslated=un)
        if isinstance(b, ListBlock):  # same order as segmentation: an item's text, then its blocks
            items = []
            for item in b.items:
                view = w.view("item", item.content)
                view.blocks = [block(x) for x in item.blocks]
                items.append(view)
            style = b.style if b.style in ("1", "a", "A", "i", "I") else "1"
            return BlockView("list", ordered=b.ordered, start=b.start, items=items, style=style,
                             delim=b.delim)
        if isinstance(b, BlockQuote):
            inner = [block(x) for x in b.blocks]
            attribution = w.view("attribution", b.attribution) if b.attribution else None
            return BlockView("quote", blocks=inner, attribution=attribution)
        if isinstance(b, CodeBlock):
            return BlockView("code", text=clean(b.text.rstrip("\n")))
        if isinstance(b, Break):
            return BlockView("break")
        if isinstance(b, Table):
            aligns = [a if a in ("left", "center", "right") else "" for a in b.align]
            aligns += [""] * (max([len(b.header)] + [len(r) for r in b.rows]) - len(aligns))
            header = [w.view("cell", c, align=aligns[i]) for i, c in enumerate(b.header)]
            rows = [[w.view("cell", c, align=aligns[i]) for i, c in enumerate(r)] for r in b.rows]
            return BlockView("table", header=header, rows=rows)
        if isinstance(b, Image):
            view = w.view("image", b.alt, src=safe_url(b.src) or "")
            embedded = images.get(b.src)
            if embedded is not None:  # a local image: drawn, its description is its alt text
                from html import unescape

                view.image = embedded.name
                shown = re.sub(r'<span class="link-url">.*?</span>|<sup class="noteref">.*?</sup>', "", str(view.html))
                view.alt = clean(re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]*>", "", shown)))).strip()
            if b.caption:
                view.caption = w.view("caption", b.caption)
            return view
        raise TypeError(f"unknown block {b!r}")  # pragma: no cover

    blocks = [block(b) for b in doc.blocks]
    note_views = sorted(
        (NoteView(w.notes.number[n.id], n.id, [block(x) for x in n.blocks]) for n in doc.notes
         if n.id in w.notes.number),
        key=lambda n: n.number,
    )
    cov = edition.coverage
    source_meta = edition.source_doc.meta if edition.source_doc is not None else meta
    # author names the edition did not localize are in the source language
    authors_lang = w.src_lang if (not edition.is_source and meta.authors == source_meta.authors) else w.lang

    def src(text: str) -> str:
        return typeset_text(clean(text), w.src_lang)

    source_translated = not edition.is_source and meta.source != source_meta.source

    def own(text: str) -> str:
        return typeset_text(clean(text), w.lang)

    def by(text: str) -> str:
        return typeset_text(clean(text), authors_lang)

    return {
        "lang": w.lang,
        "dir": edition.language.dir,  # "rtl" for a right-to-left language ([languages] dir)
        "source_lang": w.src_lang,
        "language": edition.language,
        "source_language": edition.source_language,
        "is_source": edition.is_source,
        "title": title,
        "title_lang": text_lang(title_key) if text_lang(title_key) != w.lang else "",
        "subtitle": subtitle,
        "subtitle_lang": text_lang(subtitle_key) if subtitle and text_lang(subtitle_key) != w.lang else "",
        "authors": [by(a.display()) for a in meta.authors],
        "author_names": [by(a.name) for a in meta.authors],
        "authors_lang": authors_lang if authors_lang != w.lang else "",
        # per author, where only some are printed as the source has them (a collection's)
        "author_langs": ["" if authors_lang != w.lang or edition.is_source or a not in source_meta.authors
                         else w.src_lang for a in meta.authors],
        "date": meta.date,
        # a source line a reviewer translated (its `meta:source` entry) is in the edition's language
        "source": clean(meta.source) if safe_url(meta.source) else
        (own(meta.source) if source_translated else src(meta.source)),
        "source_text_lang": "" if source_translated else w.src_lang,
        "source_url": safe_url(meta.source) if meta.source else None,
        # the article's own description and subjects (front matter), in the source language
        "description": src(source_meta.description) if source_meta.description else "",
        "subjects": [src(s) for s in source_meta.subjects],
        "source_title": src(source_meta.title) if (edition.source_doc is not None or edition.is_source) else "",
        "blocks": blocks,
        "notes": note_views,
        "toc": toc,
        "toc_depth": edition.toc_depth,
        "coverage": cov,
        "reviewed_percent": round(100 * cov.reviewed_share) if cov.total else 100,
        "machine_credits": [own(c) for c in edition.machine_credits],
        "translators": [typeset_text(clean(t), written_lang(t, w.lang, w.src_lang) or w.lang)
                        for t in edition.translators],
        "translator_langs": [written_lang(t, w.lang, w.src_lang) for t in edition.translators],
        "review_shares": [] if edition.is_source else review_shares(cov),
        "fully_reviewed": edition.is_source or cov.reviewed + cov.accepted == cov.total,
        "articles": edition.articles,
        "has_untranslated": any(_untranslated(b) for b in blocks + [x for n in note_views for x in n.blocks])
        or bool(title_key in edition.untranslated_keys and not edition.is_source),
        "build_date": edition.build_date or meta.date,
        "identifier": edition.identifier,
        "software_version": __version__,
        "slug": meta.slug,
    }


# How an edition's passages were made, as the title page and the EPUB's metadata state it:
# (strings.yaml key, Coverage fields that make it up).
SHARES = (
    ("share_reviewed", ("reviewed", "accepted")),
    ("share_machine", ("machine",)),
    ("share_pending", ("needs_work", "stale")),
    ("share_untranslated", ("untranslated",)),
)


def review_shares(cov) -> list[tuple[str, int]]:
    """The non-zero shares of a translation's passages, in percent (:data:`SHARES`), summing
    to 100 (largest remainder); a share that exists is never printed as 0 %."""
    if not cov.total:
        return []
    counts = [(key, sum(getattr(cov, f) for f in names)) for key, names in SHARES]
    exact = {key: 100 * n / cov.total for key, n in counts if n}
    percent = {key: max(1, int(x)) for key, x in exact.items()}
    by_remainder = sorted(exact, key=lambda k: (exact[k] - int(exact[k])), reverse=True)
    i = 0
    while sum(percent.values()) < 100:
        percent[by_remainder[i % len(by_remainder)]] += 1
        i += 1
    while sum(percent.values()) > 100:  # a share raised to 1 % is taken from the largest
        largest = max(percent, key=lambda k: percent[k])
        percent[largest] -= 1
    return [(key, percent[key]) for key, _ in counts if key in percent]


def _untranslated(b: BlockView) -> bool:
    cells = [c for row in (b.header, *b.rows) for c in row]
    extra = [x for x in (b.attribution, b.caption) if x]
    return b.untranslated or any(_untranslated(x) for x in (*b.items, *b.blocks, *cells, *extra))


# ---------------------------------------------------------------- UI strings


@functools.lru_cache(maxsize=8)
def _load_strings(path: Path, mtime_ns: int) -> dict:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ConfigError(
            f"{STRINGS_FILE} is not valid YAML: {getattr(err, 'problem', err)}",
            location=Location(path, mark.line + 1 if mark else 0),
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ConfigError(f"{STRINGS_FILE} must map language codes to strings, with an `en` section", location=Location(path))
    return data


PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def babel_locale(lang: str):
    """Babel's locale for a language code (``en-GB`` → en_GB); English where CLDR has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def plural_category(lang: str, n: int) -> str:
    """CLDR's plural category of ``n`` in ``lang`` (Babel): ru 1 → one, 2 → few, 5 → many."""
    return str(babel_locale(lang).plural_form(n))


class Strings:
    """The interface strings of one language (``templates/strings.yaml``), English as fallback.

    ``variant`` (``en-GB``): a section of that name overrides the language's own keys (its
    date format, say). A string may be a table of CLDR plural forms (``{one: …, few: …, many:
    …, other: …}``): ``t("articles", n=21)`` picks the form for 21 by the language's plural
    rule («21 статья»); a label whose forms hold no ``{n}`` (``t("author", n=3)``) is singular
    for 1 and plural (``other``) for any other count. A project's own ``strings.yaml`` is laid
    over the packaged one key by key: it need only hold the strings it changes or adds.
    """

    def __init__(self, templates: Path, lang: str, variant: str = ""):
        layers = [folder / STRINGS_FILE for folder in reversed(template_dirs(templates))]
        layers = [path for path in layers if path.is_file()]
        if not layers:
            path = templates / STRINGS_FILE
            raise MissingError(f"no {STRINGS_FILE} in {templates}", location=Location(path),
                               hint="reinstall pubkit: its own strings.yaml holds the interface strings")
        data: dict = {}
        for path in layers:  # the packaged file first, the project's over it
            for code, table in _load_strings(path, path.stat().st_mtime_ns).items():
                data[code] = {**data.get(code, {}), **table}
        if not isinstance(data.get("en"), dict):
            raise ConfigError(f"{STRINGS_FILE} must map language codes to strings, with an `en` section",
                              location=Location(layers[-1]))
        self.lang = lang
        self._en = data["en"]
        self._own = dict(data.get(lang.split("-")[0]) or {})
        if variant and variant.split("-")[0] == lang.split("-")[0]:
            self._own.update(data.get(variant) or {})

    def raw(self, key: str) -> Any:
        """The string (or list) as strings.yaml has it, English where the language lacks it."""
        text = self._own.get(key, self._en.get(key))
        if text is None:
            raise ConfigError(f"interface string '{key}' is missing from {STRINGS_FILE}",
                              hint=f"add `{key}:` under `en:` (and under each language)")
        return text

    def lang_of(self, key: str) -> str:
        """The language ``key`` is printed in: this one, or English where it fell back."""
        return self.lang if key in self._own else "en"

    def form(self, key: str, n: int) -> str:
        """The plural form of ``key`` for ``n`` (the string itself if it has no forms)."""
        text = self.raw(key)
        if not isinstance(text, dict):
            return text
        lang = self.lang_of(key)
        # a count with its noun («21 статья») agrees by the language's CLDR rule; a label
        # without the number («Авторы» over 21 names) is singular for one, plural otherwise
        counted = any("{n}" in str(v) for v in text.values())
        category = plural_category(lang, n) if counted else ("one" if n == 1 else "other")
        found = text.get(category, text.get("other"))
        if not isinstance(found, str):
            raise ConfigError(f"interface string '{key}' has no '{category}' or 'other' form in {STRINGS_FILE}",
                              hint=f"give `{key}:` the plural forms {lang} needs (CLDR: one, few, many, other)")
        return found

    def __call__(self, key: str, **values) -> str:
        """The string filled in with ``values`` and typeset in its language (English if it fell back).
        With ``n=`` a string with plural forms takes the form for ``n``."""
        text = self.raw(key)
        if isinstance(text, dict):  # plural forms: the one for n (a label without n: for 1)
            text = self.form(key, int(values.get("n", 1)))
        if not isinstance(text, str):
            return text
        if values:
            text = text.format(**values)
        return typeset_text(text, self.lang_of(key))

    def language_name(self, language) -> str:
        """A language's name in this interface language (strings.yaml `languages:`), else its own."""
        names = self._own.get("languages") or {}
        return names.get(language.code) or language.native or language.name

    def date(self, iso: str) -> str:
        """An ISO date written the language's way: «27 января 2022 г.», «1er mai 2022», and in
        English by the project's variant (en-GB «1 May 2022», en-US «May 1, 2022»)."""
        try:
            d = _dt.date.fromisoformat(iso[:10])
        except (ValueError, TypeError):
            return iso
        months = self.raw("months")
        days = self.raw("days") or {}  # special forms of a day's number (French «1er»)
        day = days.get(d.day, days.get(str(d.day), d.day))
        text = self.raw("date_format").format(day=day, month=months[d.month - 1], year=d.year)
        return typeset_text(text, self.lang_of("date_format"))

    def date_range(self, first: str, last: str) -> str:
        """Two ISO dates as a range («27 January 2022 – 5 March 2022»); one date if they agree."""
        if not first or first[:10] == last[:10]:
            return self.date(last or first)
        # the pattern is typeset alone (the language's dash, no break before it), then filled:
        # typesetting the whole would read "2022 – 1 May" as a number range (2022–1)
        pattern = typeset_text(str(self.raw("date_range")), self.lang_of("date_range"))
        return pattern.format(start=self.date(first), end=self.date(last))


# ---------------------------------------------------------------- templates


def environment(templates: Path) -> jinja2.Environment:
    """Templates looked up in the project's folder, then in pubkit's own (config.template_dirs)."""
    if not templates.is_dir():
        raise MissingError(f"no templates folder at {templates}", location=Location(templates),
                           hint="create it, or drop [paths] templates to use pubkit's own templates")
    return _environment(template_dirs(templates))


@functools.lru_cache(maxsize=4)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render_template(templates: Path, name: str, context: dict[str, Any]) -> str:
    """Render ``templates/<name>``; any template problem is a ConfigError with file:line."""
    env = environment(templates)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as err:
        raise MissingError(
            f"template '{err.name}' not found in {templates}",
            location=Location(templates / str(err.name)),
            hint="restore it from version control, or fix the name in the template that includes it",
        ) from None
    except jinja2.TemplateSyntaxError as err:
        raise ConfigError(
            f"template syntax error: {err.message}",
            location=Location(err.filename or templates / (err.name or name), err.lineno or 0),
            hint="fix the template (see the Jinja2 documentation); templates/README.md lists the variables",
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError) as err:
        where = _template_frame(err, templates) or Location(templates / name)
        raise ConfigError(
            f"template error: {err}",
            location=where,
            hint="templates/README.md lists the variables a template may use",
        ) from None


def _template_frame(err: BaseException, templates: Path) -> Location | None:
    """The innermost traceback frame inside a template file (Jinja maps it to template lines)."""
    found = None
    roots = tuple(str(folder) + os.sep for folder in template_dirs(templates))
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename and frame.filename.startswith(roots):
            found = Location(Path(frame.filename), frame.lineno or 0)
    return found


def has_hyphenation(lang: str) -> bool:
    """Whether Pyphen (WeasyPrint's hyphenation) has a dictionary for ``lang``.

    Without one (Kyrgyz), justified lines open wide gaps, so the templates set such
    editions ragged-right (``<html class="no-hyphenation">``).
    """
    import pyphen

    return pyphen.language_fallback(lang) is not None


# Hyphenation patterns per language where the bare code would pick others (pyphen's "en"
# is British); ``[typography] variant`` or ``hyphenation`` in pubkit.toml overrides.
HYPHENATION = {"en": "en-US"}
_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def language_variant(lang: str, cfg: Config) -> str:
    """The variant an edition's language is written in, from ``[typography] variant`` in
    pubkit.toml (``variant = { en = "en-GB" }``), or "" when the project names none. It decides
    the dates (en-GB «1 May 2022», en-US «May 1, 2022») and, unless ``hyphenation`` names
    patterns, the hyphenation and the language tag of the PDF's text."""
    table = (cfg.raw.get("typography") or {}).get("variant") or {}
    value = table.get(lang, "") if isinstance(table, dict) else None
    tag = value.replace("_", "-") if isinstance(value, str) else ""
    if not isinstance(value, str) or (tag and (not _TAG.match(tag) or tag.split("-")[0] != lang)):
        raise ConfigError(f"[typography] variant for {lang!r} must be a language tag of {lang} (such as {lang}-GB)",
                          hint='write `variant = { en = "en-GB" }` (or "en-US") under [typography] in pubkit.toml')
    return tag


def hyphenation_lang(lang: str, cfg: Config) -> str:
    """The language tag whose hyphenation patterns the PDF's body text uses: ``[typography]
    hyphenation``, else the language's variant, else pubkit's default (US English). Both set
    and naming different variants is a configuration error (the text would be tagged one way
    and hyphenated another)."""
    configured = (cfg.raw.get("typography") or {}).get("hyphenation") or {}
    variant = language_variant(lang, cfg)
    tag = str(configured.get(lang) or "").replace("_", "-")
    if tag and variant and tag.lower() != variant.lower():
        raise ConfigError(f"[typography] hyphenation {tag} and variant {variant} disagree for {lang}",
                          hint=f'keep one: `variant = {{ {lang} = "{variant}" }}` sets the hyphenation too')
    return tag or variant or HYPHENATION.get(lang) or lang


def publisher(cfg: Config, lang: str) -> dict[str, str]:
    """``[publisher]`` of pubkit.toml: ``name`` and ``rights`` (a per-language table of
    either, ``{ en = "…", ru = "…" }``, picks the edition's language, else ``en``)."""
    section = cfg.raw.get("publisher") or {}
    out = {}
    for key, field_name in (("name", "publisher"), ("rights", "rights")):
        value = section.get(key, "")
        # the language it is written in: the edition's where the table has it, else English
        # (the table's fallback) or, for one text for every edition, the project's source language
        written = cfg.source_lang
        if isinstance(value, dict):
            written = lang if value.get(lang) else "en"
            value = value.get(lang) or value.get("en") or ""
        if not isinstance(value, str):
            raise ConfigError(f"[publisher] {key} must be text or a table of texts per language",
                              hint=f'write `{key} = "…"` under [publisher] in pubkit.toml')
        out[field_name] = typeset_text(clean(value), written)
        out[f"{field_name}_lang"] = written if value and written != lang else ""
    return out


def context(edition: Edition, cfg: Config, fmt: str) -> dict[str, Any]:
    """The view plus interface strings and format facts: what every template receives."""
    view = build_view(edition)
    t = Strings(cfg.templates, view["lang"], language_variant(view["lang"], cfg))
    dates = sorted(d for d in edition.member_dates if d)
    view.update(
        t=t,
        fmt=fmt,
        image_base=IMAGE_BASE.get(fmt, ""),
        # a book is dated by its articles' range, an article by its date
        date_text=t.date_range(dates[0], dates[-1]) if dates else t.date(view["date"]) if view["date"] else "",
        review_lines=[t(key, percent=p) for key, p in view["review_shares"]],
        review_title="" if view["is_source"] else t("status_reviewed" if view["fully_reviewed"] else "status_unreviewed"),
        build_date_text=t.date(view["build_date"]) if view["build_date"] else "",
        language_label=edition.language.native or edition.language.name,
        source_language_label=t.language_name(edition.source_language),
        hyphenation=has_hyphenation(view["lang"]),
        hyphenation_lang=hyphenation_lang(view["lang"], cfg),
        **publisher(cfg, view["lang"]),
    )
    return view
