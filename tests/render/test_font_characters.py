"""The characters each EPUB face must hold, read without a layout, are those a full WeasyPrint
layout shows with it: text-transform, generated content, list markers, nested emphasis,
hidden elements (render/fonts.py)."""

from __future__ import annotations

from pubkit.render.fonts import characters_by_face, face_of

PAGE = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" lang="fr"><head><style>
body { font-family: "PT Serif", serif }
h1 { font-family: "PT Sans"; font-weight: bold; text-transform: uppercase }
h2 { font-family: "PT Sans"; font-weight: 400; font-variant: small-caps }
em { font-style: italic }
p.note::before { content: "\\2192  " counter(section) ". "; font-weight: bold }
p.note::after { content: " \\00bb"; font-family: "PT Sans" }
ol { list-style-type: lower-roman } ul { list-style-type: square }
.hidden { display: none }
</style></head><body>
<h1>Grève générale à Žanaözen</h1><h2>Un sous-titre</h2>
<p>Plain «text» <em>in italics</em> <strong>bold <em>and both</em></strong> — 2022.</p>
<ol><li>one</li><li>two</li><li>three</li><li>four</li></ol><ul><li>bullet</li></ul>
<p class="note">note</p><p class="hidden">QXZWJ</p>
</body></html>"""


def _laid_out(page: str) -> dict:
    """The reference: every text box of a full layout, as render/fonts.py read it before."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    used: dict = {}
    for p in HTML(string=page, base_url="file:///nowhere/", media_type="screen").render().pages:
        for box in p._page_box.descendants(placeholders=True):
            if isinstance(box, TextBox) and box.text and (face := face_of(box.style)) is not None:
                used.setdefault(face, set()).update(box.text)
    return used


def test_characters_without_layout_are_those_of_the_layout():
    found = characters_by_face([PAGE], "file:///nowhere/", None)
    assert found == _laid_out(PAGE)
    assert set("GRÈVE") <= found[("PT Sans", True, False)]  # uppercased as drawn
    assert "Q" not in set().union(*found.values())  # display: none draws nothing
    assert {"i", "v", "→"} <= set().union(*found.values())  # markers and generated content
    assert found[("PT Serif", True, True)] >= set("andboth")
