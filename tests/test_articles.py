"""The article corpus (tests/articles/): the shapes editors bring, read right and published.

Each article has a golden outline (``<name>.outline.txt``, the output of ``invoke outline``,
reviewed by a person; ``PUBKIT_REGEN_GOLDEN=1`` rewrites them). Then every article is
published in every language with synthetic translation models (real Argos packages with
random weights): the EPUB text must hold the lists, headings, quotations, notes, code and
tables the source has, where it has them; EPUBCheck finds nothing in one edition of every
article (the languages rotate, so each language is checked too; ``PUBKIT_EPUBCHECK_ALL=1``
checks all of them); the PDFs of four articles (one per language) embed every font and miss
no glyph, and show the same structure in their text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from pubkit.model import CodeBlock, Document, Image, LineBreak, Link, ListBlock, NoteRef, Span, Table
from pubkit.outline import outline
from pubkit.readers import read_article
from pubkit.segment import map_passages, segment

from .conftest import ROOT, golden
from .tools import epubcheck_jar, require_tool

ARTICLES = ROOT / "tests" / "articles"
NAMES = sorted(p.stem for p in ARTICLES.iterdir()
               if p.suffix in (".txt", ".md") and not p.name.endswith(".outline.txt"))
LANGS = ("en", "ru", "ky", "fr")
X = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"


def _path(name: str) -> Path:
    return next(p for p in ARTICLES.iterdir() if p.stem == name and p.suffix in (".txt", ".md"))


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {name: read_article(_path(name), ROOT) for name in NAMES}


def test_the_corpus_has_the_shapes_editors_bring():
    assert len(NAMES) >= 12
    for shape in ("wordpress-paste", "google-docs-export", "word-export", "newsletter-email", "press-release",
                  "interview-qa", "markdown-full"):
        assert shape in NAMES
    word = _path("word-export").read_text(encoding="utf-8")
    assert "\t" in word and "\u00a0" in word


@pytest.mark.parametrize("name", NAMES)
def test_outline_matches_its_reviewed_golden_file(docs, name):
    golden(ARTICLES / f"{name}.outline.txt", outline(docs[name]))


def _walk(doc: Document) -> list:
    """Every inline span of the document (nested ones included)."""
    found: list = []

    def spans(seq):
        for s in seq:
            found.append(s)
            spans(getattr(s, "children", ()))

    map_passages(doc, lambda kind, inl, line: spans(inl) or inl)
    return found


def _blocks(doc: Document) -> list:
    out: list = []

    def walk(b):
        out.append(b)
        for x in getattr(b, "blocks", ()):
            walk(x)
        for item in getattr(b, "items", ()):
            for x in item.blocks:
                walk(x)

    for b in doc.blocks:
        walk(b)
    return out


def test_wordpress_paste(docs):
    doc = docs["wordpress-paste"]
    texts = " ".join(u.text for u in segment(doc))
    for leftover in ("Share this", "Like this", "Tags:", "Categories:", "Related posts", "Comments Off",
                     "Posted by", "2011 Zhanaozen massacre", "Twitter"):
        assert leftover not in texts
    assert doc.meta.authors[0].name == "Aigerim Sadykova" and doc.meta.date == "2022-01-12"
    assert doc.meta.subtitle == ""  # `subtitle: none`: the heading stays a heading, in the contents
    assert [type(b).__name__ for b in doc.blocks[:4]] == ["Heading", "Paragraph", "Paragraph", "ListBlock"]
    assert doc.blocks[3].ordered and len(doc.blocks[3].items) == 3
    assert any(isinstance(s, Span) and s.lang == "kk" for s in _walk(doc))
    urls = {s.url for s in _walk(doc) if isinstance(s, Link)}
    assert "https://example.org/reports/mangystau-2022" in urls
    assert "«" in texts and "»" in texts  # the author's guillemets, as written


def test_markdown_full(docs):
    doc = docs["markdown-full"]
    kinds = {type(b) for b in _blocks(doc)}
    assert {Table, CodeBlock, Image} <= kinds
    spans = _walk(doc)
    assert any(isinstance(s, LineBreak) for s in spans) and any(isinstance(s, NoteRef) for s in spans)
    assert doc.notes and doc.notes[0].id == "shift"
    units = segment(doc)
    assert not any("DECISION 3" in u.text for u in units)  # code is never a unit, never sent to a model
    assert any(u.kind == "image-alt" for u in units) and any(u.kind == "attribution" for u in units)
    top = doc.blocks[2]
    assert isinstance(top, ListBlock) and [len(i.blocks) for i in top.items] == [1, 1, 0]
    assert "committee for the whole field" in " ".join(u.text for u in units)  # front-matter correction


def test_structure_hints_and_subtitle_settle_guesses(docs):
    minutes = docs["meeting-minutes"]
    agenda = next(b for b in minutes.blocks if isinstance(b, ListBlock))
    assert len(agenda.items) == 4 and not minutes.guesses
    assert docs["word-export"].meta.subtitle.startswith("Prepared by")
    assert all(g.settled for g in docs["word-export"].guesses)


# ------------------------------------------------------------------ editions


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """All corpus articles published in every language, machine-drafted by synthetic models."""
    from pubkit.commands import translate, update
    from pubkit.config import load_config
    from pubkit.mt import packages as pk
    from pubkit.mt.synthetic import build as build_model
    from pubkit.pipeline import build

    base = tmp_path_factory.mktemp("corpus")
    project = base / "project"
    (project / "seeds").mkdir(parents=True)
    toml = (ROOT / "pubkit.toml").read_text(encoding="utf-8")
    (project / "pubkit.toml").write_text(toml + '\n[models]\ndir = "models"\n', encoding="utf-8")
    for p in ARTICLES.iterdir():
        if p.suffix in (".txt", ".md", ".yaml") and not p.name.endswith(".outline.txt"):
            shutil.copy(p, project / "seeds" / p.name)
    sample = "\n".join(_path(n).read_text(encoding="utf-8") for n in NAMES[:4])
    for target in LANGS[1:]:
        pk.install_archive(build_model(sample, base, "en", target, preset="tiny"), project / "models")
    update.run(root=project, verbose=False)
    translate.run(root=project, verbose=False)
    cfg = load_config(project)
    build(cfg, formats=["epub"], workers=1)
    pdfs = {name: LANGS[i % len(LANGS)] for i, name in enumerate(NAMES[:: max(1, len(NAMES) // 4)][:4])}
    for name, lang in pdfs.items():
        build(cfg, langs=[lang], article=name, formats=["pdf"], workers=1)
    return cfg, pdfs


def _text_xhtml(cfg, name: str, lang: str):
    with zipfile.ZipFile(cfg.dist / f"{name}.{lang}.epub") as z:
        return etree.fromstring(z.read("EPUB/text.xhtml"))


def _counts(doc: Document) -> dict[str, int]:
    blocks = _blocks(doc)
    return {
        "ol": sum(1 for b in blocks if isinstance(b, ListBlock) and b.ordered),
        "ul": sum(1 for b in blocks if isinstance(b, ListBlock) and not b.ordered),
        "blockquote": sum(1 for b in blocks if type(b).__name__ == "BlockQuote"),
        "pre": sum(1 for b in blocks if isinstance(b, CodeBlock)),
        "table": sum(1 for b in blocks if isinstance(b, Table)),
        "figure": sum(1 for b in blocks if isinstance(b, Image)),
        "heading": sum(1 for b in blocks if type(b).__name__ == "Heading"),
        "notes": len(doc.notes),
    }


# What each article's source has, counted by hand from the source file (not from the reader).
EXPECTED = {
    "wordpress-paste": dict(ol=1, heading=2),
    "google-docs-export": dict(ul=2, heading=4),
    "word-export": dict(ol=2, ul=2, heading=3),
    "newsletter-email": dict(blockquote=2),
    "press-release": dict(ol=1, heading=3, blockquote=1),  # "FOR IMMEDIATE RELEASE" is a label, not one
    "interview-qa": dict(heading=1),
    "markdown-full": dict(ol=1, ul=2, heading=3, table=1, pre=1, figure=1, blockquote=1, notes=1),
    "markdown-lists": dict(ol=3, ul=3, blockquote=1, pre=1),
    "roman-sections": dict(ol=3, heading=4),
    "footnotes-plain": dict(notes=4),
    "quotes-blog": dict(blockquote=2, heading=1, notes=1),
    "loose-list": dict(ol=1, ul=1),
    "meeting-minutes": dict(ul=1, heading=1),
}


def test_every_article_has_its_expected_structure(docs):
    assert set(EXPECTED) == set(NAMES)
    for name, expected in EXPECTED.items():
        counts = _counts(docs[name])
        assert {k: counts[k] for k in expected} == expected, name
        assert all(counts[k] == 0 for k in counts if k not in expected), (name, counts)


@pytest.mark.parametrize("name", NAMES)
def test_every_edition_has_the_structure_of_the_source(published, docs, name):
    cfg, _ = published
    expected = _counts(docs[name])
    for lang in LANGS:
        root = _text_xhtml(cfg, name, lang)
        found = {
            "ol": len(root.findall(f".//{X}ol")) - (1 if expected["notes"] else 0),
            "ul": len(root.findall(f".//{X}ul")),
            "blockquote": len(root.findall(f".//{X}blockquote")),
            "pre": len(root.findall(f".//{X}pre")),
            "table": len(root.findall(f".//{X}table")),
            "figure": len(root.findall(f".//{X}figure")),
            "heading": sum(len(root.findall(f".//{X}h{n}")) for n in (2, 3, 4, 5))
            - (1 if expected["notes"] else 0),  # the notes' own heading
            "notes": len(root.findall(f".//{X}li[@{EPUB_NS}type='endnote']")),
        }
        assert found == expected, (name, lang)
        refs = root.findall(f".//{X}a[@{EPUB_NS}type='noteref']")
        assert len(refs) >= expected["notes"] and all(r.get("href").startswith("#fn-") for r in refs)
        for code in docs[name].blocks:
            if isinstance(code, CodeBlock):  # verbatim in every language
                assert code.text.rstrip("\n") in "".join(p.findtext(f"{X}code") for p in root.iter(f"{X}pre"))


def test_nested_lists_stay_nested_and_keep_their_numbering(published):
    cfg, _ = published
    root = _text_xhtml(cfg, "markdown-lists", "ru")
    first = root.find(f".//{X}ol")
    assert first.get("start") == "3" and first.get("class") == "decimal paren"
    assert "counter-reset: list-item 2" in first.get("style")  # WeasyPrint ignores `start`
    assert first.find(f"{X}li/{X}ol") is not None  # 1) 2) inside item 3)
    roman = _text_xhtml(cfg, "roman-sections", "fr").findall(f".//{X}ol")
    assert [o.get("type") for o in roman] == [None, "a", "i"]
    assert roman[1].getparent().tag == f"{X}li"


def test_pdf_prints_list_numbers_as_the_source_has_them(published):
    """Start numbers, ")" delimiters and letter/Roman styles reach the page (WeasyPrint honours
    neither `start` nor `type`, and a ::marker with content crashed its layout)."""
    cfg, _ = published
    pdftotext = require_tool("pdftotext")
    from pubkit.pipeline import build

    text = {}
    for name in ("markdown-lists", "roman-sections"):
        build(cfg, langs=["en"], article=name, formats=["pdf"], workers=1)
        text[name] = subprocess.run([pdftotext, "-layout", str(cfg.dist / f"{name}.en.pdf"), "-"],
                                    capture_output=True, text=True, check=True).stdout
    assert re.search(r"^\s*3\)\s+Reports from the fields", text["markdown-lists"], re.M)
    assert re.search(r"^\s*1\)\s+the Bureau", text["markdown-lists"], re.M)
    assert re.search(r"^\s*4\)\s+Background", text["markdown-lists"], re.M)
    assert re.search(r"^\s*b\.\s+negotiated", text["roman-sections"], re.M)
    assert re.search(r"^\s*iii\.\s+election of delegates", text["roman-sections"], re.M)


def test_kazakh_passage_is_marked_and_authors_quotes_kept(published):
    cfg, _ = published
    en = etree.tostring(_text_xhtml(cfg, "wordpress-paste", "en"), encoding="unicode")
    assert 'lang="kk"' in en and "«" in en and "»" in en
    blog = etree.tostring(_text_xhtml(cfg, "quotes-blog", "en"), encoding="unicode")
    assert "„Solidarität“" in blog and "« Tous ensemble ! »" in blog and "“Old man, go!”" in blog


def test_epubcheck_finds_nothing(published):
    from .render.test_epub import epubcheck

    cfg, _ = published
    jar = epubcheck_jar()
    every = os.environ.get("PUBKIT_EPUBCHECK_ALL") == "1"
    books = [(n, lang) for i, n in enumerate(NAMES)
             for lang in (LANGS if every else (LANGS[i % len(LANGS)],))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda b: (b, epubcheck(jar, cfg.dist / f"{b[0]}.{b[1]}.epub")[1]), books))
    problems = [(b, m["severity"], m["ID"], m["message"]) for b, r in reports for m in r["messages"]
                if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert problems == []


def test_pdfs_embed_fonts_miss_no_glyph_and_keep_structure(published, docs):
    cfg, pdfs = published
    pdffonts, mutool, pdftotext = (require_tool(t) for t in ("pdffonts", "mutool", "pdftotext"))
    assert len(pdfs) == 4 and set(pdfs.values()) == set(LANGS)
    for name, lang in pdfs.items():
        pdf = cfg.dist / f"{name}.{lang}.pdf"
        fonts = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and {r.split()[-5] for r in rows} == {"yes"}, fonts
        trace = subprocess.run([mutool, "trace", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert 'glyph="0"' not in trace
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        for b in _blocks(docs[name]):
            if isinstance(b, CodeBlock):
                assert b.text.splitlines()[0] in text
        for url in {s.url for s in _walk(docs[name]) if isinstance(s, Link)}:
            assert url.split("//")[1][:20] in text.replace("\n", "")  # link addresses printed on paper
