"""The EPUB's CSS in reading systems other than WeasyPrint: MuPDF (``mutool draw`` lays the
EPUB out itself, as MuPDF-based readers do) and Chromium (Blink, as Thorium and web readers).

Each is asked for its own layout and the lines are measured: in a Kyrgyz edition (no
hyphenation dictionary) body lines end where the words end (ragged right); in a Russian
edition they end flush (justified), which shows the measure can tell the two apart. The
landmarks navigation, ``hidden``, must not be drawn (MuPDF showed it as a second contents).

Screenshots: ``PUBKIT_SCREENSHOTS=folder pytest tests/render/test_reading_systems.py`` writes
what each reader drew (PNG) into that folder, to be looked at (README, "What the editions claim").
"""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

from ..tools import require_tool

WIDTH, HEIGHT = 360, 900  # a narrow page, so the paragraphs take several lines


def _screenshots() -> Path | None:
    folder = os.environ.get("PUBKIT_SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def _right_edge_spread(paragraphs: list[list[float]]) -> float:
    """The largest spread of right edges among the non-last lines of paragraphs of 3+ lines."""
    spread = 0.0
    for edges in paragraphs:
        if len(edges) >= 3:
            spread = max(spread, max(edges[:-1]) - min(edges[:-1]))
    return spread


def _unpacked(epub: Path, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / f"epub-{name}"
    with zipfile.ZipFile(epub) as zf:
        zf.extractall(folder)
    return folder / "EPUB"


def _mupdf_paragraphs(epub: Path, tmp_path: Path, name: str) -> list[list[float]]:
    """MuPDF's own layout of the chapter (its HTML engine, as in MuPDF-based readers): the
    right edges of the lines of each body paragraph (``.text p``, not the head or closing)."""
    mutool = require_tool("mutool")
    page = _unpacked(epub, tmp_path, name) / "text.xhtml"
    out = tmp_path / f"{name}.stext"
    subprocess.run([mutool, "draw", "-q", "-W", str(WIDTH), "-H", str(HEIGHT), "-F", "stext", "-o", str(out),
                    str(page)], check=True, capture_output=True)
    shots = _screenshots()
    if shots is not None:
        png = str(shots / f"mupdf-{name}-%d.png")
        subprocess.run([mutool, "draw", "-q", "-W", str(WIDTH), "-H", str(HEIGHT), "-r", "96", "-o", png,
                        str(page)], check=True, capture_output=True)
    paragraphs = []
    for block in etree.parse(str(out)).getroot().iter("block"):
        lines = list(block.iter("line"))
        fonts = {f.get("name", "") for f in block.iter("font")}
        if len(lines) >= 3 and any("Serif" in f for f in fonts):  # body text is set in the serif
            paragraphs.append([float(ln.get("bbox").split()[2]) for ln in lines])
    return paragraphs


def _mupdf_text(epub: Path, tmp_path: Path, name: str) -> list[str]:
    """Every line MuPDF draws of the whole EPUB (all its pages, navigation included)."""
    mutool = require_tool("mutool")
    out = tmp_path / f"{name}.txt"
    subprocess.run([mutool, "draw", "-q", "-W", str(WIDTH), "-H", str(HEIGHT), "-F", "txt", "-o", str(out),
                    str(epub)], check=True, capture_output=True)
    return [ln.strip() for ln in out.read_text(encoding="utf-8").splitlines()]


def test_mupdf_keeps_kyrgyz_ragged_and_russian_justified(built, tmp_path):
    ky = _mupdf_paragraphs(built[("ky", "epub")], tmp_path, "ky")
    ru = _mupdf_paragraphs(built[("ru", "epub")], tmp_path, "ru")
    assert ky and ru
    assert _right_edge_spread(ru) < 1.5, "Russian body text is justified: its lines end flush"
    assert _right_edge_spread(ky) > 15, "Kyrgyz body text is ragged right in MuPDF too"


def test_mupdf_does_not_draw_the_hidden_landmarks(built, tmp_path, cfg):
    from pubkit.render.html import Strings

    for lang in ("ky", "ru"):
        lines = _mupdf_text(built[(lang, "epub")], tmp_path, f"nav-{lang}")
        t = Strings(cfg.templates, lang)
        assert lines.count(t("contents")) == 1, (lang, [ln for ln in lines if ln == t("contents")])
        # the landmarks list would name the cover page; the contents never does
        assert t("cover") not in lines, lang


def _chromium_paragraphs(epub: Path, tmp_path: Path, name: str) -> list[list[float]]:
    """Chromium's layout of the chapter (text.xhtml with the EPUB's CSS and fonts), printed to
    PDF by Chromium itself and read back with pdftotext's boxes: the right edges of the lines
    of each paragraph of 3+ lines set at body size."""
    chromium = require_tool("chromium")
    pdftotext = require_tool("pdftotext")
    page = _unpacked(epub, tmp_path, f"chromium-{name}") / "text.xhtml"
    css = f"<style>@page {{ size: {WIDTH}px {HEIGHT}px; margin: 20px; }}</style>"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", css + "</head>", 1), encoding="utf-8")
    pdf = page.with_suffix(".pdf")
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-home'}", "--no-pdf-header-footer"]
    subprocess.run([*args, f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True,
                   timeout=120)
    shots = _screenshots()
    if shots is not None:
        shot = shots / f"chromium-{name}.png"
        subprocess.run([*args, f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={shot}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    layout = subprocess.run([pdftotext, "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    paragraphs = []
    for block in re.findall(r"<block [^>]*>(.*?)</block>", layout, re.S):
        boxes = [tuple(float(v) for v in m) for m in
                 re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', block)]
        if len(boxes) >= 3 and all(y1 - y0 < 17 for _, y0, _, y1 in boxes):  # body size, not headings
            paragraphs.append([x1 for _, _, x1, _ in boxes])
    return paragraphs


def _flush_lines(paragraphs: list[list[float]]) -> int:
    """How many body lines end at the right margin (within 1.5 pt). pdftotext may join
    paragraphs into one block, so a paragraph's last line is not known here; but justified
    text ends every other line flush, while ragged text almost never does."""
    margin = max(x for p in paragraphs for x in p)
    return sum(x >= margin - 1.5 for p in paragraphs for x in p)


def test_chromium_keeps_kyrgyz_ragged_and_russian_justified(built, tmp_path):
    ky = _chromium_paragraphs(built[("ky", "epub")], tmp_path, "ky")
    ru = _chromium_paragraphs(built[("ru", "epub")], tmp_path, "ru")
    assert sum(map(len, ky)) >= 8 and sum(map(len, ru)) >= 8
    assert _flush_lines(ru) >= 5, ("Russian body text is justified: its lines end flush", ru)
    assert _flush_lines(ky) <= 1, ("Kyrgyz body text is ragged right in Chromium", ky)
