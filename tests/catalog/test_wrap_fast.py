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
    texts += ["".join(r.choice(ALPHABET) for _ in range(r.randint(0, 240))) for _ in range(1000)]
    return texts


@pytest.mark.parametrize("name, prefix", [("msgid", ""), ("msgstr", "#~ "), ("msgid_plural", "#~| ")])
def test_the_fast_fill_equals_the_full_one(name, prefix):
    for text in _texts():
        assert format_field(name, text, prefix) == wrap_reference.format_field(name, text, prefix), repr(text)


# the cases issue 22 found where pubkit and msgcat wrapped differently (106 of 1,588 real files)
GNU_CASES = {
    "stress accents": "Заба\u0301стовка начала\u0301сь второ\u0301го января\u0301 в Жанаозене, и рабо\u0301чие "
                      "нефтяны\u0301х промысло\u0301в пе\u0301рвыми оста\u0301вили рабо\u0301ту на\u0301шего заво\u0301да.",
    "NFD French": "La gre\u0300ve a commence\u0301 le 2 janvier a\u0300 Janaozen, et les ouvriers des champs "
                  "pe\u0301troliferes ont e\u0301te\u0301 les premiers.",
    "trailing newline": "x" * 70 + " abcdefgh\n",
    "trailing newline at the edge": "The strike began in January and the workers of the oil fields were first to\n",
    "CJK punctuation": "罢工于一月二日在扎瑙津开始，油田工人首先停止工作。随后，抗议蔓延到全国各地，包括阿拉木图和其他城市，"
                       "工人们提出了政治要求。",
    "U+2028": "The strike began in January\u2028and the workers of the oil fields were the first to leave work here.",
    "U+2028 then a long line": "short\u2028text and then a long run of words that goes past the end of the line "
                               "for sure, yes indeed it does",
    "U+0085": "nel\u0085 a long run of words that goes past the end of the line for sure, yes indeed it does, more",
}


@pytest.mark.validator
def test_msgcat_leaves_the_cases_issue_22_named_unchanged(tmp_path):
    import polib

    from pubkit.catalog import dumps

    from .helpers import msgcat_roundtrip

    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for name, text in GNU_CASES.items():
        po.append(polib.POEntry(msgid=name, msgstr=text))
        po.append(polib.POEntry(msgid=name + " (obsolete)", msgstr=text, obsolete=True))
    path = tmp_path / "cases.po"
    path.write_text(dumps(po), encoding="utf-8")
    msgcat_roundtrip(path, tmp_path)
