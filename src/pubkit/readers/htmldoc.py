"""What the readers of converted formats (``.docx``, saved ``.html`` pages) share: HTML blocks
→ a :class:`~pubkit.model.Document`, with the title, authors, date and source the file offers
taken as guesses the editor's sidecar settles.

The editor's sidecar (``<slug>.yaml``) always wins. Without a ``title:`` the title is what the
file names as its title (a page's metadata; Word's Title style) else its first heading, each a
recorded guess, else (no heading at all) a short first line, else the file's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError, Location
from ..model import Author, Document, Guess, Heading, Paragraph, plain_text
from .hints import language_passages, mark_passages
from .html import HtmlResult
from .source import SourceText, to_meta


TITLE_MAX = 100  # characters: a longer first paragraph is not a title


@dataclass(frozen=True)
class Offered:
    """Metadata a file offers for the article (its own title, author, date…), with the line
    it was found at and where it came from (for the guess's reason)."""

    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    source: str = ""
    description: str = ""
    line: int = 1
    where: str = "the file's metadata"


def _title_from(blocks: list, src: SourceText) -> tuple[str, int, str]:
    """(title, line, why) when neither the editor nor the file names a title: the first
    heading (taken out of the text), else a short first paragraph that does not end like a
    sentence (taken out), else the file's name (nothing of the text is lost)."""
    first = next((b for b in blocks if isinstance(b, Heading) and plain_text(b.content).strip()), None)
    if first is not None:
        blocks.remove(first)
        return plain_text(first.content), first.line, "the first heading is taken as the title"
    lead = blocks[0] if blocks and isinstance(blocks[0], Paragraph) else None
    text = plain_text(lead.content).strip() if lead is not None else ""
    if lead is not None and len(blocks) > 1 and text and len(text) <= TITLE_MAX and not text.endswith((".", ",", ":", ";")):
        blocks.remove(lead)
        return text, lead.line, "no heading: a short first line is taken as the title"
    name = src.path.stem.replace("-", " ").replace("_", " ").strip()
    if not name:
        raise InputError("the article has no title", location=Location(src.path, 1),
                         hint=f"add `title: ...` to {src.path.with_suffix('.yaml')}")
    return name[:1].upper() + name[1:], 1, "no heading and no title: the file's name is the title"


def to_document(src: SourceText, found: HtmlResult, offered: Offered = Offered(), *,
                hints: dict[int, str] | None = None) -> Document:
    """The article: blocks of ``found``, metadata from the sidecar over what the file offers."""
    from ..segment import map_passages

    hints = hints or {}
    m = src.meta.meta
    blocks = [b for b in found.blocks if hints.get(getattr(b, "line", 0)) != "drop"]
    guesses = list(found.guesses)
    title, title_line = offered.title.strip(), offered.line
    sidecar = str(src.path.with_suffix(".yaml"))
    if title and not m.title:
        first = next((b for b in blocks if isinstance(b, Heading)), None)
        if first is not None and " ".join(plain_text(first.content).split()) == " ".join(title.split()):
            blocks.remove(first)  # the page repeats its title as the first heading
            title_line = first.line
        guesses.append(Guess(title_line, "title", ("another line",),
                             f"the title {offered.where} gives", f"title: … in {sidecar}", settled=False))
    elif not m.title:
        title, title_line, why = _title_from(blocks, src)
        guesses.append(Guess(title_line, "title", ("heading", "paragraph"), why,
                             f"title: … in {sidecar}", settled=False))
    levels = [b.level for b in blocks if isinstance(b, Heading)]
    if levels:
        shift = min(levels) - 1
        blocks = [Heading(b.level - shift, b.content, line=b.line) if isinstance(b, Heading) else b
                  for b in blocks]
    meta = to_meta(src.meta, src, title=title, title_line=title_line, date=offered.date if not m.date else "")
    if offered.date and not m.date:
        guesses.append(Guess(offered.line, f"date {offered.date}", ("none",), f"the date {offered.where} gives",
                             f"date: YYYY-MM-DD in {sidecar}"))
    doc = Document(meta, tuple(blocks), tuple(found.notes), tuple(guesses))
    if offered.authors and not m.author_list:
        doc = doc.with_meta(authors=tuple(Author(a) for a in offered.authors))
        doc = Document(doc.meta, doc.blocks, doc.notes, doc.guesses + (Guess(
            offered.line, "authors " + "; ".join(offered.authors), ("none",),
            f"the author {offered.where} names", f"authors: … in {sidecar}"),))
    if offered.source and not m.source:
        doc = doc.with_meta(source=offered.source)
    passages = language_passages(src.meta)
    if passages:
        doc = map_passages(doc, lambda kind, spans, _line: spans if kind == "title" else mark_passages(spans, passages))
    return doc
