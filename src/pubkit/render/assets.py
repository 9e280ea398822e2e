"""The files an edition carries from ``templates/``: stylesheets, fonts and their licences."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path

from ..config import Config, template_file
from ..edition import Edition
from ..errors import ConfigError, Location, MissingError
from ..typography import typeset_text

# The fonts base.css declares (file name under templates/fonts/) and the licence of each.
FONTS = {
    "PTF55F.ttf": "LICENSE-ParaType.txt",
    "PTF56F.ttf": "LICENSE-ParaType.txt",
    "PTF75F.ttf": "LICENSE-ParaType.txt",
    "PTF76F.ttf": "LICENSE-ParaType.txt",
    "PTS55F.ttf": "LICENSE-ParaType.txt",
    "PTS75F.ttf": "LICENSE-ParaType.txt",
    "PubkitSpaces.ttf": "LICENSE-PubkitSpaces.txt",
}
LICENCE_NAMES = {
    "LICENSE-ParaType.txt": "PT Serif, PT Sans — ParaType Free Font License",
    "LICENSE-PubkitSpaces.txt": "Pubkit Spaces — CC0 1.0",
}
STYLESHEETS = {"epub": ("base.css", "epub.css"), "pdf": ("base.css", "pdf.css")}


@dataclass(frozen=True)
class Licence:
    file: str
    name: str
    text: str


def require(path: Path, what: str) -> Path:
    if not path.is_file():
        raise MissingError(f"{what} is missing: {path}", location=Location(path),
                           hint="restore it: a project's templates/ may override any file of pubkit's own, "
                                "which a reinstall of pubkit restores")
    return path


def font_paths(cfg: Config) -> list[Path]:
    return [require(template_file(cfg.templates, f"fonts/{name}"), "font") for name in sorted(FONTS)]


def licences(cfg: Config) -> list[Licence]:
    out = []
    for file in sorted(set(FONTS.values())):
        path = require(template_file(cfg.templates, f"fonts/{file}"), "font licence")
        name = typeset_text(LICENCE_NAMES.get(file, file), "en")
        out.append(Licence(file, name, path.read_text(encoding="utf-8")))
    return out


def stylesheets(cfg: Config, fmt: str) -> list[Path]:
    return [require(template_file(cfg.templates, name), "stylesheet") for name in STYLESHEETS[fmt]]


def build_datetime(edition: Edition) -> datetime:
    """The moment the edition claims to be built: SOURCE_DATE_EPOCH, else its build date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except ValueError:
            raise ConfigError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {epoch!r}") from None
    day = edition.build_date or edition.doc.meta.date or "1980-01-01"
    try:
        return datetime.fromisoformat(day[:10]).replace(tzinfo=UTC)
    except ValueError:
        return datetime(1980, 1, 1, tzinfo=UTC)


@contextmanager
def source_date_epoch(edition: Edition):
    """Set SOURCE_DATE_EPOCH from the edition's build date while rendering, if unset."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(build_datetime(edition).timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
