"""`update` reads, merges and writes only what changed since the last update (.pubkit/update.json),
and what it writes is exactly what a full update (no record) writes, step after step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import pubkit.commands.update as upd
import pubkit.readers
from pubkit.catalog import dumps, load, po_path
from pubkit.config import load_config

SHARED = "Workers of all countries, unite!"


def _article(project: Path, slug: str, passages: list[str]) -> Path:
    path = project / "seeds" / f"{slug}.md"
    path.write_text(f"---\ntitle: \"{slug}\"\nslug: {slug}\ndate: 2024-01-02\n---\n\n" + "\n\n".join(passages)
                    + "\n", encoding="utf-8")
    return path


@pytest.fixture
def project(project):
    """The catalog tests' project without its long seed article (these tests make their own)."""
    for p in (project / "seeds").glob("kazakh-workers-revolt-2022.*"):
        p.unlink()
    return project


@pytest.fixture
def counting(monkeypatch):
    """How many articles are parsed and PO files loaded by the update module."""
    seen = {"read": 0, "load": 0}
    real_read, real_load = pubkit.readers.read_article, upd.load

    def read(*a, **k):
        seen["read"] += 1
        return real_read(*a, **k)

    def load_(*a, **k):
        seen["load"] += 1
        return real_load(*a, **k)

    monkeypatch.setattr(pubkit.readers, "read_article", read)
    monkeypatch.setattr(upd, "load", load_)
    return seen


def _run(project: Path) -> upd.UpdateResult:
    cfg = load_config(project)
    result, _slugs = upd.update_changed(cfg, list(cfg.targets))
    return result


def test_noop_update_reads_nothing_and_one_edit_merges_one_article(project, counting):
    for i in range(4):
        _article(project, f"art-{i}", [f"Passage {i} one.", f"Passage {i} two."])
    first = _run(project)
    assert len(first.files) == 4 * 3 and len([p for p in first.written if p.suffix == ".po"]) == 12
    assert sorted(p.name for p in first.written if p.suffix == ".pot") == [f"art-{i}.pot" for i in range(4)]
    counting.update(read=0, load=0)
    noop = _run(project)
    assert (noop.files, noop.written, counting) == ({}, [], {"read": 0, "load": 0})

    _article(project, "art-2", ["Passage 2 one.", "Passage 2 two.", "A new passage."])
    edited = _run(project)
    assert sorted(edited.files) == [(lang, "art-2") for lang in ("fr", "ky", "ru")]
    assert counting == {"read": 2, "load": 3}  # slug + merge; its own file per language
    assert all(r.new == 1 for r in edited.reports.values())


def test_a_po_file_edited_since_is_read_again(project):
    _article(project, "art-a", ["First passage.", "Second passage."])
    _run(project)
    cfg = load_config(project)
    path = po_path(cfg, "fr", "art-a")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgid "First passage."\nmsgstr ""', 'msgid "First passage."\nmsgstr "X"'),
                    encoding="utf-8")
    again = _run(project)
    assert list(again.files) == [("fr", "art-a")]  # only the file that changed, nothing else


def _full_update(project: Path) -> None:
    (project / upd.RECORD).unlink(missing_ok=True)
    _run(project)


def _files(project: Path) -> dict[str, str]:
    return {str(p.relative_to(project)): p.read_text(encoding="utf-8")
            for p in sorted((project / "translations").rglob("*.po"))}


def _review(project: Path, lang: str, slug: str, msgid: str, msgstr: str) -> None:
    path = po_path(load_config(project), lang, slug)
    pf = load(path)
    entry = next(e for e in pf.po if e.msgid == msgid)
    entry.msgstr = msgstr
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    path.write_text(dumps(pf.po), encoding="utf-8")


def test_incremental_updates_write_what_full_updates_write(project, tmp_path):
    """A reviewer's translation in one file reaches an untranslated passage of an unchanged
    article through the memory, as a full merge does; source edits, deletions, restorations."""
    full = tmp_path / "full"
    steps = [
        lambda p: (_article(p, "art-a", ["Alpha passage.", SHARED]), _article(p, "art-b", [SHARED, "Beta."])),
        lambda p: _review(p, "ru", "art-a", SHARED, "Пролетарии всех стран, соединяйтесь!"),
        lambda p: _review(p, "ru", "art-a", "Alpha passage.", "Альфа."),
        lambda p: _article(p, "art-a", ["Alpha passage, edited.", SHARED]),  # stale: lends nothing
        lambda p: _article(p, "art-b", [SHARED, "Beta.", "Alpha passage."]),
        lambda p: _article(p, "art-a", ["Alpha passage.", SHARED]),  # reviewed again: lends it to b
        lambda p: None,  # a full update gives it to b now
        lambda p: _article(p, "art-c", ["Gamma.", SHARED]),
        lambda p: _review(p, "ru", "art-b", "Beta.", "Бета."),
        lambda p: _article(p, "art-b", [SHARED, "Beta, changed.", "Alpha passage."]),
        lambda p: _article(p, "art-a", ["Beta.", SHARED]),  # takes b's old translation from the memory
        lambda p: (p / "seeds" / "art-c.md").unlink() or shutil.rmtree(p / "translations" / "fr"),
        lambda p: _article(p, "art-c", ["Gamma.", SHARED]),
        lambda p: None,
        lambda p: None,
    ]
    shutil.copytree(project, full)
    for i, change in enumerate(steps):
        for p in (project, full):
            change(p)
            for po in (p / "translations").rglob("art-c.po"):
                if not (p / "seeds" / "art-c.md").exists():
                    po.unlink()
        _run(project)
        _full_update(full)
        assert _files(project) == _files(full), f"after step {i}"
    ru = _files(project)
    assert "Пролетарии всех стран" in ru["translations/ru/art-c.po"]
    assert 'msgid "Alpha passage."\nmsgstr "Альфа."' in ru["translations/ru/art-b.po"]


def test_one_article_update_takes_a_translation_from_a_file_changed_since(project):
    _article(project, "art-a", ["Alpha.", SHARED])
    _article(project, "art-b", [SHARED, "Beta."])
    _run(project)
    _review(project, "ru", "art-a", SHARED, "Пролетарии всех стран, соединяйтесь!")
    cfg = load_config(project)
    result, _ = upd.update_changed(cfg, ["ru"], "art-b")
    assert list(result.files) == [("ru", "art-b")]  # art-a changed, but only art-b was asked for
    assert 'msgstr "Пролетарии всех стран, соединяйтесь!"' in po_path(cfg, "ru", "art-b").read_text("utf-8")
    again = _run(project)  # art-a's file is merged now (it changed since), art-b's is current
    assert sorted(again.files) == [("ru", "art-a")]
