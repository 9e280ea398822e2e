"""Fixtures for machine translation: tiny real Argos packages built at test time, an HTTP index.

The packages are genuine (CTranslate2 Transformer with seeded random weights, SentencePiece
model, metadata.json, zipped as .argosmodel) but translate into gibberish: tests assert
structure, never content. Everything is built once per session (about a second in all).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest

from pubkit.config import load_config
from pubkit.mt import packages as pk
from pubkit.mt.synthetic import build

ROOT = Path(__file__).resolve().parents[2]
PAIRS = [("en", "ru"), ("en", "ky"), ("en", "fr"), ("fr", "en")]
TEXT = """The workers of Zhanaozen went on strike in January 2022. Mr. Smith said the U.S. embassy was closed.
Prices for gas doubled overnight, e.g. in Mangystau. Protests spread to Almaty and other cities.
The government resigned on January 5. See No. 5 of the decree for details. Ce texte est en français.
"""


@pytest.fixture(scope="session")
def archives(tmp_path_factory) -> dict[str, Path]:
    """pair ("en-ru") → .argosmodel path; plus "en-de+prefix", a multilingual-style package."""
    out = tmp_path_factory.mktemp("argosmodels")
    built = {f"{s}-{t}": build(TEXT, out, s, t, preset="tiny") for s, t in PAIRS}
    pdir = out / "prefix"
    pdir.mkdir()
    built["en-de+prefix"] = build(TEXT, pdir, "en", "de", preset="tiny", target_prefix="__de__")
    return built


@pytest.fixture(scope="session")
def shared_packages(tmp_path_factory, archives) -> Path:
    """A packages folder with every pair installed through the real install code (read-only use)."""
    folder = tmp_path_factory.mktemp("packages")
    for key, path in archives.items():
        pk.install_archive(path, folder)
    return folder


@pytest.fixture
def packages_dir(tmp_path, monkeypatch) -> Path:
    """An empty packages folder that pubkit (and argostranslate) would use: $ARGOS_PACKAGES_DIR."""
    folder = tmp_path / "argos-packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


@pytest.fixture
def mt_project(tmp_path, monkeypatch) -> Path:
    """A scratch project (config and seeds) whose models live in its own folder."""
    dest = tmp_path / "project"
    dest.mkdir()
    toml = (ROOT / "pubkit.toml").read_text(encoding="utf-8")
    (dest / "pubkit.toml").write_text(toml + '\n[models]\ndir = "models"\n', encoding="utf-8")
    shutil.copytree(ROOT / "seeds", dest / "seeds")
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    return dest


@pytest.fixture
def cfg_for(tmp_path):
    """A Config whose models folder is ``folder``."""

    def make(folder: Path):
        proj = tmp_path / f"cfg-{abs(hash(str(folder)))}"
        proj.mkdir(exist_ok=True)
        toml = (ROOT / "pubkit.toml").read_text(encoding="utf-8")
        (proj / "pubkit.toml").write_text(toml + f'\n[models]\ndir = "{folder}"\n', encoding="utf-8")
        return load_config(proj)

    return make


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves the folder, plus hostile endpoints: ``/endless`` (a body that never ends, no length),
    ``/liar`` (Content-Length of 10 GB) and ``/to-file`` (a redirect to file:///dev/zero)."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        if self.path.startswith("/endless"):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            chunk = b"[" + b" " * 65535
            try:
                for _ in range(65536):  # 4 GiB at most, should a client never hang up
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if self.path == "/liar":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * 1024**3))
            self.end_headers()
            return
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///dev/zero")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture(scope="session")
def index_server(tmp_path_factory, archives):
    """An HTTP server on 127.0.0.1 serving index.json and the packages, Argos index format."""
    root = tmp_path_factory.mktemp("www")
    for key, path in archives.items():
        if "+" not in key:
            shutil.copy(path, root / path.name)
    truncated = archives["en-ru"].read_bytes()
    (root / "truncated.argosmodel").write_bytes(truncated[: len(truncated) // 2])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    entries = []
    for s, t in PAIRS:
        name = archives[f"{s}-{t}"].name
        entries.append({
            "package_version": "1.0", "argos_version": "1.0", "from_code": s, "from_name": s,
            "to_code": t, "to_name": t, "type": "translate", "code": f"translate-{s}_{t}",
            "links": [f"{base}/{name}"], "size": (root / name).stat().st_size,
        })
    (root / "index.json").write_text(json.dumps(entries), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base": base, "index": f"{base}/index.json", "root": root}
    server.shutdown()
    server.server_close()
