"""The structure of a document as read, for editors: one line per block (kind, source
line, first words), every reader's guess marked with the key that settles it.

``invoke outline`` prints it; the corpus tests compare it with golden files; ``invoke check``
turns unsettled guesses into warnings (:func:`guess_diagnostics`).
"""

from __future__ import annotations

from pathlib import Path

from .errors import Diagnostic, Location, Severity
from .model import (
    BlockQuote, Break, CodeBlock, Dateline, Document, Guess, Heading, Image, Inline, ListBlock, Paragraph,
    Signature, Table,
)
from .segment import encode

WORDS = 72  # characters of a passage shown
_UNDER = ("GUESS:", "settled:", "attribution:", "caption:")  # lines printed under a block's row


def _first_words(inlines: tuple[Inline, ...]) -> str:
    text = encode(inlines)[0]
    return text if len(text) <= WORDS else text[: WORDS - 1].rstrip() + "…"


def _cut(text: str) -> str:
    return text if len(text) <= WORDS else text[: WORDS - 1].rstrip() + "…"
def _address(src: str) -> str:
    """An image's address as shown: a ``data:`` image (from a Word file) by its type and size."""
    if src.startswith("data:"):
        kind = src[5:].split(";", 1)[0].split(",", 1)[0] or "data"
        return f"(embedded {kind}, {len(src.split(',', 1)[-1]) * 3 // 4} bytes)"
    return src


def _guess_line(g: Guess, indent: str) -> str:
    mark = "settled" if g.settled else "GUESS"
    return (f"{'':>5} {indent}  {mark}: {g.chosen}, or {' or '.join(g.alternatives)}? ({g.reason})"
            f"; settle with `{g.settle}`")


def outline(doc: Document) -> str:
    """The document's outline as text (stable: golden files compare it)."""
    m = doc.meta
    guesses: dict[int, list[Guess]] = {}
    for g in doc.guesses:
        guesses.setdefault(g.line, []).append(g)
    shown: set[int] = set()
    lines = [
        f"{m.title_line:>5} title: {m.title}",
        f"{m.subtitle_line:>5} subtitle: {m.subtitle or '(none)'}",
        f"{'':>5} meta: slug {m.slug}; lang {m.lang}; date {m.date or '-'}; "
        f"authors {'; '.join(a.display() for a in m.authors) or '-'}",
    ]
    if m.date_time or m.description or m.subjects:
        lines.append(f"{'':>5} meta: " + "; ".join(
            part for part in (m.date_time and f"date-time {m.date_time}",
                              m.subjects and f"subjects {', '.join(m.subjects)}",
                              m.description and f"description {_cut(m.description)}") if part))
    if m.ignored:
        lines.append(f"{'':>5} ignored (for a site, not the text): {', '.join(m.ignored)}")

    def note_guesses(line: int, indent: str, upto: int | None = None) -> None:
        for ln in sorted(guesses):
            if ln in shown or not (ln == line or (upto is not None and line <= ln <= upto)):
                continue
            shown.add(ln)
            lines.extend(_guess_line(g, indent) for g in guesses[ln])

    note_guesses(m.subtitle_line, "")

    starts: list[tuple[int, int]] = []  # (source line, index in lines) of each block row

    def row(line: int, indent: str, kind: str, text: str = "") -> None:
        lines.append(f"{line:>5} {indent}{kind}{': ' + text if text else ''}")
        starts.append((line, len(lines) - 1))
        note_guesses(line, indent)

    def block(b, indent: str = "") -> None:
        if isinstance(b, Heading):
            row(b.line, indent, f"heading{b.level}", _first_words(b.content))
        elif isinstance(b, Paragraph):
            row(b.line, indent, "paragraph", _first_words(b.content))
        elif isinstance(b, ListBlock):
            kind = f"list {b.style}{b.delim} from {b.start}" if b.ordered else "list"
            row(b.line, indent, kind)
            for item in b.items:
                row(item.line, indent + "  ", "item", _first_words(item.content))
                for x in item.blocks:
                    block(x, indent + "    ")
        elif isinstance(b, BlockQuote):
            row(b.line, indent, "quote")
            for x in b.blocks:
                block(x, indent + "  ")
            if b.attribution:
                lines.append(f"{'':>5} {indent}  attribution: {_first_words(b.attribution)}")
        elif isinstance(b, Break):
            row(b.line, indent, "break (a section break, not translated)")
        elif isinstance(b, CodeBlock):
            first = b.text.strip().splitlines()[0] if b.text.strip() else ""
            row(b.line, indent, f"code ({len(b.text.splitlines())} lines, not translated)", first[:WORDS])
        elif isinstance(b, Table):
            row(b.line, indent, f"table ({len(b.header)} columns, {len(b.rows)} rows)",
                " | ".join(_first_words(c) for c in b.header))
        elif isinstance(b, Image):
            row(b.line, indent, f"image {_address(b.src)}", _first_words(b.alt))
            if b.caption:
                lines.append(f"{'':>5} {indent}  caption: {_first_words(b.caption)}")
        elif isinstance(b, Dateline):
            row(b.line, indent, "dateline", _first_words(b.content))
        elif isinstance(b, Signature):
            row(b.line, indent, "signature", _first_words(b.content))

    for b in doc.blocks:
        block(b)
    for n in doc.notes:
        lines.append(f"{n.line:>5} note [{n.id}]")
        for x in n.blocks:
            block(x, "  ")
    # guesses about lines no block starts at (a byline, an attribution line): after the
    # last block row before them and the guesses already shown under it
    inserts: list[tuple[int, str]] = []
    for ln in sorted(set(guesses) - shown):
        at = max((idx for row_line, idx in starts if row_line <= ln), default=2)
        while at + 1 < len(lines) and lines[at + 1].lstrip().startswith(_UNDER):
            at += 1
        inserts.extend((at + 1, _guess_line(g, "") + f" [line {ln}]") for g in guesses[ln])
    for _, (at, text) in sorted(enumerate(inserts), key=lambda x: (x[1][0], x[0]), reverse=True):
        lines.insert(at, text)  # from the end; several at one place keep their order (by line)
    unsettled = sum(1 for g in doc.guesses if not g.settled)
    lines.append(f"{'':>5} {len(doc.guesses)} guess(es), {unsettled} not settled")
    return "\n".join(lines) + "\n"


def settle_file(doc: Document) -> str:
    """Where an editor writes the keys that settle this document's guesses."""
    src = Path(doc.meta.source_file or doc.meta.slug)
    return str(src) if src.suffix.lower() in (".md", ".markdown") else str(src.with_suffix(".yaml"))


def guess_diagnostics(doc: Document) -> list[Diagnostic]:
    """One warning per unsettled guess, with the key that settles it."""
    where = settle_file(doc)
    return [
        Diagnostic(
            "structure-guess", Severity.WARNING,
            f"read as {g.chosen}, could be {' or '.join(g.alternatives)} ({g.reason})",
            Location(doc.meta.source_file or doc.meta.slug, g.line),
            hint=f"check `invoke outline --article {doc.meta.slug}`, then write `{g.settle}` in {where}",
        )
        for g in doc.guesses if not g.settled
    ]
