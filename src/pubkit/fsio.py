"""File IO at the edges: atomic writes and the project lock.

Every file pubkit writes goes through :func:`atomic_write`: the bytes go to a temporary
file in the same folder, are flushed to disk, and replace the target with one rename. A
reader (or a killed run) sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import time
from pathlib import Path

from .errors import BusyError, ConflictError, EnvironmentProblem, Location


def atomic_write(path: Path, data: bytes | str, *, expect_mtime_ns: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename).

    ``expect_mtime_ns``: the modification time the caller saw when it read the file; if the
    file changed on disk since (a reviewer saved it meanwhile), nothing is written and
    :class:`EnvironmentProblem` says so.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if expect_mtime_ns is not None and path.exists() and path.stat().st_mtime_ns != expect_mtime_ns:
            raise ConflictError(
                "changed on disk while pubkit was running; not overwritten",
                location=Location(path),
                hint="your edits are kept; run the command again to merge them",
            )
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if path.exists():
                os.chmod(tmp, path.stat().st_mode & 0o777)
            else:
                os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as err:
        raise _os_problem(err, path) from None


def _os_problem(err: OSError, path: Path) -> EnvironmentProblem:
    if err.errno == errno.ENOSPC:
        hint = "free some disk space; the previous file is unchanged"
    elif err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "make the folder writable (or run where you may write); nothing was changed"
    else:
        hint = "nothing was changed"
    return EnvironmentProblem(f"cannot write: {err.strerror}", location=Location(path), hint=hint)


_held: dict[str, int] = {}


@contextlib.contextmanager
def project_lock(root: Path, *, wait: float = 0.0):
    """Hold the project's lock (``.pubkit/lock``) so two runs never write the same files.

    Waits up to ``wait`` seconds for a running pubkit to finish, then raises BusyError.
    The lock is an OS file lock: it is released when the process ends, even by SIGKILL.
    It is re-entrant within one process (``publish`` holds it while calling ``update``).
    """
    key = str(Path(root).resolve())
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    lock_dir = root / ".pubkit"
    try:
        lock_dir.mkdir(exist_ok=True)
        fh = open(lock_dir / "lock", "a+")
    except OSError as err:
        raise _os_problem(err, lock_dir / "lock") from None
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip()
                    raise BusyError(
                        f"another pubkit run is working in this project{f' ({holder})' if holder else ''}",
                        location=Location(lock_dir / "lock"),
                        hint="wait for it to finish and run the command again",
                    ) from None
                time.sleep(0.1)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        _held[key] = 1
        try:
            yield
        finally:
            _held.pop(key, None)
    finally:
        fh.close()
