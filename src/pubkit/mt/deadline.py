"""Deadlines for the network: every index fetch and download ends in bounded time.

A socket timeout bounds one read, not a transfer: a server that sends one byte a second is never
cut off by it, and Python's buffered ``read(n)`` even waits for all ``n`` bytes. So each transfer
here has a total deadline and a minimum rate (measured after a grace period), checked after every
read, and a watchdog thread shuts the connection's socket down when the deadline passes, so that
a read blocked in the kernel (or a server dripping its headers) returns at once. Going past
either limit is :class:`~pubkit.errors.UnavailableError` (exit 69) naming the address and how
many bytes had arrived.

The limits come from ``[models]`` in ``pubkit.toml`` (:func:`limits_from`):
``index_deadline_s``, ``download_deadline_s`` and ``min_bytes_per_s``.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass, replace
from typing import IO, Any

from ..errors import UnavailableError

READ_TIMEOUT = 30.0  # seconds one read may wait (connect included)


@dataclass(frozen=True)
class NetLimits:
    """How long a transfer may take in all, and how slowly it may arrive."""

    deadline_s: float = 3600.0  # a whole download (2 GB at 1 MB/s takes 35 minutes)
    index_deadline_s: float = 60.0  # the index (about 100 KB)
    min_bytes_per_s: float = 10_000.0  # on average, once grace_s have passed
    grace_s: float = 20.0  # time to connect and get going before the rate counts

    def for_index(self) -> NetLimits:
        return replace(self, deadline_s=self.index_deadline_s)


def limits_from(cfg: Any) -> NetLimits:
    """``[models] index_deadline_s``, ``download_deadline_s`` and ``min_bytes_per_s`` from
    ``pubkit.toml`` (positive numbers), else the defaults."""
    raw = getattr(cfg, "raw", None) or {}
    models: dict[str, Any] = raw["models"] if isinstance(raw.get("models"), dict) else {}
    out = NetLimits()
    for key, field in (("index_deadline_s", "index_deadline_s"), ("download_deadline_s", "deadline_s"),
                       ("min_bytes_per_s", "min_bytes_per_s")):
        value = models.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            out = replace(out, **{field: float(value)})
    return out


class Transfer:
    """One transfer's clock: the deadline, the rate, and the watchdog on its sockets."""

    def __init__(self, url: str, what: str, limits: NetLimits) -> None:
        self.url, self.what, self.limits = url, what, limits
        self.start = time.monotonic()
        self.received = 0
        self.sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(limits.deadline_s, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self.expired = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()

    def read_timeout(self) -> float:
        return max(0.05, min(READ_TIMEOUT, self.limits.deadline_s - (time.monotonic() - self.start)))

    def check(self) -> None:
        """Past the deadline, or slower than the minimum rate: UnavailableError."""
        elapsed = time.monotonic() - self.start
        got = f"{self.received:,} bytes received"
        if self.expired or elapsed > self.limits.deadline_s:
            raise UnavailableError(
                f"{self.what} from {self.url} did not finish within {self.limits.deadline_s:g} s "
                f"({got}); cut off", hint=_HINT)
        if elapsed > self.limits.grace_s and self.received / elapsed < self.limits.min_bytes_per_s:
            raise UnavailableError(
                f"{self.what} from {self.url} arrives at {self.received / elapsed:,.0f} bytes/s, below "
                f"{self.limits.min_bytes_per_s:,.0f} ({got} in {elapsed:.0f} s); cut off", hint=_HINT)

    def read(self, resp: IO[bytes], size: int) -> bytes:
        """Up to ``size`` bytes, whatever has arrived (never waiting to fill ``size``)."""
        self.check()
        _set_timeout(resp, self.read_timeout())
        try:
            read1 = getattr(resp, "read1", None)
            chunk = read1(size) if read1 is not None else resp.read(size)
        except (TimeoutError, ConnectionError, OSError, http.client.HTTPException):
            if self.expired or time.monotonic() - self.start > self.limits.deadline_s:
                self.check()
            raise
        self.received += len(chunk)
        if chunk or self.expired:
            self.check()
        return chunk

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener whose connections register their sockets with this transfer."""
        watch = self

        def factory(cls):
            def make(*args, **kwargs):
                conn = cls(*args, **kwargs)
                connect = conn.connect

                def connect_and_watch():
                    connect()
                    watch.sockets.append(conn.sock)
                    if watch.expired:
                        watch._expire()

                conn.connect = connect_and_watch
                return conn
            return make

        class Http(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(factory(http.client.HTTPConnection), req)

        class Https(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(factory(http.client.HTTPSConnection), req,
                                    context=getattr(self, "_context", None))

        return urllib.request.build_opener(Http, Https)


_HINT = ("a slow or stalled server; run the command again later, or on a machine with a better "
         "connection download the file and use `invoke models.install --file X` (the limits are "
         "[models] download_deadline_s, index_deadline_s and min_bytes_per_s in pubkit.toml)")


def _set_timeout(resp: IO[bytes], seconds: float) -> None:
    """Best effort: the socket under an http.client response waits at most ``seconds`` per read."""
    sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.settimeout(seconds)
