"""Inline tags survive translation, whatever the model does with the words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubkit.mt import tags as tg
from pubkit.segment import tags_in

CASES = [
    "I <1>really</1> like it. And <2>this link</2>, too.",
    "Run <1/> now.",
    "Call <1/>() first",
    "<1>All of it emphasised.</1>",
    "A <1>b <2>c</2></1> d. Next <3>sentence</3>.",
    "x <1>y. Z</1> w.",
    "literal \\<1> and \\\\ backslash <1>real</1>",
    "<1/>",
]


def _balanced(text: str) -> bool:
    stack = []
    for t in tags_in(text):
        if t.endswith("/>"):
            continue
        if t.startswith("</"):
            if not stack or stack.pop() != t[2:-1]:
                return False
        else:
            stack.append(t[1:-1])
    return not stack


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("model", [
    lambda s: s.upper(), lambda s: "", lambda s: s + " plus three words", lambda s: "one",
    lambda s: "<1> </2> <3/>",  # a model that invents tag-like text
])
def test_every_tag_back_in_order(text, model):
    prep = tg.prepare(text)
    out = tg.restore(prep, [model(s) for s in prep.sentences])
    assert tags_in(out) == tags_in(text)
    assert _balanced(out)


def test_plain_text_has_no_tags_and_no_escapes():
    prep = tg.prepare("literal \\<1> and \\\\ backslash <1>real</1>")
    assert prep.sentences == ["literal <1> and \\ backslash real"]


def test_tag_with_words_keeps_a_word():
    prep = tg.prepare("Some <1>emphasis</1> here.")
    out = tg.restore(prep, ["one two three four five"])
    inner = out.split("<1>")[1].split("</1>")[0]
    assert inner.strip()


def test_closing_tag_before_punctuation():
    prep = tg.prepare("It is <1>bold</1>.")
    assert tg.restore(prep, ["Это жирно."]).endswith("</1>.")


word = st.text(alphabet="abcxyz.,!?", min_size=1, max_size=6)


@st.composite
def tagged(draw):
    parts, n, stack = [], 0, []
    for _ in range(draw(st.integers(1, 12))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            n += 1
            parts.append(f"<{n}>")
            stack.append(n)
        elif choice == 1 and stack:
            parts.append(f"</{stack.pop()}>")
        elif choice == 2:
            n += 1
            parts.append(f"<{n}/>")
        else:
            parts.append(" " + draw(word) + draw(st.sampled_from(["", ".", ". ", " "])))
    parts += [f"</{i}>" for i in reversed(stack)]
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(tagged(), st.lists(st.text(max_size=20), max_size=5))
def test_property_tags_survive(text, outputs):
    prep = tg.prepare(text)
    translated = [outputs[i] if i < len(outputs) else "" for i in range(len(prep.sentences))]
    out = tg.restore(prep, translated)
    assert tags_in(out) == tags_in(text)
    assert _balanced(out)
