"""Every string of every edition of the article, scanned for the typography rules.

The article's real editions (seed + reviewed PO files) are built once; then each string a
reader can see is checked: the OPF metadata, the text of every XHTML page (titles,
byline, colophon, contents, generated text) and the PDF's text as laid out (pdftotext).
The checks are written here independently of :mod:`pubkit.typography`: they look for the
faults a proofreader would mark, not for the rules' implementation.

The font licence (``<pre>`` on the licence page) is legal text that may not be modified
(ParaType's licence says so), so it is printed as written and not scanned.
"""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from lxml import etree

from ..tools import require_tool

LANGS = ("en", "ru", "ky", "fr")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# OPF elements that hold text a reader sees (in a library, a store, a reading system)
OPF_TEXT = ("title", "creator", "contributor", "publisher", "rights", "description", "source", "subject")
OPF_PROPERTIES = ("schema:accessibilitySummary", "schema:creativeWorkStatus", "file-as")
_IGNORE = re.compile(r"urn:uuid:[0-9a-f-]+|https?://\S+|\S+@\S+|translate-\w+|pubkit:\S+")


# Words that do not belong to the number before them (a line may break there): "2008 et 2020".
FUNCTION_WORDS = {
    "ru": "или но да либо по до от на за из при для что как",
    "ky": "жана же менен бирок", "kk": "және мен немесе бірақ",
    "fr": "et ou mais ni car pour par sur dans avec sans qui que de des du en au aux le la les",
}


def faults(text: str, lang: str) -> list[str]:
    """What a proofreader would mark in ``text`` written in ``lang``."""
    text = _IGNORE.sub(" ", text)
    found = []
    base = lang.split("-")[0]

    def rule(name: str, pattern: str) -> None:
        for m in re.finditer(pattern, text):
            a, b = max(m.start() - 20, 0), m.end() + 20
            found.append(f"{name}: …{text[a:b]}…")

    rule("straight quote", r"[\"']")
    rule("hyphen in a number range", r"(?<![\w.\-–‑])\d{1,4}-\d{1,4}(?![\w\-‑]|[.,]\d)")
    rule("spaced ellipsis", r"\w[ \u00a0]+…")
    rule("three dots", r"(?<!\.)\.\.\.(?!\.)")
    rule("line may start with a dash", r"\S [—–] ")
    if base in ("ru", "ky", "kk"):
        rule("breakable hyphen after a number", r"\d-[^\W\d_]")
        rule("number apart from its word", rf"\d (?!(?:{'|'.join(FUNCTION_WORDS[base].split())})\b)[^\W\d_]{{2}}")
        rule("English closing quote", r"”")
        depth = 0
        for i, ch in enumerate(text):
            if ch == "«":
                if depth:
                    found.append(f"« inside «»: …{text[max(i - 20, 0):i + 20]}…")
                depth += 1
            elif ch == "»":
                depth = max(depth - 1, 0)
            elif ch == "„" and not depth:
                found.append(f"„ outside «»: …{text[max(i - 20, 0):i + 20]}…")
    if base == "ru":
        rule("one-letter word apart from the next", r"(?<![\w\-‑.])[вксуоиаяВКСУОИАЯ] ")
    if base == "fr":
        rule("no narrow space inside « »", r"«(?!\u202f)|(?<!\u202f)»")
        rule("no narrow space before ; : ! ?", r"(?<=[^\s\d\u202f!?])[;:!?]")
        rule("number apart from its word", rf"\d (?!(?:{'|'.join(FUNCTION_WORDS['fr'].split())})\b)[^\W\d_]{{2}}")
    if base == "en":
        rule("French or Russian quotes", r"[«»„]")
    return found


def xhtml_texts(root: etree._Element, default: str) -> list[tuple[str, str]]:
    """(language, text) of each block-level element's own text, inheriting lang."""
    out: list[tuple[str, str]] = []

    def walk(el, lang):
        if not isinstance(el.tag, str):
            return
        lang = el.get(XML_LANG) or el.get("lang") or lang
        name = etree.QName(el).localname
        if name in ("pre", "style", "script", "code"):
            return
        own = [(el.text or "")]
        for child in el:
            if isinstance(child.tag, str) and (child.get("lang") or child.get(XML_LANG)):
                walk(child, lang)
                own.append(" ")
            elif isinstance(child.tag, str) and etree.QName(child).localname in ("p", "li", "dd", "dt", "h1", "h2",
                                                                                 "h3", "h4", "section", "nav",
                                                                                 "ol", "ul", "dl", "div", "header",
                                                                                 "body", "blockquote", "title",
                                                                                 "head", "article"):
                walk(child, lang)
            else:
                own.append("".join(child.itertext()) if etree.QName(child).localname != "code" else " ")
            own.append(child.tail or "")
        text = "".join(own)
        if text.strip():
            out.append((lang, text.strip()))
        for attr in ("alt", "aria-label", "title"):
            if el.get(attr):
                out.append((lang, el.get(attr)))

    walk(root, default)
    return out


@pytest.fixture(scope="module")
def strings(article_dist):
    """{lang: [(where, language, text)]} for every string of both editions."""
    out = {}
    for lang in LANGS:
        found = []
        epub = article_dist[lang]
        with zipfile.ZipFile(epub) as z:
            for name in z.namelist():
                if name.endswith(".opf"):
                    root = etree.fromstring(z.read(name))
                    for el in root.iter():
                        if not isinstance(el.tag, str) or not (el.text or "").strip():
                            continue
                        local = etree.QName(el).localname
                        prop = el.get("property", "")
                        if local in OPF_TEXT or prop in OPF_PROPERTIES:
                            found.append((f"{epub.name}:{name}", el.get(XML_LANG) or lang, el.text.strip()))
                elif name.endswith(".xhtml"):
                    root = etree.fromstring(z.read(name))
                    for el_lang, text in xhtml_texts(root, lang):
                        found.append((f"{epub.name}:{name}", el_lang, text))
        pdf = epub.with_suffix(".pdf")
        text = subprocess.run([require_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        found.append((pdf.name, lang, text))
        out[lang] = found
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_of_every_edition_follows_the_typography_rules(strings, lang):
    problems = []
    for where, text_lang, text in strings[lang]:
        if where.endswith(".pdf"):
            # pdftotext gives no-break spaces back as spaces; the PDF is checked for quotes,
            # dashes, ellipses and ranges here, and for line ends below
            text_faults = [f for f in faults(text, "en" if lang == "en" else "xx") if not f.startswith("line may")]
        else:
            text_faults = faults(text, text_lang)
        problems += [f"{where} [{text_lang}] {f}" for f in text_faults]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_lines_neither_end_nor_start_where_the_rules_forbid(article_dist, lang):
    pdf = article_dist[lang].with_suffix(".pdf")
    text = subprocess.run([require_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    bad = []
    for prev, line in zip(lines, lines[1:]):
        if re.match(r"^[—–] ", line) and not re.search(r"[.!?:…»]$", prev):
            bad.append(f"line starts with a dash: {prev[-30:]!r} / {line[:30]!r}")
        if lang == "ru" and re.search(r"(?<![\w\-‑.])[вксуоиаяВКСУОИАЯ]$", prev):
            bad.append(f"line ends with a one-letter word: {prev[-30:]!r}")
        if re.search(r"\d[-‑]$", prev):
            bad.append(f"line ends with a number's hyphen: {prev[-30:]!r} / {line[:20]!r}")
    assert not bad, "\n".join(bad)


def test_the_checker_finds_what_a_proofreader_would():
    assert faults("„Коллектив „Перманентная революция“", "ru")
    assert faults("Вьетнама … ни", "ru") and faults("и в Москве", "ru")
    assert faults("1992-2019", "en") and faults("5-январда", "ky") and faults("30 жылда", "ky")
    assert faults("Workers' Bulletin", "en") and faults("«Non»", "fr")
    assert not faults("«Коллектив „Перманентная революция“» и\u00a0в\u00a0Москве 1992–2019", "ru")
