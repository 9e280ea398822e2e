"""Entry states, provenance comments, and the one verdict on every entry: :func:`assess`.

Why: reviewers' tools understand gettext conventions only (fuzzy flag, ``#|`` previous
source, ``#~`` obsolete), so pubkit derives every state from those plus one short ``#.``
provenance line of its own. ``status``, ``check``, the colophon counts and the editions all
ask :func:`assess`, so they can never disagree about an entry.

States:
- ``untranslated``: empty msgstr.
- ``machine``: fuzzy machine draft, unchanged since the engine wrote it (its hash matches).
- ``machine-outdated``: an unchanged machine draft whose source changed since (``#|``).
- ``needs-work``: fuzzy human text that is not stale: a reviewer put ``#, fuzzy`` back
  (Poedit's "Needs work") or edited a draft without approving it yet.
- ``stale``: fuzzy human text with the previous source in ``#| msgid``: the source changed
  after it was reviewed (or after the reviewer edited the draft).
- ``accepted``: approved, and the text is exactly the machine draft (accepted unchanged).
- ``reviewed``: approved human text (written, or a draft the reviewer edited). Never overwritten.
- ``obsolete``: the passage left the source (``#~``); kept for translation memory.

Provenance (one ``#.`` line, short and stable; the draft itself is not repeated)::

    #. pubkit-mt: argos/ctranslate2 4.5 | translate-en_ru 1.9 | score -0.412 | 2026-11-27 | draft 3f2a9c0b17de

After ``invoke approve`` the prefix is ``pubkit-mt-reviewed:`` and ``| edited`` or
``| accepted unchanged`` is appended. The long form of earlier versions (the draft's text
on a ``pubkit-mt-draft:`` line) is still read.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, replace

import polib

from ..segment import Placeholder, PlaceholderError, decode, tags_in
from .po import translation_text


class State(enum.StrEnum):
    UNTRANSLATED = "untranslated"
    MACHINE = "machine"
    MACHINE_OUTDATED = "machine-outdated"
    NEEDS_WORK = "needs-work"
    STALE = "stale"
    ACCEPTED = "accepted"
    REVIEWED = "reviewed"
    OBSOLETE = "obsolete"


APPROVED = (State.REVIEWED, State.ACCEPTED)
MT = "pubkit-mt:"  # an unreviewed machine draft's provenance
MT_REVIEWED = "pubkit-mt-reviewed:"  # the same, once `invoke approve` approved the entry
DRAFT = "pubkit-mt-draft:"  # legacy (read only): the machine draft's whole text
TM = "pubkit-tm:"  # a reviewed translation reused from another entry (translation memory)
PUBKIT_PREFIXES = (MT, MT_REVIEWED, DRAFT, TM)
EDITED = "edited"
ACCEPTED_UNCHANGED = "accepted unchanged"


@dataclass(frozen=True)
class Rule:
    publish: str  # "translation" or "source"
    counted_as: str  # the Coverage field
    marked: bool  # listed in the edition's untranslated_keys
    why: str


POLICY: dict[State, Rule] = {
    State.REVIEWED: Rule("translation", "reviewed", False, "human translation, approved"),
    State.ACCEPTED: Rule("translation", "accepted", False,
                         "a machine draft a reviewer approved unchanged; counted apart from edited ones"),
    State.MACHINE: Rule("translation", "machine", False,
                        "machine draft published as such; the engine and model are credited in the colophon"),
    State.NEEDS_WORK: Rule("translation", "needs_work", False,
                           "human text a reviewer marked as needing work (or an edited draft not approved "
                           "yet); counted as such, never as a source change"),
    State.STALE: Rule("translation", "stale", False,
                      "the reviewed translation of the previous source text is kept until a reviewer "
                      "updates it; counted as stale in the colophon and reported by `check`"),
    State.MACHINE_OUTDATED: Rule("source", "untranslated", True,
                                 "a draft of an older source is never published; the source text is shown, marked"),
    State.UNTRANSLATED: Rule("source", "untranslated", True,
                             "the source text is shown, marked and counted in the colophon (never silently)"),
}

POLICY_TEXT = "\n".join(
    [f"{s.value:>16}: publish {r.publish} ({r.why})" for s, r in POLICY.items()]
    + [f"{'broken tags':>16}: publish source (a translation whose inline tags do not match the source "
       "is never printed; the source is shown, marked, counted untranslated, and `check` reports it)"]
)


# ------------------------------------------------------------------ provenance


def pubkit_lines(entry: polib.POEntry, prefix: str) -> list[str]:
    return [ln[len(prefix):].strip() for ln in (entry.comment or "").split("\n") if ln.startswith(prefix)]


def set_pubkit_line(entry: polib.POEntry, prefix: str, value: str | None) -> None:
    """Replace (or with None remove) pubkit's ``#.`` line with this prefix."""
    lines = [ln for ln in (entry.comment or "").split("\n") if ln and not ln.startswith(prefix)]
    if value is not None:
        lines.append(f"{prefix} {value}")
    entry.comment = "\n".join(lines)


def text_hash(text: str) -> str:
    """A short, stable hash of a translation (whitespace runs count as one space)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Provenance:
    """Where a machine draft came from; ``approval`` is set by `invoke approve`."""

    engine: str
    model: str  # "package version"
    score: float | None = None  # the model's mean log-probability per token (<= 0)
    date: str = ""  # ISO date the draft was made
    draft: str = ""  # text_hash of the draft
    approval: str = ""  # "", EDITED or ACCEPTED_UNCHANGED

    def format(self) -> str:
        parts = [self.engine, self.model]
        if self.score is not None:
            parts.append(f"score {self.score:.3f}")
        if self.date:
            parts.append(self.date)
        if self.draft:
            parts.append(f"draft {self.draft}")
        if self.approval:
            parts.append(self.approval)
        return " | ".join(parts)

    @classmethod
    def parse(cls, value: str) -> Provenance:
        """Read the short form and the long form of earlier versions (engine | model | score)."""
        parts = [p.strip() for p in value.split("|")]
        engine = parts[0] if parts else ""
        model = parts[1] if len(parts) > 1 else ""
        score, date, draft, approval = None, "", "", ""
        for p in parts[2:]:
            if p.startswith("score "):
                try:
                    score = float(p[6:])
                except ValueError:
                    pass
            elif re.fullmatch(r"\d{4}-\d\d-\d\d", p):
                date = p
            elif p.startswith("draft "):
                draft = p[6:].strip()
            elif p in (EDITED, ACCEPTED_UNCHANGED):
                approval = p
        return cls(engine, model, score, date, draft, approval)


def provenance(entry: polib.POEntry) -> Provenance | None:
    """The entry's machine-draft provenance (either prefix), with the draft's hash filled in
    from a legacy ``pubkit-mt-draft:`` line where the short form lacks it."""
    found = pubkit_lines(entry, MT) or pubkit_lines(entry, MT_REVIEWED)
    if not found:
        return None
    prov = Provenance.parse(found[0])
    if not prov.draft:
        legacy = pubkit_lines(entry, DRAFT)
        if legacy:
            prov = replace(prov, draft=text_hash(legacy[0]))
    return prov


def draft_text(entry: polib.POEntry) -> str | None:
    """The draft's text, only where a legacy long-form comment kept it."""
    found = pubkit_lines(entry, DRAFT)
    return found[0] if found else None


def is_unchanged_draft(entry: polib.POEntry) -> bool:
    """The msgstr is exactly the machine draft (by hash); False without provenance."""
    prov = provenance(entry)
    if prov is None:
        return False
    return not prov.draft or prov.draft == text_hash(translation_text(entry))


def set_provenance(entry: polib.POEntry, prov: Provenance, *, reviewed: bool) -> None:
    """Write the one provenance line (dropping any legacy long-form lines)."""
    set_pubkit_line(entry, MT, None)
    set_pubkit_line(entry, MT_REVIEWED, None)
    set_pubkit_line(entry, DRAFT, None)
    set_pubkit_line(entry, MT_REVIEWED if reviewed else MT, prov.format())


# ------------------------------------------------------------------ states


def state_of(entry: polib.POEntry) -> State:
    if entry.obsolete:
        return State.OBSOLETE
    if not translation_text(entry).strip():
        return State.UNTRANSLATED
    if not entry.fuzzy:
        return State.ACCEPTED if is_unchanged_draft(entry) else State.REVIEWED
    if pubkit_lines(entry, MT) and is_unchanged_draft(entry):  # a draft no reviewer approved
        return State.MACHINE_OUTDATED if entry.previous_msgid else State.MACHINE
    return State.STALE if entry.previous_msgid else State.NEEDS_WORK


def placeholders_of(msgid: str) -> tuple[Placeholder, ...]:
    """The tags a source text holds, as the decoder needs them (self-closing = code)."""
    out: dict[int, Placeholder] = {}
    for tag in tags_in(msgid):
        m = re.match(r"<(/?)(\d+)(/?)>", tag)
        if m:
            n = int(m.group(2))
            out.setdefault(n, Placeholder(n, "code" if m.group(3) else "emph"))
    return tuple(out.values())


def tag_problem(msgid: str, msgstr: str) -> str | None:
    """Why the translation's inline tags cannot be printed (None when they fit the source)."""
    try:
        decode(msgstr, placeholders_of(msgid))
    except PlaceholderError as err:
        return str(err)
    return None


@dataclass(frozen=True)
class Verdict:
    """The one answer about an entry: its state, whether the edition prints the
    translation, and which colophon/status count it falls in."""

    state: State
    printable: bool  # the edition prints the translation (else the source, marked)
    counted_as: str  # a Coverage field; "" for obsolete entries
    problem: str | None = None  # why a translation is not printed (broken tags)

    @property
    def broken(self) -> bool:
        return self.problem is not None


def assess(entry: polib.POEntry | None) -> Verdict:
    """State, printability and count of one entry (None: no entry = untranslated).

    Invariant (tested on every state): ``printable`` iff the state's policy publishes the
    translation and its tags fit the source; an unprintable entry counts as untranslated.
    """
    if entry is None:
        return Verdict(State.UNTRANSLATED, False, "untranslated")
    st = state_of(entry)
    if st is State.OBSOLETE:
        return Verdict(st, False, "")
    rule = POLICY[st]
    if rule.publish != "translation":
        return Verdict(st, False, "untranslated")
    problem = tag_problem(entry.msgid, translation_text(entry))
    if problem is not None:
        return Verdict(st, False, "untranslated", problem)
    return Verdict(st, True, rule.counted_as)


def normalize(entry: polib.POEntry) -> None:
    """Drop ``#|`` previous source from entries that are no longer fuzzy (as msgmerge does).

    Provenance lines are left exactly as they are: an approved entry is recognised by its
    missing fuzzy flag, so nothing is rewritten after a reviewer's save.
    """
    if entry.obsolete or entry.fuzzy or not translation_text(entry).strip():
        return
    entry.previous_msgid = None
    entry.previous_msgctxt = None


def keep_approved(entry: polib.POEntry) -> None:
    """An approved entry that turns fuzzy because its source changed stays human work: its
    ``pubkit-mt:`` line becomes ``pubkit-mt-reviewed:``, so it is stale, never redrafted."""
    for value in pubkit_lines(entry, MT):
        set_pubkit_line(entry, MT, None)
        set_pubkit_line(entry, MT_REVIEWED, value)


def mt_credit(value: str) -> str:
    """A provenance value → "engine, model version" for a colophon."""
    prov = Provenance.parse(value)
    return ", ".join(p for p in (prov.engine, prov.model) if p)


def format_mt(engine: str, model: str, version: str, score: float, *, date: str = "", draft: str = "") -> str:
    return Provenance(engine, f"{model} {version}", score, date, draft).format()
