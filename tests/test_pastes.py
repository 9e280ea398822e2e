"""Plain text pasted from web pages (issue 21): the page's clutter above and around the article
is recognised, dropped and shown as a guess with the keys that settle it; the title is a guess
whenever it might not be one; ``structure:`` takes ``title``, ``date`` and ``drop``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubkit.errors import InputError
from pubkit.model import Heading, Note, Paragraph, plain_text
from pubkit.readers import read_article
from pubkit.readers.plainlines import clutter
from pubkit.segment import segment

from pubkit.outline import outline

from .conftest import ROOT, golden

PASTE = ROOT / "tests" / "corpus" / "pastes" / "web-page-paste.txt"


def read(tmp_path: Path, text: str, sidecar: str = ""):
    path = tmp_path / "paste.txt"
    path.write_text(text, encoding="utf-8")
    if sidecar:
        path.with_suffix(".yaml").write_text(sidecar, encoding="utf-8")
    return read_article(path, tmp_path)


@pytest.mark.parametrize("line, kind", [
    ("Skip to content", "navigation"), ("Home | News | Opinion | About us", "navigation"),
    ("Tag Archives: strike", "label"), ("Error", "navigation"), ("Press Statement", "label"),
    ("FOR IMMEDIATE RELEASE", "label"), ("Reuters Staff", "byline"), ("By Jane Doe and John Roe", "byline"),
    ("1 Min Read", "reading time"), ("March 3, 2022 4:15 PM EST", "timestamp"),
    ("Updated 3 hours ago", "timestamp"), ("World", "category"), ("press@union.example.org", "contact"),
    ("Tel: +33 1 23 45 67 89", "contact"), ("Photo: Workers march in Zhanaozen (Reuters)", "caption"),
    ("Workers march in Zhanaozen. REUTERS/Pavel Mikheyev", "caption"),
])
def test_clutter_lines_are_recognised(line, kind):
    found = clutter(line)
    assert found is not None and found.kind == kind


@pytest.mark.parametrize("line", [
    "Why did the strike spread so fast?", "The oil workers of Mangystau",
    "Minutes of the joint strike committee, 4 January 2022", "Bring the gas price back to 60 tenge a litre.",
    "Workers of the world", "By the evening the whole town had stopped work.",
])
def test_article_lines_are_not_clutter(line):
    assert clutter(line) is None


def test_a_pasted_page_keeps_only_the_article_and_shows_every_guess():
    doc = read_article(PASTE, ROOT)
    golden(PASTE.with_name("web-page-paste.outline.txt"), outline(doc))
    assert doc.meta.title == "Oil workers of Mangystau win their demands"
    assert doc.meta.date == "2022-03-03" and [a.name for a in doc.meta.authors] == ["Aigerim Sadykova"]
    texts = [u.text for u in segment(doc)]
    for clutter_text in ("Skip to content", "Tag Archives", "World", "5 min read", "Photo:", "By Aigerim"):
        assert not any(clutter_text in t for t in texts), clutter_text
    assert not any(isinstance(b, Heading) for b in doc.blocks), "the repeated title is dropped"
    by_line = {g.line: g for g in doc.guesses}
    dropped = [1, 2, 4, 6, 14, 18, 22]
    for line in dropped:
        assert by_line[line].chosen == "drop" and f"{{{line}: paragraph}}" in by_line[line].settle
    assert by_line[12].chosen == "date" and "{12: date}" in by_line[12].settle
    assert by_line[10].chosen == "byline" and "{10: drop}" in by_line[10].settle
    title = by_line[8]
    assert title.chosen == "title" and "{8: drop}" in title.settle and "clutter" in title.reason
    assert not any(g.settled for g in doc.guesses)


def test_guesses_settle_with_title_date_drop_and_paragraph(tmp_path):
    text = PASTE.read_text(encoding="utf-8")
    doc = read(tmp_path, text, "structure:\n  6: paragraph\n  8: title\n  12: date\n  10: drop\n")
    assert doc.meta.title == "Oil workers of Mangystau win their demands"
    assert doc.meta.date == "2022-03-03" and not doc.meta.authors, "a dropped byline offers no author"
    first = next(b for b in doc.blocks if isinstance(b, Paragraph))
    assert plain_text(first.content).startswith("On 2 January")
    doc = read(tmp_path, "Home\n\nA real title\n\n12 March 2024\n\nText of the article, long enough to be a "
               "paragraph of its own and more than that.\n", "structure:\n  3: title\n")
    assert doc.meta.title == "A real title" and doc.meta.date == "2024-03-12"
    with pytest.raises(InputError, match="is not a date"):
        read(tmp_path, "Title\n\nNot a date at all\n\nText.\n", "structure:\n  3: date\n")


def test_a_short_first_line_is_a_guess_and_a_date_after_the_title_is_the_date(tmp_path):
    doc = read(tmp_path, "Error\n\nStatement on the strike\n\n27 January 2022\n\nThe strike committee "
               "calls on every worker of the region to join the strike on Monday morning.\n")
    assert doc.meta.title == "Statement on the strike" and doc.meta.date == "2022-01-27"
    assert not doc.meta.subtitle, "the date line is not a subtitle"
    doc = read(tmp_path, "Solidarity\n\nThe committee calls on every worker of the region to join the "
               "strike on Monday morning, said its chair on Sunday.\n")
    guess = next(g for g in doc.guesses if g.line == 1)
    assert guess.chosen == "title" and "short" in guess.reason and "{1: drop}" in guess.settle


def test_a_subtitle_shaped_like_the_later_headings_is_a_heading(tmp_path):
    body = "A paragraph of the article that is long enough to be read as the article's own text here."
    doc = read(tmp_path, f"The title of it\n\nWhat happened\n\n{body}\n\nWhy it spread\n\n{body}\n\n"
               f"What comes next\n\n{body}\n")
    assert not doc.meta.subtitle
    assert [plain_text(b.content) for b in doc.blocks if isinstance(b, Heading)] == [
        "What happened", "Why it spread", "What comes next"]
    guess = next(g for g in doc.guesses if g.line == 3)
    assert guess.chosen == "heading" and guess.settle == "structure: {3: subtitle}"


def test_notes_are_footnotes_even_with_a_closing_line_after_them(tmp_path):
    doc = read(tmp_path, "A title\n\nThe strike began on 2 January.[1] It spread fast.[2]\n\n"
               "[1] Reported by the union.\n[2] See the committee's statement.\n\nENDS\n")
    assert [n.id for n in doc.notes] == ["1", "2"] and all(isinstance(n, Note) for n in doc.notes)
    assert plain_text(doc.blocks[-1].content) == "ENDS"


def test_a_thematic_break_in_plain_text(tmp_path):
    doc = read(tmp_path, "A title\n\nThe first part of the text, in a sentence.\n\n* * *\n\n"
               "The second part of the text, in a sentence.\n")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Break", "Paragraph"]


def test_a_closing_dash_name_signs_the_article(tmp_path):
    para = "A paragraph of the article, with a sentence or two in it."
    text = f"A title\n\n{para}\n\n{para}\n\n{para}\n\n-- Jane Doe\n"
    doc = read(tmp_path, text)
    assert type(doc.blocks[-1]).__name__ == "Signature" and plain_text(doc.blocks[-1].content) == "Jane Doe"
    guess = next(g for g in doc.guesses if g.line == 9)
    assert guess.chosen == "signature" and guess.settle == "structure: {9: attribution}"
    doc = read(tmp_path, text, "structure:\n  9: attribution\n")
    assert type(doc.blocks[-1]).__name__ == "BlockQuote"
