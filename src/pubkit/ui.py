"""Terminal output: quiet and useful. Messages go to stderr; data (tables, JSON) to stdout."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.markup import escape

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
# Off a terminal (pipes, CI logs) rich would assume 80 columns and cut table cells.
out_console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)


def print_error(err) -> None:
    from .errors import PubkitError

    # Messages quote what users wrote (a slug, a correction, a file name): printed as text, never
    # as Rich markup, so "[/note]" in a value can neither restyle the message nor crash it.
    if isinstance(err, PubkitError):
        where = f"{err.location}: " if err.location else ""
        err_console.print(f"[bold red]error[/] [dim]({err.category})[/]: {escape(where + err.message)}",
                          markup=True, highlight=False)
        if err.hint:
            err_console.print(f"  [cyan]hint[/]: {escape(err.hint)}")
    else:
        err_console.print(f"[bold red]error[/]: {escape(str(err))}")


def info(message: str) -> None:
    err_console.print(message, markup=False)


def progress_enabled() -> bool:
    """Progress bars only on a terminal (not in CI logs or tests), unless forced."""
    if os.environ.get("PUBKIT_PROGRESS") == "1":
        return True
    return sys.stderr.isatty() and not os.environ.get("CI")
