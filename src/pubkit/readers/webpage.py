"""Saved web pages (``.html``, ``.htm``): trafilatura finds the main content, the HTML reader
(:mod:`.html`) reads it.

A page as a browser saves it is mostly not the article: navigation, sharing buttons, related
posts, comments, the footer. trafilatura (a maintained extractor, evaluated against
readability and others on real pages) keeps the article's text with its headings, lists,
tables, quotations, code, links, emphasis and images; nothing else of the page is printed.
The page's own metadata (Open Graph, ``<meta>``, JSON-LD, as trafilatura reads them) offers
the title, author, date and address, each a guess the sidecar (``<slug>.yaml``) settles.
Lines are those of the saved file where a passage can be found in it, else 1.
"""

from __future__ import annotations

import re

from ..model import Document, Guess
from . import register
from .hints import line_hints
from .html import read_html
from .htmldoc import Offered, to_document
from .source import SourceText

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Lines:
    """Source lines of the saved page, to find where a passage of the extract came from."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def of(self, needle: str) -> int:
        needle = " ".join(needle.split())[:30]
        if needle:
            for n, ln in enumerate(self.lines, 1):
                if needle in ln:
                    return n
        return 1


def _relined(markup: str, page: _Lines) -> str:
    """The extract with each block moved to the page line where its text starts (blank lines
    added), so that the HTML reader's lines are the saved file's."""
    out: list[str] = []
    here, in_pre = 1, 0
    for chunk in re.split(r"(?=<(?:p|h[1-6]|li|tr|blockquote|pre|figure|img|table|ul|ol)[\s>/])", markup):
        text = re.sub(r"<[^>]*>", " ", chunk)
        line = page.of(text) if text.strip() and not in_pre else 0
        if line > here:
            out.append("\n" * (line - here))
            here = line
        opened = chunk.count("<pre") - chunk.count("</pre>")
        if in_pre or "<pre" in chunk:  # code keeps its line breaks (its later lines shift, harmlessly)
            here += chunk.count("\n")
        else:
            chunk = chunk.replace("\n", " ")
        in_pre = max(0, in_pre + opened)
        out.append(chunk)
    return "".join(out)


_BLOCK_CODE = re.compile(r"<pre>\s*<pre>(.*?)</pre>\s*</pre>", re.S)
_INLINE_CODE = re.compile(r"<pre>(.*?)</pre>", re.S)


def _prepared(text: str) -> str:
    """The page with line breaks inside code written as ``<br>`` (syntax highlighters do)
    turned into newlines, which trafilatura keeps."""
    if "<pre" not in text:
        return text
    import lxml.html

    root = lxml.html.document_fromstring(text)
    for br in root.xpath("//pre//br"):
        br.tail = "\n" + (br.tail or "")
        br.drop_tree()
    return lxml.html.tostring(root, encoding="unicode")


def _code_fixed(markup: str) -> str:
    """trafilatura's HTML writes block code as ``<pre><pre>`` and inline code as ``<pre>``:
    back to ``<pre>`` and ``<code>``, so that a sentence is not cut at its inline code."""
    blocks: list[str] = []

    def keep(m: re.Match) -> str:
        blocks.append(m.group(1))
        return f"\x00{len(blocks) - 1}\x00"

    markup = _BLOCK_CODE.sub(keep, markup)
    markup = _INLINE_CODE.sub(r"<code>\1</code>", markup)
    return re.sub("\x00(\\d+)\x00", lambda m: f"<pre>{blocks[int(m.group(1))]}</pre>", markup)


@register(".html", ".htm")
def read_webpage(src: SourceText) -> Document:
    import trafilatura

    page = _Lines(src.text)
    extract = trafilatura.extract(
        _prepared(src.text), output_format="html", include_comments=False, include_tables=True,
        include_images=True, include_formatting=True, include_links=True, favor_recall=True, deduplicate=False,
    ) or ""
    hints = line_hints(src.meta, src.text.count("\n") + 1)
    found = read_html(_relined(_code_fixed(extract), page), hints=hints)
    meta = trafilatura.extract_metadata(src.text, extensive=False)  # dates from metadata, not the text
    offered = Offered(where="the page's metadata")
    if meta is not None:
        date = meta.date or ""
        names = [re.sub(r"\s+https?\b.*$", "", a).strip() for a in (meta.author or "").split(";")]
        names = [n for n in names if n]
        offered = Offered(
            # only the first author: what follows is often the site's name or an address
            title=meta.title or "", authors=tuple(names[:1]), date=date if _DATE.match(date) else "",
            source=meta.url or meta.sitename or "", description=meta.description or "",
            line=page.of(meta.title or "") if meta.title else 1, where="the page's metadata",
        )
    if not extract.strip():
        found.guesses.append(Guess(1, "no article text", ("the whole page",),
                                   "trafilatura found no main content in the page",
                                   "save the article's own page (not a list of posts), or paste it as .txt"))
    return to_document(src, found, offered, hints=hints)
