"""The HTML reader and the readers behind it (README, "HTML inside Markdown", "Word documents",
"Saved web pages"): each claim on a small case that could fail."""

from __future__ import annotations

import base64
import zipfile

import pytest

from pubkit.errors import InputError
from pubkit.model import (
    BlockQuote, Code, CodeBlock, Emph, Heading, Image, LineBreak, Link, ListBlock, NoteRef, Paragraph, Strong,
    Subscript, Superscript, Table, Text, plain_text,
)
from pubkit.readers import read_article
from pubkit.readers.html import read_html
from pubkit.segment import reassemble, segment

PNG = base64.b64decode(  # a 1×1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_blocks_of_html():
    found = read_html("""<h2>A <em>title</em></h2>
<p>H<sub>2</sub>O, x<sup>2</sup>, <abbr title="x">NATO</abbr>, <q>said</q>, <cite>Capital</cite><br>next</p>
<figure><img src="map.png" alt="A map"><figcaption>The <b>strike</b> zone</figcaption></figure>
<ol start="3" type="a"><li>one</li><li>two<ul><li>nested</li></ul></li></ol>
<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td><p>2</p><p>3</p></td></tr></tbody></table>
<blockquote><p>Words.</p><footer>— Someone</footer></blockquote>
<aside>An aside.</aside>
<details><summary>More</summary><p>Hidden text.</p></details>
<pre><code class="language-python">x = 1
  y = 2
</code></pre>""")
    b = found.blocks
    assert b[0] == Heading(2, (Text("A "), Emph((Text("title"),))))
    assert b[1].content == (Text("H"), Subscript((Text("2"),)), Text("O, x"), Superscript((Text("2"),)),
                            Text(', NATO, "said", '), Emph((Text("Capital"),)), LineBreak(), Text("next"))
    assert b[2] == Image("map.png", (Text("A map"),), caption=(Text("The "), Strong((Text("strike"),)),
                                                               Text(" zone")))
    assert isinstance(b[3], ListBlock) and b[3].ordered and (b[3].start, b[3].style) == (3, "a")
    assert isinstance(b[3].items[1].blocks[0], ListBlock)
    assert b[4] == Table(((Text("A"),), (Text("B"),)), (((Text("1"),), (Text("2"), LineBreak(), Text("3"))),))
    assert b[5] == BlockQuote((Paragraph((Text("Words."),)),), attribution=(Text("Someone"),))
    assert b[6] == BlockQuote((Paragraph((Text("An aside."),)),))
    assert b[7] == Paragraph((Strong((Text("More"),)),)) and b[8] == Paragraph((Text("Hidden text."),))
    assert b[9] == CodeBlock("x = 1\n  y = 2\n", "python")
    assert found.guesses == []


def test_dropped_elements_are_guesses_with_their_line():
    found = read_html("<p>Text</p>\n<script>alert(1)</script>\n<video src=v.mp4></video>\n"
                      "<form><input name=q><button>Go</button></form>\n<p>More <iframe src=x></iframe></p>",
                      line_offset=10, hints={12: "drop"})
    assert [plain_text(b.content) for b in found.blocks] == ["Text", "More"]
    dropped = {(g.line, g.chosen, g.settled) for g in found.guesses}
    assert dropped == {(12, "dropped <script>", True), (13, "dropped <video>", False),
                       (14, "dropped <form>", False), (15, "dropped <iframe>", False)}
    assert all(g.settle == f"structure: {{{g.line}: drop}}" for g in found.guesses)


def test_footnotes_written_as_html_are_notes():
    found = read_html('<p>Claim<sup><a href="#fn1" id="r1">[1]</a></sup>.</p>'
                      '<ol class="footnotes"><li id="fn1"><p>Source. <a href="#r1">↩</a></p></li></ol>')
    assert found.blocks == [Paragraph((Text("Claim"), NoteRef("fn1"), Text(".")))]
    assert [(n.id, n.blocks) for n in found.notes] == [("fn1", (Paragraph((Text("Source."),)),))]


def _md(tmp_path, body: str):
    p = tmp_path / "post.md"
    p.write_text("---\ntitle: T\n---\n\n" + body, encoding="utf-8")
    return read_article(p, tmp_path)


def test_inline_html_in_markdown_becomes_numbered_tags(tmp_path):
    doc = _md(tmp_path, 'Water is H<sub>2</sub>O, see <a href="https://x.org">this</a><br>'
                        'and <kbd>Ctrl</kbd>.\n')
    para = doc.blocks[0]
    assert Subscript((Text("2"),)) in para.content and LineBreak() in para.content
    assert Link((Text("this"),), "https://x.org") in para.content and Code("Ctrl") in para.content
    units = segment(doc)
    texts = [u.text for u in units if u.kind == "paragraph"]
    assert texts == ["Water is H<1>2</1>O, see <2>this</2><3/>and <4/>."]
    assert reassemble(doc, {u.key: u.text for u in units}) == doc


def test_html_blocks_and_shortcodes_in_markdown(tmp_path):
    doc = _md(tmp_path, '<figure>\n<img src="chart.png" alt="Chart">\n<figcaption>Votes</figcaption>\n'
              '</figure>\n\n'
              '{{< youtube abc >}}\n\nText {{% note %}} here.\n\n<style>\np {}\n</style>\n\n'
              '<img src="a.png" alt="A"> <img src="b.png"\nalt="B">\n')
    assert doc.blocks[0] == Image("chart.png", (Text("Chart"),), caption=(Text("Votes"),))
    assert plain_text(doc.blocks[1].content) == "Text here."
    assert [b.src for b in doc.blocks if isinstance(b, Image)] == ["chart.png", "a.png", "b.png"]
    guesses = sorted((g.line, g.chosen) for g in doc.guesses)
    assert guesses == [(10, "dropped shortcode"), (12, "dropped shortcode"), (14, "dropped <style>")]
    assert all("{{" not in u.text and "<" not in u.text for u in segment(doc))


def _docx(tmp_path, body_xml: str, extra: dict[str, str] | None = None, name="report.docx"):
    """A minimal Word document (the parts mammoth needs)."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0"?><w:document {w}><w:body>{body_xml}</w:body></w:document>',
        **(extra or {}),
    }
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return path


def _p(text: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def test_docx_headings_and_tracked_changes(tmp_path):
    body = (_p("The report", "Heading1") + _p("Intro text.")
            + '<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:ins w:author="Ann"><w:r><w:t>new</w:t>'
              '</w:r></w:ins><w:del w:author="Bob"><w:r><w:delText>old</w:delText></w:r></w:del></w:p>')
    doc = read_article(_docx(tmp_path, body), tmp_path)
    assert doc.meta.title == "The report"
    assert [plain_text(b.content) for b in doc.blocks] == ["Intro text.", "Kept new"]
    changes = sorted((g.line, g.chosen, g.reason) for g in doc.guesses if "tracked" in g.chosen)
    assert changes == [(3, "tracked deletion left out as if accepted", "a tracked change by Bob: “old”"),
                       (3, "tracked insertion printed as if accepted", "a tracked change by Ann: “new”")]


def test_docx_that_is_no_word_file_is_refused(tmp_path):
    p = tmp_path / "x.docx"
    p.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(InputError, match="not a Word document"):
        read_article(p, tmp_path)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w") as z:
        for i in range(2001):
            z.writestr(f"f{i}", "")
    with pytest.raises(InputError, match="more than 2000 files"):
        read_article(bomb, tmp_path)


def test_embedded_images_are_checked_like_files(tmp_path):
    from pubkit.images import load_images
    from pubkit.model import Document, Meta

    good = Image("data:image/png;base64," + base64.b64encode(PNG).decode(), (Text("dot"),), line=4)
    bad = Image("data:image/png;base64," + base64.b64encode(b"<svg/>").decode(), (), line=5)
    doc = Document(Meta("T", "t"), (good,))
    (embedded,) = load_images(tmp_path, tmp_path / "a.docx", doc, "a.docx")
    assert embedded.data == PNG and embedded.media_type == "image/png"
    with pytest.raises(InputError, match="a.docx:5"):
        load_images(tmp_path, tmp_path / "a.docx", Document(Meta("T", "t"), (bad,)), "a.docx")


def test_saved_page_offers_its_metadata_and_leaves_the_boilerplate(tmp_path):
    words = " ".join(["The strike spread from the oil fields to every town of the region."] * 3)
    page = tmp_path / "page.html"
    page.write_text(f"""<html><head><title>Strike | Site</title>
<meta property="og:title" content="The strike">
<meta name="author" content="Aigerim Sadykova"><meta name="description" content="What happened">
<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "2022-01-12"}}</script></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
<article><h1>The strike</h1><p>{words}</p><h2>Demands</h2>
<ul><li>Gas at 60 tenge, for every family.</li>
<li>The right to organise a union.</li></ul><p>{words} And more.</p></article>
<footer><p>Copyright 2022 Site. All rights reserved. Subscribe to our newsletter.</p></footer>
</body></html>""",
                    encoding="utf-8")
    doc = read_article(page, tmp_path)
    assert doc.meta.title == "The strike" and doc.meta.date == "2022-01-12"
    assert [a.name for a in doc.meta.authors] == ["Aigerim Sadykova"]
    assert {g.chosen.split()[0] for g in doc.guesses} >= {"title", "date", "authors"}
    text = " ".join(plain_text(getattr(b, "content", ())) for b in doc.blocks)
    assert "Home" not in text and "Copyright" not in text and "newsletter" not in text
    assert any(isinstance(b, Heading) and plain_text(b.content) == "Demands" for b in doc.blocks)
    assert any(isinstance(b, ListBlock) and len(b.items) == 2 for b in doc.blocks)
    # the sidecar wins, and the guess it settles is then not offered
    (tmp_path / "page.yaml").write_text("title: My title\ndate: 2022-01-13\n", encoding="utf-8")
    doc = read_article(page, tmp_path)
    assert (doc.meta.title, doc.meta.date) == ("My title", "2022-01-13")
    assert not [g for g in doc.guesses if g.chosen.startswith(("title", "date"))]



def test_edition_prints_superscripts_and_captions_as_markup(project):
    """Raw HTML read into the model comes out of the EPUB as real markup (``sup``, ``sub``,
    ``figcaption``), valid for EPUBCheck, and never as escaped tags."""
    from pubkit.config import load_config
    from pubkit.images import load_images
    from pubkit.localize import localize
    from pubkit.render import render_edition

    from .render.test_epub import epubcheck
    from .tools import epubcheck_jar

    seeds = project / "seeds"
    (seeds / "dot.png").write_bytes(PNG)
    (seeds / "chem.md").write_text(
        "---\ntitle: Chemistry\n---\n\nWater is H<sub>2</sub>O; 10<sup>3</sup> litres.\n\n"
        '<figure>\n<img src="dot.png" alt="A dot">\n<figcaption>The <em>dot</em>, enlarged</figcaption>\n'
        "</figure>\n", encoding="utf-8")
    cfg = load_config(project)
    doc = read_article(seeds / "chem.md", project)
    edition = localize(cfg, doc, "en")
    import dataclasses

    edition = dataclasses.replace(edition, images=load_images(project, seeds / "chem.md", doc, "chem.md"))
    out = project / "chem.epub"
    render_edition("epub", edition, cfg, out)
    with zipfile.ZipFile(out) as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "H<sub>2</sub>O" in xhtml and "10<sup>3</sup>" in xhtml
    assert "<figcaption>The <em>dot</em>, enlarged</figcaption>" in xhtml
    assert "&lt;sub" not in xhtml and "&lt;fig" not in xhtml
    proc, report = epubcheck(epubcheck_jar(), out)
    found = [(m["severity"], m["ID"], m["message"]) for m in report["messages"]
             if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert found == [], found


def test_jekyll_and_hugo_code_and_generated_links(tmp_path):
    doc = _md(tmp_path, "{% highlight go %}\n{% raw %}\nfmt.Println({{ x }})\n{% endraw %}\n"
              "{% endhighlight %}\n\n"
              "{{< highlight sh >}}\nls\n{{< /highlight >}}\n\n"
              'See [the docs]({{ "/docs/" | relative_url }}) {% raw %}now{% endraw %}.\n')
    assert doc.blocks[0] == CodeBlock("fmt.Println({{ x }})\n", "go")
    assert doc.blocks[1] == CodeBlock("ls\n", "sh")
    assert doc.blocks[2] == Paragraph((Text("See the docs now."),)) and doc.blocks[2].line == 15
    assert [(g.line, g.chosen) for g in doc.guesses] == [(15, "link printed as its text")]
