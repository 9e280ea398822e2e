"""The Argos package index and downloads: fetch, parse, download with progress and verification.

The index is argospm-index's ``index.json``: a JSON list of package entries (``from_code``,
``to_code``, ``package_version``, ``links`` …). Downloads go to a temporary file inside the
models folder and are verified (size, sha256 when the index gives them) before installing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EnvironmentProblem, InputError, Location, MissingError, UnavailableError
from . import packages as pk

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
TIMEOUT = 30
USER_AGENT = "pubkit (argos package index client)"


@dataclass(frozen=True)
class IndexEntry:
    from_code: str
    to_code: str
    name: str
    version: str
    links: tuple[str, ...]
    size: int | None = None
    sha256: str | None = None
    raw: dict = field(default_factory=dict, compare=False)

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"


def index_url(cfg=None, override: str | None = None) -> str:
    """``--index``, else pubkit.toml ``[models] index``, else ``$ARGOS_PACKAGE_INDEX``, else Argos's."""
    if override:
        return override
    raw = getattr(cfg, "raw", None) or {}
    models = raw.get("models") if isinstance(raw.get("models"), dict) else {}
    if models.get("index"):
        return models["index"]
    env = os.environ.get("ARGOS_PACKAGE_INDEX")
    if env:  # argostranslate's variable names the repository folder, not the file
        return env if env.endswith(".json") else env.rstrip("/") + "/index.json"
    return DEFAULT_INDEX


def _open(url: str):
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        return urllib.request.urlopen(req, timeout=TIMEOUT)
    except urllib.error.HTTPError as err:
        raise MissingError(f"the server answered {err.code} {err.reason}", location=Location(url),
                           hint="check the URL (or the index's entry)") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise UnavailableError(
            f"cannot reach {url}: {reason}", location=None,
            hint="the network is unreachable; on a machine with internet download the .argosmodel file, "
                 "copy it here and run `invoke models.install --file X.argosmodel`",
        ) from None


def fetch_index(url: str) -> list[IndexEntry]:
    """Download and parse an index (``file://`` and plain paths work too, for offline mirrors)."""
    if "://" not in url:
        url = Path(url).resolve().as_uri()
    with _open(url) as resp:
        data = resp.read()
    return parse_index(data, url)


def parse_index(data: bytes, where: str = "index") -> list[IndexEntry]:
    try:
        items = json.loads(data.decode("utf-8"))
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
             label: str = "") -> Path:
    """Download ``url`` into a temporary file inside ``folder``; the caller deletes it."""
    if "://" not in url:
        url = Path(url).resolve().as_uri()
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{pk.TMP_PREFIX}{uuid.uuid4().hex[:12]}.argosmodel"
    resp = _open(url)
    try:
        length = resp.headers.get("Content-Length") if hasattr(resp, "headers") else None
        total = size or (int(length) if length and length.isdigit() else None)
        if total:
            free = shutil.disk_usage(folder).free
            if free < total * 2.2:  # the archive plus its extracted copy
                raise EnvironmentProblem(
                    f"not enough disk space: the model needs about {total * 2 // 1024**2} MB, "
                    f"{free // 1024**2} MB free", location=Location(folder),
                    hint="free some space or set [models] dir in pubkit.toml to a larger disk")
        digest, got = hashlib.sha256(), 0
        with _progress(label or url.rsplit("/", 1)[-1], total) as advance, open(dest, "wb") as out:
            while True:
                try:
                    chunk = resp.read(1 << 16)
                except (socket.timeout, TimeoutError, ConnectionError, OSError) as err:
                    raise UnavailableError(f"the download of {url} broke off: {err}",
                                           hint="check the network and run the command again") from None
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                got += len(chunk)
                advance(len(chunk))
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    finally:
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
def _progress(label: str, total: int | None):
    from ..ui import err_console, progress_enabled

    if not progress_enabled():
        yield lambda n: None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
