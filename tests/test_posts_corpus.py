"""Real posts from static-site repositories (tests/corpus/posts/, sources and licences in SOURCES)
build as received: no front matter edit, the title the site shows, the front matter's keys
understood or listed as ignored, and the outline a person reviewed (golden files beside them)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from pubkit.config import load_config
from pubkit.model import Break, Image, Link
from pubkit.outline import outline
from pubkit.pipeline import build
from pubkit.project import article_paths
from pubkit.readers import read_article
from pubkit.segment import segment

from .conftest import ROOT, golden

POSTS = ROOT / "tests" / "corpus" / "posts"
FILES = sorted(p for p in POSTS.rglob("*") if p.suffix in (".md", ".markdown"))
# the title each site shows for the post (its front matter's `title`)
TITLES = {
    "errors-are-values.md": "Errors are values",
    "alias-names.md": "What's in an (Alias) Name?",
    "2017-10-19-diversity-open-source.markdown": "Diversity in Open Source, and Jekyll's role in it",
    "http2-server-push-in-hugo.md": "HTTP/2 Server Push in Hugo",
    "overview.md": "Overview",
    "boring/index.md": "boring",
    "book/index.md": "book",
}


def _name(p: Path) -> str:
    return p.relative_to(POSTS).as_posix()


def test_the_corpus_is_what_sources_lists():
    sources = (POSTS / "SOURCES").read_text(encoding="utf-8")
    assert sorted(map(_name, FILES)) == sorted(TITLES)
    for name in TITLES:
        assert name.split("/")[0] in sources


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project whose seeds/ are the posts as received (bundles as folders)."""
    root = tmp_path_factory.mktemp("posts") / "project"
    root.mkdir()
    shutil.copy(ROOT / "pubkit.toml", root / "pubkit.toml")
    shutil.copytree(POSTS, root / "seeds", ignore=shutil.ignore_patterns("SOURCES", "*.outline.txt"))
    return root


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_each_post_reads_as_received(path: Path, project: Path):
    seed = project / "seeds" / path.relative_to(POSTS)
    assert seed.read_bytes() == path.read_bytes()
    doc = read_article(seed, project)
    assert doc.meta.title == TITLES[_name(path)]
    texts = " ".join(u.text for u in segment(doc))
    assert "+++" not in texts and "\ntitle" not in texts, "no front matter printed as text"
    for u in segment(doc):
        assert not u.text.startswith(("title:", "title =", "date:", "date =")), u.text
    golden(path.with_name(path.name + ".outline.txt") if path.stem != "index"
           else path.with_name("index.outline.txt"), outline(doc))


def test_what_the_posts_front_matter_gives(project: Path):
    docs = {_name(p): read_article(project / "seeds" / p.relative_to(POSTS), project) for p in FILES}
    go = docs["errors-are-values.md"].meta
    assert [a.name for a in go.authors] == ["Rob Pike"] and go.date == "2015-01-12"
    assert go.description == "Idioms and patterns for handling errors in Go."
    jekyll = docs["2017-10-19-diversity-open-source.markdown"].meta
    assert jekyll.date == "2017-10-19" and jekyll.date_time == "2017-10-19T21:33:00+02:00"
    assert jekyll.subjects == ("community",)
    hugo = docs["http2-server-push-in-hugo.md"].meta
    assert hugo.slug == "http2-server-push-in-hugo" and "\n" not in hugo.description
    assert {i.split(" ")[0] for i in hugo.ignored} >= {"aliases", "images"}
    boring = docs["boring/index.md"]
    assert boring.meta.slug == "boring" and boring.meta.date_time == "2025-09-05T12:48:33+05:30"
    assert [b.src for b in boring.blocks if isinstance(b, Image)] == ["./screenshot.png"]
    assert "extra" in " ".join(boring.meta.ignored)
    # site-relative links (`/pkg/bufio/`, Zola's `@/…`) print as their text, web links stay links
    links = [s.url for b in docs["errors-are-values.md"].blocks for s in getattr(b, "content", ())
             if isinstance(s, Link)]
    assert links and all(u.startswith(("http://", "https://")) for u in links)
    assert not any(isinstance(b, Break) for b in docs["overview.md"].blocks)


def test_the_posts_build_and_the_bundle_embeds_its_image(project: Path):
    cfg = load_config(project)
    assert len(article_paths(cfg)) == len(FILES)
    build(cfg, langs=["en"], article="boring", formats=["epub"], workers=1)
    with zipfile.ZipFile(cfg.dist / "boring.en.epub") as z:
        images = [n for n in z.namelist() if n.startswith("EPUB/images/") and "cover" not in n]
        assert [z.read(n) for n in images] == [(POSTS / "boring" / "screenshot.png").read_bytes()]
        opf = z.read("EPUB/content.opf").decode()
        assert "<dc:description>A minimal theme</dc:description>" in opf
