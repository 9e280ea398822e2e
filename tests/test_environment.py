"""Environment faults: read-only translations/, a full disk, a second run at once."""

from __future__ import annotations

import errno
import os

import pytest

from pubkit.commands import update
from pubkit.errors import EnvironmentProblem, ExitCode
from pubkit.fsio import atomic_write

SEED = "seeds/kazakh-workers-revolt-2022.txt"


def _edit_source(project):
    seed = project / SEED
    seed.write_text(seed.read_text(encoding="utf-8").replace("Practice has", "Practice, indeed, has"), encoding="utf-8")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_translations_folder(project):
    _edit_source(project)
    folder = project / "translations" / "ru"
    before = (folder / "kazakh-workers-revolt-2022.po").read_bytes()
    folder.chmod(0o555)
    try:
        with pytest.raises(EnvironmentProblem) as err:
            update.run(root=project)
    finally:
        folder.chmod(0o755)
    assert err.value.exit_code == ExitCode.ENVIRONMENT and "writable" in err.value.hint
    assert (folder / "kazakh-workers-revolt-2022.po").read_bytes() == before


def test_read_only_file_system_is_reported(project, monkeypatch):
    """As root chmod does not stop writes, so the same path is shown with EROFS from the OS."""
    _edit_source(project)
    po = project / "translations" / "ru" / "kazakh-workers-revolt-2022.po"
    before = po.read_bytes()

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("pubkit.fsio.tempfile.mkstemp", refuse)
    with pytest.raises(EnvironmentProblem) as err:
        update.run(root=project)
    assert err.value.exit_code == ExitCode.ENVIRONMENT
    assert "Read-only file system" in err.value.message and "translations" in str(err.value.location)
    assert po.read_bytes() == before


def test_full_disk_keeps_the_original(tmp_path, monkeypatch):
    target = tmp_path / "file.po"
    target.write_text("original", encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("pubkit.fsio.os.fsync", full)
    with pytest.raises(EnvironmentProblem) as err:
        atomic_write(target, "new content")
    assert err.value.exit_code == ExitCode.ENVIRONMENT and "disk space" in err.value.hint
    assert target.read_text(encoding="utf-8") == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["file.po"]  # no temporary file left


def test_file_changed_on_disk_is_not_overwritten(tmp_path):
    target = tmp_path / "x.po"
    target.write_text("reviewer's text", encoding="utf-8")
    seen = target.stat().st_mtime_ns
    os.utime(target, ns=(seen + 10**9, seen + 10**9))  # a reviewer saved meanwhile
    with pytest.raises(EnvironmentProblem, match="changed on disk"):
        atomic_write(target, "stale content", expect_mtime_ns=seen)
    assert target.read_text(encoding="utf-8") == "reviewer's text"
