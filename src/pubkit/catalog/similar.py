"""Which vanished passage a changed passage came from: an index first, then difflib's exact score.

Why: comparing every new passage with every vanished one through difflib is quadratic (800
passages after a global edit did not finish in 10 minutes). Here vanished passages are
indexed by character trigrams; each new passage looks up only its rarest trigrams (the ones
that say which paragraph it is) and ranks the passages sharing them; of the best-ranked few
(all of them up to EXHAUSTIVE, else at most SCORED and none sharing under half as many
of those trigrams as the best one;
a short passage, with fewer than RAREST trigrams, takes every one of a fitting length;
at most BUDGET index postings are read per passage),
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

import bisect
import difflib
import heapq
import math
from collections import defaultdict
from collections.abc import Sequence

import cydifflib
from rapidfuzz.distance import Indel

THRESHOLD = 0.6
Q = 3  # trigrams: enough to tell paragraphs apart, short enough for one-word passages
RAREST = 16  # trigrams of a new passage that are looked up
SCORED = 32  # best-ranked vanished passages scored exactly, per new passage
EXHAUSTIVE = 64  # up to this many candidates sharing rare trigrams, all are scored
BUDGET = 4000  # postings read per new passage: bounded work, whatever the text

Pair = tuple[float, int, int]  # (-score, new index, old index): sorts best first


def similarity(a: str, b: str, matcher: type = difflib.SequenceMatcher) -> float:
    """difflib's ratio, 0.0 where its cheap upper bounds are already below the threshold."""
    sm = matcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < THRESHOLD or sm.quick_ratio() < THRESHOLD:
        return 0.0
    return float(sm.ratio())


def _lcs_bound(a: str, b: str) -> bool:
    """2·LCS/(|a|+|b|) >= THRESHOLD: an upper bound of difflib's ratio (exact filter).

    In integers (RapidFuzz's Indel similarity is 2·LCS): its normalized cutoff rounds, and a
    pair at exactly the threshold must pass, as it does in difflib."""
    need = math.ceil(THRESHOLD * (len(a) + len(b)) - 1e-9)
    return bool(Indel.similarity(a, b, score_cutoff=need) >= need)


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
    lengths = [len(text) for text in old]
    by_length = sorted(range(len(old)), key=lambda i: lengths[i])
    sorted_lengths = [lengths[i] for i in by_length]
    pairs: list[Pair] = []
    for k, text in enumerate(new):
        n = len(text)
        known = [g for g in grams(text) if g in postings]
        shortest = math.ceil(n * THRESHOLD / (2 - THRESHOLD)) - 1  # a little loose: exact below
        longest = math.floor(n * (2 - THRESHOLD) / THRESHOLD) + 1
        lo = bisect.bisect_left(sorted_lengths, shortest)
        hi = bisect.bisect_right(sorted_lengths, longest)
        if len(known) < RAREST and hi - lo <= BUDGET:  # short: every one of a fitting length
            chosen = by_length[lo:hi]
        else:
            shared: dict[int, int] = {}
            touched = 0
            for g in heapq.nsmallest(RAREST, known, key=lambda g: (len(postings[g]), g)):
                if touched and touched + len(postings[g]) > BUDGET:
                    break  # only common trigrams left: they tell nothing, and cost the most
                touched += len(postings[g])
                for i in postings[g]:
                    shared[i] = shared.get(i, 0) + 1
            fit = [(c, -i) for i, c in shared.items() if shortest <= lengths[i] <= longest]
            if len(fit) <= EXHAUSTIVE:  # few candidates: all of them, as the all-pairs search would
                chosen = [-neg_i for _c, neg_i in fit]
            else:  # none sharing under half as many rare trigrams as the best one: unrelated
                best = heapq.nlargest(SCORED, fit)
                chosen = [-neg_i for count, neg_i in best if 2 * count >= best[0][0]]
        for i in chosen:
            if not _length_ok(n, lengths[i]) or not _lcs_bound(old[i], text):
                continue
            score = similarity(old[i], text, cydifflib.SequenceMatcher)
            if score >= THRESHOLD:
                pairs.append((-score, k, i))
    return pairs
