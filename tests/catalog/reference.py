"""The all-pairs similarity search merge used before the index (issue 14), kept as a reference.

Every new passage is scored against every vanished one; quadratic, so only for tests and
``bench/merge.py`` at sizes where it finishes.
"""

from __future__ import annotations

from collections.abc import Sequence

from pubkit.catalog.similar import THRESHOLD, Pair, similarity


def all_pairs(new: Sequence[str], old: Sequence[str]) -> list[Pair]:
    pairs: list[Pair] = []
    for k, text in enumerate(new):
        for i, before in enumerate(old):
            score = similarity(before, text)
            if score >= THRESHOLD:
                pairs.append((-score, k, i))
    return pairs
