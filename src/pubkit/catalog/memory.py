"""Translation memory: reviewed translations of one language, across all its PO files.

Why: the same passage (a slogan, a signature, a repeated sentence) often appears in several
articles, or comes back after it was deleted. A reviewed translation of exactly the same
source text is reused, including from obsolete (``#~``) entries, so reviewers never
translate the same text twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from .po import PoFile, is_plural
from .states import State, state_of


class Memory:
    def __init__(self) -> None:
        self._best: dict[str, tuple[int, str, str]] = {}  # msgid -> (rank, msgstr, where)

    def add(self, pf: PoFile, where: str) -> None:
        for e in pf.po:
            if is_plural(e):
                continue  # its forms belong to a count; never reused for a plain passage
            st = state_of(e)
            if st in (State.REVIEWED, State.ACCEPTED):
                rank = 0
            elif st is State.OBSOLETE and e.msgstr.strip() and not e.fuzzy:
                rank = 1
            else:
                continue
            cand = (rank, e.msgstr, where)
            if e.msgid not in self._best or cand < self._best[e.msgid]:
                self._best[e.msgid] = cand

    def lookup(self, msgid: str) -> tuple[str, str] | None:
        """(msgstr, where it came from) of a reviewed translation of exactly this text."""
        hit = self._best.get(msgid)
        return (hit[1], hit[2]) if hit else None

    def __len__(self) -> int:
        return len(self._best)

    def msgids(self) -> set[str]:
        """The source texts this memory holds a translation of (what a lookup can find)."""
        return set(self._best)


def build_memory(files: Iterable[tuple[PoFile, str]]) -> Memory:
    mem = Memory()
    for pf, where in sorted(files, key=lambda x: x[1]):
        mem.add(pf, where)
    return mem
