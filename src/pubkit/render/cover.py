"""A cover image drawn from the title and author with the bundled fonts (deterministic PNG)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

WIDTH, HEIGHT = 1200, 1800
BACKGROUND = (38, 52, 71)
RULE = (196, 154, 84)
INK = (246, 241, 232)
SOFT = (205, 212, 222)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit(draw, text: str, font_path: Path, width: int, start: int, max_lines: int):
    from PIL import ImageFont

    size = start
    while True:
        font = ImageFont.truetype(str(font_path), size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= max_lines or size <= 40:
            return font, lines
        size -= 6


def cover_png(title: str, author: str, language: str, fonts: Mapping[str, Path],
              status: tuple[str, ...] = ()) -> bytes:
    """The cover as PNG bytes: same inputs, same bytes (``fonts``: file name → path, assets.font_paths).
    ``status``: lines saying how much of a translation a person has not reviewed (the title
    page's statement), printed under the language's name."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(img)
    margin = 110
    draw.rectangle([margin, 260, WIDTH - margin, 268], fill=RULE)
    tfont, tlines = _fit(draw, title, fonts["PTF75F.ttf"], WIDTH - 2 * margin, 104, 6)
    y = 330
    for line in tlines:
        draw.text((margin, y), line, font=tfont, fill=INK)
        y += int(tfont.size * 1.18)
    afont, alines = _fit(draw, author, fonts["PTS55F.ttf"], WIDTH - 2 * margin, 56, 3)
    y = HEIGHT - 330 - len(alines) * int(afont.size * 1.25)
    draw.rectangle([margin, y - 50, margin + 200, y - 44], fill=RULE)
    for line in alines:
        draw.text((margin, y), line, font=afont, fill=INK)
        y += int(afont.size * 1.25)
    lfont = ImageFont.truetype(str(fonts["PTS75F.ttf"]), 40)
    draw.text((margin, HEIGHT - 180 - 44 * min(len(status), 3)), language.upper(), font=lfont, fill=SOFT)
    if status:
        sfont = ImageFont.truetype(str(fonts["PTS55F.ttf"]), 32)
        lines = [ln for text in status for ln in _wrap(draw, text, sfont, WIDTH - 2 * margin)][:4]
        y = HEIGHT - 180 - 44 * min(len(status), 3) + 60
        for line in lines:
            draw.text((margin, y), line, font=sfont, fill=RULE)
            y += 40
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=6)
    return buf.getvalue()
