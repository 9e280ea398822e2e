"""The contract between machine translation and the rest of pubkit.

An engine takes unit texts (prose with numbered inline tags ``<1>…</1>``, ``<2/>``, see
:mod:`pubkit.segment`) and returns one :class:`Draft` per text, in order, with every tag
of the input present in the output. Engines never see PO files; the translate command
decides what is sent and where drafts go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

Progress = Callable[[int, int], None]  # (done, total) in sentences or texts


@dataclass(frozen=True)
class Draft:
    text: str
    score: float  # the model's own score: mean log-probability per target token (<= 0)
    engine: str  # e.g. "argos/ctranslate2 4.8.5"
    model: str  # package name, e.g. "translate-en_ru"
    version: str  # package version, e.g. "1.9"


class Engine(Protocol):
    source: str
    target: str

    def translate(self, texts: Sequence[str], *, progress: Progress | None = None) -> list[Draft]:
        """One draft per text, same order; batched over the whole list."""
        ...
