"""Markdown articles (CommonMark, parsed by markdown-it-py) with YAML front matter.

Front matter keys: title, subtitle, author/authors, date, lang, slug, source, corrections,
structure. Without a ``title`` the first level-one heading is the title. Beyond CommonMark:
tables (GFM), footnotes (``[^1]``), and passages in another language (``[Шал, кет!]{lang=kk}``,
mdit-py-plugins' attributes). Nested lists stay nested; an ordered list keeps its start
number and its delimiter (``1.`` or ``1)``); fenced and indented code is verbatim (never
translated); a hard line break (two spaces or ``\\`` at the end of a line) is kept. An image
alone in its paragraph is an :class:`~pubkit.model.Image` whose alt text is translated;
inside a sentence it is its alt text. A quotation whose last paragraph starts with a dash
("— Name") gets it as its attribution (a recorded guess). Raw HTML is read, not printed: an
HTML block goes through the HTML reader (:mod:`.html`) into the same model, inline tags
(``<sup>``, ``<abbr>``, ``<br>``, ``<a>``…) become the model's spans; what the HTML reader
drops (scripts, videos, forms…) and static-site shortcodes (``{{< … >}}``, ``{{% … %}}``,
``{% … %}``) are taken out of the text and recorded as guesses with their line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..errors import InputError, Location
from ..limits import MAX_BLOCK_DEPTH, MAX_INLINE_DEPTH, too_deep
from ..segment import map_passages
from ..model import (
    BlockQuote,
    Break,
    Code,
    CodeBlock,
    Document,
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
    Table,
    Text,
    plain_text,
    tidy_inlines,
)
from . import register
from . import frontmatter
from . import html as html_reader
from . import meta as meta_schema
from .hints import language_passages, line_hints, mark_passages
from .meta import MetaSource
from .source import SourceText, apply_corrections, to_meta

_md = MarkdownIt("commonmark").enable("table").use(footnote_plugin).use(attrs_plugin, spans=True)
# markdown-it stops reading (silently: the rest is lost) past maxNesting levels; ours is above
# every depth _check_nesting lets through (a list level takes two), so that never happens unseen.
_md.options["maxNesting"] = 2 * MAX_BLOCK_DEPTH + 8
_CONTAINERS = ("bullet_list", "ordered_list", "blockquote")
ATTRIBUTION = re.compile(r"^\s*(?:—|–|--|―)\s*(\S.*)$")
GENERATED_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*(\{\{.*?\}\}|\{%.*?%\})[^)\n]*\)", re.S)
SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}|\{\{.*?\}\}", re.S)


class _Raw:
    """Where inline HTML and shortcodes of one passage are reported: its line, the guesses."""

    def __init__(self, line: int, source: str, guesses: list[Guess], hints: dict[int, str]):
        self.line, self.source, self.guesses, self.hints = line, source, guesses, hints

    def at(self, needle: str) -> int:
        pos = self.source.find(needle)
        return self.line + (self.source.count("\n", 0, pos) if pos >= 0 else 0)

    def shortcodes(self, text: str) -> str:
        """``text`` without its shortcodes, each recorded with its line; Liquid's ``{% raw %}``
        markers (no content: they only stop Liquid) go silently; a link whose address is a
        generator's expression (``[docs]({{ "/docs/" | relative_url }})``) is its text."""
        text = _RAW_TAG.sub("", text)
        text = GENERATED_LINK.sub(lambda m: self._linked(m), text)
        for m in SHORTCODE.finditer(text):
            line = self.at(m.group(0))
            self.guesses.append(Guess(
                line, "dropped shortcode", ("kept",),
                f"a static-site shortcode `{_short(m.group(0))}`: a site generator's, not the article's text",
                f"structure: {{{line}: drop}}", settled=self.hints.get(line) == "drop"))
        return SHORTCODE.sub("", text)

    def _linked(self, m: re.Match) -> str:
        line = self.at(m.group(0))
        self.guesses.append(Guess(
            line, "link printed as its text", ("a link",),
            f"its address `{_short(m.group(2))}` is a site generator's expression, not an address",
            f"structure: {{{line}: drop}} once read (or write the address)",
            settled=self.hints.get(line) == "drop"))
        return m.group(1)

    def dropped(self, name: str, markup: str) -> None:
        line = self.at(markup)
        what = html_reader.DROPPED.get(name, f"<{name}>")
        self.guesses.append(Guess(line, f"dropped <{name}>", ("kept",),
                                  f"{what} in the source: nothing of it is printed",
                                  f"structure: {{{line}: drop}}", settled=self.hints.get(line) == "drop"))


_HIGHLIGHT = re.compile(r"^[ \t]*(?:\{%-?\s*highlight\s+([\w+#.-]+)[^%]*-?%\}|\{\{<\s*highlight\s+([\w+#.-]+)[^>]*>\}\})"
                        r"[ \t]*$")
_END_HIGHLIGHT = re.compile(r"^[ \t]*(?:\{%-?\s*endhighlight\s*-?%\}|\{\{<\s*/highlight\s*>\}\})[ \t]*$")
_RAW_TAG = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")


def _generator_code(body: str) -> str:
    """Jekyll's ``{% highlight go %}…{% endhighlight %}`` and Hugo's ``{{< highlight go >}}…``
    blocks as the fenced code they are (``{% raw %}`` markers inside taken out), lines kept:
    a marker line that goes is added back as a blank line after the block."""
    if "highlight" not in body:
        return body
    out: list[str] = []
    pending = 0
    inside = False
    for line in body.split("\n"):
        m = _HIGHLIGHT.match(line) if not inside else None
        if m:
            inside = True
            out.append("```" + (m.group(1) or m.group(2) or ""))
        elif inside and _END_HIGHLIGHT.match(line):
            inside = False
            out.append("```")
            out.extend([""] * pending)
            pending = 0
        elif inside and _RAW_TAG.search(line) and not _RAW_TAG.sub("", line).strip():
            pending += 1
        else:
            out.append(_RAW_TAG.sub("", line) if inside else line)
    return "\n".join(out)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def split_front_matter(src: SourceText) -> tuple[MetaSource, str, int]:
    """(validated front matter, body with its corrections applied, lines the front matter took).

    YAML (``---``), TOML (``+++``) or JSON (``{ … }``) front matter, as the site generators
    write it (:mod:`.frontmatter`)."""
    front, block = frontmatter.parse(src.text, src.path)
    if block is None:
        return front, src.text, 0
    body = apply_corrections(src.text[block.end:], front, src.path)
    return front, body, block.consumed


def front_matter(src: SourceText) -> MetaSource:
    """The article's metadata without reading its body: the sidecar, then front matter over it."""
    front, _, _ = split_front_matter(src)
    return meta_schema.merge(src.meta, front)


def _inlines(children, raw: _Raw | None = None) -> tuple:
    stack: list[list] = [[]]
    opened: list = []
    skip: str | None = None  # inside a dropped inline element (<video>…</video>): its name
    for tok in children or ():
        t = tok.type
        if skip is not None:
            tag = html_reader.inline_tag(tok.content) if t == "html_inline" else None
            if tag is not None and tag[0] == "close" and tag[1] == skip:
                skip = None
            continue
        if t == "text":
            stack[-1].append(Text(raw.shortcodes(tok.content) if raw else tok.content))
        elif t == "softbreak":
            stack[-1].append(Text(" "))
        elif t == "hardbreak":
            stack[-1].append(LineBreak())
        elif t == "footnote_ref":
            stack[-1].append(NoteRef(str(tok.meta.get("label", tok.meta.get("id", "")))))
        elif t == "code_inline":
            stack[-1].append(Code(tok.content))
        elif t == "html_inline":
            tag = html_reader.inline_tag(tok.content)
            if tag is None or tag[0] == "comment":
                continue  # a comment, or a stray '<' markdown-it took for markup: no text of the article
            kind, name, attrs = tag
            if name in html_reader.DROPPED:
                if raw:
                    raw.dropped(name, tok.content)
                if kind == "open":
                    skip = name
            elif kind == "void":
                if name == "br":
                    stack[-1].append(LineBreak())
                elif name == "img" and attrs.get("alt", "").strip():
                    stack[-1].append(Text(attrs["alt"]))
            elif kind == "open":
                opened.append(tag)
                stack.append([])
            elif any(isinstance(o, tuple) and o[1] == name for o in opened):
                while opened:  # close it, and any inner tag the source left open
                    o = opened.pop()
                    kids = tuple(stack.pop())
                    stack[-1].extend(html_reader.wrap(o[1], o[2], kids) if isinstance(o, tuple) else kids)
                    if isinstance(o, tuple) and o[1] == name:
                        break
        elif t == "image":
            stack[-1].append(Text(tok.content or plain_text(_inlines(tok.children))))
        elif t.endswith("_open"):
            opened.append(tok)
            stack.append([])
        elif t.endswith("_close"):
            tok_open = opened.pop()
            kids = tuple(stack.pop())
            while isinstance(tok_open, tuple):  # an HTML tag left open inside markdown emphasis
                stack[-1].extend(kids)
                tok_open = opened.pop()
                kids = tuple(stack.pop())
            span: Inline
            if tok_open.type == "em_open":
                span = Emph(kids)
            elif tok_open.type == "strong_open":
                span = Strong(kids)
            elif tok_open.type == "link_open":
                href, title = tok_open.attrs.get("href", ""), tok_open.attrs.get("title", "")
                target = _link_target(str(href))
                if target is None:  # an anchor of the page or a path of the site: dead in a book
                    stack[-1].extend(kids)
                    continue
                span = Link(kids, target, str(title or ""))
            elif tok_open.type == "span_open" and tok_open.attrs.get("lang"):
                span = Span(kids, str(tok_open.attrs["lang"]))
            else:  # a span without a language, other attribute spans: their text
                stack[-1].extend(kids)
                continue
            stack[-1].append(span)
    while opened:  # HTML tags never closed: their text stays
        kids = tuple(stack.pop())
        o = opened.pop()
        stack[-1].extend(html_reader.wrap(o[1], o[2], kids) if isinstance(o, tuple) else kids)
    return tidy_inlines(stack[0])


LINK_SCHEMES = ("http", "https", "mailto", "ftp")


def _link_target(href: str) -> str | None:
    """Where a link leads in a book: an address on the web (``//host/x`` is read as https), or
    None for an anchor of the page (``#notes``) or a path of the site (``/about``, ``../x.md``),
    which lead nowhere outside it: those links print as their text."""
    href = href.strip()
    if href.startswith("//"):
        return "https:" + href
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    if scheme in LINK_SCHEMES and re.match(r"\A[A-Za-z][A-Za-z0-9+.-]*:", href):
        return href
    return None


def _table(tokens, i: int, line: int, raw: _Raw | None = None) -> tuple[Table, int]:
    """The table whose ``table_open`` is at ``i``, and the index after its ``table_close``."""
    header: list = []
    rows: list = []
    aligns: list[str] = []
    row: list | None = None
    in_head = False
    i += 1
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type in ("thead_open", "thead_close"):
            in_head = tok.type == "thead_open"
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            if in_head:
                header = row
            else:
                rows.append(tuple(row))
        elif tok.type in ("th_open", "td_open") and row is not None:
            style = str(tok.attrs.get("style", ""))
            if in_head:
                aligns.append(style.split(":", 1)[1] if style.startswith("text-align:") else "")
            row.append(_inlines(tokens[i + 1].children, raw))
        i += 1
    return Table(tuple(header), tuple(rows), tuple(aligns), line=line), i + 1


@register(".md", ".markdown", meta=front_matter)
def read_markdown(src: SourceText) -> Document:
    front, body, offset = split_front_matter(src)  # front-matter corrections are applied there
    meta_src = meta_schema.merge(src.meta, front)
    hints = line_hints(meta_src, src.text.count("\n") + 1)
    tokens = _md.parse(_generator_code(body))
    _check_nesting(tokens, src.path, offset)
    guesses: list[Guess] = []
    notes: list[Note] = []

    def line_of(tok) -> int:
        return (tok.map[0] + 1 + offset) if tok.map else 0

    def raw(i: int) -> _Raw:  # the inline token at i, for its HTML tags and shortcodes
        return _Raw(line_of(tokens[i - 1]), tokens[i].content, guesses, hints)

    def quote(inner: list, line: int) -> BlockQuote:
        last = inner[-1] if len(inner) > 1 else None
        m = ATTRIBUTION.match(plain_text(last.content)) if isinstance(last, Paragraph) else None
        if last is None or m is None or len(plain_text(last.content)) > 120:
            return BlockQuote(tuple(inner), line=line)
        hint = hints.get(last.line)
        guesses.append(Guess(last.line, "attribution", ("paragraph",),
                             "a quotation's last paragraph starts with a dash",
                             f"structure: {{{last.line}: paragraph}}", settled=hint is not None))
        if hint == "paragraph":
            return BlockQuote(tuple(inner), line=line)
        content = list(last.content)
        first = content[0]
        content[0] = Text(ATTRIBUTION.sub(r"\1", first.text)) if isinstance(first, Text) else first
        return BlockQuote(tuple(inner[:-1]), line=line, attribution=tidy_inlines(content))

    def parse(i: int, end_type: str | None):
        blocks: list = []
        while i < len(tokens):
            tok = tokens[i]
            if end_type and tok.type == end_type:
                return blocks, i + 1
            if tok.type == "heading_open":
                blocks.append(Heading(int(tok.tag[1]), _inlines(tokens[i + 1].children, raw(i + 1)),
                                      line=line_of(tok)))
                i += 3
            elif tok.type == "paragraph_open":
                children = [c for c in tokens[i + 1].children or ()
                            if not (c.type == "text" and not c.content.strip())]
                images = _html_images(children)
                if images:  # a paragraph of <img> tags and nothing else: the images, as blocks
                    blocks.extend(Image(src_url, tidy_inlines((Text(alt),)), title, line=line_of(tok))
                                  for src_url, alt, title in images)
                elif len(children) == 1 and children[0].type == "image":
                    img = children[0]
                    alt = _inlines(img.children) or tidy_inlines((Text(img.content),))
                    src_url, img_title = img.attrs.get("src", ""), img.attrs.get("title", "")
                    blocks.append(Image(str(src_url), alt, str(img_title or ""), line=line_of(tok)))
                else:
                    content = _inlines(tokens[i + 1].children, raw(i + 1))
                    if content:
                        blocks.append(Paragraph(content, line=line_of(tok)))
                i += 3
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                close = tok.type.replace("_open", "_close")
                items, i2 = [], i + 1
                while tokens[i2].type != close:
                    item_tok = tokens[i2]
                    inner, i2 = parse(i2 + 1, "list_item_close")
                    items.append(_item(inner, line_of(item_tok)))
                ordered = tok.type == "ordered_list_open"
                start = int(tok.attrs.get("start", 1) or 1) if ordered else 1
                delim = ")" if ordered and tok.markup == ")" else "."
                blocks.append(ListBlock(tuple(items), ordered=ordered, start=start, line=line_of(tok),
                                        delim=delim))
                i = i2 + 1
            elif tok.type == "blockquote_open":
                inner, i = parse(i + 1, "blockquote_close")
                if inner:
                    blocks.append(quote(inner, line_of(tok)))
            elif tok.type in ("fence", "code_block"):
                if tok.content.strip():
                    blocks.append(CodeBlock(tok.content, tok.info.strip(), line=line_of(tok)))
                i += 1
            elif tok.type == "html_block":
                markup = _Raw(line_of(tok), tok.content, guesses, hints).shortcodes(tok.content)
                found = html_reader.read_html(markup, line_offset=line_of(tok) - 1, hints=hints,
                                              note_prefix="html-")
                blocks.extend(found.blocks)
                notes.extend(found.notes)
                guesses.extend(found.guesses)
                i += 1
            elif tok.type == "table_open":
                table, i = _table(tokens, i, line_of(tok), _Raw(line_of(tok), "", guesses, hints))
                blocks.append(table)
            elif tok.type == "footnote_open":
                inner, i = parse(i + 1, "footnote_close")
                label = str(tok.meta.get("label", tok.meta.get("id", "")))
                notes.append(Note(label, tuple(inner), line=_first_line(inner)))
            elif tok.type == "hr":  # a thematic break: a section break
                blocks.append(Break(line=line_of(tok)))
                i += 1
            else:  # footnote block wrappers, anchors: no text of their own
                i += 1
        return blocks, i

    blocks, _ = parse(0, None)
    blocks = [b for b in blocks if hints.get(getattr(b, "line", 0)) != "drop"]  # the editor: not the article
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
        blocks = [Heading(b.level - shift, b.content, line=b.line) if isinstance(b, Heading) else b
                  for b in blocks]
    passages = language_passages(meta_src)
    doc = Document(to_meta(meta_src, src, title=title, title_line=title_line), tuple(blocks), tuple(notes),
                   tuple(guesses))
    if passages:
        def mark(kind: str, spans: tuple[Inline, ...], _line: int) -> tuple[Inline, ...]:
            return spans if kind == "title" else mark_passages(spans, passages)

        doc = map_passages(doc, mark)
    return doc


def _check_nesting(tokens, path, offset: int) -> None:
    """Refuse lists and quotations nested past MAX_BLOCK_DEPTH, and emphasis, links and spans
    nested past MAX_INLINE_DEPTH (2,000 `*` around a word), at their line, before anything
    recursive (the model's normal form, segmenting, rendering) meets them."""
    depth, line = 0, offset + 1
    for tok in tokens:
        line = (tok.map[0] + 1 + offset) if tok.map else line
        if tok.type.removesuffix("_open") in _CONTAINERS and tok.type.endswith("_open"):
            depth += 1
            if depth > MAX_BLOCK_DEPTH:
                raise too_deep("a list or quotation", MAX_BLOCK_DEPTH, Location(path, line),
                               "a book's lists are a few levels deep: remove the extra indentation or `>`")
        elif tok.type.removesuffix("_close") in _CONTAINERS and tok.type.endswith("_close"):
            depth -= 1
        inline = 0
        for child in tok.children or ():
            if child.nesting == 1:
                inline += 1
                if inline > MAX_INLINE_DEPTH:
                    raise too_deep("emphasis (or links)", MAX_INLINE_DEPTH, Location(path, line),
                                   "remove the extra `*`, `_` or brackets around the text")
            elif child.nesting == -1:
                inline -= 1


def _html_images(children) -> list[tuple[str, str, str]]:
    """(src, alt, title) of each ``<img>`` of a paragraph made of nothing else; else []."""
    out: list[tuple[str, str, str]] = []
    for c in children:
        if c.type == "softbreak" or (c.type == "text" and not c.content.strip()):
            continue
        tag = html_reader.inline_tag(c.content) if c.type == "html_inline" else None
        if tag is None or tag[1] != "img" or not tag[2].get("src", "").strip():
            return []
        out.append((tag[2]["src"].strip(), tag[2].get("alt", ""), tag[2].get("title", "")))
    return out


def _item(inner: list, line: int) -> ListItem:
    """A list item's blocks: its first paragraph is the item's text, the rest (a nested
    list, more paragraphs) stays inside the item as blocks."""
    if inner and isinstance(inner[0], (Paragraph, Heading)):
        return ListItem(inner[0].content, tuple(inner[1:]), line=inner[0].line or line)
    return ListItem((), tuple(inner), line=line)


def _first_line(blocks: list) -> int:
    return next((b.line for b in blocks if getattr(b, "line", 0)), 0)
