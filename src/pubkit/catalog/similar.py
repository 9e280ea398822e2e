"""Which vanished passage a changed passage came from: an index first, then difflib's exact score.

Why: comparing every new passage with every vanished one through difflib is quadratic (800
passages after a global edit did not finish in 10 minutes). Here vanished passages are
indexed by character trigrams; each new passage looks up only its rarest trigrams (the ones
that say which paragraph it is) and ranks the passages sharing them; of the best-ranked few,
those that pass two exact upper bounds (lengths; the longest common subsequence, computed by
RapidFuzz in C: difflib's matching blocks are a common subsequence, so its ratio is never
higher) are scored exactly by difflib's algorithm (cydifflib, the same code compiled, equal
results, about 4x faster). Work per passage is bounded, so a merge is near-linear in the
number of passages for every kind of edit.

The score and the threshold are unchanged (``difflib.SequenceMatcher.ratio() >= 0.6``); the
index only chooses which pairs are scored. Tests keep the all-pairs search as a reference
and check that both give the same merge (golden merges, the Hypothesis workflow, random
inputs), and ``bench/merge.py`` checks it at 1,000–5,000 passages.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Sequence

import cydifflib
from rapidfuzz.distance import Indel

THRESHOLD = 0.6
Q = 3  # trigrams: enough to tell paragraphs apart, short enough for one-word passages
RAREST = 32  # trigrams of a new passage that are looked up
SCORED = 32  # best-ranked vanished passages scored exactly, per new passage

Pair = tuple[float, int, int]  # (-score, new index, old index): sorts best first


def similarity(a: str, b: str, matcher: type = difflib.SequenceMatcher) -> float:
    """difflib's ratio, 0.0 where its cheap upper bounds are already below the threshold."""
    sm = matcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < THRESHOLD or sm.quick_ratio() < THRESHOLD:
        return 0.0
    return float(sm.ratio())


def _lcs_bound(a: str, b: str) -> bool:
    """2·LCS/(|a|+|b|) >= THRESHOLD: an upper bound of difflib's ratio (exact filter)."""
    return Indel.normalized_similarity(a, b, score_cutoff=THRESHOLD - 1e-9) > 0


def grams(text: str) -> set[str]:
    low = text.casefold()
    return {low[j:j + Q] for j in range(len(low) - Q + 1)} or {low}


def _length_ok(la: int, lb: int) -> bool:
    """difflib's real_quick_ratio bound: 2·min/(la+lb) >= THRESHOLD, exactly."""
    return 2 * min(la, lb) >= THRESHOLD * (la + lb)


def indexed_pairs(new: Sequence[str], old: Sequence[str]) -> list[Pair]:
    """Pairs (new k, old i) with similarity >= THRESHOLD, found through a trigram index."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(old):
        for g in grams(text):
            postings[g].append(i)
    pairs: list[Pair] = []
    for k, text in enumerate(new):
        known = [g for g in grams(text) if g in postings]
        known.sort(key=lambda g: (len(postings[g]), g))
        shared: Counter[int] = Counter()
        for g in known[:RAREST]:
            shared.update(postings[g])
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        scored = 0
        for i, _count in ranked:
            if scored == SCORED:
                break
            if not _length_ok(len(text), len(old[i])):
                continue
            scored += 1
            if not _lcs_bound(old[i], text):
                continue
            score = similarity(old[i], text, cydifflib.SequenceMatcher)
            if score >= THRESHOLD:
                pairs.append((-score, k, i))
    return pairs
