"""pubkit's lazy line filling (found only where a line may end) writes what the full one did."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pubkit.catalog import load
from pubkit.catalog.wrap import format_field

from . import wrap_reference

DATA = Path(__file__).parent / "data"
ALPHABET = list("ab cd-\u2013\u2014,.;:!?()[]{}\u00ab\u00bb\"'\\\t\n/%$\u20ac\u00a0\u202f\u2060\u200b\u0301\u0300") + [
    "\u0436", "\u4e2d", "\u6587", "\u3002", "\u3001", "\u2028", "xxxxx", "http://x.y/z", "\u00ad"]


def _texts() -> list[str]:
    texts = []
    for e in load(DATA / "gnu-features.po").po:
        texts += [e.msgid, e.msgstr, *e.msgstr_plural.values()]
    r = random.Random(22)
    texts += ["".join(r.choice(ALPHABET) for _ in range(r.randint(0, 240))) for _ in range(3000)]
    return texts


@pytest.mark.parametrize("name, prefix", [("msgid", ""), ("msgstr", "#~ "), ("msgid_plural", "#~| ")])
def test_the_fast_fill_equals_the_full_one(name, prefix):
    for text in _texts():
        assert format_field(name, text, prefix) == wrap_reference.format_field(name, text, prefix), repr(text)
