"""Every index fetch and download ends in bounded time (pubkit.mt.deadline): a server on
127.0.0.1 that drips a byte at a time is cut off at the deadline (or for its rate) with exit 69,
the address and what was received, and nothing is kept. Deadlines here are a second or two."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest

from pubkit.errors import ExitCode, UnavailableError
from pubkit.mt import index as ix
from pubkit.mt.deadline import NetLimits, limits_from

DRIP_S = 0.25  # one byte this often (the server sent one every 1-2 s)


class _Drip(http.server.BaseHTTPRequestHandler):
    """/body: headers at once, then the body a byte at a time; /headers: the headers themselves dripped."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            if self.path.startswith("/headers"):
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for ch in b"X-Slow: " + b"a" * 10_000:
                    self.wfile.write(bytes([ch]))
                    self.wfile.flush()
                    time.sleep(DRIP_S)
                return
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100_000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(DRIP_S)
        except OSError:  # the client hung up: what the test wants
            return


@pytest.fixture
def drip():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _timed(fn):
    start = time.monotonic()
    with pytest.raises(UnavailableError) as err:
        fn()
    return err.value, time.monotonic() - start


def test_a_dripping_download_is_cut_off_at_its_deadline(drip, tmp_path):
    url = f"{drip}/body/model.argosmodel"
    limits = NetLimits(deadline_s=1.5, min_bytes_per_s=0.001, grace_s=60)
    err, took = _timed(lambda: ix.download(url, tmp_path / "models", limits=limits))
    assert err.exit_code == ExitCode.UNAVAILABLE
    assert 1.4 < took < 3.5, took
    assert url in err.message and "within 1.5 s" in err.message
    assert "bytes received" in err.message and not err.message.startswith("0 bytes")
    assert not [p for p in (tmp_path / "models").rglob("*") if p.is_file()], "nothing is kept"


def test_a_dripping_index_is_cut_off(drip):
    url = f"{drip}/body/index.json"
    err, took = _timed(lambda: ix.fetch_index(url, limits=NetLimits(index_deadline_s=1.0, grace_s=60,
                                                                     min_bytes_per_s=0.001)))
    assert took < 3.0, took
    assert "the package index" in err.message and url in err.message


def test_a_server_too_slow_for_the_minimum_rate_is_cut_off_before_the_deadline(drip, tmp_path):
    url = f"{drip}/body/model.argosmodel"
    limits = NetLimits(deadline_s=60, min_bytes_per_s=1000, grace_s=1.0)
    err, took = _timed(lambda: ix.download(url, tmp_path / "models", limits=limits))
    assert took < 3.0, took
    assert "bytes/s, below 1,000" in err.message and url in err.message


def test_dripped_headers_are_cut_off_too(drip, tmp_path):
    """The socket timeout never fires when a byte comes every 0.25 s; the watchdog does."""
    url = f"{drip}/headers/model.argosmodel"
    err, took = _timed(lambda: ix.download(url, tmp_path / "models",
                                           limits=NetLimits(deadline_s=1.0, grace_s=60)))
    assert took < 3.0, took
    assert url in err.message and "within 1 s" in err.message


def test_the_limits_are_read_from_pubkit_toml():
    class Cfg:
        raw = {"models": {"index_deadline_s": 5, "download_deadline_s": 120, "min_bytes_per_s": 2048.5}}

    limits = limits_from(Cfg())
    assert (limits.index_deadline_s, limits.deadline_s, limits.min_bytes_per_s) == (5.0, 120.0, 2048.5)
    assert limits_from(None) == NetLimits()
    Cfg.raw = {"models": {"download_deadline_s": -1, "min_bytes_per_s": True}}
    assert limits_from(Cfg()) == NetLimits(), "nonsense values leave the defaults"


def test_models_install_from_a_dripping_url_exits_69(drip, mt_project: Path):
    """The whole command: pubkit.toml's deadline applies, exit 69 with the address."""
    from pubkit.commands import models

    toml = mt_project / "pubkit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('\n[models]\ndir = "models"\n',
                                                               '\n[models]\ndir = "models"\ndownload_deadline_s = 1\n'),
                    encoding="utf-8")
    url = f"{drip}/body/translate-en_ru.argosmodel"
    err, took = _timed(lambda: models.run(mt_project, action="install", url=url))
    assert took < 3.5, took
    assert err.exit_code == ExitCode.UNAVAILABLE and url in err.message
