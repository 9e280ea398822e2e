"""Hyphenation limits WeasyPrint has no property for, enforced on its layout.

Book typesetters allow no more than two hyphenated lines in a row and no hyphen at the end
of a page. CSS has ``hyphenate-limit-lines`` and ``hyphenate-limit-last`` for that, but
WeasyPrint (70) implements neither. So the PDF writer lays the book out, reads the lines
back, and for each line that breaks a limit keeps the word it split whole (wrapped in
``<span class="nohyphen">``: ``hyphens: none; white-space: nowrap``), then lays it out again,
until no line breaks a limit (a few passes; each pass only removes break points, and a
bounded number of passes keeps the time bounded). Only the article's text
(``<article class="text">``) is inspected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_RUN = 2  # hyphenated lines in a row
MAX_PASSES = 8
NOHYPHEN = "nohyphen"
_HYPHENS = "-\u2010\u00ad"


@dataclass
class Line:
    page: int
    text: str
    block: Any  # the etree element of the paragraph (or list item) the line belongs to
    last_on_page: bool = False

    @property
    def hyphenated(self) -> bool:
        t = self.text.rstrip()
        return len(t) > 1 and t[-1] in _HYPHENS and t[-2].isalpha()


def _in_article(element: Any, parents: dict[Any, Any]) -> bool:
    while element is not None:
        if element.tag == "article" and "text" in (element.get("class") or "").split():
            return True
        element = parents.get(element)
    return False


def article_lines(document: Any, root: Any) -> list[Line]:
    """The article's lines in reading order, as laid out."""
    from weasyprint.formatting_structure.boxes import BlockBox, LineBox, MarginBox, ParentBox, TextBox

    parents = {child: parent for parent in root.iter() for child in parent}
    lines: list[Line] = []

    def walk(box: Any, block: Any, out: list[Line], number: int) -> None:
        if isinstance(box, MarginBox):
            return  # running heads and page numbers are not the article's lines
        if isinstance(box, BlockBox) and box.element is not None:
            block = box.element
        if isinstance(box, LineBox):
            if block is not None and _in_article(block, parents):
                text = "".join(b.text for b in box.descendants() if isinstance(b, TextBox))
                out.append(Line(number, text, block))
            return
        if isinstance(box, ParentBox):
            for child in box.children:
                walk(child, block, out, number)

    for number, page in enumerate(document.pages, 1):
        on_page: list[Line] = []
        walk(page._page_box, None, on_page, number)
        if on_page:
            on_page[-1].last_on_page = True
        lines += on_page
    return lines


def offending(lines: list[Line]) -> Iterator[tuple[Line, Line]]:
    """(line, next line) for each hyphenated line that makes a run too long or ends a page."""
    run = 0
    for i, line in enumerate(lines):
        run = run + 1 if line.hyphenated else 0
        if i + 1 >= len(lines) or not line.hyphenated:
            continue
        if run > MAX_RUN or line.last_on_page:
            yield line, lines[i + 1]


def split_word(line: Line, nxt: Line) -> list[str]:
    """The word a hyphenated line split, as it may be written in the source."""
    head = re.findall(r"[\w\-\u2010\u00ad\u2011]+$", line.text.rstrip())
    tail = re.findall(r"^[\w\-\u2010\u2011]+", nxt.text.lstrip())
    if not head or not tail:
        return []
    first = head[0].rstrip(_HYPHENS)
    return [first + tail[0], first + "-" + tail[0]]


def _put_after(el: Any, index: int, prev: Any, parts: list[str | Any]) -> None:
    """Place ``parts`` (text and span elements) after ``prev``: spans into ``el`` from ``index`` on,
    each text onto the tail of what precedes it (``prev`` may be None only if a span comes first)."""
    for part in parts:
        if isinstance(part, str):
            prev.tail = (prev.tail or "") + part
        else:
            el.insert(index, part)
            index += 1
            prev = part


def keep_whole(block: Any, words: list[str]) -> bool:
    """Wrap each occurrence of one of ``words`` in ``block`` in a no-hyphen span; True if any."""
    import xml.etree.ElementTree as ET

    pattern = re.compile("(?<![\\w\\-])(" + "|".join(re.escape(w) for w in words) + ")(?![\\w])")

    def split(text: str) -> list[str | Any]:
        out: list[str | Any] = []
        pos = 0
        for m in pattern.finditer(text):
            out.append(text[pos:m.start()])
            span = ET.Element("span", {"class": NOHYPHEN})
            span.text = m.group(0)
            out.append(span)
            pos = m.end()
        out.append(text[pos:])
        return out

    changed = False
    for el in list(block.iter()):
        if el.get("class") == NOHYPHEN:
            continue
        # the element's own text
        parts = split(el.text or "")
        if len(parts) > 1:
            changed = True
            el.text = parts[0]
            _put_after(el, 0, None, parts[1:])  # parts alternate text, span, text …: a span comes first
        # the text after each child
        for child in list(el):
            if child.get("class") == NOHYPHEN:
                continue
            parts = split(child.tail or "")
            if len(parts) > 1:
                changed = True
                child.tail = parts[0]
                _put_after(el, list(el).index(child) + 1, child, parts[1:])
    return changed


def render_within_limits(html: Any, options: dict[str, Any]) -> tuple[Any, int]:
    """Lay out ``html`` (a weasyprint.HTML) so no article line breaks the limits above.

    Returns the laid-out document and the number of words kept whole.
    """
    import cssselect2

    kept = 0
    document = html.render(**options)
    for _ in range(MAX_PASSES):
        fixes = 0
        for line, nxt in list(offending(article_lines(document, html.etree_element))):
            words = split_word(line, nxt)
            if words and keep_whole(line.block, words):
                fixes += 1
        if not fixes:
            break
        kept += fixes
        html.wrapper_element = cssselect2.ElementWrapper.from_html_root(html.etree_element, content_language=None)
        document = html.render(**options)
    return document, kept
