"""The wrapping of pubkit 0.1 (every break opportunity computed, then a greedy fill piece by
piece), kept as the reference that :mod:`pubkit.catalog.wrap`'s lazy, faster fill must equal on
any text. The break rules themselves are pubkit's (``_allowed_at``), asked at every position."""

from __future__ import annotations

from pubkit.catalog.wrap import _ESCAPES, _HARD, PAGE_WIDTH, _allowed_at, _cls, width


def _break_before(chars: list[str], classes: list[str]) -> list[bool]:
    """For each position i > 0: may a line break go before character i? (pubkit's rules, asked
    at every position)"""
    text = "".join(chars)
    return [False] + [_allowed_at(text, i) for i in range(1, len(chars))]


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
    if segment.endswith("\n"):  # the segment's closing \n never starts a line
        inside[-2] = True
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
    """Greedy fill: a new line starts before a piece that would pass ``limit`` columns; after a
    hard break (U+2028 …) columns are counted afresh from the line's start."""
    lines, cur, col = [], "", startcol
    for piece in pieces:
        hard = [k for k, ch in enumerate(piece) if ch in _HARD]
        head = piece[:hard[0] + 1] if hard else piece
        if cur and col + sum(width(c) for c in head) > limit:
            lines.append(cur)
            cur, col = "", contcol
        cur += piece
        if hard:
            col = contcol + sum(width(c) for c in piece[hard[-1] + 1:])
        else:
            col += sum(width(c) for c in piece)
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
