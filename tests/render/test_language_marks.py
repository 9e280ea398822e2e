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
