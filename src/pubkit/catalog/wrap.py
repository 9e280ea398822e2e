"""GNU gettext's way of quoting and wrapping PO strings, so that `msgcat` changes nothing.

Why: reviewers diff PO files and run gettext tools on them; if pubkit wrapped lines
differently from ``msgcat``/``msgmerge`` (polib does), every tool run would rewrite every
paragraph. This follows gettext's ``write-po.c``: escape, find line-break opportunities
with (a subset of) the Unicode line-breaking algorithm UAX #14, then fill lines greedily
up to 79 columns including the quotes.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata

PAGE_WIDTH = 79

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\a": "\\a", "\b": "\\b", "\f": "\\f",
            "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}

# Line-breaking classes of the characters prose actually contains (UAX #14).
_CLASS = {
    " ": "SP", "\u200b": "ZW", "\u2028": "BK", "\u2029": "BK", "\u0085": "BK", "\u2060": "WJ", "\ufeff": "WJ",
    "\u00a0": "GL", "\u202f": "GL", "\u2007": "GL",
    "-": "HY", "\u2010": "BA", "\u2013": "BA", "\u00ad": "BA", "\t": "BA", "|": "BA",
    "\u2014": "B2",
    "(": "OP", "[": "OP", "{": "OP", "\u00a1": "OP", "\u00bf": "OP",
    ")": "CP", "]": "CP", "}": "CL",
    "!": "EX", "?": "EX",
    ",": "IS", ".": "IS", ":": "IS", ";": "IS",
    "/": "SY",
    '"': "QU", "'": "QU", "\u00ab": "QU", "\u00bb": "QU", "\u2018": "QU", "\u2019": "QU",
    "\u201c": "QU", "\u201d": "QU", "\u201e": "OP", "\u201a": "OP", "\u2039": "QU", "\u203a": "QU",
    "\u2026": "IN", "\u2024": "IN", "\u2025": "IN",
    "$": "PR", "+": "PR", "\\": "PR", "\u20ac": "PR", "\u00a3": "PR", "\u00a5": "PR", "#": "AL",
    "%": "PO", "\u00b0": "PO", "\u2030": "PO", "\u2032": "PO", "\u2033": "PO",
    "\u00a2": "PO",
    # CJK punctuation: never at the start of a line (closing, exclamation, non-starters) or at its end
    "\u3001": "CL", "\u3002": "CL", "\uff0c": "CL", "\uff0e": "CL", "\u300d": "CL", "\u300f": "CL",
    "\u3009": "CL", "\u300b": "CL", "\u3011": "CL", "\u3015": "CL", "\u3017": "CL", "\u3019": "CL",
    "\uff09": "CL", "\uff3d": "CL", "\uff5d": "CL", "\uff60": "CL", "\uff61": "CL", "\uff63": "CL",
    "\uff64": "CL",
    "\u300c": "OP", "\u300e": "OP", "\u3008": "OP", "\u300a": "OP", "\u3010": "OP", "\u3014": "OP",
    "\u3016": "OP", "\u3018": "OP", "\uff08": "OP", "\uff3b": "OP", "\uff5b": "OP", "\uff5f": "OP",
    "\uff62": "OP",
    "\uff01": "EX", "\uff1f": "EX",
    "\uff1a": "NS", "\uff1b": "NS", "\u30fb": "NS", "\u30fc": "NS", "\u3005": "NS", "\u309d": "NS",
    "\u309e": "NS", "\u30fd": "NS", "\u30fe": "NS",
}


def _cls(ch: str) -> str:
    c = _CLASS.get(ch)
    if c:
        return c
    if ch.isdigit() and unicodedata.decimal(ch, None) is not None:
        return "NU"
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me"):
        return "CM"
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return "ID"
    return "AL"


def width(ch: str) -> int:
    """Columns a character takes in a terminal (as gettext's uc_width counts them)."""
    if unicodedata.category(ch) in ("Mn", "Me", "Cf") and ch not in "\u00ad":
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


@functools.cache
def _cls_of(ch: str) -> str:
    return _cls(ch)


@functools.cache
def _width_of(ch: str) -> int:
    return width(ch)


def _base_cls(chars: str, j: int) -> str:
    """The class of character ``j``, a combining mark taking its base's (LB9; after a space or
    at the start, LB10: alphabetic), as gettext's line breaker sees it."""
    c = _cls_of(chars[j])
    if c != "CM":
        return c
    while j > 0 and _cls_of(chars[j - 1]) == "CM":
        j -= 1
    base = _cls_of(chars[j - 1]) if j > 0 else "SP"
    return "AL" if base in ("SP", "ZW", "BK") else base


def _allowed_at(chars: str, i: int) -> bool:
    """May a line break go before character ``i`` (i > 0)? (UAX #14 subset)"""
    b = _cls_of(chars[i])
    a = _base_cls(chars, i - 1)
    if a == "BK" or b == "BK":  # a hard break inside a string: gettext breaks no line there
        return False
    # class of the last non-space before i (for the "X SP* ×" rules)
    j = i - 1
    while j > 0 and _cls_of(chars[j]) == "SP":
        j -= 1
    before_sp = _base_cls(chars, j)
    if b in ("SP", "ZW") or (b == "CM" and _cls_of(chars[i - 1]) != "SP"):  # LB7, LB9, LB10
        return False
    if a == "ZW":  # LB8
        return True
    if a in ("WJ", "GL") or b == "WJ":  # LB11, LB12
        return False
    if b == "GL" and a not in ("SP", "BA", "HY"):  # LB12a
        return False
    if b in ("CL", "CP", "EX", "IS", "SY"):  # LB13
        return False
    if before_sp == "OP":  # LB14
        return False
    if before_sp == "QU" and b == "OP":  # LB15
        return False
    if before_sp == "B2" and b == "B2":  # LB17
        return False
    if a == "SP":  # LB18
        return True
    if a == "QU" or b == "QU":  # LB19
        return False
    if b in ("BA", "HY", "IN", "NS"):  # LB21, LB22
        return False
    if a in ("AL", "NU") and b in ("AL", "NU"):  # LB23, LB28
        return False
    if a in ("PR", "PO") and b in ("AL", "NU", "OP"):  # LB24, LB25
        return False
    if a in ("AL", "CL", "CP", "NU") and b in ("PR", "PO"):  # LB24, LB25
        return False
    if a in ("HY", "IS", "SY") and b == "NU":  # LB25
        return False
    if a in ("AL", "NU") and b == "OP":  # LB30
        return False
    if a == "CP" and b in ("AL", "NU"):  # LB30
        return False
    return True  # LB31


_TABLE = str.maketrans(_ESCAPES)
_HARD = ("\u2028", "\u2029", "\u0085")
_C_DIRECTIVE = re.compile(r"%(?:\d+\$)?[-+ #0']*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn%]")
_ESCAPE_PAIR = re.compile(r"\\.", re.S)


def escape(value: str) -> str:
    return value.translate(_TABLE)


class _Segment:
    """One escaped segment, its columns and its break opportunities, found only where a line
    may end (lazily: a long paragraph is not classified character by character)."""

    def __init__(self, raw: str, c_format: bool = False) -> None:
        self.text = text = escape(raw)
        # the second character of an escape sequence never starts a line (as in gettext, breaks
        # are found in the *escaped* text and never fall inside an escape sequence), nor does the
        # segment's closing \n, nor the inside of a printf directive in a c-format entry
        self.inside = {m.start() + 1 for m in _ESCAPE_PAIR.finditer(text)} if "\\" in text else set()
        if text.endswith("\\n"):
            self.inside.add(len(text) - 2)
        if c_format and "%" in text:
            for m in _C_DIRECTIVE.finditer(text):
                self.inside.update(range(m.start() + 1, m.end()))
        self.hard = not text.isascii() and any(ch in text for ch in _HARD)
        self.cum: list[int] | None = None  # prefix sums of columns; None: one column each
        if not text.isascii() and any(_width_of(ch) != 1 for ch in set(text)):
            self.cum = list(itertools.accumulate(map(_width_of, text), initial=0))

    def columns(self, start: int = 0) -> int:
        n = len(self.text)
        return n - start if self.cum is None else self.cum[n] - self.cum[start]

    def _fits_to(self, start: int, avail: int) -> int:
        """The furthest end e such that text[start:e] takes at most ``avail`` columns."""
        if self.cum is None:
            return start + max(avail, 0)
        return bisect.bisect_right(self.cum, self.cum[start] + avail) - 1

    def _hard_break(self, start: int, end: int) -> int | None:
        """The first hard break in text[start:end], if any."""
        if not self.hard:
            return None
        found = [k for k in (self.text.find(ch, start, end) for ch in _HARD) if k >= 0]
        return min(found) if found else None

    def _breakable(self, i: int) -> bool:
        return i not in self.inside and _allowed_at(self.text, i)

    def lines(self, startcol: int, contcol: int, limit: int) -> list[str]:
        """Greedy fill: a line takes the pieces (text between break opportunities) that fit in
        ``limit`` columns, and at least one."""
        text, n = self.text, len(self.text)
        out: list[str] = []
        start, col = 0, startcol
        while True:
            # after a hard break (U+2028, U+2029, U+0085) gettext counts columns afresh, as at
            # the start of a line, but breaks no line there
            origin = start
            end = self._fits_to(origin, limit - col)
            hard = self._hard_break(origin, min(end, n))
            while hard is not None:
                origin, col = hard + 1, contcol
                end = self._fits_to(origin, limit - col)
                hard = self._hard_break(origin, min(end, n))
            if end >= n:
                out.append(text[start:])
                return out
            b = end
            while b > origin and not self._breakable(b):
                b -= 1
            if b == origin and origin == start:  # the first piece is longer than the line: it goes whole
                b = max(end, start) + 1
                while b < n and not self._breakable(b):
                    b += 1
                if b >= n:
                    out.append(text[start:])
                    return out
            out.append(text[start:b])
            start, col = b, contcol


def format_field(name: str, value: str, prefix: str = "", page_width: int = PAGE_WIDTH,
                 c_format: bool = False) -> list[str]:
    """The PO lines for ``name "value"`` (e.g. ``msgid``), as GNU gettext writes them; in a
    ``c-format`` entry no line breaks inside a printf directive (``% s``), as in gettext."""
    limit = page_width - 1  # the closing quote takes the last column
    head = f"{prefix}{name} "
    cut = value.find("\n")
    if cut < 0 or cut == len(value) - 1:  # one segment
        seg = _Segment(value, c_format)
        if len(head) + 1 + seg.columns() <= limit or len(seg.lines(len(head) + 1, len(prefix) + 1, limit)) == 1:
            return [f'{head}"{seg.text}"']
        segments = [seg]
    else:
        segments = _split_at_newlines(value, c_format)
    lines = [f'{head}""']
    for seg in segments:
        for line in seg.lines(len(prefix) + 1, len(prefix) + 1, limit):
            lines.append(f'{prefix}"{line}"')
    return lines


def _split_at_newlines(value: str, c_format: bool = False) -> list[_Segment]:
    """Segments ending after each ``\\n`` (the last one may have none)."""
    parts = value.split("\n")
    segs = [_Segment(p + "\n", c_format) for p in parts[:-1]]
    if parts[-1]:
        segs.append(_Segment(parts[-1], c_format))
    return segs
