"""The indexed similarity search gives the same merges as the all-pairs reference (issue 14)."""

from __future__ import annotations

import random
import time
from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubkit.catalog import dumps, load, merge, template
from pubkit.catalog.memory import Memory
from pubkit.catalog.similar import SCORED, indexed_pairs

from .helpers import doc
from .reference import all_pairs

GOLDEN = Path(__file__).parent / "golden"
VOCAB = ("strike oil workers Janaozen prices gas army the of in 2022 union police protest wages "
         "Almaty government square city night leaders demands arrested released January fuel "
         "price rise Kazakhstan party revolution class struggle capital labour masses").split()


def _both(old: polib.POFile, paras: list[str], title: str = "Title") -> tuple[str, str]:
    entries = template(doc(*paras, title=title))
    fast = dumps(merge(old, entries, Memory())[0])
    ref = dumps(merge(old, entries, Memory(), similar_pairs=all_pairs)[0])
    return fast, ref


def test_golden_merges_are_the_same_with_the_index():
    cases = sorted(p for p in GOLDEN.iterdir() if p.is_dir())
    assert len(cases) >= 4
    for folder in cases:
        text = (folder / "new-source.txt").read_text(encoding="utf-8")
        lines = [ln for ln in text.splitlines() if ln.strip()]
        fast, ref = _both(load(folder / "old.po").po, lines[1:], lines[0])
        assert fast == ref, folder.name


def _translated(paras: list[str]) -> polib.POFile:
    po, _ = merge(polib.POFile(), template(doc(*paras)), Memory())
    for n, e in enumerate(po):
        e.msgstr = f"T{n}: {e.msgid[::-1]}"
    return po


EDITS = ("rename", "word", "delete", "insert", "shuffle", "duplicate", "truncate")


@st.composite
def scenario(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(5, 60))
    edits = draw(st.lists(st.sampled_from(EDITS), min_size=1, max_size=4))
    r = random.Random(seed)
    vocab = r.sample(VOCAB, r.randint(6, len(VOCAB)))  # few words: many look-alike passages
    old = [" ".join(r.choice(vocab) for _ in range(r.randint(1, 25))).capitalize() + "." for _ in range(n)]
    new = list(old)
    for edit in edits:
        if edit == "rename":  # a term renamed in every paragraph (issue 14's global edit)
            a, b = r.choice(vocab), r.choice(VOCAB) + "s"
            new = [p.replace(a, b) for p in new]
        elif edit == "word" and new:
            for _ in range(r.randint(1, len(new))):
                k = r.randrange(len(new))
                words = new[k].split()
                words[r.randrange(len(words))] = r.choice(VOCAB)
                new[k] = " ".join(words)
        elif edit == "delete" and new:
            del new[r.randrange(len(new))]
        elif edit == "insert":
            new.insert(r.randrange(len(new) + 1), " ".join(r.sample(vocab, min(4, len(vocab)))) + ".")
        elif edit == "shuffle":
            r.shuffle(new)
        elif edit == "duplicate" and new:
            new.append(r.choice(new))
        elif edit == "truncate" and new:
            k = r.randrange(len(new))
            new[k] = new[k][: max(1, len(new[k]) // 2)]
    return old, new


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_random_edits_merge_the_same_with_the_index_and_all_pairs(case):
    old, new = case
    fast, ref = _both(_translated(old), new)
    assert fast == ref


def test_the_index_scores_a_bounded_number_of_pairs_per_passage():
    """Near-linear: the number of exact scores grows with the passages, not their square."""
    r = random.Random(7)
    words = [f"w{j}" for j in range(3000)]
    old = [" ".join(r.choice(words) for _ in range(40)) for _ in range(1500)]
    new = [p.replace("w1", "v1") for p in old]
    start = time.process_time()
    pairs = indexed_pairs(new, old)
    took = time.process_time() - start
    best = {}
    for neg, k, i in sorted(pairs):
        best.setdefault(k, i)
    assert all(best.get(k) == k for k in range(len(new)))  # each found its own paragraph
    assert len(pairs) <= SCORED * len(new)
    assert took < 30, took
