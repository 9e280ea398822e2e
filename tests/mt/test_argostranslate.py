"""pubkit and the real argostranslate 1.11 (``argostranslate.package``, no torch) share packages.

argostranslate runs in a fresh interpreter per check (``argos_probe.py``), because it reads its
settings (environment and ``settings.json``) once at import. Every check uses a private HOME and
XDG folders, so nothing outside the test's temporary folder is read or written.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from pubkit.commands import models
from pubkit.commands import translate as translate_cmd
from pubkit.commands import update as update_cmd
from pubkit.mt import packages as pk
from pubkit.mt.synthetic import build

from .conftest import TEXT

pytest.importorskip("argostranslate.package", reason="argostranslate is a test dependency (pip install -e .[test])")

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("argos_probe.py")


def _env(home: Path, packages: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "XDG_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), PYTHONPATH=str(ROOT / "src"))
    if packages is not None:
        env["ARGOS_PACKAGES_DIR"] = str(packages)
    return env


def argos(home: Path, packages: Path | None, *args: str) -> dict:
    run = subprocess.run([sys.executable, str(PROBE), *args], capture_output=True, text=True, timeout=120,
                         env=_env(home, packages))
    assert run.returncode == 0, f"argostranslate failed:\n{run.stderr[-3000:]}"
    return json.loads(run.stdout) if args[0] == "list" else {}


def _listed(home: Path, packages: Path) -> list[tuple[str, str]]:
    return sorted((p["pair"], p["version"]) for p in argos(home, packages, "list")["packages"])


@pytest.fixture(scope="module")
def big(tmp_path_factory, newer) -> Path:
    """``newer`` with 48 MB of incompressible weights more, so that a kill lands mid-extraction."""
    import zipfile

    path = tmp_path_factory.mktemp("big") / newer.name
    shutil.copy(newer, path)
    with zipfile.ZipFile(path, "a") as zf:
        top = zf.namelist()[0].split("/")[0]
        zf.writestr(f"{top}/model/padding.bin", os.urandom(48 * 1024**2))
    return path


@pytest.fixture(scope="module")
def newer(tmp_path_factory) -> Path:
    """en→ru version 1.1 (different weights seed), beside the 1.0 of ``archives``."""
    return build(TEXT, tmp_path_factory.mktemp("newer"), "en", "ru", preset="tiny", version="1.1", seed=99)


def test_a_package_installed_by_pubkit_is_listed_and_loaded_by_argostranslate(tmp_path, archives):
    folder = tmp_path / "packages"
    for pair in ("en-ru", "en-ky", "fr-en"):
        pk.install_archive(archives[pair], folder)
    seen = argos(tmp_path, folder, "list")
    assert seen["packages_dir"] == str(folder)
    assert sorted(p["pair"] for p in seen["packages"]) == ["en-ky", "en-ru", "fr-en"]
    assert all(p["tokens"] > 0 and p["decoded"] and p["version"] == "1.0" for p in seen["packages"])


def test_argostranslate_settings_json_is_honoured_and_its_install_used_by_translate(
        tmp_path, archives, monkeypatch):
    folder = tmp_path / "from-settings"
    (tmp_path / "config" / "argos-translate").mkdir(parents=True)
    (tmp_path / "config" / "argos-translate" / "settings.json").write_text(
        json.dumps({"ARGOS_PACKAGES_DIR": str(folder)}), encoding="utf-8")
    argos(tmp_path, None, "install", str(archives["en-ru"]))  # argostranslate's own installer
    assert _listed(tmp_path, None) == [("en-ru", "1.0")]
    assert [p.name for p in folder.iterdir()] == ["translate-en_ru-1_0"]

    proj = tmp_path / "project"
    proj.mkdir()
    shutil.copy(ROOT / "pubkit.toml", proj / "pubkit.toml")
    shutil.copytree(ROOT / "seeds", proj / "seeds")
    for key, value in _env(tmp_path, None).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    assert pk.packages_dir() == folder
    update_cmd.run(root=proj, langs=["ru"])
    assert translate_cmd.run(root=proj, langs=["ru"], verbose=False) == 0
    (po_path,) = (proj / "translations" / "ru").glob("*.po")
    po = polib.pofile(str(po_path))
    drafts = [e for e in po if e.msgstr and "fuzzy" in e.flags]
    # every passage drafted; the printed metadata (author, countries, source line) never is
    meta = [e for e in po if not e.obsolete and (e.msgctxt or "").startswith("meta:")]
    assert len(drafts) == len([e for e in po if not e.obsolete]) - len(meta) > 20 and len(meta) == 6
    assert all(not e.msgstr for e in meta)
    assert "translate-en_ru" in po_path.read_text(encoding="utf-8")


def test_both_use_the_newest_of_two_installed_versions_and_say_so(tmp_path, archives, newer, mt_project, capsys):
    folder = mt_project / "models"
    argos(tmp_path, folder, "install", str(archives["en-ru"]))
    argos(tmp_path, folder, "install", str(newer))
    assert _listed(tmp_path, folder) == [("en-ru", "1.0"), ("en-ru", "1.1")]
    assert pk.find(folder, "en", "ru").version == "1.1"
    models.run(root=mt_project, action="list")
    out = " ".join(capsys.readouterr().out.split())
    assert "en-ru is installed 2 times" in out and "pubkit uses the newest, 1.1" in out
    models.run(root=mt_project, action="remove", pair="en-ru", keep_newest=True)
    assert _listed(tmp_path, folder) == [("en-ru", "1.1")] and pk.find(folder, "en", "ru").version == "1.1"


def test_installing_with_pubkit_leaves_argostranslate_one_version(tmp_path, archives, newer):
    folder = tmp_path / "packages"
    argos(tmp_path, folder, "install", str(archives["en-ru"]))
    pk.install_archive(newer, folder)
    assert _listed(tmp_path, folder) == [("en-ru", "1.1")]


def _kill_loop(tmp_path: Path, folder: Path, code: str, rounds: int, expect) -> list[float]:
    """Start ``code`` ``rounds`` times, SIGKILL it after delays spread over its normal run time,
    and after each kill check what argostranslate lists with ``expect(listed)``."""
    env = _env(tmp_path, folder)
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", code.split(";")[0]], env=env, check=True, timeout=120)
    imported = time.monotonic() - start  # the interpreter and pubkit's import: nothing happens before
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    full = time.monotonic() - start
    delays = [imported + (full - imported) * (i + 0.5) / rounds for i in range(rounds)]
    for delay in delays:
        proc = subprocess.Popen([sys.executable, "-c", code], env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        expect(_listed(tmp_path, folder))
    return delays


INSTALL = "from pubkit.mt import packages as pk; from pathlib import Path; " \
          "pk.install_archive(Path({archive!r}), Path({folder!r}))"
REMOVE = "from pubkit.mt import packages as pk; from pathlib import Path; import contextlib; " \
         "from pubkit.errors import MissingError\nwith contextlib.suppress(MissingError): " \
         "pk.remove(Path({folder!r}), 'en', 'ru')"


@pytest.mark.slow
def test_sigkill_at_any_point_of_install_or_remove_leaves_argostranslate_working(tmp_path, archives, big):
    folder = tmp_path / "packages"
    pk.install_archive(archives["en-ky"], folder)
    pk.install_archive(archives["en-ru"], folder)

    def every_package(listed):
        pairs = [p for p, _ in listed]
        assert pairs.count("en-ky") == 1 and 1 <= pairs.count("en-ru") <= 2, listed

    _kill_loop(tmp_path, folder, INSTALL.format(archive=str(big), folder=str(folder)), 10, every_package)

    def ky_kept(listed):
        assert [p for p, _ in listed].count("en-ky") == 1, listed

    pk.install_archive(big, folder)
    _kill_loop(tmp_path, folder, REMOVE.format(folder=str(folder)) + "\n" +
               INSTALL.format(archive=str(big), folder=str(folder)), 8, ky_kept)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
