"""HTML → blocks of the document model: the one HTML reader behind every HTML source.

Raw HTML inside Markdown, ``.docx`` files (mammoth turns Word styles into semantic HTML) and
saved web pages (trafilatura finds the main content) all come here as HTML text, parsed by
lxml's HTML parser (libxml2: tolerant of tag soup, and it keeps each element's source line).
What comes out is the same model the Markdown reader builds, so no markup is ever printed or
written into a PO file as text:

- ``h1``–``h6`` headings, ``p`` paragraphs, ``ul``/``ol`` lists (``start``, ``type``, nested),
  ``table`` (``th`` rows or ``thead`` as the header), ``blockquote`` and ``aside`` as
  quotations (a ``footer``/``cite`` after the text is the attribution), ``pre`` as code,
  ``figure`` with ``img`` and ``figcaption`` as an image with its caption, ``details`` with
  its ``summary`` (printed as a strong first line), ``dl`` as terms and descriptions;
- inline: ``em``/``i``, ``strong``/``b``, ``a``, ``code``/``kbd``/``samp``, ``sup``, ``sub``,
  ``br``, ``q`` (straight quotes, typeset per language later), ``cite`` (emphasis),
  ``abbr`` and other phrasing elements as their text, ``span lang`` as another language;
- footnotes written as HTML (a link to a list item that links back: mammoth's, pandoc's,
  kramdown's footnotes) become notes;
- ``script``, ``style``, ``iframe``, ``video``, ``audio``, ``object``, ``embed``, ``canvas``,
  ``svg`` and forms are dropped, each recorded as a guess with its line (``structure: {N:
  drop}`` acknowledges it), so ``outline`` and ``check`` say what was left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

from ..model import (
    Block,
    BlockQuote,
    Code,
    CodeBlock,
    Emph,
    Guess,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Note,
    NoteRef,
    Paragraph,
    Span,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
    plain_text,
    tidy_inlines,
)

DROPPED = {
    "script": "a script", "style": "a style sheet", "iframe": "an embedded page", "video": "a video",
    "audio": "an audio player", "object": "an embedded object", "embed": "an embedded object",
    "canvas": "a drawing canvas", "svg": "an SVG drawing", "math": "a MathML formula",
    "form": "a form", "input": "a form field", "button": "a button", "select": "a form field",
    "textarea": "a form field", "noscript": "a no-script fallback", "template": "a template",
    "nav": "a navigation bar", "map": "an image map",
}
SILENT = {"head", "meta", "link", "title", "base", "source", "track", "param", "area", "col", "colgroup",
          "wbr", "label", "option", "optgroup", "fieldset", "legend"}
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCKS = {"p", "div", "section", "article", "main", "header", "footer", "ul", "ol", "li", "dl", "dt", "dd",
          "table", "blockquote", "aside", "pre", "figure", "figcaption", "details", "summary", "hr",
          "address", "center", "hgroup", "body", "html", "img", "picture", *HEADINGS, *DROPPED}
EMPH = {"em", "i", "cite", "dfn", "var"}
STRONG = {"strong", "b"}
CODE = {"code", "kbd", "samp", "tt"}
PERMALINK = {"", "#", "¶", "§", "🔗", "∞", "link"}
_OL_TYPES = {"1": "1", "a": "a", "A": "A", "i": "i", "I": "I"}
_CLASS_LANG = re.compile(r"(?:^|\s)(?:language|lang|sourceCode)-?([\w+#.-]+)")
_BACKLINK = "data-pubkit-backlink"


@dataclass
class HtmlResult:
    """What one HTML text became: blocks, the notes it defines, and the reader's guesses."""

    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    guesses: list[Guess] = field(default_factory=list)


_PAGE = re.compile(r"<(?:html|body|head)[\s>]|<!doctype", re.I)


def parse_fragment(markup: str) -> lxml.html.HtmlElement:
    """``markup`` (a fragment or a whole page) as an lxml tree whose lines are ``markup``'s.
    A fragment keeps its ``style`` and ``script`` where they are (a page's go to its head)."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, default_doctype=False)
    if not markup.strip():
        return lxml.html.fragment_fromstring("<div></div>")
    if _PAGE.search(markup[:4096]):
        return lxml.html.document_fromstring(markup, parser=parser)
    return lxml.html.fragment_fromstring(markup, create_parent="div", parser=parser)


def read_html(markup: str, *, line_offset: int = 0, hints: dict[int, str] | None = None,
              note_prefix: str = "") -> HtmlResult:
    """Blocks of an HTML text; source lines shifted by ``line_offset`` (where the text starts
    in its file, minus one). ``hints`` are the editor's ``structure:`` keys by line."""
    root = parse_fragment(markup)
    body = root.find("body") if root.tag == "html" else root
    return Converter(line_offset, hints or {}, note_prefix).run(body if body is not None else root)


def read_inline_html(markup: str) -> tuple[Inline, ...]:
    """Inline spans of a phrasing fragment (a table cell's or a line's HTML)."""
    conv = Converter(0, {}, "")
    root = parse_fragment(f"<p>{markup}</p>")
    para = root.find(".//p")
    return tidy_inlines(conv.inlines(para)) if para is not None else ()


class Converter:
    """One HTML tree → blocks; keeps the guesses and the notes it finds on the way."""

    def __init__(self, line_offset: int, hints: dict[int, str], note_prefix: str):
        self.offset = line_offset
        self.hints = hints
        self.prefix = note_prefix
        self.result = HtmlResult()
        self.note_items: dict[str, lxml.html.HtmlElement] = {}  # id of a note's element → element

    # ------------------------------------------------------------ entry points

    def run(self, root: lxml.html.HtmlElement) -> HtmlResult:
        self._find_notes(root)
        self.result.blocks = self.blocks(root)
        for note_id, el in self.note_items.items():
            inner = self.blocks(el)
            self.result.notes.append(Note(self.prefix + note_id, tuple(inner), line=self.line(el)))
        return self.result

    def line(self, el) -> int:
        return (el.sourceline or 1) + self.offset if el is not None else self.offset + 1

    def drop(self, el, what: str) -> None:
        line = self.line(el)
        self.result.guesses.append(Guess(
            line, f"dropped <{el.tag}>", ("kept",), f"{what} in the source: nothing of it is printed",
            f"structure: {{{line}: drop}}", settled=self.hints.get(line) == "drop"))

    # ------------------------------------------------------------- footnotes

    def _find_notes(self, root) -> None:
        """Footnotes written as HTML: an element with an ``id`` that some ``a href="#id"`` points
        to, and that itself holds a link back to that reference (or to its ``sup``)."""
        ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
        refs: dict[str, lxml.html.HtmlElement] = {}
        for a in root.iter("a"):
            href = a.get("href") or ""
            if href.startswith("#") and href[1:] in ids:
                refs.setdefault(href[1:], a)
        for target, ref in refs.items():
            el = ids[target]
            if el.tag not in ("li", "div", "p", "aside", "section"):
                continue
            ref_ids = {x.get("id") for x in (ref, ref.getparent()) if x is not None and x.get("id")}
            back = [a for a in el.iter("a") if (a.get("href") or "")[1:] in ref_ids]
            if not back:
                continue
            self.note_items[target] = el
            for a in back:  # marked on the tree: lxml's element proxies do not keep their id()
                a.set(_BACKLINK, "")

    def _is_notes_container(self, el) -> bool:
        kids = [c for c in el if isinstance(c.tag, str)]
        return bool(self.note_items) and bool(kids) and all(
            c.get("id") in self.note_items or c.tag in ("hr",) or self._is_notes_container(c) for c in kids)

    # ---------------------------------------------------------------- blocks

    def blocks(self, el) -> list[Block]:
        """The blocks inside ``el``; loose inline content between them becomes paragraphs."""
        out: list[Block] = []
        run: list[Inline] = []
        run_line = [0]

        def flush():
            content = tidy_inlines(run)
            if content and self.hints.get(run_line[0]) != "drop":
                out.append(Paragraph(content, line=run_line[0]))
            run.clear()

        if el.text and el.text.strip():
            run_line[0] = self.line(el if el.sourceline else (el[0] if len(el) else None))
            run.append(Text(el.text))
        for child in el:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                if child.tail and child.tail.strip():
                    run.append(Text(child.tail))
                continue
            tag = child.tag.lower()
            if tag in BLOCKS and not (tag == "img" and not self._lone_image(child)):
                flush()
                out.extend(self.block(child, tag))
                if child.tail and child.tail.strip():
                    run_line[0] = self.line(child)
                    run.append(Text(child.tail))
            else:
                if not run:
                    run_line[0] = self.line(child)
                run.extend(self.inline(child))
                if child.tail:
                    run.append(Text(child.tail))
        flush()
        return out

    def _lone_image(self, img) -> bool:
        """An image that stands on its own (a block), not one inside a sentence: its parent
        is no phrasing element, and no text stands right beside it."""
        parent = img.getparent()
        if parent is None:
            return True
        if parent.tag in ("p", "a", "span", "td", "th", "em", "strong", "b", "i", "small", "label"):
            return False
        prev = img.getprevious()
        before = (prev.tail if prev is not None else parent.text) or ""
        return not before.strip() and not (img.tail or "").strip()

    def block(self, el, tag: str) -> list[Block]:
        line = self.line(el)
        if tag in DROPPED:
            self.drop(el, DROPPED[tag])
            return []
        if el.get("id") in self.note_items or (tag in ("ol", "ul", "section", "div") and self._is_notes_container(el)):
            return []  # a footnote: read as a note (run), not as text
        if self.hints.get(line) == "drop":
            return []
        if tag in HEADINGS:
            content = tidy_inlines(self.inlines(el))
            return [Heading(HEADINGS[tag], content, line=line)] if content else []
        if tag in ("p", "dt", "summary", "figcaption", "address"):
            content = tidy_inlines(self.inlines(el))
            if tag in ("dt", "summary") and content:
                content = (Strong(content),)
            lone = self._only_images(el) if tag == "p" else []
            if lone:
                return [x for img in lone for x in self.block(img, "img")]
            return [Paragraph(content, line=line)] if content else []
        if tag in ("ul", "ol"):
            return self.list_block(el, tag == "ol", line)
        if tag == "table":
            return self.table(el, line)
        if tag in ("blockquote", "aside"):
            return self.quote(el, line)
        if tag == "pre":
            return self.pre(el, line)
        if tag == "img":
            return self.image(el, line, ())
        if tag == "picture":
            img = el.find(".//img")
            return self.image(img, line, ()) if img is not None else []
        if tag == "figure":
            return self.figure(el, line)
        if tag == "hr":
            return []
        return self.blocks(el)  # div, section, article, details, dd, li outside a list …

    def _only_images(self, p) -> list:
        """The images of a paragraph that holds images and nothing else (a row of charts)."""
        kids = [c for c in p if isinstance(c.tag, str)]
        if not kids or (p.text or "").strip() or any((c.tail or "").strip() for c in kids):
            return []
        return kids if all(c.tag in ("img", "br") for c in kids) and any(c.tag == "img" for c in kids) else []

    def list_block(self, el, ordered: bool, line: int) -> list[Block]:
        items: list[ListItem] = []
        for li in el:
            if not isinstance(li.tag, str):
                continue
            if li.tag != "li":
                if li.tag in ("ul", "ol") and items:  # a list nested without its <li> (tag soup)
                    last = items[-1]
                    items[-1] = ListItem(last.content, last.blocks + tuple(self.block(li, li.tag)), last.line)
                continue
            inner = self.blocks(li)
            if inner and isinstance(inner[0], Paragraph):
                items.append(ListItem(inner[0].content, tuple(inner[1:]), line=self.line(li)))
            else:
                items.append(ListItem((), tuple(inner), line=self.line(li)))
        if not items:
            return []
        start = 1
        if ordered:
            try:
                start = int(el.get("start") or 1)
            except ValueError:
                start = 1
        style = _OL_TYPES.get((el.get("type") or "1").strip(), "1") if ordered else "1"
        return [ListBlock(tuple(items), ordered=ordered, start=start, line=line, style=style)]

    def table(self, el, line: int) -> list[Block]:
        header: tuple = ()
        rows: list[tuple] = []
        for tr in el.iter("tr"):
            if tr.xpath("ancestor::table[1]")[0] is not el:
                continue  # a row of a nested table
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            if not cells:
                continue
            row = tuple(tidy_inlines(self.cell(c)) for c in cells)
            in_head = tr.getparent() is not None and tr.getparent().tag == "thead"
            if not header and not rows and (in_head or all(c.tag == "th" for c in cells)):
                header = row
            else:
                rows.append(row)
        caption = el.find("caption")
        out: list[Block] = []
        if caption is not None:
            content = tidy_inlines(self.inlines(caption))
            if content:
                out.append(Paragraph(content, line=self.line(caption)))
        if header or rows:
            out.append(Table(header, tuple(rows), line=line))
        return out

    def cell(self, c) -> list[Inline]:
        """A cell's text: paragraphs and lists inside it run together, split by line breaks."""
        parts: list[Inline] = []
        for b in self.blocks(c):
            text = _flat(b)
            if text:
                if parts:
                    parts.append(LineBreak())
                parts.extend(text)
        return parts

    def quote(self, el, line: int) -> list[Block]:
        attribution: tuple[Inline, ...] = ()
        kids = [c for c in el if isinstance(c.tag, str)]
        last = kids[-1] if kids else None
        if last is not None and last.tag in ("footer", "cite") and not (last.tail or "").strip():
            attribution = tidy_inlines(self.inlines(last))
            attribution = _strip_dash(attribution)
            el.remove(last)
        inner = self.blocks(el)
        if not inner and not attribution:
            return []
        return [BlockQuote(tuple(inner), line=line, attribution=attribution)]

    def pre(self, el, line: int) -> list[Block]:
        code = el.find("code")
        inner = el.find("pre")
        if inner is not None and not (el.text or "").strip():  # trafilatura's <pre><pre>
            el = inner
        text = el.text_content()
        if text.startswith("\n"):
            text = text[1:]
        if not text.strip():
            return []
        info = ""
        for source in (code, el):
            m = _CLASS_LANG.search(source.get("class") or "") if source is not None else None
            if m:
                info = m.group(1)
                break
        return [CodeBlock(text if text.endswith("\n") else text + "\n", info, line=line)]

    def image(self, img, line: int, caption: tuple[Inline, ...]) -> list[Block]:
        src = (img.get("src") or img.get("data-src") or "").strip()
        alt = tidy_inlines((Text(img.get("alt") or img.get("title") or ""),))
        if not src:
            return [Paragraph(caption or alt, line=line)] if (caption or alt) else []
        return [Image(src, alt, img.get("title") or "", line=line, caption=caption)]

    def figure(self, el, line: int) -> list[Block]:
        cap_el = el.find("figcaption")
        caption = tidy_inlines(self.inlines(cap_el)) if cap_el is not None else ()
        imgs = el.xpath(".//img")
        if len(imgs) == 1:
            return self.image(imgs[0], line, caption)
        if cap_el is not None:
            el.remove(cap_el)
        inner = self.blocks(el)  # several images, a quotation or a table as the figure
        if caption:
            inner.append(Paragraph(caption, line=self.line(cap_el)))
        return inner

    # --------------------------------------------------------------- inlines

    def inlines(self, el) -> list[Inline]:
        out: list[Inline] = []
        if el.text:
            out.append(Text(el.text))
        for child in el:
            if isinstance(child.tag, str):
                out.extend(self.inline(child))
            if child.tail:
                out.append(Text(child.tail))
        return out

    def inline(self, el) -> list[Inline]:
        tag = el.tag.lower()
        if tag in DROPPED:
            self.drop(el, DROPPED[tag])
            return []
        if tag in SILENT or el.get(_BACKLINK) is not None:
            return []
        if tag == "br":
            return [LineBreak()]
        if tag == "img":
            alt = el.get("alt") or ""
            return [Text(alt)] if alt.strip() else []
        if tag in CODE:
            return [Code(" ".join(el.text_content().split()))] if el.text_content().strip() else []
        if tag == "a":
            href = (el.get("href") or "").strip()
            if href.startswith("#") and href[1:] in self.note_items:
                return [NoteRef(self.prefix + href[1:])]
        return wrap(tag, dict(el.attrib), tuple(self.inlines(el)))


def wrap(tag: str, attrs: dict, kids: tuple[Inline, ...]) -> list[Inline]:
    """The inline spans a phrasing element ``tag`` with ``attrs`` makes of its children."""
    if tag == "sup":
        refs: list[Inline] = [k for k in kids if isinstance(k, NoteRef)]
        if refs and not plain_text(tuple(k for k in kids if not isinstance(k, NoteRef))).strip(" []"):
            return refs  # <sup><a href="#fn1">[1]</a></sup>: the reference alone
        return [Superscript(kids)]
    if tag == "sub":
        return [Subscript(kids)]
    if tag in EMPH:
        return [Emph(kids)]
    if tag in STRONG:
        return [Strong(kids)]
    if tag in CODE:
        text = plain_text(kids)
        return [Code(" ".join(text.split()))] if text.strip() else []
    if tag == "a":
        href = str(attrs.get("href") or "").strip()
        if href.startswith("#") and plain_text(kids).strip() in PERMALINK:
            return []  # a heading's own permalink (¶, #): no text of the article
        if href and not href.lower().startswith("javascript:"):
            return [Link(kids, href, str(attrs.get("title") or ""))]
        return list(kids)
    if tag == "q":
        return [Text('"'), *kids, Text('"')]
    if tag == "span" and attrs.get("lang"):
        return [Span(kids, str(attrs["lang"]))]
    if tag in HEADINGS or tag in BLOCKS:  # a block inside phrasing content (tag soup): a line
        return [*kids, Text(" ")]
    return list(kids)  # abbr, span, mark, small, u, s, del, ins, font, time …


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^>]*?)?)\s*(/?)>\Z", re.S)
_ATTR = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
VOID = {"br", "img", "wbr", "hr", "input", "source", "track", "meta", "link", "col", "area", "embed", "param"}


def inline_tag(markup: str) -> tuple[str, str, dict[str, str]] | None:
    """One inline HTML tag as markdown-it gives it (``<sup>``, ``</a>``, ``<br/>``):
    (``open``, ``close``, ``void`` or ``comment``, tag name, attributes); None if it is not a tag."""
    text = markup.strip()
    if text.startswith("<!--") or text.startswith("<?") or text.startswith("<!"):
        return ("comment", "", {})
    m = _TAG.match(text)
    if not m:
        return None
    name = m.group(2).lower()
    attrs = {a.group(1).lower(): next((g for g in a.groups()[1:] if g is not None), "")
             for a in _ATTR.finditer(m.group(3) or "")}
    from html import unescape

    attrs = {k: unescape(v) for k, v in attrs.items()}
    if m.group(1):
        return ("close", name, {})
    return ("void" if m.group(4) or name in VOID else "open", name, attrs)


def _flat(b: Block) -> list[Inline]:
    if isinstance(b, (Paragraph, Heading)):
        return list(b.content)
    if isinstance(b, ListBlock):
        out: list[Inline] = []
        for item in b.items:
            if out:
                out.append(LineBreak())
            out.extend(item.content)
            for x in item.blocks:
                out.extend([Text(" "), *_flat(x)])
        return out
    if isinstance(b, BlockQuote):
        return [x for blk in b.blocks for x in _flat(blk)]
    if isinstance(b, Image):
        return list(b.alt)
    if isinstance(b, CodeBlock):
        return [Code(" ".join(b.text.split()))]
    return []


def _strip_dash(content: tuple[Inline, ...]) -> tuple[Inline, ...]:
    if content and isinstance(content[0], Text):
        first = re.sub(r"^\s*(?:—|–|--|―)\s*", "", content[0].text)
        return tidy_inlines((Text(first), *content[1:]))
    return content


def without_markup(text: str) -> str:
    """The text of an HTML fragment, markup and dropped elements removed (for messages)."""
    root = parse_fragment(text)
    for el in root.iter(*DROPPED):
        el.drop_tree()
    return " ".join(root.text_content().split())
