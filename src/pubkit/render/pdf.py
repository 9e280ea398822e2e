"""PDF editions with WeasyPrint: tagged (PDF/UA-1), fonts embedded, reproducible.

The book is one HTML document (``templates/pdf/book.html.j2``): title page, table of
contents with page numbers, the article, colophon. WeasyPrint reads resources only through
:class:`ProjectFetcher`, which serves files inside the templates folder and refuses
everything else (network, ``file://`` elsewhere, ``data:``), so neither a source nor a
template can make a build read ``/etc/passwd`` or call a server.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..config import Config
from ..edition import Edition
from ..errors import ConfigError
from ..fsio import atomic_write
from . import assets
from .html import context, render_template
from .pdf_lines import render_within_limits

_PAGE_SIZE = re.compile(r"^(?:[A-Ca-c](?:[0-9]|10)|letter|legal|ledger)(?: (?:portrait|landscape))?$|^\d+(?:\.\d+)?(?:mm|cm|in) \d+(?:\.\d+)?(?:mm|cm|in)$")


def page_size(edition: Edition, cfg: Config) -> str:
    size = (edition.page_size or cfg.pdf_page_size or "A5").strip()
    if not _PAGE_SIZE.match(size):
        raise ConfigError(
            f"page size '{size}' is not one pubkit accepts",
            hint="use a name such as A5, A4, B5 or letter, or two lengths like '148mm 210mm' ([pdf] page_size)",
        )
    return size


def make_fetcher(templates: Path, log: list[str] | None = None):
    """A WeasyPrint URL fetcher that only reads files inside ``templates``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = templates.resolve()

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if log is not None:
                log.append(url)
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise ValueError(f"pubkit does not fetch {parsed.scheme or 'relative'} resources: {url[:80]}")
            path = Path(unquote(parsed.path)).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                raise ValueError(f"pubkit only reads files inside {root}: {url[:120]}")
            mime = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".png": "image/png",
                    ".svg": "image/svg+xml", ".jpg": "image/jpeg"}.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

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


def to_pdf_bytes(html: str, cfg: Config, fetch_log: list[str] | None = None) -> bytes:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    doc = HTML(
        string=html,
        base_url=cfg.templates.resolve().as_uri() + "/",
        url_fetcher=make_fetcher(cfg.templates, fetch_log),
        media_type="print",
    )
    options = dict(pdf_variant="pdf/ua-1", attachments=None, presentational_hints=False)
    document, _ = render_within_limits(doc, options)
    return document.write_pdf(**options)


def write(edition: Edition, cfg: Config, out: Path) -> None:
    """Write the PDF edition to exactly ``out``."""
    html = render_html(edition, cfg)
    with assets.source_date_epoch(edition):
        data = to_pdf_bytes(html, cfg)
    atomic_write(out, data)
