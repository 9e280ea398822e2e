"""EPUB metadata a retailer reads: sort names, publisher and rights, subtitle, translators."""

from __future__ import annotations

import dataclasses
import re
import zipfile

import pytest

from pubkit.localize import translators_from
from pubkit.render import render_edition
from pubkit.render.epub import file_as

from ..tools import epubcheck_jar


def test_translators_come_from_po_headers_without_placeholders():
    header = {"Last-Translator": "Aigul Osmonova <aigul@example.org>", "Language-Team": "Kyrgyz <ky@li.org>"}
    assert translators_from(header, ("Kyrgyz", "Кыргызча", "ky")) == ("Aigul Osmonova",)
    header["Language-Team"] = "Bishkek Translators <team@example.org>"
    assert translators_from(header, ("Kyrgyz",)) == ("Aigul Osmonova", "Bishkek Translators")
    assert translators_from({"Last-Translator": "pubkit contributors <translations@pubkit.invalid>",
                             "Language-Team": "Russian"}, ("Russian",)) == ()
    assert translators_from({"Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
                             "Language-Team": "LANGUAGE <LL@li.org>"}) == ()
    assert translators_from({"X-Pubkit-Translators": "A; B", "Last-Translator": "C <c@x.org>"}) == ("A", "B")


def test_file_as():
    assert file_as("Permanent Revolution Collective") == "Permanent Revolution Collective"
    assert file_as("Коллектив «Перманентная революция»") == "Коллектив «Перманентная революция»"
    assert file_as("Aigul Osmonova") == "Osmonova, Aigul"
    assert file_as("A.\u00a0Seitkali") == "A. Seitkali" or file_as("A.\u00a0Seitkali") == "Seitkali, A."
    assert file_as("Plato") == "Plato"
    assert file_as("pubkit contributors") == "pubkit contributors"
    assert file_as("Перманенттік революция ұжымы") == "Перманенттік революция ұжымы"


@pytest.fixture(scope="module")
def published(tmp_path_factory, cfg, editions):
    raw = {**cfg.raw, "publisher": {"name": "Example Press", "rights": {"en": "All rights reserved.",
                                                                        "ru": "Все права защищены."}}}
    project = dataclasses.replace(cfg, raw=raw)
    out = tmp_path_factory.mktemp("meta") / "ru.epub"
    render_edition("epub", editions["ru"], project, out)
    return out


def test_opf_has_sort_names_publisher_rights_and_subtitle_refinement(published):
    with zipfile.ZipFile(published) as z:
        opf = z.read("EPUB/content.opf").decode("utf-8")
        colophon = z.read("EPUB/colophon.xhtml").decode("utf-8")
    assert '<dc:publisher xml:lang="en">Example Press</dc:publisher>' in opf  # one text: the source's language
    assert '<dc:rights>Все права защищены.</dc:rights>' in opf
    assert 'property="file-as">Permanent Revolution Collective</meta>' in opf
    assert '<dc:creator id="creator-1" xml:lang="en">Permanent Revolution Collective</dc:creator>' in opf
    assert 'property="file-as">Осмонова, Айгүл</meta>' in opf
    assert '<dc:title id="subtitle">' in opf and '<meta refines="#subtitle" property="title-type">subtitle</meta>' in opf
    assert '<meta refines="#title" property="title-type">main</meta>' in opf
    assert "<dc:description" not in opf  # neither the subtitle nor a translation statement is a description
    assert '<meta property="schema:creativeWorkStatus">Перевод проверен человеком не полностью:' in opf
    assert "Example Press" in colophon and "Все права защищены." in colophon


def test_published_epub_passes_epubcheck(published):
    from .test_epub import epubcheck

    _, report = epubcheck(epubcheck_jar(), published)
    found = [(m["severity"], m["ID"], m["message"]) for m in report["messages"]
             if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert found == [], found
