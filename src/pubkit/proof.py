"""A bilingual reviewer's proof: source and translation side by side, per passage.

Why: reviewers need to read a translation against its source on paper or on screen, with
what pubkit knows about each passage (state, key, source line, check findings, what changed
in a stale entry's source). The translation column is taken from the *edition's* localized
document (:func:`pubkit.localize.localize_report`), so what the proof shows is what the
edition prints: a passage the edition prints in the source language shows the source there,
marked. Entries are judged by :func:`pubkit.catalog.states.assess`, like everywhere else.

This module builds values only; :mod:`pubkit.commands.proof` renders and writes them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .catalog import load_language, merged, template
from .catalog.states import State, Verdict, assess, provenance
from .checks import Context, check_entry
from .config import Config
from .edition import Edition
from .errors import Diagnostic, Severity
from .localize import localize_report
from .model import Document
from .render.html import inline_html
from .segment import Unit, decode, segment
from .typography import typeset_inlines

STATE_LABELS = {
    State.REVIEWED: "reviewed", State.ACCEPTED: "accepted unchanged", State.MACHINE: "machine draft",
    State.MACHINE_OUTDATED: "outdated draft", State.NEEDS_WORK: "needs work", State.STALE: "stale",
    State.UNTRANSLATED: "untranslated",
}


@dataclass(frozen=True)
class Passage:
    number: int
    key: str
    kind: str
    source_line: str  # seeds/x.txt:7
    po_line: int  # the entry's line in the PO file (0: no entry on disk yet)
    state: str  # a State value
    label: str
    printed: bool  # the edition prints the translation (else the source, marked)
    source_html: Markup
    translation_html: Markup
    score: float | None = None
    findings: tuple[Diagnostic, ...] = ()
    diff: Markup | None = None  # stale entries: word diff of `#| msgid` → msgid
    unprinted: str = ""  # the PO file's translation where the edition does not print it


@dataclass
class ProofView:
    slug: str
    title: str
    lang: str
    language: str
    source_lang: str
    po_file: str
    passages: list[Passage] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # state label -> passages
    metadata: list[Passage] = field(default_factory=list)  # author, countries, source line


def word_diff(old: str, new: str) -> Markup:
    """Words removed from ``old`` in <del>, added in <ins>; the rest as is."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
    return Markup("".join(out))


def _html(unit: Unit, lang: str) -> Markup:
    return inline_html(typeset_inlines(decode(unit.text, unit.placeholders), lang))


def build_proof(cfg: Config, doc: Document, lang: str, glossary=()) -> tuple[ProofView, Edition]:
    """The proof of ``doc`` in ``lang``, and the edition it was made from."""
    edition, _ = localize_report(cfg, doc, lang)
    cats = load_language(cfg, lang, [doc.meta.slug])
    pf, _ = merged(cfg, doc, lang, cats)
    on_disk = {(e.msgctxt, e.msgid): e.linenum or 0 for e in cats.files[doc.meta.slug].po}
    by_key = {(e.msgctxt, e.msgid): e for e in pf.po if not e.obsolete}
    po_file = str(pf.path.relative_to(cfg.root)) if pf.path.is_relative_to(cfg.root) else str(pf.path)
    ctx = Context(lang, cfg.source_lang, list(glossary))
    src_units, out_units = segment(doc), segment(edition.doc)
    if len(src_units) != len(out_units):  # pragma: no cover - reassemble keeps the structure
        raise AssertionError("the localized document lost passages")
    view = ProofView(doc.meta.slug, doc.meta.title, lang, edition.language.name, cfg.source_lang, po_file)
    source_file = doc.meta.source_file or f"seeds/{doc.meta.slug}"
    for n, (u, t) in enumerate(zip(src_units, out_units, strict=False), 1):
        e = by_key.get((u.key, u.text)) or by_key.get((None, u.text))
        verdict: Verdict = assess(e)
        line = on_disk.get((e.msgctxt, e.msgid), 0) if e is not None else 0
        findings: tuple[Diagnostic, ...] = ()
        if e is not None:
            e.linenum = line
            findings = tuple(d for d in check_entry(e, ctx, po_file)
                             if d.severity is not Severity.INFO and d.code not in ("untranslated",))
        prov = provenance(e) if e is not None else None
        label = STATE_LABELS[verdict.state]
        if verdict.broken:
            label += ", broken tags: not printed"
        diff = word_diff(e.previous_msgid, e.msgid) if e is not None and e.previous_msgid else None
        view.passages.append(Passage(
            number=n, key=u.key, kind=u.kind,
            source_line=f"{source_file}:{u.line}" if u.line else source_file,
            po_line=line, state=verdict.state.value, label=label, printed=verdict.printable,
            source_html=_html(u, cfg.source_lang),
            translation_html=_html(t, lang if verdict.printable else cfg.source_lang),
            score=prov.score if prov is not None else None, findings=findings, diff=diff,
            unprinted=e.msgstr if e is not None and not verdict.printable and e.msgstr.strip() else "",
        ))
        view.counts[label] = view.counts.get(label, 0) + 1
    view.metadata = _metadata(doc, by_key, on_disk, source_file, len(view.passages), cfg.source_lang)
    return view, edition


def _metadata(doc: Document, by_key: dict, on_disk: dict, source_file: str, numbered: int,
              source_lang: str) -> list[Passage]:
    """The printed metadata (author, countries, source line), each with its key and state, as
    the edition prints it: the translation when it is printable, else the source's text."""
    out: list[Passage] = []
    for t in template(doc):
        if t.unit is not None:
            continue
        e = by_key.get((t.msgctxt, t.msgid))
        verdict = assess(e)
        prov = provenance(e) if e is not None else None
        label = STATE_LABELS[verdict.state] + (", broken tags: not printed" if verdict.broken else "")
        shown = e.msgstr if e is not None and verdict.printable else t.msgid
        out.append(Passage(
            number=numbered + len(out) + 1, key=t.key, kind=(t.msgctxt or "").replace(":", "-"),
            source_line=source_file, po_line=on_disk.get((t.msgctxt, t.msgid), 0),
            state=verdict.state.value, label=f"{t.msgctxt}: {label}", printed=verdict.printable,
            source_html=escape(t.msgid), translation_html=escape(shown),
            score=prov.score if prov is not None else None,
            unprinted=e.msgstr if e is not None and not verdict.printable and e.msgstr.strip() else "",
        ))
    return out
