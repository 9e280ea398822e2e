"""Printed metadata is translatable in the article's PO file (issue 11): author names and
organisations, their countries and the source line, each with a ``meta:`` msgctxt."""

from __future__ import annotations

from pubkit.catalog import State, dumps, load, po_path, state_of
from pubkit.commands import update
from pubkit.config import load_config
from pubkit.localize import localize
from pubkit.project import load_articles
from pubkit.segment import segment

from .helpers import msgcat_roundtrip, msgfmt_check

SLUG = "kazakh-workers-revolt-2022"
AUTHOR = "Permanent Revolution Collective"
SOURCE = "Permanent Revolution Collective, statement of 27 January 2022"
RU = {
    ("meta:author", AUTHOR): "Коллектив «Перманентная революция»",
    ("meta:country", "Austria"): "Австрия",
    ("meta:country", "France"): "Франция",
    ("meta:country", "Spain"): "Испания",
    ("meta:country", "Turkey"): "Турция",
    ("meta:source", SOURCE): "Коллектив «Перманентная революция», заявление от 27 января 2022 года",
}


def test_update_adds_the_metadata_entries_untranslated_in_every_language(project, tmp_path):
    update.run(root=project, verbose=False)
    cfg = load_config(project)
    for lang in cfg.targets:
        path = po_path(cfg, lang, SLUG)
        meta = {(e.msgctxt, e.msgid): e for e in load(path).po if (e.msgctxt or "").startswith("meta:")}
        assert set(meta) == set(RU), lang
        assert all(state_of(e) is State.UNTRANSLATED for e in meta.values())
        assert all(e.comment for e in meta.values()), "each says what it is for the translator"
        msgcat_roundtrip(path, tmp_path)
        msgfmt_check(path)
    before = {p: p.read_bytes() for p in (project / "translations").rglob("*.po")}
    update.run(root=project, verbose=False)
    assert {p: p.read_bytes() for p in (project / "translations").rglob("*.po")} == before


def _translate_meta(project, which=RU):
    update.run(root=project, langs=["ru"], verbose=False)
    path = po_path(load_config(project), "ru", SLUG)
    pf = load(path)
    for e in pf.po:
        if (e.msgctxt, e.msgid) in which:
            e.msgstr = which[(e.msgctxt, e.msgid)]
    path.write_text(dumps(pf.po), encoding="utf-8")


def test_a_russian_edition_prints_translated_metadata(project):
    _translate_meta(project)
    cfg = load_config(project)
    doc = load_articles(cfg)[0]
    ed = localize(cfg, doc, "ru")
    (author,) = ed.doc.meta.authors
    assert author.name == RU[("meta:author", AUTHOR)]
    assert author.countries == ("Австрия", "Франция", "Испания", "Турция")
    assert ed.doc.meta.source == RU[("meta:source", SOURCE)]
    assert ed.coverage.total == len(segment(doc))  # metadata is not counted as passages


def test_untranslated_metadata_falls_back_to_the_source(project):
    """A reviewer may leave the English name; nothing is invented or half-translated."""
    _translate_meta(project, {("meta:author", AUTHOR): RU[("meta:author", AUTHOR)]})
    cfg = load_config(project)
    doc = load_articles(cfg)[0]
    ed = localize(cfg, doc, "ru")
    (author,) = ed.doc.meta.authors
    assert author.name == RU[("meta:author", AUTHOR)]
    assert ed.doc.meta.source == SOURCE  # not translated: the source's line, as it is
    assert ed.doc.meta.authors[0].countries  # from the signature's translation or the source


def test_metadata_entries_follow_a_changed_sidecar_like_any_entry(project):
    _translate_meta(project)
    sidecar = project / "seeds" / f"{SLUG}.yaml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("statement of 27", "statement of 28"),
                       encoding="utf-8")
    update.run(root=project, langs=["ru"], verbose=False)
    pf = load(po_path(load_config(project), "ru", SLUG))
    e = next(e for e in pf.po if e.msgctxt == "meta:source" and not e.obsolete)
    assert e.msgid.endswith("statement of 28 January 2022")
    assert state_of(e) is State.STALE and e.previous_msgid == SOURCE  # the reviewer's text kept
    assert e.msgstr == RU[("meta:source", SOURCE)]
