"""EPUB weight: only the faces used, cut to the characters shown, renamed as the licence asks.

The check that the subsets are complete is independent of how they were made: each EPUB is
unpacked and its own pages are laid out by WeasyPrint with the EPUB's own stylesheets and
fonts; the PDF that comes out may use no font but the EPUB's (a missing character would
fall back to a system font) and shows the same text.
"""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from fontTools.ttLib import TTFont

from ..tools import require_tool

LANGS = ("en", "ru", "ky", "fr")
LIMIT = 150_000  # bytes (before: 1.18 MB each)


@pytest.mark.parametrize("lang", LANGS)
def test_article_epub_is_small(article_dist, lang):
    size = article_dist[lang].stat().st_size
    assert size < LIMIT, f"{article_dist[lang].name}: {size} bytes"


@pytest.mark.parametrize("lang", LANGS)
def test_epub_pages_need_no_font_but_their_own(article_dist, lang, tmp_path):
    from weasyprint import HTML

    with zipfile.ZipFile(article_dist[lang]) as z:
        z.extractall(tmp_path)
        names = z.namelist()
    fonts = [n for n in names if n.endswith(".ttf")]
    assert "EPUB/fonts/PTF76F.ttf" not in fonts  # bold italic: no page uses it
    css = (tmp_path / "EPUB" / "base.css").read_text(encoding="utf-8")
    assert "PTF76F" not in css and '"PT Serif"' not in css and '"Pubkit Serif"' in css
    for name in fonts:
        font = TTFont(str(tmp_path / name))
        family = font["name"].getDebugName(1)
        assert "PT " not in family and "ParaType" not in family, family  # not the original name
        if "Pubkit Spaces" not in family:
            assert "ParaType" in font["name"].getDebugName(0)  # the copyright notice is kept
    pdffonts = require_tool("pdffonts")
    for page in ("titlepage", "text", "colophon", "nav"):
        src = tmp_path / "EPUB" / f"{page}.xhtml"
        out = tmp_path / f"{page}.pdf"
        HTML(filename=str(src), media_type="screen").write_pdf(str(out))
        listed = subprocess.run([pdffonts, str(out)], capture_output=True, text=True, check=True).stdout
        used = {line.split()[0].split("+")[-1] for line in listed.splitlines()[2:] if line.strip()}
        assert used and all(f.startswith("Pubkit") for f in used), (page, used)
        text = subprocess.run([require_tool("pdftotext"), str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert len(re.sub(r"\s", "", text)) > 20


def test_font_licence_page_prints_paratypes_terms_not_packaging(article_dist, tmp_path):
    with zipfile.ZipFile(article_dist["ru"]) as z:
        page = z.read("EPUB/licences.xhtml").decode("utf-8")
    assert "ParaType Ltd grants you the right to use, copy, modify" in page
    assert "Copyright © 2010 ParaType Ltd." in page
    assert "debian" not in page.lower() and "GNU General Public License" not in page
    assert "Pubkit Serif" in page  # the page says why the fonts carry another name
