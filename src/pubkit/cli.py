"""The console script ``pubkit``: pubkit's Invoke tasks as a program of their own.

``pubkit --list``, ``pubkit publish``, ``pubkit models.install --pair en-ru`` … are the tasks of
:mod:`pubkit.tasks` (the ones ``invoke`` runs in a checkout), run in the project found from the
working folder (the nearest folder upwards that has ``pubkit.toml``).
"""

from __future__ import annotations

from invoke import Program

from . import __version__
from .tasks import ns

program = Program(name="pubkit", binary="pubkit", namespace=ns, version=__version__)


def main() -> None:
    program.run()
