"""Document + PO file → localized Document (same type), with coverage and credits.

Why: like Sphinx's i18n transform, translation puts texts back into the *same* tree, so
renderers never know translation happened. What each entry state publishes is decided by
one policy (:data:`pubkit.catalog.states.POLICY`); untranslated passages are shown in the
source language, counted and listed, never silently.

The PO file is merged with the current source in memory first (nothing is written), so a
build after a source edit sees stale entries as stale, not as missing.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import replace
from datetime import datetime, timezone

from .catalog import State, load_language, merged, state_of
from .catalog.po import NO_TRANSLATOR, TRANSLATORS_FIELD, translation_text
from .catalog.states import MT, POLICY, mt_credit, pubkit_lines
from .catalog.template import META_AUTHOR, META_COUNTRY, META_SOURCE
from .config import Config
from .edition import Coverage, Edition
from .errors import Diagnostic, Location, Severity
from .model import Author, Document, Signature, plain_text
from .segment import PlaceholderError, Unit, decode, reassemble, segment


def build_date(doc: Document) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).date().isoformat()
    return doc.meta.date


def identifier(doc: Document, lang: str) -> str:
    """Stable per article and language (a name-based UUID)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"pubkit:{doc.meta.slug}:{lang}"))


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def translators_from(metadata: dict) -> tuple[str, ...]:
    """Credits from ``X-Pubkit-Translators`` ("A; B"), else from Last-Translator (name only)."""
    explicit = [x.strip() for x in metadata.get(TRANSLATORS_FIELD, "").split(";") if x.strip()]
    if explicit:
        return tuple(explicit)
    last = metadata.get("Last-Translator", "").strip()
    if not last or last == NO_TRANSLATOR or last.startswith("FULL NAME"):
        return ()
    return (re.sub(r"\s*<[^>]*>\s*$", "", last).strip(),)


def localized_authors(doc: Document, localized: Document, units: list[Unit],
                      untranslated: set[str]) -> tuple[Author, ...]:
    """Authors as the edition's language writes them, taken from the translated signature.

    Author names are metadata, not passages; but where the article is signed with exactly
    the author line ("Name (Country, Country)"), its reviewed translation is how the
    edition names the author, so a French edition does not print the English name.
    """
    authors = doc.meta.authors
    sigs = [(s, t) for s, t in zip(doc.blocks, localized.blocks) if isinstance(s, Signature)]
    if len(authors) != 1 or len(sigs) != 1:
        return authors
    src_sig, tr_sig = sigs[0]
    src_text, tr_text = plain_text(src_sig.content), plain_text(tr_sig.content)
    if src_text != authors[0].display() or src_text == tr_text:
        return authors
    if any(u.kind == "signature" and u.key in untranslated for u in units):
        return authors
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", tr_text)
    if m and authors[0].countries:
        countries = tuple(c.strip() for c in m.group(2).split(","))
        if len(countries) == len(authors[0].countries):
            return (Author(m.group(1), countries),)
    return (Author(tr_text),)


def translated_meta(doc: Document, by_key: dict, authors: tuple[Author, ...]) -> dict:
    """Authors, their countries and the source line from their ``meta:`` entries where the
    policy publishes a translation (:data:`pubkit.catalog.template.META_NOTES`); else as
    ``authors`` (from the signature, or the source's) and the source's ``source``."""
    def tr(ctx: str, text: str) -> str | None:
        e = by_key.get((ctx, text))
        if e is None or POLICY[state_of(e)].publish != "translation":
            return None
        return translation_text(e)

    if len(authors) == len(doc.meta.authors):
        translated = []
        for src, shown in zip(doc.meta.authors, authors):
            countries = tuple(tr(META_COUNTRY, c) for c in src.countries)
            translated.append(Author(tr(META_AUTHOR, src.name) or shown.name,
                                     tuple(c for c in countries if c) if all(countries) else shown.countries))
        authors = tuple(translated)
    return {"authors": authors, "source": tr(META_SOURCE, doc.meta.source.strip()) or doc.meta.source}


def localize(cfg: Config, doc: Document, lang: str) -> Edition:
    """The edition of ``doc`` in ``lang`` (see :func:`localize_report` for diagnostics)."""
    return localize_report(cfg, doc, lang)[0]


def localize_report(cfg: Config, doc: Document, lang: str) -> tuple[Edition, list[Diagnostic]]:
    common = dict(
        language=cfg.language(lang), source_language=cfg.language(cfg.source_lang),
        build_date=build_date(doc), identifier=identifier(doc, lang), page_size=cfg.pdf_page_size,
        source_doc=doc,
    )
    units = segment(doc)
    if lang == cfg.source_lang:
        words = sum(_words(u.text) for u in units)
        cov = Coverage(total=len(units), reviewed=len(units), words_total=words, words_reviewed=words)
        return Edition(doc=doc, is_source=True, coverage=cov, **common), []

    cats = load_language(cfg, lang, [doc.meta.slug])
    pf, _ = merged(cfg, doc, lang, cats)
    path = pf.path.relative_to(cfg.root) if pf.path.is_relative_to(cfg.root) else pf.path
    by_key = {}
    for e in pf.po:
        if not e.obsolete:
            by_key[(e.msgctxt, e.msgid)] = e
    counts = {"reviewed": 0, "machine": 0, "stale": 0, "untranslated": 0}
    words_reviewed = 0
    texts: dict[str, str] = {}
    untranslated: set[str] = set()
    credits: set[str] = set()
    diags: list[Diagnostic] = []
    unit_by_key: dict[str, Unit] = {}
    for u in units:
        unit_by_key[u.key] = u
        e = by_key.get((u.key, u.text)) or by_key.get((None, u.text))
        st = state_of(e) if e is not None else State.UNTRANSLATED
        rule = POLICY[st]
        if rule.publish == "translation":
            texts[u.key] = translation_text(e)
            counts[rule.counted_as] += 1
            if st is State.REVIEWED:
                words_reviewed += _words(u.text)
            if st is State.MACHINE:
                credits.update(mt_credit(v) for v in pubkit_lines(e, MT))
        else:
            untranslated.add(u.key)
            counts["untranslated"] += 1

    def fallback(unit: Unit, err: PlaceholderError):
        """A translation whose tags do not fit: publish the source, marked, and say so."""
        e = by_key.get((unit.key, unit.text)) or by_key.get((None, unit.text))
        diags.append(Diagnostic(
            "tags", Severity.ERROR, f"translation not used: {err}",
            Location(path, e.linenum or 0 if e is not None else 0),
            hint="copy the numbered tags <1>…</1>, <2/> from the source text; the source was published instead",
        ))
        return None

    localized = reassemble(doc, texts, on_error=fallback)
    if diags:  # recount the passages that fell back to the source
        bad = {d for d in texts if d not in untranslated}
        for key in list(bad):
            u = unit_by_key[key]
            e = by_key.get((u.key, u.text)) or by_key.get((None, u.text))
            try:
                decode(texts[key], u.placeholders)
            except PlaceholderError:
                st = state_of(e)
                counts[POLICY[st].counted_as] -= 1
                counts["untranslated"] += 1
                untranslated.add(key)
                if st is State.REVIEWED:
                    words_reviewed -= _words(u.text)
    authors = localized_authors(doc, localized, units, untranslated)
    localized = replace(localized, meta=replace(
        localized.meta, lang=lang, **translated_meta(doc, by_key, authors)))
    cov = Coverage(
        total=len(units), words_total=sum(_words(u.text) for u in units),
        words_reviewed=words_reviewed, **counts,
    )
    translators = translators_from(pf.po.metadata) if counts["reviewed"] + counts["stale"] else ()
    edition = Edition(
        doc=localized, is_source=False, coverage=cov, translators=translators,
        machine_credits=tuple(sorted(c for c in credits if c)), untranslated_keys=frozenset(untranslated),
        **common,
    )
    return edition, diags
