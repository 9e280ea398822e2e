"""The rule-based sentence splitter: abbreviations, initials, numbers, quotes."""

from __future__ import annotations

import pytest

from pubkit.mt.sentences import split, split_spans


@pytest.mark.parametrize("text, expected", [
    ("One. Two.", ["One.", "Two."]),
    ("Mr. Smith went to the U.S. Army base. He left.", ["Mr. Smith went to the U.S. Army base.", "He left."]),
    ("Tools, e.g. hammers, are cheap. So are nails, i.e. small ones.",
     ["Tools, e.g. hammers, are cheap.", "So are nails, i.e. small ones."]),
    ("See No. 5 on p. 12. Then stop!", ["See No. 5 on p. 12.", "Then stop!"]),
    ("J. R. R. Tolkien wrote it. Dr. Who did not.", ["J. R. R. Tolkien wrote it.", "Dr. Who did not."]),
    ('"Go!" he said. "Now." She went.', ['"Go!" he said.', '"Now."', "She went."]),
    ("It cost $3.50 in 1991. Prices rose.", ["It cost $3.50 in 1991.", "Prices rose."]),
    ("Wait... Really? Yes!", ["Wait...", "Really?", "Yes!"]),
    ("Apples, pears etc. are fruit.", ["Apples, pears etc. are fruit."]),
    ("Это первое. Второе предложение.", ["Это первое.", "Второе предложение."]),
    ("(This is quoted.) And this.", ["(This is quoted.)", "And this."]),
    ("  Leading and trailing spaces.  ", ["Leading and trailing spaces."]),
    ("No end punctuation", ["No end punctuation"]),
    ("", []),
])
def test_split(text, expected):
    assert split(text) == expected


def test_spans_cover_the_text():
    text = "First one. Second one!  Third?"
    spans = split_spans(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!", "Third?"]
