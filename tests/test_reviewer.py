"""The reviewer's loop: one verdict per entry, approve, provenance, queue, retire, exit codes."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest

from pubkit.catalog import State, dumps, load, po_path, state_of
from pubkit.catalog.states import (
    MT, MT_REVIEWED, Provenance, assess, is_unchanged_draft, provenance, pubkit_lines, text_hash,
)
from pubkit.commands import approve, build, check, publish, retire, status, translate, update
from pubkit.commands.translate import apply_draft
from pubkit.config import load_config
from pubkit.errors import CheckFailed, ExitCode, MissingError, PubkitError, UsageError
from pubkit.localize import localize_report
from pubkit.mt.base import Draft
from pubkit.project import load_articles
from pubkit.segment import segment

from .catalog.helpers import FakeEngine, msgcat_roundtrip

SLUG = "kazakh-workers-revolt-2022"
ROOT = Path(__file__).resolve().parents[1]


def _draft(text: str, score: float = -0.3) -> Draft:
    return Draft(text, score, "fake/1.0", "translate-en_ru", "1.9")


def _write(project: Path, pf) -> None:
    po_path(load_config(project), "ru", SLUG).write_text(dumps(pf.po), encoding="utf-8")


def _ru(project: Path):
    return load(po_path(load_config(project), "ru", SLUG))


# ------------------------------------------------------------------ the one verdict


def every_state(project: Path) -> dict[str, str]:
    """Put the reviewed ru file into every state, one entry each; return msgid -> label."""
    pf = _ru(project)
    entries = [e for e in pf.po if not e.obsolete and e.msgstr]
    labels: dict[str, str] = {}

    def pick(label: str) -> polib.POEntry:
        e = entries[len(labels) + 1]
        labels[e.msgid] = label
        return e

    e = pick("draft")
    apply_draft(e, _draft("Черновик: " + e.msgid[:40]), date="2026-11-27")
    e = pick("accepted-unchanged")
    apply_draft(e, _draft("Принятый черновик " + e.msgid[:30]), date="2026-11-27")
    assert approve.approve_entry(e, accept_unchanged=True) is None
    e = pick("edited-approved")
    apply_draft(e, _draft("Сырой черновик " + e.msgid[:30]), date="2026-11-27")
    e.msgstr = "Исправленный перевод: " + e.msgid[:30]
    assert approve.approve_entry(e, accept_unchanged=False) is None
    e = pick("edited-unapproved")
    apply_draft(e, _draft("Ещё черновик " + e.msgid[:30]), date="2026-11-27")
    e.msgstr = "Правка без одобрения " + e.msgid[:30]
    e = pick("outdated-draft")
    apply_draft(e, _draft("Старый черновик"), date="2026-11-27")
    e.previous_msgid = "An older version of the text."
    e = pick("stale")
    e.flags.append("fuzzy")
    e.previous_msgid = e.msgid.replace(" ", "  ", 1) + " (old)"
    e = pick("needs-work")
    e.flags.append("fuzzy")
    e = pick("broken-tag")
    e.msgstr = "<3>" + e.msgstr  # a tag the source does not have, left open
    e = pick("untranslated")
    e.msgstr = ""
    e = pick("reviewed")
    gone = polib.POEntry(msgid="A passage that left the source.", msgstr="Ушедший фрагмент.", obsolete=True)
    pf.po.append(gone)
    labels[gone.msgid] = "obsolete"
    _write(project, pf)
    return labels


EXPECTED = {  # label -> (state, printed, counted as)
    "reviewed": (State.REVIEWED, True, "reviewed"),
    "edited-approved": (State.REVIEWED, True, "reviewed"),
    "accepted-unchanged": (State.ACCEPTED, True, "accepted"),
    "draft": (State.MACHINE, True, "machine"),
    "edited-unapproved": (State.NEEDS_WORK, True, "needs_work"),
    "needs-work": (State.NEEDS_WORK, True, "needs_work"),
    "stale": (State.STALE, True, "stale"),
    "outdated-draft": (State.MACHINE_OUTDATED, False, "untranslated"),
    "broken-tag": (State.REVIEWED, False, "untranslated"),
    "untranslated": (State.UNTRANSLATED, False, "untranslated"),
    "obsolete": (State.OBSOLETE, False, ""),
}


def test_status_check_colophon_and_edition_give_one_answer_for_every_state(project):
    from pubkit.render.pdf import render_html

    labels = every_state(project)
    cfg = load_config(project)
    pf = _ru(project)
    verdicts = {e.msgid: assess(e) for e in pf.po}
    for e in pf.po:  # the constructed states are what we meant
        v = verdicts[e.msgid]
        label = labels.get(e.msgid, "reviewed")  # the article's printed metadata (meta:) is reviewed too
        assert (v.state, v.printable, v.counted_as) == EXPECTED[label], label
    # status counts every entry of the file (the article's metadata too); the colophon, passages
    passages = {u.text for u in segment(load_articles(cfg)[0])}
    counted_all = Counter(v.counted_as for v in verdicts.values() if v.state is not State.OBSOLETE)
    counted = Counter(v.counted_as for m, v in verdicts.items() if v.state is not State.OBSOLETE and m in passages)

    # status
    (row,) = status.collect(cfg, ["ru"])["rows"]
    assert row["counts"] == {k: counted_all.get(k, 0) for k in status.COLUMNS}
    assert row["broken"] == 1 and row["obsolete"] == 1
    assert row["drafts_edited"] == 1 and row["drafts_accepted_unchanged"] == 1
    assert row["counts"]["stale"] == 1, "needs-work is never counted as a source change"

    # colophon counts and the edition
    doc = load_articles(cfg)[0]
    edition, diags = localize_report(cfg, doc, "ru")
    cov = edition.coverage
    assert {k: getattr(cov, k) for k in status.COLUMNS} == {k: counted.get(k, 0) for k in status.COLUMNS}
    assert cov.broken == 1 and cov.total == sum(counted.values()) == len(passages)
    by_msgid = {e.msgid: e for e in pf.po if not e.obsolete}
    printed = dict(zip([u.key for u in segment(doc)], [u.text for u in segment(edition.doc)]))
    for u in segment(doc):
        v = verdicts[u.text]
        assert (u.key not in edition.untranslated_keys) == v.printable, labels.get(u.text)
        assert printed[u.key] == (by_msgid[u.text].msgstr if v.printable else u.text), labels.get(u.text)
    assert [d.code for d in diags] == ["tags"] and diags[0].location.line > 0
    html = render_html(edition, cfg)
    for key in ("accepted", "needs_work", "stale", "untranslated"):
        assert f"{getattr(cov, key)} из {cov.total}" in html
    assert "без изменений" in html and "доработки" in html  # accepted and needs-work rows

    # check: a state finding per entry, and an error exactly where the edition cannot print
    found = check.collect(cfg, ["ru"])
    at_line: dict[int, set[str]] = {}
    for d in found:
        at_line.setdefault(d.location.line, set()).add(d.code)
    state_code = {State.MACHINE: "machine", State.MACHINE_OUTDATED: "machine", State.NEEDS_WORK: "needs-work",
                  State.STALE: "stale", State.UNTRANSLATED: "untranslated"}
    for e in pf.po:
        if e.obsolete:
            continue
        v, codes = verdicts[e.msgid], at_line.get(e.linenum, set())
        if v.state in state_code:
            assert state_code[v.state] in codes
        else:
            assert not codes & set(state_code.values())
        if v.broken:
            assert "tags" in codes
        elif v.printable:
            assert not codes & {"tags"}, labels.get(e.msgid)

    # publish prints the findings; --strict refuses to build with the broken tag
    with pytest.raises(CheckFailed) as err:
        publish.run(root=project, langs=["ru"], translate=False, strict=True)
    assert err.value.exit_code == ExitCode.CHECK_FAILED and not (project / "dist").exists()


def test_tag_left_open_in_a_reviewed_entry_is_reported_not_counted():
    e = polib.POEntry(msgid="Read <1>this</1> now.", msgstr="Прочтите <1>это сейчас.")
    v = assess(e)
    assert v.state is State.REVIEWED and not v.printable and v.counted_as == "untranslated"
    assert "never closed" in v.problem
    fixed = polib.POEntry(msgid="Read <1>this</1> now.", msgstr="Прочтите <1>это</1> сейчас.")
    assert assess(fixed).printable


# ------------------------------------------------------------------ provenance


def test_provenance_is_short_hashed_and_reads_the_old_long_form():
    e = polib.POEntry(msgid="The strike began.", msgstr="")
    long_draft = "Забастовка началась. " * 30
    apply_draft(e, _draft(long_draft, -0.41234), date="2026-11-27")
    assert e.comment.split("\n") == ["pubkit-mt: fake/1.0 | translate-en_ru 1.9",
                                      f"pubkit-draft: {text_hash(e.msgstr)} | score -0.412 | 2026-11-27"]
    assert all(len("#. " + ln) < 76 for ln in e.comment.split("\n"))
    assert "Забастовка" not in e.comment and state_of(e) is State.MACHINE
    assert provenance(e) == Provenance("fake/1.0", "translate-en_ru 1.9", -0.412, "2026-11-27",
                                       text_hash(e.msgstr))
    # the long form of earlier versions: the draft's text on its own line
    old = polib.POEntry(msgid="The strike began.", msgstr="Забастовка началась.", flags=["fuzzy"])
    old.comment = ("pubkit-mt: fake/1.0 | translate-en_ru 1.9 | score -0.250\n"
                   "pubkit-mt-draft: Забастовка началась.")
    assert state_of(old) is State.MACHINE and provenance(old).score == -0.25
    old.msgstr = "Забастовка началась утром."
    assert state_of(old) is State.NEEDS_WORK
    old.flags = []
    assert state_of(old) is State.REVIEWED
    old.msgstr = "Забастовка началась."
    assert state_of(old) is State.ACCEPTED and is_unchanged_draft(old)


def test_approve_then_update_is_byte_identical_and_keeps_the_editors_headers(project, tmp_path):
    update.run(root=project, langs=["ru"])
    path = po_path(load_config(project), "ru", SLUG)
    pf = _ru(project)
    for e in pf.po:
        if not e.obsolete:
            e.msgstr, e.flags = "", []
    pf.po.metadata["X-Generator"] = "Poedit 3.4.2"
    _write(project, pf)
    engine = FakeEngine()
    translate.run(root=project, langs=["ru"], engine_factory=lambda cfg, s, t: engine)
    pf = _ru(project)
    keys = {t.msgid: t.unit.key for t in __import__("pubkit.catalog", fromlist=["template"]).template(
        load_articles(load_config(project))[0]) if t.unit is not None}
    drafts = [e for e in pf.po if state_of(e) is State.MACHINE]
    edited, untouched = drafts[0], drafts[1]
    edited.msgstr = "Отредактировано рецензентом."
    _write(project, pf)  # a reviewer's save in a text editor

    # an unchanged draft is not approved without the explicit flag
    approve.run(root=project, langs=["ru"], keys=[keys[untouched.msgid]])
    assert state_of(next(e for e in _ru(project).po if e.msgid == untouched.msgid)) is State.MACHINE
    approve.run(root=project, langs=["ru"], edited=True)
    approve.run(root=project, langs=["ru"], keys=[keys[untouched.msgid]], accept_unchanged=True)
    after = _ru(project)
    got = {e.msgid: e for e in after.po}
    assert state_of(got[edited.msgid]) is State.REVIEWED
    assert pubkit_lines(got[edited.msgid], MT_REVIEWED) and provenance(got[edited.msgid]).approval == "edited"
    assert state_of(got[untouched.msgid]) is State.ACCEPTED
    assert "pubkit-approved: accepted unchanged" in got[untouched.msgid].comment.split("\n")
    assert after.po.metadata["X-Generator"] == "Poedit 3.4.2"
    approved = path.read_bytes()
    update.run(root=project, langs=["ru"])
    assert path.read_bytes() == approved, "update rewrote a file right after approval"
    msgcat_roundtrip(path, tmp_path)
    # by source line
    line = next(e for e in after.po if state_of(e) is State.MACHINE).occurrences[0]
    approve.run(root=project, langs=["ru"], lines=[f"{line[0]}:{line[1]}"], accept_unchanged=True)
    assert sum(state_of(e) is State.ACCEPTED for e in _ru(project).po) == 2
    # the colophon counts edited and accepted drafts apart
    ed, _ = localize_report(load_config(project), load_articles(load_config(project))[0], "ru")
    assert (ed.coverage.reviewed, ed.coverage.accepted) == (1, 2)
    # the rest as they are, explicitly: 100% approved, and status and colophon say so
    approve.run(root=project, langs=["ru"], accept_unchanged=True)
    (row,) = status.collect(load_config(project), ["ru"])["rows"]
    # the 44 passages; the metadata (6 entries) was never drafted: untranslated, printed as written
    assert row["counts"]["reviewed"] + row["counts"]["accepted"] == 44 and row["entries"] == 44 + 6
    ed, _ = localize_report(load_config(project), load_articles(load_config(project))[0], "ru")
    assert ed.coverage.reviewed_share == 1.0 and ed.coverage.machine == 0
    assert status.collect(load_config(project), ["ru"], queue=True)["queue"] == []
    with pytest.raises(MissingError, match="nosuch-key"):
        approve.run(root=project, langs=["ru"], keys=["nosuch-key"])
    with pytest.raises(UsageError):
        approve.run(root=project, langs=["ru"])


def test_queue_orders_drafts_by_the_models_score(project):
    update.run(root=project, langs=["ru"])
    pf = _ru(project)
    scores = [-0.1, -1.7, -0.6, -0.05]
    chosen = [e for e in pf.po if not e.obsolete][1:5]
    for e, s in zip(chosen, scores):
        apply_draft(e, _draft(e.msgstr, s), date="2026-11-27")  # drafts that pass every check
    _write(project, pf)
    q = status.collect(load_config(project), ["ru"], queue=True)["queue"]
    assert [item["score"] for item in q] == sorted(scores)
    assert any("low score -1.700" in r for r in q[0]["reasons"])
    assert re.fullmatch(r"p-[0-9a-f]{8}", q[0]["key"])
    assert re.fullmatch(rf"translations/ru/{SLUG}\.po:[1-9]\d*", q[0]["file"])
    # a draft whose checks fail comes before every score
    pf = _ru(project)
    e = next(e for e in pf.po if e.msgid == chosen[3].msgid)
    apply_draft(e, _draft(e.msgstr + " снова снова снова снова", -0.01), date="2026-11-27")
    _write(project, pf)
    q = status.collect(load_config(project), ["ru"], queue=True)["queue"]
    assert q[0]["score"] == -0.01 and any(r.startswith("check loop") for r in q[0]["reasons"])


# ------------------------------------------------------------------ retire, exit codes


def test_retire_moves_everything_aside_and_publish_goes_on(project):
    cfg = load_config(project)
    other = project / "seeds" / "second.md"
    other.write_text("---\ntitle: Second\ndate: 2022-02-01\nauthors: [A. Writer]\n---\n\nA short text.\n",
                     encoding="utf-8")
    update.run(root=project)
    build.run(root=project, langs=["en", "ru"], formats=["epub"])
    assert (project / "dist" / "second.ru.epub").exists()
    po = po_path(cfg, "ru", "second")
    reviewed = po.read_bytes()
    # the seed is removed by hand: a warning that says what to do, and the build goes on
    other.rename(project / "second.md.bak")
    update.run(root=project)
    assert any(d.code == "po-orphan" and "invoke retire --article second" in d.hint
               for d in check.collect(cfg, ["ru"]))
    assert build.run(root=project, langs=["en", "ru"], formats=["epub"]) == 0
    sums = (project / "dist" / "SHA256SUMS").read_text()
    assert "second." not in sums and not list((project / "dist").glob("second.*"))
    retire.run(root=project, article="second")
    assert (project / "translations" / ".retired" / "ru" / "second.po").read_bytes() == reviewed
    assert (project / "translations" / ".retired" / "templates" / "second.pot").is_file()
    assert not (project / "translations" / "templates" / "second.pot").exists()
    assert not po.exists() and list((project / ".pubkit" / "retired" / "second").glob("second.*.epub"))
    assert not [d for d in check.collect(cfg) if d.code.startswith("po-")]
    with pytest.raises(MissingError) as err:
        retire.run(root=project, article="nosuch")
    assert err.value.exit_code == 66 and SLUG in err.value.hint


@pytest.mark.parametrize("kwargs,code", [
    (dict(article="nosuch"), ExitCode.MISSING),
    (dict(langs=["de"]), ExitCode.MISSING),
    (dict(formats=["docx"]), ExitCode.USAGE),
])
def test_unknown_options_exit_with_documented_codes_and_list_the_known(project, kwargs, code):
    with pytest.raises(PubkitError) as err:
        build.run(root=project, **kwargs)
    assert err.value.exit_code == code and err.value.hint
    assert not (project / "dist").exists()


def test_concurrent_edit_exits_75(project):
    from pubkit.catalog import save

    update.run(root=project, langs=["ru"])
    pf = _ru(project)
    next(e for e in pf.po if not e.obsolete).msgstr = "Изменено pubkit."
    path = po_path(load_config(project), "ru", SLUG)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a reviewer saves meanwhile
    import os

    os.utime(path, ns=(pf.mtime_ns + 10**9, pf.mtime_ns + 10**9))
    with pytest.raises(PubkitError) as err:
        save(pf)
    assert err.value.exit_code == ExitCode.BUSY == 75


def test_readme_exit_code_table_matches_errors_py():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## When something goes wrong", 1)[1].split("\n## ", 1)[0]
    documented = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", section, re.M)}
    assert documented == {int(c) for c in ExitCode}
