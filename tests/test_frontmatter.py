"""Front matter as the site generators write it (readers/frontmatter.py), page bundles, thematic
breaks and links that lead nowhere in a book (issue 21)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pubkit.commands import outline as outline_cmd
from pubkit.config import load_config
from pubkit.errors import ExitCode, InputError, MissingError
from pubkit.model import Break, Image, Link, Paragraph, plain_text
from pubkit.outline import outline
from pubkit.pipeline import build, plan
from pubkit.project import article_paths, load_articles
from pubkit.readers import article_slug, read_article
from pubkit.segment import segment


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def bad(path: Path) -> InputError:
    with pytest.raises(InputError) as err:
        read_article(path)
    assert err.value.exit_code == ExitCode.INPUT and err.value.hint
    return err.value


JEKYLL = """---
layout: post
title:  "Welcome to Jekyll!"
date:   2019-12-25 00:00:00 +0000
categories: jekyll update
tags: [release, "2019"]
permalink: /welcome/
published: true
author: >
  Jane
  Doe
excerpt: The first post.
---
You'll find this post in your `_posts` directory.
"""


def test_a_jekyll_post_builds_as_received(tmp_path):
    doc = read_article(write(tmp_path, "welcome.md", JEKYLL))
    m = doc.meta
    assert m.title == "Welcome to Jekyll!" and m.date == "2019-12-25"
    assert m.date_time == "2019-12-25T00:00:00+00:00", "the time zone is kept"
    assert [a.name for a in m.authors] == ["Jane Doe"], "a folded author is one line"
    assert m.subjects == ("release", "2019", "jekyll", "update") and m.description == "The first post."
    assert not m.draft
    assert [i.split(" ")[0] for i in m.ignored] == ["layout", "permalink"]
    assert "ignored (for a site, not the text): layout (line 2), permalink (line 7)" in outline(doc)


HUGO_TOML = """+++
Title = "Background"
Slug = "background-post"
date = 2024-03-12T23:30:00-07:00
Tags = ["go", "hugo"]
draft = false
weight = 10
aliases = ["/old/"]
Section = "posts"

[taxonomies]
categories = ["notes"]
+++

## Background

Text.
"""


def test_toml_front_matter_hugo_keys_in_any_case(tmp_path):
    doc = read_article(write(tmp_path, "post.md", HUGO_TOML))
    m = doc.meta
    assert (m.title, m.slug) == ("Background", "background-post")
    assert m.date == "2024-03-12", "the day written, not the day in UTC (the 13th)"
    assert m.date_time == "2024-03-12T23:30:00-07:00"
    assert m.subjects == ("go", "hugo", "notes")
    assert {i.split(" ")[0] for i in m.ignored} == {"weight", "aliases", "section"}
    assert plain_text(doc.blocks[0].content) == "Background", "the body's heading stays in the body"


def test_json_front_matter(tmp_path):
    doc = read_article(write(tmp_path, "j.md", '{\n  "title": "From JSON",\n  "date": "2020-05-01",\n'
                                              '  "tags": ["a"]\n}\n\nBody.\n'))
    assert (doc.meta.title, doc.meta.date, doc.meta.subjects) == ("From JSON", "2020-05-01", ("a",))
    assert plain_text(doc.blocks[0].content) == "Body."


def test_go_blog_by_and_summary(tmp_path):
    doc = read_article(write(tmp_path, "go.md", "---\ntitle: Go 1.22\ndate: 2024-02-06\nby:\n- Eli Bendersky"
                                                "\n- Russ Cox\nsummary: What's new.\n---\n\nText.\n"))
    assert [a.name for a in doc.meta.authors] == ["Eli Bendersky", "Russ Cox"]
    assert doc.meta.description == "What's new."


def test_every_problem_of_a_file_in_one_run_and_hints_that_do_not_mislead(tmp_path):
    e = bad(write(tmp_path, "x.md", "---\ntitel: T\ndate: 2022-02-30\nlang: english\ndraft: maybe\n"
                                    "catgories: [a]\n---\n# T\n"))
    assert e.location.line == 2 and "titel" in e.message and "`title`" in e.hint
    for line, words in ((3, "does not exist"), (4, "language code"), (5, "true or false"),
                        (6, "did you mean `categories`")):
        assert f"x.md:{line}: " in e.message and words in e.message, e.message
    assert "more problems" in e.message and "(and" not in e.message
    doc = read_article(write(tmp_path, "y.md", "---\ntitle: T\ndraft: false\nSection: a\n"
                                               "lastmod: 2020-01-01\n---\nx\n"))
    assert doc.meta.title == "T", "`draft` is not taken for `date`, nor `Section` for `corrections`"
    e = bad(write(tmp_path, "z.md", "---\ntitle: T\nautors: [A]\n---\nx\n"))
    assert "`authors`" in e.hint


@pytest.mark.parametrize("text", [
    "date: 2024-03-12T10:00:00-07:00", "date: 2024-03-12T10:00:00Z", "date: '2024-03-12 10:00'",
    "date: 2024-03-12T10:00:00.5+0530",
])
def test_dates_with_a_time_keep_their_day(tmp_path, text):
    doc = read_article(write(tmp_path, "d.md", f"---\ntitle: T\n{text}\n---\nx\n"))
    assert doc.meta.date == "2024-03-12" and doc.meta.date_time.startswith("2024-03-12T")


def test_a_sidecar_stays_strict(tmp_path):
    write(tmp_path, "s.yaml", "layout: post\n")
    e = bad(write(tmp_path, "s.txt", "Title\n\nText.\n"))
    assert "unknown key `layout`" in e.message
    write(tmp_path, "s.yaml", "Section: posts\n")
    e = bad(write(tmp_path, "s.txt", "Title\n\nText.\n"))
    assert "did you mean" not in e.hint and "remove it" in e.hint, "`Section` is not taken for `corrections`"


def test_drafts_are_skipped_with_a_line_saying_so(project, capsys):
    write(project / "seeds", "wip.md", "---\ntitle: Not yet\ndraft: true\n---\nText.\n")
    write(project / "seeds", "old.md", "+++\ntitle = \"Hidden\"\npublished = false\n+++\nText.\n")
    cfg = load_config(project)
    slugs = {d.meta.slug for d in load_articles(cfg)}
    err = capsys.readouterr().err
    assert not slugs & {"wip", "old"}
    assert "skipped seeds/wip.md: a draft (draft at line 3" in err and "skipped seeds/old.md" in err
    todo, _ = plan(cfg, langs=["en"], formats=["epub"])
    assert not any(j.out.name.startswith(("wip.", "old.")) for j in todo)
    with pytest.raises(MissingError, match="is a draft"):
        load_articles(cfg, "wip")


# ------------------------------------------------------------------ page bundles


def _png() -> bytes:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (20, 10), (10, 90, 200)).save(buf, format="PNG")
    return buf.getvalue()


def test_a_page_bundle_is_an_article_with_its_images(project):
    folder = project / "seeds" / "my-bundle"
    write(folder, "index.md", "+++\ntitle = \"A bundle\"\n+++\n\nText.\n\n![A chart](chart.png)\n\nMore.\n")
    (folder / "chart.png").write_bytes(_png())
    cfg = load_config(project)
    assert folder / "index.md" in article_paths(cfg), "a .png beside index.md is not refused"
    assert article_slug(folder / "index.md", project) == "my-bundle"
    build(cfg, langs=["en"], article="my-bundle", formats=["epub"], workers=1)
    with zipfile.ZipFile(cfg.dist / "my-bundle.en.epub") as z:
        images = [n for n in z.namelist() if n.startswith("EPUB/images/") and "cover" not in n]
        assert [z.read(n) for n in images] == [(folder / "chart.png").read_bytes()]
    (folder / "chart.png").write_bytes(_png()[:-12] + _png()[-12:])  # same bytes: nothing to do
    assert plan(cfg, langs=["en"], article="my-bundle", formats=["epub"])[0] == []
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (20, 10), (200, 90, 10)).save(buf, format="PNG")
    (folder / "chart.png").write_bytes(buf.getvalue())
    todo, _ = plan(cfg, langs=["en"], article="my-bundle", formats=["epub"])
    assert [j.out.name for j in todo] == ["my-bundle.en.epub"], "a changed image rebuilds the edition"


def test_a_plain_text_bundle_takes_its_index_yaml(project, capsys):
    folder = project / "seeds" / "paste-bundle"
    write(folder, "index.txt", "A pasted title\n\nSome text.\n")
    write(folder, "index.yaml", "authors: [Jane Doe]\n")
    cfg = load_config(project)
    doc = next(d for d in load_articles(cfg) if d.meta.slug == "paste-bundle")
    assert doc.meta.title == "A pasted title" and doc.meta.authors[0].name == "Jane Doe"
    outline_cmd.run(project, article="paste-bundle")
    assert "seeds/paste-bundle/index.txt" in capsys.readouterr().out


def test_a_bundle_folder_must_be_a_slug_and_index_needs_a_folder(project):
    write(project / "seeds" / "BelResume", "index.md", "# A\n")
    with pytest.raises(InputError, match="the folder name 'BelResume'"):
        load_articles(load_config(project))
    (project / "seeds" / "BelResume" / "index.md").unlink()
    write(project / "seeds", "index.md", "# A\n")
    with pytest.raises(InputError, match="page bundle"):
        article_paths(load_config(project))


def test_a_folder_with_two_index_files_is_refused(project):
    folder = project / "seeds" / "twice"
    write(folder, "index.md", "# A\n")
    write(folder, "index.txt", "A\n")
    with pytest.raises(InputError, match="2 articles"):
        article_paths(load_config(project))


# ------------------------------------------------------------------ breaks and links


def test_thematic_breaks_are_blocks_never_units(tmp_path):
    doc = read_article(write(tmp_path, "b.md", "# T\n\nOne.\n\n---\n\nTwo.\n\n***\n\nThree.\n"))
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Break", "Paragraph", "Break", "Paragraph"]
    assert [b.line for b in doc.blocks if isinstance(b, Break)] == [5, 9]
    assert len(segment(doc)) == 4, "title and three paragraphs; a break has no text"
    assert "    5 break" in outline(doc)
    txt = read_article(write(tmp_path, "p.txt", "Title\n\nOne sentence here.\n\n* * *\n\nTwo sentences.\n"))
    assert [type(b).__name__ for b in txt.blocks] == ["Paragraph", "Break", "Paragraph"]


def test_breaks_print_in_both_formats(project):
    write(project / "seeds", "breaks.md", "# Breaks\n\nBefore the break.\n\n---\n\nAfter the break.\n")
    cfg = load_config(project)
    build(cfg, langs=["en"], article="breaks", workers=1)
    with zipfile.ZipFile(cfg.dist / "breaks.en.epub") as z:
        assert '<hr class="section-break" />' in z.read("EPUB/text.xhtml").decode()
        assert "hr.section-break" in "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
    assert (cfg.dist / "breaks.en.pdf").stat().st_size > 0


def test_links_to_anchors_and_site_paths_print_as_text(tmp_path):
    text = ("# T\n\nSee [the notes](#notes), [about](/about), [next](../next.md), "
            "[Go](https://go.dev) and [x](//example.org/a).\n")
    doc = read_article(write(tmp_path, "l.md", text))
    para = doc.blocks[0]
    assert isinstance(para, Paragraph)
    links = [s for s in para.content if isinstance(s, Link)]
    assert [x.url for x in links] == ["https://go.dev", "https://example.org/a"]
    assert plain_text(para.content).startswith("See the notes, about, next, Go and x")


def test_images_in_markdown_still_blocks(tmp_path):
    doc = read_article(write(tmp_path, "i.md", "# T\n\n![A chart](chart.png)\n"))
    assert isinstance(doc.blocks[0], Image)


def test_other_generators_keys_as_the_readme_lists_them(tmp_path):
    doc = read_article(write(tmp_path, "p.md", "---\ntitle: T\nauthor:\n  name: Jane Doe\n  email: j@x.org\n"
                                              "published: 2021-05-06\nabstract: In short.\n---\nx\n"))
    m = doc.meta
    assert [a.name for a in m.authors] == ["Jane Doe"] and "authors.email" in " ".join(m.ignored)
    assert m.date == "2021-05-06" and m.description == "In short." and not m.draft
    assert read_article(write(tmp_path, "q.md", "---\ntitle: T\nstatus: draft\n---\nx\n")).meta.draft
    assert read_article(write(tmp_path, "r.md", "---\ntitle: T\ntags: a, b c\n---\nx\n")).meta.subjects == (
        "a", "b c")
    doc = read_article(write(tmp_path, "m.md", "# T\n\nWrite to [us](mailto:a@b.org).\n"))
    assert [s.url for s in doc.blocks[0].content if isinstance(s, Link)] == ["mailto:a@b.org"]
