"""The reviewed article: every edition is complete in its own language."""

from __future__ import annotations

import pytest

from pubkit.config import load_config
from pubkit.localize import localize
from pubkit.model import plain_text
from pubkit.project import load_articles
from pubkit.segment import segment

from .conftest import ROOT


@pytest.fixture(scope="module")
def article():
    cfg = load_config(ROOT)
    return cfg, load_articles(cfg)[0]


@pytest.mark.parametrize("lang", ["ru", "ky", "fr"])
def test_translated_editions_are_complete_and_human(article, lang):
    cfg, doc = article
    ed = localize(cfg, doc, lang)
    assert ed.coverage.reviewed == ed.coverage.total == len(segment(doc))
    assert ed.coverage.machine == ed.coverage.untranslated == ed.coverage.stale == 0
    assert ed.machine_credits == () and ed.translators == ("pubkit contributors",)
    source_texts = {u.text for u in segment(doc)} - {"International Crisis Group"}
    assert not source_texts & {u.text for u in segment(ed.doc)}, "a source passage is left in the edition"
    # the author line follows the translated signature
    assert ed.doc.meta.authors[0].display() == plain_text(ed.doc.blocks[-1].content)
    assert ed.doc.meta.authors[0].name != doc.meta.authors[0].name
