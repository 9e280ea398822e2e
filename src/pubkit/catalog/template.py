"""A document's translatable units as catalog entries (the "POT" side of a merge).

Why: the source document is the template; keeping it as plain values (not a .pot file on
disk) means ``update`` and the build see the same entries and nothing can drift.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from ..model import Document
from ..segment import Unit, segment

KIND_NOTES = {
    "title": "Title",
    "subtitle": "Subtitle",
    "heading": "Heading",
    "paragraph": "",
    "list-item": "List item",
    "dateline": "Dateline (place and date under the text)",
    "signature": "Signature",
    "attribution": "Who is quoted (under a block quotation)",
    "table-cell": "Table cell",
    "image-alt": "Image description (alt text)",
    "caption": "Figure caption (printed under the image)",
    "note": "Footnote",
}


@dataclass(frozen=True)
class TemplateEntry:
    msgid: str
    msgctxt: str | None  # the unit key where the same text occurs twice; "meta:…" for metadata
    file: str
    line: int
    notes: tuple[str, ...]
    unit: Unit | None  # None for metadata entries
    key: str = ""  # the unit's key; for a metadata entry, meta_key(): what `approve --key` takes


# Metadata an edition prints besides the text (title and subtitle are units already):
# msgctxt -> the translator's note. See :func:`meta_entries` and :mod:`pubkit.localize`.
META_PREFIX = "meta:"
META_AUTHOR = "meta:author"
META_COUNTRY = "meta:country"
META_SOURCE = "meta:source"
META_NOTES = {
    META_AUTHOR: "Author's name or organisation, as the title page and byline print it",
    META_COUNTRY: "Country named after the author, in the byline and colophon",
    META_SOURCE: "Where the article was first published (colophon)",
}


def meta_key(ctx: str, text: str) -> str:
    """A metadata entry's key, like a passage's (``author-1a2b3c4d``): stable while its text is."""
    digest = hashlib.sha1(f"{ctx}\0{text}".encode()).hexdigest()[:8]
    return f"{ctx.removeprefix('meta:')}-{digest}"


def _notes(unit: Unit) -> tuple[str, ...]:
    notes = [KIND_NOTES.get(unit.kind, "")] if KIND_NOTES.get(unit.kind) else []
    for ph in unit.placeholders:
        if ph.kind == "code":
            notes.append(f"<{ph.id}/> = code “{ph.code}” (keep as is)")
        elif ph.kind == "link":
            notes.append(f"<{ph.id}>…</{ph.id}> = link to {ph.url}")
        elif ph.kind == "br":
            notes.append(f"<{ph.id}/> = line break (keep it)")
        elif ph.kind == "noteref":
            notes.append(f"<{ph.id}/> = footnote reference (keep it)")
        elif ph.kind == "span":
            notes.append(f"<{ph.id}>…</{ph.id}> = a passage in {ph.lang}")
        elif ph.kind in ("sup", "sub"):
            notes.append(f"<{ph.id}>…</{ph.id}> = {'superscript' if ph.kind == 'sup' else 'subscript'}")
        else:
            notes.append(f"<{ph.id}>…</{ph.id}> = {'emphasis' if ph.kind == 'emph' else 'strong emphasis'}")
    return tuple(notes)


def meta_entries(doc: Document, file: str) -> list[TemplateEntry]:
    """Author names and organisations, their countries and the source line, each once, with a
    ``meta:`` msgctxt; a source that is a URL is not translatable."""
    out: list[TemplateEntry] = []
    seen: set[tuple[str, str]] = set()

    def add(ctx: str, text: str) -> None:
        text = text.strip()
        if text and (ctx, text) not in seen:
            seen.add((ctx, text))
            out.append(TemplateEntry(text, ctx, file, 0, (META_NOTES[ctx],), None, meta_key(ctx, text)))

    for author in doc.meta.authors:
        add(META_AUTHOR, author.name)
        for country in author.countries:
            add(META_COUNTRY, country)
    if not re.match(r"(?i)(https?://|www\.)", doc.meta.source.strip()):
        add(META_SOURCE, doc.meta.source)
    return out


def template(doc: Document) -> list[TemplateEntry]:
    """One entry per unit in reading order (msgctxt only disambiguates repeated texts), then the
    printed metadata (:func:`meta_entries`)."""
    units = segment(doc)
    counts = Counter(u.text for u in units)
    file = doc.meta.source_file or f"seeds/{doc.meta.slug}"
    return [
        TemplateEntry(u.text, u.key if counts[u.text] > 1 else None, file, u.line, _notes(u), u, u.key)
        for u in units
    ] + meta_entries(doc, file)
