"""PDF editions: fonts embedded, no missing glyph, text extractable, metadata, reproducible."""

from __future__ import annotations

import re
import subprocess

import pytest

from pubkit.render import render_edition
from tests.tools import require_tool

LANGS = ("en", "ru", "ky", "fr")


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.mark.validator
@pytest.mark.parametrize("lang", LANGS)
def test_every_font_is_embedded(built, lang):
    require_tool("pdffonts")
    out = run("pdffonts", str(built[(lang, "pdf")]))
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), row  # emb sub uni
        assert "PT-" in row, f"a font that does not travel with the project: {row}"


@pytest.mark.validator
@pytest.mark.parametrize("lang", LANGS)
def test_no_missing_glyph(built, lang):
    require_tool("mutool")
    trace = run("mutool", "trace", str(built[(lang, "pdf")]))
    assert "<g " in trace
    assert 'glyph="0"' not in trace


@pytest.mark.validator
def test_text_is_extractable_and_the_toc_has_page_numbers(built):
    require_tool("pdftotext")
    text = run("pdftotext", str(built[("ky", "pdf")]), "-")
    for needle in ("Казак жумушчуларынын көтөрүлүшү", "ң ө ү Ң Ө Ү", "Мазмуну", "«Саал, кет!»",
                   "Кыргызча", "Котормонун абалы"):
        assert needle in text, needle
    toc = run("pdftotext", "-f", "2", "-l", "2", "-layout", str(built[("ky", "pdf")]), "-")
    assert "Мазмуну" in toc
    assert re.search(r"Көтөрүлүштүн башталышы\s*\.{3,}\s*\d+", toc), toc
    en = run("pdftotext", str(built[("en", "pdf")]), "-")
    assert "The revolt of the Kazakh workers, balance and prospects" in en
    assert "Comments Off" not in en


@pytest.mark.validator
def test_metadata_page_size_and_tags(built):
    require_tool("pdfinfo")
    info = run("pdfinfo", str(built[("ky", "pdf")]))
    assert re.search(r"Title:\s+Казак жумушчуларынын", info)
    assert re.search(r"Author:\s+Permanent Revolution Collective", info)
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Page size:\s+419\.5\d* x 595\.2\d* pts", info), info  # A5
    from pypdf import PdfReader

    root = PdfReader(str(built[("ky", "pdf")])).trailer["/Root"]
    assert root["/Lang"] == "ky"
    assert "/StructTreeRoot" in root


def test_page_size_comes_from_the_edition(tmp_path, cfg, editions):
    from dataclasses import replace

    require_tool("pdfinfo")
    out = tmp_path / "a4.pdf"
    render_edition("pdf", replace(editions["fr"], page_size="A4"), cfg, out)
    assert re.search(r"Page size:\s+595\.2\d* x 841\.8\d* pts", run("pdfinfo", str(out)))


def test_bad_page_size_is_a_config_error(tmp_path, cfg, editions):
    from dataclasses import replace

    from pubkit.errors import ConfigError

    with pytest.raises(ConfigError, match="page size"):
        render_edition("pdf", replace(editions["fr"], page_size="A5; } body { display: none"), cfg, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_two_builds_are_byte_identical(tmp_path, cfg, editions, epoch):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_edition("pdf", editions["ky"], cfg, a)
    render_edition("pdf", editions["ky"], cfg, b)
    assert a.read_bytes() == b.read_bytes()


def test_without_source_date_epoch_the_build_date_is_used(tmp_path, cfg, editions, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_edition("pdf", editions["fr"], cfg, a)
    render_edition("pdf", editions["fr"], cfg, b)
    assert a.read_bytes() == b.read_bytes()
    from pypdf import PdfReader

    assert PdfReader(str(a)).metadata.creation_date.date().isoformat() == "2022-01-27"
    import os

    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_one_subsetter_whatever_the_machine_has(tmp_path, cfg, editions, epoch, monkeypatch):
    """PDF bytes do not depend on whether libharfbuzz-subset is installed.

    Both machines are simulated in one process: WeasyPrint's subsetter choice is its module's
    ``harfbuzz_subset`` (the library, or None where it is missing). pubkit sets it to None
    (fontTools) on every render; the control shows that the choice would change the bytes.
    """
    import weasyprint.pdf.fonts as fonts
    import weasyprint.text.ffi as ffi

    from pubkit.render import pdf as pdf_writer

    html = pdf_writer.render_html(editions["fr"], cfg)
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)  # a machine without the library
    without = pdf_writer.to_pdf_bytes(html, cfg)
    monkeypatch.setattr(fonts, "harfbuzz_subset", ffi.harfbuzz_subset)  # a machine with it (if here)
    with_lib = pdf_writer.to_pdf_bytes(html, cfg)
    assert with_lib == without
    assert fonts.harfbuzz_subset is None
    if ffi.harfbuzz_subset is not None:  # control: the library's own subsetter gives other bytes
        from weasyprint import HTML

        monkeypatch.setattr(fonts, "harfbuzz_subset", ffi.harfbuzz_subset)
        doc = HTML(string=html, base_url=cfg.templates.resolve().as_uri() + "/",
                   url_fetcher=pdf_writer.make_fetcher(cfg.templates))
        other = doc.write_pdf(**pdf_writer.PDF_OPTIONS)
        monkeypatch.setattr(fonts, "harfbuzz_subset", None)
        plain = HTML(string=html, base_url=cfg.templates.resolve().as_uri() + "/",
                     url_fetcher=pdf_writer.make_fetcher(cfg.templates)).write_pdf(**pdf_writer.PDF_OPTIONS)
        assert other != plain


def test_pdf_makes_no_pdfua_claim_but_is_tagged_with_its_language(built):
    from pypdf import PdfReader

    for lang in ("en", "ru", "ky", "fr"):
        reader = PdfReader(str(built[(lang, "pdf")]))
        root = reader.trailer["/Root"]
        xmp = root.get("/Metadata")
        data = xmp.get_object().get_data() if xmp is not None else b""
        assert b"pdfuaid" not in data, "the PDF claims PDF/UA conformance"
        assert root["/Lang"] == lang and "/StructTreeRoot" in root


def test_contents_has_no_link_inside_a_link(built):
    """The leader and page number of a contents entry belong to the item, not to its link."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject

    def kids(node):
        k = node.get("/K")
        k = k.get_object() if k is not None else None
        items = k if isinstance(k, ArrayObject) else [k] if k is not None else []
        return [x.get_object() for x in items if isinstance(x.get_object(), DictionaryObject)]

    def links_inside(node, inside_link, found):
        is_link = node.get("/S") == "/Link"
        if is_link and inside_link:
            found.append(node)
        for child in kids(node):
            links_inside(child, inside_link or is_link, found)
        return found

    root = PdfReader(str(built[("ru", "pdf")])).trailer["/Root"]["/StructTreeRoot"].get_object()
    nested = links_inside(root, False, [])
    total = []

    def count(node):
        if node.get("/S") == "/Link":
            total.append(node)
        for child in kids(node):
            count(child)

    count(root)
    assert total and not nested, f"{len(nested)} links inside links"
