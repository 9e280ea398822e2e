"""Dates: an edition is dated by the latest change of its inputs; the article keeps its own."""

from __future__ import annotations

import re
import subprocess
import zipfile

from pubkit.localize import build_date
from pubkit.model import Document, Meta

from ..tools import require_tool


def test_edition_date_is_the_latest_input_change(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    doc = Document(Meta(title="t", slug="s", date="2022-01-27"), ())
    assert build_date(doc) == "2022-01-27"
    assert build_date(doc, {"PO-Revision-Date": "2026-11-27 15:30+0000"}) == "2026-11-27"
    assert build_date(doc, {"PO-Revision-Date": "2021-05-01 10:00+0000"}) == "2022-01-27"
    assert build_date(doc, {"PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE"}) == "2022-01-27"
    # machine drafts the edition prints date it by when they were made (translate leaves the header)
    assert build_date(doc, {"PO-Revision-Date": "2022-02-01 10:00+0000"}, ("2026-12-04", "2026-11-30")) == "2026-12-04"
    assert build_date(doc, {}, ("", "not a date")) == "2022-01-27"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    assert build_date(doc, {"PO-Revision-Date": "2026-11-27 15:30+0000"}) == "2023-11-14"
    assert build_date(doc, {}, ("2026-12-04",)) == "2023-11-14"


def _opf(epub) -> str:
    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith(".opf"))
        return z.read(name).decode("utf-8")


def test_article_editions_show_their_own_date(article_dist, monkeypatch):
    import os

    from pypdf import PdfReader

    if os.environ.get("SOURCE_DATE_EPOCH"):
        return  # the build was pinned: every date is that epoch (checked above)
    po = (article_dist["ru"].parents[1] / "translations" / "ru" / "kazakh-workers-revolt-2022.po").read_text()
    revised = re.search(r"PO-Revision-Date: (\d{4}-\d{2}-\d{2})", po).group(1)
    expected = {"en": "2022-01-27", "ru": max(revised, "2022-01-27")}
    for lang, day in expected.items():
        opf = _opf(article_dist[lang])
        assert f'<meta property="dcterms:modified">{day}T00:00:00Z</meta>' in opf, opf[:600]
        assert "<dc:date>2022-01-27</dc:date>" in opf  # the article's date stays the article's
        pdf = article_dist[lang].with_suffix(".pdf")
        assert PdfReader(str(pdf)).metadata.modification_date.date().isoformat() == day
    text = subprocess.run([require_tool("pdftotext"), str(article_dist["ru"].with_suffix(".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout
    y, m, d = revised.split("-")
    assert re.search(rf"Издание подготовлено\s+{int(d)}\s+\w+\s+{y}", text), text[-800:]
