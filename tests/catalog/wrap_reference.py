"""The wrapping of pubkit 0.1 (every break opportunity computed, then a greedy fill), kept as the
reference that :mod:`pubkit.catalog.wrap`'s lazy, faster fill must equal on any text."""

from __future__ import annotations

from pubkit.catalog.wrap import _ESCAPES, PAGE_WIDTH, _cls, width


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
