"""Renderers: an :class:`~pubkit.edition.Edition` → an edition file, by format name.

``WRITERS`` maps a format (``"epub"``, ``"pdf"``) to ``write(edition, cfg, out)``, which
writes exactly the file ``out`` (the pipeline passes a temporary path and renames it).
Both writers share one HTML rendering (:mod:`pubkit.render.html`) of the same templates.
Writers are imported lazily so that importing this package stays cheap (a no-op build
never loads WeasyPrint or ebooklib).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..config import Config
from ..edition import Edition
from ..errors import ConfigError

Writer = Callable[[Edition, Config, Path], None]


class _Lazy:
    """A writer whose module is imported on first use."""

    def __init__(self, module: str):
        self.module = module

    def __call__(self, edition: Edition, cfg: Config, out: Path) -> None:
        importlib.import_module(f"{__name__}.{self.module}").write(edition, cfg, Path(out))

    def __repr__(self) -> str:
        return f"<writer {__name__}.{self.module}.write>"


WRITERS: dict[str, Writer] = {
    "epub": _Lazy("epub"),
    "pdf": _Lazy("pdf"),
}


def render_edition(fmt: str, edition: Edition, cfg: Config, out: Path) -> None:
    """Write the edition in format ``fmt`` to exactly ``out``."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ConfigError(f"unknown edition format '{fmt}'", hint="known: " + ", ".join(sorted(WRITERS))) from None
    writer(edition, cfg, Path(out))
