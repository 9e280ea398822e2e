"""GNU gettext's way of quoting and wrapping PO strings, so that `msgcat` changes nothing.

Why: reviewers diff PO files and run gettext tools on them; if pubkit wrapped lines
differently from ``msgcat``/``msgmerge`` (polib does), every tool run would rewrite every
paragraph. This follows gettext's ``write-po.c``: escape, find line-break opportunities
with (a subset of) the Unicode line-breaking algorithm UAX #14, then fill lines greedily
up to 79 columns including the quotes.
"""

from __future__ import annotations

import unicodedata

PAGE_WIDTH = 79

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\a": "\\a", "\b": "\\b", "\f": "\\f",
            "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}

# Line-breaking classes of the characters prose actually contains (UAX #14).
_CLASS = {
    " ": "SP", "\u200b": "ZW", "\u2060": "WJ", "\ufeff": "WJ",
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


def _break_before(chars: list[str], classes: list[str]) -> list[bool]:
    """For each position i > 0: may a line break go before character i? (UAX #14 subset)"""
    n = len(chars)
    allowed = [False] * n
    for i in range(1, n):
        a, b = classes[i - 1], classes[i]
        # class of the last non-space before i (for the "X SP* ×" rules)
        j = i - 1
        while j > 0 and classes[j] == "SP":
            j -= 1
        before_sp = classes[j]
        if b in ("SP", "ZW") or (b == "CM" and a != "SP"):  # LB7, LB9, LB10
            continue
        if a == "ZW":  # LB8
            allowed[i] = True
            continue
        if a in ("WJ", "GL") or b == "WJ":  # LB11, LB12
            continue
        if b == "GL" and a not in ("SP", "BA", "HY"):  # LB12a
            continue
        if b in ("CL", "CP", "EX", "IS", "SY"):  # LB13
            continue
        if before_sp == "OP":  # LB14
            continue
        if before_sp == "QU" and b == "OP":  # LB15
            continue
        if before_sp == "B2" and b == "B2":  # LB17
            continue
        if a == "SP":  # LB18
            allowed[i] = True
            continue
        if a == "QU" or b == "QU":  # LB19
            continue
        if b in ("BA", "HY", "IN"):  # LB21, LB22
            continue
        if a in ("AL", "NU") and b in ("AL", "NU"):  # LB23, LB28
            continue
        if a in ("PR", "PO") and b in ("AL", "NU", "OP"):  # LB24, LB25
            continue
        if a in ("AL", "CL", "CP", "NU") and b in ("PR", "PO"):  # LB24, LB25
            continue
        if a in ("HY", "IS", "SY") and b == "NU":  # LB25
            continue
        if a in ("AL", "NU") and b == "OP":  # LB30
            continue
        if a == "CP" and b in ("AL", "NU"):  # LB30
            continue
        allowed[i] = True  # LB31
    return allowed


def escape(value: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in value)


def _pieces(segment: str) -> list[str]:
    """Split one segment into unbreakable pieces, escaped.

    As in gettext, break opportunities are found in the *escaped* text (``\\"`` is a
    backslash then a quote) and never fall inside an escape sequence.
    """
    chars: list[str] = []
    inside: list[bool] = []  # True: the second character of an escape sequence
    for ch in segment:
        esc = _ESCAPES.get(ch)
        if esc:
            chars += [esc[0], esc[1]]
            inside += [False, True]
        else:
            chars.append(ch)
            inside.append(False)
    if not chars:
        return []
    allowed = _break_before(chars, [_cls(c) for c in chars])
    pieces, cur = [], ""
    for i, ch in enumerate(chars):
        if i and allowed[i] and not inside[i]:
            pieces.append(cur)
            cur = ""
        cur += ch
    pieces.append(cur)
    return pieces


def _fill(pieces: list[str], startcol: int, contcol: int, limit: int) -> list[str]:
    """Greedy fill: a new line starts before a piece that would pass ``limit`` columns."""
    lines, cur, col = [], "", startcol
    for piece in pieces:
        w = sum(width(c) for c in piece)
        if cur and col + w > limit:
            lines.append(cur)
            cur, col = "", contcol
        cur += piece
        col += w
    lines.append(cur)
    return lines


def format_field(name: str, value: str, prefix: str = "", page_width: int = PAGE_WIDTH) -> list[str]:
    """The PO lines for ``name "value"`` (e.g. ``msgid``), as GNU gettext writes them."""
    segments, start = [], 0
    for i, ch in enumerate(value):
        if ch == "\n":
            segments.append(value[start:i + 1])
            start = i + 1
    if start < len(value) or not segments:
        segments.append(value[start:])
    limit = page_width - 1  # the closing quote takes the last column
    head = f"{prefix}{name} "
    if len(segments) == 1:
        first = _fill(_pieces(segments[0]), len(head) + 1, len(prefix) + 1, limit)
        if len(first) == 1:
            return [f'{head}"{first[0]}"']
    lines = [f'{head}""']
    for seg in segments:
        for line in _fill(_pieces(seg), len(prefix) + 1, len(prefix) + 1, limit):
            lines.append(f'{prefix}"{line}"')
    return lines
