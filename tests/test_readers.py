"""Readers: the article as received becomes the document an editor expects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pubkit.errors import InputError
from pubkit.model import (
    Code, Dateline, Emph, Heading, Link, ListBlock, Paragraph, Signature, Strong, Text, plain_text,
)
from pubkit.readers import read_article
from pubkit.segment import segment

from .conftest import ROOT, golden
from .outline import outline

SEED = ROOT / "seeds" / "kazakh-workers-revolt-2022.txt"
GOLDEN = Path(__file__).parent / "golden" / "readers"


@pytest.fixture(scope="module")
def article():
    return read_article(SEED, ROOT)


def test_article_golden(article):
    golden(GOLDEN / "kazakh-workers-revolt-2022.outline.txt", outline(article))


def test_article_structure(article):
    m = article.meta
    assert m.title == "The revolt of the Kazakh workers, balance and prospects"
    assert m.subtitle == "The classes fight each other, and the story goes on"
    assert m.date == "2022-01-27" and m.lang == "en" and m.slug == "kazakh-workers-revolt-2022"
    assert m.authors[0].name == "Permanent Revolution Collective"
    assert m.authors[0].countries == ("Austria", "France", "Spain", "Turkey")
    headings = [b for b in article.blocks if isinstance(b, Heading)]
    assert len(headings) == 4
    lists = [b for b in article.blocks if isinstance(b, ListBlock)]
    assert len(lists) == 1 and len(lists[0].items) == 9
    assert isinstance(article.blocks[-2], Dateline) and isinstance(article.blocks[-1], Signature)
    assert article.blocks[-1].content[0].text == "Permanent Revolution Collective (Austria, France, Spain, Turkey)"


def test_web_leftover_never_in_document(article):
    assert not any("Comments Off" in u.text for u in segment(article))


def test_seed_is_kept_as_received():
    """The editor's fixes live in the sidecar; the seed keeps the web page's text."""
    raw = SEED.read_text(encoding="utf-8")
    assert "workers,balance" in raw and "Collective(Austria" in raw and "Comments Off on" in raw


def test_stale_correction_is_reported(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Title\n\nA paragraph.\n", encoding="utf-8")
    src.with_suffix(".yaml").write_text("corrections:\n  - {find: 'nope', replace: 'yes'}\n", encoding="utf-8")
    with pytest.raises(InputError, match="no longer matches") as exc:
        read_article(src, tmp_path)
    assert exc.value.location.path.name == "a.yaml"


def test_markdown_reader_golden():
    doc = read_article(ROOT / "tests" / "data" / "sample.md", ROOT)
    golden(GOLDEN / "sample-markdown.outline.txt", outline(doc))
    assert doc.meta.title == "Strikes in *Aqtaw*: a sample"
    assert doc.meta.slug == "sample-markdown" and doc.meta.date == "2022-02-01"
    para = next(b for b in doc.blocks if isinstance(b, Paragraph))
    kinds = {type(s) for s in para.content}
    assert {Strong, Emph, Link, Code} <= kinds
    link = next(s for s in para.content if isinstance(s, Link))
    assert link.url == "https://example.org/report" and link.title == "Report"
    lists = [b for b in doc.blocks if isinstance(b, ListBlock)]
    assert [x.ordered for x in lists] == [True, False]
    # raw HTML is read as markup (the HTML reader), never printed as tags
    last = doc.blocks[-1]
    assert isinstance(last, Paragraph) and Strong((Text("raw"),)) in last.content
    assert "<" not in plain_text(last.content) and "&" in plain_text(last.content)


def test_markdown_title_from_first_heading(tmp_path):
    p = tmp_path / "x.md"
    p.write_text("# The Title\n\n## Part\n\nText.\n", encoding="utf-8")
    doc = read_article(p, tmp_path)
    assert doc.meta.title == "The Title" and doc.meta.slug == "x"
    assert isinstance(doc.blocks[0], Heading) and doc.blocks[0].level == 1


@pytest.mark.parametrize(
    "content, message, line",
    [
        (b"", "empty", 0),
        (b"   \n\n \t\n", "empty", 0),
        ("Заголовок\n\nТекст статьи.\n".encode("cp1251"), "cp1251", 1),
        (b"\x00\x01\x02binary\xff\xfe", "binary", 1),
    ],
)
def test_bad_plain_text(tmp_path, content, message, line):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message) as exc:
        read_article(p, tmp_path)
    assert exc.value.location.path.name == "bad.txt"
    assert exc.value.location.line == line


def test_bom_and_crlf_are_accepted(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("\ufeffTitle\r\n\r\nA paragraph.\r\n".encode("utf-8"))
    doc = read_article(p, tmp_path)
    assert doc.meta.title == "Title" and doc.blocks[0].content[0].text == "A paragraph."


def test_malformed_front_matter(tmp_path):
    p = tmp_path / "m.md"
    p.write_text("---\ntitle: [unclosed\n---\n\nText\n", encoding="utf-8")
    with pytest.raises(InputError, match="front matter") as exc:
        read_article(p, tmp_path)
    assert exc.value.location.line >= 2


def test_unknown_suffix(tmp_path):
    p = tmp_path / "a.odt"  # OpenDocument: README says pandoc converts it
    p.write_bytes(b"PK")
    with pytest.raises(InputError, match="no reader") as err:
        read_article(p, tmp_path)
    assert ".docx" in (err.value.hint or "") and ".html" in (err.value.hint or "")


def test_new_markdown_article_is_picked_up(project):
    from pubkit.config import load_config
    from pubkit.project import load_articles

    shutil.copy(ROOT / "tests" / "data" / "sample.md", project / "seeds" / "sample.md")
    slugs = [d.meta.slug for d in load_articles(load_config(project))]
    assert slugs == ["kazakh-workers-revolt-2022", "sample-markdown"]


@pytest.mark.parametrize(
    "char, message",
    [("\x07", "control character"), ("\x0c", "control character"), ("\u202e", "right-to-left"),
     ("\u2067", "right-to-left"), ("\u200b", "zero-width"), ("\ufeff", "zero-width")],
)
def test_invisible_and_forbidden_characters(tmp_path, char, message):
    p = tmp_path / "a.txt"
    p.write_text(f"Title\n\nFirst line.\n\nSecond {char}line.\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        read_article(p, tmp_path)
    assert exc.value.location.line == 5 and "column 8" in exc.value.message


def test_emoji_and_huge_input_are_accepted(tmp_path):
    p = tmp_path / "a.txt"
    long_para = ("Word " * 40_000).strip() + "."  # 200,000 characters
    many = "\n\n".join(f"Paragraph number {i} ends here." for i in range(10_000))
    p.write_text(f"Title ✊\n\nStrike 🚩 now.\n\n{long_para}\n\n{many}\n", encoding="utf-8")
    doc = read_article(p, tmp_path)
    assert len(doc.blocks) == 10_002
    assert len(doc.blocks[1].content[0].text) == 200_000
    assert doc.meta.title == "Title ✊"
