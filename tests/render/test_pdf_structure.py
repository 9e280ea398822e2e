"""The PDF's structure tree, walked from /StructTreeRoot: one article element, each paragraph one
element however many pages it crosses, running heads, page numbers and leader dots as artifacts,
and every piece of tagged content in the tree (render/pdf_tags.py)."""

from __future__ import annotations

import re

import pikepdf
import pytest

from pubkit.render import pdf as pdf_writer


def _tree(pdf: pikepdf.Pdf):
    """(S, element, depth) for every structure element, in the tree's order."""
    out = []

    def walk(node, depth):
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                out.append((str(kid.get("/S")), kid, depth))
                walk(kid, depth + 1)

    walk(pdf.Root.StructTreeRoot, 0)
    return out


def _tree_mcids(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
    found = set()
    for _, element, _ in _tree(pdf):
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in kids:
            if isinstance(kid, int):
                found.add((pages[element.Pg.objgen], int(kid)))
    return found


def _content(pdf: pikepdf.Pdf) -> tuple[set[tuple[int, int]], list[int]]:
    """Tagged content (page, MCID) and the number of artifact sequences per page."""
    tagged, artifacts = set(), []
    for n, page in enumerate(pdf.pages):
        count = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                tagged.add((n, int(operands[1].MCID)))
            elif str(operator) == "BMC" and str(operands[0]) == "/Artifact":
                count += 1
        artifacts.append(count)
    return tagged, artifacts


@pytest.fixture(scope="module")
def english(article_dist):
    path = article_dist["en"].with_suffix(".pdf")
    with pikepdf.open(path) as pdf:
        yield pdf


def test_one_article_element_and_one_element_per_paragraph(english, cfg, editions):
    tree = _tree(english)
    arts = [element for s, element, _ in tree if s == "/Art"]
    assert len(arts) == 1, f"{len(arts)} Art elements"
    html = pdf_writer.render_html(editions["en"], cfg)
    article = html[html.index('<article class="text'):html.index("</article>")]
    paragraphs = len(re.findall(r"<p[ >]", article))
    inside = []

    def count(node):
        kids = node.get("/K")
        for kid in (list(kids) if isinstance(kids, pikepdf.Array) else []):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                if str(kid.S) == "/P":
                    inside.append(kid)
                count(kid)

    count(arts[0])
    assert len(inside) == paragraphs, (len(inside), paragraphs)
    assert len(english.pages) > 3  # the article crosses pages, so the merge was needed


def test_margins_and_leaders_are_artifacts_and_all_tagged_content_is_in_the_tree(english):
    tagged, artifacts = _content(english)
    assert tagged == _tree_mcids(english), "tagged content outside the tree, or tree entries without content"
    assert all(count >= 1 for count in artifacts[1:]), artifacts  # every page after the title page: its number
    tree = _tree(english)
    nav = next(i for i, (s, _, depth) in enumerate(tree) if depth == 1 and s == "/NonStruct")
    end = next(i for i in range(nav + 1, len(tree)) if tree[i][2] == 1)
    entries = sum(1 for s, _, _ in tree[nav:end] if s == "/LI")
    assert entries >= 3
    assert artifacts[1] >= entries + 1, "the contents' leader dots (and the page number) are artifacts"
    assert all(count >= 2 for count in artifacts[3:-1]), "running head and page number on the article's pages"
