"""Segmentation: units with stable keys, and reassembly gives back the document."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubkit.model import (
    BlockQuote, Code, CodeBlock, Dateline, Document, Emph, Heading, Image, LineBreak, Link, ListBlock,
    ListItem, Meta, Note, NoteRef, Paragraph, Signature, Span, Strong, Table, Text, tidy_inlines,
)
from pubkit.readers import read_article
from pubkit.segment import PlaceholderError, decode, encode, reassemble, segment

from .conftest import ROOT

text_chars = st.lists(
    st.sampled_from(list("ab xyzЖңөү<>/\\*_[]&12") + ["<1>", "</2>", "<3/>", "\\<", "\\\\"]),
    min_size=1, max_size=12,
).map("".join)


def inline_strategy(depth=2):
    base = st.one_of(
        st.builds(Text, text_chars), st.builds(Code, text_chars), st.just(LineBreak()),
        st.builds(NoteRef, st.sampled_from(["1", "2", "note-a"])),
    )
    if depth == 0:
        return base
    child = st.lists(inline_strategy(depth - 1), min_size=1, max_size=3).map(tuple)
    return st.one_of(
        base,
        st.builds(Emph, child),
        st.builds(Strong, child),
        st.builds(Link, child, st.sampled_from(["https://example.org/a?b=1&c=2", "mailto:x@y.z"])),
        st.builds(Span, child, st.sampled_from(["kk", "ru"])),
    )


inlines = st.lists(inline_strategy(), min_size=1, max_size=5).map(tidy_inlines).filter(bool)
maybe_inlines = st.one_of(st.just(()), inlines)
leaf_blocks = st.one_of(
    st.builds(Paragraph, inlines),
    st.builds(Heading, st.integers(1, 3), inlines),
    st.builds(Dateline, inlines),
    st.builds(Signature, inlines),
    st.builds(CodeBlock, text_chars, st.sampled_from(["", "python"])),
    st.builds(Image, st.just("https://example.org/i.png"), inlines),
    st.integers(1, 3).flatmap(lambda n: st.builds(
        Table, st.lists(inlines, min_size=n, max_size=n).map(tuple),
        st.lists(st.lists(maybe_inlines, min_size=n, max_size=n).map(tuple), max_size=3).map(tuple))),
)


def _nested(children):
    """Lists whose items hold blocks (nested lists, quotes in items, lists in quotes)."""
    item = st.builds(ListItem, inlines, st.lists(children, max_size=2).map(tuple))
    return st.one_of(
        st.builds(ListBlock, st.lists(item, min_size=1, max_size=3).map(tuple), st.booleans(),
                  st.integers(0, 12), style=st.sampled_from(["1", "a", "i", "A", "I"]),
                  delim=st.sampled_from([".", ")"])),
        st.builds(BlockQuote, st.lists(children, min_size=1, max_size=2).map(tuple),
                  attribution=maybe_inlines),
    )


blocks = st.recursive(leaf_blocks, _nested, max_leaves=8)
note = st.builds(Note, st.sampled_from(["1", "2", "x"]), st.lists(blocks, min_size=1, max_size=2).map(tuple))
notes = st.lists(note, max_size=2).map(tuple)
documents = st.builds(
    Document,
    st.builds(Meta, title=st.sampled_from(["T", "Title <1> \\ x"]), slug=st.just("s"), subtitle=st.sampled_from(["", "Sub"])),
    st.lists(blocks, max_size=6).map(tuple),
    notes,
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


def test_code_blocks_are_never_units_and_new_passages_are():
    doc = Document(Meta("T", "s"), (
        CodeBlock("print('hello')\n  x = 1\n"),
        BlockQuote((Paragraph((Text("Words."),)),), attribution=(Text("Someone"),)),
        Table(((Text("Year"),), (Text("Strikes"),)), (((Text("2022"),), (Text("many"),)),)),
        Image("https://x.org/a.png", (Text("A crowd in the square"),)),
        ListBlock((ListItem((Text("one"),), (ListBlock((ListItem((Text("inner"),)),), ordered=True,
                                                        style="a"),)),)),
        Paragraph((Text("Line"), LineBreak(), Text("next"), NoteRef("1"), Span((Text("Шал"),), "kk"))),
    ), notes=(Note("1", (Paragraph((Text("The note."),)),)),))
    units = segment(doc)
    kinds = [u.kind for u in units]
    assert kinds == ["title", "paragraph", "attribution", "table-cell", "table-cell",
                     "table-cell", "table-cell", "image-alt", "list-item", "list-item", "paragraph", "note"]
    assert all("print" not in u.text for u in units)
    para = next(u for u in units if u.text.startswith("Line"))
    assert para.text == "Line<1/>next<2/><3>Шал</3>"
    assert [p.kind for p in para.placeholders] == ["br", "noteref", "span"]
    assert para.placeholders[2].lang == "kk" and para.placeholders[1].note == "1"
    out = reassemble(doc, {u.key: u.text.upper() if "<" not in u.text else u.text for u in units})
    assert out.blocks[0] == doc.blocks[0]  # verbatim
    assert out.notes[0].blocks[0].content == (Text("THE NOTE."),)
    assert out.blocks[1].attribution == (Text("SOMEONE"),)
