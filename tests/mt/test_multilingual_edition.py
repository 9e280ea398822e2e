"""A Kazakh edition end to end: multilingual model installed, `publish` drafts kk and builds EPUB + PDF.

The model is a synthetic NLLB-200 style one (``kaz_Cyrl`` prefix, CC-BY-NC licence, allowed by
the project), so the test also follows a non-commercial licence from the model into the PO
file, the colophon and the EPUB metadata. One passage is reviewed with a text that holds every
Kazakh-specific letter in both cases, so the PDF must draw each of them from the fonts.
"""

from __future__ import annotations

import re
import subprocess
import zipfile

import polib
import pytest

from pubkit import catalog
from pubkit.commands import models, publish
from pubkit.mt.synthetic_multilingual import build as build_model

from pubkit.config import PACKAGED_TEMPLATES

from ..conftest import ROOT
from ..tools import epubcheck_jar, require_tool
from .conftest import TEXT
from .test_multilingual import SLUG, make_project

KAZAKH = "ӘәІіҒғҚқҢңӨөҰұҮүҺһ"
PANGRAM = (
    "Әйгілі ғалым Һәкім «Өнер мен Ұлы Қазақ даласы» деп жазды. Іле бойындағы шаһарда, Ғимаратының "
    "алдында, жұмысшылар бүгін «ТЕҢДІК!» деп бас көтерді; Үкімет үнсіз."
)
FONTS = sorted((PACKAGED_TEMPLATES / "fonts").glob("PT*.ttf"))


def test_every_kazakh_letter_is_in_every_shipped_text_font():
    from fontTools.ttLib import TTFont

    assert len(FONTS) >= 6 and len(set(KAZAKH)) == 18 and set(KAZAKH) <= set(PANGRAM)
    for path in FONTS:
        cmap = TTFont(path).getBestCmap()
        missing = [ch for ch in KAZAKH if ord(ch) not in cmap]
        assert missing == [], f"{path.name} lacks {missing}"


@pytest.fixture(scope="module")
def kk_project(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("kk-edition")
    model = build_model(TEXT, tmp / "model", ("en", "ru", "kk"), family="nllb", archive=True, favour=("kk",))
    proj = make_project(tmp, targets=("kk",), extra="allow_noncommercial = true\n")
    models.run(root=proj, action="install", file=str(model))
    # a first publish drafts every passage; a reviewer then approves one passage with the pangram
    publish.run(root=proj, langs=["kk"])
    po_path = proj / "translations" / "kk" / f"{SLUG}.po"
    pf = catalog.load(po_path)  # written back as gettext tools do (#. lines never wrapped)
    entry = next(e for e in pf.po if e.msgid.startswith("In 1992"))
    entry.msgstr = PANGRAM
    entry.flags.remove("fuzzy")
    catalog.save(pf)
    publish.run(root=proj, langs=["kk"])
    dist = proj / "dist"
    return {
        "proj": proj,
        "po": polib.pofile(str(po_path)),
        "epub": dist / f"{SLUG}.kk.epub",
        "pdf": dist / f"{SLUG}.kk.pdf",
    }


def test_publish_drafts_kazakh_with_the_prefix_model_and_its_licence(kk_project):
    entries = [e for e in kk_project["po"] if not e.obsolete]
    drafts = [e for e in entries if "fuzzy" in e.flags]
    assert len(drafts) == len(entries) - 1 and all(e.msgstr for e in drafts)
    assert {catalog.state_of(e) for e in drafts} == {catalog.State.MACHINE}
    for e in drafts:
        line = next(ln for ln in e.comment.splitlines() if ln.startswith("pubkit-mt:"))
        assert re.fullmatch(
            r"pubkit-mt: nllb/ctranslate2 [\d.]+ \| synthetic-nllb-tiny 1\.0, licence CC-BY-NC-4\.0, "
            r"non-commercial use only",
            line,
        ), line
        draft = next(ln for ln in e.comment.splitlines() if ln.startswith("pubkit-draft:"))
        assert re.fullmatch(r"pubkit-draft: [0-9a-f]{12} \| score -\d+\.\d{3} \| \d{4}-\d\d-\d\d", draft)
    assert not any("kaz_Cyrl" in e.msgstr for e in entries)


def test_kazakh_epub_passes_epubcheck_and_carries_the_licence(kk_project):
    from ..render.test_epub import epubcheck

    proc, report = epubcheck(epubcheck_jar(), kk_project["epub"])
    found = [
        (m["severity"], m["ID"], m["message"])
        for m in report["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert found == [] and proc.returncode == 0, found
    with zipfile.ZipFile(kk_project["epub"]) as zf:
        opf = next(zf.read(n).decode() for n in zf.namelist() if n.endswith(".opf"))
        text = " ".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xhtml"))
    assert 'xml:lang="kk"' in opf or "<dc:language>kk</dc:language>" in opf
    assert "licence CC-BY-NC-4.0, non-commercial use only" in opf  # dc:contributor, machine translation
    assert "licence CC-BY-NC-4.0, non-commercial use only" in text  # the colophon
    assert "«Өнер мен Ұлы Қазақ даласы»" in text  # kk typography kept the guillemets
    # kk interface strings and dates (typography may bind a number to its word with a no-break space)
    assert "Басылым туралы" in text and re.search(r"2022\s+жылғы\s+27\s+қаңтар", text)


def test_kazakh_interface_strings_complete_and_not_kyrgyz():
    import yaml

    data = yaml.safe_load((PACKAGED_TEMPLATES / "strings.yaml").read_text(encoding="utf-8"))
    assert set(data["kk"]) == set(data["en"])
    assert data["kk"]["contents"] == "Мазмұны" and data["kk"]["translated_by"] == "Аударған"
    assert not {"Мазмуну", "Которгон", "Түпнуска"} & set(str(data["kk"]).replace(",", " ").split())


def test_kazakh_pdf_fonts_embedded_every_letter_drawn(kk_project):
    pdf = str(kk_project["pdf"])
    fonts = subprocess.run([require_tool("pdffonts"), pdf], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and {r.split()[-5] for r in rows} == {"yes"}, fonts
    trace = subprocess.run(
        [require_tool("mutool"), "trace", pdf], capture_output=True, text=True, check=True
    ).stdout
    assert 'glyph="' in trace and 'glyph="0"' not in trace
    text = subprocess.run(
        [require_tool("pdftotext"), pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert set(KAZAKH) <= set(text)
    # the colophon credit, its line maybe broken after "non-" (pdftotext then joins "noncommercial")
    assert re.search(r"licence CC-BY-NC-4\.0, non-?commercial use only", " ".join(text.split()))


def test_kk_without_a_model_still_builds_marked_as_untranslated(tmp_path, capsys):
    proj = make_project(tmp_path, targets=("kk",))
    assert publish.run(root=proj, langs=["kk"]) == 0
    err = capsys.readouterr().err
    assert "no translation model for en→kk" in err and "marked and counted" in err
    assert (proj / "dist" / f"{SLUG}.kk.epub").is_file() and (proj / "dist" / f"{SLUG}.kk.pdf").is_file()
    po = polib.pofile(str(proj / "translations" / "kk" / f"{SLUG}.po"))
    assert all(not e.msgstr for e in po if not e.obsolete)
