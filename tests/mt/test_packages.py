"""Model management: install from file, URL and index, list, remove, and refusing bad archives."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import pytest

from pubkit.commands import models
from pubkit.errors import InputError, MissingError, UnavailableError
from pubkit.mt import index as ix
from pubkit.mt import packages as pk


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")] if folder.exists() else []


def test_default_location_follows_argostranslate(monkeypatch, tmp_path):
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert pk.packages_dir() == tmp_path / "xdg" / "argos-translate" / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "p"))
    assert pk.packages_dir() == tmp_path / "p"


def test_install_from_file_has_argos_layout(archives, packages_dir):
    pkg = pk.install_archive(archives["en-ru"], packages_dir)
    assert (pkg.from_code, pkg.to_code, pkg.version) == ("en", "ru", "1.0")
    assert pkg.path.parent == packages_dir
    for name in ("metadata.json", "sentencepiece.model", "model/model.bin"):
        assert (pkg.path / name).is_file()
    assert [p.pair for p in pk.installed(packages_dir)] == ["en-ru"]
    assert _leftovers(packages_dir) == []


def test_reinstall_replaces_the_same_pair(archives, packages_dir):
    pk.install_archive(archives["en-ru"], packages_dir)
    pk.install_archive(archives["en-ru"], packages_dir)
    assert [p.pair for p in pk.installed(packages_dir)] == ["en-ru"]


def test_install_list_remove_through_the_command(archives, mt_project, capsys):
    models.run(root=mt_project, action="install", file=str(archives["en-ru"]))
    models.run(root=mt_project, action="list")
    out = capsys.readouterr().out
    assert "translate-en_ru" in out and "missing" in out and "en-ky" in out
    models.run(root=mt_project, action="remove", pair="en-ru")
    assert pk.installed(mt_project / "models") == []
    with pytest.raises(MissingError, match="en→ru"):
        models.run(root=mt_project, action="remove", pair="en-ru")


def test_install_from_url(archives, index_server, packages_dir, mt_project):
    url = f"{index_server['base']}/{archives['en-ky'].name}"
    models.run(root=mt_project, action="install", url=url)
    assert [p.pair for p in pk.installed(mt_project / "models")] == ["en-ky"]
    assert _leftovers(mt_project / "models") == []


def test_install_everything_the_project_lacks_from_the_index(index_server, mt_project):
    models.run(root=mt_project, action="install", index=index_server["index"])
    assert {p.pair for p in pk.installed(mt_project / "models")} == {"en-ru", "en-ky", "en-fr"}


def test_install_one_pair_from_the_index(index_server, mt_project):
    models.run(root=mt_project, action="install", pair="fr-en", index=index_server["index"])
    assert [p.pair for p in pk.installed(mt_project / "models")] == ["fr-en"]


def test_index_parses_the_real_format():
    data = json.dumps([{
        "package_version": "1.9", "argos_version": "1.9", "from_code": "en", "from_name": "English",
        "to_code": "ru", "to_name": "Russian", "links": ["https://argos-net.com/v1/translate-en_ru-1_9.argosmodel"],
        "type": "translate", "code": "translate-en_ru",
    }, {"type": "sbd", "from_code": "en", "to_code": "en", "links": ["x"]}]).encode()
    entries = ix.parse_index(data)
    assert [(e.pair, e.version, e.size) for e in entries] == [("en-ru", "1.9", None)]
    assert ix.index_url() == ix.DEFAULT_INDEX or ix.index_url().endswith("index.json")


def test_pair_missing_from_index(index_server, mt_project):
    with pytest.raises(MissingError, match="no model for en→kk") as err:
        models.run(root=mt_project, action="install", pair="en-kk", index=index_server["index"])
    assert "--file" in err.value.hint


def test_network_unreachable(mt_project):
    with pytest.raises(UnavailableError, match="cannot reach") as err:
        models.run(root=mt_project, action="install", pair="en-ru", index="http://127.0.0.1:9/index.json")
    assert "--file" in err.value.hint


def test_truncated_download_is_refused(index_server, packages_dir):
    url = f"{index_server['base']}/truncated.argosmodel"
    tmp = ix.download(url, packages_dir)  # the server sends what it has: a half archive
    with pytest.raises(InputError, match="zip|corrupt|archive"):
        pk.install_archive(tmp, packages_dir)
    tmp.unlink()
    with pytest.raises(InputError, match="truncated"):
        ix.download(url, packages_dir, size=10**7)
    assert pk.installed(packages_dir) == [] and _leftovers(packages_dir) == []


def test_wrong_sha_is_refused(archives, index_server, packages_dir):
    url = f"{index_server['base']}/{archives['en-ru'].name}"
    with pytest.raises(InputError, match="sha256"):
        ix.download(url, packages_dir, sha256="0" * 64)


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04garbage"])
def test_corrupt_archive(tmp_path, packages_dir, data):
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(data)
    with pytest.raises(InputError):
        pk.install_archive(bad, packages_dir)
    assert pk.installed(packages_dir) == [] and _leftovers(packages_dir) == []


def _zip(tmp_path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]], name="evil.argosmodel") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return path


def _valid_entries(archive: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(archive) as zf:
        return [(i, zf.read(i)) for i in zf.infolist()]


@pytest.mark.parametrize("evil", ["../escape.txt", "/etc/evil", "pkg/../../escape.txt", "C:/evil"])
def test_zip_slip_refused(tmp_path, packages_dir, archives, evil):
    entries = _valid_entries(archives["en-ru"]) + [(evil, b"boom")]
    with pytest.raises(InputError, match="unsafe path|refused"):
        pk.install_archive(_zip(tmp_path, entries), packages_dir)
    assert not (tmp_path / "escape.txt").exists() and pk.installed(packages_dir) == []


def test_symlink_refused(tmp_path, packages_dir, archives):
    top = _valid_entries(archives["en-ru"])[0][0].filename.split("/")[0]
    link = zipfile.ZipInfo(f"{top}/sentencepiece.link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    entries = _valid_entries(archives["en-ru"]) + [(link, b"/etc/passwd")]
    with pytest.raises(InputError, match="symbolic link"):
        pk.install_archive(_zip(tmp_path, entries), packages_dir)
    assert pk.installed(packages_dir) == []


def test_zip_bomb_refused(tmp_path, packages_dir, archives):
    top = _valid_entries(archives["en-ru"])[0][0].filename.split("/")[0]
    entries = _valid_entries(archives["en-ru"]) + [(f"{top}/model/padding.bin", b"\0" * (20 * 1024**2))]
    bomb = _zip(tmp_path, entries)
    assert bomb.stat().st_size < 2 * 1024**2
    with pytest.raises(InputError, match="zip bomb"):
        pk.install_archive(bomb, packages_dir)
    with pytest.raises(InputError, match="more than"):
        pk.install_archive(archives["en-ru"], packages_dir, max_bytes=100_000)
    assert pk.installed(packages_dir) == [] and _leftovers(packages_dir) == []


def test_wrong_pair_metadata_refused(archives, packages_dir, mt_project):
    with pytest.raises(InputError, match="not the requested en→fr"):
        pk.install_archive(archives["en-ru"], packages_dir, expect=("en", "fr"))
    with pytest.raises(InputError, match="not the requested"):
        models.run(root=mt_project, action="install", file=str(archives["en-ru"]), pair="en-ky")
    assert pk.installed(packages_dir) == []


def test_archive_without_metadata_or_with_two_folders(tmp_path, packages_dir):
    with pytest.raises(InputError, match="metadata.json"):
        pk.install_archive(_zip(tmp_path, [("pkg/model/model.bin", b"x")]), packages_dir)
    with pytest.raises(InputError, match="one top-level folder"):
        pk.install_archive(_zip(tmp_path, [("a/metadata.json", b"{}"), ("b/x", b"")], "two.argosmodel"),
                           packages_dir)


def test_missing_pair_names_pair_and_command(shared_packages):
    err = pk.missing_error("en", "kk", shared_packages)
    assert "en→kk" in err.message and "invoke models.install --pair en-kk" in err.hint


def test_pivot_route(shared_packages):
    assert [p.pair for p in pk.route(shared_packages, "fr", "ru")] == ["fr-en", "en-ru"]
    assert [p.pair for p in pk.route(shared_packages, "en", "ru")] == ["en-ru"]
    assert pk.route(shared_packages, "ru", "fr") is None


def test_bad_pair_syntax():
    with pytest.raises(InputError, match="language pair"):
        pk.parse_pair("english")
    assert pk.parse_pair("en_ru") == ("en", "ru")
