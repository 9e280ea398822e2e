"""The project configuration (``pubkit.toml``): languages, paths, edition settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, Location

CONFIG_NAME = "pubkit.toml"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # English name: "Kyrgyz"
    native: str  # the language's own name: "Кыргызча"


@dataclass(frozen=True)
class Config:
    root: Path
    source_lang: str
    targets: tuple[str, ...]
    languages: dict[str, Language]
    seeds: Path
    translations: Path
    templates: Path
    dist: Path
    pdf_page_size: str = "A5"
    raw: dict = field(default_factory=dict, compare=False)

    @property
    def edition_langs(self) -> tuple[str, ...]:
        """Every language an edition is built in: the source language first."""
        return (self.source_lang, *self.targets)

    def language(self, code: str) -> Language:
        try:
            return self.languages[code]
        except KeyError:
            raise ConfigError(
                f"language '{code}' is not described in {CONFIG_NAME}",
                location=Location(self.root / CONFIG_NAME),
                hint=f'add `{code} = {{ name = "...", native = "..." }}` under [languages]',
            ) from None


def find_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder upwards holding ``pubkit.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_NAME} in {here} or any folder above it",
        hint="run pubkit inside a project folder (one that has pubkit.toml)",
    )


def load_config(root: Path | None = None) -> Config:
    root = find_root(root)
    path = root / CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", 0) or 0
        raise ConfigError(f"{CONFIG_NAME} is not valid TOML: {err}", location=Location(path, line)) from None
    project = raw.get("project", {})
    langs_raw = raw.get("languages", {})
    languages = {}
    for code, spec in langs_raw.items():
        if not isinstance(spec, dict) or "name" not in spec:
            raise ConfigError(
                f"language '{code}' needs a name", location=Location(path),
                hint=f'write `{code} = {{ name = "...", native = "..." }}`',
            )
        languages[code] = Language(code, spec["name"], spec.get("native", spec["name"]))
    paths = raw.get("paths", {})
    cfg = Config(
        root=root,
        source_lang=project.get("source_lang", "en"),
        targets=tuple(project.get("targets", ())),
        languages=languages,
        seeds=root / paths.get("seeds", "seeds"),
        translations=root / paths.get("translations", "translations"),
        templates=root / paths.get("templates", "templates"),
        dist=root / paths.get("dist", "dist"),
        pdf_page_size=raw.get("pdf", {}).get("page_size", "A5"),
        raw=raw,
    )
    for code in cfg.edition_langs:
        cfg.language(code)
    if len(set(cfg.targets)) != len(cfg.targets) or cfg.source_lang in cfg.targets:
        raise ConfigError(
            "targets must be distinct and must not include the source language",
            location=Location(path),
        )
    return cfg
