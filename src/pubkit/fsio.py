"""File IO at the edges: bounded reads, writes proven inside the project, atomic writes, the lock.

Every file pubkit writes goes through :func:`atomic_write`: the bytes go to a temporary
file in the same folder, are flushed to disk, and replace the target with one rename. A
reader (or a killed run) sees the old file or the new one, never half of one.

Every path pubkit writes is first proven inside the project by :func:`inside_project`
(resolved, so a symlinked folder cannot lead out). Every input file is read by
:func:`read_bounded`: regular files only (a FIFO or a device is refused without blocking),
links only where they stay inside the project, and at most :data:`READ_LIMITS` bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .errors import BusyError, ConflictError, EnvironmentProblem, InputError, Location

MB = 1024 * 1024
# Generous but finite: the largest honest file of each kind is far below these.
READ_LIMITS: dict[str, int] = {
    "seed": 20 * MB,
    "sidecar": 1 * MB,
    "po": 50 * MB,
    "config": 1 * MB,
    "template": 64 * MB,  # templates/ holds fonts too
    "glossary": 10 * MB,
    "manifest": 10 * MB,
    "image": 20 * MB,  # a local image an article embeds (pubkit.images)
}


def _shown(path: Path, root: Path | None) -> Path:
    if root is not None:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
        except ValueError:
            pass
    return Path(path)


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def printable(path: Path | str) -> str:
    """A path as it can be shown on one line: control characters written as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(path))


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def inside_project(root: Path, path: Path, *, what: str = "", for_write: bool = False) -> Path:
    """``path`` resolved, if it lies inside ``root`` (resolved); else an InputError (exit 65).

    Symlinks anywhere on the way are followed before the check, so a link to a folder elsewhere
    cannot carry a write (or a read) out of the project. ``what`` names where the path came from
    (e.g. "the slug in seeds/x.yaml") for the message. The path need not exist yet. With
    ``for_write``, a name holding a control character (NUL, a line break) is refused too: such a
    name would break ``SHA256SUMS`` and every tool that reads file names line by line.
    """
    base = Path(root).resolve()
    raw = os.fspath(path)
    if "\0" in raw or (for_write and _CONTROL.search(raw)):
        raise InputError(
            f"refusing a file name with a control character: '{printable(raw)}'",
            location=Location(printable(_shown(Path(raw.replace(chr(0), "?")), root))),
            hint=(f"{what}: " if what else "") + "use names of letters, digits and '-'",
        )
    full = Path(path) if Path(path).is_absolute() else base / path
    resolved = full.resolve()
    try:
        resolved.relative_to(base)
    except ValueError:
        raise InputError(
            f"{what + ' ' if what else ''}leads to {printable(resolved)}, "
            f"outside the project ({base}); refused",
            location=Location(printable(_shown(full, root))),
            hint="pubkit reads and writes only inside the project folder: "
            "remove the link (or the '..') that leads out",
        ) from None
    return resolved


def read_bounded(path: Path, kind: str, *, root: Path | None = None) -> bytes:
    """The bytes of a regular file of ``kind`` (a key of :data:`READ_LIMITS`), refusing anything else.

    - a FIFO, device, socket or folder is refused without opening it for long (never blocks);
    - with ``root``, a symlink that resolves outside the project is refused;
    - a file larger than the limit for its kind is refused before it is read.
    FileNotFoundError is passed on (callers decide whether a missing file is fine).
    """
    limit = READ_LIMITS[kind]
    shown = Path(printable(_shown(Path(path), root)))
    if root is not None:
        inside_project(root, path)
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            f"is {_file_kind(st.st_mode)}, not a regular file; pubkit reads only regular files",
            location=Location(shown), hint="replace it with an ordinary file (or move it out of the project)",
        )
    _check_size(st.st_size, limit, kind, shown)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)  # the file may have been swapped since the stat above
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"is {_file_kind(st.st_mode)}, not a regular file", location=Location(shown),
                             hint="replace it with an ordinary file")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 * MB, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                _check_size(total, limit, kind, shown)
    finally:
        os.close(fd)
    return b"".join(chunks)


def _check_size(size: int, limit: int, kind: str, shown: Path) -> None:
    if size > limit:
        raise InputError(
            f"is larger than {limit // MB} MB, the limit for {'an' if kind[0] in 'aeiou' else 'a'} "
            f"{kind} file; not read",
            location=Location(shown), hint=f"a {kind} file is normally far smaller: is this the right file?",
        )


def atomic_write(
    path: Path, data: bytes | str, *, expect_mtime_ns: int | None = None, expect_absent: bool = False,
    root: Path | None = None, tmp_dir: Path | None = None,
) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename + fsync of the folder).

    ``root``: the project; the path is first proven inside it (:func:`inside_project`).
    ``tmp_dir``: where the temporary file lives (default: beside ``path``), for a folder that
    must never hold one, even for the moment a kill can freeze (``dist/``); used only on the
    same file system as ``path``, so that the rename stays atomic.

    ``expect_mtime_ns``: the modification time the caller saw when it read the file; if the
    file changed on disk since (a reviewer saved it meanwhile), nothing is written and
    :class:`EnvironmentProblem` says so. ``expect_absent``: the caller saw no file; one created
    meanwhile is not replaced. Neither check can race the rename on Linux: the new file is
    swapped in with ``renameat2(RENAME_EXCHANGE)`` and the file it displaced is checked *after*
    the swap (and swapped back if it is not the one the caller read); a new file goes in with
    ``RENAME_NOREPLACE``. Elsewhere the check is made right before the rename.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    if root is not None:
        inside_project(root, path, for_write=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _check_unchanged(path, expect_mtime_ns, expect_absent)  # fail early: nothing to clean up
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=_tmp_dir_for(path, tmp_dir))
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
            if not _exists(path):
                os.chmod(tmp, 0o644)
            _commit(Path(tmp), path, expect_mtime_ns, expect_absent)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(path.parent)
    except OSError as err:
        raise _os_problem(err, path) from None


def _tmp_dir_for(path: Path, tmp_dir: Path | None) -> Path:
    """``tmp_dir`` when it is on ``path``'s file system (a rename between them is atomic), else
    ``path``'s folder."""
    if tmp_dir is not None:
        with contextlib.suppress(OSError):
            if os.stat(tmp_dir).st_dev == os.stat(path.parent).st_dev:
                return tmp_dir
    return path.parent


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _changed(path: Path) -> ConflictError:
    return ConflictError(
        "changed on disk while pubkit was running; not overwritten",
        location=Location(path),
        hint="your edits are kept; run the command again to merge them",
    )


def _check_unchanged(path: Path, expect_mtime_ns: int | None, expect_absent: bool) -> None:
    if expect_absent and _exists(path):
        raise _changed(path)
    if expect_mtime_ns is not None and path.exists() and path.stat().st_mtime_ns != expect_mtime_ns:
        raise _changed(path)


def _commit(tmp: Path, path: Path, expect_mtime_ns: int | None, expect_absent: bool) -> None:
    """Rename ``tmp`` onto ``path`` so that a file changed (or created) meanwhile is never lost."""
    if expect_absent:
        try:
            _rename2(tmp, path, _RENAME_NOREPLACE)
            return
        except FileExistsError:
            raise _changed(path) from None
        except OSError as err:
            if err.errno not in (errno.ENOSYS, errno.EINVAL):
                raise
        _check_unchanged(path, None, True)
        os.replace(tmp, path)
        return
    if expect_mtime_ns is None or os.path.islink(path):
        _check_unchanged(path, expect_mtime_ns, False)
        os.replace(tmp, path)
        return
    try:
        _rename2(tmp, path, _RENAME_EXCHANGE)
    except FileNotFoundError:  # the file was removed meanwhile: nothing of anyone's to keep
        os.replace(tmp, path)
        return
    except OSError as err:
        if err.errno not in (errno.ENOSYS, errno.EINVAL):
            raise
        _check_unchanged(path, expect_mtime_ns, False)
        os.replace(tmp, path)
        return
    # ``tmp`` now holds the file we displaced: is it the one the caller read?
    if os.lstat(tmp).st_mtime_ns == expect_mtime_ns:
        os.unlink(tmp)
        return
    try:
        _rename2(tmp, path, _RENAME_EXCHANGE)  # put the reviewer's file back
    except OSError:
        raise EnvironmentProblem(
            f"changed on disk while pubkit was running; the changed file was kept as {tmp.name}",
            location=Location(path), hint=f"rename {tmp.name} back to {path.name} to keep those edits",
        ) from None
    raise _changed(path)


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_renameat2: Callable[..., int] | None
try:
    _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
except (AttributeError, OSError):  # not Linux, or an old C library
    _renameat2 = None


def _rename2(src: Path, dst: Path, flags: int) -> None:
    """Linux ``renameat2``; OSError(ENOSYS) where it does not exist."""
    if _renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if _renameat2(-100, os.fsencode(src), -100, os.fsencode(dst), ctypes.c_uint(flags)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(dst))


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a crash right after it keeps the new name)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
            os.fsync(fd)
    finally:
        os.close(fd)


def make_dir(root: Path, path: Path, *, what: str = "") -> Path:
    """``path`` as a folder inside the project, made if missing; a file or anything else in its
    way, or a folder that cannot be made, is an :class:`EnvironmentProblem` (exit 73)."""
    inside_project(root, path, what=what or str(path), for_write=True)
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise EnvironmentProblem(
            "is a file, not a folder: nothing can be written into it",
            location=Location(_shown(Path(path), root)),
            hint="move the file away (pubkit makes the folder itself)",
        ) from None
    except OSError as err:
        raise _os_problem(err, Path(path)) from None
    return Path(path)


def os_problem(err: OSError, path: Path | str | None = None) -> EnvironmentProblem:
    """An OSError met while writing as exit 73, naming the path (the error's own, else ``path``)."""
    where = err.filename if isinstance(err.filename, (str, os.PathLike)) and err.filename else path
    return _os_problem(err, Path(where or "."))


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
    inside_project(root, path, what="the project lock", for_write=True)
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
