"""Plain-text articles as pasted from a web page or a word processor.

Layout this reader understands (the shape of ``seeds/kazakh-workers-revolt-2022.txt``):
the title on the first line; an optional subtitle (the next block, one short line without
final punctuation); blocks separated by blank lines; a one-line block without final
punctuation is a section heading; lines starting with a bullet (``•``, ``-``, ``*``) are
list items; near the end a date line ("January 27, 2022") and, after it, a signature.
Web-page leftovers ("Comments Off on …") are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError, Location
from ..model import (
    Dateline, Document, Heading, ListBlock, ListItem, Paragraph, Signature, Text, plain_text, tidy_inlines,
)
from . import register
from .source import SourceText, parse_dateline, to_meta

LEFTOVER = re.compile(r"^\s*(Comments (Off|Closed) on\b|Leave a (comment|reply)\b|Share this:?$)", re.I)
BULLET = re.compile(r"^\s*[•◦▪‣·\-*]\s+")
FINAL_PUNCT = ".!?,;:…"
HEADING_MAX = 100


@dataclass
class _Block:
    line: int  # 1-based line of its first line
    lines: list[str]


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for no, raw in enumerate(text.split("\n"), 1):
        if LEFTOVER.match(raw):
            current = None
            continue
        if not raw.strip():
            current = None
            continue
        if current is None:
            current = _Block(no, [])
            blocks.append(current)
        current.lines.append(raw.strip())
    return blocks


def _is_heading_like(b: _Block) -> bool:
    return len(b.lines) == 1 and len(b.lines[0]) <= HEADING_MAX and b.lines[0][-1] not in FINAL_PUNCT


def _inl(text: str):
    return tidy_inlines((Text(text),))


@register(".txt")
def read_plaintext(src: SourceText) -> Document:
    blocks = _blocks(src.text)
    if not blocks:
        raise InputError(
            "the article is empty (no text after removing blank lines)",
            location=Location(src.path),
            hint="put the title on the first line and the text below it",
        )
    first = blocks.pop(0)
    title, title_line = first.lines[0], first.line
    rest_of_first = first.lines[1:]
    subtitle, subtitle_line = "", 0
    if rest_of_first:
        blocks.insert(0, _Block(first.line + 1, rest_of_first))
    if blocks and _is_heading_like(blocks[0]) and not src.meta.meta.no_subtitle:
        subtitle, subtitle_line = blocks[0].lines[0], blocks[0].line
        blocks.pop(0)

    # the end: a dateline, and a signature after it
    tail: list = []
    for i in range(len(blocks) - 1, max(-1, len(blocks) - 4), -1):
        b = blocks[i]
        if len(b.lines) == 1 and parse_dateline(b.lines[0]):
            after = blocks[i + 1 :]
            if all(len(x.lines) == 1 and len(x.lines[0]) <= 300 for x in after) and len(after) <= 1:
                tail.append(Dateline(_inl(b.lines[0]), line=b.line))
                tail.extend(Signature(_inl(x.lines[0]), line=x.line) for x in after)
                del blocks[i:]
            break

    out = []
    for b in blocks:
        if BULLET.match(b.lines[0]):
            items: list[ListItem] = []
            for offset, line in enumerate(b.lines):
                if BULLET.match(line):
                    items.append(ListItem(_inl(BULLET.sub("", line, count=1)), line=b.line + offset))
                else:  # a wrapped item continues
                    last = items[-1]
                    items[-1] = ListItem(_inl(plain_text(last.content) + " " + line), line=last.line)
            out.append(ListBlock(tuple(items), line=b.line))
        elif _is_heading_like(b):
            out.append(Heading(1, _inl(b.lines[0]), line=b.line))
        else:
            out.append(Paragraph(_inl(" ".join(b.lines)), line=b.line))

    meta = to_meta(
        src.meta, src, title=plain_text(_inl(title)), subtitle=plain_text(_inl(subtitle)),
        date=next((parse_dateline(plain_text(d.content)) for d in tail if isinstance(d, Dateline)), "") or "",
        title_line=title_line, subtitle_line=subtitle_line,
    )
    return Document(meta, tuple(out + tail))
