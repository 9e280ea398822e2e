"""The three sequences of issue 22 that misfiled a reviewer's work, and the forms pubkit reads.

1. A polib (or Babel) save of a file with the one long provenance line of earlier versions:
   both wrap it at 76–78 columns; the verdict must not change, and `update` must keep the hash.
2. Two paragraphs change, the reviewer fixes one: `approve --edited` approves that one only.
3. A reviewer edits a stale entry without approving it, the editor reverts the source: the
   entry stays needs-work (as msgmerge keeps it fuzzy); an untouched one is reviewed again.
"""

from __future__ import annotations

import io
from pathlib import Path

import polib
import pytest

from pubkit.catalog import State, dumps, load, po_path, save
from pubkit.catalog.states import (
    MT, Provenance, comment_items, folded_hash, is_edited, provenance, pubkit_lines, state_of, text_hash,
)
from pubkit.commands import approve, translate, update
from pubkit.config import load_config
from pubkit.localize import localize_report
from pubkit.project import load_articles

from ..conftest import copy_project
from .helpers import FakeEngine
from .test_tools_matrix import SLUG, _keys, states

NBSP = "\u00a0"


@pytest.fixture
def drafted(tmp_path) -> Path:
    root = copy_project(tmp_path)
    for po in (root / "translations").rglob("*.po"):
        po.unlink()
    translate.run(root=root, langs=["ru"], engine_factory=lambda cfg, s, t: FakeEngine())
    return root


def _path(root: Path) -> Path:
    return po_path(load_config(root), "ru", SLUG)


def _seeded(root: Path, n: int) -> list[str]:
    """n passages whose text is in the seed file as it is (to change and revert the source)."""
    seed = (root / "seeds" / f"{SLUG}.txt").read_text(encoding="utf-8")
    return [m for m in _keys(root) if len(m) > 60 and m in seed and seed.count(m) == 1][:n]


def _edit(root: Path, changes: dict[str, tuple[str | None, bool]]) -> None:
    pf = load(_path(root))
    for e in pf.po:
        if e.msgid in changes:
            text, ok = changes[e.msgid]
            e.msgstr = text if text is not None else e.msgstr
            if ok:
                e.flags = [f for f in e.flags if f != "fuzzy"]
    _path(root).write_text(dumps(pf.po), encoding="utf-8")


def _change_source(root: Path, old: str, new: str) -> None:
    seed = root / "seeds" / f"{SLUG}.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _earlier_form(root: Path) -> None:
    """Rewrite every provenance as the one long line of earlier versions (folded hash)."""
    pf = load(_path(root))
    for e in pf.po:
        prov = provenance(e)
        if prov is None:
            continue
        notes = [ln for ln in comment_items(e.comment) if not ln.startswith("pubkit-")]
        old = Provenance(prov.engine, prov.model, prov.score, prov.date, folded_hash(e.msgstr))
        e.comment = "\n".join([*notes, f"{MT} {old.format()}"])
    _path(root).write_text(dumps(pf.po), encoding="utf-8")


def _polib_save(path: Path) -> None:
    polib.pofile(str(path)).save(str(path))


def _babel_save(path: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as f:
        cat = read_po(f)
    out = io.BytesIO()
    write_po(out, cat, include_previous=True)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize("save", [_polib_save, _babel_save], ids=["polib", "babel"])
def test_a_save_that_wraps_the_earlier_long_line_keeps_every_verdict(drafted, save):
    root = drafted
    _earlier_form(root)
    long_lines = [ln for ln in _path(root).read_text(encoding="utf-8").split("\n") if ln.startswith("#. pubkit")]
    assert long_lines and all(len(ln) > 78 for ln in long_lines)  # the case the tools wrap
    a, b, c, d = _seeded(root, 4)
    _edit(root, {a: ("Отредактировано и одобрено.", True), b: ("Отредактировано.", False), c: (None, True)})
    save(_path(root))
    text = _path(root).read_text(encoding="utf-8")
    assert any(ln.startswith("#. ") and not ln.startswith("#. pubkit") and "draft" in ln
               for ln in text.split("\n")), "the tool did not wrap the provenance line"
    want = {a: State.REVIEWED, b: State.NEEDS_WORK, c: State.ACCEPTED, d: State.MACHINE}
    assert {m: states(root)[m] for m in want} == want
    cov = localize_report(load_config(root), load_articles(load_config(root))[0], "ru")[0].coverage
    assert (cov.reviewed, cov.accepted, cov.needs_work) == (1, 1, 1)

    update.run(root=root, langs=["ru"])  # keeps the hashes, in today's short lines
    after = {e.msgid: e for e in load(_path(root)).po}
    assert {m: state_of(after[m]) for m in want} == want
    for m in (a, b, c, d):
        assert provenance(after[m]).draft and provenance(after[m]).folded
        assert all(len("#. " + ln) < 76 for ln in after[m].comment.split("\n"))
    # approve --edited takes the edited draft only; --line takes the untouched one as it is
    approve.run(root=root, langs=["ru"], edited=True)
    assert {m: states(root)[m] for m in (b, d)} == {b: State.REVIEWED, d: State.MACHINE}
    file, line = after[d].occurrences[0]
    approve.run(root=root, langs=["ru"], lines=[f"{file}:{line}"], accept_unchanged=True)
    assert states(root)[d] is State.ACCEPTED
    save(_path(root))  # merely opening and saving changes nothing
    assert {m: states(root)[m] for m in (a, b, c, d)} == {
        a: State.REVIEWED, b: State.REVIEWED, c: State.ACCEPTED, d: State.ACCEPTED}


def test_approve_edited_takes_only_the_stale_entry_the_reviewer_fixed(drafted):
    root = drafted
    a, b = _seeded(root, 2)
    _edit(root, {a: ("Первый, проверенный.", True), b: ("Второй, проверенный.", True)})
    _change_source(root, a, a.replace(" ", " the ", 1))
    _change_source(root, b, b.replace(" ", " the ", 1))
    update.run(root=root, langs=["ru"])
    stale = [e for e in load(_path(root)).po if state_of(e) is State.STALE]
    assert len(stale) == 2 and not any(is_edited(e) for e in stale)
    fixed = next(e for e in stale if e.previous_msgid == a)
    _edit(root, {fixed.msgid: ("Первый, исправленный после правки источника.", False)})
    approve.run(root=root, langs=["ru"], edited=True)
    by_text = {e.msgstr: state_of(e) for e in load(_path(root)).po}
    assert by_text["Первый, исправленный после правки источника."] is State.REVIEWED
    assert by_text["Второй, проверенный."] is State.STALE


@pytest.mark.parametrize("touched", [True, False], ids=["edited-then-reverted", "untouched-then-reverted"])
def test_reverting_the_source_restores_reviewed_only_for_the_reviewed_text(drafted, touched):
    root = drafted
    (a,) = _seeded(root, 1)
    _edit(root, {a: ("Проверенный перевод.", True)})
    changed = a.replace(" ", " the ", 1)
    _change_source(root, a, changed)
    update.run(root=root, langs=["ru"])
    assert states(root)[changed] is State.STALE
    if touched:
        _edit(root, {changed: ("Начатая, но не законченная правка.", False)})
    _change_source(root, changed, a)  # the editor reverts the source
    update.run(root=root, langs=["ru"])
    e = next(e for e in load(_path(root)).po if e.msgid == a)
    want = State.NEEDS_WORK if touched else State.REVIEWED
    assert state_of(e) is want and e.previous_msgid is None
    cov = localize_report(load_config(root), load_articles(load_config(root))[0], "ru")[0].coverage
    assert (cov.reviewed, cov.needs_work) == ((0, 1) if touched else (1, 0))
    if touched:  # the reviewer finishes it: approve --edited takes it
        approve.run(root=root, langs=["ru"], edited=True)
        assert states(root)[a] is State.REVIEWED


def test_the_hash_covers_the_text_as_typed():
    assert text_hash("Prix : 10 €") != text_hash(f"Prix{NBSP}: 10{NBSP}€")
    assert folded_hash("Prix : 10 €") == folded_hash(f"Prix{NBSP}: 10{NBSP}€")  # why it changed
    e = polib.POEntry(msgid="Price: 10 €", msgstr="Prix : 10 €", flags=["fuzzy"])
    e.comment = f"{MT} fake/1.0 | m 1\npubkit-draft: {text_hash('Prix : 10 €')} | score -0.1"
    assert state_of(e) is State.MACHINE
    e.msgstr = f"Prix{NBSP}: 10{NBSP}€"
    assert state_of(e) is State.NEEDS_WORK and is_edited(e)
    e.flags = []
    assert state_of(e) is State.REVIEWED


def test_update_keeps_comment_lines_it_does_not_know(drafted):
    root = drafted
    pf = load(_path(root))
    e = next(e for e in pf.po if provenance(e) is not None)
    e.comment += "\nweblate-note: checked against the printed original"
    _path(root).write_text(dumps(pf.po), encoding="utf-8")
    update.run(root=root, langs=["ru"])
    kept = next(x for x in load(_path(root)).po if x.msgid == e.msgid)
    assert "weblate-note: checked against the printed original" in kept.comment.split("\n")
    assert pubkit_lines(kept, MT)


@pytest.mark.validator
def test_update_names_entries_a_tool_removed_and_check_warns(drafted, capsys, tmp_path):
    import subprocess

    from pubkit.commands import check

    from .helpers import gettext_tool

    root = drafted
    a, b, c = _seeded(root, 3)
    _edit(root, {a: ("Одобрено 1.", True), b: ("Одобрено 2.", True)})
    update.run(root=root, langs=["ru"])  # its record of the file: every translated entry
    out = tmp_path / "fuzzy.po"
    subprocess.run([gettext_tool("msgattrib"), "--only-fuzzy", str(_path(root)), "-o", str(out)], check=True)
    _path(root).write_bytes(out.read_bytes())  # the approved entries are gone
    assert check.collect(load_config(root), ["ru"]) and True
    warned = [d for d in check.collect(load_config(root), ["ru"]) if d.code == "po-entries-vanished"]
    assert len(warned) == 1 and "2 translated entries" in warned[0].message and a[:40] in warned[0].message
    capsys.readouterr()
    update.run(root=root, langs=["ru"])
    err = capsys.readouterr().err
    assert "2 translated entries left by the last update disappeared" in err.replace("\n", " ")
    assert a[:30] in err.replace("\n", " ") and b[:30] in err.replace("\n", " ")
    assert c[:30] not in err.replace("\n", " ").split("disappeared")[1].split("updated")[0]
    # said once: the record now describes the file as it is
    assert not [d for d in check.collect(load_config(root), ["ru"]) if d.code == "po-entries-vanished"]


def test_metadata_entries_have_keys_in_the_queue_approve_and_the_proof(drafted):
    from pubkit.commands import status
    from pubkit.proof import build_proof

    root = drafted
    cfg = load_config(root)
    queue = status.collect(cfg, ["ru"], queue=True)["queue"]
    # the author, 4 countries and the source line are never machine-drafted: nothing to review
    assert not [q for q in queue if q["key"].startswith(("author-", "country-", "source-"))]
    assert not [q for q in queue if not q["key"]], "every entry in the queue has a key"
    pf = load(_path(root))
    entry = next(e for e in pf.po if e.msgctxt == "meta:author")
    entry.msgstr, entry.flags = "Коллектив «Перманентная революция»", ["fuzzy"]  # a reviewer's, not yet approved
    save(pf)
    queue = status.collect(cfg, ["ru"], queue=True)["queue"]
    (author,) = [q for q in queue if q["key"].startswith("author-")]
    assert author["state"] == "needs-work"
    approve.run(root=root, langs=["ru"], keys=[author["key"]])
    after = {q["key"]: q for q in status.collect(cfg, ["ru"], queue=True)["queue"]}
    assert author["key"] not in after
    view, _ = build_proof(cfg, load_articles(cfg)[0], "ru")
    keys = sorted(p.key for p in view.metadata)
    assert len(keys) == 6 and author["key"] in keys
    assert sum(k.startswith("country-") for k in keys) == 4 and sum(k.startswith("source-") for k in keys) == 1
    shown = {p.key: p for p in view.metadata}
    assert shown[author["key"]].state == "reviewed" and shown[author["key"]].po_line > 0
    assert shown[author["key"]].printed  # the reviewed translation is printed
