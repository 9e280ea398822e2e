"""Installed Argos Translate packages: where they live, what they are, safe install and removal.

pubkit keeps argostranslate's on-disk layout (one folder per package holding
``metadata.json``, ``model/`` and ``sentencepiece.model``) so that argostranslate sees the
packages pubkit installs and the other way round, but reimplements the small format
itself: argostranslate's own installer imports ``argostranslate.translate`` (and so torch).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from ..errors import EnvironmentProblem, InputError, Location, MissingError
from ..limits import load_json

TMP_PREFIX = ".pubkit-tmp-"
# Uncompressed size limit of one package (the largest real Argos packages are ~400 MB).
DEFAULT_MAX_BYTES = 2 * 1024**3
# A zip entry that inflates more than this is a zip bomb, not a model (int8 weights barely compress).
MAX_RATIO = 200
# The whole archive may not inflate more than this either (real packages: about 1.1x).
MAX_TOTAL_RATIO = 10
# Real packages hold 5 to 40 files (model/, tokenizer, stanza/ or minisbd/ resources).
MAX_ENTRIES = 200
# settings.json of argostranslate is a small dict; anything larger is not read.
MAX_SETTINGS_BYTES = 1024**2
_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})?")
INSTALL_HINT = "invoke models.install --pair {pair}   (or --file X.argosmodel on a machine without internet)"


@dataclass(frozen=True)
class Package:
    """One installed package folder and its metadata."""

    path: Path
    from_code: str
    to_code: str
    name: str  # metadata "code", e.g. "translate-en_ru"
    version: str
    target_prefix: str = ""
    from_name: str = ""
    to_name: str = ""

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"


def packages_dir(cfg: Any = None) -> Path:
    """Where models live, in this order: pubkit.toml ``[models] dir``, ``$ARGOS_PACKAGES_DIR``,
    ``ARGOS_PACKAGES_DIR`` in argostranslate's ``settings.json``, argostranslate's default.

    The last three are exactly argostranslate 1.11's rules (``argostranslate.settings``), so that
    both programs see the same packages.
    """
    raw = getattr(cfg, "raw", None) or {}
    configured = raw.get("models", {}).get("dir") if isinstance(raw.get("models"), dict) else None
    if configured:
        path = Path(os.path.expanduser(configured))
        return path if path.is_absolute() else cfg.root / path
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"])
    from_settings = argos_settings().get("ARGOS_PACKAGES_DIR")
    if isinstance(from_settings, str) and from_settings:
        return Path(os.path.expanduser(from_settings))
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "argos-translate" / "packages"


def argos_settings_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "argos-translate" / "settings.json"


def argos_settings() -> dict[str, Any]:
    """argostranslate's ``settings.json`` as a dict; ``{}`` when absent, unreadable or not a dict
    (argostranslate itself then falls back to its defaults too)."""
    path = argos_settings_file()
    try:
        if not path.is_file() or path.stat().st_size > MAX_SETTINGS_BYTES:
            return {}
        with open(path, "rb") as fh:
            data = load_json(fh.read(MAX_SETTINGS_BYTES).decode("utf-8"), path, "settings.json")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, InputError):
        return {}
    return data if isinstance(data, dict) else {}


def parse_pair(pair: str) -> tuple[str, str]:
    """``"en-ru"`` (or ``en_ru``, ``en→ru``) → ``("en", "ru")``."""
    parts = re.split(r"\s*(?:->|→|-|_|:)\s*", (pair or "").strip())
    if len(parts) != 2 or not all(re.fullmatch(r"[A-Za-z]{2,3}(?:[A-Za-z0-9]*)", p) for p in parts):
        raise InputError(f"'{pair}' is not a language pair", hint="write it as SOURCE-TARGET, e.g. en-ru")
    return parts[0].lower(), parts[1].lower()


def read_metadata(folder: Path) -> dict[str, Any]:
    path = folder / "metadata.json"
    try:
        if path.is_file() and path.stat().st_size > MAX_SETTINGS_BYTES:
            raise InputError("metadata.json is larger than 1 MB", location=Location(path))
        meta = load_json(path.read_text(encoding="utf-8"), path, "metadata.json")
    except FileNotFoundError:
        raise InputError("not an Argos package: no metadata.json", location=Location(folder)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"metadata.json cannot be read: {err}", location=Location(path)) from None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise InputError("metadata.json lacks from_code/to_code", location=Location(path))
    for key in ("from_code", "to_code"):
        if not isinstance(meta[key], str) or not _CODE.fullmatch(meta[key]):
            raise InputError(f"metadata.json: {key} {meta[key]!r} is not a language code",
                             location=Location(path))
    if meta.get("type", "translate") != "translate":
        raise InputError(f"package type '{meta.get('type')}' is not a translation model",
                         location=Location(path))
    return meta


def load_package(folder: Path) -> Package:
    meta = read_metadata(folder)
    return Package(
        path=folder,
        from_code=str(meta["from_code"]),
        to_code=str(meta["to_code"]),
        name=str(meta.get("code") or f"translate-{meta['from_code']}_{meta['to_code']}"),
        version=str(meta.get("package_version", "")),
        target_prefix=str(meta.get("target_prefix") or ""),
        from_name=str(meta.get("from_name", "")),
        to_name=str(meta.get("to_name", "")),
    )


_Loaded = TypeVar("_Loaded")


def load_valid(folder: Path, load: Callable[[Path], _Loaded]) -> list[_Loaded]:
    """``load`` of every visible subfolder of ``folder``, in name order, leaving out those it
    rejects with :class:`InputError`; none when ``folder`` is not a directory."""
    found: list[_Loaded] = []
    if not folder.is_dir():
        return found
    for sub in sorted(folder.iterdir()):
        if sub.name.startswith(".") or not sub.is_dir():
            continue
        with contextlib.suppress(InputError):
            found.append(load(sub))
    return found


def installed(folder: Path) -> list[Package]:
    """Every valid package in ``folder``, sorted by pair then version (newest last)."""
    found = load_valid(folder, load_package)
    return sorted(found, key=lambda p: (p.pair, _version_key(p.version), p.path.name))


def duplicates(folder: Path) -> dict[str, list[Package]]:
    """Pairs installed more than once (pair → packages, oldest first). pubkit uses the newest;
    argostranslate uses whichever its unsorted folder scan meets first, so these are reported."""
    by_pair: dict[str, list[Package]] = {}
    for pkg in installed(folder):
        by_pair.setdefault(pkg.pair, []).append(pkg)
    return {pair: pkgs for pair, pkgs in by_pair.items() if len(pkgs) > 1}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[._-]", version or "0"))


def find(folder: Path, source: str, target: str) -> Package | None:
    """The newest installed package for one direct pair, or None."""
    matches = [p for p in installed(folder) if (p.from_code, p.to_code) == (source, target)]
    return matches[-1] if matches else None


def route(folder: Path, source: str, target: str, pivot: str = "en") -> list[Package] | None:
    """Packages to chain for a pair: direct if installed, else through ``pivot`` (as Argos does)."""
    direct = find(folder, source, target)
    if direct:
        return [direct]
    if pivot not in (source, target):
        first, second = find(folder, source, pivot), find(folder, pivot, target)
        if first and second:
            return [first, second]
    return None


def missing_error(source: str, target: str, folder: Path, pivot: str = "en") -> MissingError:
    tried = f"{source}→{target}"
    if pivot not in (source, target):
        tried += f", nor {source}→{pivot} and {pivot}→{target} to pivot through English,"
    return MissingError(
        f"no translation model for {source}→{target}: {tried} is not installed in {folder}",
        hint=INSTALL_HINT.format(pair=f"{source}-{target}"),
    )


# ------------------------------------------------------------------ safe extraction


def _check_members(zf: zipfile.ZipFile, archive: Path, max_bytes: int) -> str:
    """Validate every entry before anything is written; return the single top-level folder name.

    Bounds: at most MAX_ENTRIES entries, at most ``max_bytes`` uncompressed in all, no entry over
    64 KiB inflating more than MAX_RATIO, the whole archive not more than MAX_TOTAL_RATIO.
    """
    loc = Location(archive)
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"refused: the archive holds {len(infos)} entries "
                         f"(a model has at most {MAX_ENTRIES})",
                         location=loc, hint="a zip bomb or not a model package; nothing was installed")
    tops: set[str] = set()
    total = 0
    files: dict[tuple[str, ...], str] = {}  # entry parts → name, for collisions
    folders: set[tuple[str, ...]] = set()
    for info in infos:
        name = info.filename
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise InputError(f"refused: the archive contains a symbolic link ({name})", location=loc,
                             hint="a model package holds plain files only; get it from a trusted source")
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if (name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts or not parts
                or "\x00" in name):
            raise InputError(f"refused: unsafe path in archive ({name!r})", location=loc,
                             hint="the archive tries to write outside its folder; do not install it")
        _check_shape(name, parts, info.is_dir(), files, folders, loc)
        total += info.file_size
        if total > max_bytes:
            raise InputError(f"refused: the archive unpacks to more than {max_bytes // 1024**2} MB",
                             location=loc,
                             hint="a zip bomb or not a model package; raise [models] max_mb if it is genuine")
        if info.file_size > 64 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputError(f"refused: {name} inflates {ratio}x (zip bomb)",
                             location=loc, hint="a model's weights barely compress; nothing was installed")
        tops.add(parts[0])
    size = archive.stat().st_size
    if total > 8 * 1024**2 and total > MAX_TOTAL_RATIO * size:
        raise InputError(f"refused: the archive inflates {total // max(size, 1)}x "
                         f"({size // 1024} KB to {total // 1024**2} MB, zip bomb)", location=loc,
                         hint="a model's weights barely compress; nothing was installed")
    if len(tops) != 1:
        raise InputError("not an Argos package: the archive must hold exactly one top-level folder",
                         location=loc, hint="found: " + ", ".join(sorted(tops)[:5]))
    top = tops.pop()
    if top.startswith("."):
        raise InputError(f"refused: hidden top-level folder {top!r}", location=loc)
    return top


MAX_ENTRY_DEPTH = 32  # folders inside each other in an archive (a model has two or three)
MAX_NAME_BYTES = 255  # one file name (what file systems allow)
MAX_PATH_CHARS = 1024  # a whole entry name


def _check_shape(name: str, parts: tuple[str, ...], is_dir: bool, files: dict[tuple[str, ...], str],
                 folders: set[tuple[str, ...]], loc: Location) -> None:
    """Refuse (exit 65) what no file system would take or what cannot be unpacked as it says: a
    name too long, folders nested too deep, one name that is both a file and a folder (or two
    files), before anything is written."""
    shown = name if len(name) <= 80 else name[:80] + "…"
    if len(parts) > MAX_ENTRY_DEPTH:
        raise InputError(f"refused: the archive nests {len(parts)} folders deep ({shown!r}); a model "
                         f"has at most {MAX_ENTRY_DEPTH}", location=loc, hint="not a model package")
    if len(name) > MAX_PATH_CHARS or any(len(p.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES
                                         for p in parts):
        raise InputError(f"refused: an entry's name is too long ({len(name)} characters: {shown!r})",
                         location=loc, hint="not a model package")
    for i in range(1, len(parts)):
        if parts[:i] in files:
            raise InputError(f"refused: {'/'.join(parts[:i])!r} is both a file and a folder in the archive",
                             location=loc, hint="a broken or hostile archive; nothing was installed")
        folders.add(parts[:i])
    if is_dir:
        if parts in files:
            raise InputError(f"refused: {shown!r} is both a file and a folder in the archive", location=loc,
                             hint="a broken or hostile archive; nothing was installed")
        folders.add(parts)
        return
    if parts in folders or parts in files:
        what = "a file and a folder" if parts in folders else "two files"
        raise InputError(f"refused: {shown!r} is {what} in the archive", location=loc,
                         hint="a broken or hostile archive; nothing was installed")
    files[parts] = name


def _extract(zf: zipfile.ZipFile, dest: Path, max_bytes: int, archive: Path) -> None:
    """Extract regular files only, counting real bytes (headers can lie about sizes)."""
    written = 0
    for info in zf.infolist():
        target = dest.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
        if not target.resolve().is_relative_to(dest.resolve()):
            raise InputError(f"refused: unsafe path in archive ({info.filename!r})",
                             location=Location(archive))
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > max_bytes:
                    raise InputError("refused: the archive unpacks to more than declared (zip bomb)",
                                     location=Location(archive))
                out.write(chunk)


def staging_dir(folder: Path) -> Path:
    """Where installs are unpacked and removals trashed: beside ``folder``, not inside it.

    argostranslate loads every sub-folder of its packages folder (hidden ones too) and fails on one
    without metadata.json, so a half-extracted package must never be there, even for a moment. The
    sibling is on the same file system as ``folder`` (checked), so the final move is one rename.
    When it cannot be (``folder`` is a mount point or its parent is read-only) the staging area falls
    back to a hidden folder inside ``folder``, as before.
    """
    outside = folder.parent / f".{folder.name}.pubkit-staging"
    try:
        outside.mkdir(exist_ok=True)
        if outside.stat().st_dev == folder.stat().st_dev:
            return outside
    except OSError:
        pass
    return folder


def _stage_name(kind: str) -> str:
    return f"{TMP_PREFIX}{kind}{uuid.uuid4().hex[:12]}"


def folder_name(pkg: Package) -> str:
    """The folder a package is installed under, from its checked metadata (never from the archive):
    ``translate-en_ru-1_9``, as Argos names its packages."""
    version = re.sub(r"[^A-Za-z0-9]+", "_", pkg.version).strip("_")[:40] or "0"
    return f"translate-{pkg.from_code}_{pkg.to_code}-{version}"


def install_archive(archive: Path, folder: Path, *, expect: tuple[str, str] | None = None,
                    max_bytes: int = DEFAULT_MAX_BYTES) -> Package:
    """Install a ``.argosmodel`` into ``folder``; replaces the installed packages of the same pair.

    Invariants (tested, including under SIGKILL at any point): nothing is written into ``folder``
    but one complete package folder, moved in by a single rename; the new folder's name comes from
    the package's own metadata, so an archive cannot overwrite or delete another pair's folder;
    the older packages of the same pair leave only after the new one is in place, so the pair is
    never missing; staging and trash live outside ``folder`` (see :func:`staging_dir`).
    """
    archive = Path(archive)
    loc = Location(archive)
    if not archive.exists():
        raise MissingError("no such model file", location=loc, hint="give the path of a .argosmodel file")
    if not archive.is_file():
        raise InputError("not a regular file (a device, FIFO or folder is never read)", location=loc,
                         hint="give the path of a .argosmodel file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise EnvironmentProblem(f"cannot create the models folder: {err.strerror}",
                                 location=Location(folder)) from None
    stage = staging_dir(folder)
    _clean_stale(stage)
    if stage != folder:
        _clean_stale(folder)
    tmp = stage / _stage_name("")
    try:
        try:
            with zipfile.ZipFile(archive) as zf:
                top = _check_members(zf, archive, max_bytes)
                tmp.mkdir()
                _extract(zf, tmp, max_bytes, archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as err:
            raise InputError(f"not a valid .argosmodel (zip) file: {err}", location=loc,
                             hint="the download may be truncated or corrupt; fetch it again") from None
        except zlib.error as err:
            raise InputError(f"corrupt archive: {err}", location=loc, hint="fetch the file again") from None
        staged = tmp / top
        if not staged.is_dir():
            raise InputError("not an Argos package: no top-level folder", location=loc)
        pkg = _validate(staged, archive, expect)
        old = [p for p in installed(folder) if p.pair == pkg.pair]
        final = folder / folder_name(pkg)
        while final.exists() or final.is_symlink():  # a reinstall, or someone else's folder: never touched
            final = folder / f"{folder_name(pkg)}-{uuid.uuid4().hex[:6]}"
        os.replace(staged, final)
        for prev in old:
            _discard(prev.path, stage)
        return load_package(final)
    except OSError as err:
        raise EnvironmentProblem(
            f"cannot install the model: {err.strerror}", location=Location(folder),
            hint="check free disk space and permissions; nothing was installed") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load_or_none(folder: Path) -> Package | None:
    try:
        return load_package(folder)
    except InputError:
        return None


def _validate(staged: Path, archive: Path, expect: tuple[str, str] | None) -> Package:
    pkg = load_package(staged)
    loc = Location(archive)
    if expect and (pkg.from_code, pkg.to_code) != expect:
        raise InputError(
            f"the package is {pkg.from_code}→{pkg.to_code}, not the requested {expect[0]}→{expect[1]}",
            location=loc, hint="check the file or the index entry; nothing was installed",
        )
    if not (staged / "model" / "model.bin").is_file():
        raise InputError("not an Argos package: no model/model.bin", location=loc)
    if not (staged / "sentencepiece.model").is_file():
        raise InputError("unsupported package: no sentencepiece.model (bpe.model packages are not supported)",
                         location=loc)
    return pkg


def _discard(path: Path, stage: Path) -> None:
    """Take a package folder out of the packages folder in one rename, then delete it."""
    trash = stage / _stage_name("rm-")
    os.replace(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def remove(folder: Path, source: str, target: str, *, keep_newest: bool = False) -> list[Package]:
    """Remove the installed packages of one pair (all, or all but the newest); returns what was removed."""
    found = [p for p in installed(folder) if (p.from_code, p.to_code) == (source, target)]
    if not found:
        raise MissingError(f"no model for {source}→{target} is installed", location=Location(folder),
                           hint="`invoke models.list` shows what is installed")
    gone = found[:-1] if keep_newest else found
    stage = staging_dir(folder)
    for pkg in gone:
        try:
            _discard(pkg.path, stage)
        except OSError as err:
            raise EnvironmentProblem(f"cannot remove: {err.strerror}", location=Location(pkg.path)) from None
    return gone


def _clean_stale(folder: Path) -> None:
    """Leftovers of an interrupted install or removal."""
    for sub in folder.glob(f"{TMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if time.time() - sub.stat().st_mtime < 3600:  # maybe another run's install in progress
                continue
        shutil.rmtree(sub, ignore_errors=True) if sub.is_dir() else sub.unlink(missing_ok=True)
