"""What the download site shows, as values: every built edition of ``dist/`` with its metadata.

The site is a view of a finished build, never a build of its own: :func:`collect` refuses a
``dist/`` that is not up to date (an edition missing or older than its inputs), so every page
and feed entry describes exactly the file it links to. Each edition's metadata comes from the
built EPUB itself (its OPF: title, subtitle, authors, language, dates, description, identifier
and cover), so the site says what a reading app will show; the translation status comes from
the same :func:`pubkit.localize.localize` counts the edition's colophon prints.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..characters import first as first_forbidden
from ..config import Config
from ..edition import Coverage
from ..errors import InputError, Location, MissingError
from ..fingerprint import HashCache

# The largest EPUB the site opens to read its metadata and cover (a zip bomb is never inflated
# past these), and the largest OPF or cover image read from it.
MAX_EPUB_BYTES = 512 * 1024 * 1024
MAX_MEMBER_BYTES = 8 * 1024 * 1024

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
MEDIA_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf"}


@dataclass(frozen=True)
class FileInfo:
    """One file of ``dist/``: its name, size in bytes and SHA-256."""

    fmt: str
    name: str
    size: int
    sha256: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]


@dataclass(frozen=True)
class Cover:
    media_type: str
    data: bytes


@dataclass(frozen=True)
class SiteEdition:
    """One article or book in one language, as its EPUB describes it."""

    name: str  # the article's slug or the collection's name
    lang: str
    title: str
    subtitle: str
    authors: tuple[str, ...]
    date: str  # dc:date (the article's own date), may be empty
    modified: str  # dcterms:modified: when this edition last changed (ISO 8601, UTC)
    description: str
    identifier: str
    files: tuple[FileInfo, ...]
    coverage: Coverage
    is_source: bool
    cover: Cover | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.name}.{self.lang}"


@dataclass(frozen=True)
class SiteItem:
    """An article or a collection, in every language it was built in (source language first)."""

    name: str
    kind: str  # "article" or "collection"
    editions: tuple[SiteEdition, ...]
    members: tuple[str, ...] = ()  # a collection's articles, in order

    def edition(self, lang: str) -> SiteEdition | None:
        return next((e for e in self.editions if e.lang == lang), None)


@dataclass(frozen=True)
class Site:
    items: tuple[SiteItem, ...]
    langs: tuple[str, ...]  # the project's edition languages, source first

    def articles(self) -> tuple[SiteItem, ...]:
        return tuple(i for i in self.items if i.kind == "article")

    def collections(self) -> tuple[SiteItem, ...]:
        return tuple(i for i in self.items if i.kind == "collection")

    def editions(self, lang: str | None = None) -> list[SiteEdition]:
        return [e for i in self.items for e in i.editions if lang is None or e.lang == lang]


def collect(cfg: Config, *, cache: HashCache | None = None) -> Site:
    """Every edition in ``dist/``, described; MissingError (exit 66) when ``dist/`` is not up to
    date with the sources and translations, naming what to build."""
    from ..pipeline import plan

    own_cache = cache is None
    cache = cache or HashCache(cfg.root)
    todo, fresh = plan(cfg, cache=cache)
    if todo:
        names = sorted({j.out.name for j in todo})
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise MissingError(
            f"dist/ is not up to date: {len(names)} edition file(s) missing or older than their "
            f"sources ({shown})",
            location=Location(cfg.dist.relative_to(cfg.root)),
            hint="build first (`pubkit build` or `pubkit publish`): the site shows finished editions only",
        )
    by_name: dict[str, dict[str, dict[str, FileInfo]]] = {}
    for job in fresh:
        sha = cache.digest(job.out)
        if sha is None:  # pragma: no cover - plan() found it fresh a moment ago
            raise MissingError(f"{job.out.name} vanished from dist/", hint="build again")
        by_name.setdefault(job.slug, {}).setdefault(job.lang, {})[job.fmt] = FileInfo(
            job.fmt, job.out.name, job.out.stat().st_size, sha)
    coverages = _coverages(cfg, set(by_name))
    collections = _collections(cfg)
    items = []
    for name in sorted(by_name, key=lambda n: (n in collections, n)):
        editions = []
        for lang in cfg.edition_langs:
            files = by_name[name].get(lang)
            if not files:
                continue
            cov = coverages.get((name, lang)) or _summed(coverages, collections.get(name, ()), lang)
            editions.append(_edition(cfg, name, lang, files, cov))
        kind = "collection" if name in collections else "article"
        items.append(SiteItem(name, kind, tuple(editions), tuple(collections.get(name, ()))))
    if own_cache:
        cache.save()
    return Site(tuple(items), cfg.edition_langs)


def _collections(cfg: Config) -> dict[str, tuple[str, ...]]:
    from ..collection import collection_paths, read_collection

    return {p.stem: tuple(read_collection(cfg, p).members()) for p in collection_paths(cfg)}


def _coverages(cfg: Config, names: set[str]) -> dict[tuple[str, str], Coverage]:
    """The colophon's counts per (article, language), from the translation files."""
    from ..localize import localize
    from ..project import load_articles

    out = {}
    for doc in load_articles(cfg):
        if doc.meta.slug not in names:
            continue
        for lang in cfg.edition_langs:
            out[(doc.meta.slug, lang)] = localize(cfg, doc, lang).coverage
    return out


def _summed(coverages: dict[tuple[str, str], Coverage], members, lang: str) -> Coverage:
    covs = [coverages[(m, lang)] for m in dict.fromkeys(members) if (m, lang) in coverages]
    return Coverage(**{f.name: sum(getattr(c, f.name) for c in covs) for f in fields(Coverage)})


def _edition(cfg: Config, name: str, lang: str, files: dict[str, FileInfo], cov: Coverage) -> SiteEdition:
    ordered = tuple(files[f] for f in ("epub", "pdf") if f in files)
    meta: dict = {}
    cover = None
    if "epub" in files:
        meta, cover = read_epub(cfg.dist / files["epub"].name, cfg.root)
    title = meta.get("title") or name
    edition = SiteEdition(
        name=name, lang=lang, title=title, subtitle=meta.get("subtitle", ""),
        authors=tuple(meta.get("authors", ())), date=meta.get("date", ""),
        modified=meta.get("modified", ""), description=meta.get("description", ""),
        identifier=meta.get("identifier", f"urn:pubkit:{name}:{lang}"), files=ordered,
        coverage=cov, is_source=lang == cfg.source_lang, cover=cover,
    )
    shown = cfg.dist.relative_to(cfg.root) / (files.get("epub") or ordered[0]).name
    for what in ("title", "subtitle", "description"):
        _check_text(getattr(edition, what), what, shown)
    for author in edition.authors:
        _check_text(author, "author", shown)
    return edition


def _check_text(text: str, what: str, shown: Path) -> None:
    """Invisible and bidirectional controls (RLO …) are refused here as in seeds: a feed or a
    page would show the reader reordered text."""
    found = first_forbidden(text)
    if found:
        raise InputError(
            f"the edition's {what}: {found.describe(text)}; the site does not publish it",
            location=Location(shown), hint=found.rule.hint + ", then build again",
        )


def read_epub(path: Path, root: Path) -> tuple[dict, Cover | None]:
    """The OPF metadata and the cover image of a built EPUB, read bounded."""
    from lxml import etree

    from ..fsio import inside_project

    inside_project(root, path, what="an edition")
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    if path.stat().st_size > MAX_EPUB_BYTES:
        raise InputError(f"{shown} is larger than the site reads ({MAX_EPUB_BYTES // 2**20} MB)",
                         location=Location(shown), hint="the site reads pubkit's own editions only")
    try:
        with zipfile.ZipFile(path) as zf:
            container = etree.fromstring(_member(zf, "META-INF/container.xml", shown),
                                         etree.XMLParser(resolve_entities=False, no_network=True))
            opf_path = container.find(f".//{{{CONTAINER_NS}}}rootfile").get("full-path")
            opf = etree.fromstring(_member(zf, opf_path, shown),
                                   etree.XMLParser(resolve_entities=False, no_network=True))
            meta = _opf_meta(opf)
            cover = _cover(zf, opf, opf_path, shown)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, AttributeError, KeyError) as err:
        raise InputError(f"{shown} is not a readable EPUB ({err})", location=Location(shown),
                         hint="build it again (`pubkit build`)") from None
    return meta, cover


def _member(zf: zipfile.ZipFile, name: str, shown: Path) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputError(f"{shown}: {name} is larger than {MAX_MEMBER_BYTES // 2**20} MB",
                         location=Location(shown), hint="the site reads pubkit's own editions only")
    with zf.open(info) as fh:
        return fh.read(MAX_MEMBER_BYTES + 1)[:MAX_MEMBER_BYTES]


def _opf_meta(opf) -> dict:
    md = opf.find(f"{{{OPF_NS}}}metadata")
    refines: dict[str, dict[str, str]] = {}
    for m in md.findall(f"{{{OPF_NS}}}meta"):
        if m.get("refines") and m.get("property"):
            refines.setdefault(m.get("refines").lstrip("#"), {})[m.get("property")] = (m.text or "").strip()
    out: dict = {"authors": []}
    for t in md.findall(f"{{{DC_NS}}}title"):
        kind = refines.get(t.get("id") or "", {}).get("title-type", "main")
        out.setdefault("subtitle" if kind == "subtitle" else "title", (t.text or "").strip())
    for c in md.findall(f"{{{DC_NS}}}creator"):
        out["authors"].append((c.text or "").strip())
    for key in ("date", "description", "identifier", "language"):
        el = md.find(f"{{{DC_NS}}}{key}")
        if el is not None and el.text:
            out[key] = el.text.strip()
    for m in md.findall(f"{{{OPF_NS}}}meta"):
        if m.get("property") == "dcterms:modified" and m.text:
            out["modified"] = m.text.strip()
    return out


def _cover(zf: zipfile.ZipFile, opf, opf_path: str, shown: Path) -> Cover | None:
    for item in opf.iter(f"{{{OPF_NS}}}item"):
        if "cover-image" in (item.get("properties") or "").split():
            base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
            data = _member(zf, base + item.get("href"), shown)
            return Cover(item.get("media-type") or "image/png", data)
    return None


def thumbnail(cover: Cover, width: int = 200) -> bytes:
    """A PNG of the cover ``width`` pixels wide (same bytes for the same cover)."""
    from PIL import Image

    with Image.open(io.BytesIO(cover.data)) as opened:
        im = opened.convert("RGB")
        height = max(1, round(im.height * width / im.width))
        small = im.resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
        return out.getvalue()
