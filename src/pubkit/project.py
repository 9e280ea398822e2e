"""The project's articles: which files in ``seeds/`` are articles, and reading them."""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .errors import InputError, Location, MissingError
from .fsio import printable
from .model import Document
from .readers import READERS, read_article, supported_suffixes
from .readers.source import SIDECAR_SUFFIX


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
            continue
        if not p.name.isprintable():
            raise InputError(
                f"the file name '{printable(p.name)}' holds a control or invisible character "
                "(a line break, a tab …)",
                location=Location(printable(p.relative_to(cfg.root))),
                hint="rename the file to plain letters, digits and '-', e.g. `my-article.txt`",
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


def load_articles(cfg: Config, slug: str | None = None) -> list[Document]:
    docs = [read_article(p, cfg.root) for p in article_paths(cfg)]
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
        if not docs:
            raise MissingError(
                f"no article with the slug '{slug}'",
                hint="known: " + ", ".join(sorted(seen)) if seen else "seeds/ is empty",
            )
    return docs
