"""The document model: the only thing passed between readers, localization and renderers.

Like pandoc's ``Pandoc Meta [Block]``: a :class:`Document` is metadata plus a tuple of
blocks; blocks hold inline spans. Everything is an immutable (frozen) dataclass so that
stages return new values instead of changing shared ones, and documents compare by value.

Normal form (readers produce it, tests assume it):
- inline sequences never hold two adjacent :class:`Text` spans nor an empty one;
- text holds no line breaks or tabs and no runs of spaces (whitespace is collapsed);
- a block's inline sequence neither starts nor ends with a space; emphasis, strong and
  link spans neither start nor end with a space either (readers move it outside);
- no space next to a :class:`LineBreak` (a hard break is the only line break in text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

# ---------------------------------------------------------------- inline spans


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Code:
    """Inline code: never translated, carried through as a placeholder."""

    text: str


@dataclass(frozen=True)
class Link:
    children: tuple[Inline, ...]
    url: str
    title: str = ""


@dataclass(frozen=True)
class Span:
    """A passage in another language than its surroundings (``lang`` is a BCP 47 tag):
    rendered with ``lang``/``xml:lang`` in XHTML and ``/Lang`` in the PDF."""

    children: tuple[Inline, ...]
    lang: str = ""


@dataclass(frozen=True)
class Superscript:
    """Raised text (an exponent, ``1<sup>st</sup>``, a chemical charge): HTML's ``sup``."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Subscript:
    """Lowered text (``H<sub>2</sub>O``): HTML's ``sub``."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a passage (a poem's lines, an address)."""


@dataclass(frozen=True)
class NoteRef:
    """A footnote reference; ``id`` names a :class:`Note` of the document's ``notes``."""

    id: str


Inline = Text | Emph | Strong | Code | Link | Span | Superscript | Subscript | LineBreak | NoteRef
CONTAINER_INLINES = (Emph, Strong, Link, Span, Superscript, Subscript)
LEAF_INLINES = (LineBreak, NoteRef)  # no text of their own: tags in units, never translated

# ---------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    level: int
    content: tuple[Inline, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ListItem:
    """One list item: its first paragraph (``content``) and any further blocks it holds
    (``blocks``: a nested list, more paragraphs, a quotation)."""

    content: tuple[Inline, ...]
    blocks: tuple[Block, ...] = ()
    line: int = field(default=0, compare=False)


LIST_STYLES = ("1", "a", "A", "i", "I")  # as HTML's <ol type>
LIST_DELIMS = (".", ")")


@dataclass(frozen=True)
class ListBlock:
    """A bulleted list, or an ordered one counting from ``start`` in ``style``
    (1, a, A, i, I) with its delimiter (``1.`` or ``1)``) as the source wrote it."""

    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1
    line: int = field(default=0, compare=False)
    style: str = "1"
    delim: str = "."


@dataclass(frozen=True)
class BlockQuote:
    """A block quotation, with who said it (``attribution``, "— name") where given."""

    blocks: tuple[Block, ...]
    line: int = field(default=0, compare=False)
    attribution: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class CodeBlock:
    """Verbatim text (a program, a command): never a translatable unit, never sent to a model."""

    text: str
    info: str = ""  # the fence's info string (e.g. a language name)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Table:
    """A simple table: header cells and body rows of inline cells (each cell translatable)."""

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[str, ...] = ()  # per column: "", "left", "center" or "right"
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Image:
    """An image on its own line; ``alt`` (its description) and ``caption`` (a figure's
    printed caption, HTML's ``figcaption``) are translatable."""

    src: str
    alt: tuple[Inline, ...]
    title: str = ""
    line: int = field(default=0, compare=False)
    caption: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class Dateline:
    """Place and/or date under the text ("January 27, 2022")."""

    content: tuple[Inline, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Signature:
    """Who signs the text, at its end."""

    content: tuple[Inline, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Break:
    """A thematic break between sections (Markdown's ``---``, a plain text's ``* * *``): printed as
    a section break, never a unit (it has no text)."""

    line: int = field(default=0, compare=False)


Block = (Heading | Paragraph | ListBlock | BlockQuote | Dateline | Signature | CodeBlock | Table | Image
         | Break)


@dataclass(frozen=True)
class Note:
    """A footnote's text; :class:`NoteRef` inlines point to it by ``id``."""

    id: str
    blocks: tuple[Block, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Guess:
    """A reader's decision about the source's structure that an editor may overturn.

    ``chosen`` is what the reader made of source line ``line`` (e.g. "subtitle"), ``alternatives``
    what else it could be, ``settle`` the sidecar/front-matter line that settles it (e.g.
    ``structure: {12: heading}``), ``settled`` whether an editor's key already decided it.
    """

    line: int
    chosen: str
    alternatives: tuple[str, ...]
    reason: str
    settle: str
    settled: bool = False

# -------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class Author:
    name: str
    countries: tuple[str, ...] = ()

    def display(self) -> str:
        return f"{self.name} ({', '.join(self.countries)})" if self.countries else self.name


# An article's slug names its files (PO files, editions): one plain path component, never
# "..", "/" or a control character. Readers validate it (readers/meta.py); writers re-check it.
SLUG_PATTERN = r"[a-z0-9][a-z0-9-]{0,79}"
SLUG_RE = re.compile(rf"\A{SLUG_PATTERN}\Z")


@dataclass(frozen=True)
class Meta:
    """What an editor records about an article. ``title``/``subtitle`` are translatable."""

    title: str
    slug: str
    lang: str = "en"
    subtitle: str = ""
    authors: tuple[Author, ...] = ()
    date: str = ""  # ISO 8601, e.g. "2022-01-27"
    source: str = ""  # where the article came from (URL or publication)
    date_time: str = ""  # the date with its time and offset as written ("2024-03-12T10:00:00-07:00"), or ""
    description: str = ""  # a sentence or two about the article (the EPUB's dc:description)
    subjects: tuple[str, ...] = ()  # what it is about (dc:subject): the posts' tags and categories
    ignored: tuple[str, ...] = field(default=(), compare=False)  # front matter keys for a site, not the text
    draft: str = ""  # why the article is not published ("draft: true"), or "" (it is)
    source_file: str = field(default="", compare=False)  # path of the seed, for references
    title_line: int = field(default=0, compare=False)
    subtitle_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...] = ()
    guesses: tuple[Guess, ...] = field(default=(), compare=False)

    def with_meta(self, **changes) -> Document:
        return replace(self, meta=replace(self.meta, **changes))


# ------------------------------------------------------------------- helpers


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The visible text of inline spans, markup dropped."""
    out = []
    for span in inlines:
        if isinstance(span, (Text, Code)):
            out.append(span.text)
        elif isinstance(span, LineBreak):
            out.append(" ")
        elif isinstance(span, NoteRef):
            continue
        else:
            out.append(plain_text(span.children))
    return "".join(out)


def normalize_inlines(inlines) -> tuple[Inline, ...]:
    """Merge adjacent Text spans and drop empty ones (the normal form above)."""
    out: list[Inline] = []
    for span in inlines:
        if isinstance(span, Text):
            if not span.text:
                continue
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + span.text)
                continue
        elif isinstance(span, CONTAINER_INLINES):
            span = replace(span, children=normalize_inlines(span.children))
        out.append(span)
    return tuple(out)


_WS = __import__("re").compile(r"\s+")


def tidy_inlines(spans, *, strip: bool = True) -> tuple[Inline, ...]:
    """Bring inline spans into normal form: collapse whitespace, move spaces out of
    emphasis/strong/link edges, merge adjacent text, drop empty spans; ``strip`` trims
    the ends (as at block level)."""
    out: list[Inline] = []
    for span in spans:
        if isinstance(span, Text):
            out.append(Text(_WS.sub(" ", span.text)))
        elif isinstance(span, Code):
            out.append(Code(_WS.sub(" ", span.text)))
        elif isinstance(span, LEAF_INLINES):
            out.append(span)
        else:
            children = list(tidy_inlines(span.children, strip=False))
            first = children[0] if children else None
            lead = isinstance(first, Text) and first.text.startswith(" ")
            last = children[-1] if children else None
            trail = isinstance(last, Text) and last.text.endswith(" ")
            if lead and isinstance(first, Text):
                children[0] = Text(first.text[1:])
                last = children[-1]
            if trail and children and isinstance(last, Text):
                children[-1] = Text(last.text[:-1])
            children = list(normalize_inlines(children))
            if lead:
                out.append(Text(" "))
            if children:
                out.append(replace(span, children=tuple(children)))
            if trail:
                out.append(Text(" "))
    merged = list(normalize_inlines(out))
    merged = [Text(_WS.sub(" ", s.text)) if isinstance(s, Text) else s for s in merged]
    for i, s in enumerate(merged):  # no space around a hard line break
        if isinstance(s, Text):
            if i + 1 < len(merged) and isinstance(merged[i + 1], LineBreak):
                s = merged[i] = Text(s.text.rstrip())
            if i > 0 and isinstance(merged[i - 1], LineBreak):
                merged[i] = Text(s.text.lstrip())
    while strip and merged and isinstance(merged[0], LineBreak):  # no break at a passage's ends
        merged.pop(0)
    while strip and merged and isinstance(merged[-1], LineBreak):
        merged.pop()
    if strip and merged:
        if isinstance(merged[0], Text):
            merged[0] = Text(merged[0].text.lstrip())
        if isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text.rstrip())
    return normalize_inlines(merged)
