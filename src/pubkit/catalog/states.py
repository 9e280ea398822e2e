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

Provenance (short ``#.`` lines, each under 76 columns so that no tool wraps them; the draft
itself is not repeated)::

    #. pubkit-mt: argos/ctranslate2 4.5 | translate-en_ru 1.9
    #. pubkit-draft: 3f2a9c0b17de | score -0.412 | 2026-11-27

After ``invoke approve`` the first prefix is ``pubkit-mt-reviewed:`` and a line
``#. pubkit-approved: edited`` (or ``accepted unchanged``) follows. When ``update`` makes a
reviewed entry stale it records the reviewed text's hash (``#. pubkit-reviewed-text: <hash>``)
so that an edit made since can be told from none, and a source reverted to the reviewed text
restores "reviewed" only when the text is still the reviewed one.

Every earlier form is still read: the one long line ``pubkit-mt: engine | model | score | date |
draft <hash> | approval`` (its hash folds whitespace), the ``pubkit-mt-draft:`` line with the
draft's whole text, and either of them wrapped by polib (78 columns) or Babel (76): the
extracted comments are read joined back (:func:`comment_items`).
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, replace

import polib

from ..segment import Placeholder, PlaceholderError, decode, tags_in
from .po import translation_text
from .template import KIND_NOTES, META_NOTES


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
DRAFT_HASH = "pubkit-draft:"  # the draft's text_hash, score and date
APPROVED_AS = "pubkit-approved:"  # EDITED or ACCEPTED_UNCHANGED, written by `invoke approve`
STALE_OF = "pubkit-reviewed-text:"  # the reviewed text's hash when its source changed (`update`)
TM = "pubkit-tm:"  # a reviewed translation reused from another entry (translation memory)
PUBKIT_PREFIXES = (MT, MT_REVIEWED, DRAFT, DRAFT_HASH, APPROVED_AS, STALE_OF, TM)
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

# A tool wrapped a ``#.`` line when the next word would have passed its width: polib wraps at
# 78 columns, Babel at 76. pubkit writes every line under COMMENT_LIMIT columns, so no tool has to.
COMMENT_LIMIT = 76
_NOTE_START = re.compile(r"<\d+/?>|pubkit-[a-z-]+:")


def comment_items(comment: str | None) -> list[str]:
    """The entry's ``#.`` comments as logical lines: a line that a tool wrapped (polib at 78
    columns, Babel at 76, both at spaces and after hyphens) is joined back. A line is a
    continuation when the line before it was long enough to have been wrapped and it does not
    start a known item (a pubkit line, a tag note). pubkit's own last line is short, so a line
    after it is never taken for its continuation."""
    items: list[str] = []
    last = ""
    for line in (comment or "").split("\n"):
        if not line:
            continue
        word = line.split(" ", 1)[0]
        wrapped = bool(items) and len("#. " + last) + 1 + len(word) > COMMENT_LIMIT
        if wrapped and not _NOTE_START.match(line) and line not in _KIND_NOTES:
            glue = "" if last.endswith("-") and last[-2:-1].isalnum() else " "
            items[-1] += glue + line
        else:
            items.append(line)
        last = line
    return items


_KIND_NOTES = {n for n in (*KIND_NOTES.values(), *META_NOTES.values()) if n}


def pubkit_lines(entry: polib.POEntry, prefix: str) -> list[str]:
    """The values of pubkit's ``#.`` items with this prefix (wrapped lines joined)."""
    return [ln[len(prefix):].strip() for ln in comment_items(entry.comment) if ln.startswith(prefix)]


def set_pubkit_line(entry: polib.POEntry, prefix: str, value: str | None) -> None:
    """Replace (or with None remove) pubkit's ``#.`` item with this prefix; every other line,
    one pubkit does not know included, is kept (joined back where a tool wrapped it)."""
    lines = [ln for ln in comment_items(entry.comment) if not ln.startswith(prefix)]
    if value is not None:
        lines.append(f"{prefix} {value}")
    entry.comment = "\n".join(lines)


def text_hash(text: str) -> str:
    """A short, stable hash of a translation exactly as typed (a no-break space is an edit)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def folded_hash(text: str) -> str:
    """The hash of earlier versions (``| draft <hash>`` on the pubkit-mt line): whitespace runs,
    no-break spaces included, counted as one space. Still read, never written for a new draft."""
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
    folded: bool = False  # ``draft`` is a folded_hash (a file written by an earlier version)

    def format(self) -> str:
        """engine | model | score | date | draft | approval, on one line (status, colophon)."""
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

    def lines(self, *, reviewed: bool) -> list[str]:
        """The ``#.`` lines pubkit writes, each well under 76 columns::

            pubkit-mt: argos/ctranslate2 4.5.0 | translate-en_ru 1.9
            pubkit-draft: 3f2a9c0b17de | score -0.412 | 2026-11-27
            pubkit-approved: edited
        """
        out = [f"{MT_REVIEWED if reviewed else MT} {self.engine} | {self.model}"]
        parts = [self.draft + (" folded" if self.folded else "")] if self.draft else ["-"]
        if self.score is not None:
            parts.append(f"score {self.score:.3f}")
        if self.date:
            parts.append(self.date)
        out.append(f"{DRAFT_HASH} {' | '.join(parts)}")
        if self.approval:
            out.append(f"{APPROVED_AS} {self.approval}")
        return out

    def matches(self, text: str) -> bool:
        """The text is exactly the draft (True when no hash was recorded)."""
        if not self.draft:
            return True
        return self.draft == (folded_hash(text) if self.folded else text_hash(text))

    @classmethod
    def parse(cls, value: str) -> Provenance:
        """The values of one line in any form pubkit wrote: ``engine | model`` (now, the rest on
        its own lines) or ``engine | model | score | date | draft <hash> | approval`` (earlier)."""
        parts = [p.strip() for p in value.split("|")]
        engine = parts[0] if parts else ""
        model = parts[1] if len(parts) > 1 else ""
        prov = _details(cls(engine, model), parts[2:])
        return replace(prov, folded=True) if prov.draft else prov  # the hash of earlier versions


def _details(prov: Provenance, parts: list[str]) -> Provenance:
    score, date, draft, approval = prov.score, prov.date, prov.draft, prov.approval
    for p in parts:
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
    return replace(prov, score=score, date=date, draft=draft, approval=approval)


def provenance(entry: polib.POEntry) -> Provenance | None:
    """The entry's machine-draft provenance in any form pubkit ever wrote, however a tool
    wrapped its lines: the ``pubkit-mt:``/``pubkit-mt-reviewed:`` line, the ``pubkit-draft:``
    and ``pubkit-approved:`` lines, or the legacy ``pubkit-mt-draft:`` line with the draft's text."""
    found = pubkit_lines(entry, MT) or pubkit_lines(entry, MT_REVIEWED)
    if not found:
        return None
    prov = Provenance.parse(found[0])
    for value in pubkit_lines(entry, DRAFT_HASH)[:1]:
        head, *rest = [p.strip() for p in value.split("|")]
        digest, _, mark = head.partition(" ")
        prov = _details(replace(prov, draft="" if digest == "-" else digest, folded=mark == "folded"), rest)
    for value in pubkit_lines(entry, APPROVED_AS)[:1]:
        prov = replace(prov, approval=value if value in (EDITED, ACCEPTED_UNCHANGED) else prov.approval)
    if not prov.draft:
        legacy = pubkit_lines(entry, DRAFT)
        if legacy:
            prov = replace(prov, draft=text_hash(legacy[0]), folded=False)
    return prov


def draft_text(entry: polib.POEntry) -> str | None:
    """The draft's text, only where a legacy long-form comment kept it."""
    found = pubkit_lines(entry, DRAFT)
    return found[0] if found else None


def is_unchanged_draft(entry: polib.POEntry) -> bool:
    """The msgstr is exactly the machine draft (by hash); False without provenance."""
    prov = provenance(entry)
    return prov is not None and prov.matches(translation_text(entry))


def set_provenance(entry: polib.POEntry, prov: Provenance, *, reviewed: bool) -> None:
    """Write the provenance lines (dropping those of any earlier form); other lines are kept."""
    for prefix in (MT, MT_REVIEWED, DRAFT, DRAFT_HASH, APPROVED_AS):
        set_pubkit_line(entry, prefix, None)
    entry.comment = "\n".join([*comment_items(entry.comment), *prov.lines(reviewed=reviewed)])


def rewrite_provenance(entry: polib.POEntry) -> None:
    """Write an entry's provenance in today's form (lines a tool wrapped joined and rewritten
    under 76 columns; the legacy forms converted); nothing else changes."""
    prov = provenance(entry)
    if prov is not None:
        set_provenance(entry, prov, reviewed=not pubkit_lines(entry, MT))


def reviewed_hash(entry: polib.POEntry) -> str | None:
    """The hash of the reviewed translation an entry had when its source changed (``update``
    records it with the previous source); None where none was recorded."""
    found = pubkit_lines(entry, STALE_OF)
    return found[0].split()[0] if found and found[0] else None


def is_edited(entry: polib.POEntry) -> bool:
    """A reviewer changed the text: since it became stale (against the recorded reviewed
    translation), else since the machine draft. A stale entry with no record is not counted as
    edited (its old draft says nothing about what the reviewer did since)."""
    text = translation_text(entry)
    recorded = reviewed_hash(entry)
    if recorded is not None:
        return text_hash(text) != recorded
    if entry.previous_msgid is not None and not pubkit_lines(entry, MT):
        return False
    prov = provenance(entry)
    return prov is not None and bool(prov.draft) and not prov.matches(text)


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

    Provenance lines are kept (an approved entry is recognised by its missing fuzzy flag); the
    stale record (``pubkit-reviewed-text:``) of an entry a reviewer approved is dropped.
    """
    if entry.obsolete or entry.fuzzy or not translation_text(entry).strip():
        return
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    if pubkit_lines(entry, STALE_OF):
        set_pubkit_line(entry, STALE_OF, None)


def is_template_note(line: str) -> bool:
    """A note the template writes (kind, tags): rewritten from the source on every update."""
    return line in _KIND_NOTES or bool(re.match(r"<\d+/?>", line))


def keep_approved(entry: polib.POEntry) -> None:
    """An approved entry that turns fuzzy because its source changed stays human work: its
    ``pubkit-mt:`` line becomes ``pubkit-mt-reviewed:``, so it is stale, never redrafted, and the
    reviewed text's hash is recorded (:func:`is_edited`, the revert rule of the merge)."""
    prov = provenance(entry)
    if prov is not None:
        set_provenance(entry, prov, reviewed=True)
    set_pubkit_line(entry, STALE_OF, text_hash(translation_text(entry)))


def restore_reviewed(entry: polib.POEntry) -> bool:
    """The source went back to the text this stale entry was reviewed for: approved again only
    when its text is still the reviewed one (by the recorded hash); otherwise it stays fuzzy
    (needs work), as msgmerge keeps it. The previous source, now equal to the source, is dropped."""
    entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    recorded = reviewed_hash(entry)
    if recorded is None or recorded != text_hash(translation_text(entry)):
        if "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        return False
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    set_pubkit_line(entry, STALE_OF, None)
    return True


def mt_credit(value: str) -> str:
    """A provenance value → "engine, model version" for a colophon."""
    prov = Provenance.parse(value)
    return ", ".join(p for p in (prov.engine, prov.model) if p)


def format_mt(engine: str, model: str, version: str, score: float, *, date: str = "", draft: str = "") -> str:
    return Provenance(engine, f"{model} {version}", score, date, draft).format()
