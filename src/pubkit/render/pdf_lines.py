"""Justified paragraphs set whole (total-fit), within book limits, inside WeasyPrint's one layout.

WeasyPrint breaks lines greedily, one at a time, and implements neither ``hyphenate-limit-lines``
nor ``hyphenate-limit-last``; left alone it sets loose lines (rivers) and runs of hyphens. So the
PDF writer sets every justified paragraph the way TeX does, during WeasyPrint's own layout, with
no second rendering:

1. The first time WeasyPrint lays out a justified paragraph's line box, :func:`_measure` shapes
   each of its text boxes with WeasyPrint's own text layout (Pango and HarfBuzz, with the box's
   computed font, size, letter- and word-spacing: the advances WeasyPrint will draw) and finds the
   break candidates: the spaces, and pyphen's hyphenation points of the box's language within
   ``hyphenate-limit-chars`` (only where the box has ``hyphens: auto``: never in headings, titles
   or elided words). :func:`pubkit.render.justify.choose` picks the breaks for the whole
   paragraph (at most ``MAX_RUN`` hyphenated lines in a row).
2. Each hyphenation point gets a soft hyphen in the box's text, and each line is then laid out
   by WeasyPrint itself, given exactly the width of the chosen line (plus ``EPS``): its greedy
   breaker can only end the line where the total fit chose (a line ending at a text box's
   trailing space is given that space too: WeasyPrint counts it while fitting). The line is
   then justified over the real width: where its word spaces would stretch, its characters are
   first spaced out by up to ``TRACK`` em (in proportion to the stretch the line needs, so most
   lines get far less), and WeasyPrint's ``text-align: justify`` spreads the rest over the
   spaces; a line the total fit narrowed (within ``justify.SHRINK``) has its spaces narrowed.
   The total fit counts both kinds of stretch when it compares settings.
3. A page whose last line ends in a hyphen is laid out again at once (only that page), with
   that break forbidden and the paragraph's lines on earlier pages kept.

A paragraph that cannot be measured this way (an inline image or block, a forced line break, a
word wider than the line) is left to WeasyPrint; where WeasyPrint still ends a line elsewhere
than chosen, the rest of the paragraph is set again from that break. The hooks act only inside
:func:`total_fit` (the PDF editions); proofs and the EPUB's font measurement are untouched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import justify

MAX_RUN = 2  # hyphenated lines in a row
TRACK = 0.05  # em a character may be spaced out, at most, where word spaces alone would be loose
EPS = 0.5  # px of slack given to WeasyPrint over a chosen line's measured width
PAGE_RETRIES = 3
SOFT_HYPHEN = "\u00ad"
_WORD = re.compile(r"[^\W\d_]+")
_SPACES = (" ", "\u00a0")  # what WeasyPrint stretches when it justifies

_active = False


@dataclass
class _Paragraph:
    width: float  # every line's width but the first
    first_width: float
    breaks: list[justify.Break]
    track: float  # px a character may be spaced out at ratio 1
    starts: dict[int, int] = field(default_factory=dict)  # line start offset -> line number
    chosen: list[int] = field(default_factory=list)  # indices into breaks where lines end

    def solve(self, keep: int = 0) -> bool:
        """Choose the breaks after the first ``keep`` lines (those stay as they are)."""
        if keep:
            start = self.chosen[keep - 1]
            run = 0
            for index in reversed(self.chosen[:keep]):
                if not self.breaks[index].hyphen:
                    break
                run += 1
            tail = justify.choose(self.breaks[start:], (self.width, self.width), max_run=MAX_RUN,
                                  start_run=run, track=self.track)
            if tail is None:
                return False
            self.chosen = self.chosen[:keep] + [start + i for i in tail]
        else:
            found = justify.choose(self.breaks, (self.first_width, self.width), max_run=MAX_RUN,
                                   track=self.track)
            if found is None:
                return False
            self.chosen = found
        starts = [0] + self.chosen[:-1]
        self.starts = {self.breaks[i].offset: n for n, i in enumerate(starts)}
        return True

    def resync(self, offset: int) -> int | None:
        """WeasyPrint ended the previous line elsewhere (at ``offset``): set the rest from there."""
        index = next((i for i, b in enumerate(self.breaks) if b.offset == offset and not b.hyphen), None)
        if index is None or index == len(self.breaks) - 1:
            return None
        kept = [c for c in self.chosen if c < index] + [index]
        tail = justify.choose(self.breaks[index:], (self.width, self.width), max_run=MAX_RUN,
                              track=self.track)
        if tail is None:
            return None
        self.chosen = kept + [index + i for i in tail]
        starts = [0] + self.chosen[:-1]
        self.starts = {self.breaks[i].offset: n for n, i in enumerate(starts)}
        return self.starts.get(offset)

    def line_width(self, line: int) -> float:
        start = self.breaks[self.chosen[line - 1]] if line else self.breaks[0]
        end = self.breaks[self.chosen[line]]
        return end.x_end - start.x_next + end.hyphen

    def room(self, line: int) -> float:
        """The width WeasyPrint is given for the line: its own, and the space it ends at (while it
        fits a line, WeasyPrint counts a text box's trailing space), plus ``EPS``."""
        end = self.breaks[self.chosen[line]]
        return self.line_width(line) + (end.x_next - end.x_end) + EPS

    def ratio(self, line: int) -> float:
        start = self.breaks[self.chosen[line - 1]] if line else self.breaks[0]
        return justify.line_ratio(start, self.breaks[self.chosen[line]],
                                  self.width if line else self.first_width, self.track)

    def hyphenated(self, line: int) -> bool:
        return line < len(self.chosen) - 1 and bool(self.breaks[self.chosen[line]].hyphen)


def _text_boxes(box: Any) -> Iterator[Any] | None:
    """The line box's text boxes in order, or None if it holds anything else."""
    from weasyprint.formatting_structure import boxes

    out = []
    for child in box.descendants():
        if child is box:
            continue
        if isinstance(child, boxes.TextBox):
            if "\n" in child.text or child.style["white_space"] != "normal":
                return None
            out.append(child)
        elif isinstance(child, boxes.InlineBox):
            for side in ("left", "right"):
                for part in (f"margin_{side}", f"padding_{side}", f"border_{side}_width"):
                    value = child.style[part]
                    if getattr(value, "value", value):
                        return None
        else:
            return None
    return iter(out)


def _dictionary(context: Any, style: Any) -> Any:
    import pyphen

    lang = style["lang"] and pyphen.language_fallback(style["lang"])
    if not lang:
        return None
    total, left, right = style["hyphenate_limit_chars"]
    key = ("pubkit", lang, left, right)
    if key not in context.dictionaries:
        context.dictionaries[key] = pyphen.Pyphen(lang=lang, left=left, right=right)
    return context.dictionaries[key], total


def _soft_hyphens(context: Any, text: str, style: Any) -> str:
    """``text`` with a soft hyphen at each of pyphen's points (the box allowing them)."""
    if style["hyphens"] != "auto" or SOFT_HYPHEN in text:
        return text
    found = _dictionary(context, style)
    if found is None:
        return text
    dictionary, total = found
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        if len(word) < total:
            continue
        for point in dictionary.positions(word):
            out.append(text[pos:m.start() + point])
            pos = m.start() + point
            out.append(SOFT_HYPHEN)
    out.append(text[pos:])
    return "".join(out)


def _declare_iter() -> None:
    """Pango's layout iterator (WeasyPrint declares only the functions it calls)."""
    from weasyprint.text.ffi import ffi, pango

    if not hasattr(pango, "pango_layout_iter_get_char_extents"):
        ffi.cdef("""
            PangoLayoutIter * pango_layout_get_iter (PangoLayout *layout);
            void pango_layout_iter_free (PangoLayoutIter *iter);
            int pango_layout_iter_next_char (PangoLayoutIter *iter);
            int pango_layout_iter_get_index (PangoLayoutIter *iter);
            void pango_layout_iter_get_char_extents (PangoLayoutIter *iter, PangoRectangle *logical_rect);
        """)


def _char_positions(layout: Any) -> dict[int, float]:
    """Byte index -> x of every character of a one-line layout, in one walk."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    rect = ffi.new("PangoRectangle *")
    it = pango.pango_layout_get_iter(layout.layout)
    out: dict[int, float] = {}
    try:
        while True:
            pango.pango_layout_iter_get_char_extents(it, rect)
            out.setdefault(pango.pango_layout_iter_get_index(it), rect.x * FROM_UNITS)
            if not pango.pango_layout_iter_next_char(it):
                break
    finally:
        pango.pango_layout_iter_free(it)
    return out


def _measure(context: Any, linebox: Any, width: float, first_width: float) -> _Paragraph | None:
    from weasyprint.text.line_break import create_layout, line_size

    _declare_iter()

    texts = _text_boxes(linebox)
    if texts is None:
        return None
    breaks: list[justify.Break] = []
    x = 0.0
    offset = 0
    spaces = 0
    space_width = 0.0
    letters = 0
    started = False
    hyphen_widths: dict[int, float] = {}
    pending: list[tuple[int, float, float, int, float, int]] = []  # a break waiting for content after it
    widest = 0.0
    word_start = 0.0
    for box in texts:
        box.text = _soft_hyphens(context, box.text, box.style)
        text = box.text
        style = box.style
        if not text:
            continue
        layout = create_layout(text, style, context, None, 0)
        encoded = text.encode()

        first_line, _ = layout.get_first_line()
        total = line_size(first_line, style)[0]
        positions = _char_positions(layout)

        def at(byte: int, positions: dict[int, float] = positions, total: float = total) -> float:
            return positions.get(byte, total)
        byte = 0
        for ch in text:
            size = len(ch.encode())
            if ch in _SPACES or ch == SOFT_HYPHEN:
                pos = x + at(byte)
                if ch == SOFT_HYPHEN:
                    if started:
                        key = id(style)
                        if key not in hyphen_widths:
                            hyphen = create_layout(style["hyphenate_character"], style, context, None, 0)
                            hyphen_widths[key] = line_size(hyphen.get_first_line()[0], style)[0]
                        breaks.append(justify.Break(offset + byte + size, pos, pos, spaces, space_width,
                                                    spaces, space_width, hyphen=hyphen_widths[key],
                                                    letters=letters, letters_next=letters))
                        widest = max(widest, pos - word_start + hyphen_widths[key])
                        word_start = pos
                elif started:
                    after = x + (at(byte + size) if byte + size < len(encoded) else total)
                    widest = max(widest, pos - word_start)
                    word_start = after
                    if ch == " ":
                        pending.append((offset + byte + size, pos, after, spaces, space_width, letters))
                    spaces += 1
                    space_width += after - pos
                    letters += 1
            else:
                if not started:
                    started = True
                    breaks.append(justify.Break(offset + byte, 0.0, x + at(byte), 0, 0.0, 0, 0.0))
                    word_start = x + at(byte)
                for start, end, nxt, count, sw, before in pending:
                    breaks.append(justify.Break(start, end, nxt, count, sw, spaces, space_width,
                                                letters=before, letters_next=letters))
                pending = []
                letters += 1
            byte += size
        x += total
        offset += len(encoded)
    if not started:
        return None
    # the paragraph's end: its trailing spaces (collapsed away at the line's end) do not count
    if pending:
        end, end_spaces, end_width, end_letters = pending[0][1], pending[0][3], pending[0][4], pending[0][5]
    else:
        end, end_spaces, end_width, end_letters = x, spaces, space_width, letters
    widest = max(widest, end - word_start)
    if widest > width:
        return None
    breaks.append(justify.Break(offset, end, end, end_spaces, end_width, end_spaces, end_width,
                                letters=end_letters, letters_next=end_letters))
    paragraph = _Paragraph(width, first_width, breaks, TRACK * linebox.style["font_size"])
    return paragraph if paragraph.solve() else None


def _offset(box: Any, skip_stack: dict[int, Any] | None) -> int:
    """The byte offset, over the line box's text boxes, where ``skip_stack`` resumes."""
    from weasyprint.formatting_structure import boxes

    if skip_stack is None:
        return 0
    (index, rest), = skip_stack.items()
    if isinstance(box, boxes.TextBox):
        return index or 0
    before = sum(len(b.text.encode()) for child in box.children[:index] for b in _all_text(child))
    return before + _offset(box.children[index], rest)


def _all_text(box: Any) -> Iterator[Any]:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _all_text(child)


def _split_line(original: Any) -> Any:
    from weasyprint.formatting_structure import boxes

    def split_inline_box(context, box, position_x, max_x, bottom_space, skip_stack, *args):
        if not _active or not isinstance(box, boxes.LineBox) or box.style["text_align_all"] != "justify":
            return original(context, box, position_x, max_x, bottom_space, skip_stack, *args)
        width = max_x - position_x + box.text_indent  # text_indent: 0 after the first line
        paragraph = getattr(box, "pubkit_paragraph", None)
        if paragraph is None or (paragraph and abs(paragraph.width - width) > 0.01):
            paragraph = _measure(context, box, width, max_x - position_x) or False
            box.pubkit_paragraph = paragraph
        if not isinstance(paragraph, _Paragraph):
            return original(context, box, position_x, max_x, bottom_space, skip_stack, *args)
        start = _offset(box, skip_stack)
        if skip_stack is None:
            start = paragraph.breaks[0].offset
        line = paragraph.starts.get(start)
        if line is None:
            line = paragraph.resync(start)
        if line is None:  # WeasyPrint left the chosen lines: let it go on greedily
            return original(context, box, position_x, max_x, bottom_space, skip_stack, *args)
        chosen_x = position_x + paragraph.room(line)
        if line == len(paragraph.chosen) - 1:
            chosen_x = max(chosen_x, max_x)  # the last line: all the room there is
        result = original(context, box, position_x, chosen_x, bottom_space, skip_stack, *args)
        if result[0] is not None:
            result[0].pubkit_line = (paragraph, line)
        return result

    split_inline_box.pubkit = True  # type: ignore[attr-defined]
    return split_inline_box


def _text_align(original: Any) -> Any:
    from weasyprint.layout import inline

    def text_align(context, line, available_width, last):
        mark = getattr(line, "pubkit_line", None)
        if not _active or last or mark is None:
            return original(context, line, available_width, last)
        paragraph, number = mark
        ratio = paragraph.ratio(number)
        if ratio > 0 and paragraph.track:
            _track(context, line, paragraph.track * min(ratio, 1.0), 0.0)
        if line.width > available_width:
            inline.justify_line(context, line, available_width - line.width)  # narrower spaces
            return 0
        return original(context, line, available_width, last)

    text_align.pubkit = True  # type: ignore[attr-defined]
    return text_align


class _Tracked(dict[str, Any]):
    """A text box's computed style with letter-spacing widened by ``track`` px."""

    def __init__(self, base: Any, track: float) -> None:
        super().__init__()
        self._base, self._track = base, track

    def __missing__(self, key: str) -> Any:
        if key == "letter_spacing":
            spacing = self._base["letter_spacing"]
            value = (0 if spacing == "normal" else spacing) + self._track
        else:
            value = self._base[key]
        self[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._base, name)


def _track(context: Any, box: Any, track: float, x_advance: float) -> float:
    """Space out every character of ``box`` by ``track`` px, moving what follows; the advance."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout, line_size

    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        if not box.text:
            return x_advance
        box.text = box.text.replace(SOFT_HYPHEN, "")  # spaced out, it would leave a gap
        box.style = _Tracked(box.style, track)
        layout = create_layout(box.text, box.style, context, None, box.justification_spacing)
        width = line_size(layout.get_first_line()[0], box.style)[0]
        layout.deactivate()
        x_advance += width - box.width
        box.width, box.pango_layout = width, layout
        return x_advance
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _track(context, child, track, x_advance)
        box.width += x_advance - before
        return x_advance
    box.position_x += x_advance
    return x_advance


def _last_line(page: Any) -> Any:
    from weasyprint.formatting_structure import boxes

    last = None
    for box in page.descendants():
        if isinstance(box, boxes.LineBox) and box.children:
            last = box
    return last


def _remake_page(original: Any) -> Any:
    def remake_page(index, context, root_box, html):
        page, resume_at = original(index, context, root_box, html)
        if not _active:
            return page, resume_at
        for _ in range(PAGE_RETRIES):
            line = _last_line(page)
            mark = getattr(line, "pubkit_line", None)
            if mark is None or not mark[0].hyphenated(mark[1]) or resume_at is None:
                break
            paragraph, number = mark
            end = paragraph.chosen[number]
            paragraph.breaks[end] = dataclasses.replace(paragraph.breaks[end], forbidden=True)
            first = min((m[1] for box in page.descendants()
                         if (m := getattr(box, "pubkit_line", None)) and m[0] is paragraph), default=0)
            if not paragraph.solve(keep=first):
                break
            page, resume_at = original(index, context, root_box, html)
        return page, resume_at

    remake_page.pubkit = True  # type: ignore[attr-defined]
    return remake_page


def _install() -> None:
    from weasyprint.layout import inline, page

    if not getattr(inline.split_inline_box, "pubkit", False):
        inline.split_inline_box = _split_line(inline.split_inline_box)
    if not getattr(inline.text_align, "pubkit", False):
        inline.text_align = _text_align(inline.text_align)
    if not getattr(page.remake_page, "pubkit", False):
        page.remake_page = _remake_page(page.remake_page)


@contextlib.contextmanager
def total_fit() -> Iterator[None]:
    """Within this block, WeasyPrint sets justified paragraphs as described above."""
    global _active
    _install()
    previous, _active = _active, True
    try:
        yield
    finally:
        _active = previous
