"""Markdown articles (CommonMark, parsed by markdown-it-py) with YAML front matter.

Front matter keys: title, subtitle, author/authors, date, lang, slug, source. Without a
``title`` the first level-one heading is the title. Raw HTML in the source is kept as
text (escaped when rendered), never passed through as markup; images become their alt text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from ..errors import InputError, Location
from ..model import (
    BlockQuote,
    Code,
    Document,
    Emph,
    Heading,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    Strong,
    Text,
    plain_text,
    tidy_inlines,
)
from . import meta as meta_schema
from . import register
from .meta import MetaSource
from .source import SourceText, apply_corrections, to_meta

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(---|\.\.\.)[ \t]*(\n|\Z)", re.S)
_md = MarkdownIt("commonmark")


def split_front_matter(src: SourceText) -> tuple[MetaSource, str, int]:
    """(validated front matter, body with its corrections applied, lines the front matter took)."""
    text = src.text
    if not text.startswith("---"):
        return meta_schema.EMPTY, text, 0
    m = FRONT_MATTER.match(text)
    if not m:
        raise InputError(
            "front matter starts with '---' but has no closing '---' line",
            location=Location(src.path, 1),
            hint="end the metadata block with a line holding only ---",
        )
    front = meta_schema.parse(m.group(1) or "", src.path, line_offset=1, what="front matter")
    consumed = m.group(0).count("\n")
    body = apply_corrections(text[m.end():], front, src.path)
    return front, body, consumed


def front_matter(src: SourceText) -> MetaSource:
    """The article's metadata without reading its body: the sidecar, then front matter over it."""
    front, _, _ = split_front_matter(src)
    return meta_schema.merge(src.meta, front)


def _inlines(children) -> tuple:
    stack: list[list] = [[]]
    opened: list = []
    for tok in children or ():
        t = tok.type
        if t == "text":
            stack[-1].append(Text(tok.content))
        elif t in ("softbreak", "hardbreak"):
            stack[-1].append(Text(" "))
        elif t == "code_inline":
            stack[-1].append(Code(tok.content))
        elif t in ("html_inline",):
            stack[-1].append(Text(tok.content))
        elif t == "image":
            stack[-1].append(Text(tok.content or plain_text(_inlines(tok.children))))
        elif t.endswith("_open"):
            opened.append(tok)
            stack.append([])
        elif t.endswith("_close"):
            tok_open = opened.pop()
            kids = tuple(stack.pop())
            if tok_open.type == "em_open":
                span = Emph(kids)
            elif tok_open.type == "strong_open":
                span = Strong(kids)
            elif tok_open.type == "link_open":
                span = Link(kids, tok_open.attrs.get("href", ""), tok_open.attrs.get("title", "") or "")
            else:  # pragma: no cover - commonmark has no other inline containers
                stack[-1].extend(kids)
                continue
            stack[-1].append(span)
    return tidy_inlines(stack[0])


@register(".md", ".markdown", meta=front_matter)
def read_markdown(src: SourceText) -> Document:
    front, body, offset = split_front_matter(src)
    meta_src = meta_schema.merge(src.meta, front)
    tokens = _md.parse(body)

    def line_of(tok) -> int:
        return (tok.map[0] + 1 + offset) if tok.map else 0

    def parse(i: int, end_type: str | None):
        blocks = []
        while i < len(tokens):
            tok = tokens[i]
            if end_type and tok.type == end_type:
                return blocks, i + 1
            if tok.type == "heading_open":
                blocks.append(Heading(int(tok.tag[1]), _inlines(tokens[i + 1].children), line=line_of(tok)))
                i += 3
            elif tok.type == "paragraph_open":
                content = _inlines(tokens[i + 1].children)
                if content:
                    blocks.append(Paragraph(content, line=line_of(tok)))
                i += 3
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                close = tok.type.replace("_open", "_close")
                items, i2 = [], i + 1
                while tokens[i2].type != close:
                    item_tok = tokens[i2]
                    inner, i2 = parse(i2 + 1, "list_item_close")
                    items.extend(_flatten_item(inner, line_of(item_tok)))
                start = int(tok.attrs.get("start", 1) or 1) if tok.type == "ordered_list_open" else 1
                blocks.append(ListBlock(tuple(items), ordered=tok.type.startswith("ordered"), start=start, line=line_of(tok)))
                i = i2 + 1
            elif tok.type == "blockquote_open":
                inner, i = parse(i + 1, "blockquote_close")
                if inner:
                    blocks.append(BlockQuote(tuple(inner), line=line_of(tok)))
            elif tok.type in ("fence", "code_block", "html_block"):
                content = tidy_inlines((Text(tok.content),))
                if content:
                    blocks.append(Paragraph(content, line=line_of(tok)))
                i += 1
            else:  # hr and anything else carries no text
                i += 1
        return blocks, i

    blocks, _ = parse(0, None)
    title = meta_src.meta.title
    title_line = 0
    if not title:
        first = next((b for b in blocks if isinstance(b, Heading)), None)
        if first is None or first.level != 1:
            raise InputError(
                "the article has no title",
                location=Location(src.path, 1),
                hint="add `title: ...` to the front matter or start with a '# Title' line",
            )
        blocks.remove(first)
        title, title_line = plain_text(first.content), first.line
    levels = [b.level for b in blocks if isinstance(b, Heading)]
    if levels:
        shift = min(levels) - 1
        blocks = [Heading(b.level - shift, b.content, line=b.line) if isinstance(b, Heading) else b for b in blocks]
    meta = to_meta(meta_src, src, title=title, title_line=title_line)
    return Document(meta, tuple(blocks))


def _flatten_item(inner: list, line: int) -> list[ListItem]:
    """A list item's blocks → ListItems: its first paragraph is the item; nested lists
    and further paragraphs become items of their own (the model has flat lists)."""
    items: list[ListItem] = []
    for b in inner:
        if isinstance(b, Paragraph):
            items.append(ListItem(b.content, line=b.line or line))
        elif isinstance(b, ListBlock):
            items.extend(b.items)
        elif isinstance(b, Heading):
            items.append(ListItem(b.content, line=b.line or line))
        elif isinstance(b, BlockQuote):
            items.extend(_flatten_item(list(b.blocks), line))
    return items
