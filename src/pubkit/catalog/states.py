"""Entry states and the one publishing policy: what an edition prints for each state.

Why: reviewers' tools understand gettext conventions only (fuzzy flag, ``#|`` previous
source, ``#~`` obsolete), so pubkit derives every state from those plus its own ``#.``
provenance lines, and the build, ``status`` and the colophon all read the same POLICY.

States:
- ``untranslated``: empty msgstr.
- ``machine``: fuzzy, with a ``pubkit-mt:`` provenance line, msgstr = the recorded draft.
- ``machine-outdated``: a machine draft whose source changed since (``#|`` previous).
- ``stale``: fuzzy human text: a reviewed translation of an older source (the previous
  source is in ``#| msgid``), or a draft a reviewer edited but did not approve yet.
- ``reviewed``: not fuzzy, msgstr set. pubkit never writes over it.
- ``obsolete``: the passage left the source (``#~``); kept for translation memory.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import polib

from .po import translation_text


class State(enum.StrEnum):
    UNTRANSLATED = "untranslated"
    MACHINE = "machine"
    MACHINE_OUTDATED = "machine-outdated"
    STALE = "stale"
    REVIEWED = "reviewed"
    OBSOLETE = "obsolete"


MT = "pubkit-mt:"  # engine | model version | score  (an unreviewed machine draft)
MT_REVIEWED = "pubkit-mt-reviewed:"  # the same, once a reviewer approved the entry
DRAFT = "pubkit-mt-draft:"  # the machine draft's text, kept for post-edit distance
TM = "pubkit-tm:"  # a reviewed translation reused from another entry (translation memory)
PUBKIT_PREFIXES = (MT, MT_REVIEWED, DRAFT, TM)


@dataclass(frozen=True)
class Rule:
    publish: str  # "translation" or "source"
    counted_as: str  # the Coverage field
    marked: bool  # listed in the edition's untranslated_keys
    why: str


POLICY: dict[State, Rule] = {
    State.REVIEWED: Rule("translation", "reviewed", False, "human translation, approved"),
    State.MACHINE: Rule("translation", "machine", False,
                        "machine draft published as such; the engine and model are credited in the colophon"),
    State.STALE: Rule("translation", "stale", False,
                      "the reviewed translation of the previous source text is kept until a reviewer "
                      "updates it; counted as stale in the colophon and reported by `check`"),
    State.MACHINE_OUTDATED: Rule("source", "untranslated", True,
                                 "a draft of an older source is never published; the source text is shown, marked"),
    State.UNTRANSLATED: Rule("source", "untranslated", True,
                             "the source text is shown, marked and counted in the colophon (never silently)"),
}

POLICY_TEXT = "\n".join(
    f"{s.value:>16}: publish {r.publish} ({r.why})" for s, r in POLICY.items()
)


def pubkit_lines(entry: polib.POEntry, prefix: str) -> list[str]:
    return [ln[len(prefix):].strip() for ln in (entry.comment or "").split("\n") if ln.startswith(prefix)]


def set_pubkit_line(entry: polib.POEntry, prefix: str, value: str | None) -> None:
    """Replace (or with None remove) pubkit's ``#.`` line with this prefix."""
    lines = [ln for ln in (entry.comment or "").split("\n") if ln and not ln.startswith(prefix)]
    if value is not None:
        lines.append(f"{prefix} {value}")
    entry.comment = "\n".join(lines)


def draft_text(entry: polib.POEntry) -> str | None:
    found = pubkit_lines(entry, DRAFT)
    return found[0] if found else None


def state_of(entry: polib.POEntry) -> State:
    if entry.obsolete:
        return State.OBSOLETE
    if not translation_text(entry).strip():
        return State.UNTRANSLATED
    if not entry.fuzzy:
        return State.REVIEWED
    if pubkit_lines(entry, MT):
        if entry.previous_msgid:
            return State.MACHINE_OUTDATED
        if draft_text(entry) in (None, translation_text(entry)):
            return State.MACHINE
    return State.STALE


def normalize(entry: polib.POEntry) -> None:
    """Record an approval: a reviewed entry's ``pubkit-mt`` line becomes ``pubkit-mt-reviewed``.

    Why: once approved, the text is human work; the provenance stays for post-edit
    statistics but must never make the entry look like a machine draft again.
    Also drops ``#|`` previous source from entries that are no longer fuzzy (as gettext tools do).
    """
    if entry.obsolete or entry.fuzzy or not translation_text(entry).strip():
        return
    for value in pubkit_lines(entry, MT):
        set_pubkit_line(entry, MT, None)
        set_pubkit_line(entry, MT_REVIEWED, value)
    entry.previous_msgid = None
    entry.previous_msgctxt = None


def mt_credit(value: str) -> str:
    """``engine | model version | score`` → "engine, model version" for a colophon."""
    parts = [p.strip() for p in value.split("|")]
    return ", ".join(p for p in parts[:2] if p)


def format_mt(engine: str, model: str, version: str, score: float) -> str:
    return f"{engine} | {model} {version} | score {score:.3f}"
