"""Real files other people wrote, with HTML in them: saved web pages (tests/corpus/html), Word
documents (tests/corpus/docx) and Markdown posts with raw HTML (tests/corpus/markdown-html).
Sources and licences are in each folder's SOURCES file.

For each file: its outline as pubkit reads it, compared with a golden file a person reviewed
(``PUBKIT_REGEN_GOLDEN=1`` rewrites them); its structure compared with pandoc's (the oracle,
``pandoc -t json``: headings per level, list items and depth, tables and cells, quotations,
footnotes, code blocks, images), where every difference is recorded with its reason in the
folder's ``pandoc.yaml``; and no HTML markup in any passage a PO file would hold. A few are
built into EPUBs whose text is scanned for markup. pandoc is only a test oracle.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml

from pubkit.model import BlockQuote, CodeBlock, Heading, Image, ListBlock, Table, plain_text
from pubkit.outline import outline
from pubkit.readers import read_article
from pubkit.segment import segment

from .conftest import REGEN, golden
from .tools import require_tool

CORPUS = Path(__file__).parent / "corpus"
FOLDERS = {"html": (".html",), "docx": (".docx",), "markdown-html": (".md",)}
CASES = [p for folder, suffixes in FOLDERS.items() for p in sorted((CORPUS / folder).iterdir())
         if p.suffix in suffixes]
ids = [f"{p.parent.name}/{p.name}" for p in CASES]
# HTML markup a source may hold: none of it may reach a PO file or an edition as text
HTML_TAG = re.compile(
    r"</?(?:a|abbr|aside|b|blockquote|br|button|center|cite|code|details|div|em|figcaption|figure|h[1-6]|"
    r"i|iframe|img|li|noscript|ol|p|picture|pre|q|script|section|small|source|span|strong|style|sub|"
    r"summary|sup|table|td|th|tr|u|ul|video|audio)(?:\s[^<>]*)?/?>", re.I)


def _front_matter_reduced(path: Path, dest: Path) -> Path:
    """A Markdown post with its front matter reduced to its title, lines kept: the generators'
    front matter keys are the other half of issue 21, not what these files test."""
    text = path.read_text(encoding="utf-8")
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert m, f"{path} has no front matter"
    title = re.search(r"^title:\s*(.*)$", m.group(1), re.M)
    assert title, f"{path} has no title"
    head = f"---\ntitle: {json.dumps(title.group(1).strip().strip(chr(34) + chr(39)))}\n---\n"
    out = dest / path.name
    out.write_text(head + "\n" * (m.group(0).count("\n") - 3) + text[m.end():], encoding="utf-8")
    for folder in path.parent.iterdir():  # the post's images, beside it as on the site
        if folder.is_dir() and path.stem.endswith(folder.name):
            shutil.copytree(folder, dest / folder.name, dirs_exist_ok=True)
    return out


def _read(path: Path, tmp_path: Path):
    if path.suffix == ".md":
        path = _front_matter_reduced(path, tmp_path)
        return read_article(path, tmp_path), path
    return read_article(path, path.parent), path


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_outline_is_as_reviewed(case, tmp_path):
    doc, _ = _read(case, tmp_path)
    golden(case.with_suffix(".outline.txt"), outline(doc))


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_no_html_markup_in_any_passage(case, tmp_path):
    """What a PO file would hold (every unit's msgid) carries no tag of the source as text."""
    doc, _ = _read(case, tmp_path)
    units = segment(doc)
    assert units, "nothing to translate was read"
    leaks = [u.text for u in units if HTML_TAG.search(u.text)]
    assert leaks == []
    assert all(not re.search(r"\{\{[<%]|\{%", u.text) for u in units), "a shortcode reached a passage"


# ------------------------------------------------------------------- pandoc, the oracle


def _pandoc_json(args: list[str], data: bytes) -> dict:
    pandoc = require_tool("pandoc")
    run = subprocess.run([pandoc, *args, "-t", "json"], input=data, capture_output=True, timeout=60,
                         check=True)
    return json.loads(run.stdout)


def _pandoc_counts(ast: dict) -> Counter:
    counts: Counter = Counter()

    def walk(node, depth: int) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x, depth)
            return
        if not isinstance(node, dict):
            return
        t = node.get("t")
        c = node.get("c")
        if t == "Header":
            counts[f"heading{c[0]}"] += 1
        elif t in ("BulletList", "OrderedList"):
            items = c if t == "BulletList" else c[1]
            counts["list items"] += len(items)
            counts["list depth"] = max(counts["list depth"], depth + 1)
            walk(items, depth + 1)
            return
        elif t == "Table":
            counts["tables"] += 1
            counts["table cells"] += sum(1 for _ in _cells(c))
        elif t == "BlockQuote":
            counts["quotations"] += 1
        elif t == "Note":
            counts["footnotes"] += 1
        elif t == "CodeBlock":
            counts["code blocks"] += 1
        elif t == "Image":
            counts["images"] += 1
        walk(c, depth)

    walk(ast["blocks"], 0)
    return counts


def _cells(table):
    """Cells of a pandoc 2.10+ table with any text in them (head, bodies, foot)."""
    _attr, _caption, _specs, head, bodies, foot = table

    def rows_cells(rows):
        for row in rows:
            for cell in row[1]:
                if _has_text(cell[4]):
                    yield cell

    yield from rows_cells(head[1])
    for body in bodies:
        yield from rows_cells(body[2])
        yield from rows_cells(body[3])
    yield from rows_cells(foot[1])


def _has_text(node) -> bool:
    if isinstance(node, dict):
        if node.get("t") in ("Str", "Code", "Image", "Math"):
            return True
        return _has_text(node.get("c"))
    if isinstance(node, list):
        return any(_has_text(x) for x in node)
    return False


def _pubkit_counts(blocks, notes) -> Counter:
    counts: Counter = Counter()

    def walk(bs, depth: int) -> None:
        for b in bs:
            if isinstance(b, Heading):
                counts[f"heading{b.level}"] += 1
            elif isinstance(b, ListBlock):
                counts["list items"] += len(b.items)
                counts["list depth"] = max(counts["list depth"], depth + 1)
                for item in b.items:
                    walk(item.blocks, depth + 1)
            elif isinstance(b, BlockQuote):
                counts["quotations"] += 1
                walk(b.blocks, depth)
            elif isinstance(b, Table):
                counts["tables"] += 1
                rows = (b.header, *b.rows)
                counts["table cells"] += sum(1 for row in rows for c in row if plain_text(c).strip())
            elif isinstance(b, CodeBlock):
                counts["code blocks"] += 1
            elif isinstance(b, Image):
                counts["images"] += 1

    walk(blocks, 0)
    for n in notes:
        walk(n.blocks, 0)
    counts["footnotes"] = len(notes)
    return +counts


def _relative_headings(counts: Counter) -> Counter:
    """Heading levels counted from the document's top level (pubkit moves the top to 1)."""
    levels = sorted(int(k[7:]) for k in counts if k.startswith("heading"))
    out = Counter({k: v for k, v in counts.items() if not k.startswith("heading")})
    for k, v in counts.items():
        if k.startswith("heading"):
            out[f"heading{int(k[7:]) - levels[0] + 1}"] = v
    return out


def _structures(case: Path, tmp_path: Path) -> tuple[Counter, Counter]:
    """(pubkit's counts, pandoc's) for one corpus file, both from what the HTML reader reads:
    the whole document (the title counted back where pubkit took it from the body)."""
    from pubkit.readers import html as html_reader

    if case.suffix == ".docx":
        import mammoth

        from pubkit.readers.docx import STYLE_MAP

        markup = mammoth.convert_to_html(io.BytesIO(case.read_bytes()), style_map=STYLE_MAP).value
        found = html_reader.read_html(markup)
        ours = _pubkit_counts(found.blocks, found.notes)
        theirs = _pandoc_counts(_pandoc_json(["-f", "docx"], case.read_bytes()))
    elif case.suffix == ".html":
        import trafilatura

        from pubkit.readers import webpage

        text = case.read_text(encoding="utf-8")
        extract = webpage._code_fixed(trafilatura.extract(
            webpage._prepared(text), output_format="html", include_comments=False, include_tables=True,
            include_images=True, include_formatting=True, include_links=True, favor_recall=True,
            deduplicate=False) or "")
        found = html_reader.read_html(extract)
        ours = _pubkit_counts(found.blocks, found.notes)
        # the same main content, read by pandoc's HTML reader: the oracle for the HTML reader
        theirs = _pandoc_counts(_pandoc_json(["-f", "html"], extract.encode()))
    else:
        doc, _ = _read(case, tmp_path)
        ours = _pubkit_counts(doc.blocks, doc.notes)
        body = re.sub(r"\A---\n.*?\n---\n", "", case.read_text(encoding="utf-8"), flags=re.S)
        pandoc = require_tool("pandoc")
        as_html = subprocess.run([pandoc, "-f", "gfm+footnotes", "-t", "html"], input=body.encode(),
                                 capture_output=True, timeout=60, check=True).stdout
        theirs = _pandoc_counts(_pandoc_json(["-f", "html"], as_html))  # raw HTML read as HTML
    return _relative_headings(ours), _relative_headings(theirs)


def _recorded(folder: Path) -> dict:
    path = folder / "pandoc.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_structure_matches_pandoc_or_the_difference_is_recorded(case, tmp_path):
    ours, theirs = _structures(case, tmp_path)
    differs = {k: [ours[k], theirs[k]] for k in sorted(set(ours) | set(theirs)) if ours[k] != theirs[k]}
    recorded = _recorded(case.parent).get(case.name, {})
    if REGEN and differs != recorded.get("differs", {}):
        print(f"\n{case.name}: differs {differs}")
    assert differs == recorded.get("differs", {}), (
        f"pubkit {dict(ours)} vs pandoc {dict(theirs)}: record the difference and its reason in "
        f"{case.parent / 'pandoc.yaml'} ([pubkit, pandoc] per count) or fix the reader")
    if differs:
        assert recorded.get("why", "").strip(), f"{case.name}: a recorded difference needs its reason"


# -------------------------------------------------------------- built editions


BUILT = ["markdown-html/goblog-gotelemetry.md", "docx/pandoc-image.docx", "html/readability-v8-blog.html"]


@pytest.mark.parametrize("name", BUILT)
def test_epub_text_holds_no_markup(name, tmp_path, project):
    """The built EPUB's text (every XHTML page's text, markup parsed away) shows no tag."""
    from lxml import etree

    from pubkit.config import load_config
    from pubkit.images import image_blocks, load_images
    from pubkit.localize import localize
    from pubkit.render import render_edition

    case = CORPUS / name
    seeds = project / "seeds"
    if case.suffix == ".md":
        src = _front_matter_reduced(case, seeds)
    else:
        src = seeds / case.name
        shutil.copy(case, src)
    cfg = load_config(project)
    doc = read_article(src, project)
    edition = localize(cfg, doc, "en")
    import dataclasses

    if any(True for _ in image_blocks(doc)):
        edition = dataclasses.replace(edition, images=load_images(project, src, doc, src.name))
    out = tmp_path / "book.epub"
    render_edition("epub", edition, cfg, out)
    with zipfile.ZipFile(out) as z:
        pages = [n for n in z.namelist() if n.endswith(".xhtml")]
        text = " ".join(" ".join(etree.fromstring(z.read(n)).itertext()) for n in pages)
        images = [n for n in z.namelist() if "/images/figure-" in n or n.startswith("images/")]
    assert HTML_TAG.search(text) is None, HTML_TAG.search(text)
    assert not re.search(r"\{\{[<%]|\{%", text)
    assert len(images) == len(edition.images)  # every embedded picture is a file of the book


# ------------------------------------------------------------------ boilerplate


PAGES = sorted((CORPUS / "html" / "readability-expected").glob("*.html"))


@pytest.mark.parametrize("expected", PAGES, ids=[p.stem for p in PAGES])
def test_saved_page_prints_no_boilerplate(expected, tmp_path):
    """Every passage pubkit prints from a saved page is in the article as readability (Mozilla's
    reader view, its own test's expected output) finds it: no navigation, footer or sidebar."""
    from lxml import html as lhtml

    article = _letters(lhtml.fromstring(expected.read_bytes()).text_content())
    doc, _ = _read(CORPUS / "html" / expected.name, tmp_path)
    passages = [" ".join(plain_text(content).split()) for content in _passages(doc)]
    outside = [p for p in passages if len(_letters(p)) >= 20 and _letters(p)[:50] not in article]
    allowed = _recorded(CORPUS / "html").get(expected.name, {}).get("outside readability", [])
    assert [p[:60] for p in outside] == allowed


def _letters(text: str) -> str:
    """Letters and digits only, lower case: the two extractors differ in spaces and quotes."""
    return re.sub(r"[\W_]+", "", text.lower())


def _passages(doc):
    def walk(bs):
        for b in bs:
            if hasattr(b, "content"):
                yield b.content
            for item in getattr(b, "items", ()):
                yield item.content
                yield from walk(item.blocks)
            yield from walk(getattr(b, "blocks", ()))

    yield from walk(doc.blocks)
