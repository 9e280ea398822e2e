"""dist/ is never wrong, even for the moment a kill freezes: SIGKILL `build` at random points and
after every kill `sha256sum -c SHA256SUMS` passes in dist/ (every line it holds is true) and
dist/ holds no temporary file (`.part`, `.tmp`, any hidden file) a distributor could upload.

Every run rebuilds every edition (each gets its own SOURCE_DATE_EPOCH), so each kill lands in a
build that replaces editions SHA256SUMS listed. 20 kills by default (seeded, so a failure can be
replayed); ``PUBKIT_BUILD_KILLS=100`` for the full run of issue 24.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, copy_project

KILLS = int(os.environ.get("PUBKIT_BUILD_KILLS", "20"))
CODE = ("import sys; from pathlib import Path; from pubkit.commands.build import run\n"
        "run(root=Path(sys.argv[1]), langs=['en', 'ru'])\n")


def _start(root: Path, epoch: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SOURCE_DATE_EPOCH": str(epoch)}
    env.pop("CI", None)
    return subprocess.Popen([sys.executable, "-c", CODE, str(root)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _assert_dist_true(dist: Path, when: str) -> None:
    if not dist.exists():
        return
    hidden = [p.name for p in dist.iterdir() if p.name.startswith(".") or p.suffix in (".part", ".tmp")]
    assert not hidden, f"temporary files in dist/ {when}: {hidden}"
    sums = dist / "SHA256SUMS"
    if not sums.exists():
        return  # removed rather than wrong: allowed, the next build writes it
    lines = sums.read_text(encoding="utf-8").splitlines()
    for line in lines:
        digest, name = line.split("  ", 1)
        assert (dist / name).is_file(), f"SHA256SUMS lists {name}, which is not in dist/ {when}"
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, \
            f"SHA256SUMS has a stale hash for {name} {when}"
    tool = shutil.which("sha256sum")
    if tool and lines:
        done = subprocess.run([tool, "-c", "--quiet", "SHA256SUMS"], cwd=dist, capture_output=True, text=True)
        assert done.returncode == 0, f"sha256sum -c failed {when}: {done.stdout}{done.stderr}"


@pytest.mark.slow
def test_sigkill_during_build_never_leaves_dist_wrong(tmp_path):
    project = copy_project(tmp_path)
    for p in (project / "seeds").iterdir():
        p.unlink()
    shutil.copy(ROOT / "tests" / "articles" / "footnotes-plain.txt", project / "seeds" / "footnotes-plain.txt")
    rng = random.Random(24)
    epoch = 1_600_000_000
    start = time.monotonic()
    first = _start(project, epoch)
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()  # type: ignore[union-attr]
    took = time.monotonic() - start
    _assert_dist_true(project / "dist", "after a complete build")
    assert len((project / "dist" / "SHA256SUMS").read_text().splitlines()) == 4
    kills = 0
    for i in range(KILLS):
        epoch += 86_400  # a new epoch: every edition is stale and is replaced
        proc = _start(project, epoch)
        time.sleep(rng.uniform(0.05, took))
        if proc.poll() is None:
            if i % 2:
                os.kill(proc.pid, signal.SIGKILL)  # the main process alone (its workers die with it)
            else:
                os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        rc = proc.wait(timeout=300)
        assert rc in (0, -signal.SIGKILL), f"run {i} exited {rc}: {proc.stderr.read().decode()[-2000:]}"  # type: ignore[union-attr]
        with_group_gone(proc.pid)
        _assert_dist_true(project / "dist", f"after kill {i}")
    assert kills >= KILLS * 0.6, f"only {kills} of {KILLS} runs were killed mid-way"
    final = _start(project, epoch)
    assert final.wait(timeout=300) == 0, final.stderr.read().decode()  # type: ignore[union-attr]
    _assert_dist_true(project / "dist", "after the run that finishes the job")
    assert len((project / "dist" / "SHA256SUMS").read_text().splitlines()) == 4, "the next build lists every edition"


def with_group_gone(pgid: int, within: float = 10.0) -> None:
    """Wait until no process of the killed run is left (render workers die with their parent)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(pgid, signal.SIGKILL)
    pytest.fail("processes of the killed run outlived it")
