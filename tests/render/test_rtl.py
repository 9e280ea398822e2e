"""`[languages] xx = { …, dir = "rtl" }`: right-to-left editions (EPUB direction, PDF layout).

The language is a pseudo one (`qaa`, BCP 47's private-use range), "translated" by copying each
source passage into its PO file as a reviewed translation (as Sphinx's pseudo language does), so
that the shipped fonts cover its text. The direction must show: the EPUB's pages carry `dir="rtl"` beside `lang`/`xml:lang`,
the spine a `page-progression-direction="rtl"`, and the PDF is laid out right to left.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import polib

from pubkit.commands import update
from pubkit.config import load_config
from pubkit.localize import localize
from pubkit.project import load_articles
from pubkit.render import render_edition

from ..conftest import copy_project
from .test_epub import epubcheck
from ..tools import epubcheck_jar, require_tool

XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def rtl(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("rtl"))
    toml = (root / "pubkit.toml").read_text(encoding="utf-8")
    toml = toml.replace("targets = [\"ru\", \"ky\", \"fr\"]", "targets = [\"ru\", \"ky\", \"fr\", \"qaa\"]")
    toml = toml.replace('\n[languages]\n', '\n[languages]\nqaa = { name = "Pseudo RTL", native = "Pseudo RTL", dir = "rtl" }\n')
    (root / "pubkit.toml").write_text(toml, encoding="utf-8")
    cfg = load_config(root)
    update.run(root=root, langs=["qaa"])
    po_path = root / "translations" / "qaa" / "kazakh-workers-revolt-2022.po"
    po = polib.pofile(str(po_path))
    for entry in po:  # a pseudo translation, reviewed: the source text, set right to left
        if not entry.msgid_plural:
            entry.msgstr = entry.msgid
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save(str(po_path))
    doc = next(d for d in load_articles(cfg) if d.meta.slug == "kazakh-workers-revolt-2022")
    out = {}
    for lang in ("qaa", "ru"):
        edition = localize(cfg, doc, lang)
        for fmt in ("epub", "pdf"):
            out[(lang, fmt)] = root / f"{lang}.{fmt}"
            render_edition(fmt, edition, cfg, out[(lang, fmt)])
    return cfg, out


def _pages(path: Path):
    with zipfile.ZipFile(path) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith((".xhtml", ".opf"))}


def test_epub_pages_and_spine_are_right_to_left(rtl):
    cfg, built = rtl
    assert cfg.language("qaa").dir == "rtl"
    pages = _pages(built[("qaa", "epub")])
    opf = next(tree for name, tree in pages.items() if name.endswith(".opf"))
    spine = opf.find("{http://www.idpf.org/2007/opf}spine")
    assert spine.get("page-progression-direction") == "rtl"
    html = [tree for name, tree in pages.items() if name.endswith(".xhtml")]
    assert html and all(t.get("dir") == "rtl" and t.get("lang") == t.get(XML_LANG) == "qaa" for t in html)
    ltr = _pages(built[("ru", "epub")])  # a left-to-right edition says nothing of direction
    assert all(t.get("dir") is None for n, t in ltr.items() if n.endswith(".xhtml"))
    assert next(t for n, t in ltr.items() if n.endswith(".opf")).find(
        "{http://www.idpf.org/2007/opf}spine").get("page-progression-direction") is None


@pytest.mark.validator
def test_rtl_epub_passes_epubcheck(rtl):
    _, built = rtl
    proc, report = epubcheck(epubcheck_jar(), built[("qaa", "epub")])
    messages = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
    assert report["checker"]["nFatal"] == report["checker"]["nError"] == report["checker"]["nWarning"] == 0, messages


@pytest.mark.validator
def test_pdf_is_laid_out_right_to_left(rtl):
    """A paragraph's short last line sits at the right margin (pdftotext's layout), never at the left."""
    cfg, built = rtl
    from pubkit.render.pdf import render_html

    doc = next(d for d in load_articles(cfg) if d.meta.slug == "kazakh-workers-revolt-2022")
    assert '<html lang="qaa" dir="rtl"' in render_html(localize(cfg, doc, "qaa"), cfg)
    pdftotext = require_tool("pdftotext")

    def spreads(path: Path) -> tuple[int, int, int]:
        """Paragraphs of 3+ lines: (ragged at the left, ragged at the right, all)."""
        html = subprocess.run([pdftotext, "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        tree = etree.fromstring(html.encode("utf-8"), etree.HTMLParser())
        left = right = total = 0
        for block in tree.iter("block"):
            lines = [(float(x.get("xmin")), float(x.get("xmax"))) for x in block.iter("line")][:-1]
            if len(lines) >= 3:
                total += 1
                starts, ends = [a for a, _ in lines], [b for _, b in lines]
                left += max(starts) - min(starts) > 15 and max(ends) - min(ends) < 2
                right += max(ends) - min(ends) > 15 and max(starts) - min(starts) < 15
        return left, right, total

    rtl_left, rtl_right, rtl_total = spreads(built[("qaa", "pdf")])
    ltr_left, _, ltr_total = spreads(built[("ru", "pdf")])
    assert rtl_total > 10 and ltr_total > 10
    # no hyphenation patterns for qaa: ragged, so its lines end at the right margin and start anywhere
    assert rtl_left > rtl_total // 2 and rtl_right == 0 and ltr_left == 0, (rtl_left, rtl_right, rtl_total, ltr_left)
