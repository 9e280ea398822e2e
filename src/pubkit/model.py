"""The document model: the only thing passed between readers, localization and renderers.

Like pandoc's ``Pandoc Meta [Block]``: a :class:`Document` is metadata plus a tuple of
blocks; blocks hold inline spans. Everything is an immutable (frozen) dataclass so that
stages return new values instead of changing shared ones, and documents compare by value.

Normal form (readers produce it, tests assume it):
- inline sequences never hold two adjacent :class:`Text` spans nor an empty one;
- text holds no line breaks or tabs and no runs of spaces (whitespace is collapsed);
- a block's inline sequence neither starts nor ends with a space; emphasis, strong and
  link spans neither start nor end with a space either (readers move it outside).
"""

from __future__ import annotations

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


Inline = Text | Emph | Strong | Code | Link | Span
CONTAINER_INLINES = (Emph, Strong, Link, Span)

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
    """One list item: its text (a tight item is one paragraph of inlines)."""

    content: tuple[Inline, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ListBlock:
    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BlockQuote:
    blocks: tuple[Block, ...]
    line: int = field(default=0, compare=False)


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


Block = Heading | Paragraph | ListBlock | BlockQuote | Dateline | Signature

# -------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class Author:
    name: str
    countries: tuple[str, ...] = ()

    def display(self) -> str:
        return f"{self.name} ({', '.join(self.countries)})" if self.countries else self.name


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
    source_file: str = field(default="", compare=False)  # path of the seed, for references
    title_line: int = field(default=0, compare=False)
    subtitle_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...]

    def with_meta(self, **changes) -> Document:
        return replace(self, meta=replace(self.meta, **changes))


# ------------------------------------------------------------------- helpers


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The visible text of inline spans, markup dropped."""
    out = []
    for span in inlines:
        if isinstance(span, (Text, Code)):
            out.append(span.text)
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
        else:
            children = list(tidy_inlines(span.children, strip=False))
            lead = bool(children) and isinstance(children[0], Text) and children[0].text.startswith(" ")
            trail = bool(children) and isinstance(children[-1], Text) and children[-1].text.endswith(" ")
            if lead:
                children[0] = Text(children[0].text[1:])
            if trail and children:
                children[-1] = Text(children[-1].text[:-1])
            children = list(normalize_inlines(children))
            if lead:
                out.append(Text(" "))
            if children:
                out.append(replace(span, children=tuple(children)))
            if trail:
                out.append(Text(" "))
    merged = list(normalize_inlines(out))
    merged = [Text(_WS.sub(" ", s.text)) if isinstance(s, Text) else s for s in merged]
    if strip and merged:
        if isinstance(merged[0], Text):
            merged[0] = Text(merged[0].text.lstrip())
        if isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text.rstrip())
    return normalize_inlines(merged)
