"""`invoke approve`: mark entries reviewed in the PO file, atomically and under the project lock.

Why: a reviewer without Poedit should not have to edit flags by hand, and accepting a
machine draft unchanged must be a conscious, recorded act. Entries are chosen by unit key
(as `status --queue` and the proof show it), by source line (``seeds/x.txt:7`` or ``7``),
or with ``edited=True`` every fuzzy entry a reviewer changed: a draft whose text differs from
the machine's (by hash), a stale entry whose text differs from the reviewed one it had when its
source changed (recorded by ``update``); a stale entry nobody touched is never approved so.
A draft that is still exactly the machine's text is approved only with
``accept_unchanged=True``, and its provenance then says "accepted unchanged"; an edited
draft's says "edited". Approving drops ``#, fuzzy`` and the ``#|`` previous source, and
writes nothing else, so a following ``update`` changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import polib

from ..catalog import load_language, merged, save, template
from ..catalog.states import (
    ACCEPTED_UNCHANGED, EDITED, MT, STALE_OF, State, assess, is_edited, provenance, pubkit_lines,
    set_provenance, set_pubkit_line, state_of,
)
from ..config import load_config
from ..errors import MissingError, UsageError
from ..fsio import project_lock
from ..project import load_articles
from ..ui import info
from .update import select_langs


@dataclass
class ApproveResult:
    approved: list[tuple[str, str, str]] = field(default_factory=list)  # (lang, slug, key)
    skipped: list[tuple[str, str, str, str]] = field(default_factory=list)  # (lang, slug, key, why)
    written: list[Path] = field(default_factory=list)


def _line_matches(entry: polib.POEntry, line: str) -> bool:
    for f, n in entry.occurrences:
        if line in (n, f"{f}:{n}"):
            return True
    return False


def approve_entry(entry: polib.POEntry, *, accept_unchanged: bool) -> str | None:
    """Approve one entry in place; return why it was not approved (None when it was)."""
    verdict = assess(entry)
    st = verdict.state
    if st in (State.REVIEWED, State.ACCEPTED):
        return "already approved"
    if st in (State.UNTRANSLATED, State.OBSOLETE):
        return "nothing to approve (no translation)" if st is State.UNTRANSLATED else "obsolete entry"
    if st is State.MACHINE_OUTDATED:
        return "a draft of an older source text: translate it again or edit it first"
    if verdict.broken:
        return f"its tags do not fit the source ({verdict.problem}); fix them first"
    prov = provenance(entry)
    if st is State.MACHINE:
        if not accept_unchanged:
            return "unchanged machine draft: edit it, or approve it as is with --accept-unchanged"
        if prov is not None:
            set_provenance(entry, replace(prov, approval=ACCEPTED_UNCHANGED), reviewed=True)
    elif prov is not None and pubkit_lines(entry, MT):
        set_provenance(entry, replace(prov, approval=EDITED), reviewed=True)
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    entry.previous_msgid_plural = None
    set_pubkit_line(entry, STALE_OF, None)  # approved: no longer stale
    return None


def approve(cfg, langs=None, article: str | None = None, *, keys=(), lines=(), edited: bool = False,
            accept_unchanged: bool = False) -> ApproveResult:
    """Approve the selected entries of every selected file; the caller holds the lock."""
    if not (keys or lines or edited or accept_unchanged):
        raise UsageError("which entries? give --key, --line, --edited or --accept-unchanged",
                         hint="`invoke status --queue` lists keys; --edited approves every draft you changed")
    all_docs = load_articles(cfg)
    docs = load_articles(cfg, article) if article else all_docs
    keys, lines = set(keys), set(lines)
    found: set[str] = set()
    plan = []  # (lang, slug, pf, [(entry, key, named)]) — everything chosen before anything is written
    for lang in select_langs(cfg, langs):
        cats = load_language(cfg, lang, [d.meta.slug for d in all_docs])
        for doc in docs:
            pf, _ = merged(cfg, doc, lang, cats)
            key_of = {(t.msgctxt, t.msgid): t.key for t in template(doc)}  # metadata entries too
            chosen = []
            for e in pf.po:
                if e.obsolete:
                    continue
                key = key_of.get((e.msgctxt, e.msgid), "")
                named = {key} & keys | {ln for ln in lines if _line_matches(e, ln)}
                found |= named
                st = state_of(e)
                if named or (edited and st in (State.NEEDS_WORK, State.STALE) and is_edited(e)) \
                        or (accept_unchanged and not (keys or lines) and st is State.MACHINE):
                    chosen.append((e, key, bool(named)))
            plan.append((lang, doc.meta.slug, pf, chosen))
    unknown = sorted((keys | lines) - found)
    if unknown:
        raise MissingError(f"no entry with the key or source line {', '.join(unknown)}; nothing was approved",
                           hint="`invoke status --queue` and `invoke proof` show each entry's key "
                                "and source line")
    result = ApproveResult()
    for lang, slug, pf, chosen in plan:
        changed = False
        for e, key, named in chosen:
            why = approve_entry(e, accept_unchanged=accept_unchanged)
            if why is None:
                result.approved.append((lang, slug, key))
                changed = True
            elif named:
                result.skipped.append((lang, slug, key, why))
        if changed and save(pf, root=cfg.root):
            result.written.append(pf.path)
    return result


def run(root: Path | None = None, langs=None, article: str | None = None, keys=(), lines=(),
        edited: bool = False, accept_unchanged: bool = False, **_ignored) -> int:
    cfg = load_config(root)
    with project_lock(cfg.root, wait=30):
        result = approve(cfg, langs, article, keys=keys, lines=lines, edited=edited,
                         accept_unchanged=accept_unchanged)
    for lang, slug, key, why in result.skipped:
        info(f"{lang}/{slug}.po: {key}: not approved: {why}")
    files = ", ".join(str(p.relative_to(cfg.root)) for p in result.written)
    info(f"{len(result.approved)} entr{'y' if len(result.approved) == 1 else 'ies'} approved"
         + (f" in {files}" if files else ""))
    return 0
