"""One base error for everything a user can cause, with a category and an exit code.

Anything that is not a :class:`PubkitError` is a bug in pubkit and shows a traceback.
Diagnostics are data (code, severity, location, message, hint) so that tasks can print
them, count them and emit them as JSON without parsing strings.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path


class ExitCode(enum.IntEnum):
    """Documented exit codes: README's table "When something goes wrong" lists exactly these
    (a test parses it and compares)."""

    OK = 0
    CHECK_FAILED = 1  # `check --strict` found errors; the run itself worked
    USAGE = 64  # a task's option is wrong: an unknown format, no entries named (EX_USAGE)
    INPUT = 65  # a source, PO file or model package is malformed (EX_DATAERR)
    MISSING = 66  # a file, model or tool that is needed does not exist (EX_NOINPUT)
    UNAVAILABLE = 69  # a service or device is unavailable: network, CUDA (EX_UNAVAILABLE)
    ENVIRONMENT = 73  # cannot write output: read-only folder, full disk (EX_CANTCREAT)
    BUSY = 75  # another pubkit run holds the lock, or a file changed meanwhile; try again (EX_TEMPFAIL)
    CONFIG = 78  # the project configuration or a template is wrong (EX_CONFIG)
    INTERRUPTED = 130  # Ctrl-C; files already written are complete


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Location:
    """A place in a file a person can open: path and 1-based line (0 when unknown)."""

    path: Path | str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


@dataclass(frozen=True)
class Diagnostic:
    """One finding: stable code, severity, where, what, and how to fix it."""

    code: str
    severity: Severity
    message: str
    location: Location | None = None
    hint: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def format(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value} {self.code}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": str(self.location.path) if self.location else None,
            "line": self.location.line if self.location else None,
            "hint": self.hint,
            **self.extra,
        }


_REPR = re.compile(r" ?<[\w.]+ object at 0x[0-9a-fA-F]+>")


def without_reprs(text: str) -> str:
    """``text`` without Python object reprs (``<_io.BytesIO object at 0x7f…>``, as a library's
    message may hold): they mean nothing to a user and differ from run to run."""
    return _REPR.sub("", text)


class PubkitError(Exception):
    """Base of every error a user can cause or fix. Carries a category and an exit code.
    The message never shows a Python object's repr (:func:`without_reprs`)."""

    category = "error"
    exit_code = ExitCode.INPUT

    def __init__(self, message: str, *, location: Location | None = None, hint: str = ""):
        message = without_reprs(message)
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(PubkitError):
    """A source article, PO file or model package cannot be read as it is."""

    category = "input"
    exit_code = ExitCode.INPUT


class MissingError(PubkitError):
    """Something needed does not exist: a file, a model for a language pair, a tool."""

    category = "missing"
    exit_code = ExitCode.MISSING


class UnavailableError(PubkitError):
    """A network service or device is not available (no network, no CUDA)."""

    category = "unavailable"
    exit_code = ExitCode.UNAVAILABLE


class EnvironmentProblem(PubkitError):
    """Output cannot be written: read-only folder, full disk, missing permissions."""

    category = "environment"
    exit_code = ExitCode.ENVIRONMENT


class UsageError(PubkitError):
    """A task's option is wrong: an unknown format, or nothing selected."""

    category = "usage"
    exit_code = ExitCode.USAGE


class ConflictError(EnvironmentProblem):
    """A file changed on disk while pubkit was running (a reviewer saved it): not overwritten."""

    category = "conflict"
    exit_code = ExitCode.BUSY


class BusyError(PubkitError):
    """Another pubkit run holds the project lock."""

    category = "busy"
    exit_code = ExitCode.BUSY


class ConfigError(PubkitError):
    """The project configuration, a template or a font set-up is wrong."""

    category = "config"
    exit_code = ExitCode.CONFIG


class CheckFailed(PubkitError):
    """`check --strict` found errors."""

    category = "check"
    exit_code = ExitCode.CHECK_FAILED
