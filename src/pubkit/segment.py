"""Document → translatable units with stable keys, and back.

A unit is one block-level passage (title, subtitle, heading, paragraph, list item,
quotation attribution, table cell, image description, figure caption, footnote paragraph,
dateline, signature). Its text is what a reviewer sees in a PO file: plain prose, with inline
markup written as numbered tags: ``<1>…</1>`` around emphasis, strong text, link text,
passages in another language, superscript and subscript, ``<2/>`` for inline code (never
translated), a hard line break or a footnote reference. A literal backslash is written
``\\\\`` and a literal ``<`` that would look like a tag is written ``\\<``.
Code blocks are not units: they are never translated.

Keys are ``<kind>-<8 hex digits of the text's hash>`` (plus ``-2``, ``-3`` … for repeated
texts), so a key does not change when other passages are added, moved or removed.

Invariant (tested as a property): ``reassemble(doc, {u.key: u.text for u in segment(doc)})
== doc`` for every document in normal form.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from .model import (
    BlockQuote,
    Break,
    Code,
    CodeBlock,
    Dateline,
    Document,
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
    normalize_inlines,
    plain_text,
)

KIND_PREFIX = {
    "title": "title",
    "subtitle": "subtitle",
    "heading": "h",
    "paragraph": "p",
    "list-item": "li",
    "dateline": "dateline",
    "signature": "signature",
    "attribution": "attr",
    "table-cell": "td",
    "image-alt": "alt",
    "caption": "cap",
    "note": "fn",
}
_CONTAINER_KIND = {Emph: "emph", Strong: "strong", Link: "link", Span: "span", Superscript: "sup",
                   Subscript: "sub"}
SELF_CLOSING = ("code", "br", "noteref")


@dataclass(frozen=True)
class Placeholder:
    """What tag ``<id>`` stands for: ``kind`` is emph, strong, link, span (another
    language), sup, sub, code, br (hard line break) or noteref (footnote reference)."""

    id: int
    kind: str
    url: str = ""
    title: str = ""
    code: str = ""
    lang: str = ""
    note: str = ""


@dataclass(frozen=True)
class Unit:
    key: str
    kind: str
    text: str
    line: int = 0
    placeholders: tuple[Placeholder, ...] = ()


class PlaceholderError(ValueError):
    """A translated text's tags do not match its source's (missing, extra, misnested)."""


# ------------------------------------------------------------------ encoding

_TAG = re.compile(r"<(/?)(\d+)(/?)>")
_NEEDS_ESCAPE = re.compile(r"<(?=/?\d)")


def _escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(r"\\<", text.replace("\\", "\\\\"))


def encode(inlines: tuple[Inline, ...]) -> tuple[str, tuple[Placeholder, ...]]:
    """Inline spans → unit text with numbered tags, and what each tag stands for."""
    parts: list[str] = []
    holders: list[Placeholder] = []

    def walk(spans):
        for span in spans:
            if isinstance(span, Text):
                parts.append(_escape(span.text))
            elif isinstance(span, Code):
                holders.append(Placeholder(len(holders) + 1, "code", code=span.text))
                parts.append(f"<{len(holders)}/>")
            elif isinstance(span, LineBreak):
                holders.append(Placeholder(len(holders) + 1, "br"))
                parts.append(f"<{len(holders)}/>")
            elif isinstance(span, NoteRef):
                holders.append(Placeholder(len(holders) + 1, "noteref", note=span.id))
                parts.append(f"<{len(holders)}/>")
            else:
                ph = Placeholder(
                    len(holders) + 1,
                    _CONTAINER_KIND[type(span)],
                    url=getattr(span, "url", ""),
                    title=getattr(span, "title", ""),
                    lang=getattr(span, "lang", ""),
                )
                holders.append(ph)
                parts.append(f"<{ph.id}>")
                walk(span.children)
                parts.append(f"</{ph.id}>")

    walk(inlines)
    return "".join(parts), tuple(holders)


def tags_in(text: str) -> list[str]:
    """The tags of a unit text in order (``<1>``, ``</1>``, ``<2/>`` …), escapes skipped."""
    return [m.group(0) for m in _scan(text) if isinstance(m, re.Match)]


def _scan(text: str):
    """Yield literal strings and tag matches, honouring backslash escapes."""
    i, buf = 0, []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "\\<":
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == "<":
            m = _TAG.match(text, i)
            if m and not (m.group(1) and m.group(3)):
                if buf:
                    yield "".join(buf)
                    buf = []
                yield m
                i = m.end()
                continue
        buf.append(ch)
        i += 1
    if buf:
        yield "".join(buf)


def decode(text: str, placeholders: tuple[Placeholder, ...]) -> tuple[Inline, ...]:
    """Unit text → inline spans, using the source unit's placeholders.

    Raises :class:`PlaceholderError` when a tag is unknown, used twice, left open,
    closed out of order, or when a source tag is missing from the text.
    """
    by_id = {p.id: p for p in placeholders}
    stack: list[tuple[Placeholder | None, list]] = [(None, [])]
    seen: set[int] = set()
    for piece in _scan(text):
        if isinstance(piece, str):
            stack[-1][1].append(Text(piece))
            continue
        closing, num, selfclosing = piece.group(1), int(piece.group(2)), piece.group(3)
        ph = by_id.get(num)
        if ph is None:
            raise PlaceholderError(f"tag {piece.group(0)} does not exist in the source")
        if closing:
            open_ph, children = stack[-1]
            if open_ph is None or open_ph.id != num:
                raise PlaceholderError(f"tag {piece.group(0)} closes a tag that is not open")
            stack.pop()
            stack[-1][1].append(_container(open_ph, tuple(children)))
            continue
        if num in seen:
            raise PlaceholderError(f"tag <{num}> is used more than once")
        seen.add(num)
        if selfclosing or ph.kind in SELF_CLOSING:
            if not selfclosing or ph.kind not in SELF_CLOSING:
                raise PlaceholderError(f"tag {piece.group(0)} has the wrong form for {ph.kind}")
            stack[-1][1].append(_leaf(ph))
        else:
            stack.append((ph, []))
    if len(stack) > 1:
        unclosed = stack[-1][0]
        assert unclosed is not None  # only the root entry, stack[0], has no placeholder
        raise PlaceholderError(f"tag <{unclosed.id}> is never closed")
    missing = sorted(set(by_id) - seen)
    if missing:
        raise PlaceholderError("missing tag(s): " + ", ".join(f"<{n}>" for n in missing))
    return normalize_inlines(stack[0][1])


def _leaf(ph: Placeholder) -> Inline:
    if ph.kind == "br":
        return LineBreak()
    if ph.kind == "noteref":
        return NoteRef(ph.note)
    return Code(ph.code)


def _container(ph: Placeholder, children: tuple[Inline, ...]) -> Inline:
    if ph.kind == "emph":
        return Emph(children)
    if ph.kind == "strong":
        return Strong(children)
    if ph.kind == "span":
        return Span(children, ph.lang)
    if ph.kind == "sup":
        return Superscript(children)
    if ph.kind == "sub":
        return Subscript(children)
    return Link(children, ph.url, ph.title)


# ------------------------------------------------------------- traversal


def _map_units(doc: Document, fn: Callable[[str, tuple[Inline, ...], int], tuple[Inline, ...]]):
    """Call ``fn(kind, inlines, line)`` for every unit in reading order; rebuild the doc."""
    meta = doc.meta
    title = fn("title", (Text(meta.title),) if meta.title else (), meta.title_line)
    subtitle = meta.subtitle
    if meta.subtitle:
        subtitle = plain_text(fn("subtitle", (Text(meta.subtitle),), meta.subtitle_line))

    def block(b, para: str = "paragraph"):
        if isinstance(b, Heading):
            return replace(b, content=fn("heading", b.content, b.line))
        if isinstance(b, Paragraph):
            return replace(b, content=fn(para, b.content, b.line))
        if isinstance(b, Dateline):
            return replace(b, content=fn("dateline", b.content, b.line))
        if isinstance(b, Signature):
            return replace(b, content=fn("signature", b.content, b.line))
        if isinstance(b, ListBlock):
            items = tuple(
                replace(i, content=fn("list-item", i.content, i.line),
                        blocks=tuple(block(x, para) for x in i.blocks))
                for i in b.items
            )
            return replace(b, items=items)
        if isinstance(b, BlockQuote):
            inner = tuple(block(x, para) for x in b.blocks)
            return replace(b, blocks=inner, attribution=fn("attribution", b.attribution, b.line))
        if isinstance(b, Table):
            header = tuple(fn("table-cell", c, b.line) for c in b.header)
            rows = tuple(tuple(fn("table-cell", c, b.line) for c in row) for row in b.rows)
            return replace(b, header=header, rows=rows)
        if isinstance(b, Image):
            return replace(b, alt=fn("image-alt", b.alt, b.line), caption=fn("caption", b.caption, b.line))
        if isinstance(b, (CodeBlock, Break)):
            return b  # verbatim, or no text: not a unit
        raise TypeError(f"unknown block {b!r}")  # pragma: no cover

    blocks = tuple(block(b) for b in doc.blocks)
    notes = tuple(replace(n, blocks=tuple(block(x, "note") for x in n.blocks)) for n in doc.notes)
    meta = replace(meta, title=plain_text(title), subtitle=subtitle)
    return replace(doc, meta=meta, blocks=blocks, notes=notes)


def map_passages(doc: Document, fn: Callable[[str, tuple[Inline, ...], int], tuple[Inline, ...]]) -> Document:
    """The document with ``fn(kind, inlines, line)`` applied to every passage, in reading order."""
    return _map_units(doc, fn)


class _Keys:
    def __init__(self):
        self.seen: dict[str, int] = {}

    def __call__(self, kind: str, text: str) -> str:
        digest = hashlib.sha1(f"{kind}\0{text}".encode()).hexdigest()[:8]
        base = f"{KIND_PREFIX[kind]}-{digest}"
        n = self.seen.get(base, 0) + 1
        self.seen[base] = n
        return base if n == 1 else f"{base}-{n}"


def segment(doc: Document) -> list[Unit]:
    """The document's translatable units in reading order, each with a stable key."""
    units: list[Unit] = []
    keys = _Keys()

    def collect(kind, inlines, line):
        text, holders = encode(inlines)
        if text:
            units.append(Unit(keys(kind, text), kind, text, line, holders))
        return inlines

    _map_units(doc, collect)
    return units


def reassemble(
    doc: Document,
    texts: Mapping[str, str],
    on_error: Callable[[Unit, PlaceholderError], tuple | None] | None = None,
) -> Document:
    """The document with each unit's text replaced by ``texts[key]`` where present.

    A text whose tags do not fit its source raises :class:`PlaceholderError`, unless
    ``on_error(unit, err)`` returns inlines to use instead (e.g. the source's).
    """
    keys = _Keys()

    def put(kind, inlines, line):
        text, holders = encode(inlines)
        if not text:
            return inlines
        key = keys(kind, text)
        if key not in texts:
            return inlines
        try:
            return decode(texts[key], holders)
        except PlaceholderError as err:
            if on_error is None:
                raise
            unit = Unit(key, kind, text, line, holders)
            fallback = on_error(unit, err)
            return inlines if fallback is None else fallback

    return _map_units(doc, put)
