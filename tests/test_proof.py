"""The reviewer's proof: every passage side by side, from the edition's own localized document."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pubkit.commands import proof, update
from pubkit.config import PACKAGED_TEMPLATES, load_config
from pubkit.project import load_articles
from pubkit.proof import build_proof, word_diff
from pubkit.segment import segment

from .test_reviewer import EXPECTED, every_state


def test_word_diff_marks_removed_and_added_words():
    assert str(word_diff("Prices rose in May.", "Prices rose sharply in June.")) == (
        "Prices rose <ins>sharply </ins>in <del>May.</del><ins>June.</ins>")
    assert "&lt;b&gt;" in str(word_diff("a <b>", "a <b> c"))


def test_proof_shows_every_passage_state_and_what_the_edition_prints(project):
    labels = every_state(project)
    seed = project / "seeds" / "kazakh-workers-revolt-2022.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "Practice has destroyed these aphorisms.", "Practice has thoroughly destroyed these aphorisms."),
        encoding="utf-8")
    update.run(root=project, langs=["ru"])
    cfg = load_config(project)
    doc = load_articles(cfg)[0]
    view, edition = build_proof(cfg, doc, "ru")
    assert len(view.passages) == len(segment(doc)) == 44
    states = {p.state for p in view.passages}
    assert states == {s.value for s, _, _ in EXPECTED.values()} - {"obsolete"}
    for p, u in zip(view.passages, segment(edition.doc)):
        assert p.printed == (p.key not in edition.untranslated_keys)
    broken = next(p for p in view.passages if "broken" in p.label)
    assert not broken.printed and broken.unprinted.startswith("<3>")
    assert any(d.code == "tags" for d in broken.findings)
    changed = next(p for p in view.passages if p.diff is not None and "thoroughly" in p.diff)
    assert changed.state == "stale" and "thoroughly</ins>" in changed.diff and "<del>" not in changed.diff
    assert all(re.fullmatch(r"seeds/kazakh-workers-revolt-2022\.txt:\d+", p.source_line)
               for p in view.passages)
    assert sum(view.counts.values()) == 44 and len(labels) == 11

    assert proof.run(root=project, langs=["ru"]) == 0
    html = (project / "proofs" / "kazakh-workers-revolt-2022.ru.proof.html").read_text(encoding="utf-8")
    assert html.count('<tbody class="passage">') == 44 and "key p-" in html and "PO line" in html
    assert html.count('<tbody class="passage metadata-entry">') == 6 and "key country-" in html
    # the fonts beside the HTML (the templates may be in site-packages): proofs/ can be sent as it is
    for face in ("PTF55F.ttf", "PubkitSpaces.ttf"):  # every face of the editions' base.css
        assert f'url("fonts/{face}")' in html
        assert (project / "proofs" / "fonts" / face).read_bytes() == (PACKAGED_TEMPLATES / "fonts" / face).read_bytes()
    assert (project / "proofs" / "fonts" / "LICENSE-ParaType.txt").is_file()
    pdf = project / "proofs" / "kazakh-workers-revolt-2022.ru.proof.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "PT-Serif" in fonts and "PT-Sans" in fonts and "DejaVu" not in fonts
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Восстание казахстанских рабочих" in text and "The revolt of the Kazakh workers" in text
    # the 44 passages, then the printed metadata: the author, 4 countries, the source line
    assert len(re.findall(r"key [a-z]+-[0-9a-f]{8}", text)) == 44 + 6 and "key author-" in text
