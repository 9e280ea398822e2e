"""The editor's word on structure, as the readers apply it: ``structure:`` hints by source
line, and ``languages:`` (passages in another language, for plain text that has no markup
for them). The keys are validated by :mod:`.meta`; here they become what readers consult.

``structure:`` maps a source line (``12``) or a range (``20-24``) to what the block there is:
``heading``, ``paragraph``, ``list``, ``quote``, ``subtitle``, ``attribution``, ``drop``
(not part of the article), ``title`` (this line is the title; plain text: what is above it is not
part of the article) or ``date`` (this line is the article's date, not part of its text). A reader consults the hints before guessing, and records each
guess it makes with the key that settles it (:class:`~pubkit.model.Guess`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import InputError, Location
from ..model import CONTAINER_INLINES, Inline, Span, Text
from .meta import MetaSource


def line_hints(ms: MetaSource, last_line: int) -> dict[int, str]:
    """``structure:`` as {source line: kind}, every line of a range included (a later hint wins).

    A hint past ``last_line`` (the source's last line) is refused with the line it is written
    on: it names no text, and expanding ``1-9999999`` would take a gigabyte. The ranges are
    painted onto one list of the source's lines, so the work is bounded by the source's size."""
    kinds: list[str | None] = [None] * (last_line + 1)
    for h in ms.meta.structure_hints(ms.lines.lines):
        if h.last > last_line:
            shown = f"{h.first}-{h.last}" if h.last != h.first else str(h.first)
            raise InputError(
                f"`structure: {shown}` goes past the end of the article (line {last_line})",
                location=Location(ms.path or "", h.line),
                hint="structure names lines of the article as `invoke outline` shows them; "
                     "remove the hint or correct its lines",
            )
        kinds[h.first:h.last + 1] = [h.kind] * (h.last - h.first + 1)
    return {line: kind for line, kind in enumerate(kinds) if kind is not None}


def language_passages(ms: MetaSource) -> dict[str, str]:
    """``languages: {kk: ["Шал, кет!"]}`` as {passage: language code}."""
    return {p.strip(): lang for lang, passages in ms.meta.languages.items() for p in passages if p.strip()}


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
