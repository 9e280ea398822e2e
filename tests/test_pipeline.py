"""The pipeline: a Markdown article builds; a no-op build renders nothing; rebuilds are identical."""

from __future__ import annotations

import shutil

from pubkit.config import load_config
from pubkit.pipeline import build, plan

from .conftest import ROOT


def test_markdown_article_builds_and_noop_rebuilds_nothing(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643241600")
    shutil.copy(ROOT / "tests" / "data" / "sample.md", project / "seeds" / "sample.md")
    cfg = load_config(project)
    report = build(cfg, langs=["en"], article="sample-markdown", workers=1)
    names = sorted(p.name for p in report.built)
    assert names == ["sample-markdown.en.epub", "sample-markdown.en.pdf"]
    first = {p: p.read_bytes() for p in report.built}
    todo, fresh = plan(cfg, langs=["en"], article="sample-markdown")
    assert todo == [] and len(fresh) == 2
    again = build(cfg, langs=["en"], article="sample-markdown", workers=1)
    assert again.built == () and len(again.up_to_date) == 2
    # an altered output is noticed and rebuilt, byte-identical to the first build
    epub = cfg.dist / "sample-markdown.en.epub"
    epub.write_bytes(b"damaged")
    rebuilt = build(cfg, langs=["en"], article="sample-markdown", workers=1)
    assert rebuilt.built == (epub,)
    assert {p: p.read_bytes() for p in first} == first
    sums = (cfg.dist / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in sums] == ["sample-markdown.en.epub", "sample-markdown.en.pdf"]


def test_planned_slug_agrees_with_the_reader(project):
    """The no-op check names outputs from cached slugs; they must be the readers' slugs."""
    from pubkit.fingerprint import HashCache
    from pubkit.pipeline import article_slugs
    from pubkit.readers import read_article

    cfg = load_config(project)

    def planned(path):
        cache = HashCache(project)
        slugs = dict(article_slugs(cfg, cache))
        cache.save()
        return slugs[path]

    md = project / "seeds" / "note.md"
    md.write_text("# A note\n\nText.\n", encoding="utf-8")
    md.with_suffix(".yaml").write_text("slug: from-sidecar\n", encoding="utf-8")
    assert planned(md) == read_article(md, project).meta.slug == "from-sidecar"
    md.write_text("---\nslug: from-front-matter # a comment\n---\n# A note\n\nText.\n", encoding="utf-8")
    assert planned(md) == read_article(md, project).meta.slug == "from-front-matter"
    md.with_suffix(".yaml").unlink()
    md.write_text("# A note\n\nText.\n", encoding="utf-8")
    assert planned(md) == read_article(md, project).meta.slug == "note"
    txt = project / "seeds" / "kazakh-workers-revolt-2022.txt"
    assert planned(txt) == read_article(txt, project).meta.slug
