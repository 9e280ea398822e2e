"""The project's articles: which files in ``seeds/`` are articles, and reading them."""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .errors import InputError, Location, MissingError
from .fsio import printable
from .model import Document
from .readers import READERS, read_article, supported_suffixes
from .readers.source import SIDECAR_SUFFIX
from .ui import info


def article_paths(cfg: Config) -> list[Path]:
    """Article files in seeds/, sorted; a .yaml beside an article is its metadata, not an article."""
    if not cfg.seeds.is_dir():
        raise MissingError(f"no seeds folder at {cfg.seeds}", hint="create it and put an article in it")
    paths = []
    for p in sorted(cfg.seeds.iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_dir():
            if p.suffix.lower() in READERS or p.suffix.lower() == SIDECAR_SUFFIX:
                raise InputError(  # a folder named like an article would be skipped without a word
                    f"'{printable(p.name)}' is a folder, not an article",
                    location=Location(printable(p.relative_to(cfg.root))),
                    hint="put the article's text in a file of that name (or rename the folder, "
                         "e.g. without its suffix, if it holds images)",
                )
            paths.extend(_bundle_index(p, cfg))
            continue
        if not p.name.isprintable():
            raise InputError(
                f"the file name '{printable(p.name)}' holds a control or invisible character "
                "(a line break, a tab …)",
                location=Location(printable(p.relative_to(cfg.root))),
                hint="rename the file to plain letters, digits and '-', e.g. `my-article.txt`",
            )
        if p.suffix.lower() in READERS and p.stem == INDEX:
            raise InputError(
                f"an article named '{printable(p.name)}' directly in seeds/ would take the folder's name",
                location=Location(printable(p.relative_to(cfg.root))),
                hint="rename it (`my-article.md`), or make it a page bundle: `seeds/my-article/index.md`",
            )
        if p.suffix.lower() in READERS:
            paths.append(p)
        elif p.suffix.lower() == SIDECAR_SUFFIX and any(
            p.with_suffix(s).exists() for s in READERS
        ):
            continue
        else:
            raise InputError(
                f"unknown file type '{p.suffix or p.name}' in seeds/",
                location=Location(p.relative_to(cfg.root)),
                hint="seeds/ takes " + ", ".join(supported_suffixes())
                + " articles (with optional .yaml metadata beside a .txt); move other files out",
            )
    return paths


def skip_note(doc: Document) -> str:
    """The line that says a draft is not published."""
    return (f"skipped {doc.meta.source_file}: a draft ({doc.meta.draft}); "
            "set `draft: false` (or remove the key) to publish it")


INDEX = "index"  # a page bundle's article: seeds/<slug>/index.md (Hugo, Zola)


def _bundle_index(folder: Path, cfg: Config) -> list[Path]:
    """A page bundle (``seeds/<slug>/index.md`` or ``index.txt`` with its images beside it): its
    article file; a folder without one is not an article (other files in it are its own)."""
    found = [p for p in sorted(folder.iterdir())
             if p.stem == INDEX and p.suffix.lower() in READERS and p.is_file()]
    if len(found) > 1:
        raise InputError(
            f"the folder seeds/{printable(folder.name)} holds {len(found)} articles: "
            + ", ".join(p.name for p in found),
            location=Location(printable(folder.relative_to(cfg.root))),
            hint="a page bundle has one index file: keep one of them",
        )
    if found and not folder.name.isprintable():
        raise InputError(
            f"the folder name '{printable(folder.name)}' holds a control or invisible character",
            location=Location(printable(folder.relative_to(cfg.root))),
            hint="rename the folder to plain letters, digits and '-', e.g. `my-article`",
        )
    return found


def load_articles(cfg: Config, slug: str | None = None) -> list[Document]:
    """Every article that is to be published (drafts skipped with a line saying so, once: when
    all of them are listed), or the one with ``slug``."""
    docs = []
    drafts: dict[str, Document] = {}
    for p in article_paths(cfg):
        doc = read_article(p, cfg.root)
        if not doc.meta.draft:
            docs.append(doc)
        else:
            drafts[doc.meta.slug] = doc
            if slug is None:
                info(skip_note(doc))
    seen: dict[str, str] = {}
    for d in docs:
        if d.meta.slug in seen:
            raise InputError(
                f"two articles have the slug '{d.meta.slug}': {seen[d.meta.slug]} and {d.meta.source_file}",
                location=Location(d.meta.source_file),
                hint="give one of them another `slug:` in its metadata",
            )
        seen[d.meta.slug] = d.meta.source_file
    if slug:
        docs = [d for d in docs if d.meta.slug == slug]
        if not docs and slug in drafts:
            raise MissingError(f"the article '{slug}' is a draft ({drafts[slug].meta.draft})",
                               hint="set `draft: false` (or remove the key) to publish it")
        if not docs:
            raise MissingError(
                f"no article with the slug '{slug}'",
                hint="known: " + ", ".join(sorted(seen)) if seen else "seeds/ is empty",
            )
    return docs
