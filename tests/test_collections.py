"""Collections: several articles as one book in every language (collections/<name>.yaml)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pytest

from pubkit.config import load_config
from pubkit.errors import InputError, MissingError
from pubkit.pipeline import build, plan

from .conftest import ROOT, copy_project
from .tools import epubcheck_jar, require_tool

SEED = "kazakh-workers-revolt-2022"
BOOK = """\
title: Statements on Kazakhstan
subtitle: A pamphlet
intro: sample-markdown
parts:
  - title: The January uprising
    articles: [kazakh-workers-revolt-2022]
  - title: Background
    articles: [footnotes-plain]
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project with the seed and two more articles, and a collection of all three, built."""
    project = copy_project(tmp_path_factory.mktemp("coll"))
    shutil.copy(ROOT / "tests" / "data" / "sample.md", project / "seeds" / "sample.md")
    shutil.copy(ROOT / "tests" / "articles" / "footnotes-plain.txt",
                project / "seeds" / "footnotes-plain.txt")
    (project / "collections").mkdir()
    (project / "collections" / "pamphlet.yaml").write_text(BOOK, encoding="utf-8")
    # the collection's title translated for ru (its own PO file)
    (project / "translations" / "ru" / "pamphlet.collection.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Statements on Kazakhstan"\nmsgstr "Заявления о Казахстане"\n', encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1643241600")
    cfg = load_config(project)
    report = build(cfg)
    yield cfg, report
    mp.undo()


def test_books_built_in_every_language(built):
    cfg, report = built
    names = {p.name for p in report.built}
    for lang in cfg.edition_langs:
        for fmt in ("epub", "pdf"):
            assert f"pamphlet.{lang}.{fmt}" in names
    sums = (cfg.dist / "SHA256SUMS").read_text().split()
    assert "pamphlet.ru.pdf" in sums


def test_one_contents_with_parts_and_bylines(built):
    cfg, _ = built
    with zipfile.ZipFile(cfg.dist / "pamphlet.ru.epub") as z:
        nav = next(z.read(n).decode() for n in z.namelist() if n.endswith("nav.xhtml"))
        text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    nav, text = nav.replace("\u00a0", " "), text.replace("\u00a0", " ")
    # parts, then each part's articles nested under it
    assert re.search(r"The January uprising</a>\s*<ol>\s*<li><a [^>]*>Восстание", nav), nav
    assert re.search(r"Background</a>\s*<ol>\s*<li><a [^>]*>Gas prices", nav), nav
    assert "Заявления о Казахстане" in text  # the collection's translated title
    for part in ("January uprising", "Background"):
        assert part in nav  # parts in the one contents (untranslated: printed in English)
    assert "Jane Editor" in text  # each article's own byline
    # untranslated part titles are marked as English
    assert re.search(r'<h2[^>]*lang="en"[^>]*>(<span[^>]*>[^<]*</span>)?\s*Background</h2>', text), text
    # footnotes of two articles, ids prefixed per article, so none collides
    ids = re.findall(r'id="(fn-[^"]+)"', text)
    assert len(ids) >= 2 and len(ids) == len(set(ids))


def test_colophon_is_the_books(built):
    """The book's colophon names the book (its title, "3 articles" in the language's plural, its
    articles' date range), not "the original article" with its first article's date; its parts
    untranslated are marked as English in the contents too."""
    from pubkit.project import load_articles
    from pubkit.render.html import Strings, language_variant

    cfg, _ = built
    dates = sorted(d.meta.date for d in load_articles(cfg)
                   if d.meta.slug in (SEED, "sample-markdown", "footnotes-plain") and d.meta.date)
    for lang in ("ru", "en", "fr"):
        t = Strings(cfg.templates, lang, language_variant(lang, cfg))
        with zipfile.ZipFile(cfg.dist / f"pamphlet.{lang}.epub") as z:
            colophon = z.read("EPUB/colophon.xhtml").decode()
            nav = z.read("EPUB/nav.xhtml").decode()
        expected = t("articles", n=3) + (", " + t.date_range(dates[0], dates[-1]) if dates else "")
        assert f"<dt>{t('original_book')}</dt>" in colophon and t("original_article") not in colophon
        assert f'Statements on Kazakhstan</span>, {expected}</dd>' in colophon, colophon
        if lang != "en":
            assert re.search(r'<a href="text.xhtml#sec-\d+" lang="en" xml:lang="en">Background</a>', nav)
            with zipfile.ZipFile(cfg.dist / f"pamphlet.{lang}.epub") as z:
                text = z.read("EPUB/text.xhtml").decode()
            # an article's byline: its author's name as written, marked as English, beside its date
            assert re.search(r'<p><span lang="en" xml:lang="en">Jane Editor \(France\)</span> · ', text), text[:3000]
            # the book's byline: each name in the language it is printed in
            assert re.search(r'<p class="byline"><span lang="en" xml:lang="en">Jane Editor \(France\)</span>, ', text)
    assert len(set(dates)) > 1, "the fixture's articles should span several dates"


@pytest.mark.validator
@pytest.mark.parametrize("lang", ["en", "ru", "ky", "fr"])
def test_epubcheck_and_pdf_fonts(built, lang):
    cfg, _ = built
    epub = cfg.dist / f"pamphlet.{lang}.epub"
    out = epub.with_suffix(".json")
    subprocess.run(["java", "-jar", str(epubcheck_jar()), str(epub), "--json", str(out)],
                   capture_output=True, text=True, timeout=300)
    msgs = json.loads(out.read_text())["messages"]
    out.unlink()
    assert [m for m in msgs if m["severity"] in ("ERROR", "FATAL", "WARNING")] == []
    fonts = subprocess.run([require_tool("pdffonts"), str(epub.with_suffix(".pdf"))],
                           capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and {r.split()[-5] for r in rows} == {"yes"}, fonts


def test_noop_rebuilds_nothing_and_member_edit_rebuilds_book(built):
    cfg, _ = built
    todo, fresh = plan(cfg)
    assert todo == [] and any(j.collection for j in fresh)
    po = cfg.translations / "ru" / "pamphlet.collection.po"
    po.write_text(po.read_text() + '\nmsgid "Background"\nmsgstr "Предыстория"\n', encoding="utf-8")
    todo, _ = plan(cfg)
    assert {j.out.name for j in todo} == {"pamphlet.ru.epub", "pamphlet.ru.pdf"}
    again = build(cfg, langs=["ru"])  # only the Russian book is rebuilt, with the new part title
    assert {p.name for p in again.built} == {"pamphlet.ru.epub", "pamphlet.ru.pdf"}
    with zipfile.ZipFile(cfg.dist / "pamphlet.ru.epub") as z:
        assert "Предыстория" in z.read("EPUB/nav.xhtml").decode()
    seed = cfg.root / "seeds" / "footnotes-plain.txt"
    seed.write_text(seed.read_text() + "\nOne more paragraph.\n", encoding="utf-8")
    todo, _ = plan(cfg)
    assert {j.out.name for j in todo if j.collection} == {
        f"pamphlet.{lang}.{fmt}" for lang in cfg.edition_langs for fmt in ("epub", "pdf")}


def test_the_build_command_keeps_books_in_dist(built):
    """`invoke build` moves editions of removed articles out of dist/: a book is not one of them."""
    from pubkit.commands import build as build_cmd

    cfg, _ = built
    books = sorted(p.name for p in cfg.dist.glob("pamphlet.*"))
    assert books
    assert build_cmd.run(root=cfg.root) == 0
    assert sorted(p.name for p in cfg.dist.glob("pamphlet.*")) == books
    assert all(b in (cfg.dist / "SHA256SUMS").read_text() for b in books)


BAD = [
    ("title: X\narticles: [sample-markdown]\nartciles: []\n", InputError, 3, "articles"),
    ("title: X\nparts:\n  - title: P\n    articels: [a]\n", InputError, 4, "articles"),
    ("title: X\narticles: [sample-markdown, no-such-article]\n", MissingError, 2, "known:"),
    ("title: X\nintro: nope\narticles: [sample-markdown]\n", MissingError, 2, "known:"),
    ("title: X\n", InputError, 1, "parts"),
    ("title: [a\n", InputError, 2, "YAML"),
]


@pytest.mark.parametrize("text,err,line,hint", BAD)
def test_bad_collection_files(project, text, err, line, hint):
    shutil.copy(ROOT / "tests" / "data" / "sample.md", project / "seeds" / "sample.md")
    (project / "collections").mkdir()
    (project / "collections" / "book.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(err) as info:
        plan(load_config(project))
    e = info.value
    assert str(e.location.path).endswith("book.yaml") and e.location.line == line, e
    assert hint in f"{e} {e.hint}"
    assert e.exit_code == (65 if err is InputError else 66)


def test_collection_named_like_an_article_is_refused(project):
    (project / "collections").mkdir()
    (project / "collections" / f"{SEED}.yaml").write_text(f"title: X\narticles: [{SEED}]\n", encoding="utf-8")
    with pytest.raises(InputError, match="name of an article"):
        plan(load_config(project))
