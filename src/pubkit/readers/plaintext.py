"""Plain-text articles as people paste them: from web pages (WordPress), Google Docs and Word
text exports, e-mail newsletters, press releases and interviews.

The title is the first line. Blocks are separated by blank lines; in a one-line-per-paragraph
export (a line longer than 120 characters inside a block) every line is a block. Then:

- lines starting with ``•``/``-``/``*`` or ``1.``, ``1)``, ``a)``, ``(b)``, ``iv.`` are list
  items, nested by indentation (tabs count as four spaces) or by a change of numbering kind;
  consecutive list blocks (a "loose" list) are one list; continuation lines wrap into the item;
- a one-line block is a heading when it is numbered and followed by text ("2) …", "II. …",
  "2.1 …"), in capitals, a short question or exclamation followed by text, or a short line
  without final punctuation; a line starting with a speaker ("Q:", "Name:") never is;
- lines starting with ``>`` (quoted replies), and indented blocks where indentation is
  otherwise rare, are block quotations; a block followed by (or ending with) "— Name" is a
  quotation with that attribution;
- ``[1]``/``¹`` markers whose notes are at the end (lines starting with ``[1]``/``¹``, after an
  optional "Notes" line) become footnotes; URLs become links;
- CMS leftovers (Share this, Tags:, Related posts …) are dropped; a byline ("Posted by X on
  DATE | 3 comments") is dropped and its author and date offered as metadata;
- near the end, a date line ("January 27, 2022") and, after it, a signature.

Every decision with a plausible alternative is recorded as a :class:`~pubkit.model.Guess`
with the sidecar key that settles it; ``structure:`` hints by line and ``subtitle:`` in the
sidecar override the guesses (see :mod:`.hints`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError, Location
from ..limits import MAX_BLOCK_DEPTH, too_deep
from ..model import (
    Author, Block, BlockQuote, Break, Dateline, Document, Guess, Heading, ListBlock, ListItem, Meta, Note,
    Paragraph, Signature, Text, plain_text, tidy_inlines,
)
from . import register
from ..segment import map_passages
from .hints import language_passages, line_hints, mark_passages
from .plainlines import (
    ATTRIBUTION, BREAK, HEADING_MAX, LEFTOVER_BLOCK, NOTE_LINE, NOTE_MARK, Clutter, Marker, byline, clutter,
    heading_shape, inlines, leftover, marker, note_id, section_level,
)
from .source import SourceText, parse_dateline, to_meta

LONG_LINE = 120  # a line this long inside a block means one line per paragraph
LABELLED = re.compile(r"^[A-Z][\w.\- ]{0,30}:\s+\S")  # "Press contact: …", "Q: …"
SIG_DASHES = re.compile(r"^\s*--\s*$")
NOTES_HEADING = re.compile(r"^\s*(?:Notes|Footnotes|Endnotes|References|Sources)\s*:?\s*$", re.I)


@dataclass
class _Block:
    lines: list[tuple[int, str]]  # (1-based line number, line with its indentation, tabs expanded)
    is_break: bool = False  # a thematic break (`* * *`): a section break

    @property
    def line(self) -> int:
        return self.lines[0][0]

    @property
    def texts(self) -> list[str]:
        return [t.strip() for _, t in self.lines]

    def joined(self) -> str:
        return " ".join(self.texts)


@dataclass
class _Reading:
    """What the reader learns on its way: guesses, the editor's hints, notes, byline."""

    hints: dict[int, str]
    subtitle_given: bool
    guesses: list[Guess] = field(default_factory=list)
    note_ids: frozenset[str] = frozenset()
    bylines: list = field(default_factory=list)
    path: Path | str = ""  # the article, for errors

    def hint(self, block: _Block) -> str | None:
        for no, _ in block.lines:
            if no in self.hints:
                return self.hints[no]
        return None

    def guess(self, line: int, chosen: str, alternatives: tuple[str, ...], reason: str,
              settle: str = "") -> None:
        """Record a guess; by default the ``structure:`` line for its first alternative settles it."""
        settle = settle or f"structure: {{{line}: {alternatives[0]}}}"
        self.guesses.append(Guess(line, chosen, alternatives, reason, settle, settled=line in self.hints))

    def inl(self, text: str):
        return inlines(text, self.note_ids)


def _indent(raw: str) -> str:
    """Leading tabs as four spaces and no-break spaces as spaces (Word exports use both)."""
    body = raw.lstrip(" \t\u00a0\u202f")
    lead = raw[: len(raw) - len(body)].replace("\t", "    ").replace("\u00a0", " ").replace("\u202f", " ")
    return lead + body.rstrip()


def _blocks(text: str, reading: _Reading) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    skipping = False
    for no, raw in enumerate(text.split("\n"), 1):
        line = _indent(raw)
        if not line.strip():
            current, skipping = None, False
            continue
        if skipping:
            continue
        if SIG_DASHES.match(line):  # an e-mail's signature separator: what follows is its own block
            current = None
            continue
        if BREAK.match(line):
            blocks.append(_Block([(no, line)], is_break=True))
            current = None
            continue
        if LEFTOVER_BLOCK.match(line):
            skipping = True
            if current is not None and current.line == no:
                blocks.pop()
            continue
        if leftover(line):
            continue
        found = byline(line.strip()) if no not in reading.hints else None
        if found and (found.date or found.author) and len(blocks) < 6:
            reading.bylines.append((no, found))
            continue
        quoted = line.lstrip().startswith(">")
        if current is not None and quoted != current.texts[0].startswith(">"):
            current = None  # "On … wrote:" then the quoted reply
        if current is None:
            current = _Block([])
            blocks.append(current)
        current.lines.append((no, line))
    out: list[_Block] = []
    for b in blocks:  # one line per paragraph (Word, Google Docs): each line is a block
        one_per_line = any(len(t) > LONG_LINE for t in b.texts[:-1])
        if len(b.lines) > 1 and one_per_line and not b.texts[0].startswith(">"):
            out.extend(_Block([ln]) for ln in b.lines)
        else:
            out.append(b)
    return out


# ------------------------------------------------------------------------ lists


def _is_list_start(b: _Block) -> Marker | None:
    return None if b.is_break else marker(b.lines[0][1])


def _depth(b: _Block) -> int:
    return len(b.lines[0][1]) - len(b.lines[0][1].lstrip())


def _merge_loose_lists(blocks: list[_Block], reading: _Reading) -> list[_Block]:
    """Consecutive blocks that each start with the same kind of list marker form one list
    (a loose list); "3)" after an "a) b) c)" list, or "III." after a "1. 2." list, does not."""
    out: list[_Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        pm, bm = (_is_list_start(prev) if prev else None), _is_list_start(b)
        if (
            prev is not None and pm is not None and bm is not None
            and ((pm.kind, pm.delim, pm.symbol) == (bm.kind, bm.delim, bm.symbol) or _depth(b) > _depth(prev))
            and reading.hint(b) in (None, "list") and reading.hint(prev) in (None, "list")
            and not prev.texts[0].startswith(">")
        ):
            prev.lines.extend(b.lines)
        else:
            out.append(_Block(list(b.lines), b.is_break))
    return out


@dataclass
class _Level:
    indent: int
    kind: str
    delim: str
    start: int
    line: int
    items: list[list] = field(default_factory=list)  # [line, [texts], [child levels]]


def _list(b: _Block, reading: _Reading, force: bool = False) -> ListBlock:
    """A block of list lines as a (nested) list. ``force``: the editor said it is a list,
    so a line without a marker is an item of its own."""
    root: list[_Level] = []
    stack: list[_Level] = []
    for no, line in b.lines:
        indent = len(line) - len(line.lstrip())
        m = marker(line, prefer_roman=bool(stack) and stack[-1].kind in "iI")
        if m is None and not force and stack:
            stack[-1].items[-1][1].append(line.strip())  # a wrapped item continues
            continue
        # bullets with another symbol ("•" then "o") are another level, like "1." then "a."
        kind = (m.kind + m.symbol if m.kind == "bullet" else m.kind) if m else "bullet"
        text = line.strip()[m.length:] if m else line.strip()
        while stack and stack[-1].indent > indent:
            stack.pop()
        if stack and stack[-1].indent == indent and stack[-1].kind != kind:
            same = [lv for lv in stack if lv.indent == indent and lv.kind == kind]
            if same:
                while stack[-1] is not same[-1]:
                    stack.pop()
        top = stack[-1] if stack else None
        if top is not None and top.kind == kind and top.indent == indent:
            top.items.append([no, [text], []])
            continue
        level = _Level(indent, kind, m.delim if m else ".", m.value if m else 1, no, [[no, [text], []]])
        if top is None:
            root.append(level)
        else:
            top.items[-1][2].append(level)
        stack.append(level)
        if len(stack) > MAX_BLOCK_DEPTH:  # 400 tab levels: refused before build() recurses
            raise too_deep("a list", MAX_BLOCK_DEPTH, Location(reading.path, no),
                           "a list nested by indentation (tabs count) or by changes of marker: "
                           "a book's lists are a few levels deep; remove the extra indentation")

    def build(level: _Level) -> ListBlock:
        items = tuple(
            ListItem(reading.inl(" ".join(texts)), tuple(build(c) for c in children), line=no)
            for no, texts, children in level.items
        )
        ordered = not level.kind.startswith("bullet")
        return ListBlock(items, ordered=ordered, start=level.start if ordered else 1, line=level.line,
                         style=level.kind if ordered else "1", delim=level.delim or ".")

    blocks = [build(lv) for lv in root]
    if len(blocks) == 1:
        return blocks[0]
    # several top-level lists in one block (a change of kind at the left margin): one list
    items = tuple(i for lb in blocks for i in lb.items)
    return ListBlock(items, ordered=blocks[0].ordered, start=blocks[0].start, line=blocks[0].line,
                     style=blocks[0].style, delim=blocks[0].delim)


# ------------------------------------------------------------------------ notes


def _take_notes(blocks: list[_Block], reading: _Reading) -> list[Note]:
    """Footnotes at the end ("[1] …" / "¹ …" lines), when the text refers to them."""
    found: list[tuple[int, _Block]] = []
    closing = _closing_lines(blocks)
    i = len(blocks) - len(closing)
    while i > 0:
        b = blocks[i - 1]
        if NOTE_LINE.match(b.texts[0]) and not b.is_break:
            found.append((i - 1, b))
        elif not ((NOTES_HEADING.match(b.joined()) or b.is_break) and found):
            break
        i -= 1
    if not found:
        return []
    body = " ".join(t for b in blocks[:i] for t in b.texts)
    referenced = {note_id(m.group(1), m.group(2)) for m in NOTE_MARK.finditer(body)}
    raw: list[list] = []  # [id, line, [texts]]
    for _, b in sorted(found):
        for no, text in b.lines:
            m = NOTE_LINE.match(text.strip())
            if m:
                raw.append([note_id(m.group(1), m.group(2)), no, [text.strip()[m.end():]]])
            elif raw:
                raw[-1][2].append(text.strip())
    if not raw or not {r[0] for r in raw} & referenced:
        return []
    del blocks[i:]
    blocks.extend(closing)  # a closing line after the notes ("Ends", a signature) stays the text's
    seen: set[str] = set()
    for r in raw:  # two notes numbered alike: the later one gets its own id (its marker points to the first)
        while r[0] in seen:
            r[0] += "'"
        seen.add(r[0])
    reading.note_ids = frozenset(r[0] for r in raw)
    return [Note(ident, (Paragraph(reading.inl(" ".join(texts)), line=no),), line=no)
            for ident, no, texts in raw]


def _closing_lines(blocks: list[_Block]) -> list[_Block]:
    """Up to two short one-line blocks after the notes at the end (a signature, "ENDS", a copyright
    line): not notes, but they must not hide the notes above them."""
    tail: list[_Block] = []
    for b in reversed(blocks[-2:]):
        if len(b.lines) == 1 and len(b.texts[0]) <= HEADING_MAX and not NOTE_LINE.match(b.texts[0]):
            tail.insert(0, b)
        else:
            break
    before = blocks[: len(blocks) - len(tail)]
    return tail if tail and before and NOTE_LINE.match(before[-1].texts[0]) else []


# --------------------------------------------------------------------- blocks


def _quote(b: _Block, reading: _Reading) -> BlockQuote:
    """Lines starting with '>' (a quoted reply): paragraphs split at empty '>' lines."""
    paras: list[list[tuple[int, str]]] = [[]]
    for no, text in b.lines:
        inner = re.sub(r"^\s*(?:>\s?)+", "", text)
        if not inner.strip():
            paras.append([])
        else:
            paras[-1].append((no, inner))
    blocks = tuple(Paragraph(reading.inl(" ".join(t.strip() for _, t in p)), line=p[0][0])
                   for p in paras if p)
    return BlockQuote(blocks, line=b.line)


def _attributed(prev: Block | None) -> bool:
    return isinstance(prev, (Paragraph, BlockQuote))


def _numbered_series(blocks: list[_Block]) -> set[int]:
    """Lines of one-line numbered blocks that number the sections in sequence (1) 2) 3),
    I. II. III.): with two or more of them, each is a heading without doubt."""
    series: dict[tuple, list[tuple[int, int]]] = {}
    for b in blocks:
        if len(b.lines) == 1 and heading_shape(b.texts[0]) == "numbered" and (m := marker(b.texts[0])):
            series.setdefault((m.kind, m.delim), []).append((m.value, b.line))
    sure: set[int] = set()
    for found in series.values():
        values = [v for v, _ in found]
        if len(found) >= 2 and values[0] <= 2 and all(b == a + 1 for a, b in zip(values, values[1:], strict=False)):
            sure.update(line for _, line in found)
    return sure


def _classify(blocks: list[_Block], reading: _Reading) -> list[Block]:
    sections = _numbered_series(blocks)
    indented = [b for b in blocks if all(ln[1].startswith("  ") for ln in b.lines) and not _is_list_start(b)
                and not b.is_break]
    quotes_by_indent = len(indented) <= max(1, len(blocks) // 4)
    out: list[Block] = []
    for idx, b in enumerate(blocks):
        nxt = blocks[idx + 1] if idx + 1 < len(blocks) else None
        hint = reading.hint(b)
        text = b.joined()
        if b.is_break:
            if hint != "drop":
                out.append(Break(line=b.line))
        elif hint == "heading":
            out.append(Heading(section_level(text), reading.inl(text), line=b.line))
        elif hint == "paragraph":
            out.append(Paragraph(reading.inl(text), line=b.line))
        elif hint == "quote":
            out.append(BlockQuote((Paragraph(reading.inl(text), line=b.line),), line=b.line))
        elif hint == "list":
            out.append(_list(b, reading, force=True))
        elif b.texts[0].startswith(">"):
            out.append(_quote(b, reading))
        elif ((m := ATTRIBUTION.match(text)) and text.startswith("--") and len(b.lines) == 1 and hint is None
              and nxt is None and sum(isinstance(x, Paragraph) for x in out) >= 3 and isinstance(out[-1], Paragraph)
              and not plain_text(out[-1].content).startswith(('"', "“", "«", "„"))):
            # "-- Name" closing an article of several paragraphs signs it: it quotes no passage
            reading.guess(b.line, "signature", ("attribution",),
                          "a line starting with a dash ends a text of several paragraphs",
                          f"structure: {{{b.line}: attribution}}")
            out.append(Signature(reading.inl(m.group("who")), line=b.line))
        elif (m := ATTRIBUTION.match(text)) and len(b.lines) == 1 and out and (
            hint == "attribution" or _attributed(out[-1])
        ):
            prev = out.pop()
            quote = (prev if isinstance(prev, BlockQuote) and not prev.attribution
                     else BlockQuote((prev,), line=prev.line))
            reading.guess(b.line, "attribution", ("paragraph",),
                          "a line starting with a dash follows a passage")
            out.append(BlockQuote(quote.blocks, line=quote.line, attribution=reading.inl(m.group("who"))))
        elif len(b.lines) > 1 and not _is_list_start(b) and (m := ATTRIBUTION.match(b.texts[-1])):
            reading.guess(b.line, "attribution", ("paragraph",),
                          "a passage ends with a line starting with a dash")
            body = " ".join(b.texts[:-1])
            out.append(BlockQuote((Paragraph(reading.inl(body), line=b.line),), line=b.line,
                                  attribution=reading.inl(m.group("who"))))
        elif (lm := _is_list_start(b)) is not None:
            shape = heading_shape(b.texts[0]) if len(b.lines) == 1 else ""
            followed_by_text = nxt is not None and _is_list_start(nxt) is None
            if shape == "numbered" and followed_by_text and lm.kind != "bullet":
                if b.line not in sections:
                    reading.guess(b.line, "heading", ("list",),
                                  "a numbered line on its own, followed by text")
                out.append(Heading(section_level(text), reading.inl(text), line=b.line))
                continue
            lst = _list(b, reading)
            if len(lst.items) == 1 and not lst.items[0].blocks and lm.kind != "bullet" and lm.value != 1:
                reading.guess(b.line, "paragraph", ("list",),
                              "a lone numbered line that does not start a list")
                out.append(Paragraph(reading.inl(text), line=b.line))
                continue
            out.append(lst)
        elif len(b.lines) == 1 and (shape := heading_shape(text)):
            followed_by_text = nxt is not None and heading_shape(nxt.joined()) == "" and len(nxt.joined()) > 0
            if shape == "question" and not followed_by_text:
                out.append(Paragraph(reading.inl(text), line=b.line))
                continue
            if shape == "numbered" and not followed_by_text:
                out.append(Paragraph(reading.inl(text), line=b.line))
                continue
            if shape in ("question", "numbered") or (shape == "unpunctuated" and len(text.split()) > 10):
                why = {"question": "a short line ending in ? or ! followed by text",
                       "numbered": "a numbered line on its own, followed by text",
                       "unpunctuated": "a long line without final punctuation"}[shape]
                reading.guess(b.line, "heading", ("paragraph",), why)
            level = section_level(text) if shape == "numbered" else 1
            out.append(Heading(level, reading.inl(text), line=b.line))
        elif quotes_by_indent and b in indented:
            reading.guess(b.line, "quote", ("paragraph",), "an indented passage")
            out.append(BlockQuote((Paragraph(reading.inl(text), line=b.line),), line=b.line))
        else:
            out.append(Paragraph(reading.inl(text), line=b.line))
    return out


def _tail(blocks: list[_Block]) -> list[Block]:
    """A date line near the end, and a short signature after it."""
    for i in range(len(blocks) - 1, max(-1, len(blocks) - 4), -1):
        b = blocks[i]
        if len(b.lines) == 1 and parse_dateline(b.texts[0]):
            after = blocks[i + 1:]
            if len(after) <= 1 and all(len(x.lines) == 1 and len(x.texts[0]) <= 300 for x in after):
                tail: list[Block] = [Dateline(tidy_inlines((Text(b.texts[0]),)), line=b.line)]
                for x in after:  # a signature; a labelled line ("Press contact: …") is not one
                    kind = Paragraph if LABELLED.match(x.texts[0]) else Signature
                    tail.append(kind(inlines(x.texts[0]), line=x.line))
                del blocks[i:]
                return tail
            break
    return []


def _subtitle(blocks: list[_Block], reading: _Reading, given: object) -> tuple[str, int]:
    """The block after the title as subtitle: a guess unless the sidecar decides."""
    hinted = [b for b in blocks if reading.hint(b) == "subtitle"]
    if hinted:
        blocks.remove(hinted[0])
        reading.guess(hinted[0].line, "subtitle", ("heading", "paragraph"), "the editor's structure hint",
                      f"structure: {{{hinted[0].line}: subtitle}}")
        return hinted[0].joined(), hinted[0].line
    if not blocks:
        return "", 0
    first = blocks[0]
    if reading.hint(first) is not None or first.is_break:
        return "", 0
    if reading.subtitle_given:
        if isinstance(given, str) and given.strip() and " ".join(given.split()) == first.joined():
            blocks.pop(0)  # the sidecar names this very line: it is the subtitle
            return first.joined(), first.line
        return "", 0  # `subtitle: none` (or another text): the block stays what it is
    shape = heading_shape(first.joined()) if len(first.lines) == 1 else ""
    if shape != "unpunctuated" or _is_list_start(first):
        return "", 0
    if len(blocks) < 2:
        return "", 0
    if _like_later_headings(first, blocks):
        reading.guess(first.line, "heading", ("subtitle",),
                      "a short line after the title shaped like the later headings",
                      f"structure: {{{first.line}: subtitle}}")
        return "", 0
    reading.guess(first.line, "subtitle", ("heading", "paragraph"),
                  "a short line without final punctuation right after the title",
                  f"subtitle: none (keep it in the text), or structure: {{{first.line}: subtitle}}")
    blocks.pop(0)
    return first.joined(), first.line


# ------------------------------------------------------------ a web page's clutter

HEAD_BLOCKS = 10  # clutter is looked for among the first blocks, up to the first paragraph
PARAGRAPH = 120  # characters: a block this long is the article's text


def _hinted_date(blocks: list[_Block], reading: _Reading, src: SourceText) -> str:
    """``structure: {N: date}``: line N is the date (taken out of the text)."""
    for b in blocks:
        for no, text in list(b.lines):
            if reading.hints.get(no) != "date":
                continue
            date = parse_dateline(text.strip()) or clutter_date(text)
            if not date:
                raise InputError(
                    f"line {no} is marked as the date (`structure: {{{no}: date}}`) but "
                    f"{text.strip()[:60]!r} is not a date pubkit reads",
                    location=Location(src.meta.path or src.path, src.meta.line_of("structure", str(no))),
                    hint="write the date in the sidecar instead: `date: YYYY-MM-DD`",
                )
            b.lines.remove((no, text))
            blocks[:] = [x for x in blocks if x.lines]
            return date
    return ""


def clutter_date(text: str) -> str:
    found = clutter(text)
    return found.date if found else ""


def _hinted_title(blocks: list[_Block], reading: _Reading) -> list[_Block]:
    """``structure: {N: title}``: line N is the title; what is above it is not the article."""
    for i, b in enumerate(blocks):
        for j, (no, _) in enumerate(b.lines):
            if reading.hints.get(no) == "title":
                return [_Block(b.lines[j:], b.is_break), *blocks[i + 1:]]
    return blocks


def _clutter(blocks: list[_Block], reading: _Reading) -> tuple[list[tuple[int, Clutter]], list[_Block]]:
    """Take a web page's clutter out: in the head (the blocks before the first paragraph) every
    short line that is navigation, a label, a byline, a timestamp, a reading time, a category word,
    a contact or a caption; further down, captions and reading times on a line of their own. A line
    the editor's ``structure:`` names is never clutter."""
    found: list[tuple[int, Clutter]] = []
    out: list[_Block] = []
    in_head = True
    for i, b in enumerate(blocks):
        if in_head and i >= HEAD_BLOCKS:
            in_head = False
        if b.is_break:
            out.append(b)
            continue
        if in_head:
            short = all(len(t) <= PARAGRAPH for t in b.texts)
            kept: list[tuple[int, str]] = []
            for no, text in b.lines:
                c = None if no in reading.hints or (kept and not short) else clutter(text)
                if c is not None:
                    found.append((no, c))
                else:
                    kept.append((no, text))
            if kept:
                out.append(_Block(kept))
                if len(" ".join(t.strip() for _, t in kept)) > PARAGRAPH or not short:
                    in_head = False
            continue
        c = clutter(b.texts[0]) if len(b.lines) == 1 and b.line not in reading.hints else None
        if c is not None and c.kind in ("caption", "reading time"):
            found.append((b.line, c))
        else:
            out.append(b)
    return found, out


_CLUTTER_WHY = {
    "navigation": "a site's navigation", "label": "a label", "byline": "a byline",
    "timestamp": "a date line", "reading time": "a reading time", "category": "a category word",
    "contact": "a contact line", "caption": "an image's caption",
}


def _clutter_guesses(found: list[tuple[int, Clutter]], reading: _Reading, authors: bool, date: bool) -> None:
    """Every line taken for clutter, shown as a guess with its settlements."""
    for no, c in found:
        why = _CLUTTER_WHY[c.kind]
        keep = f"structure: {{{no}: paragraph}} to keep it in the text"
        if c.kind == "byline":
            reading.guesses.append(Guess(
                no, "byline", ("drop", "paragraph"), f"{why} ({c.author}), dropped from the text and offered "
                "as the author", f"authors: in the sidecar, structure: {{{no}: drop}} (not the author), or "
                f"{keep}", settled=authors or no in reading.hints))
        elif c.kind == "timestamp" and c.date:
            reading.guesses.append(Guess(
                no, "date", ("drop", "paragraph"), f"{why} ({c.date}), dropped from the text and offered as "
                "the date", f"structure: {{{no}: date}} or date: in the sidecar, structure: {{{no}: drop}}"
                f" (not the date), or {keep}", settled=date or no in reading.hints))
        else:
            reading.guesses.append(Guess(
                no, "drop", ("paragraph", "title"), f"{why}, dropped from the text",
                f"structure: {{{no}: drop}}, {keep}, or structure: {{{no}: title}}"))


def _title_guess(title: str, line: int, found: list[tuple[int, Clutter]], blocks: list[_Block],
                 reading: _Reading, given: bool) -> None:
    """The first line is the title; a guess whenever it might well not be: it is short, clutter
    came before it, or a later line repeats another candidate (then that one is offered)."""
    def norm(b: _Block) -> str:
        return " ".join(b.joined().lower().split())

    key = " ".join(title.lower().split())
    copy = next((b for b in blocks if len(b.lines) == 1 and norm(b) == key), None)
    head = [b for b in blocks[:3] if len(b.lines) == 1 and len(b.texts[0]) <= HEADING_MAX and not b.is_break]
    repeated = [b for b in head
                if any(len(x.lines) == 1 and norm(x) == norm(b) for x in blocks[blocks.index(b) + 1:])]
    if copy is not None:  # the page printed its title twice: the copy goes
        blocks.remove(copy)
        reading.guesses.append(Guess(copy.line, "drop", ("paragraph", "heading"),
                                     "the title again, dropped from the text",
                                     f"structure: {{{copy.line}: paragraph}} to keep it",
                                     settled=copy.line in reading.hints))
    reasons = []
    if any(no < line for no, _ in found):
        reasons.append("site clutter came before it")
    if len(title.split()) <= 3:
        reasons.append("a short first line")
    if repeated:
        reasons.append(f"line {repeated[0].line} is repeated further down, as a title often is")
    if not reasons:
        return
    other = repeated[0].line if repeated else (head[0].line if head and blocks and blocks[0] is head[0] else 0)
    settle = f"structure: {{{line}: drop}} (not the article)"
    if other:
        settle += f", structure: {{{other}: title}}"
    settle += ", or title: in the sidecar"
    reading.guesses.append(Guess(line, "title", ("drop",), "; ".join(reasons), settle,
                                 settled=given or line in reading.hints))


def _like_later_headings(first: _Block, blocks: list[_Block]) -> bool:
    """The line after the title reads as the first of the article's section headings: two or more
    later one-line blocks have its shape (short, without final punctuation), each followed by text,
    and it is no longer than they are."""
    heads = [b for b, nxt in zip(blocks[1:], blocks[2:], strict=False)
             if len(b.lines) == 1 and not b.is_break and heading_shape(b.texts[0]) == "unpunctuated"
             and len(nxt.joined()) > PARAGRAPH // 2]
    if len(heads) < 2:
        return False
    return len(first.joined().split()) <= max(len(b.joined().split()) for b in heads) + 1


@register(".txt")
def read_plaintext(src: SourceText) -> Document:
    m = src.meta.meta
    reading = _Reading(line_hints(src.meta, src.text.count("\n") + 1), m.subtitle is not None, path=src.path)
    blocks = _blocks(src.text, reading)
    if not blocks:
        raise InputError(
            "the article is empty (no text after removing blank lines)",
            location=Location(src.path),
            hint="put the title on the first line and the text below it",
        )
    blocks = [b for b in blocks if reading.hint(b) != "drop"]  # the editor: not part of the article
    given_date = _hinted_date(blocks, reading, src)
    blocks = _hinted_title(blocks, reading)
    if not blocks:
        raise InputError(
            "every line of the article is dropped by `structure:` hints (drop, date)",
            location=Location(src.meta.path or src.path),
            hint="keep the title's line: remove its `drop` hint",
        )
    found, rest = _clutter(blocks, reading)
    if rest:  # (a text that is all clutter is read as it is)
        blocks = rest
    else:
        found = []
    first = blocks.pop(0)
    title, title_line = first.texts[0], first.line
    if len(first.lines) > 1:
        blocks.insert(0, _Block(first.lines[1:]))
    _title_guess(title, title_line, found, blocks, reading, bool(m.title))
    notes = _take_notes(blocks, reading)
    subtitle, subtitle_line = _subtitle(blocks, reading, None if m.no_subtitle else m.subtitle)
    tail = _tail(blocks)
    out = _classify(_merge_loose_lists(blocks, reading), reading) + tail

    offered_author = next((b.author for _, b in reading.bylines if b.author), "") or next(
        (c.author for _, c in found if c.author), "")
    offered_date = given_date or next((b.date for _, b in reading.bylines if b.date), "") or next(
        (c.date for _, c in found if c.date), "")
    _clutter_guesses(found, reading, bool(m.author_list), bool(m.date or given_date))
    for no, b in reading.bylines:
        reading.guesses.append(Guess(
            no, "byline", ("drop", "paragraph"), f"a CMS byline{' by ' + b.author if b.author else ''}"
            f"{' on ' + b.date if b.date else ''}, dropped from the text and offered as metadata",
            f"authors: and date: in the sidecar, structure: {{{no}: drop}} (not the author), or "
            f"structure: {{{no}: paragraph}} to keep it in the text", settled=bool(m.author_list) and bool(m.date),
        ))
    date = next((parse_dateline(plain_text(d.content)) for d in tail if isinstance(d, Dateline)), "")
    passages = language_passages(src.meta)
    if passages:
        doc = map_passages(Document(Meta("", ""), tuple(out), tuple(notes)),
                           lambda kind, spans, line: mark_passages(spans, passages))
        out, notes = list(doc.blocks), list(doc.notes)
    meta = to_meta(
        src.meta, src, title=plain_text(tidy_inlines((Text(title),))), subtitle=subtitle,
        date=date or offered_date or "", title_line=title_line, subtitle_line=subtitle_line,
    )
    if not meta.authors and offered_author:
        meta = replace(meta, authors=(Author(offered_author),))
    if subtitle or not meta.subtitle:  # the subtitle is a line of the text (guessed, or named by the sidecar)
        meta = replace(meta, subtitle_line=subtitle_line)
    guesses = tuple(sorted(reading.guesses, key=lambda g: g.line))
    return Document(meta, tuple(out), tuple(notes), guesses)
