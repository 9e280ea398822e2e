"""Faults: SIGKILL at random points during `translate` and `publish` loses nothing.

After every kill: each PO file parses and still holds every reviewed translation it had
(current, stale or obsolete), and dist/ holds only complete editions. Then the next run
finishes the job. The kills alternate between the whole process group and the main
process alone; after a kill of the main process alone no process of the run survives
(render workers die with their parent) and the project lock is free at once. 50 kills per
command (seeded, so a failure can be replayed; ``PUBKIT_KILLS`` changes the count).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pubkit.catalog.po import load
from pubkit.errors import BusyError
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


def _group_gone(pgid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _assert_usable_after_main_kill(root: Path, proc: subprocess.Popen, i: int) -> None:
    """Only the main process was killed: nothing of the run may survive it, nor hold the lock."""
    from pubkit.fsio import project_lock

    survivors = _group_gone(proc.pid)
    if not survivors:
        os.killpg(proc.pid, signal.SIGKILL)  # leave nothing running behind the test
    assert survivors, f"processes of the killed run outlived its main process (kill {i})"
    with project_lock(root, wait=2):  # BusyError (exit 75) here is the bug of issue 10
        pass


def _kill_loop(root: Path, code: str, rng: random.Random, before_each, env_extra=None):
    """Kill the command at a random moment of its run (the run is timed once first).

    Even kills hit the process group, odd ones the main process alone."""
    reviewed = _reviewed(root)
    assert sum(map(len, reviewed.values())) > 0
    before_each(-1)  # a state of its own, so that run 0 has work to do
    start = time.monotonic()
    assert _run(root, code, env_extra).wait(timeout=300) == 0
    max_delay = (time.monotonic() - start) * 0.8
    kills = 0
    for i in range(KILLS):
        before_each(i)
        proc = _run(root, code, env_extra)
        time.sleep(rng.uniform(0.05, max_delay))
        main_only = i % 2 == 1
        if proc.poll() is None:
            if main_only:
                os.kill(proc.pid, signal.SIGKILL)
            else:
                os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        code_ = proc.wait()
        assert code_ in (0, -signal.SIGKILL), f"run {i} exited {code_}: {proc.stderr.read().decode()[-2000:]}"
        if main_only:
            _assert_usable_after_main_kill(root, proc, i)
        for po, texts in reviewed.items():
            assert texts <= _all_msgstrs(po, root), f"reviewed text lost in {po} after kill {i}"
        _assert_dist_complete(root / "dist")
    assert kills >= KILLS * 0.6, f"only {kills} of {KILLS} runs were killed mid-way"
    return reviewed


def _toggle_source(root: Path):
    seed = root / SEED_FILE
    original = seed.read_text(encoding="utf-8")

    def before_each(i: int) -> None:
        # a new edit every run: each run has work (an unchanged project is a no-op in
        # milliseconds, too quick to kill); the final run restores the original
        text = original.replace(PARA, f"Practice (edit {i}) has destroyed these aphorisms.")
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
    _assert_checksums_true(project / "dist")


def _assert_checksums_true(dist: Path) -> None:
    import hashlib

    listed = dict(reversed(line.split("  ", 1)) for line in (dist / "SHA256SUMS").read_text().splitlines())
    actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in dist.iterdir() if p.suffix in (".epub", ".pdf") and not p.name.startswith(".")}
    assert listed == actual


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
        # every passage reviewed or drafted; the printed metadata is never drafted (a person's)
        entries = [e for e in load(po, root=project).po if not e.obsolete]
        states = {state_of(e) for e in entries if not (e.msgctxt or "").startswith("meta:")}
        assert states <= {State.REVIEWED, State.MACHINE}, (po, states)
        assert all(state_of(e) in (State.REVIEWED, State.UNTRANSLATED) for e in entries
                   if (e.msgctxt or "").startswith("meta:")), po


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _articles(project: Path, n: int) -> None:
    for i in range(n):
        text = f"# Article {i}\n\n" + "\n\n".join(
            f"Paragraph {j} of article {i}, with the words strike, wage and council."
            for j in range(3 + i % 5))
        (project / "seeds" / f"note-{i}.md").write_text(text + "\n", encoding="utf-8")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_killing_only_the_main_process_of_build_kills_its_workers(project):
    """Issue 10: SIGKILL to the main process alone; the render workers die with it, and the
    next build is not refused (exit 75) and finishes the job."""
    _articles(project, 6)
    code = ("import sys; from pathlib import Path; from pubkit.commands.build import run\n"
            "run(root=Path(sys.argv[1]), langs=['en'])\n")
    proc = _run(project, code)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in _children(proc.pid) if b"resource_tracker" not in _cmdline(c)]
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None and len(workers) >= 2, "the build never started two render workers"
    time.sleep(1.0)  # let them render
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone = _group_gone(proc.pid)
    if not gone:
        os.killpg(proc.pid, signal.SIGKILL)  # leave nothing running behind the test
    assert gone, "render workers outlived the main process"
    for w in workers:
        assert not Path(f"/proc/{w}").exists() or "Z" in Path(f"/proc/{w}/stat").read_text().split()[2]
    _assert_dist_complete(project / "dist")
    done = _run(project, code)
    assert done.wait(timeout=300) == 0, done.stderr.read().decode()
    names = {p.name for p in (project / "dist").iterdir()}
    assert {f"note-{i}.en.{f}" for i in range(6) for f in ("epub", "pdf")} <= names
    _assert_checksums_true(project / "dist")


def test_a_lock_left_by_a_dead_run_is_taken_over_with_a_note(project):
    """An orphan holds .pubkit/lock but the run that wrote its pid is gone: taken over."""
    from pubkit.fsio import project_lock

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (project / ".pubkit").mkdir(exist_ok=True)
    holder_code = ("import fcntl, sys, time\n"
                   "fh = open(sys.argv[1], 'a+'); fcntl.flock(fh, fcntl.LOCK_EX)\n"
                   "fh.seek(0); fh.truncate(); fh.write(sys.argv[2]); fh.flush()\n"
                   "print('held', flush=True); time.sleep(60)\n")
    lock = project / ".pubkit" / "lock"
    orphan = subprocess.Popen([sys.executable, "-c", holder_code, str(lock), f"pid {dead.pid}"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert orphan.stdout.readline().strip() == "held"
        notes: list[str] = []
        with project_lock(project, note=notes.append):
            assert lock.read_text() == f"pid {os.getpid()}"
            # while we hold the new lock, another run is refused as usual
            child = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path\n"
                                    "from pubkit.fsio import project_lock\n"
                                    "with project_lock(Path(sys.argv[1])): pass", str(project)],
                                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                                   capture_output=True, text=True)
            assert child.returncode != 0 and "BusyError" in child.stderr
        assert notes == [f"note: took over the project lock left by pid {dead.pid}, "
                         "which is no longer running"]
    finally:
        orphan.kill()
        orphan.wait()


def test_a_lock_held_by_a_live_run_is_not_taken_over(project):
    from pubkit.fsio import project_lock

    (project / ".pubkit").mkdir(exist_ok=True)
    code = ("import sys, time; from pathlib import Path; from pubkit.fsio import project_lock\n"
            "with project_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(project)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BusyError) as err:
            with project_lock(project, note=lambda m: pytest.fail(m)):
                pass
        assert f"pid {holder.pid}" in err.value.message and err.value.exit_code == 75
    finally:
        holder.kill()
        holder.wait()
