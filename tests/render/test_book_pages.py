"""A collection's book read back from its PDF: parts open a page, no heading ends a page, no
table row is split (the header row repeats where a table breaks)."""

from __future__ import annotations

import re
import subprocess

import pytest

from pubkit.config import load_config
from pubkit.pipeline import build

from ..conftest import copy_project
from ..tools import require_tool

ROWS = 30
LONG_TITLE = ("A long title for an article about the strikes that spread from Zhanaozen to the whole of "
              "Kazakhstan in January")
TABLE_ARTICLE = f"""---
title: "{LONG_TITLE}"
subtitle: "With a subtitle long enough to need two lines on an A5 page in the book"
authors: [Jane Doe]
date: 2022-02-01
---

The oil workers' demands, town by town.

| Town | Strikers | Demand |
|---|---|---|
""" + "".join(f"| R{n}A town | {n * 100} | A demand long enough to wrap inside its cell over several lines, as the strikers of each town wrote it down in their own words, R{n}Z |\n"
              for n in range(1, ROWS + 1)) + """
What happened next is told in the other part.
"""
BOOK = """\
title: Statements on Kazakhstan
parts:
  - title: The January uprising
    articles: [kazakh-workers-revolt-2022]
  - title: The strikers' demands
    articles: [demands-table]
"""
PART_TITLES = ("The January uprising", "The strikers’ demands")  # as typeset


@pytest.fixture(scope="module")
def book_pages(tmp_path_factory):
    """The English book's pages as pdftotext gives them (word boxes joined into lines)."""
    project = copy_project(tmp_path_factory.mktemp("book"))
    (project / "seeds" / "demands-table.md").write_text(TABLE_ARTICLE, encoding="utf-8")
    (project / "collections").mkdir()
    (project / "collections" / "pamphlet.yaml").write_text(BOOK, encoding="utf-8")
    cfg = load_config(project)
    build(cfg, langs=["en"], formats=["pdf"], workers=1)
    pdf = cfg.dist / "pamphlet.en.pdf"
    xml = subprocess.run([require_tool("pdftotext"), "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True, timeout=120).stdout
    pages = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", xml, re.S):
        lines = []
        for top, line in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)"[^>]*>(.*?)</line>', page, re.S):
            words = re.findall(r"<word[^>]*>([^<]*)</word>", line)
            lines.append((float(top), " ".join(words).replace("&apos;", "'").replace("&amp;", "&")))
        pages.append([text for _, text in sorted(lines, key=lambda pair: pair[0])])  # top to bottom
    return pages


def _body(page: list[str]) -> list[str]:
    """A page's lines without its running head and page number."""
    lines = [line for line in page if not re.fullmatch(r"\d+", line)]
    return [line for line in lines if line != "Statements on Kazakhstan"]


def test_each_part_opens_a_page(book_pages):
    for title in PART_TITLES:
        where = [(n, _body(page)) for n, page in enumerate(book_pages) if title in _body(page)]
        assert len(where) == 1, (title, where)
        n, body = where[0]
        before = body[:body.index(title)]
        # first on its page, or after the book's own head (its title and byline) on the first page of text
        assert all("Jane Doe" in line for line in before), f"part {title!r} starts mid-page {n + 1}: {before}"


def test_no_page_ends_with_a_heading_or_a_title_block(book_pages):
    titles = set(PART_TITLES) | {"The revolt of the Kazakh workers, balance and prospects"}
    for n, page in enumerate(book_pages):
        body = _body(page)
        if not body or n < 2:
            continue  # title page and contents
        last = body[-1]
        assert last not in titles, f"page {n + 1} ends with the heading {last!r}"
        assert not LONG_TITLE.endswith(last) and "Jane Doe" not in last, f"page {n + 1} ends with {last!r}"


def test_no_table_row_is_split_and_the_header_repeats(book_pages):
    seen: dict[int, set[int]] = {}
    for n, page in enumerate(book_pages):
        for line in page:
            for m in re.finditer(r"\bR(\d+)[AZ]\b", line):
                seen.setdefault(int(m.group(1)), set()).add(n)
    assert sorted(seen) == list(range(1, ROWS + 1))
    split = {row: pages for row, pages in seen.items() if len(pages) > 1}
    assert not split, f"rows split across pages: {split}"
    table_pages = sorted({p for pages in seen.values() for p in pages})
    assert len(table_pages) >= 2, "the table should span pages for this test to mean anything"
    for n in table_pages:
        words = " ".join(book_pages[n]).split()
        assert "Strikers" in words and "Town" in words, f"page {n + 1} continues the table without its header"
