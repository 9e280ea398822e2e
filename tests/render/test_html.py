"""The shared HTML rendering: escaping, safe links, interface strings, template errors."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
import yaml

from pubkit.errors import ConfigError, MissingError
from pubkit.model import Code, Emph, Link, Paragraph, Strong, Text
from pubkit.render import WRITERS, render_edition
from pubkit.render.html import build_view, inline_html, safe_url
from pubkit.segment import reassemble, segment


def test_registry_has_both_formats_and_rejects_others(cfg, editions, tmp_path):
    assert set(WRITERS) == {"epub", "pdf"}
    with pytest.raises(ConfigError, match="unknown edition format"):
        render_edition("docx", editions["en"], cfg, tmp_path / "x")


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a?b=1&c=2", True), ("http://x.org", True), ("mailto:a@b.org", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("file:///etc/passwd", False),
    ("data:text/html,x", False), ("/relative", False), ("vbscript:x", False), ("http://x.org/a b", False),
])
def test_only_http_https_mailto_stay_links(url, ok):
    assert (safe_url(url) is not None) == ok


def test_inline_html_escapes_text_code_and_attributes():
    html = inline_html((Text("<b>&"), Emph((Text("e"),)), Strong((Text("s"),)), Code("<i>"),
                        Link((Text("l"),), 'https://x.org/"><script>', title='"t"')))
    assert str(html) == ('&lt;b&gt;&amp;<em>e</em><strong>s</strong><code>&lt;i&gt;</code>'
                         '<a href="https://x.org/&#34;&gt;&lt;script&gt;" title="&#34;t&#34;">l</a>'
                         '<span class="link-url"> (https://x.org/&#34;&gt;&lt;script&gt;)</span>')


def test_a_link_address_is_printed_beside_the_link_not_inside_it():
    """On paper a link shows its address (pdf.css) in an element after the link, so the PDF's
    tags never hold a link inside a link; a link whose text is its address shows it once."""
    html = str(inline_html((Link((Text("the site"),), "https://x.org/a"),)))
    assert html == '<a href="https://x.org/a">the site</a><span class="link-url"> (https://x.org/a)</span>'
    bare = str(inline_html((Link((Text("https://x.org/a"),), "https://x.org/a"),)))
    assert bare == '<a href="https://x.org/a" class="bare">https://x.org/a</a>'


def test_interface_strings_exist_for_every_language(cfg):
    data = yaml.safe_load((cfg.templates / "strings.yaml").read_text(encoding="utf-8"))
    keys = set(data["en"])
    for lang in ("ru", "ky", "fr"):
        assert set(data[lang]) == keys, (lang, keys ^ set(data[lang]))
    assert data["ky"]["contents"] == "Мазмуну" and data["ky"]["translated_by"] == "Которгон"
    assert "Kazakh" not in str(data["ky"]) and "Қазақ" not in str(data["ky"])


def test_untranslated_keys_are_the_sources_when_source_doc_is_given(cfg, en_edition):
    """A localized document pairs with its source's units, even with repeated passages."""
    src = en_edition.doc
    src = replace(src, blocks=src.blocks + (Paragraph((Text("Same."),)), Paragraph((Text("Same."),))))
    units = segment(src)
    same = [u for u in units if u.text == "Same."]
    localized = reassemble(src, {same[0].key: "Одно и то же."})
    ed = replace(en_edition, doc=localized.with_meta(lang="ru"), language=cfg.language("ru"), is_source=False,
                 untranslated_keys=frozenset({same[1].key}), source_doc=src)
    view = build_view(ed)
    last_two = view["blocks"][-2:]
    assert not last_two[0].untranslated and last_two[1].untranslated and last_two[1].lang == "en"
    assert view["source_title"] == src.meta.title


@pytest.fixture
def templates_copy(tmp_path, cfg):
    dest = tmp_path / "templates"
    shutil.copytree(cfg.templates, dest)
    return dest, replace(cfg, templates=dest)


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_template_syntax_error_names_template_and_line(templates_copy, editions, fmt, tmp_path):
    dest, cfg2 = templates_copy
    colophon = dest / "_colophon.html.j2"
    lines = colophon.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "{% if %}")
    colophon.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        render_edition(fmt, editions["en"], cfg2, tmp_path / f"x.{fmt}")
    assert str(err.value.location).endswith("_colophon.html.j2:4"), str(err.value)
    assert not (tmp_path / f"x.{fmt}").exists()


def test_template_runtime_error_names_template_and_line(templates_copy, editions, tmp_path):
    dest, cfg2 = templates_copy
    page = dest / "_titlepage.html.j2"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{{ no_such_variable }}")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no_such_variable") as err:
        render_edition("pdf", editions["en"], cfg2, tmp_path / "x.pdf")
    assert str(err.value.location).endswith("_titlepage.html.j2:3"), str(err.value)


@pytest.mark.parametrize("missing", ["fonts/PTF55F.ttf", "pdf/book.html.j2", "base.css", "strings.yaml",
                                     "fonts/LICENSE-ParaType.txt"])
def test_missing_template_font_or_stylesheet_is_a_clear_error(templates_copy, editions, tmp_path, missing,
                                                              monkeypatch):
    """A file missing from the project's templates/ and from pubkit's own (a damaged install)."""
    import pubkit.config

    dest, cfg2 = templates_copy
    (dest / missing).unlink()
    monkeypatch.setattr(pubkit.config, "PACKAGED_TEMPLATES", tmp_path / "no-package")
    with pytest.raises(MissingError) as err:
        render_edition("pdf", editions["ky"], cfg2, tmp_path / "x.pdf")
    assert missing.split("/")[-1] in str(err.value)
    assert err.value.exit_code == 66


def test_missing_templates_folder(tmp_path, cfg, editions):
    with pytest.raises(MissingError, match="templates"):
        render_edition("epub", editions["en"], replace(cfg, templates=tmp_path / "nope"), tmp_path / "x.epub")


def test_new_inline_kinds_render_as_xhtml():
    from pubkit.model import LineBreak, NoteRef, Span
    from pubkit.render.html import NoteNumbers

    notes = NoteNumbers(["b", "a"])
    html = str(inline_html((Text("x"), LineBreak(), Span((Text("Шал"),), "kk"), NoteRef("a"), NoteRef("a"),
                            NoteRef("zz"), Link((Text("https://x.org"),), "https://x.org"),
                            Link((Text("the report"),), "https://x.org/r")), notes))
    assert "x<br />" in html and '<span lang="kk" xml:lang="kk">Шал</span>' in html
    assert 'id="fnref-2" href="#fn-2"' in html and 'id="fnref-2-2"' in html  # "a" is the second note
    assert "[zz]" in html and 'href="#fn-' not in html.split("[zz]")[1]  # a reference to no note: not a link
    assert '<a href="https://x.org" class="bare">' in html  # its address is its text: not printed twice
    assert '<a href="https://x.org/r">the report</a>' in html


def test_new_block_kinds_in_the_view(cfg, en_edition):
    from pubkit.model import (BlockQuote, CodeBlock, Image, ListBlock, ListItem, Note, NoteRef, Table)

    doc = replace(en_edition.doc, blocks=(
        Paragraph((Text("See"), NoteRef("1"))),
        ListBlock((ListItem((Text("one"),), (ListBlock((ListItem((Text("inner"),)),), ordered=True, style="a",
                                                        delim=")"),)),), ordered=True, start=3),
        BlockQuote((Paragraph((Text("Words."),)),), attribution=(Text("Someone"),)),
        CodeBlock("a < b\n"), Table(((Text("h"),),), (((Text("c"),),),), ("right",)),
        Image("javascript:alert(1)", (Text("alt"),)),
    ), notes=(Note("1", (Paragraph((Text("The note."),)),)),))
    units = segment(doc)
    view = build_view(replace(en_edition, doc=doc, coverage=replace(en_edition.coverage, total=len(units))))
    para, lst, quote, code, table, image = view["blocks"]
    assert lst.start == 3 and lst.items[0].blocks[0].style == "a" and lst.items[0].blocks[0].delim == ")"
    assert str(quote.attribution.html) == "Someone" and code.text == "a < b"
    assert table.header[0].align == "right" and str(table.rows[0][0].html) == "c"
    assert image.src == "" and str(image.html) == "alt"  # an unsafe image address is never a link
    assert [n.number for n in view["notes"]] == [1] and str(view["notes"][0].blocks[0].html) == "The note."
