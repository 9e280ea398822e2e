"""The console script ``pubkit``: pubkit's Invoke tasks as a program of their own.

``pubkit --list``, ``pubkit publish``, ``pubkit models.install --pair en-ru`` … are the tasks of
:mod:`pubkit.tasks` (the ones ``invoke`` runs in a checkout), run in the project found from the
working folder (the nearest folder upwards that has ``pubkit.toml``).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # the C module: loads at once (`signal` imports enum …)
import os
import sys


def _interrupted_while_starting(signum, frame) -> None:
    """Ctrl-C during the imports below (0.7 s): nothing is written yet; exit 130, no traceback."""
    os.write(2, b"interrupted\n")
    os._exit(130)


_signal.signal(_signal.SIGINT, _interrupted_while_starting)  # before any heavy import

import signal  # noqa: E402

from invoke import Program  # noqa: E402

from . import __version__  # noqa: E402
from .tasks import ns  # noqa: E402

program = Program(name="pubkit", binary="pubkit", namespace=ns, version=__version__)
_interrupted = False


def _interrupt(signum, frame) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def main() -> None:
    """Run the tasks; Ctrl-C at any moment exits 130 (a task says what was complete; Invoke
    itself would exit 1 for one outside a task)."""
    signal.signal(signal.SIGINT, _interrupt)
    try:
        program.run()
    except SystemExit as done:
        if _interrupted and done.code != 130:
            print("interrupted", file=sys.stderr)
            raise SystemExit(130) from None
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
