"""A project's own templates/ overrides pubkit's packaged templates file by file.

Templates, stylesheets, fonts, font licences and strings.yaml are looked up in the project's
folder first, then in the package (``pubkit.config.template_file``): a project holds only what it
changes. README ("Changing the look") and templates/README.md say so.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from pubkit.config import PACKAGED_TEMPLATES, load_config, template_file
from pubkit.edition import Coverage, Edition
from pubkit.errors import ConfigError
from pubkit.project import load_articles
from pubkit.render import epub as epub_writer
from pubkit.render.html import Strings
from pubkit.render.pdf import make_fetcher
from pubkit.segment import segment

from ..conftest import copy_project


def _edition(cfg) -> Edition:
    doc = next(d for d in load_articles(cfg) if d.meta.slug == "kazakh-workers-revolt-2022")
    n = len(segment(doc))
    return Edition(doc=doc, language=cfg.language("en"), source_language=cfg.language("en"), is_source=True,
                   coverage=Coverage(total=n, reviewed=n), build_date="2022-01-27",
                   identifier="urn:pubkit:kazakh-workers-revolt-2022:en")


@pytest.fixture
def own(tmp_path: Path):
    """A project whose templates/ holds one changed template and a strings.yaml of one key."""
    root = copy_project(tmp_path)
    folder = root / "templates"
    folder.mkdir()
    colophon = (PACKAGED_TEMPLATES / "_colophon.html.j2").read_text(encoding="utf-8")
    (folder / "_colophon.html.j2").write_text(colophon + '<p class="house">Printed by the House Press</p>\n',
                                              encoding="utf-8")
    (folder / "strings.yaml").write_text("en:\n  colophon: About the House edition\n", encoding="utf-8")
    return root


def test_the_packaged_templates_are_used_without_a_project_folder(project: Path):
    cfg = load_config(project)
    assert cfg.templates == PACKAGED_TEMPLATES
    assert template_file(cfg.templates, "base.css") == PACKAGED_TEMPLATES / "base.css"


def test_a_project_file_wins_and_every_other_name_comes_from_the_package(own: Path):
    cfg = load_config(own)
    assert cfg.templates == own / "templates"
    assert template_file(cfg.templates, "_colophon.html.j2") == own / "templates" / "_colophon.html.j2"
    assert template_file(cfg.templates, "fonts/PTF55F.ttf") == PACKAGED_TEMPLATES / "fonts" / "PTF55F.ttf"
    t = Strings(cfg.templates, "en")
    assert t("colophon") == "About the House edition"  # the project's key
    assert t("contents") == "Contents"  # the package's, for every key the project leaves out
    assert Strings(cfg.templates, "ru")("contents") == "Содержание"


def test_an_edition_is_built_from_both_folders(own: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643241600")
    cfg = load_config(own)
    out = tmp_path / "book.epub"
    epub_writer.write(_edition(cfg), cfg, out)
    with zipfile.ZipFile(out) as z:
        pages = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")}
        names = z.namelist()
    colophon = next(text for name, text in pages.items() if "colophon" in name)
    assert "Printed by the House Press" in colophon and "About the House edition" in colophon
    assert any("Contents" in text for text in pages.values())
    assert any(n.endswith(".ttf") for n in names) and any(n.endswith("base.css") for n in names)


def test_the_fetcher_serves_a_project_font_to_the_packaged_stylesheet(own: Path):
    """base.css (packaged) names fonts/PTF55F.ttf: a project's copy of that font is the one loaded."""
    fonts = own / "templates" / "fonts"
    fonts.mkdir()
    shutil.copy(PACKAGED_TEMPLATES / "fonts" / "PTS55F.ttf", fonts / "PTF55F.ttf")  # another face, same name
    cfg = load_config(own)
    fetch = make_fetcher(cfg.templates)
    packaged_css_url = (PACKAGED_TEMPLATES / "base.css").as_uri()
    font_url = packaged_css_url.rsplit("/", 1)[0] + "/fonts/PTF55F.ttf"
    assert fetch(font_url).read() == (fonts / "PTF55F.ttf").read_bytes()
    other = packaged_css_url.rsplit("/", 1)[0] + "/fonts/PTF75F.ttf"
    assert fetch(other).read() == (PACKAGED_TEMPLATES / "fonts" / "PTF75F.ttf").read_bytes()
    with pytest.raises(ValueError, match="only reads files inside"):
        fetch((own / "pubkit.toml").as_uri())


def test_an_error_in_a_project_template_names_the_project_file(own: Path, tmp_path: Path):
    (own / "templates" / "_colophon.html.j2").write_text("{% if %}\n", encoding="utf-8")
    cfg = load_config(own)
    with pytest.raises(ConfigError) as err:
        epub_writer.write(_edition(cfg), cfg, tmp_path / "book.epub")
    assert Path(err.value.location.path) == own / "templates" / "_colophon.html.j2"
    assert err.value.exit_code == 78
