"""`update` writes translations/templates/<slug>.pot: msginit starts a language from it, msgmerge takes it."""

from __future__ import annotations

import subprocess

import polib
import pytest

from pubkit.commands import update

from .helpers import gettext_tool

SLUG = "kazakh-workers-revolt-2022"


@pytest.fixture
def pot(project, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert update.run(root=project) == 0
    return project, project / "translations" / "templates" / f"{SLUG}.pot"


def _keys(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in po if not e.obsolete}


def test_update_writes_a_template_with_every_entry_and_no_translation(pot):
    project, path = pot
    template = polib.pofile(str(path))
    ru = polib.pofile(str(project / "translations" / "ru" / f"{SLUG}.po"))
    assert _keys(template) == _keys(ru) and len(template) > 40
    assert all(not e.msgstr and "fuzzy" not in e.flags for e in template)
    assert template.metadata["POT-Creation-Date"] == "2022-01-27 00:00+0000"  # the article's date, stable
    assert template.metadata["Language"] == ""


def test_a_second_update_leaves_the_template_alone(pot):
    project, path = pot
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert update.run(root=project) == 0
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.validator
def test_msginit_starts_a_language_and_msgmerge_takes_the_template(pot, tmp_path):
    project, path = pot
    new = tmp_path / "kk.po"
    subprocess.run([gettext_tool("msginit"), "--no-translator", "-l", "kk", "-i", str(path), "-o", str(new)],
                   check=True, capture_output=True, text=True)
    started = polib.pofile(str(new))
    assert _keys(started) == _keys(polib.pofile(str(path))) and started.metadata["Language"] == "kk"
    ru = project / "translations" / "ru" / f"{SLUG}.po"
    merged = tmp_path / "ru.po"
    subprocess.run([gettext_tool("msgmerge"), "--quiet", "--no-fuzzy-matching", "-o", str(merged), str(ru),
                    str(path)], check=True, capture_output=True, text=True)
    before, after = polib.pofile(str(ru)), polib.pofile(str(merged))
    assert _keys(after) == _keys(before)  # the same entries: the template is the PO file's source
    assert {(e.msgctxt, e.msgid): e.msgstr for e in after if not e.obsolete} == \
           {(e.msgctxt, e.msgid): e.msgstr for e in before if not e.obsolete}
