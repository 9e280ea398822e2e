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
from datetime import datetime, UTC
from typing import TypedDict

from .catalog import State, load_language, merged
from .catalog.po import NO_TRANSLATOR, TRANSLATORS_FIELD, translation_text
from .catalog.states import Verdict, assess, mt_credit, provenance
from .catalog.template import META_AUTHOR, META_COUNTRY, META_SOURCE
from .config import Config, Language
from .edition import Coverage, Edition
from .errors import Diagnostic, Location, Severity
from .model import Author, Document, Signature, plain_text
from .segment import PlaceholderError, Unit, reassemble, segment


COUNTED = ("reviewed", "accepted", "machine", "needs_work", "stale", "untranslated", "broken")


def broken_diagnostic(verdict: Verdict, path, line: int) -> Diagnostic:
    """The finding for a translation that is not printed because its tags do not fit."""
    return Diagnostic(
        "tags", Severity.ERROR,
        f"{verdict.state.value} translation not printed: {verdict.problem}; "
        "the source text is printed instead",
        Location(path, line),
        hint="copy the numbered tags <1>…</1>, <2/> from the source text exactly",
    )


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def build_date(doc: Document, po_metadata: dict | None = None, drafted: tuple[str, ...] = ()) -> str:
    """The edition's date: the latest change of its inputs, as an ISO date.

    The source's date (the article's ``date``) and, for a translation, the PO file's
    ``PO-Revision-Date`` (set when a reviewer saves it) and ``drafted``: the dates in the
    provenance of the machine drafts the edition prints (``translate`` leaves the header
    alone, as msgmerge does; the draft's own line says when it was made). So a corrected
    translation is told from the first one, and a machine-drafted edition is dated by its
    drafts, not by the article. ``SOURCE_DATE_EPOCH`` overrides all (reproducible builds).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date().isoformat()
    revised = (po_metadata or {}).get("PO-Revision-Date", "").strip()[:10]
    dates = [d for d in (doc.meta.date[:10], revised, *(x[:10] for x in drafted)) if _ISO_DAY.fullmatch(d)]
    return max(dates) if dates else doc.meta.date


def identifier(doc: Document, lang: str) -> str:
    """Stable per article and language (a name-based UUID)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"pubkit:{doc.meta.slug}:{lang}"))


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _credited_name(value: str) -> str:
    """The name in a PO header field ("Name <email>"), or "" for a placeholder.

    Placeholders: gettext's template values (FULL NAME, LANGUAGE), pubkit's own, and any
    address under the reserved ``.invalid`` domain (RFC 2606): no one can be reached there.
    """
    value = value.strip()
    m = re.fullmatch(r"(.*?)\s*<([^>]*)>", value)
    name, email = (m.group(1).strip(), m.group(2).strip()) if m else (value, "")
    if not name or value == NO_TRANSLATOR or name.upper().startswith(("FULL NAME", "LANGUAGE")):
        return ""
    if re.search(r"(^|[@.])invalid$", email.lower()):
        return ""
    return name


def translators_from(metadata: dict, language_names: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Credits from ``X-Pubkit-Translators`` ("A; B"), else the PO header's Last-Translator and
    Language-Team (a team, not just the language's name), placeholders left out."""
    explicit = [x.strip() for x in metadata.get(TRANSLATORS_FIELD, "").split(";") if x.strip()]
    if explicit:
        return tuple(explicit)
    out = []
    last = _credited_name(metadata.get("Last-Translator", ""))
    if last:
        out.append(last)
    team = _credited_name(metadata.get("Language-Team", ""))
    if team and team.lower() not in {n.lower() for n in language_names} and team not in out:
        out.append(team)
    return tuple(out)


def localized_authors(doc: Document, localized: Document, units: list[Unit],
                      untranslated: set[str]) -> tuple[Author, ...]:
    """Authors as the edition's language writes them, taken from the translated signature.

    Author names are metadata, not passages; but where the article is signed with exactly
    the author line ("Name (Country, Country)"), its reviewed translation is how the
    edition names the author, so a French edition does not print the English name.
    ``untranslated``: the keys whose printed text is not a person's (untranslated, or a
    machine draft): such a signature leaves the authors as the source has them.
    """
    authors = doc.meta.authors
    sigs = [(s, t) for s, t in zip(doc.blocks, localized.blocks, strict=False) if isinstance(s, Signature)]
    if len(authors) != 1 or len(sigs) != 1:
        return authors
    src_sig, tr_sig = sigs[0]
    assert isinstance(tr_sig, Signature)  # reassemble() keeps every block's kind
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
    policy publishes a translation a person made or approved
    (:data:`pubkit.catalog.template.META_NOTES`; ``translate`` never drafts them, and a
    machine draft left from older versions is not printed); else as ``authors`` (from the
    signature, or the source's) and the source's ``source``."""
    def tr(ctx: str, text: str) -> str | None:
        e = by_key.get((ctx, text))
        if e is None:
            return None
        verdict = assess(e)  # the one verdict, as for every passage; and a person's only:
        if not verdict.printable or verdict.state is State.MACHINE:  # never a model's name for anyone
            return None
        return translation_text(e)

    if len(authors) == len(doc.meta.authors):
        translated = []
        for src, shown in zip(doc.meta.authors, authors, strict=True):
            countries = tuple(tr(META_COUNTRY, c) for c in src.countries)
            translated.append(Author(tr(META_AUTHOR, src.name) or shown.name,
                                     tuple(c for c in countries if c) if all(countries) else shown.countries))
        authors = tuple(translated)
    return {"authors": authors, "source": tr(META_SOURCE, doc.meta.source.strip()) or doc.meta.source}


def localize(cfg: Config, doc: Document, lang: str) -> Edition:
    """The edition of ``doc`` in ``lang`` (see :func:`localize_report` for diagnostics)."""
    return localize_report(cfg, doc, lang)[0]


class _EditionCommon(TypedDict):
    """The :class:`Edition` fields that a source and a translated edition set alike."""

    language: Language
    source_language: Language
    build_date: str
    identifier: str
    page_size: str
    source_doc: Document | None


def localize_report(cfg: Config, doc: Document, lang: str) -> tuple[Edition, list[Diagnostic]]:
    common = _EditionCommon(
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
    counts = {f: 0 for f in COUNTED}
    on_disk = {(e.msgctxt, e.msgid): e.linenum or 0 for e in cats.files[doc.meta.slug].po}  # lines to report
    words_reviewed = 0
    texts: dict[str, str] = {}
    untranslated: set[str] = set()
    credits: set[str] = set()
    drafted: list[str] = []  # dates of the printed machine drafts
    machine: set[str] = set()  # keys printed as a model wrote them
    diags: list[Diagnostic] = []
    for u in units:
        e = by_key.get((u.key, u.text)) or by_key.get((None, u.text))
        verdict = assess(e)
        counts[verdict.counted_as] += 1
        if verdict.broken and e is not None:
            counts["broken"] += 1
            diags.append(broken_diagnostic(verdict, path, on_disk.get((e.msgctxt, e.msgid), 0)))
        if not verdict.printable or e is None:
            untranslated.add(u.key)
            continue
        texts[u.key] = translation_text(e)
        if verdict.state is State.REVIEWED:
            words_reviewed += _words(u.text)
        if verdict.state is State.MACHINE:
            machine.add(u.key)
        if verdict.state in (State.MACHINE, State.ACCEPTED):
            prov = provenance(e)
            if prov is not None:
                credits.add(mt_credit(prov.format()))
                drafted.append(prov.date)

    def fallback(unit: Unit, err: PlaceholderError):  # pragma: no cover - assess() rules it out
        raise AssertionError(f"assess() passed a translation whose tags do not fit: {unit.key}: {err}")

    localized = reassemble(doc, texts, on_error=fallback)
    authors = localized_authors(doc, localized, units, untranslated | machine)
    localized = replace(localized, meta=replace(
        localized.meta, lang=lang, **translated_meta(doc, by_key, authors)))
    cov = Coverage(
        total=len(units), words_total=sum(_words(u.text) for u in units),
        words_reviewed=words_reviewed, **counts,
    )
    language = cfg.language(lang)
    names = (language.name, language.native, lang)
    human = counts["reviewed"] + counts["accepted"] + counts["stale"] + counts["needs_work"]
    translators = translators_from(pf.po.metadata, names) if human else ()
    common["build_date"] = build_date(doc, pf.po.metadata, tuple(drafted))
    edition = Edition(
        doc=localized, is_source=False, coverage=cov, translators=translators,
        machine_credits=tuple(sorted(c for c in credits if c)), untranslated_keys=frozenset(untranslated),
        **common,
    )
    return edition, diags
