"""The model's own score reaches the review queue: real CTranslate2 drafts (synthetic package)."""

from __future__ import annotations

from pubkit.catalog import State, load, po_path, state_of
from pubkit.catalog.states import provenance, text_hash
from pubkit.commands import status, translate
from pubkit.config import load_config
from pubkit.mt import packages as pk


def test_scores_from_ctranslate2_order_the_queue(mt_project, archives):
    pk.install_archive(archives["en-ru"], mt_project / "models")
    assert translate.run(root=mt_project, langs=["ru"], threads=2) == 0
    cfg = load_config(mt_project)
    pf = load(po_path(cfg, "ru", "kazakh-workers-revolt-2022"))
    drafts = [e for e in pf.po if state_of(e) is State.MACHINE]
    assert len(drafts) == 44  # the passages; the printed metadata (author, countries, source) is never drafted
    scores = []
    for e in drafts:
        prov = provenance(e)
        assert prov.engine.startswith("argos/ctranslate2 ") and prov.model == "translate-en_ru 1.0"
        assert prov.score is not None and prov.score < 0 and prov.draft == text_hash(e.msgstr)
        assert e.msgstr not in e.comment  # the hash, never the draft
        scores.append(prov.score)
    assert len(set(scores)) > 10, "the scores are the model's, per passage"
    queue = status.collect(cfg, ["ru"], queue=True)["queue"]
    assert len(queue) == 44  # the drafts; the printed metadata is never drafted, nothing to review
    failed = [q for q in queue if any(r.startswith("check ") for r in q["reasons"])]
    rest = queue[len(failed):]
    assert queue[:len(failed)] == failed, "entries whose checks fail come first"
    for group in (failed, rest):
        assert [q["score"] for q in group] == sorted(q["score"] for q in group)
