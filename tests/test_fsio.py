"""fsio: the path guard, bounded reads and atomic writes (the edges every file goes through)."""

from __future__ import annotations

import os
import string
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubkit import fsio
from pubkit.errors import EnvironmentProblem, ExitCode, InputError

# ------------------------------------------------------------------ path guard


def test_inside_project_accepts_paths_inside(tmp_path):
    (tmp_path / "dist").mkdir()
    epub = tmp_path / "dist" / "a.epub"
    assert fsio.inside_project(tmp_path, epub) == epub.resolve()
    assert fsio.inside_project(tmp_path, Path("translations/ru/new.po")).is_relative_to(tmp_path.resolve())


@pytest.mark.parametrize("bad", ["/elsewhere/x.po", "../../../x", "dist/../../x", "a/../../x"])
def test_inside_project_refuses_escapes(tmp_path, bad):
    with pytest.raises(InputError, match="outside the project") as err:
        fsio.inside_project(tmp_path, tmp_path / bad if not bad.startswith("/") else Path(bad))
    assert err.value.exit_code == ExitCode.INPUT and err.value.hint


def test_inside_project_follows_symlinked_folders(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "project"
    root.mkdir()
    (root / "dist").symlink_to(outside)
    with pytest.raises(InputError, match="outside the project"):
        fsio.inside_project(root, root / "dist" / "a.epub")
    (root / "inner").mkdir()
    (root / "link").symlink_to(root / "inner")
    assert fsio.inside_project(root, root / "link" / "a.po") == (root / "inner" / "a.po").resolve()


@pytest.mark.parametrize("name", ["a\0b.po", "a\nb.po", "a\rb.po", "a\x1bb.po"])
def test_written_names_with_control_characters_are_refused(tmp_path, name):
    with pytest.raises(InputError, match="control character") as err:
        fsio.inside_project(tmp_path, tmp_path / name, for_write=True)
    assert "\n" not in str(err.value.location)


_SEGMENT = st.one_of(
    st.sampled_from(["..", ".", "", "/", "//", "~", "\0", "\n", "a" * 300, "dist", "x.po"]),
    st.text(alphabet=string.printable + "é/\\.\0", max_size=20),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(_SEGMENT, min_size=1, max_size=6), absolute=st.booleans())
def test_no_path_ever_escapes(tmp_path, parts, absolute):
    """Property: whatever a hostile slug or name holds, an accepted path lies inside the root."""
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    raw = "/".join(parts)
    try:
        got = fsio.inside_project(root, Path("/" + raw) if absolute else root / raw, for_write=True)
    except InputError as e:
        assert e.exit_code == ExitCode.INPUT
        return
    except ValueError:  # pathlib itself refuses an embedded NUL
        assert "\0" in raw
        return
    assert got.is_relative_to(root.resolve())
    assert "\0" not in str(got) and "\n" not in str(got)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=st.text(max_size=120))
def test_random_slugs_never_reach_a_path_outside(tmp_path, slug):
    """Property: a PO path and an edition path are built only from valid slugs, inside the project."""
    from pubkit.catalog.store import po_path
    from pubkit.config import Config, Language
    from pubkit.model import SLUG_RE
    from pubkit.pipeline import output_path

    root = tmp_path.resolve()
    cfg = Config(root=root, source_lang="en", targets=("ru",),
                 languages={"en": Language("en", "English", "English")},
                 seeds=root / "seeds", translations=root / "translations", templates=root / "templates",
                 dist=root / "dist")
    for make in (lambda: po_path(cfg, "ru", slug), lambda: output_path(cfg, slug, "ru", "epub")):
        try:
            path = make()
        except InputError as e:
            assert not SLUG_RE.match(slug) and e.exit_code == ExitCode.INPUT
            continue
        assert SLUG_RE.match(slug)
        assert path.resolve().is_relative_to(root) and path.parent.name in ("ru", "dist")


# ---------------------------------------------------------------- bounded reads


def test_read_bounded_reads_a_regular_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"hello")
    assert fsio.read_bounded(tmp_path / "a.txt", "seed", root=tmp_path) == b"hello"
    with pytest.raises(FileNotFoundError):
        fsio.read_bounded(tmp_path / "missing.txt", "seed", root=tmp_path)


def _in_thread(fn, timeout: float = 5.0):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it blocks."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "the read blocked"
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "a.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        _in_thread(lambda: fsio.read_bounded(fifo, "seed", root=tmp_path))


def test_a_link_to_dev_zero_is_refused(tmp_path):
    (tmp_path / "a.po").symlink_to("/dev/zero")
    with pytest.raises(InputError, match="outside the project"):
        _in_thread(lambda: fsio.read_bounded(tmp_path / "a.po", "po", root=tmp_path))
    with pytest.raises(InputError, match="character device"):  # even without a project to check against
        _in_thread(lambda: fsio.read_bounded(tmp_path / "a.po", "po"))


def test_a_link_out_of_the_project_is_refused_and_one_inside_is_fine(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("outside")
    (root / "out.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(InputError, match="outside the project"):
        fsio.read_bounded(root / "out.txt", "seed", root=root)
    (root / "real.txt").write_text("inside")
    (root / "in.txt").symlink_to(root / "real.txt")
    assert fsio.read_bounded(root / "in.txt", "seed", root=root) == b"inside"


def test_folders_and_sockets_are_refused(tmp_path):
    (tmp_path / "d.txt").mkdir()
    with pytest.raises(InputError, match="folder"):
        fsio.read_bounded(tmp_path / "d.txt", "seed")
    import socket

    sock_path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
        with pytest.raises(InputError, match="socket"):
            fsio.read_bounded(sock_path, "seed")


def test_size_limits_per_kind(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(fsio.READ_LIMITS["sidecar"] + 1)  # sparse: costs no disk
    with pytest.raises(InputError, match="limit for a sidecar file"):
        fsio.read_bounded(big, "sidecar", root=tmp_path)
    assert len(fsio.read_bounded(big, "seed", root=tmp_path)) == fsio.READ_LIMITS["sidecar"] + 1
    assert fsio.READ_LIMITS["seed"] < fsio.READ_LIMITS["po"] and all(v > 0 for v in fsio.READ_LIMITS.values())


def test_a_file_that_grows_while_read_is_still_bounded(tmp_path, monkeypatch):
    """The limit holds on the bytes read, not only on the size stat() reported."""
    p = tmp_path / "a.yaml"
    p.write_bytes(b"x" * 10)
    monkeypatch.setitem(fsio.READ_LIMITS, "sidecar", 100)
    real_read = os.read
    monkeypatch.setattr(fsio.os, "read", lambda fd, n: b"y" * n if n else real_read(fd, n))
    with pytest.raises(InputError, match="larger than"):
        fsio.read_bounded(p, "sidecar")


# ---------------------------------------------------------------- atomic writes


def test_atomic_write_with_root_refuses_escapes(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    with pytest.raises(InputError):
        fsio.atomic_write(root / ".." / "x.txt", "no", root=root)
    assert not (tmp_path / "x.txt").exists()


def test_atomic_write_refuses_a_file_changed_meanwhile(tmp_path):
    p = tmp_path / "a.po"
    p.write_text("old")
    seen = p.stat().st_mtime_ns
    os.utime(p, ns=(seen + 10**9, seen + 10**9))  # a reviewer saved it
    p.write_text("reviewer")
    os.utime(p, ns=(seen + 10**9, seen + 10**9))
    with pytest.raises(EnvironmentProblem, match="changed on disk"):
        fsio.atomic_write(p, "pubkit", expect_mtime_ns=seen)
    assert p.read_text() == "reviewer"
    assert [q.name for q in tmp_path.iterdir()] == ["a.po"], "no temp file left"


def test_atomic_write_check_cannot_race_the_rename(tmp_path, monkeypatch):
    """A reviewer saving between pubkit's check and its rename keeps the reviewer's file."""
    p = tmp_path / "a.po"
    p.write_text("old")
    seen = p.stat().st_mtime_ns
    real_commit = fsio._commit

    def save_in_between(tmp, path, expect, absent):
        p.write_text("reviewer")  # after the early check, before the rename
        os.utime(p, ns=(seen + 10**9, seen + 10**9))
        return real_commit(tmp, path, expect, absent)

    monkeypatch.setattr(fsio, "_commit", save_in_between)
    with pytest.raises(EnvironmentProblem, match="changed on disk"):
        fsio.atomic_write(p, "pubkit", expect_mtime_ns=seen)
    assert p.read_text() == "reviewer"
    assert [q.name for q in tmp_path.iterdir()] == ["a.po"]


def test_atomic_write_expect_absent_never_replaces_a_new_file(tmp_path, monkeypatch):
    p = tmp_path / "new.po"
    real_commit = fsio._commit

    def create_in_between(tmp, path, expect, absent):
        p.write_text("reviewer")
        return real_commit(tmp, path, expect, absent)

    monkeypatch.setattr(fsio, "_commit", create_in_between)
    with pytest.raises(EnvironmentProblem, match="changed on disk"):
        fsio.atomic_write(p, "pubkit", expect_absent=True)
    assert p.read_text() == "reviewer"
    monkeypatch.setattr(fsio, "_commit", real_commit)
    fsio.atomic_write(tmp_path / "other.po", "pubkit", expect_absent=True)
    assert (tmp_path / "other.po").read_text() == "pubkit"


def test_atomic_write_replaces_and_syncs_the_folder(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    p.write_text("old")
    p.chmod(0o600)
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(fsio.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    fsio.atomic_write(p, "new", expect_mtime_ns=p.stat().st_mtime_ns)
    assert p.read_text() == "new" and (p.stat().st_mode & 0o777) == 0o600
    assert len(synced) == 2, "the file and then its folder"


def test_the_lock_refuses_a_pubkit_folder_linked_elsewhere(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / ".pubkit").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(InputError, match="outside the project"):
        with fsio.project_lock(root):
            pass
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.skipif(not os.uname().sysname == "Linux", reason="renameat2 is Linux's")
def test_renameat2_exchange_is_used_on_linux(tmp_path, monkeypatch):
    """On Linux the check happens after an atomic swap, so nothing can slip in between."""
    assert fsio._renameat2 is not None
    p = tmp_path / "a.po"
    p.write_text("old")
    seen = p.stat().st_mtime_ns
    monkeypatch.setattr(fsio.os, "replace", lambda *a: pytest.fail("fell back to check-then-replace"))
    fsio.atomic_write(p, "new", expect_mtime_ns=seen)
    assert p.read_text() == "new" and sorted(q.name for q in tmp_path.iterdir()) == ["a.po"]


def test_checksums_list_only_regular_editions(project):
    """SHA256SUMS stays well-formed whatever else lies in dist/ (a link, a FIFO, an odd name)."""
    import hashlib
    import re

    from pubkit.config import load_config
    from pubkit.pipeline import write_checksums
    from pubkit.project import article_paths
    from pubkit.readers import article_slug

    cfg = load_config(project)
    slug = article_slug(article_paths(cfg)[0], cfg.root)
    cfg.dist.mkdir()
    (cfg.dist / f"{slug}.en.epub").write_bytes(b"epub")
    (cfg.dist / "gone.en.epub").write_bytes(b"an edition of an article no longer in seeds/")
    (cfg.dist / "b.en.pdf").symlink_to(project / "pubkit.toml")
    os.mkfifo(cfg.dist / "c.en.pdf")
    (cfg.dist / "d\n.en.pdf").write_bytes(b"x")
    _in_thread(lambda: write_checksums(cfg))
    sums = (cfg.dist / "SHA256SUMS").read_text()
    assert sums == f"{hashlib.sha256(b'epub').hexdigest()}  {slug}.en.epub\n"
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S+", line) for line in sums.splitlines())
