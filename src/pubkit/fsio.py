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

from .errors import BusyError, EnvironmentProblem, Location


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
            raise EnvironmentProblem(
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def _holder_pid(text: str) -> int | None:
    parts = text.split()
    if len(parts) >= 2 and parts[0] == "pid" and parts[1].isdigit():
        return int(parts[1])
    return None


def _same_file(fh, path: Path) -> bool:
    """Whether the open lock file is still the one at ``path`` (a takeover replaces it)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fh.fileno())
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _take_over(lock_dir: Path, path: Path, note) -> bool:
    """Replace a lock whose recorded holder is no longer running; True when taken over.

    The OS lock of a dead process is released by the kernel, so a held lock naming a dead
    pid means a descendant inherited the descriptor (an orphaned worker of an older run).
    The lock file is replaced by a fresh one (the orphan keeps a lock on a file nobody
    uses any more). A second lock file serializes takeovers, so two runs never both win.
    """
    guard = open(lock_dir / "lock.takeover", "a+")
    try:
        fcntl.flock(guard.fileno(), fcntl.LOCK_EX)
        with open(path, "a+") as current:
            try:
                fcntl.flock(current.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return False  # free after all: take it the ordinary way
            except BlockingIOError:
                pass
            current.seek(0)
            holder = current.read().strip()
        pid = _holder_pid(holder)
        if pid is None or pid == os.getpid() or _pid_alive(pid):
            return False
        fd, tmp = tempfile.mkstemp(prefix=".lock.", dir=lock_dir)
        os.close(fd)
        os.replace(tmp, path)
        note(f"note: took over the project lock left by pid {pid}, which is no longer running")
        return True
    finally:
        guard.close()


def _note(message: str) -> None:
    import sys

    print(message, file=sys.stderr)


@contextlib.contextmanager
def project_lock(root: Path, *, wait: float = 0.0, note=_note):
    """Hold the project's lock (``.pubkit/lock``) so two runs never write the same files.

    Waits up to ``wait`` seconds for a running pubkit to finish, then raises BusyError.
    The lock is an OS file lock: it is released when the process ends, even by SIGKILL.
    Child processes never keep it: Python opens it non-inheritable and pubkit's render
    workers are spawned, not forked. A lock still held although the pid written in it is
    gone (an older run's orphan) is taken over, with a ``note``.
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
    path = lock_dir / "lock"
    deadline = time.monotonic() + wait
    while True:
        try:
            lock_dir.mkdir(exist_ok=True)
            fh = open(path, "a+")
        except OSError as err:
            raise _os_problem(err, path) from None
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            if _take_over(lock_dir, path, note):
                continue
            if time.monotonic() >= deadline:
                raise BusyError(
                    f"another pubkit run is working in this project{f' ({holder})' if holder else ''}",
                    location=Location(path),
                    hint="wait for it to finish and run the command again",
                ) from None
            time.sleep(0.1)
            continue
        if not _same_file(fh, path):  # replaced by a takeover while we waited: lock the new one
            fh.close()
            continue
        break
    try:
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
