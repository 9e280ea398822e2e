"""Faults: SIGKILL at random points during `translate` and `publish` loses nothing.

After every kill: each PO file parses and still holds every reviewed translation it had
(current, stale or obsolete), and dist/ holds only complete editions. Then the next run
finishes the job. 50 kills per command (seeded, so a failure can be replayed).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pubkit.catalog.po import load
from pubkit.catalog.states import State, state_of

from .conftest import ROOT

KILLS = int(os.environ.get("PUBKIT_KILLS", "50"))
SEED_FILE = "seeds/kazakh-workers-revolt-2022.txt"
PARA = "Practice has destroyed these aphorisms."


def _reviewed(root: Path) -> dict[Path, set[str]]:
    out = {}
    for po in sorted((root / "translations").rglob("*.po")):
        pf = load(po, root=root)
        out[po] = {e.msgstr for e in pf.po if state_of(e) == State.REVIEWED and not e.obsolete}
    return out


def _all_msgstrs(po: Path, root: Path) -> set[str]:
    pf = load(po, root=root)  # must parse: a half-written file would fail here
    return {e.msgstr for e in pf.po} | {e.msgstr for e in pf.po.obsolete_entries()}


def _assert_dist_complete(dist: Path) -> None:
    if not dist.exists():
        return
    for f in dist.iterdir():
        if f.name.startswith("."):
            continue  # a killed run's temporary file; never an edition, removed by the next run
        if f.suffix == ".epub":
            with zipfile.ZipFile(f) as zf:
                assert zf.testzip() is None, f
                assert zf.namelist()[0] == "mimetype"
        elif f.suffix == ".pdf":
            data = f.read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), f
        elif f.name == "SHA256SUMS":
            for line in f.read_text().splitlines():
                assert len(line.split("  ")) == 2, line


def _run(root: Path, code: str, env_extra=None) -> subprocess.Popen:
    env = {**os.environ, **(env_extra or {}), "PYTHONPATH": str(ROOT / "src")}
    env.pop("CI", None)
    return subprocess.Popen(
        [sys.executable, "-c", code, str(root)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )


def _kill_loop(root: Path, code: str, rng: random.Random, before_each, env_extra=None):
    """Kill the command at a random moment of its run (the run is timed once first)."""
    reviewed = _reviewed(root)
    assert sum(map(len, reviewed.values())) > 0
    before_each(0)
    start = time.monotonic()
    assert _run(root, code, env_extra).wait(timeout=300) == 0
    max_delay = (time.monotonic() - start) * 0.95
    kills = 0
    for i in range(KILLS):
        before_each(i)
        proc = _run(root, code, env_extra)
        time.sleep(rng.uniform(0.05, max_delay))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        for po, texts in reviewed.items():
            assert texts <= _all_msgstrs(po, root), f"reviewed text lost in {po} after kill {i}"
        _assert_dist_complete(root / "dist")
    assert kills >= KILLS * 0.6, f"only {kills} of {KILLS} runs were killed mid-way"
    return reviewed


def _toggle_source(root: Path):
    seed = root / SEED_FILE
    original = seed.read_text(encoding="utf-8")

    def before_each(i: int) -> None:
        text = original if i % 2 else original.replace(PARA, f"Practice (edit {i}) has destroyed these aphorisms.")
        seed.write_text(text, encoding="utf-8")

    return before_each, lambda: seed.write_text(original, encoding="utf-8")


@pytest.mark.slow
def test_sigkill_during_publish_loses_nothing(project):
    code = ("import sys; from pathlib import Path; from pubkit.commands.publish import run\n"
            "run(root=Path(sys.argv[1]), langs=['en', 'ky'])\n")
    before_each, restore = _toggle_source(project)
    reviewed = _kill_loop(project, code, random.Random(1), before_each)
    restore()
    done = _run(project, code)
    assert done.wait(timeout=300) == 0, done.stderr.read().decode()
    assert _reviewed(project) == reviewed  # the edit was undone: everything is reviewed again
    names = sorted(p.name for p in (project / "dist").iterdir())
    assert names == ["SHA256SUMS"] + [f"kazakh-workers-revolt-2022.{l}.{f}" for l in ("en", "ky") for f in ("epub", "pdf")]
    _assert_dist_complete(project / "dist")


@pytest.mark.slow
def test_sigkill_during_translate_loses_nothing(project, tmp_path):
    from pubkit.mt import packages as pk
    from pubkit.mt.synthetic import build

    models = tmp_path / "models"
    text = (project / SEED_FILE).read_text(encoding="utf-8")
    for target in ("ru", "ky", "fr"):
        pk.install_archive(build(text, tmp_path, "en", target, preset="tiny"), models)
    # Half of each language reviewed, half untranslated: translate has work to do.
    for po in (project / "translations").rglob("*.po"):
        pf = load(po, root=project)
        for n, e in enumerate(e for e in pf.po if not e.obsolete):
            if n % 2:
                e.msgstr = ""
        po.write_text(pf.po.__unicode__(), encoding="utf-8")
    initial = {po: po.read_bytes() for po in (project / "translations").rglob("*.po")}
    code = ("import sys; from pathlib import Path; from pubkit.commands.translate import run\n"
            "run(root=Path(sys.argv[1]))\n")

    def before_each(i: int) -> None:
        if i % 2 == 0:  # start again from untranslated entries now and then, so there is work
            for po, data in initial.items():
                po.write_bytes(data)

    env = {"ARGOS_PACKAGES_DIR": str(models)}
    reviewed = _kill_loop(project, code, random.Random(2), before_each, env)
    done = _run(project, code, env)
    assert done.wait(timeout=300) == 0, done.stderr.read().decode()
    assert _reviewed(project) == reviewed
    for po in (project / "translations").rglob("*.po"):
        states = {state_of(e) for e in load(po, root=project).po if not e.obsolete}
        assert states <= {State.REVIEWED, State.MACHINE}, (po, states)
