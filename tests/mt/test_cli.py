"""The console script ``pubkit`` (an Invoke Program) and the checkout's ``invoke`` share one task set;
the checkout adds the tasks that need it (test, bench, lint)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pubkit(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    code = "import sys; from pubkit.cli import main; sys.argv[0] = 'pubkit'; main()"
    full = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          env=full, timeout=120)


def _tasks(listing: str) -> set[str]:
    return {line.split()[0] for line in listing.splitlines() if line.startswith("  ") and line.strip()
            and not line.startswith("   ")}


def test_same_tasks_as_invoke_in_the_checkout(tmp_path):
    ours = _pubkit("--list", cwd=tmp_path)
    theirs = subprocess.run([sys.executable, "-m", "invoke", "--list"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert ours.returncode == 0 and theirs.returncode == 0, ours.stderr + theirs.stderr
    assert _tasks(ours.stdout) == _tasks(theirs.stdout) - {"test", "bench", "lint"}
    assert {"test", "bench", "lint"} <= _tasks(theirs.stdout)
    assert {"init", "publish", "translate", "models.install", "models.remove"} <= _tasks(ours.stdout)
    assert _pubkit("--version", cwd=tmp_path).stdout.startswith("pubkit")


def test_runs_in_the_project_of_the_working_folder(tmp_path, archives, mt_project):
    sub = mt_project / "seeds"
    done = _pubkit("models.install", "--file", str(archives["en-ru"]), cwd=sub)
    assert done.returncode == 0, done.stderr
    assert (mt_project / "models" / "translate-en_ru-1_0" / "metadata.json").is_file()
    listed = _pubkit("models.list", cwd=sub)
    assert "translate-en_ru" in listed.stdout


def test_errors_keep_their_exit_codes(tmp_path, mt_project):
    bad = _pubkit("models.install", "--file", "/dev/zero", cwd=mt_project)
    assert bad.returncode == 65 and "regular file" in bad.stderr and "Traceback" not in bad.stderr
    nowhere = _pubkit("models.list", cwd=tmp_path)
    assert nowhere.returncode == 78 and "pubkit.toml" in nowhere.stderr
