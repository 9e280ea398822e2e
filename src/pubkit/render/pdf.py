"""PDF editions with WeasyPrint: tagged, fonts embedded (subset by fontTools), reproducible.

Justified paragraphs are set whole inside WeasyPrint's one layout (:mod:`.pdf_lines`), and the
structure tree is repaired before the file is written (:mod:`.pdf_tags`: one ``Art`` per article,
one element per paragraph across pages, running heads, page numbers and leader dots as
artifacts). The editions still claim no PDF/UA conformance (no PDF/UA validator has checked
them); the tags they carry (headings, paragraphs, lists, ``/Lang`` on the document and on every
passage in another language: :func:`lang_in_structure`) help assistive technology (README:
"What the editions claim").

Fonts are subset by fontTools (a pinned package) on every machine: WeasyPrint would use
the system's HarfBuzz-subset library where one is installed, so the same inputs would give
other bytes on another machine. :func:`one_subsetter` turns that path off.

The book is one HTML document (``templates/pdf/book.html.j2``): title page, table of
contents with page numbers, the article, colophon. WeasyPrint reads resources only through
:class:`ProjectFetcher`, which serves files inside the templates folder and refuses
everything else (network, ``file://`` elsewhere, ``data:``), so neither a source nor a
template can make a build read ``/etc/passwd`` or call a server. The article's local images
are the one exception, and they are not read by the fetcher: :mod:`pubkit.images` checked and
read them before rendering, and the fetcher serves those bytes from memory.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..config import Config, template_dirs, template_file
from ..edition import EmbeddedImage, Edition
from ..errors import ConfigError
from ..fsio import atomic_write
from . import assets
from .html import IMAGE_BASE, context, render_template
from .pdf_lines import total_fit
from .pdf_tags import book_structure

_PAGE_SIZE = re.compile(r"^(?:[A-Ca-c](?:[0-9]|10)|letter|legal|ledger)(?: (?:portrait|landscape))?$|^\d+(?:\.\d+)?(?:mm|cm|in) \d+(?:\.\d+)?(?:mm|cm|in)$")


def page_size(edition: Edition, cfg: Config) -> str:
    size = (edition.page_size or cfg.pdf_page_size or "A5").strip()
    if not _PAGE_SIZE.match(size):
        raise ConfigError(
            f"page size '{size}' is not one pubkit accepts",
            hint="use a name such as A5, A4, B5 or letter, or two lengths like '148mm 210mm' ([pdf] page_size)",
        )
    return size


def make_fetcher(templates: Path, log: list[str] | None = None, images: Iterable[EmbeddedImage] = ()):
    """A WeasyPrint URL fetcher that only reads template files, and serves the edition's
    ``images`` (already checked and read by :mod:`pubkit.images`) from memory at
    ``IMAGE_BASE["pdf"]`` + their names (and relative to ``templates``, for the EPUB's pages).

    A file address inside the project's templates folder or pubkit's own stands for its name there
    (``fonts/PTF55F.ttf``), which is served as :func:`pubkit.config.template_file` finds it: the
    project's own file, else the packaged one (so the packaged base.css loads a project's font)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = template_dirs(templates)
    root = roots[0]
    images = tuple(images)
    served = {IMAGE_BASE["pdf"] + image.name: image for image in images}
    served.update({(root / image.name).as_uri(): image for image in images})  # relative (EPUB pages)

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if log is not None:
                log.append(url)
            image = served.get(url)
            if image is not None:
                return URLFetcherResponse(url, image.data, {"Content-Type": image.media_type})
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise ValueError(f"pubkit does not fetch {parsed.scheme or 'relative'} resources: {url[:80]}")
            asked = Path(os.path.normpath(unquote(parsed.path)))
            name = next((asked.relative_to(r) for r in roots if asked.is_relative_to(r)), None)
            path = template_file(templates, name.as_posix()).resolve() if name else None
            if path is None or not any(path.is_relative_to(r) for r in roots) or not path.is_file():
                raise ValueError(f"pubkit only reads files inside {' or '.join(map(str, roots))}: {url[:120]}")
            mime = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".png": "image/png",
                    ".svg": "image/svg+xml", ".jpg": "image/jpeg"}.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return ProjectFetcher(timeout=1, allowed_protocols=("file",), allow_redirects=False)


def render_html(edition: Edition, cfg: Config) -> str:
    ctx = context(edition, cfg, "pdf")
    ctx.update(
        stylesheets=[p.name for p in assets.stylesheets(cfg, "pdf")],
        page_size=page_size(edition, cfg),
        licences=assets.licences(cfg),
    )
    assets.font_paths(cfg)
    return render_template(cfg.templates, "pdf/book.html.j2", ctx)


PDF_OPTIONS = dict(pdf_tags=True, attachments=None, presentational_hints=False)


def one_subsetter() -> None:
    """Make WeasyPrint subset fonts with fontTools whatever system libraries are present."""
    import weasyprint.pdf.fonts as fonts

    fonts.harfbuzz_subset = None  # WeasyPrint falls back to fontTools (a pinned dependency)


def lang_in_structure() -> None:
    """Give each structure element of an element with ``lang`` a ``/Lang`` entry.

    WeasyPrint (70) writes the document's language in the catalog only, so a passage in
    another language (``<span lang="kk">``, an untranslated paragraph) would be read in the
    document's language. Its tag builder is wrapped (once) to copy the element's ``lang``.
    """
    import pydyf
    import weasyprint.pdf.tags as tags

    from .pdf_tags import wrapped_with

    build = tags._build_box_tree
    if wrapped_with(build, "pubkit_lang"):
        return

    def with_lang(box, parent, pdf, page_number, nums, annotations, seen):
        for element in build(box, parent, pdf, page_number, nums, annotations, seen):
            node = getattr(box, "element", None)
            tag = getattr(box, "element_tag", None)
            lang = node.get("lang") if node is not None and tag not in ("html", "body") else None
            if lang and "Lang" not in element and element.get("S") != "/NonStruct":
                element["Lang"] = pydyf.String(lang)
            yield element

    with_lang.pubkit_lang = True  # type: ignore[attr-defined]
    with_lang.__wrapped__ = build  # type: ignore[attr-defined]
    tags._build_box_tree = with_lang


def to_pdf_bytes(html: str, cfg: Config, fetch_log: list[str] | None = None,
                 images: Iterable[EmbeddedImage] = ()) -> bytes:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    one_subsetter()
    lang_in_structure()
    doc = HTML(
        string=html,
        base_url=cfg.templates.resolve().as_uri() + "/",
        url_fetcher=make_fetcher(cfg.templates, fetch_log, images),
        media_type="print",
    )
    with total_fit():
        document = doc.render(**PDF_OPTIONS)
    with book_structure():
        return document.write_pdf(**PDF_OPTIONS)


def write(edition: Edition, cfg: Config, out: Path) -> None:
    """Write the PDF edition to exactly ``out``."""
    html = render_html(edition, cfg)
    with assets.source_date_epoch(edition):
        data = to_pdf_bytes(html, cfg, images=edition.images)
    atomic_write(out, data)
