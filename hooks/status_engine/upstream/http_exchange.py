"""One HTTP request bounded by an absolute deadline and a body size; the engine's only socket code.

The request runs in a daemon worker thread and the caller waits for it only until the deadline:
then it shuts the socket down (which unblocks the worker's recv, so the worker ends and closes the
connection) and raises. This holds against a server that never answers or trickles a byte at a
time, where socket timeouts alone never fire. The body is read as a stream, at most max_bytes + 1
bytes on the wire and after gzip decoding. Every failure is one `UpstreamError` line.

The standard library's http.client does the talking: the exchange needs one GET with a streamed
body, and importing urllib3 for it cost every build that fetches about 15 ms (3 % of a build;
tests/bench/bench_status.py). What urllib3 added is done here: a body shorter than its
Content-Length is refused, and TLS is verified against the system's trust store and host name.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import os
import socket
import ssl
import threading
import zlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol
from urllib.parse import urlsplit

from .request import ACCEPT, Answer, Limits

CHUNK_BYTES = 16 * 1024
# After shutting a stuck socket down the worker ends within milliseconds; never wait much longer.
ABORT_GRACE_SECONDS = 0.3


class _Decompressor(Protocol):
    """What zlib.decompressobj returns (typeshed names that type only privately)."""

    def decompress(self, data: bytes, max_length: int = 0, /) -> bytes: ...

    def flush(self, length: int = ..., /) -> bytes: ...


class _Refused(Exception):
    """A cause found while reading (size, encoding) whose message is already the one to show."""


def exchange(limits: Limits, url: str) -> Answer:
    """One request in a worker thread; the caller waits only until the deadline."""
    remaining = limits.remaining()
    if remaining <= 0:
        raise limits.deadline_error()
    job = _Exchange(url, limits)
    worker = threading.Thread(target=job.run, name="status-fetch", daemon=True)
    worker.start()
    worker.join(remaining)
    if worker.is_alive():
        job.abort()  # unblocks the worker's recv; it then closes the connection itself
        worker.join(ABORT_GRACE_SECONDS)
        raise limits.deadline_error()
    if job.error is not None:
        if _timed_out(job.error) and limits.remaining() < 0.1:
            raise limits.deadline_error() from job.error
        raise limits.fail(_describe(job.error)) from job.error
    assert job.answer is not None
    return job.answer


class _Exchange:
    """State shared by the worker (which talks) and the caller (which may abort at the deadline)."""

    def __init__(self, url: str, limits: Limits) -> None:
        self.url = url
        self.limits = limits
        self.answer: Answer | None = None
        self.error: BaseException | None = None
        self._conn: http.client.HTTPConnection | None = None
        self._aborted = False
        # Guards the socket so abort() never shuts down a descriptor the worker already closed.
        self._lock = threading.Lock()

    def run(self) -> None:
        try:
            self.answer = self._talk()
        except BaseException as exc:  # handed to the caller, which turns it into one line
            self.error = exc
        finally:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()

    def abort(self) -> None:
        with self._lock:
            self._aborted = True
            sock = self._conn.sock if self._conn is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):  # already closed or never connected
                    sock.shutdown(socket.SHUT_RDWR)

    def _stop_if_aborted(self) -> None:
        with self._lock:
            if self._aborted:
                raise TimeoutError("aborted at the deadline")

    def _talk(self) -> Answer:
        parts = urlsplit(self.url)
        remaining = max(0.01, self.limits.remaining())
        conn = _connection(parts.scheme, parts.hostname or "", parts.port,
                           min(self.limits.connect_timeout, remaining))
        with self._lock:
            self._conn = conn
        self._stop_if_aborted()
        conn.connect()
        self._stop_if_aborted()  # abort() may have come while connect() had no socket to shut
        assert conn.sock is not None  # connect() made it, or raised
        conn.sock.settimeout(min(self.limits.read_timeout, max(0.01, self.limits.remaining())))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": self.limits.user_agent, "Accept": ACCEPT,
                   "Accept-Encoding": "gzip", "Connection": "close"}
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        try:
            return _answer(self.url, response, self.limits.max_bytes)
        finally:
            response.close()


def _connection(scheme: str, host: str, port: int | None,
                timeout: float) -> http.client.HTTPConnection:
    if scheme == "https":
        # Verification is always on: system trust store, hostname checked, TLS 1.2 at least
        # (the default context's rules). No switch exists.
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=_tls(
            os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")))
    return http.client.HTTPConnection(host, port, timeout=timeout)


@functools.cache
def _tls(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """One TLS context for every request of a build: making one reads the system's trust store,
    about 20 ms (144 certificates on Debian 12), and a build makes two requests or more. Kept
    per value of the two variables through which OpenSSL finds another trust store."""
    return ssl.create_default_context()


def _answer(url: str, response: http.client.HTTPResponse, max_bytes: int) -> Answer:
    headers = response.headers
    media = headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    body = _read_body(response, max_bytes) if 200 <= response.status < 300 else b""
    return Answer(response.status, url, media, body, headers.get("Location"),
                  headers.get("Retry-After"))


def _read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The body, at most max_bytes after decompression; refused as soon as it grows past that."""
    length = response.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise _Refused(f"body larger than {max_bytes} bytes (Content-Length {length})")
    decoder = _decoder(response.headers.get("Content-Encoding", ""))
    body = bytearray()
    received = 0
    while chunk := response.read(CHUNK_BYTES):
        received += len(chunk)
        if received > max_bytes:
            raise _Refused(f"body larger than {max_bytes} bytes")
        body += _decode(decoder, chunk, max_bytes + 1 - len(body))
        if len(body) > max_bytes:
            raise _Refused(f"body larger than {max_bytes} bytes once decompressed")
    # http.client ends a body cut short by a closed connection as if it were whole: refuse it.
    if length.isdigit() and received < int(length):
        raise http.client.IncompleteRead(bytes(body), int(length) - received)
    if decoder is not None:
        body += decoder.flush()
        if len(body) > max_bytes:
            raise _Refused(f"body larger than {max_bytes} bytes once decompressed")
    return bytes(body)


def _decoder(encoding: str) -> _Decompressor | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise _Refused(f"unsupported Content-Encoding {encoding!r}")


def _decode(decoder: _Decompressor | None, chunk: bytes, room: int) -> bytes:
    if decoder is None:
        return chunk
    try:
        # max_length bounds the output of one call, so a small bomb never expands in memory;
        # output that reaches `room` is one byte over the cap, which the caller refuses.
        return decoder.decompress(chunk, room)
    except zlib.error as exc:
        raise _Refused(f"corrupt compressed body ({exc})") from exc


def _timed_out(exc: BaseException) -> bool:
    return any(isinstance(e, TimeoutError) for e in _chain(exc))


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


# Most specific first; the whole cause chain is searched, as a cause may come wrapped.
_CAUSES: tuple[tuple[Any, Callable[[BaseException], str]], ...] = (
    (_Refused, str),
    (ssl.SSLCertVerificationError, lambda e: "TLS certificate verify failed "
                                             f"({getattr(e, 'verify_message', None) or e})"),
    (ssl.SSLError, lambda e: f"TLS error ({getattr(e, 'reason', None) or e})"),
    (ConnectionRefusedError, lambda e: "connection refused"),
    (socket.gaierror, lambda e: "cannot resolve the host name"),
    (TimeoutError, lambda e: "timed out (connect or read timeout)"),
    (ConnectionResetError, lambda e: "connection closed by the server"),
    (http.client.IncompleteRead, lambda e: "connection closed before the body was complete"),
    (http.client.HTTPException, lambda e: f"malformed HTTP answer ({type(e).__name__}: {e})"),
    (OSError, lambda e: f"network error ({e})"),
)


def _describe(exc: BaseException) -> str:
    causes = list(_chain(exc))
    for kind, describe in _CAUSES:
        for cause in causes:
            if isinstance(cause, kind):
                return describe(cause)
    return f"unexpected error ({type(exc).__name__}: {exc})"
