"""The project configuration (``pubkit.toml``): languages, paths, edition settings."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, InputError, Location
from .fsio import read_bounded

CONFIG_NAME = "pubkit.toml"
# The templates, stylesheets, fonts and interface strings every edition uses: package data, so an
# installed pubkit builds without a checkout. A project's own folder (``[paths] templates``, or
# ``templates/`` when it exists) overrides them file by file: see template_file().
PACKAGED_TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_CODE = re.compile(r"\A[a-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")  # BCP 47-like; names a folder


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # English name: "Kyrgyz"
    native: str  # the language's own name: "Кыргызча"
    dir: str = "ltr"  # text direction: "ltr" or "rtl"


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


def template_dirs(templates: Path) -> tuple[Path, ...]:
    """Where a template name is looked up, first match wins: the project's folder, then the package's."""
    own = templates.resolve()
    return (own,) if own == PACKAGED_TEMPLATES else (own, PACKAGED_TEMPLATES)


def template_file(templates: Path, name: str) -> Path:
    """The file a template name (``base.css``, ``fonts/PTF55F.ttf``, ``epub/text.xhtml.j2``) means:
    the project's own when ``templates`` (``cfg.templates``) has it, else the packaged one. A name
    found nowhere gives the path in the project's folder, for the error that names it."""
    for folder in template_dirs(templates):
        path = folder / name
        if path.is_file():
            return path
    return templates / name


def _templates_folder(root: Path, paths: dict) -> Path:
    """The project's own templates folder when it has one, else the packaged templates."""
    if "templates" in paths:
        return root / paths["templates"]
    own = root / "templates"
    return own if own.is_dir() else PACKAGED_TEMPLATES


def find_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder upwards holding ``pubkit.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_NAME} in {here} or any folder above it",
        hint="run pubkit inside a project folder (one that has pubkit.toml); "
             "`invoke init` makes one here, `invoke init FOLDER` in a new folder",
    )


def load_config(root: Path | None = None) -> Config:
    root = find_root(root)
    path = root / CONFIG_NAME
    try:
        text = read_bounded(path, "config", root=root).decode("utf-8")
        raw = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {CONFIG_NAME}: {err}", location=Location(path),
                          hint="it must be a readable UTF-8 text file") from None
    except InputError as err:  # not a regular file, too large, a link out of the project
        raise ConfigError(err.message, location=Location(path), hint=err.hint) from None
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", 0) or 0
        raise ConfigError(f"{CONFIG_NAME} is not valid TOML: {err}", location=Location(path, line)) from None
    from .config_schema import check_engines, key_lines, validate

    toml = validate(raw, text, path)
    lines = key_lines(text)
    check_engines(toml, lines, path)
    languages = {code: Language(code, spec.name, spec.native or spec.name, spec.dir)
                 for code, spec in toml.languages.items()}
    paths = raw.get("paths", {})
    for code in (toml.project.source_lang, *toml.project.targets, *languages):
        if not LANG_CODE.match(code):
            at = lines.get(("languages", code)) or lines.get(("project", "targets")) or 0
            raise ConfigError(
                f"{code!r} is not a language code", location=Location(path, at),
                hint="use codes such as `ru`, `ky` or `pt-BR`: they name folders under translations/",
            )
    for key, value in paths.items():
        lexical = os.path.normpath(os.path.join(root, value))  # links are checked at each write
        if os.path.commonpath([lexical, root]) != str(root) or "\0" in value:
            raise ConfigError(
                f"[paths] {key} = {value!r} is outside the project",
                location=Location(path, lines.get(("paths", key), 0)),
                hint=f"[paths] {key} must be a folder inside the project, e.g. {key!r}",
            )
    cfg = Config(
        root=root,
        source_lang=toml.project.source_lang,
        targets=tuple(toml.project.targets),
        languages=languages,
        seeds=root / paths.get("seeds", "seeds"),
        translations=root / paths.get("translations", "translations"),
        templates=_templates_folder(root, paths),
        dist=root / paths.get("dist", "dist"),
        pdf_page_size=toml.pdf.page_size,
        raw=raw,
    )
    for code in cfg.edition_langs:
        if code not in cfg.languages:
            raise ConfigError(
                f"language '{code}' is not described in {CONFIG_NAME}",
                location=Location(path, lines.get(("languages",)) or lines.get(("project", "targets"), 0)),
                hint=f'add `{code} = {{ name = "...", native = "..." }}` under [languages]',
            )
    if len(set(cfg.targets)) != len(cfg.targets) or cfg.source_lang in cfg.targets:
        raise ConfigError(
            "targets must be distinct and must not include the source language",
            location=Location(path, lines.get(("project", "targets"), 0)),
        )
    return cfg
