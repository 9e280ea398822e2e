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
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ..tools import require_tool

WIDTH, HEIGHT = 360, 900  # a narrow page, so the paragraphs take several lines


def _screenshots() -> Path | None:
    folder = os.environ.get("PUBKIT_SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def _paragraph_lines(lines: list[tuple[float, float, float, str]]) -> list[list[tuple[float, str]]]:
    """Lines (x0, x1, y, text) grouped into paragraphs by vertical gaps; each line as (x1, text)."""
    paras: list[list[tuple[float, str]]] = []
    last_y = None
    for x0, x1, y, text in sorted(lines, key=lambda r: r[2]):
        if last_y is None or y - last_y > 22:
            paras.append([])
        paras[-1].append((x1, text))
        last_y = y
    return paras


def _right_edge_spread(lines) -> float:
    """The largest spread of right edges among the non-last lines of the long paragraphs."""
    spread = 0.0
    for para in _paragraph_lines(lines):
        if len(para) >= 3:
            edges = [x1 for x1, _ in para[:-1]]
            spread = max(spread, max(edges) - min(edges))
    return spread


def _mupdf_lines(epub: Path, tmp_path: Path, name: str) -> tuple[list, str]:
    """MuPDF's layout of the whole EPUB: (body-text lines of the chapter, all text)."""
    mutool = require_tool("mutool")
    out = tmp_path / f"{name}.stext"
    subprocess.run([mutool, "draw", "-q", "-W", str(WIDTH), "-H", str(HEIGHT), "-F", "stext", "-o", str(out),
                    str(epub)], check=True, capture_output=True)
    root = etree.parse(str(out)).getroot()
    body, every = [], []
    for page in root.iter("page"):
        for line in page.iter("line"):
            text = "".join(c.get("c", "") for c in line.iter("char"))
            every.append(text)
            x0, y0, x1, _ = (float(v) for v in line.get("bbox").split())
            font = next(line.iter("font"), None)
            size = float(font.get("size")) if font is not None else 0
            if size and 9 <= size <= 13 and len(text) > 20:  # body text, not headings or notes
                body.append((x0, x1, y0, text))
    shots = _screenshots()
    if shots is not None:
        subprocess.run([mutool, "draw", "-q", "-W", str(WIDTH), "-H", str(HEIGHT), "-r", "96",
                        "-o", str(shots / f"mupdf-{name}-%d.png"), str(epub)], check=True, capture_output=True)
    return body, "\n".join(every)


def test_mupdf_keeps_kyrgyz_ragged_and_russian_justified(built, tmp_path):
    ky, _ = _mupdf_lines(built[("ky", "epub")], tmp_path, "ky")
    ru, _ = _mupdf_lines(built[("ru", "epub")], tmp_path, "ru")
    assert len(ky) >= 6 and len(ru) >= 6
    assert _right_edge_spread(ru) < 1.5, "Russian body text is justified: its lines end flush"
    assert _right_edge_spread(ky) > 15, "Kyrgyz body text is ragged right in MuPDF too"


def test_mupdf_does_not_draw_the_hidden_landmarks(built, tmp_path, cfg):
    from pubkit.render.html import Strings

    for lang in ("ky", "ru"):
        _, text = _mupdf_lines(built[(lang, "epub")], tmp_path, f"nav-{lang}")
        t = Strings(cfg.templates, lang)
        lines = [ln.strip() for ln in text.splitlines()]
        assert lines.count(t("contents")) == 1, (lang, [ln for ln in lines if ln == t("contents")])
        # the landmarks list would name the cover; the contents never does
        assert t("cover") not in lines, lang


def _chromium_lines(epub: Path, tmp_path: Path, name: str) -> list:
    """Chromium's layout of the chapter (text.xhtml with the EPUB's CSS and fonts), printed to
    PDF by Chromium itself and read back with pdftotext's word boxes."""
    chromium = require_tool("chromium")
    pdftotext = require_tool("pdftotext")
    folder = tmp_path / f"chromium-{name}"
    with zipfile.ZipFile(epub) as zf:
        zf.extractall(folder)
    page = folder / "EPUB" / "text.xhtml"
    css = f"<style>@page {{ size: {WIDTH}px {HEIGHT}px; margin: 20px; }}</style>"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", css + "</head>", 1), encoding="utf-8")
    pdf = folder / "out.pdf"
    home = tmp_path / "chromium-home"
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={home}", "--no-pdf-header-footer"]
    subprocess.run([*args, f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
    shots = _screenshots()
    if shots is not None:
        subprocess.run([*args, f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={shots / f'chromium-{name}.png'}",
                        page.as_uri()], check=True, capture_output=True, timeout=120)
    html = subprocess.run([pdftotext, "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
                         html, re.S):
        words = re.findall(r">([^<]+)</word>", m.group(5))
        text = " ".join(words)
        height = float(m.group(4)) - float(m.group(2))
        if len(text) > 20 and 8 <= height <= 14:  # body lines, not the title
            lines.append((float(m.group(1)), float(m.group(3)), float(m.group(2)), text))
    return lines


def test_chromium_keeps_kyrgyz_ragged_and_russian_justified(built, tmp_path):
    if shutil.which("chromium") is None and not os.environ.get("CI"):
        pytest.skip("chromium is not installed")
    ky = _chromium_lines(built[("ky", "epub")], tmp_path, "ky")
    ru = _chromium_lines(built[("ru", "epub")], tmp_path, "ru")
    assert len(ky) >= 6 and len(ru) >= 6
    assert _right_edge_spread(ru) < 1.5
    assert _right_edge_spread(ky) > 15
