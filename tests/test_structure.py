"""The editor's word on structure: guesses are visible (outline, check, publish), settled by
sidecar keys, and a settled subtitle never costs a reviewer's translation. Readers never
fail with anything but a clear InputError, whatever text is pasted."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubkit.catalog import State, dumps, load, po_path, state_of
from pubkit.commands import check, outline, update
from pubkit.config import load_config
from pubkit.errors import InputError
from pubkit.model import BlockQuote, Heading, ListBlock, Paragraph, Text
from pubkit.readers import read_article
from pubkit.segment import reassemble, segment
from pubkit.typography import typeset_inlines

from .conftest import ROOT

ARTICLE = """Oil workers of Mangystau

What happened in Zhanaozen

On 2 January the price of gas doubled overnight, and the workers gathered on the square.

Why did it spread?

Because the same companies run every field in the region.

  1. Bring the gas price back.
  2. Raise the wages.

"We are workers, not terrorists."
— placard in Aqtobe
"""


def _write(tmp_path, text=ARTICLE, sidecar=None, name="a"):
    p = tmp_path / f"{name}.txt"
    p.write_text(text, encoding="utf-8")
    if sidecar is not None:
        p.with_suffix(".yaml").write_text(sidecar, encoding="utf-8")
    return p


def _kinds(doc):
    return [(type(b).__name__, b.line) for b in doc.blocks]


def test_every_guess_is_recorded_with_the_key_that_settles_it(tmp_path):
    doc = read_article(_write(tmp_path), tmp_path)
    assert doc.meta.subtitle == "What happened in Zhanaozen"
    guesses = {(g.line, g.chosen) for g in doc.guesses}
    assert guesses == {(3, "subtitle"), (7, "heading"), (14, "attribution")}
    assert all(not g.settled and g.settle for g in doc.guesses)
    sub = next(g for g in doc.guesses if g.chosen == "subtitle")
    assert "subtitle: none" in sub.settle and "heading" in sub.alternatives


def test_subtitle_none_keeps_the_block_as_what_it_is(tmp_path):
    doc = read_article(_write(tmp_path, sidecar="subtitle: none\n"), tmp_path)
    assert doc.meta.subtitle == ""
    assert isinstance(doc.blocks[0], Heading)
    assert doc.blocks[0].content == (Text("What happened in Zhanaozen"),)
    assert not any(g.chosen == "subtitle" for g in doc.guesses)


def test_subtitle_text_in_the_sidecar_is_not_a_line_of_the_text(tmp_path):
    doc = read_article(_write(tmp_path, sidecar="subtitle: A report from the fields\n"), tmp_path)
    assert doc.meta.subtitle == "A report from the fields"
    assert isinstance(doc.blocks[0], Heading)  # the line after the title stays in the text


def test_structure_hints_override_guesses(tmp_path):
    sidecar = "structure:\n  3: subtitle\n  7: paragraph\n  11-12: paragraph\n  14: paragraph\n  9: quote\n"
    doc = read_article(_write(tmp_path, sidecar=sidecar), tmp_path)
    assert doc.meta.subtitle == "What happened in Zhanaozen"
    kinds = _kinds(doc)
    assert ("Paragraph", 7) in kinds and ("BlockQuote", 9) in kinds and ("Paragraph", 11) in kinds
    assert not any(isinstance(b, BlockQuote) and b.attribution for b in doc.blocks)
    assert all(g.settled for g in doc.guesses)


def test_structure_list_and_drop(tmp_path):
    text = ("Title\n\nBody text here.\n\nAgenda\n\nOne thing\nAnother thing\n\n"
            "Advertisement: buy now\n\nEnd.\n")
    sidecar = "subtitle: none\nstructure:\n  7-8: list\n  10: drop\n"
    doc = read_article(_write(tmp_path, text, sidecar), tmp_path)
    lst = next(b for b in doc.blocks if isinstance(b, ListBlock))
    assert [i.content for i in lst.items] == [(Text("One thing"),), (Text("Another thing"),)]
    assert "Advertisement" not in " ".join(u.text for u in segment(doc))


def test_bad_structure_hints_name_the_sidecar_and_line(tmp_path):
    with pytest.raises(InputError) as err:
        read_article(_write(tmp_path, sidecar="structure:\n  12: headline\n"), tmp_path)
    assert err.value.location.path.name == "a.yaml" and err.value.location.line == 2
    with pytest.raises(InputError, match="did you mean `structure`"):
        read_article(_write(tmp_path, sidecar="structur:\n  12: heading\n"), tmp_path)


def test_languages_key_marks_passages(tmp_path):
    from pubkit.model import Span

    text = "Title\n\nThe crowd shouted «Шал, кет!» on the square.\n"
    doc = read_article(_write(tmp_path, text, 'languages:\n  kk: ["Шал, кет!"]\n'), tmp_path)
    assert Span((Text("Шал, кет!"),), "kk") in doc.blocks[0].content
    with pytest.raises(InputError, match="language code"):
        read_article(_write(tmp_path, text, 'languages:\n  "Kazakh!": ["Шал"]\n'), tmp_path)


def test_source_language_keeps_the_authors_quotes_and_converts_straight_ones():
    spans = (Text('«Шал, кет!» and „Solidarität“ and “Old man” and "straight"'),)
    kept = typeset_inlines(spans, "en", keep_typed=True)[0].text
    assert kept.startswith("«Шал, кет!» and „Solidarität“ and “Old man”") and kept.endswith("“straight”")
    translated = typeset_inlines(spans, "ru")[0].text
    assert "«Шал, кет!»" in translated and "“Old man”" not in translated  # a translation gets its language's


@pytest.fixture
def guess_project(project):
    shutil.copy(ROOT / "tests" / "articles" / "interview-qa.txt", project / "seeds" / "interview-qa.txt")
    return project


def test_outline_command_prints_blocks_lines_and_guesses(guess_project, capsys):
    outline.run(root=guess_project, article="interview-qa")
    out = capsys.readouterr().out
    assert "== seeds/interview-qa.txt" in out
    assert "   13 heading1: What has changed since January?" in out
    assert "GUESS: heading, or paragraph?" in out and "structure: {13: paragraph}" in out


def test_check_warns_about_unsettled_guesses(guess_project, capsys):
    found = [d for d in check.collect(load_config(guess_project)) if d.code == "structure-guess"]
    assert len(found) == 1 and str(found[0].location) == "seeds/interview-qa.txt:13"
    assert "seeds/interview-qa.yaml" in found[0].hint and "structure: {13: paragraph}" in found[0].hint
    settled = "structure:\n  13: heading\n"
    (guess_project / "seeds" / "interview-qa.yaml").write_text(settled, encoding="utf-8")
    assert not [d for d in check.collect(load_config(guess_project)) if d.code == "structure-guess"]


def test_settling_the_subtitle_keeps_its_reviewed_translation(project):
    """`subtitle: none` turns the subtitle back into a heading: its reviewed text stays current."""
    cfg = load_config(project)
    _write(project / "seeds", name="mangystau")
    update.run(root=project, langs=["fr"], article="mangystau", verbose=False)
    path = po_path(cfg, "fr", "mangystau")
    pf = load(path)
    entry = next(e for e in pf.po if e.msgid == "What happened in Zhanaozen")
    entry.msgstr = "Ce qui s'est passé à Zhanaozen"
    path.write_text(dumps(pf.po), encoding="utf-8")
    (project / "seeds" / "mangystau.yaml").write_text("subtitle: none\n", encoding="utf-8")
    update.run(root=project, langs=["fr"], article="mangystau", verbose=False)
    after = [e for e in load(path).po if e.msgid == "What happened in Zhanaozen"]
    assert len(after) == 1 and not after[0].obsolete and state_of(after[0]) is State.REVIEWED
    assert after[0].msgstr == "Ce qui s'est passé à Zhanaozen"


# --------------------------------------------------------------- no traceback, ever

LINES = st.sampled_from([
    "", "", "  ", "Title", "A sentence that ends.", "1. First", "  a) nested", "\tb.\ttabbed", "II. Part",
    "• bullet", "o\tsub", "> quoted", ">", "— Somebody", "WHAT NOW", "Why?", "[1] A note.", "¹ Note",
    "See [1] and ¹ here.", "https://example.org/x.", "Share this:", "Tags: a, b", "Related posts",
    "Posted by Jane on January 5, 2022 | 2 comments", "January 27, 2022", "«Шал, кет!»", "x" * 130,
    "    indented text", "i. roman", "ii. roman", "(c) letter", "2.1 Section", "-- ", "###",
])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINES, min_size=1, max_size=40))
def test_plain_text_reader_never_fails_but_with_input_error(tmp_path, lines):
    p = tmp_path / "fuzz.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    try:
        doc = read_article(p, tmp_path)
    except InputError as err:
        assert "empty" in err.message
        return
    units = segment(doc)
    assert reassemble(doc, {u.key: u.text for u in units}) == doc
    for b in doc.blocks:
        assert not isinstance(b, Paragraph) or b.content


MD_LINES = st.sampled_from([
    "", "# Title", "## Part", "Text with *emph* and `code`.", "1. one", "   - nested", "3) three", "- a",
    "> quoted", "> — Someone", "```", "code line", "| a | b |", "|---|---|", "| 1 | 2 |", "[^1]: note",
    "See[^1] and [^2].", "![alt](https://x.org/i.png)", "[Шал]{lang=kk}", "[x]{lang=}", "line  ", "\\",
    "    indented code", "***", "<b>raw</b>", "---", "H<sub>2</sub>O x<sup>2</sup> <abbr>A</abbr><br>",
    "<figure><img src='i.png' alt='a'><figcaption>c <em>d</em></figcaption></figure>", "<video src=v>",
    "{{< ref x >}}", "<aside>", "</aside>", "<table><tr><th>h</th></tr><tr><td>c<br></td></tr></table>",
])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MD_LINES, min_size=1, max_size=30))
def test_markdown_reader_never_fails_but_with_input_error(tmp_path, lines):
    p = tmp_path / "fuzz.md"
    p.write_text("# T\n\n" + "\n".join(lines), encoding="utf-8")
    try:
        doc = read_article(p, tmp_path)
    except InputError:
        return
    units = segment(doc)
    assert reassemble(doc, {u.key: u.text for u in units}) == doc


def test_publish_says_how_many_guesses_are_unsettled(guess_project, capsys):
    from pubkit.commands import publish

    publish._guesses(load_config(guess_project), None)
    assert "1 structure guess(es) not settled" in capsys.readouterr().err
