"""Hostile model archives, indexes and downloads (issue 10): every read bounded, no other pair touched.

Everything runs against real archives built by :mod:`pubkit.mt.synthetic` and the local HTTP
server of ``conftest.py`` (127.0.0.1), whose ``/endless``, ``/liar`` and ``/to-file`` endpoints
misbehave on purpose.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pubkit.commands import models
from pubkit.errors import ExitCode, InputError, MissingError
from pubkit.mt import index as ix
from pubkit.mt import packages as pk

ROOT = Path(__file__).resolve().parents[2]


def _entries(archive: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(archive) as zf:
        return [(i, zf.read(i)) for i in zf.infolist()]


def _rewrite(archive: Path, dest: Path, *, top: str | None = None, meta: dict | None = None,
             extra: list[tuple[str, bytes]] = ()) -> Path:
    """A copy of ``archive`` with its top folder renamed, its metadata changed and entries added."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in _entries(archive):
            old_top, _, rest = info.filename.partition("/")
            name = f"{top or old_top}/{rest}"
            if rest == "metadata.json" and meta is not None:
                data = json.dumps({**json.loads(data), **meta}).encode()
            out.writestr(name, data)
        for name, data in extra:
            out.writestr(f"{top or _entries(archive)[0][0].filename.split('/')[0]}/{name}", data)
    return dest


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its inode and size: proof that nothing was touched."""
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_size) for p in sorted(folder.rglob("*"))}


def test_300_entries_of_1_mib_are_refused(tmp_path, archives, packages_dir):
    bomb = _rewrite(archives["en-ru"], tmp_path / "many.argosmodel",
                    extra=[(f"pad/{i}.bin", b"\0" * 1024**2) for i in range(300)])
    assert bomb.stat().st_size < 2 * 1024**2  # about 1 MB that would unpack to 301 MB
    with pytest.raises(InputError, match="entries") as err:
        pk.install_archive(bomb, packages_dir)
    assert err.value.exit_code == ExitCode.INPUT
    assert pk.installed(packages_dir) == [] and not any(packages_dir.iterdir())


def test_many_small_compressible_entries_are_refused_by_the_total_ratio(tmp_path, archives, packages_dir):
    bomb = _rewrite(archives["en-ru"], tmp_path / "ratio.argosmodel",
                    extra=[(f"pad/{i}.bin", b"\0" * 60 * 1024) for i in range(190)])
    with pytest.raises(InputError, match="inflates"):
        pk.install_archive(bomb, packages_dir)
    assert pk.installed(packages_dir) == []


def test_a_top_folder_named_like_another_pair_does_not_touch_it(tmp_path, archives, packages_dir):
    ky = pk.install_archive(archives["en-ky"], packages_dir)
    before = _snapshot(ky.path)
    evil = _rewrite(archives["en-ru"], tmp_path / "x.argosmodel", top=ky.path.name)
    ru = pk.install_archive(evil, packages_dir)
    assert ru.pair == "en-ru" and ru.path.name == "translate-en_ru-1_0"
    assert _snapshot(ky.path) == before and pk.load_package(ky.path).pair == "en-ky"
    assert sorted(p.pair for p in pk.installed(packages_dir)) == ["en-ky", "en-ru"]


def test_metadata_naming_other_languages_never_replaces_that_pair(tmp_path, archives, packages_dir, mt_project):
    ky = pk.install_archive(archives["en-ky"], packages_dir)
    before = _snapshot(packages_dir)
    evil = _rewrite(archives["en-ru"], tmp_path / "ru-says-ky.argosmodel", meta={"to_code": "ky"})
    with pytest.raises(InputError, match="not the requested en→ru"):
        pk.install_archive(evil, packages_dir, expect=("en", "ru"))
    with pytest.raises(InputError, match="not the requested en→ru"):
        models.run(root=mt_project, action="install", file=str(evil), pair="en-ru")
    assert _snapshot(packages_dir) == before and pk.load_package(ky.path).pair == "en-ky"


def test_a_folder_that_is_not_a_package_is_never_moved(tmp_path, archives, packages_dir):
    stray = packages_dir / "translate-en_ru-1_0"
    (stray / "notes").mkdir(parents=True)
    (stray / "notes" / "mine.txt").write_text("keep me", encoding="utf-8")
    pkg = pk.install_archive(archives["en-ru"], packages_dir)
    assert pkg.path != stray and (stray / "notes" / "mine.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("code", ["../x", "en/ru", "", "e\x00n", 7])
def test_metadata_language_codes_are_checked(tmp_path, archives, packages_dir, code):
    evil = _rewrite(archives["en-ru"], tmp_path / "code.argosmodel", meta={"from_code": code})
    with pytest.raises(InputError, match="language code|from_code"):
        pk.install_archive(evil, packages_dir)
    assert pk.installed(packages_dir) == []


def test_staging_is_beside_the_packages_folder_on_the_same_file_system(packages_dir):
    packages_dir.mkdir(parents=True)
    stage = pk.staging_dir(packages_dir)
    assert stage.parent == packages_dir.parent and stage != packages_dir
    assert stage.stat().st_dev == packages_dir.stat().st_dev


def test_reinstall_of_the_same_version_keeps_one_folder(archives, packages_dir):
    first = pk.install_archive(archives["en-ru"], packages_dir)
    second = pk.install_archive(archives["en-ru"], packages_dir)
    assert [p.path for p in pk.installed(packages_dir)] == [second.path]
    assert not first.path.exists() or first.path == second.path
    assert [p.name for p in packages_dir.iterdir()] == [second.path.name]


# ------------------------------------------------------------------ index and downloads


def test_an_endless_index_is_cut_off_without_growing_memory(index_server):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="larger than 8 MB") as err:
        ix.fetch_index(f"{index_server['base']}/endless-index.json")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64 and err.value.exit_code == ExitCode.INPUT


def test_an_endless_download_is_cut_off_and_nothing_kept(index_server, packages_dir):
    with pytest.raises(InputError, match="goes on past 2 MB"):
        ix.download(f"{index_server['base']}/endless", packages_dir, max_bytes=2 * 1024**2)
    with pytest.raises(InputError, match="the size the index gives"):
        ix.download(f"{index_server['base']}/endless", packages_dir, size=100_000, from_index=True)
    stage = pk.staging_dir(packages_dir)
    assert list(stage.iterdir()) == [] and list(packages_dir.iterdir()) == []


def test_a_lying_content_length_is_refused_at_once(index_server, packages_dir):
    with pytest.raises(InputError, match="more than the 2048 MB limit"):
        ix.download(f"{index_server['base']}/liar", packages_dir)


@pytest.mark.parametrize("link", ["file:///dev/zero", "/dev/zero", "file:///etc/hostname", "ftp://127.0.0.1/x"])
def test_index_links_must_be_http(link, packages_dir):
    with pytest.raises(InputError, match="refused"):
        ix.download(link, packages_dir, from_index=True)


def test_a_redirect_to_a_file_is_refused(index_server, packages_dir):
    with pytest.raises((InputError, MissingError)):
        ix.download(f"{index_server['base']}/to-file", packages_dir, from_index=True)


def _serve_index(index_server, entries: list[dict], name: str) -> str:
    (index_server["root"] / name).write_text(json.dumps(entries), encoding="utf-8")
    return f"{index_server['base']}/{name}"


def _entry(pair: tuple[str, str], links: list[str]) -> dict:
    s, t = pair
    return {"package_version": "1.0", "from_code": s, "to_code": t, "type": "translate",
            "code": f"translate-{s}_{t}", "links": links}


def test_an_index_linking_dev_zero_installs_nothing(index_server, mt_project):
    url = _serve_index(index_server, [_entry(("en", "ru"), ["file:///dev/zero"])], "zero.json")
    with pytest.raises(InputError, match="local file"):
        models.run(root=mt_project, action="install", pair="en-ru", index=url)
    assert pk.installed(mt_project / "models") == []


def test_a_refused_link_falls_through_to_the_next_mirror(index_server, archives, mt_project):
    good = f"{index_server['base']}/{archives['en-ru'].name}"
    url = _serve_index(index_server, [_entry(("en", "ru"), ["file:///dev/zero", good])], "mirrors.json")
    models.run(root=mt_project, action="install", pair="en-ru", index=url)
    assert [p.pair for p in pk.installed(mt_project / "models")] == ["en-ru"]


def test_an_index_entry_whose_archive_is_another_pair_is_refused(index_server, archives, mt_project):
    ky_link = f"{index_server['base']}/{archives['en-ky'].name}"
    url = _serve_index(index_server, [_entry(("en", "ru"), [ky_link])], "liar-index.json")
    with pytest.raises(InputError, match="not the requested en→ru"):
        models.run(root=mt_project, action="install", pair="en-ru", index=url)
    assert pk.installed(mt_project / "models") == []


@pytest.mark.parametrize("where", ["/dev/zero", "fifo"])
def test_local_index_and_file_must_be_regular_files(tmp_path, where, packages_dir):
    if where == "fifo":
        where = str(tmp_path / "fifo")
        os.mkfifo(where)
    with pytest.raises(InputError, match="regular file"):
        ix.fetch_index(where)
    with pytest.raises(InputError, match="regular file"):
        pk.install_archive(Path(where), packages_dir)


def test_the_task_exits_65_with_a_message_and_no_traceback(tmp_path, index_server):
    proj = tmp_path / "proj"
    proj.mkdir()
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(tmp_path / "pk"), "PYTHONPATH": str(ROOT / "src")}
    url = _serve_index(index_server, [_entry(("en", "ru"), ["file:///dev/zero"])], "task.json")
    run = subprocess.run([sys.executable, "-m", "invoke", "--search-root", str(ROOT), "models.install",
                          "--pair", "en-ru", "--index", url], capture_output=True, text=True, env=env,
                         timeout=120, cwd=proj)
    assert run.returncode == 65, run.stderr
    assert "local file" in run.stderr and "Traceback" not in run.stderr
