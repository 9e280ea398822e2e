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
    entries = [e for e in kk_project["po"] if not e.obsolete and not (e.msgctxt or "").startswith("meta:")]
    drafts = [e for e in entries if "fuzzy" in e.flags]
    assert len(drafts) == len(entries) - 1 and all(e.msgstr for e in drafts)  # all but the reviewed one
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


def _drafted_on(po) -> str:
    """The latest date in the drafts' provenance lines (``pubkit-draft: <hash> | score … | 2026-11-27``,
    or an earlier file's ``pubkit-mt: … | 2026-11-27 | …``)."""
    comments = "\n".join(e.comment for e in po)
    dates = re.findall(r"(?m)^pubkit-(?:mt|mt-reviewed|draft): .*?\| (\d{4}-\d\d-\d\d)[ \t]*(?:\||$)", comments)
    return max(dates)


def test_machine_drafted_kazakh_edition_is_dated_by_its_drafts(kk_project):
    """The drafts were made today; the article is of 27 January 2022: the edition is of today,
    in its colophon, `dcterms:modified` and the PDF's dates alike (`dc:date` stays the article's)."""
    import os

    from pypdf import PdfReader

    day = _drafted_on(kk_project["po"])
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return  # pinned: every date is the epoch's (tests/render/test_dates.py)
    assert day > "2022-01-27"
    with zipfile.ZipFile(kk_project["epub"]) as zf:
        opf = next(zf.read(n).decode() for n in zf.namelist() if n.endswith(".opf"))
        colophon = zf.read("EPUB/colophon.xhtml").decode()
    assert f'<meta property="dcterms:modified">{day}T00:00:00Z</meta>' in opf
    assert "<dc:date>2022-01-27</dc:date>" in opf
    assert PdfReader(str(kk_project["pdf"])).metadata.modification_date.date().isoformat() == day
    from pubkit.config import load_config
    from pubkit.render.html import Strings

    shown = Strings(load_config(kk_project["proj"]).templates, "kk").date(day)
    built = re.search(r"Басылым дайындалған күн</dt>\s*<dd>([^<]*)</dd>", colophon)
    assert built and built.group(1) == shown, colophon[-1500:]


def test_kazakh_edition_prints_the_author_and_source_as_written(kk_project):
    """Names, countries and the source line are never sent to the model: the PO file's `meta:`
    entries stay untranslated after `translate`, and the edition prints them as the source has
    them, marked as English, filed as an organisation is (not inverted)."""
    from pypdf import PdfReader

    meta = [e for e in kk_project["po"] if (e.msgctxt or "").startswith("meta:") and not e.obsolete]
    assert meta and all(not e.msgstr and "fuzzy" not in e.flags for e in meta)
    with zipfile.ZipFile(kk_project["epub"]) as zf:
        opf = next(zf.read(n).decode() for n in zf.namelist() if n.endswith(".opf"))
        title_page = zf.read("EPUB/titlepage.xhtml").decode()
    name = "Permanent Revolution Collective"
    assert f'<dc:creator id="creator-1" xml:lang="en">{name}</dc:creator>' in opf, opf
    assert '<meta refines="#creator-1" property="file-as">Permanent Revolution Collective</meta>' in opf
    assert f'<p class="tp-author" lang="en" xml:lang="en">{name}</p>' in title_page
    assert PdfReader(str(kk_project["pdf"])).metadata.author == "Permanent Revolution Collective"
    assert "Permanent Revolution Collective, statement of 27" in opf  # dc:source as written


def test_kazakh_title_page_and_metadata_say_it_is_not_reviewed(kk_project):
    """One passage of 44 is reviewed: the title page (EPUB and PDF) and the cover's description
    say in Kazakh that the translation is not fully reviewed, with the shares; the EPUB states
    it in schema:creativeWorkStatus, and dc:description holds no translation statement."""
    import yaml

    kk = yaml.safe_load((PACKAGED_TEMPLATES / "strings.yaml").read_text(encoding="utf-8"))["kk"]
    total = sum(1 for e in kk_project["po"] if not e.obsolete and not (e.msgctxt or "").startswith("meta:"))
    reviewed = round(100 / total)
    with zipfile.ZipFile(kk_project["epub"]) as zf:
        opf = next(zf.read(n).decode() for n in zf.namelist() if n.endswith(".opf"))
        title_page = zf.read("EPUB/titlepage.xhtml").decode()
        cover = zf.read("EPUB/cover.xhtml").decode()
    flat = " ".join(title_page.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert kk["status_unreviewed"] in flat
    assert f"{reviewed} % адам тексерген" in flat and f"{100 - reviewed} % — машиналық аударма" in flat
    assert kk["status_unreviewed"] in cover
    # and the cover image draws it (in the rule's colour, under the language's name)
    import io

    from PIL import Image

    from pubkit.render import cover as drawn

    with zipfile.ZipFile(kk_project["epub"]) as zf:
        png = Image.open(io.BytesIO(zf.read("EPUB/images/cover.png"))).convert("RGB")
    below = png.crop((0, drawn.HEIGHT - 260, drawn.WIDTH, drawn.HEIGHT))  # without it: only the language
    assert drawn.RULE in {c for _, c in below.getcolors(1 << 20)}
    status = re.search(r'<meta property="schema:creativeWorkStatus">([^<]+)</meta>', opf)
    assert status and kk["status_unreviewed"] in status.group(1)
    assert "<dc:description" not in opf
    pdf_text = subprocess.run([require_tool("pdftotext"), str(kk_project["pdf"]), "-"],
                              capture_output=True, text=True, check=True).stdout
    title_pages = pdf_text.split(kk["contents"])[0]  # (the synthetic model's title may fill more than a page)
    assert kk["status_unreviewed"] in " ".join(title_pages.split())
