"""The Argos package index and downloads: fetch, parse, download with progress and verification.

The index is argospm-index's ``index.json``: a JSON list of package entries (``from_code``,
``to_code``, ``package_version``, ``links`` …). Downloads go to a temporary file inside the
models folder and are verified (size, sha256 when the index gives them) before installing.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import EnvironmentProblem, InputError, Location, MissingError, UnavailableError
from ..limits import load_json
from . import packages as pk
from .deadline import NetLimits, Transfer

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
USER_AGENT = "pubkit (argos package index client)"
# The real index is about 100 KB; an index larger than this is refused while it streams in.
MAX_INDEX_BYTES = 8 * 1024**2
# A download larger than this is refused while it streams in (or at once, from Content-Length).
MAX_DOWNLOAD_BYTES = pk.DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class IndexEntry:
    from_code: str
    to_code: str
    name: str
    version: str
    links: tuple[str, ...]
    size: int | None = None
    sha256: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"


def index_url(cfg: Any = None, override: str | None = None) -> str:
    """``--index``, else pubkit.toml ``[models] index``, else ``$ARGOS_PACKAGE_INDEX``, else Argos's."""
    if override:
        return override
    raw = getattr(cfg, "raw", None) or {}
    models: dict[str, Any] = raw["models"] if isinstance(raw.get("models"), dict) else {}
    if models.get("index"):
        return str(models["index"])
    env = os.environ.get("ARGOS_PACKAGE_INDEX")
    if env:  # argostranslate's variable names the repository folder, not the file
        return env if env.endswith(".json") else env.rstrip("/") + "/index.json"
    return DEFAULT_INDEX


def _local_file(url: str) -> Path:
    """A ``file://`` URL or a plain path given by the user: a regular file, or a clear refusal."""
    path = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path)) if "://" in url else Path(url)
    if not path.exists():
        raise MissingError("no such file", location=Location(path), hint="check the path")
    if not path.is_file():
        raise InputError("not a regular file (a device, FIFO or folder is never read)",
                         location=Location(path),
                         hint="give the path of the file itself")
    return path


def _open(url: str, *, allow_file: bool, transfer: Transfer) -> IO[bytes]:
    """Open ``url`` for streaming. http(s) always; ``file://`` and plain paths only when ``allow_file``
    (what the user typed), never for links taken from an index. ``transfer`` bounds the time."""
    scheme = urllib.parse.urlparse(url).scheme.lower() if "://" in url else ""
    if scheme in ("", "file"):
        if not allow_file:
            raise InputError(f"refused: the index links to a local file ({url})", location=Location(url),
                             hint="an index may only link to http(s) downloads; "
                                  "install local files with --file")
        return open(_local_file(url), "rb")
    if scheme not in ("http", "https"):
        raise InputError(f"refused: unsupported link scheme '{scheme}' ({url})", location=Location(url),
                         hint="use an http(s) URL, or --file for a local .argosmodel")
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        resp = transfer.opener().open(req, timeout=transfer.read_timeout())
    except urllib.error.HTTPError as err:
        raise MissingError(f"the server answered {err.code} {err.reason}", location=Location(url),
                           hint="check the URL (or the index's entry)") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError, http.client.HTTPException) as err:
        transfer.check()  # past the deadline (a server dripping its headers): say so
        reason = getattr(err, "reason", err)
        raise UnavailableError(
            f"cannot reach {url}: {reason}", location=None,
            hint="the network is unreachable; on a machine with internet download the .argosmodel file, "
                 "copy it here and run `invoke models.install --file X.argosmodel`",
        ) from None
    final = urllib.parse.urlparse(resp.geturl()).scheme.lower()
    if final not in ("http", "https"):  # a redirect elsewhere
        resp.close()
        raise InputError(f"refused: {url} redirects to a {final}:// link", location=Location(url))
    return resp


def _read_capped(resp: IO[bytes], cap: int, url: str, transfer: Transfer) -> bytes:
    chunks, got = [], 0
    while chunk := transfer.read(resp, 1 << 16):
        got += len(chunk)
        if got > cap:
            raise InputError(f"refused: the package index is larger than {cap // 1024**2} MB",
                             location=Location(url), hint="not an Argos index, or a hostile server")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_index(url: str, *, max_bytes: int | None = None,
                limits: NetLimits | None = None) -> list[IndexEntry]:
    """Download and parse an index (``file://`` and plain paths work too, for offline mirrors),
    reading at most ``max_bytes`` (MAX_INDEX_BYTES) within ``limits`` (its index deadline)."""
    cap = max_bytes or MAX_INDEX_BYTES
    transfer = Transfer(url, "the package index", (limits or NetLimits()).for_index())
    try:
        with _open(url, allow_file=True, transfer=transfer) as resp:
            data = _read_capped(resp, cap, url, transfer)
    except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
        raise UnavailableError(f"reading the index {url} broke off after {transfer.received:,} bytes: {err}",
                               hint="check the network and run the command again") from None
    finally:
        transfer.close()
    return parse_index(data, url)


def parse_index(data: bytes, where: str = "index") -> list[IndexEntry]:
    try:
        items = load_json(data.decode("utf-8"), where, "the package index")
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"the package index is not valid JSON: {err}", location=Location(where)) from None
    if not isinstance(items, list):
        raise InputError("the package index is not a JSON list of packages", location=Location(where))
    entries = []
    for item in items:
        if not isinstance(item, dict) or item.get("type", "translate") != "translate":
            continue
        if not item.get("from_code") or not item.get("to_code") or not item.get("links"):
            continue
        size = item.get("size") or item.get("size_bytes")
        sha = item.get("sha256") or item.get("checksum")
        entries.append(IndexEntry(
            from_code=str(item["from_code"]), to_code=str(item["to_code"]),
            name=str(item.get("code") or f"translate-{item['from_code']}_{item['to_code']}"),
            version=str(item.get("package_version", "")),
            links=tuple(str(x) for x in item["links"]),
            size=int(size) if isinstance(size, (int, str)) and str(size).isdigit() else None,
            sha256=str(sha).lower().removeprefix("sha256:") if sha else None,
            raw=item,
        ))
    return entries


def pick(entries: list[IndexEntry], source: str, target: str) -> IndexEntry | None:
    """The newest index entry for a direct pair."""
    found = [e for e in entries if (e.from_code, e.to_code) == (source, target)]
    return max(found, key=lambda e: pk._version_key(e.version)) if found else None


def download(url: str, folder: Path, *, size: int | None = None, sha256: str | None = None,
             label: str = "", from_index: bool = False, max_bytes: int | None = None,
             limits: NetLimits | None = None) -> Path:
    """Download ``url`` into a temporary file in the models folder's staging area; the caller deletes it.

    Streams with a cap: the index's ``size`` when given, else ``max_bytes`` (MAX_DOWNLOAD_BYTES);
    a body longer than that is cut off and refused, nothing is kept. Links from an index
    (``from_index``) must be http(s). The whole download must finish within ``limits``
    (a total deadline and a minimum rate, :mod:`.deadline`).
    """
    cap = min(size, max_bytes or MAX_DOWNLOAD_BYTES) if size else (max_bytes or MAX_DOWNLOAD_BYTES)
    folder.mkdir(parents=True, exist_ok=True)
    stage = pk.staging_dir(folder)
    dest = stage / f"{pk.TMP_PREFIX}{uuid.uuid4().hex[:12]}.argosmodel"
    transfer = Transfer(url, "the download", limits or NetLimits())
    try:
        resp = _open(url, allow_file=not from_index, transfer=transfer)
    except BaseException:
        transfer.close()
        raise
    try:
        headers = getattr(resp, "headers", None)
        length = headers.get("Content-Length") if headers is not None else None
        declared = int(length) if length and length.isdigit() else None
        if declared is not None and declared > cap:
            raise InputError(f"refused: the download is {declared // 1024**2} MB, more than "
                             f"{'the index says' if size else f'the {cap // 1024**2} MB limit'}",
                             location=Location(url), hint="nothing was downloaded")
        total = size or declared
        if total:
            free = shutil.disk_usage(stage).free
            if free < total * 2.2:  # the archive plus its extracted copy
                raise EnvironmentProblem(
                    f"not enough disk space: the model needs about {total * 2 // 1024**2} MB, "
                    f"{free // 1024**2} MB free", location=Location(folder),
                    hint="free some space or set [models] dir in pubkit.toml to a larger disk")
        digest, got = hashlib.sha256(), 0
        with _progress(label or url.rsplit("/", 1)[-1], total) as advance, open(dest, "wb") as out:
            while True:
                try:
                    chunk = transfer.read(resp, 1 << 16)
                except (TimeoutError, ConnectionError, OSError, http.client.HTTPException) as err:
                    raise UnavailableError(f"the download of {url} broke off after {got:,} bytes: {err}",
                                           hint="check the network and run the command again") from None
                if not chunk:
                    break
                got += len(chunk)
                if got > cap:
                    raise InputError(f"refused: the download of {url} goes on past {cap // 1024**2} MB"
                                     + (" (the size the index gives)" if size else ""),
                                     location=Location(url),
                                     hint="a broken or hostile server; nothing was kept")
                out.write(chunk)
                digest.update(chunk)
                advance(len(chunk))
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    finally:
        transfer.close()
        resp.close()
    problem = None
    if total and got != total:
        problem = f"the download is truncated: {got} of {total} bytes"
    elif sha256 and digest.hexdigest() != sha256:
        problem = "the download's sha256 does not match the index"
    if problem:
        dest.unlink(missing_ok=True)
        raise InputError(problem, location=Location(url), hint="run the command again; nothing was installed")
    return dest


@contextlib.contextmanager
def _progress(label: str, total: int | None) -> Iterator[Callable[[int], Any]]:
    from ..ui import err_console, progress_enabled

    if not progress_enabled():
        yield lambda n: None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
