"""Local images of Markdown articles: embedded in both editions with translated alt text, refused
with the article's file:line when unsafe, part of the edition's fingerprint (issue 11)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubkit import images
from pubkit.catalog import po_path
from pubkit.commands import update
from pubkit.config import load_config
from pubkit.errors import ExitCode, InputError, MissingError, PubkitError
from pubkit.fsio import READ_LIMITS
from pubkit.pipeline import build, plan

from .tools import epubcheck_jar, require_tool

SLUG = "figure-test"
ALT = "A map of the strike"
ALT_RU = "Карта забастовки"
IMAGE_LINE = 9  # of ARTICLE below, counting the front matter
ARTICLE = """---
title: A figure
slug: figure-test
author: Tester
date: 2024-01-01
---
Some text before the figure.

![{alt}]({src})

More text after it.
"""
SRC = Path(__file__).resolve().parents[1] / "src"


def png(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


def article(project: Path, src: str = "images/map.png", alt: str = ALT) -> Path:
    path = project / "seeds" / "figure.md"
    path.write_text(ARTICLE.format(alt=alt, src=src), encoding="utf-8")
    return path


def with_image(project: Path, data: bytes | None = None) -> Path:
    folder = project / "seeds" / "images"
    folder.mkdir(exist_ok=True)
    (folder / "map.png").write_bytes(data if data is not None else png())
    article(project)
    return folder / "map.png"


def translate_ru(project: Path) -> None:
    """A reviewer's ru translation of the article (every entry; the alt text as ALT_RU)."""
    update.run(project, langs=["ru"], article=SLUG, verbose=False)
    path = po_path(load_config(project), "ru", SLUG)
    po = polib.pofile(str(path))
    entries = [e for e in po if not e.obsolete]
    assert any(e.msgid == ALT for e in entries), "the alt text is a translatable entry"
    for e in entries:
        e.msgstr = ALT_RU if e.msgid == ALT else f"RU {e.msgid}"
        e.flags = [f for f in e.flags if f != "fuzzy"]
    po.save(str(path))


def epub_parts(path: Path) -> tuple[str, str, dict[str, bytes]]:
    with zipfile.ZipFile(path) as z:
        opf = z.read("EPUB/content.opf").decode()
        text = z.read("EPUB/text.xhtml").decode()
        files = {n: z.read(n) for n in z.namelist() if n.startswith("EPUB/images/figure-")}
    return opf, text, files


# ------------------------------------------------------------------ embedded in both editions


def test_local_image_is_embedded_in_epub_and_pdf_with_translated_alt(project):
    image = with_image(project)
    translate_ru(project)
    cfg = load_config(project)
    build(cfg, langs=["en", "ru"], article=SLUG, workers=1)
    data = image.read_bytes()
    for lang, alt in (("en", ALT), ("ru", ALT_RU)):
        opf, text, files = epub_parts(cfg.dist / f"{SLUG}.{lang}.epub")
        assert list(files.values()) == [data], "the image's own bytes, once"
        name = next(iter(files)).removeprefix("EPUB/")
        assert re.search(rf'<item href="{re.escape(name)}" id="[^"]+" media-type="image/png"/>', opf)
        assert f'<img src="{name}" alt="{alt}" />' in text
        assert "image-label" not in text  # drawn, not described
    # the PDF draws it: one 40×30 image
    pdfimages = require_tool("pdfimages")
    for lang in ("en", "ru"):
        out = subprocess.run([pdfimages, "-list", str(cfg.dist / f"{SLUG}.{lang}.pdf")], capture_output=True,
                             text=True, check=True).stdout
        rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
        assert [(r[2], r[3], r[4]) for r in rows] == [("image", "40", "30")], out
    # EPUBCheck: no error, no warning
    jar = epubcheck_jar()
    check = subprocess.run(["java", "-jar", str(jar), str(cfg.dist / f"{SLUG}.ru.epub")], capture_output=True,
                           text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 fatals / 0 errors / 0 warnings" in check.stdout
    # same inputs, same bytes
    before = {p.name: p.read_bytes() for p in cfg.dist.glob(f"{SLUG}.*")}
    for p in cfg.dist.glob(f"{SLUG}.*"):
        p.unlink()
    build(cfg, langs=["en", "ru"], article=SLUG, workers=1)
    assert {p.name: p.read_bytes() for p in cfg.dist.glob(f"{SLUG}.*")} == before


def test_changing_the_image_rebuilds_its_editions(project):
    image = with_image(project)
    cfg = load_config(project)
    build(cfg, langs=["en"], article=SLUG, formats=["epub"], workers=1)
    todo, fresh = plan(cfg, langs=["en"], article=SLUG, formats=["epub"])
    assert (todo, len(fresh)) == ([], 1), "nothing changed: nothing to build"
    new = png((20, 120, 220))
    image.write_bytes(new)
    todo, _ = plan(cfg, langs=["en"], article=SLUG, formats=["epub"])
    assert [j.out.name for j in todo] == [f"{SLUG}.en.epub"]
    build(cfg, langs=["en"], article=SLUG, formats=["epub"], workers=1)
    assert list(epub_parts(cfg.dist / f"{SLUG}.en.epub")[2].values()) == [new]
    image.unlink()  # a removed image: the edition is stale, and the build says where it was named
    assert plan(cfg, langs=["en"], article=SLUG, formats=["epub"])[0]
    with pytest.raises(MissingError) as err:
        build(cfg, langs=["en"], article=SLUG, formats=["epub"], workers=1)
    assert str(err.value.location) == f"seeds/figure.md:{IMAGE_LINE}"


def test_changing_a_members_image_makes_its_book_stale(project):
    """A collection's book is made of its members' images too (the same inputs as their editions)."""
    image = with_image(project)
    (project / "collections").mkdir()
    (project / "collections" / "book.yaml").write_text(f"title: A book\narticles: [{SLUG}]\n", encoding="utf-8")
    cfg = load_config(project)
    build(cfg, langs=["en"], formats=["epub"], workers=1)
    assert plan(cfg, langs=["en"], formats=["epub"])[0] == []
    image.write_bytes(png((20, 120, 220)))
    stale = {j.out.name for j in plan(cfg, langs=["en"], formats=["epub"])[0]}
    assert "book.en.epub" in stale and f"{SLUG}.en.epub" in stale


def test_remote_image_is_never_fetched_and_stays_a_linked_description(project):
    article(project, src="https://example.org/map.png")
    cfg = load_config(project)
    build(cfg, langs=["en"], article=SLUG, formats=["epub"], workers=1)
    opf, text, files = epub_parts(cfg.dist / f"{SLUG}.en.epub")
    assert files == {} and "<img" not in text
    assert f'<a href="https://example.org/map.png">{ALT}</a>' in text


# ------------------------------------------------------------------ refused, with file:line


def _outside(project: Path) -> Path:
    target = project.parent / "outside.png"
    target.write_bytes(png())
    return target


def _escape(project: Path) -> str:
    _outside(project)
    return "../../outside.png"


def _symlink_out(project: Path) -> str:
    (project / "seeds" / "images").mkdir()
    (project / "seeds" / "images" / "map.png").symlink_to(_outside(project))
    return "images/map.png"


def _not_an_image(project: Path) -> str:
    (project / "seeds" / "images").mkdir()
    (project / "seeds" / "images" / "map.png").write_text("#!/bin/sh\necho not a picture\n")
    return "images/map.png"


def _too_large(project: Path) -> str:
    (project / "seeds" / "images").mkdir()
    with open(project / "seeds" / "images" / "map.png", "wb") as fh:
        fh.write(png())
        fh.truncate(READ_LIMITS["image"] + 1)  # sparse: costs no disk
    return "images/map.png"


def _svg(project: Path) -> str:
    (project / "seeds" / "images").mkdir()
    (project / "seeds" / "images" / "map.svg").write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')
    return "images/map.svg"


def _damaged(project: Path) -> str:
    (project / "seeds" / "images").mkdir()
    (project / "seeds" / "images" / "map.png").write_bytes(png()[:40])
    return "images/map.png"


def _folder(project: Path) -> str:
    (project / "seeds" / "images" / "map.png").mkdir(parents=True)
    return "images/map.png"


def _missing(project: Path) -> str:
    return "images/nowhere.png"


@pytest.mark.parametrize("make, error, words", [
    (_escape, InputError, "outside the project"),
    (_symlink_out, InputError, "outside the project"),
    (_not_an_image, InputError, "not a PNG, JPEG or GIF"),
    (_too_large, InputError, "larger than 20 MB"),
    (_svg, InputError, "SVG"),
    (_damaged, InputError, "cannot be read as PNG"),
    (_folder, InputError, "not a regular file"),
    (_missing, MissingError, "does not exist"),
])
def test_unsafe_or_missing_image_is_refused_with_file_and_line(project, make, error, words):
    article(project, src=make(project))
    cfg = load_config(project)
    with pytest.raises(PubkitError) as info:
        build(cfg, langs=["en"], article=SLUG, workers=1)
    err = info.value
    assert type(err) is error, err
    assert str(err.location) == f"seeds/figure.md:{IMAGE_LINE}"
    assert words in err.message and err.hint
    assert not list(cfg.dist.glob(f"{SLUG}.*")), "nothing written"


def test_command_line_says_where_and_exits_65_without_a_traceback(project):
    article(project, src=_symlink_out(project))
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cli = "import sys; from pubkit.cli import main; sys.argv[0] = 'pubkit'; main()"
    args = ["build", "--article", SLUG, "--lang", "en", "--format", "epub"]
    run = subprocess.run([sys.executable, "-c", cli, *args], cwd=project, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == ExitCode.INPUT, run.stderr
    assert f"seeds/figure.md:{IMAGE_LINE}" in run.stderr and "hint:" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


# ------------------------------------------------------------------ properties of the checks


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", *images.FORMATS]))
def test_any_bytes_are_an_embeddable_image_or_an_input_error(data, magic):
    """check_image either names a known type or raises InputError: never another exception."""
    from pubkit.errors import Location

    try:
        kind = images.check_image(magic + data, "x.png", Location("a.md", 1))
    except InputError as err:
        assert err.location == Location("a.md", 1) and err.hint
    else:
        assert kind in images.FORMATS.values()


@pytest.mark.parametrize("fmt, kind", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif")])
def test_png_jpeg_and_gif_are_recognised_by_their_bytes(fmt, kind):
    from PIL import Image

    from pubkit.errors import Location

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buf, format=fmt)
    assert images.check_image(buf.getvalue(), "x", Location("a.md", 1))[0] == kind


@pytest.mark.parametrize("src, local", [
    ("images/map.png", True), ("map%20one.png", True), ("../x.png", True), ("/abs.png", True),
    ("https://example.org/a.png", False), ("http://x/a.png", False), ("data:image/png;base64,AA", False),
    ("file:///etc/passwd", False), ("//host/a.png", False), ("", False), ("javascript:alert(1)", False),
])
def test_which_addresses_are_local_files(src, local):
    assert images.is_local(src) is local
    if local:
        assert " " in images.local_path(src) or "%" not in images.local_path(src)


# ------------------------------------------------------------------ variety


VARIED = """---
title: Figures everywhere
slug: figure-test
---
![First, a PNG](images/map.png)

> ![A GIF in a quotation](images/flag%20anim.gif)

1. An item.

   ![A JPEG in a list item](./photos/../photos/crowd.jpeg)

The same map again:

![The map once more](images/map.png)

![An SVG elsewhere](https://example.org/x.svg)
"""


def _varied(project: Path) -> dict[str, bytes]:
    from PIL import Image

    made = {}
    kinds = (("images/map.png", "PNG"), ("images/flag anim.gif", "GIF"), ("photos/crowd.jpeg", "JPEG"))
    for rel, fmt in kinds:
        path = project / "seeds" / rel
        path.parent.mkdir(exist_ok=True)
        buf = io.BytesIO()
        Image.new("RGB", (12, 10), (9, 99, 199)).save(buf, format=fmt)
        path.write_bytes(buf.getvalue())
        made[rel] = buf.getvalue()
    (project / "seeds" / "figure.md").write_text(VARIED, encoding="utf-8")
    return made


def test_images_in_quotes_lists_with_spaces_jpeg_gif_and_repeats(project):
    made = _varied(project)
    cfg = load_config(project)
    build(cfg, langs=["en"], article=SLUG, formats=["epub"], workers=1)
    opf, text, files = epub_parts(cfg.dist / f"{SLUG}.en.epub")
    assert sorted(files.values()) == sorted(made.values()), "each file once, however often it is shown"
    item = r'href="images/figure-[0-9a-f]{16}\.(\w+)" id="[^"]+" media-type="([^"]+)"'
    kinds = sorted(re.findall(item, opf))
    assert kinds == [("gif", "image/gif"), ("jpg", "image/jpeg"), ("png", "image/png")]
    alts = re.findall(r'<img src="images/figure-[^"]+" alt="([^"]+)" />', text)
    assert alts == ["First, a PNG", "A GIF in a quotation", "A JPEG in a list item", "The map once more"]
    assert '<a href="https://example.org/x.svg">' in text  # remote: described, linked, not fetched
    jar = epubcheck_jar()
    check = subprocess.run(["java", "-jar", str(jar), str(cfg.dist / f"{SLUG}.en.epub")], capture_output=True,
                           text=True, timeout=300)
    assert "0 fatals / 0 errors / 0 warnings" in check.stdout, check.stdout


def test_ray_build_carries_the_images_and_matches_the_local_build(project, tmp_path, monkeypatch):
    pytest.importorskip("ray")
    import shutil

    from pubkit import scaleout

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643241600")
    _varied(project)
    twin = tmp_path / "twin"
    shutil.copytree(project, twin)
    build(load_config(project), langs=["en"], article=SLUG, workers=1)
    cluster = scaleout.connect(None)
    try:
        build(load_config(twin), langs=["en"], article=SLUG, executor=scaleout.ray_build_executor(None))
    finally:
        cluster.shutdown()
    for fmt in ("epub", "pdf"):
        name = f"{SLUG}.en.{fmt}"
        assert (twin / "dist" / name).read_bytes() == (project / "dist" / name).read_bytes(), name


def test_untranslated_alt_text_is_marked_in_the_source_language(project):
    with_image(project)
    cfg = load_config(project)
    build(cfg, langs=["ru"], article=SLUG, formats=["epub"], workers=1)  # no ru translation yet
    _, text, files = epub_parts(cfg.dist / f"{SLUG}.ru.epub")
    name = next(iter(files)).removeprefix("EPUB/")
    assert f'<img src="{name}" alt="{ALT}" lang="en" xml:lang="en" />' in text
