"""The editor's word on structure: ``structure:`` hints by source line, and ``languages:``
(passages in another language, for plain text that has no markup for them).

``structure:`` maps a source line (``12``) or a range of lines (``"20-24"``) to what the
block there is: ``heading``, ``paragraph``, ``list``, ``quote``, ``subtitle`` or
``attribution``. A reader consults :func:`hint_for` before guessing, and records each
guess it makes with the key that settles it (:class:`~pubkit.model.Guess`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..errors import InputError, Location
from ..model import CONTAINER_INLINES, Inline, Span, Text

STRUCTURE_KINDS = ("heading", "paragraph", "list", "quote", "subtitle", "attribution")
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def structure_hints(raw: object, path: Path) -> dict[int, str]:
    """``structure:`` as {line: kind}, every line of a range included; errors name the file."""
    if raw in (None, {}):
        return {}
    if not isinstance(raw, dict):
        raise InputError(
            "`structure:` must map source lines to block kinds",
            location=Location(path),
            hint="write e.g.\nstructure:\n  12: heading\n  20-24: list",
        )
    hints: dict[int, str] = {}
    for key, kind in raw.items():
        m = _RANGE.match(str(key))
        if not m or (m.group(2) and int(m.group(2)) < int(m.group(1))):
            raise InputError(
                f"`structure:` key {key!r} is not a line number or a range like 20-24",
                location=Location(path),
                hint="use the line numbers `invoke outline` shows",
            )
        if kind not in STRUCTURE_KINDS:
            raise InputError(
                f"`structure:` says line {key} is {kind!r}, which is not a block kind",
                location=Location(path),
                hint="one of: " + ", ".join(STRUCTURE_KINDS),
            )
        first = int(m.group(1))
        last = int(m.group(2) or first)
        for line in range(first, last + 1):
            hints[line] = str(kind)
    return hints


def language_passages(raw: object, path: Path) -> dict[str, str]:
    """``languages: {kk: ["Шал, кет!"]}`` as {passage: language tag}."""
    if raw in (None, {}):
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise InputError(
            "`languages:` must map a language tag to a list of passages in that language",
            location=Location(path),
            hint='write e.g.\nlanguages:\n  kk: ["Шал, кет!"]',
        )
    out: dict[str, str] = {}
    for lang, passages in raw.items():
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", str(lang)):
            raise InputError(f"`languages:` key {lang!r} is not a language tag", location=Location(path),
                             hint="use a BCP 47 tag such as kk, ru or kk-Cyrl")
        for p in passages:
            if str(p).strip():
                out[str(p).strip()] = str(lang)
    return out


def mark_passages(spans: tuple[Inline, ...], passages: dict[str, str]) -> tuple[Inline, ...]:
    """Wrap each occurrence of a listed passage inside text spans in a :class:`Span`."""
    if not passages:
        return spans
    pattern = re.compile("|".join(re.escape(p) for p in sorted(passages, key=len, reverse=True)))
    out: list[Inline] = []
    for span in spans:
        if isinstance(span, Text):
            pos = 0
            for m in pattern.finditer(span.text):
                if m.start() > pos:
                    out.append(Text(span.text[pos:m.start()]))
                out.append(Span((Text(m.group(0)),), passages[m.group(0)]))
                pos = m.end()
            if pos < len(span.text):
                out.append(Text(span.text[pos:]))
        elif isinstance(span, CONTAINER_INLINES) and not isinstance(span, Span):
            out.append(replace(span, children=mark_passages(span.children, passages)))
        else:
            out.append(span)
    return tuple(out)
