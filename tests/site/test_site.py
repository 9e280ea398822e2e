"""The download site and the OPDS catalog (`pubkit site`), checked as a reader's app and a
browser would: the feeds against the OPDS 1.2 and Atom RELAX NG schemas (jing), read with
feedparser and followed to the files they offer (sizes and hashes), the pages parsed by a strict
HTML5 parser, opened in headless Chromium at phone and desktop widths (screenshots, no sideways
scrolling) and checked by axe-core; a second run changes no byte, a changed translation only
the pages and feeds that show it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from pubkit.config import load_config
from pubkit.edition import Coverage
from pubkit.errors import ConfigError, InputError, MissingError
from pubkit.pipeline import build
from pubkit.site import build_site, render_site, site_settings
from pubkit.site.model import Site, SiteEdition, SiteItem, _check_text, collect

from ..conftest import ROOT, copy_project
from ..tools import _missing, require_tool

SEED = "kazakh-workers-revolt-2022"
SCHEMAS = Path(__file__).parent / "schemas"
BOOK = """\
title: Statements on Kazakhstan
parts:
  - title: The January uprising
    articles: [kazakh-workers-revolt-2022]
  - title: Background
    articles: [footnotes-plain]
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The seed project (every language) plus an article and a collection, built, with its site."""
    project = copy_project(tmp_path_factory.mktemp("site"))
    shutil.copy(ROOT / "tests" / "articles" / "footnotes-plain.txt", project / "seeds" / "footnotes-plain.txt")
    (project / "collections").mkdir()
    (project / "collections" / "pamphlet.yaml").write_text(BOOK, encoding="utf-8")
    cfg = load_config(project)
    build(cfg)
    result = build_site(cfg)
    return cfg, result


def _site_files(cfg) -> dict[str, bytes]:
    folder = cfg.dist / "site"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_site_has_a_page_per_edition_an_index_per_language_and_feeds(built):
    cfg, result = built
    files = _site_files(cfg)
    assert result.editions == 3 * len(cfg.edition_langs)  # two articles and one book
    for lang in cfg.edition_langs:
        for name in (SEED, "footnotes-plain", "pamphlet"):
            assert f"{lang}/{name}.html" in files
            assert f"covers/{name}.{lang}.png" in files and f"covers/{name}.{lang}.thumb.png" in files
        assert f"{lang}/index.html" in files and f"opds/lang-{lang}.xml" in files
    assert {"index.html", "site.css", "opds/root.xml", "opds/new.xml", "opds/collection-pamphlet.xml"} <= set(files)
    # the record of what the site wrote lists exactly these files
    record = json.loads((cfg.root / ".pubkit" / "site.json").read_text(encoding="utf-8"))
    assert record["files"] == sorted(files)
    # build's own bookkeeping is not disturbed by the folder in dist/
    sums = (cfg.dist / "SHA256SUMS").read_text(encoding="utf-8")
    assert "site" not in sums and sums.count("\n") == 6 * len(cfg.edition_langs)


@pytest.mark.validator
def test_feeds_pass_the_opds_and_atom_schemas(built):
    cfg, _ = built
    jing = require_tool("jing")
    feeds = sorted((cfg.dist / "site" / "opds").glob("*.xml"))
    assert len(feeds) == len(cfg.edition_langs) + 3
    for schema in ("opds.rnc", "atom.rnc"):
        proc = subprocess.run([jing, "-c", str(SCHEMAS / schema), *map(str, feeds)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_catches_a_broken_feed(built, tmp_path):
    """The schema check can fail: an entry without its id is refused."""
    cfg, _ = built
    jing = require_tool("jing")
    text = (cfg.dist / "site" / "opds" / "lang-ru.xml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text(re.sub(r"(<entry[^>]*>.*?)<id>[^<]*</id>", r"\1", text, count=1, flags=re.S), encoding="utf-8")
    proc = subprocess.run([jing, "-c", str(SCHEMAS / "opds.rnc"), str(broken)], capture_output=True, text=True)
    assert proc.returncode != 0 and "id" in proc.stdout


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_reading_app_finds_every_edition_with_its_size_and_hash(built):
    """feedparser walks the catalog from its root as a client does; every acquisition link is a
    file of dist/ with the stated length, and the edition's page shows its SHA-256."""
    import feedparser

    cfg, _ = built
    site = cfg.dist / "site"
    root = site / "opds" / "root.xml"
    nav = feedparser.parse(root.read_bytes())
    assert not nav.bozo, nav.bozo_exception
    acquired: dict[str, int] = {}
    for entry in nav.entries:
        link = next(x for x in entry.links if x.rel == "subsection")
        assert "kind=acquisition" in link.type
        feed_path = (root.parent / link.href).resolve()
        feed = feedparser.parse(feed_path.read_bytes())
        assert not feed.bozo and feed.entries
        for e in feed.entries:
            assert e.title and e.updated_parsed and e.get("dcterms_language") in cfg.edition_langs and e.id.startswith("urn:uuid:")
            assert e.get("authors") or feed.feed.get("author")
            kinds = {x.rel for x in e.links}
            assert {"http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail", "alternate"} <= kinds
            for x in e.links:
                target = (feed_path.parent / unquote(x.href)).resolve()
                assert target.is_file(), x.href  # covers, pages and editions all resolve
                if x.rel == "http://opds-spec.org/acquisition":
                    assert target.parent == cfg.dist.resolve()
                    assert int(x.length) == target.stat().st_size
                    assert x.type == {"epub": "application/epub+zip", "pdf": "application/pdf"}[target.suffix[1:]]
                    acquired[target.name] = target.stat().st_size
                    page = (feed_path.parent / next(y.href for y in e.links if y.rel == "alternate")).resolve()
                    assert _sha(target) in page.read_text(encoding="utf-8")
    every = {p.name for p in cfg.dist.iterdir() if p.suffix in (".epub", ".pdf")}
    assert set(acquired) == every


def test_new_feed_is_ordered_newest_first(built):
    import feedparser

    cfg, _ = built
    feed = feedparser.parse((cfg.dist / "site" / "opds" / "new.xml").read_bytes())
    stamps = [e.updated for e in feed.entries]
    assert stamps == sorted(stamps, reverse=True) and len(stamps) == 3 * len(cfg.edition_langs)


def _pages(cfg) -> list[Path]:
    return sorted((cfg.dist / "site").rglob("*.html"))


def test_pages_are_strict_html5_without_scripts_or_remote_files(built):
    import html5lib
    from lxml import html as lhtml

    cfg, _ = built
    for page in _pages(cfg):
        text = page.read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(text)  # raises on any parse error
        tree = lhtml.fromstring(text)
        assert not tree.xpath("//script | //iframe | //*[@style] | //*[starts-with(name(@*), 'on')]"), page
        for ref in tree.xpath("//@href | //@src"):
            assert not urlparse(ref).scheme and not ref.startswith("//"), (page, ref)
            target = (page.parent / unquote(ref.split("#")[0])).resolve()
            assert target.exists(), (page, ref)


def test_pages_are_in_their_language_with_alternates(built):
    from lxml import html as lhtml

    cfg, _ = built
    site = cfg.dist / "site"
    tree = lhtml.fromstring((site / "ru" / f"{SEED}.html").read_text(encoding="utf-8"))
    assert tree.get("lang") == "ru"
    alternates = {a.get("hreflang"): a.get("href") for a in tree.xpath("//head/link[@hreflang]")}
    assert set(alternates) == set(cfg.edition_langs) - {"ru"}
    assert alternates["fr"] == f"../fr/{SEED}.html"
    body = tree.text_content().replace("\u00a0", " ")
    assert "Проверено человеком" in body and "Скачать" in body and "27 января 2022 г." in body
    # a language's own name in the menu carries its language
    fr = tree.xpath("//nav//a[@hreflang='fr']")[0]
    assert fr.get("lang") == "fr" and fr.text == "Français"
    en = lhtml.fromstring((site / "en" / f"{SEED}.html").read_text(encoding="utf-8"))
    assert en.get("lang") == "en" and "The original" in en.text_content()


def test_status_in_words_for_a_partly_translated_edition(built):
    """footnotes-plain has no translation: its ru page says so, with the share."""
    from lxml import html as lhtml

    cfg, _ = built
    tree = lhtml.fromstring((cfg.dist / "site" / "ru" / "footnotes-plain.html").read_text(encoding="utf-8"))
    status = [li.text_content() for li in tree.xpath("//ul[@class='status']/li")]
    assert len(status) == 1 and status[0].startswith("Ещё не переведено") and "100" in status[0]


def _browse_tools():
    chromium = require_tool("chromium")
    node = require_tool("node")
    puppeteer = ROOT / ".ci" / "ace" / "node_modules" / "puppeteer-core"
    axe = ROOT / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
    if not puppeteer.is_dir():
        _missing("puppeteer-core is not installed (it comes with DAISY Ace in .ci/ace; see README)")
    if not axe.is_file():
        _missing("axe-core is not installed (npm install --prefix .ci/axe axe-core@4.11.0)")
    return node, puppeteer, axe, chromium


@pytest.mark.validator
@pytest.mark.slow
def test_pages_in_chromium_phone_and_desktop_and_axe(built, tmp_path):
    cfg, _ = built
    node, puppeteer, axe, chromium = _browse_tools()
    site = cfg.dist / "site"
    pages = [site / "index.html", site / "ru" / "index.html", site / "ru" / f"{SEED}.html",
             site / "fr" / "pamphlet.html", site / "ky" / "footnotes-plain.html"]
    shots = Path(os.environ.get("PUBKIT_SITE_SHOTS", tmp_path))
    proc = subprocess.run([node, str(Path(__file__).parent / "browse.js"), str(puppeteer), str(axe), chromium,
                           str(shots), *map(str, pages)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(results) == 2 * len(pages)
    for r in results:
        assert Path(r["shot"]).stat().st_size > 5000  # a real picture of the page
        assert r["scrollWidth"] <= r["width"], r  # nothing wider than a phone
        assert r["remote"] == [], r  # no file from elsewhere
        serious = [v for v in r["axe"] if v["impact"] in ("serious", "critical")]
        assert serious == [], r


def test_second_run_changes_nothing(built):
    cfg, _ = built
    before = {p: p.stat().st_mtime_ns for p in (cfg.dist / "site").rglob("*")}
    result = build_site(cfg)
    assert result.written == [] and result.removed == []
    assert {p: p.stat().st_mtime_ns for p in (cfg.dist / "site").rglob("*")} == before


def test_a_changed_translation_rewrites_only_what_shows_it(built):
    cfg, _ = built
    po = cfg.translations / "ru" / f"{SEED}.po"
    text = po.read_text(encoding="utf-8")
    # a passage of the body (not the title, which the cover shows): the first paragraph
    changed = text.replace('msgstr ""\n"В 1992 году,', 'msgstr ""\n"Итак, в 1992 году,', 1)
    assert changed != text
    # a reviewer's save: the text and the revision date change
    po.write_text(re.sub(r'"PO-Revision-Date: [^"]*"', r'"PO-Revision-Date: 2030-01-01 00:00+0000\\n"', changed),
                  encoding="utf-8")
    try:
        build(cfg)
        result = build_site(cfg)
        written = set(result.written)
        assert f"ru/{SEED}.html" in written and "opds/lang-ru.xml" in written and "opds/new.xml" in written
        assert written <= {f"ru/{SEED}.html", "ru/index.html", "ru/pamphlet.html", "opds/lang-ru.xml",
                           "opds/new.xml", "opds/root.xml", "opds/collection-pamphlet.xml"}, written
    finally:
        po.write_text(text, encoding="utf-8")
        build(cfg)
        build_site(cfg)


def test_an_edition_missing_from_dist_is_a_clear_error(built):
    cfg, _ = built
    pdf = cfg.dist / f"{SEED}.fr.pdf"
    kept = pdf.read_bytes()
    pdf.unlink()
    try:
        with pytest.raises(MissingError, match=rf"not up to date.*{SEED}\.fr\.pdf") as err:
            collect(cfg)
        assert int(err.value.exit_code) == 66 and "build" in err.value.hint
    finally:
        pdf.write_bytes(kept)


def test_markup_in_a_title_is_printed_as_text(tmp_path):
    """A title holding markup is escaped in the pages and feeds, never interpreted."""
    from lxml import etree
    from lxml import html as lhtml

    project = tmp_path / "p"
    (project / "seeds").mkdir(parents=True)
    (project / "pubkit.toml").write_text(
        '[project]\nsource_lang = "en"\ntargets = []\n[languages]\nen = { name = "English", native = "English" }\n',
        encoding="utf-8")
    (project / "seeds" / "odd.md").write_text(
        '---\ntitle: "Strike <b>now</b> & <script>x()</script>"\ndate: 2024-03-12\n---\n\nSome text.\n',
        encoding="utf-8")
    cfg = load_config(project)
    build(cfg)
    build_site(cfg)
    page = (cfg.dist / "site" / "en" / "odd.html").read_text(encoding="utf-8")
    assert "<b>" not in page and "<script>" not in page and "&lt;b&gt;now&lt;/b&gt;" in page
    h1 = lhtml.fromstring(page).xpath("//h1")[0]
    assert h1.text_content().startswith("Strike <b>now</b> &")
    feed = etree.parse(str(cfg.dist / "site" / "opds" / "lang-en.xml"))
    title = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title").text
    assert title.startswith("Strike <b>now</b> &")


def test_a_bidi_control_in_a_title_is_refused():
    with pytest.raises(InputError, match="U\\+202E") as err:
        _check_text("Strike \u202enow", "title", Path("dist/x.en.epub"))
    assert int(err.value.exit_code) == 65 and "dist/x.en.epub" in str(err.value.location)


def test_an_edition_without_cover_gets_a_placeholder(built):
    cfg, _ = built
    e = SiteEdition(name="x", lang="en", title="No cover here", subtitle="", authors=(), date="", modified="",
                    description="", identifier="urn:uuid:0", files=(), coverage=Coverage(), is_source=True)
    site = Site((SiteItem("x", "article", (e,)),), ("en",))
    files = render_site(cfg, site, cfg.dist / "site", None)
    page = files["en/x.html"].decode()
    assert 'class="cover placeholder"' in page and "<img" not in page
    assert not any(k.startswith("covers/") for k in files)


def test_site_settings_are_checked(built):
    cfg, _ = built
    from dataclasses import replace

    folder, base = site_settings(replace(cfg, raw={**cfg.raw, "site": {"base_url": "https://example.org/books/"}}))
    assert folder == cfg.dist / "site" and base == "https://example.org/books"
    for bad in ({"dir": "../elsewhere"}, {"base_url": "ftp://x"}, {"base_url": "https://x", "dir": "public"},
                {"dir": 3}):
        with pytest.raises(ConfigError, match=r"\[site\]"):
            site_settings(replace(cfg, raw={**cfg.raw, "site": bad}))


def test_absolute_links_with_a_base_url(built):
    import feedparser

    cfg, _ = built
    from dataclasses import replace

    site = collect(cfg)
    files = render_site(replace(cfg, raw={**cfg.raw, "site": {"base_url": "https://example.org/b"}}), site,
                        cfg.dist / "site", "https://example.org/b")
    feed = feedparser.parse(files["opds/lang-fr.xml"])
    hrefs = [x.href for e in feed.entries for x in e.links]
    assert hrefs and all(h.startswith("https://example.org/b/") for h in hrefs)
    assert f"https://example.org/b/{SEED}.fr.epub" in hrefs
    assert f"https://example.org/b/site/fr/{SEED}.html" in hrefs
    assert urljoin("https://example.org/b/site/opds/lang-fr.xml", "x") == "https://example.org/b/site/opds/x"
