"""Merge a changed source into a PO file the way msgmerge does, without ever losing reviewed work.

Why: polib only matches identical msgids; a reviewer's translation of a paragraph whose
source gained a comma would be lost. Here each new passage takes, in order: the old entry
with the same text; a reviewed translation of the same text from the translation memory;
the most similar vanished entry (difflib ratio >= THRESHOLD, candidates found through a
trigram index, :mod:`.similar`), which becomes fuzzy with the old source in ``#| msgid``
(stale); else an empty entry. Vanished entries that hold a translation become obsolete
(``#~``), never deleted.

Invariant (tested as a property): every reviewed msgstr of the old file is still in the
result, as a reviewed, stale or obsolete entry.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polib

from .memory import Memory
from .po import has_translation, is_plural
from .similar import Pair, indexed_pairs
from .states import (
    TM, comment_items, is_template_note, keep_approved, normalize, restore_reviewed, rewrite_provenance,
    set_pubkit_line,
)
from .template import TemplateEntry


@dataclass
class MergeReport:
    kept: int = 0
    from_memory: int = 0
    fuzzy_matched: int = 0
    new: int = 0
    obsoleted: int = 0
    restored: int = 0
    changes: list[str] = field(default_factory=list)


def _kept_comment(entry: polib.POEntry) -> list[str]:
    """Every ``#.`` line of the old entry but the template's own notes (written afresh): pubkit's
    provenance and any line pubkit does not understand, which it never drops."""
    return [ln for ln in comment_items(entry.comment) if not is_template_note(ln)]


def _fresh(t: TemplateEntry, base: polib.POEntry | None) -> polib.POEntry:
    e = polib.POEntry(msgid=t.msgid, msgctxt=t.msgctxt, msgstr="")
    e.occurrences = [(t.file, str(t.line) if t.line else "")]
    keep = _kept_comment(base) if base is not None else []
    e.comment = "\n".join([*t.notes, *keep])
    rewrite_provenance(e)  # today's form: lines a tool wrapped joined, each under 76 columns
    if base is not None:
        e.msgstr = base.msgstr
        e.tcomment = base.tcomment
        e.flags = list(base.flags)
        e.previous_msgid = base.previous_msgid
        e.previous_msgctxt = base.previous_msgctxt
        e.previous_msgid_plural = base.previous_msgid_plural
        e.msgid_plural = base.msgid_plural  # a plural entry keeps its forms (msgstr[n])
        e.msgstr_plural = dict(base.msgstr_plural)
    return e


def merge(old: polib.POFile, entries: list[TemplateEntry], memory: Memory | None = None,
          *, header: dict[str, str] | None = None,
          similar_pairs: Callable[[Sequence[str], Sequence[str]], list[Pair]] = indexed_pairs,
          ) -> tuple[polib.POFile, MergeReport]:
    """The merged catalog (a new object; ``old`` is not changed) and what happened.

    ``similar_pairs(new texts, vanished texts)`` finds the (-score, new, old) pairs with
    similarity >= THRESHOLD (:mod:`.similar`; tests pass the all-pairs reference).
    """
    report = MergeReport()
    new = polib.POFile(wrapwidth=old.wrapwidth)
    new.header = old.header
    new.metadata = dict(old.metadata) if old.metadata else dict(header or {})
    new.metadata_is_fuzzy = old.metadata_is_fuzzy
    olds = [copy.deepcopy(e) for e in old]
    for e in olds:
        normalize(e)
    used: set[int] = set()
    by_exact: dict[tuple, list[int]] = {}
    by_msgid: dict[str, list[int]] = {}
    for i, e in enumerate(olds):
        by_exact.setdefault((e.msgctxt, e.msgid), []).append(i)
        by_msgid.setdefault(e.msgid, []).append(i)

    def take(ids):
        for i in sorted(ids, key=lambda i: (olds[i].obsolete, i)):
            if i not in used:
                used.add(i)
                return i
        return None

    out: list[polib.POEntry | None] = [None] * len(entries)
    pending: list[int] = []
    for k, t in enumerate(entries):
        i = take(by_exact.get((t.msgctxt, t.msgid), ()))
        if i is None:
            i = take(by_msgid.get(t.msgid, ()))
        if i is not None:
            base = olds[i]
            if base.obsolete:
                report.restored += 1
                report.changes.append(f"restored: {t.msgid[:50]}")
            else:
                report.kept += 1
            e = _fresh(t, base)
            if not has_translation(e) and memory and not is_plural(e):
                _from_memory(e, memory, report)
            out[k] = e
            continue
        e = _fresh(t, None)
        if memory and _from_memory(e, memory, report):
            out[k] = e
            continue
        pending.append(k)

    # similarity matching: best pairs first, among vanished entries with a translation
    candidates = [i for i, e in enumerate(olds) if i not in used and has_translation(e)]
    pairs = [(neg, pending[k], candidates[j]) for neg, k, j in similar_pairs(
        [entries[k].msgid for k in pending], [olds[i].msgid for i in candidates])]
    pairs.sort()
    matched: set[int] = set()
    for _neg, k, i in pairs:
        if k in matched or i in used:
            continue
        matched.add(k)
        used.add(i)
        base = olds[i]
        e = _fresh(entries[k], base)
        if not base.fuzzy or not base.previous_msgid:
            e.previous_msgid = base.msgid  # what the translation was made for
            e.previous_msgctxt = base.msgctxt
            e.previous_msgid_plural = base.msgid_plural or None
            if not base.fuzzy:
                keep_approved(e)  # an approved draft is human work: stale, never redrafted
        if e.previous_msgid == e.msgid and e.previous_msgctxt == e.msgctxt and e.fuzzy:
            # the source went back to the text this was reviewed for: reviewed again only when
            # the text is still the reviewed one, else needs work (msgmerge keeps it fuzzy)
            restore_reviewed(e)
        elif "fuzzy" not in e.flags:
            e.flags.append("fuzzy")
        out[k] = e
        report.fuzzy_matched += 1
        report.changes.append(f"source changed: {entries[k].msgid[:50]}")
    for k in pending:
        if out[k] is None:
            out[k] = _fresh(entries[k], None)
            report.new += 1
    for e in out:
        new.append(e)
    for i, e in enumerate(olds):
        if i in used or not has_translation(e):
            continue
        if not e.obsolete:
            report.obsoleted += 1
            report.changes.append(f"left the source: {e.msgid[:50]}")
        e.obsolete = True
        e.occurrences = []
        new.append(e)
    return new, report


def _from_memory(e: polib.POEntry, memory: Memory, report: MergeReport) -> bool:
    hit = memory.lookup(e.msgid)
    if not hit:
        return False
    e.msgstr, where = hit
    e.flags = [f for f in e.flags if f != "fuzzy"]
    e.previous_msgid = None
    set_pubkit_line(e, TM, where)
    report.from_memory += 1
    return True
