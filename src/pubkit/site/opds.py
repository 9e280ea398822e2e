"""The OPDS 1.2 catalog (Atom feeds) that reading apps subscribe to.

``opds/root.xml`` is the navigation feed: one entry per language, per collection and the "new
and updated" feed. ``opds/lang-<code>.xml`` and ``opds/collection-<name>.xml`` are acquisition
feeds: an entry per edition with its authors, ``dc:language``, ``updated`` (the edition's own
``dcterms:modified``, so a corrected translation is an update), summary, cover and thumbnail, and
an acquisition link per file with its media type and ``length``. ``opds/new.xml`` lists every
edition, newest first. Nothing reads a clock: the same ``dist/`` gives the same bytes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lxml import etree

from .. import __version__
from .model import Site, SiteEdition
from .pages import Links, SiteStrings, cover_path, page_path, status_lines

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NSMAP = {None: ATOM, "dc": DC, "opds": OPDS}
NAV = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQ = "application/atom+xml;profile=opds-catalog;kind=acquisition"
EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Feed:
    path: str  # inside the site folder
    title: str
    editions: tuple[SiteEdition, ...]


def feed_id(name: str, base: str | None) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"pubkit-site:{base or ''}:{name}"))


def _updated(editions) -> str:
    return max((_datetime(e.modified) for e in editions), default=EPOCH)


def _datetime(value: str) -> str:
    """An RFC 3339 date-time for Atom (``2022-01-27`` → ``2022-01-27T00:00:00Z``)."""
    if not value:
        return EPOCH
    return value if "T" in value else f"{value[:10]}T00:00:00Z"


def _el(parent, tag: str, text: str | None = None, ns: str = ATOM, **attrs):
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _link(parent, href: str, rel: str | None = None, type: str | None = None, **attrs):
    return _el(parent, "link", href=href, rel=rel, type=type, **attrs)


class Catalog:
    def __init__(self, site: Site, links: Links, strings: dict[str, SiteStrings], names: dict[str, str],
                 publisher: str | None):
        self.site, self.links, self.t, self.names, self.publisher = site, links, strings, names, publisher

    def feeds(self) -> list[Feed]:
        src = self.site.langs[0]
        t = self.t[src]
        out = [Feed(f"opds/lang-{lang}.xml", self.t[lang]("in_language", language=self.names[lang]),
                    tuple(self.site.editions(lang))) for lang in self.site.langs if self.site.editions(lang)]
        for coll in self.site.collections():
            members = [i for i in self.site.items if i.name in coll.members]
            eds = [*coll.editions, *(e for i in members for e in i.editions)]
            title = (coll.edition(src) or coll.editions[0]).title
            out.append(Feed(f"opds/collection-{coll.name}.xml", title, tuple(eds)))
        newest = sorted(self.site.editions(), key=lambda e: (_datetime(e.modified), e.key), reverse=True)
        out.append(Feed("opds/new.xml", t("new_feed"), tuple(newest)))
        return out

    def render(self) -> dict[str, bytes]:
        feeds = self.feeds()
        out = {f.path: self._acquisition(f) for f in feeds}
        out["opds/root.xml"] = self._root(feeds)
        return out

    def _feed(self, path: str, title: str, kind: str, updated: str):
        feed = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
        _el(feed, "id", feed_id(path, self.links.base_url))
        _el(feed, "title", title)
        _el(feed, "updated", updated)
        author = _el(feed, "author")  # Atom: a feed has an author unless every entry has one
        _el(author, "name", self.publisher or self.t[self.site.langs[0]]("site_title"))
        _el(feed, "generator", "pubkit", version=__version__)
        _link(feed, self.links.site(path, path), "self", kind)
        _link(feed, self.links.site(path, "opds/root.xml"), "start", NAV)
        _link(feed, self.links.site(path, "opds/root.xml"), "up", NAV)
        _link(feed, self.links.site(path, "index.html"), "alternate", "text/html")
        return feed

    def _root(self, feeds: list[Feed]) -> bytes:
        src = self.site.langs[0]
        path = "opds/root.xml"
        feed = self._feed(path, self.t[src]("site_title"), NAV, _updated(self.site.editions()))
        for f in feeds:
            entry = _el(feed, "entry")
            _el(entry, "title", f.title)
            _el(entry, "id", feed_id(f.path, self.links.base_url))
            _el(entry, "updated", _updated(f.editions))
            _link(entry, self.links.site(path, f.path), "subsection", ACQ)
            _el(entry, "content", str(len(f.editions)), type="text")
        return _bytes(feed)

    def _acquisition(self, f: Feed) -> bytes:
        feed = self._feed(f.path, f.title, ACQ, _updated(f.editions))
        for e in f.editions:
            self._entry(feed, f.path, e)
        return _bytes(feed)

    def _entry(self, feed, here: str, e: SiteEdition) -> None:
        t = self.t[e.lang]
        entry = _el(feed, "entry")
        entry.set("{http://www.w3.org/XML/1998/namespace}lang", e.lang)
        _el(entry, "title", e.title)
        _el(entry, "id", e.identifier)
        _el(entry, "updated", _datetime(e.modified))
        for name in e.authors:
            _el(_el(entry, "author"), "name", name)
        _el(entry, "language", e.lang, ns=DC)
        if e.date:
            _el(entry, "issued", e.date[:10], ns=DC)
        if self.publisher:
            _el(entry, "publisher", self.publisher, ns=DC)
        if e.description:
            _el(entry, "summary", e.description, type="text")
        _el(entry, "content", " ".join(status_lines(e, t)), type="text")
        _link(entry, self.links.site(here, page_path(e)), "alternate", "text/html")
        if e.cover:
            _link(entry, self.links.site(here, cover_path(e)), "http://opds-spec.org/image", "image/png")
            _link(entry, self.links.site(here, cover_path(e, True)), "http://opds-spec.org/image/thumbnail",
                  "image/png")
        for file in e.files:
            _link(entry, self.links.dist(here, file.name), "http://opds-spec.org/acquisition",
                  file.media_type, length=str(file.size), title=file.fmt.upper())


def _bytes(feed) -> bytes:
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
