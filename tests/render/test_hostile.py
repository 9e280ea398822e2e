"""Hostile content: nothing from a source or PO file becomes markup, and nothing is fetched."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
import zipfile
from dataclasses import replace

import pytest

from pubkit.edition import Coverage, Edition
from pubkit.model import Document, Emph, Heading, Link, Meta, Paragraph, Text
from pubkit.render import render_edition
from pubkit.render.pdf import make_fetcher
from tests.tools import require_tool

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def server():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


def hostile_edition(cfg, base: str) -> Edition:
    doc = Document(
        meta=Meta(title=f"Title {SCRIPT} & <b>bold</b>", slug="hostile", lang="ru", subtitle=IMG,
                  date="2022-01-27", source="javascript:alert(1)"),
        blocks=(
            Paragraph((Text(f"Text {SCRIPT} {IMG} & <style>body{{display:none}}</style> \x00\x07end"),)),
            Heading(1, (Text("<h1 onclick=alert(1)>x</h1>"),)),
            Paragraph((
                Link((Text("js"),), "javascript:alert(1)"), Text(" "),
                Link((Text("passwd"),), "file:///etc/passwd"), Text(" "),
                Link((Text("local"),), f"{base}/link"), Text(" "),
                Link((Text("data"),), "data:text/html,<script>alert(1)</script>"), Text(" "),
                Link((Emph((Text("quote"),)),), 'https://example.org/"onmouseover="alert(1)'),
            )),
        ),
    )
    return Edition(doc=doc, language=cfg.language("ru"), source_language=cfg.language("en"), is_source=False,
                   coverage=Coverage(total=5, machine=5), machine_credits=(f"{SCRIPT} engine",),
                   translators=(IMG,), build_date="2022-01-27")


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory, cfg, server):
    base, hits = server
    folder = tmp_path_factory.mktemp("hostile")
    ed = hostile_edition(cfg, base)
    out = {}
    for fmt in ("epub", "pdf"):
        out[fmt] = folder / f"hostile.{fmt}"
        render_edition(fmt, ed, cfg, out[fmt])
    return out


def test_epub_escapes_everything_and_has_no_script(hostile_files):
    z = zipfile.ZipFile(hostile_files["epub"])
    for name in z.namelist():
        if not name.endswith((".xhtml", ".opf", ".ncx")):
            continue
        body = z.read(name).decode()
        lower = body.lower()
        assert "<script" not in lower and "<img src=x" not in lower and "<style>" not in lower, name
        assert "onerror=alert" not in lower.replace("onerror=alert(1)&gt;", ""), name
        assert 'href="javascript:' not in lower and 'href="file:' not in lower and 'href="data:' not in lower, name
        assert "\x00" not in body and "\x07" not in body, name
    text = z.read("EPUB/text.xhtml").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&amp; &lt;style&gt;" in text
    assert '<span class="link-removed">js</span>' in text
    assert '<span class="link-removed">passwd</span>' in text
    assert '"onmouseover=' not in text  # the quote in the URL stayed inside the attribute
    from lxml import etree

    for name in z.namelist():  # still well-formed XML everywhere
        if name.endswith((".xhtml", ".opf", ".ncx")):
            etree.fromstring(z.read(name))


def test_pdf_shows_the_markup_as_text_and_fetched_nothing(hostile_files, server):
    _, hits = server
    require_tool("pdftotext")
    text = subprocess.run(["pdftotext", str(hostile_files["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert SCRIPT in text and IMG in text
    assert hits == []


def test_fetcher_reads_only_the_templates_folder(cfg, server):
    base, hits = server
    fetch = make_fetcher(cfg.templates)
    ok = fetch((cfg.templates / "base.css").resolve().as_uri())
    assert b"@font-face" in ok.read()
    for url in ("file:///etc/passwd", (cfg.root / "pubkit.toml").resolve().as_uri(),
                (cfg.templates / ".." / "pubkit.toml").as_uri(), f"{base}/x.css", "https://example.org/x.css",
                "data:text/css,body{}", "ftp://example.org/x"):
        with pytest.raises(ValueError):
            fetch(url)
    assert hits == []


def test_a_template_that_asks_for_outside_resources_gets_nothing(tmp_path, cfg, editions, server):
    """Even a designer's template cannot make the PDF build read files or call a server."""
    base, hits = server
    templates = tmp_path / "templates"
    shutil.copytree(cfg.templates, templates)
    book = templates / "pdf" / "book.html.j2"
    book.write_text(book.read_text(encoding="utf-8").replace(
        "</head>",
        f'<link rel="stylesheet" href="{base}/evil.css"><link rel="attachment" href="file:///etc/passwd">'
        f'<link rel="stylesheet" href="file:///etc/passwd"></head>',
    ).replace("<body>", f'<body><img src="{base}/pixel.png" alt=""><img src="file:///etc/hostname" alt="">'),
        encoding="utf-8")
    out = tmp_path / "x.pdf"
    render_edition("pdf", editions["en"], replace(cfg, templates=templates), out)
    assert out.stat().st_size > 1000
    assert hits == []
    assert b"root:" not in out.read_bytes()
