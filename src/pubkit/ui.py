"""Terminal output: quiet and useful. Messages go to stderr; data (tables, JSON) to stdout."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.text import Text

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
# Off a terminal (pipes, CI logs) rich would assume 80 columns and cut table cells.
out_console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)


def print_error(err) -> None:
    """Print an error as text: user-supplied strings (a correction's ``find: "[/note]"``, a
    file name) are never read as Rich markup."""
    from .errors import PubkitError

    line = Text()
    line.append("error", style="bold red")
    if isinstance(err, PubkitError):
        where = f"{err.location}: " if err.location else ""
        line.append(f" ({err.category})", style="dim")
        line.append(f": {where}{err.message}")
        err_console.print(line, highlight=False)
        if err.hint:
            hint = Text("  ")
            hint.append("hint", style="cyan")
            hint.append(f": {err.hint}")
            err_console.print(hint, highlight=False)
    else:
        line.append(f": {err}")
        err_console.print(line, highlight=False)


def info(message: str) -> None:
    err_console.print(message, markup=False)


def progress_enabled() -> bool:
    """Progress bars only on a terminal (not in CI logs or tests), unless forced."""
    if os.environ.get("PUBKIT_PROGRESS") == "1":
        return True
    return sys.stderr.isatty() and not os.environ.get("CI")
