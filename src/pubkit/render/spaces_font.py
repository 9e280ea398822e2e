"""Build ``templates/fonts/PubkitSpaces.ttf``: a tiny font holding only typographic spaces.

PT Serif and PT Sans have no U+202F NARROW NO-BREAK SPACE (French typography needs it) nor
U+2009 THIN SPACE. ParaType's licence forbids distributing a modified font under its name,
so instead of patching their fonts, this font supplies the missing spaces and the
stylesheets list it right after PT Serif / PT Sans (and declare its ``unicode-range``).
It contains no outlines, is released under CC0 (``LICENSE-PubkitSpaces.txt``) and is built
deterministically: ``python -m pubkit.render.spaces_font templates/fonts/PubkitSpaces.ttf``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

FAMILY = "Pubkit Spaces"
UPM = 1000
# code point → advance width in font units (PT Serif's space is 250/1000)
SPACES = {
    0x2007: 500,  # FIGURE SPACE: as wide as a digit
    0x2008: 250,  # PUNCTUATION SPACE
    0x2009: 200,  # THIN SPACE
    0x200A: 100,  # HAIR SPACE
    0x202F: 200,  # NARROW NO-BREAK SPACE
    0x2060: 0,    # WORD JOINER
}
UNICODE_RANGE = ", ".join(f"U+{cp:04X}" for cp in sorted(SPACES))
FIXED_TIME = 3029529600  # 1904-based seconds for 2000-01-01: no build time in the file


def build() -> bytes:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef"] + [f"uni{cp:04X}" for cp in sorted(SPACES)]
    fb = FontBuilder(UPM, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({cp: f"uni{cp:04X}" for cp in SPACES})
    pen = TTGlyphPen(None)
    notdef = pen.glyph()  # empty outline
    fb.setupGlyf({n: notdef for n in names})
    metrics = {".notdef": (500, 0)}
    metrics.update({f"uni{cp:04X}": (w, 0) for cp, w in SPACES.items()})
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=1000, descent=-250)
    fb.setupNameTable({
        "familyName": FAMILY,
        "styleName": "Regular",
        "uniqueFontIdentifier": "PubkitSpaces-Regular-1.0",
        "fullName": f"{FAMILY} Regular",
        "psName": "PubkitSpaces-Regular",
        "version": "Version 1.000",
        "copyright": "Dedicated to the public domain (CC0 1.0) by the pubkit authors",
        "licenseDescription": "CC0 1.0 Universal: https://creativecommons.org/publicdomain/zero/1.0/",
    })
    fb.setupOS2(sTypoAscender=1000, sTypoDescender=-250, usWinAscent=1000, usWinDescent=250, fsType=0)
    fb.setupPost()
    fb.setupHead(unitsPerEm=UPM, created=FIXED_TIME, modified=FIXED_TIME)
    fb.font["head"].created = FIXED_TIME
    fb.font["head"].modified = FIXED_TIME
    fb.font.recalcTimestamp = False  # keep FIXED_TIME: reproducible bytes
    buf = io.BytesIO()
    fb.font.save(buf, reorderTables=True)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("templates/fonts/PubkitSpaces.ttf")
    out.write_bytes(build())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
