"""Word documents (``.docx``): mammoth turns Word's styles into semantic HTML, the HTML reader
(:mod:`.html`) turns that into the model.

What mammoth gives: headings by style (Heading 1–6; Title is the article's title), lists with
their numbering and nesting, tables, footnotes and endnotes (as notes), bold and italic,
superscript and subscript, links, and images as ``data:`` addresses, which :mod:`pubkit.images`
checks and embeds like any local image. What Word keeps beside the text is reported, never
printed silently: comments (``word/comments.xml``) and tracked changes (``w:ins``/``w:del``:
mammoth prints insertions and leaves deletions out, as if every change were accepted) become
guesses; so do mammoth's own warnings (a style it does not know is read as a paragraph).

A ``.docx`` has no lines: the "line" of a block is its number in the converted document (one
per paragraph, heading, list item, table row), as ``invoke outline`` shows it, and
``structure:`` keys use that number. The archive is checked before mammoth opens it (a zip, at most
:data:`MAX_ENTRIES` entries and :data:`MAX_UNPACKED` bytes unpacked), so a zip bomb is refused.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from ..errors import InputError, Location
from ..model import Document, Guess, Heading
from . import register
from .hints import line_hints
from .html import read_html
from .htmldoc import Offered, to_document
from .source import SourceText, apply_corrections

MAX_ENTRIES = 2000
MAX_UNPACKED = 200 * 1024 * 1024
STYLE_MAP = """
p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Block Text'] => blockquote > p:fresh
p[style-name='Source Code'] => pre:separator('\\n')
r[style-name='Verbatim Char'] => code
"""
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BLOCK_START = re.compile(r"(?=<(?:p|h[1-6]|li|table|tr|blockquote|pre)[\s>])")


def _refuse(src: SourceText, message: str, hint: str) -> InputError:
    return InputError(message, location=Location(src.path), hint=hint)


def _archive(src: SourceText) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(src.data))
    except zipfile.BadZipFile:
        raise _refuse(src, "not a Word document (a .docx file is a zip archive; this is not one)",
                      "save it from Word or LibreOffice as .docx (Word 2007 or later), or rename it") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise _refuse(src, f"the Word document unpacks to more than {MAX_ENTRIES} files or "
                      f"{MAX_UNPACKED // 2**20} MB", "save a copy without embedded media, or export it as .html")
    if "word/document.xml" not in archive.namelist():
        raise _refuse(src, "not a Word document (no word/document.xml inside)",
                      "save it from Word or LibreOffice as .docx")
    return archive


def _xml(archive: zipfile.ZipFile, name: str):
    try:
        data = archive.read(name)
    except KeyError:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return None


def _paragraph_text(el) -> str:
    """The printed text of the Word paragraph that holds ``el`` (deleted text left out)."""
    para = next((p for p in el.iterancestors(f"{W}p")), el)
    return " ".join("".join(t.text or "" for t in para.iter(f"{W}t")).split())


class _Lines:
    """Where a Word paragraph's text is in the converted HTML, by its line (block number)."""

    def __init__(self, markup: str):
        self.lines = [" ".join(re.sub(r"<[^>]*>", " ", ln).split()) for ln in markup.splitlines()]

    def of(self, text: str) -> int:
        probe = text[:40]
        if probe:
            for n, ln in enumerate(self.lines, 1):
                if probe in ln:
                    return n
        return 1


def _word_extras(archive: zipfile.ZipFile, lines: _Lines) -> list[Guess]:
    """Comments and tracked changes, each a guess: never printed, never silently lost."""
    out: list[Guess] = []
    doc = _xml(archive, "word/document.xml")
    body = doc.find(f"{W}body") if doc is not None else None
    if body is None:
        return out
    comments = _xml(archive, "word/comments.xml")
    texts = {}
    if comments is not None:
        for c in comments.iter(f"{W}comment"):
            texts[c.get(f"{W}id")] = (c.get(f"{W}author") or "someone",
                                      " ".join("".join(t.text or "" for t in c.iter(f"{W}t")).split()))
    for ref in body.iter(f"{W}commentRangeStart", f"{W}commentReference"):
        cid = ref.get(f"{W}id")
        if cid not in texts:
            continue
        author, text = texts.pop(cid)
        line = lines.of(_paragraph_text(ref))
        shown = text if len(text) <= 60 else text[:59] + "…"
        out.append(Guess(line, "comment left out", ("printed",), f"a Word comment by {author}: “{shown}”",
                         f"structure: {{{line}: drop}} once read (or delete the comment in Word)"))
    for tag, what, done in (("ins", "insertion", "printed as if accepted"),
                            ("del", "deletion", "left out as if accepted")):
        for change in body.iter(f"{W}{tag}"):
            line = lines.of(_paragraph_text(change))
            text = " ".join("".join(t.text or "" for t in change.iter(f"{W}t", f"{W}delText")).split())
            shown = text if len(text) <= 50 else text[:49] + "…"
            out.append(Guess(line, f"tracked {what} {done}", ("rejected",),
                             f"a tracked change by {change.get(f'{W}author') or 'someone'}: “{shown}”",
                             f"structure: {{{line}: drop}} once read (or accept or reject it in Word)"))
    return out


def _meta_of(archive: zipfile.ZipFile) -> Offered:
    core = _xml(archive, "docProps/core.xml")
    if core is None:
        return Offered(where="Word's document properties")
    dc = "{http://purl.org/dc/elements/1.1/}"
    title = " ".join((core.findtext(f"{dc}title") or "").split())
    creator = " ".join((core.findtext(f"{dc}creator") or "").split())
    return Offered(title=title, authors=(creator,) if creator else (), where="Word's document properties")


@register(".docx", binary=True)
def read_docx(src: SourceText) -> Document:
    import mammoth  # type: ignore[import-untyped]

    archive = _archive(src)
    sidecar = str(src.path.with_suffix(".yaml"))
    try:
        result = mammoth.convert_to_html(io.BytesIO(src.data), style_map=STYLE_MAP)
    except Exception as err:  # mammoth raises many kinds for damaged files
        raise _refuse(src, f"the Word document cannot be read: {err}",
                      "open it in Word or LibreOffice and save it again as .docx") from None
    markup = apply_corrections(_BLOCK_START.sub("\n", result.value).lstrip("\n"), src.meta, src.path)
    hints = line_hints(src.meta, markup.count("\n") + 1)
    found = read_html(markup, hints=hints, note_prefix="")
    found.guesses.extend(_word_extras(archive, _Lines(markup)))
    for text in dict.fromkeys(m.message for m in result.messages):  # each once, in order
        if "referenced but not defined" in text:
            continue  # mammoth says it again as an unrecognised style
        found.guesses.append(Guess(1, "Word style read as plain text", ("a heading or quotation",),
                                   f"mammoth: {text}", f"structure: {{LINE: heading}} in {sidecar} for each "
                                   "such paragraph (outline shows its line), or a Heading 1–6 or Quote style"))
    offered = _meta_of(archive)
    # Word's own title property is often a template's leftover: only a Title-styled paragraph
    # or a sidecar title is taken; the property is offered when the document has no heading
    if any(isinstance(b, Heading) for b in found.blocks):
        offered = Offered(authors=offered.authors, where=offered.where)
    return to_document(src, found, offered, hints=hints)
