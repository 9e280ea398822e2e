"""Language changes are marked where an edition prints them: Span passages, untranslated
passages and author names printed as the source has them (XHTML lang/xml:lang, PDF /Lang).

(Span's source syntax and its segmentation come with the readers; until then a Span is
checked from the HTML rendering on, through WeasyPrint to the PDF's /Lang.)
"""

from __future__ import annotations

import re
import subprocess
import zipfile

from pubkit.model import Span, Text
from pubkit.render import pdf as pdf_writer
from pubkit.render.html import inline_html
from pubkit.typography import typeset_inlines

from ..tools import require_tool

SPANS = (Text('Лозунг "'), Span((Text("Шал, кет!"),), "kk"), Text('" и доклад '),
         Span((Text('"International Crisis Group"'),), "en"), Text("."))


def test_span_becomes_a_span_with_its_language_and_its_typography():
    html = str(inline_html(typeset_inlines(SPANS, "ru")))
    assert 'Лозунг «<span lang="kk" xml:lang="kk">Шал, кет!</span>»' in html
    assert '<span lang="en" xml:lang="en">“International Crisis Group”</span>' in html


def test_span_language_reaches_the_pdf(tmp_path, cfg):
    body = inline_html(typeset_inlines(SPANS, "ru"))
    html = f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>t</title></head><body><p>{body}</p></body></html>'
    out = tmp_path / "span.pdf"
    out.write_bytes(pdf_writer.to_pdf_bytes(html, cfg))
    qdf = tmp_path / "span.qdf.pdf"
    subprocess.run([require_tool("qpdf"), "--qdf", "--object-streams=disable", str(out), str(qdf)], check=True)
    raw = qdf.read_bytes()
    assert b"/Lang (kk)" in raw and b"/Lang (en)" in raw


def test_author_printed_as_the_source_has_it_is_marked(built):
    with zipfile.ZipFile(built[("ru", "epub")]) as z:
        text = z.read("EPUB/text.xhtml").decode("utf-8")
        colophon = z.read("EPUB/colophon.xhtml").decode("utf-8")
        title = z.read("EPUB/titlepage.xhtml").decode("utf-8")
    assert re.search(r'<p class="byline" lang="en" xml:lang="en">Permanent Revolution Collective', text)
    assert re.search(r'<p class="tp-author" lang="en" xml:lang="en">Permanent', title)
    assert re.search(r'<dd lang="en" xml:lang="en">Permanent Revolution Collective', colophon)


def test_no_generated_text_falls_back_to_english_in_a_built_edition(cfg):
    """Interface strings a language lacks would print English unmarked; every language the
    project builds has them all (add a section to strings.yaml before adding kk to targets)."""
    import yaml

    data = yaml.safe_load((cfg.templates / "strings.yaml").read_text(encoding="utf-8"))
    for lang in cfg.edition_langs:
        missing = sorted(set(data["en"]) - set(data.get(lang) or {}))
        assert not missing, f"strings.yaml `{lang}:` lacks {missing}"


def _marked_edition(cfg, editions):
    """The Russian edition with an untranslated heading and a table whose number-only cells
    ("14 000", "9") and one text cell have no translation."""
    from dataclasses import replace

    from pubkit.model import Heading, Paragraph, Table
    from pubkit.segment import segment

    ed = editions["ru"]
    table = Table(header=((Text("Город"),), (Text("Бастующие"),)),
                  rows=(((Text("Zhanaozen"),), (Text("14 000"),)), ((Text("Aqtau"),), (Text("9"),))))
    doc = replace(ed.doc, blocks=(*ed.doc.blocks, Heading(1, (Text("Still in English"),)), table,
                                  Paragraph((Text("Конец."),))))
    left = {"Still in English", "Zhanaozen", "14 000", "9"}
    keys = frozenset(ed.untranslated_keys | {u.key for u in segment(doc) if u.text in left})
    return replace(ed, doc=doc, source_doc=doc, untranslated_keys=keys,
                   translators=("pubkit contributors", "Айгүл Осмонова"))


def test_contents_colophon_and_cells_are_marked_only_where_another_language_is_printed(cfg, editions):
    """An untranslated heading keeps its lang in the contents (PDF and EPUB nav); a colophon
    line in English (publisher given as one text, a translator credit in Latin letters, the
    fonts' licence names) carries lang="en"; a number-only cell is neither marked nor labelled."""
    import dataclasses

    from pubkit.render.epub import build_book
    from pubkit.render.pdf import render_html

    project = dataclasses.replace(cfg, raw={**cfg.raw, "publisher": {
        "name": "Example Press", "rights": {"en": "All rights reserved.", "ru": "Все права защищены."}}})
    ed = _marked_edition(cfg, editions)
    html = render_html(ed, project)
    assert re.search(r'data-target="#sec-\d+"><a href="#sec-\d+" lang="en">Still in English</a>', html)
    assert re.search(r'<dd lang="en" xml:lang="en">Example Press</dd>', html)
    assert "<dd>Все права защищены.</dd>" in html
    assert re.search(r'<span lang="en" xml:lang="en">pubkit contributors</span>, Айгүл Осмонова', html)
    assert '<p class="small fonts-note" lang="en">' in html
    cells = re.findall(r"<td([^>]*)>(.*?)</td>", html)
    (zhanaozen,) = [(attrs, body) for attrs, body in cells if body.endswith("Zhanaozen")]
    assert 'lang="en"' in zhanaozen[0] and "untranslated-mark" in zhanaozen[1]  # a word: marked
    numbers = [(attrs, body) for attrs, body in cells if re.fullmatch(r"[\d\s\u202f\u00a0]+", body)]
    assert len(numbers) == 2 and all("lang" not in a and "untranslated" not in a for a, _ in numbers), cells
    book = build_book(ed, project)
    nav = next(i for i in book.get_items() if i.file_name == "nav.xhtml").content.decode("utf-8")
    assert re.search(r'<a href="text.xhtml#sec-\d+" lang="en" xml:lang="en">Still in English</a>', nav)
    publishers = book.metadata["http://purl.org/dc/elements/1.1/"]["publisher"]
    assert publishers == [("Example Press", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})]
