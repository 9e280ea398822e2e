"""Fonts an EPUB carries: only the faces its pages use, each cut to the characters it shows.

Which face shows which characters is read from WeasyPrint, not guessed: the EPUB's own
XHTML pages and stylesheets are turned into WeasyPrint's formatting structure (computed
styles and text boxes, no layout), and every text box reports its font family, weight and
style (after ``text-transform``, with generated content and list markers). A face no page uses is dropped
(with its ``@font-face`` rule); the others are subset with fontTools (no hinting, glyph
outlines and kerning kept), so a reading system draws the same glyphs the full font would.

ParaType's licence lets anyone modify the fonts and distribute them with the licence, but
not under the original name. A subset is a modified font, so its internal names become
``Pubkit Serif`` / ``Pubkit Sans`` (the copyright and licence records are kept) and the
EPUB's stylesheet refers to those names; the licence page says so.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# CSS family, bold, italic → file under templates/fonts/ (must match base.css @font-face)
FACES: dict[tuple[str, bool, bool], str] = {
    ("PT Serif", False, False): "PTF55F.ttf",
    ("PT Serif", False, True): "PTF56F.ttf",
    ("PT Serif", True, False): "PTF75F.ttf",
    ("PT Serif", True, True): "PTF76F.ttf",
    ("PT Sans", False, False): "PTS55F.ttf",
    ("PT Sans", True, False): "PTS75F.ttf",
}
RENAMED = {"PT Serif": "Pubkit Serif", "PT Sans": "Pubkit Sans"}
UNTOUCHED = ("PubkitSpaces.ttf",)  # pubkit's own CC0 font: tiny, carried whole
_NAME_IDS_KEPT = (0, 7, 8, 9, 11, 12, 13, 14)  # copyright, trademark, vendor, designer, urls, licence


@dataclass(frozen=True)
class FontFile:
    name: str  # file name under fonts/
    data: bytes


def face_of(style: Any) -> tuple[str, bool, bool] | None:
    """The bundled face a WeasyPrint computed style draws with, if any."""
    bold = int(style["font_weight"]) >= 600
    italic = style["font_style"] in ("italic", "oblique")
    for family in style["font_family"]:
        for (name, _b, _i) in FACES:
            if name == family:
                # synthesized faces fall back to the nearest one the stylesheet declares
                key = (name, bold, italic)
                return key if key in FACES else (name, bold, False) if (name, bold, False) in FACES else (name, False, False)
    return None


_LINK = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*>')
_HREF = re.compile(r'\bhref="([^"]+)"')


def characters_by_face(pages: list[str], base_url: str, fetcher: Any) -> dict[tuple[str, bool, bool], set[str]]:
    """For each bundled face, the characters the given XHTML pages show with it.

    Read from WeasyPrint's formatting structure, before layout: every element's computed
    style (family, weight, style) and its text after ``text-transform``, generated content
    and list markers, as the layout would draw them; where a line may be hyphenated, the
    hyphenation character too. Laying the pages out would only add line breaks. The pages'
    stylesheets are parsed once for all of them (no ``@font-face`` is loaded: a style names
    its family, and no text is measured).
    """
    from weasyprint import CSS, DEFAULT_OPTIONS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document
    from weasyprint.formatting_structure.boxes import TextBox
    from weasyprint.formatting_structure.build import build_formatting_structure

    used: dict[tuple[str, bool, bool], set[str]] = {}
    sheets: dict[str, Any] = {}
    for page in pages:
        hrefs = [m.group(1) for link in _LINK.findall(page) if (m := _HREF.search(link))]
        for href in hrefs:
            if href not in sheets:
                sheets[href] = CSS(url=base_url + href, url_fetcher=fetcher, media_type="screen")
        html = HTML(string=_LINK.sub("", page), base_url=base_url, url_fetcher=fetcher, media_type="screen")
        counter_style = CounterStyle()
        options = dict(DEFAULT_OPTIONS, stylesheets=[sheets[h] for h in hrefs])
        context = Document._build_layout_context(html, None, counter_style, {}, options)
        root = build_formatting_structure(html.etree_element, context.style_for, context.get_image_from_uri,
                                          html.base_url, context.target_collector, counter_style,
                                          context.footnotes)
        # placeholders too: list markers ("•", "1.") are placed outside their item
        for box in root.descendants(placeholders=True):
            if isinstance(box, TextBox) and box.text:
                face = face_of(box.style)
                if face is not None:
                    chars = used.setdefault(face, set())
                    chars.update(box.text)
                    if box.style["hyphens"] == "auto":
                        chars.update(box.style["hyphenate_character"])
    return used


def subset(path: Path, chars: set[str], family: str) -> bytes:
    """``path`` cut to ``chars`` and renamed to ``family`` (reproducible bytes); made once per
    process for each face and set of characters (editions that need the same cut share it)."""
    return _subset(path, frozenset(chars), family)


@functools.lru_cache(maxsize=64)
def _subset(path: Path, chars: frozenset[str], family: str) -> bytes:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["kern", "liga", "locl"]
    options.name_IDs = list(_NAME_IDS_KEPT) + [1, 2, 3, 4, 5, 6, 16, 17]
    options.notdef_outline = True
    font = TTFont(str(path), recalcTimestamp=False)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars} | {0x20, 0xA0}))
    subsetter.subset(font)
    style = "Bold Italic" if "76" in path.stem else "Bold" if "75" in path.stem else \
        "Italic" if "56" in path.stem else "Regular"
    ps = family.replace(" ", "") + "-" + style.replace(" ", "")
    names = {1: family, 2: style, 3: f"{ps} (subset by pubkit)", 4: f"{family} {style}", 6: ps,
             16: family, 17: style}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    return buf.getvalue()


def epub_fonts(used: dict[tuple[str, bool, bool], set[str]], fonts: Mapping[str, Path]) -> list[FontFile]:
    """The font files an EPUB carries: used faces subset and renamed, plus pubkit's spaces
    (``fonts``: file name → path, as assets.font_paths found them)."""
    out = []
    for face, chars in sorted(used.items()):
        if not chars:
            continue
        file = FACES[face]
        out.append(FontFile(file, subset(fonts[file], chars, RENAMED[face[0]])))
    for file in UNTOUCHED:
        out.append(FontFile(file, fonts[file].read_bytes()))
    return out


def epub_css(css: str, carried: set[str]) -> str:
    """A stylesheet with @font-face rules only for carried files and the renamed families."""
    def keep(m: re.Match) -> str:
        src = re.search(r'url\("?fonts/([^")]+)"?\)', m.group(0))
        return m.group(0) if src is None or src.group(1) in carried else ""

    css = re.sub(r"@font-face\s*\{[^}]*\}\n?", keep, css)
    for old, new in RENAMED.items():
        css = css.replace(f'"{old}"', f'"{new}"')
    return css
