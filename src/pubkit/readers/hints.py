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

from ..model import CONTAINER_INLINES, Inline, Span, Text
from .meta import MetaSource


def line_hints(ms: MetaSource) -> dict[int, str]:
    """``structure:`` as {source line: kind}, every line of a range included."""
    hints: dict[int, str] = {}
    for h in ms.meta.structure_hints():
        for line in range(h.first, h.last + 1):
            hints[line] = h.kind
    return hints


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
