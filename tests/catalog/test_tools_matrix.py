"""pubkit's verdict survives every tool a reviewer saves with.

pubkit's PO files are saved through polib, Babel (``babel.messages.pofile``), Translate
Toolkit (``translate.storage.pypo``, Weblate's PO library), GNU ``msgcat``/``msgattrib``/
``msgmerge`` and a Poedit-style rewrite, with a reviewer's edits, approvals and acceptances made
in that tool; then ``status``, ``update``, ``check``, ``approve --edited`` and the build's
localization run, and every entry's state and the colophon's counts are asserted.

Poedit itself cannot be installed here (no display, no package); :func:`_poedit` does what
Poedit 3 writes: the header's ``PO-Revision-Date``, ``Last-Translator``, ``X-Generator``,
an approved entry without ``#, fuzzy`` and without its ``#|`` previous source, lines wrapped
like msgcat, extracted comments untouched.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from pubkit.catalog import State, dumps, load, load_language, merged, po_path
from pubkit.catalog.states import assess
from pubkit.commands import approve, build, check, status, translate, update
from pubkit.config import load_config
from pubkit.localize import localize_report
from pubkit.project import load_articles

from ..conftest import copy_project
from .helpers import FakeEngine, gettext_tool

SLUG = "kazakh-workers-revolt-2022"
NBSP = "\u00a0"

# what the reviewer does to the i-th passage: (label, new text or None, approve in the tool)
EDIT_APPROVE, EDIT_ONLY, ACCEPT_IN_TOOL, UNTOUCHED, ACCEPTED_BY_PUBKIT, NBSP_EDIT = range(6)
Edits = dict[str, tuple[str | None, bool]]  # msgid -> (new msgstr or None, approve)


# ------------------------------------------------------------------ the tools


def _polib(path: Path, edits: Edits) -> None:
    po = polib.pofile(str(path))
    for e in po:
        if e.msgid in edits:
            text, ok = edits[e.msgid]
            e.msgstr = text if text is not None else e.msgstr
            if ok:
                e.flags = [f for f in e.flags if f != "fuzzy"]
    po.save(str(path))


def _babel(path: Path, edits: Edits) -> None:
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as f:
        cat = read_po(f)
    for m in cat:
        if m.id in edits:
            text, ok = edits[m.id]
            m.string = text if text is not None else m.string
            if ok:
                m.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, cat, include_previous=True)
    path.write_bytes(out.getvalue())


def _translate_toolkit(path: Path, edits: Edits) -> None:
    from translate.storage import pypo

    store = pypo.pofile.parsefile(str(path))
    for unit in store.units:
        if unit.source in edits:
            text, ok = edits[unit.source]
            if text is not None:
                unit.target = text
            if ok:
                unit.markfuzzy(False)
    path.write_bytes(bytes(store))


def _text_editor(path: Path, edits: Edits) -> None:
    """A reviewer's hand edit (the file is GNU-formatted, as pubkit writes it)."""
    pf = load(path)
    for e in pf.po:
        if e.msgid in edits:
            text, ok = edits[e.msgid]
            e.msgstr = text if text is not None else e.msgstr
            if ok:
                e.flags = [f for f in e.flags if f != "fuzzy"]
    path.write_text(dumps(pf.po), encoding="utf-8")


def _gnu(*args: str) -> Callable[[Path, Edits], None]:
    def run(path: Path, edits: Edits) -> None:
        _text_editor(path, edits)
        tool = gettext_tool(args[0])
        out = path.with_suffix(".out")
        if args[0] == "msgmerge":  # against a template made of the same entries
            pf = load(path)
            for e in pf.po:
                e.msgstr = ""
                e.flags = [f for f in e.flags if f != "fuzzy"]
                e.previous_msgid = None
            pot = path.with_suffix(".pot")
            pot.write_text(dumps(pf.po), encoding="utf-8")
            subprocess.run([tool, *args[1:], str(path), str(pot), "-o", str(out)], check=True)
        else:
            subprocess.run([tool, *args[1:], str(path), "-o", str(out)], check=True)
        shutil.move(out, path)
    return run


def _poedit(path: Path, edits: Edits) -> None:
    pf = load(path)
    for e in pf.po:
        if e.msgid in edits:
            text, ok = edits[e.msgid]
            e.msgstr = text if text is not None else e.msgstr
            if ok:  # Poedit drops the flag and the previous source of an entry it approves
                e.flags = [f for f in e.flags if f != "fuzzy"]
                e.previous_msgid = e.previous_msgctxt = None
    pf.po.metadata["PO-Revision-Date"] = "2026-12-01 10:00+0100"
    pf.po.metadata["Last-Translator"] = "Анна Рецензент <anna@example.org>"
    pf.po.metadata["X-Generator"] = "Poedit 3.4.2"
    path.write_text(dumps(pf.po), encoding="utf-8")


TOOLS: dict[str, Callable[[Path, Edits], None]] = {
    "polib": _polib,
    "babel": _babel,
    "translate-toolkit": _translate_toolkit,
    "msgcat": _gnu("msgcat"),
    "msgattrib": _gnu("msgattrib"),
    "msgmerge": _gnu("msgmerge", "--previous", "--quiet"),
    "poedit-style": _poedit,
}


# ------------------------------------------------------------------ the project


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> Path:
    """A project whose ru file holds machine drafts, one of them accepted by `invoke approve`."""
    root = copy_project(tmp_path_factory.mktemp("drafted"))
    for po in (root / "translations").rglob("*.po"):
        po.unlink()
    translate.run(root=root, langs=["ru"], engine_factory=lambda cfg, s, t: FakeEngine())
    key = _keys(root)[_passages(root)[ACCEPTED_BY_PUBKIT]]
    approve.run(root=root, langs=["ru"], keys=[key], accept_unchanged=True)
    return root


def _keys(root: Path) -> dict[str, str]:
    from pubkit.catalog import template

    return {t.msgid: t.unit.key for t in template(load_articles(load_config(root))[0]) if t.unit is not None}


def _passages(root: Path) -> list[str]:
    """The msgids of the first passages with a space to turn into a no-break space."""
    return [m for m in _keys(root) if " " in m][2:8]


def states(root: Path) -> dict[str, State]:
    cfg = load_config(root)
    doc = load_articles(cfg)[0]
    pf, _ = merged(cfg, doc, "ru", load_language(cfg, "ru", [doc.meta.slug]))
    return {e.msgid: assess(e).state for e in pf.po if not e.obsolete}


def _edits(root: Path) -> Edits:
    po = load(po_path(load_config(root), "ru", SLUG)).po
    text = {e.msgid: e.msgstr for e in po}
    p = _passages(root)
    return {
        p[EDIT_APPROVE]: ("Отредактировано и одобрено.", True),
        p[EDIT_ONLY]: ("Отредактировано, не одобрено.", False),
        p[ACCEPT_IN_TOOL]: (None, True),
        p[NBSP_EDIT]: (text[p[NBSP_EDIT]].replace(" ", NBSP, 1), True),
    }


@pytest.mark.validator
@pytest.mark.parametrize("tool", list(TOOLS))
def test_verdict_survives_a_save_through(tool, drafted, tmp_path):
    root = copy_project(tmp_path)
    shutil.rmtree(root / "translations")
    shutil.copytree(drafted / "translations", root / "translations")
    p = _passages(root)
    before = states(root)
    assert [before[m] for m in p] == [State.MACHINE] * 4 + [State.ACCEPTED, State.MACHINE]
    path = po_path(load_config(root), "ru", SLUG)
    TOOLS[tool](path, _edits(root))

    want = {p[EDIT_APPROVE]: State.REVIEWED, p[EDIT_ONLY]: State.NEEDS_WORK,
            p[ACCEPT_IN_TOOL]: State.ACCEPTED, p[UNTOUCHED]: State.MACHINE,
            p[ACCEPTED_BY_PUBKIT]: State.ACCEPTED, p[NBSP_EDIT]: State.REVIEWED}
    others = {m: s for m, s in before.items() if m not in want}
    # every other passage a machine draft; the printed metadata (author, 4 countries, source line)
    # untranslated: no model drafts it
    assert set(others.values()) == {State.MACHINE, State.UNTRANSLATED}
    untranslated = sum(s is State.UNTRANSLATED for s in others.values())
    assert untranslated == 6

    def assert_states(stage: str, edited_approved: bool = False) -> None:
        got = states(root)
        expect = dict(want, **({p[EDIT_ONLY]: State.REVIEWED} if edited_approved else {}))
        assert {m: got[m] for m in p} == {m: expect[m] for m in p}, f"{tool}, {stage}"
        assert {m: got[m] for m in others} == others, f"{tool}, {stage}: an untouched draft changed state"
        (row,) = status.collect(load_config(root), ["ru"])["rows"]
        reviewed = 2 + edited_approved
        assert (row["counts"]["reviewed"], row["counts"]["accepted"], row["counts"]["needs_work"]) == \
            (reviewed, 2, 1 - edited_approved), f"{tool}, {stage}"
        assert row["counts"]["machine"] == row["entries"] - reviewed - 2 - (1 - edited_approved) - untranslated
        ed, _ = localize_report(load_config(root), load_articles(load_config(root))[0], "ru")
        cov = ed.coverage
        assert (cov.reviewed, cov.accepted, cov.needs_work, cov.stale) == \
            (reviewed, 2, 1 - edited_approved, 0), f"{tool}, {stage}: the colophon's counts"

    assert_states("after the save")
    update.run(root=root, langs=["ru"])
    assert_states("after update")
    comments = load(path).po
    assert all(len("#. " + ln) < 76 for e in comments for ln in (e.comment or "").split("\n")), \
        "update writes every provenance line under 76 columns"
    # the fake drafts fail content checks (numbers, glossary); the file itself must be sound
    found = [d for d in check.collect(load_config(root), ["ru"]) if d.code.startswith("po")]
    assert found == [], f"{tool}: check reports {[d.format() for d in found]}"
    approve.run(root=root, langs=["ru"], edited=True)  # only the edited, unapproved one
    assert_states("after approve --edited", edited_approved=True)
    update.run(root=root, langs=["ru"])
    saved = path.read_bytes()
    update.run(root=root, langs=["ru"])
    assert path.read_bytes() == saved, "a second update changes nothing"
    assert_states("after a second update", edited_approved=True)


@pytest.mark.slow
@pytest.mark.validator
def test_the_built_colophon_counts_a_polib_saved_review(drafted, tmp_path):
    """The edition itself (EPUB colophon) prints the counts the reviewer's work earned."""
    root = copy_project(tmp_path)
    shutil.rmtree(root / "translations")
    shutil.copytree(drafted / "translations", root / "translations")
    _polib(po_path(load_config(root), "ru", SLUG), _edits(root))
    build.run(root=root, langs=["ru"], formats=["epub"])
    import zipfile

    (epub,) = (root / "dist").rglob("*ru*.epub")
    with zipfile.ZipFile(epub) as z:
        html = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml"))
    status_list = html[html.index('<dl class="facts status">'):]
    status_list = status_list[:status_list.index("</dl>")]
    printed = [(int(n), int(t)) for n, t in re.findall(r"<dd>(\d+) из (\d+)</dd>", status_list)]
    cov = localize_report(load_config(root), load_articles(load_config(root))[0], "ru")[0].coverage
    assert (cov.reviewed, cov.accepted, cov.needs_work) == (2, 2, 1)
    # reviewed, accepted unchanged, machine, needs work, untranslated: as the reviewer left them
    assert printed == [(n, cov.total) for n in (2, 2, cov.total - 5, 1, 0)]
