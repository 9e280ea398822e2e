"""EPUB 3 editions with ebooklib, from the shared HTML rendering.

Content documents are rendered by the templates in ``templates/epub/`` (XHTML, each with
``lang``/``xml:lang`` and both stylesheets linked); ebooklib packages them with an NCX and
the Dublin Core and accessibility metadata. Two things ebooklib does not do are done after
it writes: ``xml:lang`` on the OPF ``<package>`` element, and a reproducible zip (entries
in a fixed order with timestamps pinned to the build date / ``SOURCE_DATE_EPOCH``).
The article's local images (``edition.images``) are manifest items under ``images/``.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path

from ..config import Config
from ..edition import Edition
from ..fsio import atomic_write
from . import assets
from .cover import cover_png
from .fonts import characters_by_face, epub_css, epub_fonts
from ..typography import typeset_text
from .html import clean, context, render_template
from .pdf import make_fetcher

XHTML = "application/xhtml+xml"
PAGES = ("cover", "titlepage", "nav", "text", "colophon", "licences")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def identifier(edition: Edition) -> str:
    """The edition's stable identifier: given by localization, else derived from slug + language."""
    if edition.identifier:
        return edition.identifier
    name = f"pubkit:{edition.doc.meta.slug}:{edition.language.code}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


# Words that make a name a group's, filed as written ("Permanent Revolution Collective").
_GROUP_WORDS = re.compile(
    r"\b(collective|committee|party|union|group|team|league|bulletin|contributors|translators|editors|press|"
    r"collectif|comité|parti|groupe|"
    r"équipe|коллектив|комитет|партия|союз|группа|команда|жамааты|жамаат|комитети|партиясы|тобу|"
    r"ұжым|ұжымы|комитеті|одағы|тобы)\b",
    re.IGNORECASE)


def file_as(name: str) -> str:
    """How a name sorts (``file-as``): a person's "Last, First", a group's name as written."""
    words = name.replace("\u00a0", " ").split()
    if len(words) < 2 or _GROUP_WORDS.search(name) or any(c in name for c in "«»“”\"()"):
        return name.replace("\u00a0", " ")
    return f"{words[-1]}, {' '.join(words[:-1])}"


def translation_status(ctx: dict) -> str:
    """What the title page says of the translation, as one line («… : 2 % …; 98 % …»)."""
    lines = ctx["review_lines"] if not ctx["fully_reviewed"] else []
    return ctx["t"]("status_line", title=ctx["review_title"], shares="; ".join(lines)) if lines else ctx["review_title"]


def _nav_entries(ctx: dict) -> list[dict]:
    # deeper headings go under the preceding top-level one
    current = None
    out_sections = []
    # a book with parts (pubkit.collection, ``toc_depth`` 2): level-2 headings (its articles)
    # go under their part, deeper ones under their article
    deep = ctx.get("toc_depth", 1) >= 2
    article = None
    for e in ctx["toc"]:
        entry = {"href": f"text.xhtml#{e.id}", "title": e.title, "lang": e.lang, "children": []}
        if e.level == 1 or current is None:
            current, article = entry, None
            out_sections.append(entry)
        elif deep and e.level == 2:
            article = entry
            current["children"].append(entry)
        elif deep and article is not None:
            article["children"].append(entry)
        else:
            current["children"].append(entry)
    t = ctx["t"]
    return [
        {"href": "titlepage.xhtml", "title": t("title_page"), "lang": "", "children": []},
        {"href": "text.xhtml", "title": ctx["title"], "lang": ctx["title_lang"], "children": out_sections},
        {"href": "colophon.xhtml", "title": t("colophon"), "lang": "", "children": []},
    ]


def build_book(edition: Edition, cfg: Config):
    from ebooklib import epub

    ctx = context(edition, cfg, "epub")
    css = assets.stylesheets(cfg, "epub")
    fonts = assets.font_paths(cfg)
    ctx.update(
        stylesheets=[p.name for p in css],
        licences=assets.licences(cfg),
        cover_image="images/cover.png",
        nav=_nav_entries(ctx),
    )
    lang = ctx["lang"]
    t = ctx["t"]
    meta = edition.doc.meta
    source_meta = edition.source_doc.meta if edition.source_doc is not None else meta

    book = epub.EpubBook()
    book.set_identifier(identifier(edition))
    book.title = ctx["title"]

    def lang_of(other: str) -> dict[str, str]:
        """xml:lang for a value in another language than the edition's."""
        return {XML_LANG: other} if other and other != lang else {}

    book.add_metadata("DC", "title", ctx["title"], {"id": "title", **lang_of(ctx["title_lang"])})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if ctx["subtitle"]:
        book.add_metadata("DC", "title", ctx["subtitle"], {"id": "subtitle", **lang_of(ctx["subtitle_lang"])})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    book.set_language(lang)
    if ctx["dir"] == "rtl":  # the spine's page-progression-direction; each page's <html dir> (templates)
        book.set_direction("rtl")
    for i, name in enumerate(ctx["author_names"], 1):
        written = ctx["authors_lang"] or ctx["author_langs"][i - 1]
        book.add_metadata("DC", "creator", name, {"id": f"creator-{i}", **lang_of(written)})
        book.add_metadata(None, "meta", "aut", {"refines": f"#creator-{i}", "property": "role",
                                                "scheme": "marc:relators"})
        # (not ebooklib's file_as=: it writes the relator scheme onto the file-as refinement)
        book.add_metadata(None, "meta", file_as(name), {"refines": f"#creator-{i}", "property": "file-as"})
    if ctx["publisher"]:
        book.add_metadata("DC", "publisher", ctx["publisher"], lang_of(ctx["publisher_lang"]))
    if ctx["rights"]:
        book.add_metadata("DC", "rights", ctx["rights"], lang_of(ctx["rights_lang"]))
    if meta.date:
        book.add_metadata("DC", "date", meta.date)
    if ctx["description"]:  # the article's own (front matter `description`/`summary`), in its language
        book.add_metadata("DC", "description", ctx["description"], lang_of(ctx["source_lang"]))
    for subject in ctx["subjects"]:  # its tags and categories
        book.add_metadata("DC", "subject", subject, lang_of(ctx["source_lang"]))
    if ctx["source"]:
        book.add_metadata("DC", "source", ctx["source"], {} if ctx["source_url"] else lang_of(ctx["source_text_lang"]))
    n = 0
    for name, written in zip(ctx["translators"], ctx["translator_langs"], strict=True):
        n += 1
        book.add_metadata("DC", "contributor", name, {"id": f"contributor-{n}", **lang_of(written)})
        book.add_metadata(None, "meta", file_as(name), {"refines": f"#contributor-{n}", "property": "file-as"})
        book.add_metadata(None, "meta", "trl", {"refines": f"#contributor-{n}", "property": "role", "scheme": "marc:relators"})
    for credit in ctx["machine_credits"]:
        n += 1
        text = t("machine_credit", credit=credit, percent=ctx["reviewed_percent"])
        book.add_metadata("DC", "contributor", f"{t('machine_translation')}: {text}", {"id": f"contributor-{n}"})
        book.add_metadata(None, "meta", "trl", {"refines": f"#contributor-{n}", "property": "role", "scheme": "marc:relators"})
    # dc:description is the article's own description (what library apps show as the blurb),
    # or nothing; how the translation was made has its own field below
    description = clean(getattr(meta, "description", "") or "")
    if description:  # as the source has it (marked so), or as a reviewer translated it
        written = ctx["source_lang"] if description == clean(getattr(source_meta, "description", "") or "") else lang
        book.add_metadata("DC", "description", typeset_text(description, written), lang_of(written))
    if ctx["review_title"]:  # a translation: how much of it a person reviewed, in its language
        book.add_metadata(None, "meta", translation_status(ctx), {"property": "schema:creativeWorkStatus"})
    for prop, values in (
        ("schema:accessMode", ("textual", "visual")),
        ("schema:accessModeSufficient", ("textual",)),
        ("schema:accessibilityFeature", ("structuralNavigation", "tableOfContents", "readingOrder",
                                         "alternativeText", "displayTransformability")),
        ("schema:accessibilityHazard", ("none",)),
        ("schema:accessibilitySummary", (re.sub(r"[ \t\n]+", " ", t("a11y_summary")).strip(),)),
    ):
        for value in values:
            book.add_metadata(None, "meta", value, {"property": prop})

    status = () if ctx["fully_reviewed"] else (ctx["review_title"], "; ".join(ctx["review_lines"]))
    book.set_cover("images/cover.png", cover_png(
        ctx["title"], ", ".join(ctx["author_names"]), ctx["language_label"], {p.name: p for p in fonts}, status),
        create_page=False)
    bodies = {page: render_template(cfg.templates, f"epub/{page}.xhtml.j2", ctx) for page in PAGES}
    # fonts: the faces the pages use, cut to the characters they show (render/fonts.py)
    used = characters_by_face([bodies[p] for p in PAGES if p != "cover"],
                              cfg.templates.resolve().as_uri() + "/",
                              make_fetcher(cfg.templates, images=edition.images))
    carried = epub_fonts(used, {p.name: p for p in fonts})
    names = {f.name for f in carried}
    for path in css:
        text = epub_css(path.read_text(encoding="utf-8"), names)
        book.add_item(epub.EpubItem(uid=f"css-{path.stem}", file_name=path.name, media_type="text/css",
                                    content=text.encode("utf-8")))
    for font in carried:
        book.add_item(epub.EpubItem(uid=f"font-{Path(font.name).stem}", file_name=f"fonts/{font.name}",
                                    media_type="font/ttf", content=font.data))
    for image in edition.images:  # the article's local images, named by content (pubkit.images)
        book.add_item(epub.EpubImage(uid=f"img-{Path(image.name).stem}", file_name=image.name,
                                     media_type=image.media_type, content=image.data))
    items = {}
    for page in PAGES:
        item = epub.EpubItem(uid=page, file_name=f"{page}.xhtml", media_type=XHTML,
                             content=bodies[page].encode("utf-8"))
        item.properties = ["nav"] if page == "nav" else []
        book.add_item(item)
        items[page] = item
    book.add_item(epub.EpubNcx())
    book.toc = [
        epub.Link("titlepage.xhtml", t("title_page"), "toc-titlepage"),
        (epub.Section(ctx["title"], "text.xhtml"),
         [epub.Link(f"text.xhtml#{e.id}", e.title, f"toc-{e.id}") for e in ctx["toc"]]),
        epub.Link("colophon.xhtml", t("colophon"), "toc-colophon"),
    ]
    book.spine = [items["cover"], items["titlepage"], items["nav"], items["text"], items["colophon"],
                  (items["licences"], "no")]
    return book


def _package_lang(opf: bytes, lang: str) -> bytes:
    from lxml import etree

    root = etree.fromstring(opf)
    root.set(XML_LANG, lang)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def reproducible_zip(data: bytes, lang: str, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Re-pack ebooklib's EPUB: mimetype first and stored, pinned timestamps and modes, OPF lang."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        order = ["mimetype"] + [n for n in names if n != "mimetype"]
        for name in order:
            body = src.read(name)
            if name.endswith(".opf"):
                body = _package_lang(body, lang)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, body, compresslevel=6 if name != "mimetype" else None)
    return out.getvalue()


def to_epub_bytes(edition: Edition, cfg: Config) -> bytes:
    from ebooklib import epub

    when = assets.build_datetime(edition)
    book = build_book(edition, cfg)
    buf = io.BytesIO()
    # compresslevel 0: the zip is re-packed (and compressed once) by reproducible_zip
    epub.write_epub(buf, book, {"mtime": when, "epub3_landmark": False, "epub2_guide": False, "compresslevel": 0,
                                "play_order": {"enabled": True, "start_from": 1}})
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    return reproducible_zip(buf.getvalue(), edition.language.code, stamp)


def write(edition: Edition, cfg: Config, out: Path) -> None:
    """Write the EPUB edition to exactly ``out``."""
    atomic_write(out, to_epub_bytes(edition, cfg))


__all__ = ["write", "to_epub_bytes", "build_book", "identifier", "clean"]
