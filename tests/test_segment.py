"""Segmentation: units with stable keys, and reassembly gives back the document."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubkit.model import (
    BlockQuote, Code, Dateline, Document, Emph, Heading, Link, ListBlock, ListItem, Meta,
    Paragraph, Signature, Strong, Text, tidy_inlines,
)
from pubkit.readers import read_article
from pubkit.segment import PlaceholderError, decode, encode, reassemble, segment

from .conftest import ROOT

text_chars = st.lists(
    st.sampled_from(list("ab xyzЖңөү<>/\\*_[]&12") + ["<1>", "</2>", "<3/>", "\\<", "\\\\"]),
    min_size=1, max_size=12,
).map("".join)


def inline_strategy(depth=2):
    base = st.one_of(st.builds(Text, text_chars), st.builds(Code, text_chars))
    if depth == 0:
        return base
    child = st.lists(inline_strategy(depth - 1), min_size=1, max_size=3).map(tuple)
    return st.one_of(
        base,
        st.builds(Emph, child),
        st.builds(Strong, child),
        st.builds(Link, child, st.sampled_from(["https://example.org/a?b=1&c=2", "mailto:x@y.z"])),
    )


inlines = st.lists(inline_strategy(), min_size=1, max_size=5).map(tidy_inlines).filter(bool)
blocks = st.one_of(
    st.builds(Paragraph, inlines),
    st.builds(Heading, st.integers(1, 3), inlines),
    st.builds(ListBlock, st.lists(st.builds(ListItem, inlines), min_size=1, max_size=3).map(tuple), st.booleans()),
    st.builds(BlockQuote, st.lists(st.builds(Paragraph, inlines), min_size=1, max_size=2).map(tuple)),
    st.builds(Dateline, inlines),
    st.builds(Signature, inlines),
)
documents = st.builds(
    Document,
    st.builds(Meta, title=st.sampled_from(["T", "Title <1> \\ x"]), slug=st.just("s"), subtitle=st.sampled_from(["", "Sub"])),
    st.lists(blocks, max_size=6).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_reassemble_of_segments_gives_back_the_document(doc):
    units = segment(doc)
    assert reassemble(doc, {u.key: u.text for u in units}) == doc


@settings(max_examples=300, deadline=None)
@given(inlines)
def test_encode_decode_roundtrip(spans):
    text, holders = encode(spans)
    assert decode(text, holders) == spans


@settings(max_examples=100, deadline=None)
@given(documents)
def test_keys_are_unique_and_stable(doc):
    keys = [u.key for u in segment(doc)]
    assert len(keys) == len(set(keys))
    assert keys == [u.key for u in segment(doc)]


def test_article_keys_survive_insertions():
    doc = read_article(ROOT / "seeds" / "kazakh-workers-revolt-2022.txt", ROOT)
    before = {u.text: u.key for u in segment(doc)}
    doc2 = Document(doc.meta, (Paragraph((Text("A new first paragraph."),)),) + doc.blocks)
    after = {u.text: u.key for u in segment(doc2)}
    assert all(after[t] == k for t, k in before.items())


def test_article_units():
    doc = read_article(ROOT / "seeds" / "kazakh-workers-revolt-2022.txt", ROOT)
    units = segment(doc)
    kinds = [u.kind for u in units]
    assert kinds.count("heading") == 4 and kinds.count("list-item") == 9
    assert kinds[:2] == ["title", "subtitle"] and kinds[-2:] == ["dateline", "signature"]
    assert all(u.line > 0 for u in units)


def test_translation_replaces_text_and_keeps_markup():
    doc = Document(Meta("T", "s"), (Paragraph((Text("See "), Link((Text("the report"),), "https://x.org"), Text(" now"))),))
    unit = segment(doc)[1]
    assert unit.text == "See <1>the report</1> now"
    out = reassemble(doc, {unit.key: "Смотрите <1>отчёт</1>"})
    assert out.blocks[0].content == (Text("Смотрите "), Link((Text("отчёт"),), "https://x.org"))


@pytest.mark.parametrize("bad", ["no tags", "<1>open", "</1>x<1>", "<1>a</1><1>b</1>", "<2>x</2> <1>y</1>"])
def test_broken_tags_are_reported(bad):
    _, holders = encode((Emph((Text("x"),)),))
    with pytest.raises(PlaceholderError):
        decode(bad, holders)
