"""Every documented exit code is produced by a real run of the command line a user types.

One case per code of :class:`pubkit.errors.ExitCode` (which a test in ``test_reviewer.py``
compares with README's table): the console script runs in a scratch copy of the project, in a
child process, exactly as `pubkit …` / `invoke …` would; the case list must cover every code.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pubkit.errors import ExitCode

CLI = "import sys; from pubkit.cli import main; sys.argv[0] = 'pubkit'; main()"
SRC = Path(__file__).resolve().parents[1] / "src"


def _pubkit(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", CLI, *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _broken_tag(project: Path) -> None:
    po = project / "translations" / "ru" / "kazakh-workers-revolt-2022.po"
    text = po.read_text(encoding="utf-8")
    old = 'msgstr "Буржуазия Казахстана"'
    assert old in text
    po.write_text(text.replace(old, 'msgstr "<3>Буржуазия Казахстана"'), encoding="utf-8")


def _bad_seed(project: Path) -> None:
    (project / "seeds" / "broken.txt").write_bytes(b"A title\n\nText with a \x00 NUL byte.\n")


def _dist_is_a_file(project: Path) -> None:
    (project / "dist").write_text("not a folder")


def _bad_config(project: Path) -> None:
    (project / "pubkit.toml").write_text("[project\n", encoding="utf-8")


CASES = {  # code: (prepare, command line, words the message must hold)
    ExitCode.OK: (None, ["status"], ""),
    ExitCode.CHECK_FAILED: (_broken_tag, ["check", "--strict", "--lang", "ru"], "tags"),
    ExitCode.USAGE: (None, ["build", "--format", "docx"], "unknown format"),
    ExitCode.INPUT: (_bad_seed, ["update"], "broken.txt"),
    ExitCode.MISSING: (None, ["build", "--article", "nosuch"], "known: kazakh-workers-revolt-2022"),
    ExitCode.UNAVAILABLE: (None, ["models.install", "--pair", "en-ru", "--url", "http://127.0.0.1:9/x.argosmodel"],
                           "cannot reach"),
    ExitCode.ENVIRONMENT: (_dist_is_a_file, ["build", "--lang", "en", "--format", "epub"], "not a folder"),
    ExitCode.BUSY: ("lock", ["update"], "another pubkit run"),
    ExitCode.CONFIG: (_bad_config, ["status"], "pubkit.toml"),
    ExitCode.INTERRUPTED: ("sigint", ["build"], "interrupted"),
}


def test_every_documented_code_has_a_case():
    assert set(CASES) == set(ExitCode)


@pytest.mark.slow
@pytest.mark.parametrize("code", list(ExitCode), ids=lambda c: f"{c.value}-{c.name.lower()}")
def test_the_command_line_exits_with_the_documented_code(project, code):
    prepare, args, words = CASES[code]
    if prepare == "lock":
        from pubkit.fsio import project_lock

        with project_lock(project):  # held by this (live) process: never taken over
            result = _pubkit(project, *args)
    elif prepare == "sigint":
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        proc = subprocess.Popen([sys.executable, "-c", CLI, *args], cwd=project, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not (project / "dist").is_dir() and time.monotonic() < deadline:
            time.sleep(0.05)  # rendering has begun: editions are being written
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        result = subprocess.CompletedProcess(args, proc.returncode, out, err)
        leftovers = [p.name for p in (project / "dist").iterdir() if p.name.startswith(".")]
        assert not leftovers, "an interrupted build leaves only complete files"
    else:
        if prepare is not None:
            prepare(project)
        result = _pubkit(project, *args)
    assert result.returncode == int(code), result.stderr
    assert "Traceback" not in result.stderr
    assert words.lower() in (result.stdout + result.stderr).lower()
