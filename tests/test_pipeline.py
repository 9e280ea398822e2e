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


def _archive(project, n: int, seed: int = 3):
    """``n`` generated articles (bench/archive.py's generator: Markdown and plain text, varied)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_archive", ROOT / "bench" / "archive.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for p in (project / "seeds").iterdir():
        p.unlink()
    shutil.rmtree(project / "translations")
    mod.generate(project, n, seed, targets=("ru",))
    return mod


def test_noop_build_of_an_archive_parses_and_hashes_nothing(project, monkeypatch):
    """30 generated articles: the second no-op build reads no source (stat only) and stays
    well inside its budget; one edited article rebuilds exactly its own editions."""
    import time

    from pubkit import fingerprint, readers

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643241600")
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # files just written count as settled
    _archive(project, 30)
    cfg = load_config(project)
    first = build(cfg, langs=["en"], formats=["epub"], workers=2)
    assert len(first.built) == 30

    def no_parsing(*a, **k):
        raise AssertionError("a no-op build parsed an article")

    monkeypatch.setattr(readers, "read_article", no_parsing)
    from pubkit.fingerprint import HashCache

    build(cfg, langs=["en"], formats=["epub"])  # settles the cache
    t = time.perf_counter()
    again = build(cfg, langs=["en"], formats=["epub"])
    elapsed = time.perf_counter() - t
    assert again.built == () and len(again.up_to_date) == 30
    assert elapsed < 2.0, f"no-op build of 30 articles took {elapsed:.2f} s"
    cache = HashCache(project)
    plan(cfg, langs=["en"], formats=["epub"], cache=cache)
    assert cache.hashed == 0
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643241600")
    # one article edited: only its edition is rebuilt, identical others untouched
    before = {p.name: p.stat().st_mtime_ns for p in cfg.dist.glob("*.epub")}
    src = sorted((project / "seeds").glob("*.md"))[4]
    src.write_text(src.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    edited = build(cfg, langs=["en"], formats=["epub"])
    slug = src.stem
    assert [p.name for p in edited.built] == [f"{slug}.en.epub"]
    after = {p.name: p.stat().st_mtime_ns for p in cfg.dist.glob("*.epub")}
    assert {k for k in after if after[k] != before[k]} == {f"{slug}.en.epub"}


def test_checksums_are_repaired_by_a_noop_build(project, monkeypatch):
    """Issue 10: a run killed between the last edition and SHA256SUMS left it wrong; the next
    build, even with nothing to render, makes it list exactly what dist/ holds."""
    import hashlib

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643241600")
    shutil.copy(ROOT / "tests" / "data" / "sample.md", project / "seeds" / "sample.md")
    cfg = load_config(project)
    build(cfg, langs=["en"], article="sample-markdown", formats=["epub"], workers=1)
    sums = cfg.dist / "SHA256SUMS"
    stale_line = "0" * 64 + "  sample-markdown.en.epub\n"
    for damage in ("", stale_line, sums.read_text() + "0" * 64 + "  gone.pdf\n"):
        sums.write_text(damage)
        report = build(cfg, langs=["en"], article="sample-markdown", formats=["epub"])
        assert report.built == () and report.checksums_rewritten
        epub = cfg.dist / "sample-markdown.en.epub"
        assert sums.read_text() == f"{hashlib.sha256(epub.read_bytes()).hexdigest()}  {epub.name}\n"
    assert not build(cfg, langs=["en"], article="sample-markdown", formats=["epub"]).checksums_rewritten


def test_pool_and_single_process_builds_are_byte_identical(project, tmp_path, monkeypatch):
    """Also with workers replaced after every task (as after MAX_TASKS_PER_CHILD tasks)."""
    from pubkit import jobs

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643241600")
    monkeypatch.setattr(jobs, "MAX_TASKS_PER_CHILD", 1)
    _archive(project, 4, seed=5)
    twin = tmp_path / "twin"
    shutil.copytree(project, twin)
    one = build(load_config(project), langs=["en"], workers=1)
    two = build(load_config(twin), langs=["en"], workers=2)
    assert len(one.built) == len(two.built) == 8
    files = lambda root: {p.name: p.read_bytes() for p in (root / "dist").iterdir()}  # noqa: E731
    assert files(project) == files(twin)


def test_publish_skips_languages_whose_inputs_did_not_change(project):
    """A no-op publish reads no article: languages are skipped on content hashes alone."""
    from pubkit.commands.publish import prepare

    cfg = load_config(project)
    assert prepare(cfg, translate=False) == ["ru", "ky", "fr"]
    assert prepare(cfg, translate=False) == []
    po = project / "translations" / "ky" / "kazakh-workers-revolt-2022.po"
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a reviewer saved it
    assert prepare(cfg, translate=False) == ["ky"]
    assert prepare(cfg, translate=False) == []
    seed = project / "seeds" / "kazakh-workers-revolt-2022.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")
    assert prepare(cfg, translate=False) == ["ru", "ky", "fr"]


def test_duplicate_slugs_are_refused_before_any_rendering(project):
    from pubkit.errors import InputError

    (project / "seeds" / "a.md").write_text("---\nslug: same\n---\n# A\n\nText.\n", encoding="utf-8")
    (project / "seeds" / "b.md").write_text("---\nslug: same\n---\n# B\n\nText.\n", encoding="utf-8")
    import pytest

    with pytest.raises(InputError, match="two articles have the slug 'same'"):
        build(load_config(project), langs=["en"])
    assert not (project / "dist").exists()


def test_cached_slugs_are_read_again_when_pubkit_changes(project, monkeypatch):
    """Slugs are cached per content *and* per pubkit code (the salt): a reader that changed
    (say, one that now refuses a slug) reads every article again instead of trusting the cache."""
    from pubkit import readers
    from pubkit.fingerprint import HashCache
    from pubkit.pipeline import article_slugs

    cfg = load_config(project)
    calls: list[str] = []
    real = readers.read_article
    monkeypatch.setattr(readers, "read_article", lambda p, root=None: calls.append(p.name) or real(p, root))
    cache = HashCache(project)
    article_slugs(cfg, cache, "code-1")
    article_slugs(cfg, cache, "code-1")
    assert calls == ["kazakh-workers-revolt-2022.txt"]
    article_slugs(cfg, cache, "code-2")
    assert calls == ["kazakh-workers-revolt-2022.txt"] * 2


def test_progress_reports_what_is_left(capsys, monkeypatch):
    """Off a terminal: every file of a small run, a line per 10% of a large one, with what is left;
    on a terminal (forced here) one rich bar over the whole run."""
    from pathlib import Path

    from pubkit.commands.build import progress_bar

    monkeypatch.delenv("PUBKIT_PROGRESS", raising=False)
    monkeypatch.setenv("CI", "true")
    with progress_bar() as progress:
        for i in range(1, 4):
            progress(i, 3, Path(f"dist/a{i}.en.epub"))
    assert capsys.readouterr().err.splitlines() == [f"built dist/a{i}.en.epub" for i in range(1, 4)]
    with progress_bar() as progress:
        for i in range(1, 201):
            progress(i, 200, Path(f"dist/a{i}.en.pdf"))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10 and lines[0] == "built 20 of 200 edition files (180 left)"
    assert lines[-1] == "built 200 of 200 edition files (0 left)"
    monkeypatch.setenv("PUBKIT_PROGRESS", "1")
    with progress_bar() as progress:
        for i in range(1, 6):
            progress(i, 5, Path(f"dist/a{i}.en.pdf"))
    err = capsys.readouterr().err
    assert "5/5" in err and "0 left" in err
