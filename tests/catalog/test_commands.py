"""update / translate / status / check / localize on a scratch copy of the project."""

from __future__ import annotations

import json
import pytest

from pubkit.catalog import State, load, po_path, state_of
from pubkit.commands import check, status, translate, update
from pubkit.config import load_config
from pubkit.errors import BusyError, CheckFailed, InputError
from pubkit.fsio import project_lock
from pubkit.localize import localize
from pubkit.project import load_articles

from .helpers import FakeEngine, msgcat_roundtrip, msgfmt_check

SLUG = "kazakh-workers-revolt-2022"


def _po(project, lang="ru"):
    return load(po_path(load_config(project), lang, SLUG))


def test_update_creates_valid_files_and_is_idempotent(project, tmp_path):
    update.run(root=project)
    path = po_path(load_config(project), "ky", SLUG)
    text = path.read_text(encoding="utf-8")
    assert '"Language: ky\\n"' in text and '"Language-Team: Kyrgyz\\n"' in text and "Kazakh\\n" not in text
    assert "#: seeds/kazakh-workers-revolt-2022.txt:1" in text
    msgcat_roundtrip(path, tmp_path)
    msgfmt_check(path)
    mtime = path.stat().st_mtime_ns
    update.run(root=project)
    assert path.stat().st_mtime_ns == mtime


def test_reviewed_edit_survives_source_edit_deletion_and_restoration(project):
    update.run(root=project, langs=["fr"])
    pf = _po(project, "fr")
    e = next(e for e in pf.po if e.msgid.startswith("Kazakhstan, which borders"))
    e.msgstr = "Le Kazakhstan, qui borde la Chine et la Russie …"
    po_path(load_config(project), "fr", SLUG).write_text(__import__("pubkit.catalog", fromlist=["dumps"]).dumps(pf.po))
    seed = project / "seeds" / f"{SLUG}.txt"
    original = seed.read_text(encoding="utf-8")
    seed.write_text(original.replace("Kazakhstan, which borders", "Kazakhstan, which firmly borders"), encoding="utf-8")
    update.run(root=project, langs=["fr"])
    stale = next(e for e in _po(project, "fr").po if e.msgid.startswith("Kazakhstan, which firmly"))
    assert state_of(stale) is State.STALE and stale.previous_msgid.startswith("Kazakhstan, which borders")
    assert stale.msgstr.startswith("Le Kazakhstan")
    edited = seed.read_text(encoding="utf-8")
    para = next(p for p in edited.split("\n\n") if p.startswith("Kazakhstan, which firmly"))
    seed.write_text(edited.replace(para + "\n\n", ""), encoding="utf-8")
    update.run(root=project, langs=["fr"])
    obsolete = [e for e in _po(project, "fr").po if e.obsolete]
    assert any(e.msgstr.startswith("Le Kazakhstan") for e in obsolete)
    seed.write_text(edited, encoding="utf-8")  # restored: stale again, translation kept
    update.run(root=project, langs=["fr"])
    back = next(e for e in _po(project, "fr").po if e.msgid.startswith("Kazakhstan, which firmly"))
    # the obsolete entry kept its previous source (`#~|`), so the restored text is stale again
    # with `#|` showing what the translation was made for: still published, never lost
    assert state_of(back) is State.STALE and back.msgstr.startswith("Le Kazakhstan")
    assert back.previous_msgid.startswith("Kazakhstan, which borders")
    seed.write_text(original, encoding="utf-8")  # the edit is undone: reviewed again
    update.run(root=project, langs=["fr"])
    back = next(e for e in _po(project, "fr").po if e.msgid.startswith("Kazakhstan, which borders"))
    assert back.msgstr.startswith("Le Kazakhstan")


def test_syntax_error_stops_update_and_writes_nothing(project):
    update.run(root=project)
    ru = po_path(load_config(project), "ru", SLUG)
    ru.write_text(ru.read_text() + '\nmsgid "broken\n', encoding="utf-8")
    fr = po_path(load_config(project), "fr", SLUG)
    fr.unlink()
    with pytest.raises(InputError) as err:
        update.run(root=project)
    assert str(err.value.location).startswith("translations/ru/") and err.value.location.line > 0
    assert not fr.exists()


def test_stray_po_files_are_errors(project):
    where = "kk/" + SLUG + ".po"
    path = project / "translations" / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        update.run(root=project)
    assert where in str(err.value.location) and err.value.hint


def test_po_file_of_a_removed_article_is_a_warning_naming_retire(project, capsys):
    path = project / "translations" / "ru" / "gone-article.po"
    text = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    path.write_text(text, encoding="utf-8")
    assert update.run(root=project) == 0
    assert "invoke retire --article gone-article" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == text


def test_update_stops_while_another_run_holds_the_lock(project):
    import subprocess
    import sys

    code = ("import sys, time; from pathlib import Path; from pubkit.fsio import project_lock\n"
            "with project_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)\n")
    (project / "seeds" / "kazakh-workers-revolt-2022.txt").write_text("New title\n\nNew text.\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (project / "translations").rglob("*") if p.is_file()}
    holder = subprocess.Popen([sys.executable, "-c", code, str(project)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BusyError) as err:
            update.run(root=project)
        assert err.value.exit_code == 75 and "another pubkit run" in err.value.message
        after = {p: p.read_bytes() for p in (project / "translations").rglob("*") if p.is_file()}
        assert after == before
    finally:
        holder.kill()
        holder.wait()


def test_translate_drafts_once_per_language_and_never_touches_reviewed(project):
    update.run(root=project, langs=["ru"])
    pf = _po(project)
    first = next(e for e in pf.po if e.msgid.startswith("In 1992"))
    first.msgstr = "В 1992 году …"
    po_path(load_config(project), "ru", SLUG).write_text(__import__("pubkit.catalog", fromlist=["dumps"]).dumps(pf.po))
    engine = FakeEngine()
    translate.run(root=project, langs=["ru"], engine_factory=lambda cfg, s, t: engine)
    assert len(engine.calls) == 1 and not any(t.startswith("In 1992") for t in engine.calls[0])
    after = _po(project)
    kept = next(e for e in after.po if e.msgid.startswith("In 1992"))
    assert kept.msgstr == "В 1992 году …" and not kept.fuzzy
    drafts = [e for e in after.po if state_of(e) is State.MACHINE]
    meta = [e for e in drafts if (e.msgctxt or "").startswith("meta:")]
    assert len(drafts) - len(meta) == 43  # 44 passages less the reviewed one
    # the author, its 4 countries and the source line are never sent to a model
    assert meta == [] and not {"Austria", "Turkey", "Permanent Revolution Collective"} & set(engine.calls[0])
    assert "pubkit-mt: fake/1.0 | translate-en_ru 1.9\npubkit-draft: " in drafts[0].comment
    assert "| score -0.250 | " in drafts[0].comment
    lines = [ln for ln in drafts[0].comment.splitlines() if ln.startswith("pubkit-")]
    # short: a hash, never the draft; under 76 columns, so polib and Babel never wrap them
    assert all(drafts[0].msgstr not in ln and len("#. " + ln) < 76 for ln in lines)
    engine2 = FakeEngine()
    translate.run(root=project, langs=["ru"], engine_factory=lambda cfg, s, t: engine2)
    assert engine2.calls == []  # nothing left to draft

    ed = localize(load_config(project), load_articles(load_config(project))[0], "ru")
    assert ed.coverage.reviewed == 1 and ed.coverage.machine == 43 and ed.coverage.untranslated == 0
    assert ed.machine_credits == ("fake/1.0, translate-en_ru 1.9",)
    assert ed.doc.meta.lang == "ru" and ed.doc.meta.title.startswith("MT:")

    # a reviewer approves a draft after editing it (by hand): status counts an edited draft
    pf = _po(project)
    d = next(e for e in pf.po if state_of(e) is State.MACHINE)
    d.msgstr = d.msgstr.replace("MT:", "Проверено:")
    d.flags = []
    po_path(load_config(project), "ru", SLUG).write_text(__import__("pubkit.catalog", fromlist=["dumps"]).dumps(pf.po))
    data = status.collect(load_config(project), ["ru"])
    row = data["rows"][0]
    assert row["counts"]["reviewed"] == 2 and row["drafts_edited"] == 1 and row["drafts_accepted_unchanged"] == 0
    assert any("untranslated" in line for line in data["policy"])


def test_localize_untranslated_is_source_and_marked(project):
    cfg = load_config(project)
    doc = load_articles(cfg)[0]
    ed = localize(cfg, doc, "fr")
    assert ed.coverage.untranslated == ed.coverage.total == len(ed.untranslated_keys)
    assert ed.doc.meta.lang == "fr" and ed.doc.blocks == doc.blocks and ed.translators == ()
    src = localize(cfg, doc, "en")
    assert src.is_source and src.coverage.reviewed == src.coverage.total and src.identifier != ed.identifier


def test_status_json_and_check_strict(project, capsys):
    update.run(root=project)
    status.run(root=project, as_json=True)
    data = json.loads(capsys.readouterr().out)
    assert {r["lang"] for r in data["rows"]} == {"ru", "ky", "fr"}
    assert check.run(root=project, langs=["ru"]) == 0
    pf = _po(project)
    e = next(e for e in pf.po if "$570" in e.msgid or "2008" in e.msgid)
    e.msgstr = "Перевод без чисел."
    po_path(load_config(project), "ru", SLUG).write_text(__import__("pubkit.catalog", fromlist=["dumps"]).dumps(pf.po))
    with pytest.raises(CheckFailed):
        check.run(root=project, langs=["ru"], strict=True)
