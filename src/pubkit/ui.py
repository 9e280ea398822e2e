"""Terminal output: quiet and useful. Messages go to stderr; data (tables, JSON) to stdout."""

from __future__ import annotations

import os
import sys

from rich.console import Console

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
# Off a terminal (pipes, CI logs) rich would assume 80 columns and cut table cells.
out_console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)


def print_error(err) -> None:
    from .errors import PubkitError

    if isinstance(err, PubkitError):
        where = f"{err.location}: " if err.location else ""
        err_console.print(f"[bold red]error[/] [dim]({err.category})[/]: {where}{err.message}", markup=True, highlight=False)
        if err.hint:
            err_console.print(f"  [cyan]hint[/]: {err.hint}")
    else:
        err_console.print(f"[bold red]error[/]: {err}")


def info(message: str) -> None:
    err_console.print(message, markup=False)


def progress_enabled() -> bool:
    """Progress bars only on a terminal (not in CI logs or tests), unless forced."""
    if os.environ.get("PUBKIT_PROGRESS") == "1":
        return True
    return sys.stderr.isatty() and not os.environ.get("CI")
