"""The console script ``pubkit``: pubkit's Invoke tasks as a program of their own.

``pubkit --list``, ``pubkit init``, ``pubkit publish``, ``pubkit models.install --pair en-ru`` …
are the tasks of :mod:`pubkit.tasks` that work in any project (``tasks.product``; the checkout's
``invoke`` also has ``test``, ``bench`` and ``lint``), run in the project found from the working
folder (the nearest folder upwards that has ``pubkit.toml``).

This module is the one place that decides the program's name. pubkit's messages and hints
name commands as the checkout runs them (``invoke status --queue``); run as ``pubkit``, every
line written to stdout or stderr says ``pubkit status --queue`` instead (only a task's name
after ``invoke`` is rewritten, so other words are left alone). An unknown task or option
exits with 64 (README's exit-code table) and Invoke's own message.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # the C module: loads at once (`signal` imports enum …)
import os


def _interrupted_while_starting(signum, frame) -> None:
    """Ctrl-C during the imports below (0.7 s): nothing is written yet; exit 130, no traceback."""
    os.write(2, b"interrupted\n")
    os._exit(130)


_signal.signal(_signal.SIGINT, _interrupted_while_starting)  # before any heavy import

import re  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from invoke import Exit, Program  # noqa: E402
from invoke.exceptions import ParseError  # noqa: E402

from . import __version__  # noqa: E402
from .errors import ExitCode  # noqa: E402
from .tasks import ns, product  # noqa: E402

NAME = "pubkit"
# A task's last positional argument that may be left out (task → argument, value meant).
OPTIONAL_POSITIONAL = {"init": ("folder", ".")}


def _command_pattern() -> re.Pattern[str]:
    names = sorted({*ns.task_names, "--list", "--help", "--version"}, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w./-])invoke (?=(?:{alternatives})(?![\w.-]))")


COMMAND = _command_pattern()


def as_program(text: str, name: str = NAME) -> str:
    """``text`` with each ``invoke TASK`` written as this program runs it (``pubkit TASK``)."""
    return COMMAND.sub(f"{name} ", text)


class _Renamed:
    """A text stream that writes through :func:`as_program` (everything else is the stream's)."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(as_program(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class PubkitProgram(Program):
    """Invoke's Program, with a parse error (unknown task or option) exiting 64 instead of 1."""

    def parse_core(self, argv) -> None:
        try:
            super().parse_core(argv)
        except ParseError as err:
            raise Exit(message=str(err), code=int(ExitCode.USAGE)) from None

    def parse_tasks(self) -> None:
        try:
            try:
                super().parse_tasks()
            except ParseError as err:  # Invoke has no optional positional: `pubkit init` is `pubkit init .`
                context = getattr(err, "context", None)
                missing = [a.name for a in getattr(context, "missing_positional_args", ())]
                default = OPTIONAL_POSITIONAL.get(getattr(context, "name", None) or "")
                if not default or missing != [default[0]]:
                    raise
                self.core.unparsed = [*self.core.unparsed, default[1]]
                super().parse_tasks()
        except ParseError as err:
            raise Exit(message=f"{err} (`{NAME} --list` shows the tasks, `{NAME} --help TASK` "
                               "a task's options)", code=int(ExitCode.USAGE)) from None


program = PubkitProgram(name=NAME, binary=NAME, namespace=product, version=__version__)


_interrupted = False


def _interrupt(signum, frame) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Run the tasks; Ctrl-C at any moment exits 130 (a task says what was complete; Invoke
    itself would exit 1 for one outside a task)."""
    signal.signal(signal.SIGINT, _interrupt)
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Renamed(out), _Renamed(err)
    try:
        program.run(argv)
    except SystemExit as done:
        if _interrupted and done.code != 130:
            print("interrupted", file=sys.stderr)
            raise SystemExit(130) from None
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        sys.stdout, sys.stderr = out, err
