"""Misbehaving servers on 127.0.0.1 for fetch and build-level fault tests.

pytest-httpserver covers well-formed HTTP; these raw-socket servers answer the way no HTTP
library would (never, a byte at a time, or with a lie about the length). Each fixture yields a
plain `http://127.0.0.1:<port>/` URL usable as STATUS_SOURCE in a subprocess build too, and
closes every socket and thread at teardown (warnings are errors in this project).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer

Handler = Callable[[socket.socket, threading.Event], None]
TICK = 0.05  # how often server threads look at their stop flag


class RawServer:
    """A TCP server that runs `handler(connection, stop)` in a thread for each connection."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.stop = threading.Event()
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(TICK)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/"
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, name="raw-server", daemon=True)
        self._accepter.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(TICK)
            with contextlib.suppress(OSError):  # the client went away: what these provoke
                self.handler(conn, self.stop)

    def close(self) -> None:
        self.stop.set()
        self._accepter.join(5)
        self._listener.close()
        for thread in self._threads:
            thread.join(5)


def read_request(conn: socket.socket, stop: threading.Event) -> bytes:
    """The request head, read until the blank line (or until the client or the test stops)."""
    data = b""
    while b"\r\n\r\n" not in data and not stop.is_set():
        try:
            chunk = conn.recv(4096)
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
    return data


def silent(conn: socket.socket, stop: threading.Event) -> None:
    """Accepts, reads the request, never answers."""
    read_request(conn, stop)
    stop.wait()


def trickle_body(conn: socket.socket, stop: threading.Event) -> None:
    """Headers promising a large body, then one byte every 0.1 s: no read timeout ever fires."""
    read_request(conn, stop)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100000\r\n\r\n")
    while not stop.wait(0.1):
        conn.sendall(b" ")


def trickle_headers(conn: socket.socket, stop: threading.Event) -> None:
    """A status line, then a header that never ends, one byte every 0.1 s."""
    read_request(conn, stop)
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while not stop.wait(0.1):
        conn.sendall(b"a")


def huge_length(conn: socket.socket, stop: threading.Event) -> None:
    """Claims a gigabyte, sends none of it: a client that trusts it would wait for the deadline."""
    read_request(conn, stop)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000000000\r\n\r\n{")
    stop.wait()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Handler], RawServer]]:
    """Factory: `raw_server(handler)` starts a RawServer; all are closed after the test."""
    servers: list[RawServer] = []

    def start(handler: Handler) -> RawServer:
        servers.append(RawServer(handler))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def silent_server(raw_server) -> str:
    """URL of a server that accepts connections and never answers."""
    return raw_server(silent).url


@pytest.fixture
def trickle_server(raw_server) -> str:
    """URL of a server that sends headers, then the body one byte every 0.1 s, for ever."""
    return raw_server(trickle_body).url


@pytest.fixture
def trickle_headers_server(raw_server) -> str:
    """URL of a server whose headers never end (one byte every 0.1 s)."""
    return raw_server(trickle_headers).url


@pytest.fixture
def huge_length_server(raw_server) -> str:
    """URL of a server announcing Content-Length: 1000000000 and then sending nothing."""
    return raw_server(huge_length).url


@pytest.fixture
def refused_url() -> Iterator[str]:
    """URL of a port that refuses connections: bound (so nobody else takes it) but not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"


@pytest.fixture(scope="session")
def self_signed_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1 and localhost, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command makes the test certificate: run tests/run, which "
                    "installs it, or apt-get install -y openssl")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def tls_context(self_signed_cert) -> ssl.SSLContext:
    """A server-side TLS context with the self-signed certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, self_signed_cert))
    return context


@pytest.fixture
def https_server(tls_context) -> Iterator[HTTPServer]:
    """A pytest-httpserver over TLS on 127.0.0.1 with the self-signed certificate.

    Clients refuse it unless they trust `self_signed_cert[0]` (e.g. SSL_CERT_FILE=<that path>).
    """
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=tls_context)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
