"""fetch() against real servers on 127.0.0.1: well-behaved, broken, slow, oversized, untrusted."""

from __future__ import annotations

import gzip
import json
import socket
import ssl
import threading
import time
import tracemalloc
from email.utils import format_datetime
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug import Response

from status_engine.errors import UpstreamError
from status_engine.upstream import http_exchange
from status_engine.upstream.fetch import Fetched, fetch

UA = "is-chatgpt-down-status/1 (+https://github.com/example/is-chatgpt-down)"
DEADLINE = 2.0  # seconds from the start of each call: short, but far above loopback latency
OVERSHOOT = 1.0  # allowed lateness past the deadline: the code aims at 0.3 s; slow CI needs slack
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def get(source: str, *, deadline: float = DEADLINE, max_bytes: int = 100_000, retries: int = 2,
        sleep=None) -> Fetched:
    return fetch(source, deadline=time.monotonic() + deadline, connect_timeout=5,
                 read_timeout=10, max_bytes=max_bytes, retries=retries, user_agent=UA,
                 sleep=sleep if sleep is not None else (lambda seconds: None))


def fails(source: str, **kwargs) -> str:
    with pytest.raises(UpstreamError) as info:
        get(source, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{source}: ") and "\n" not in message
    return message


@pytest.fixture(autouse=True)
def lookups(monkeypatch) -> list[str]:
    """Every host name resolved; any outside loopback is refused here and fails the test."""
    seen: list[str] = []
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        seen.append(host)
        if host not in LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, "outside loopback (test guard)")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield seen
    assert set(seen) <= LOOPBACK, f"looked up hosts outside loopback: {seen}"


@pytest.fixture
def trusted(monkeypatch, self_signed_cert) -> None:
    """Trust the test certificate as an operator trusts a private CA: no check is disabled."""
    monkeypatch.setenv("SSL_CERT_FILE", str(self_signed_cert[0]))


class Sleeps(list):
    """A `sleep` that records and skips the wait, so retry tests stay fast."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# --- answers ---------------------------------------------------------------------------------

def test_ok_gives_body_and_bare_lowercased_content_type(httpserver):
    httpserver.expect_request("/s.json").respond_with_data(
        b'{"ok": true}', content_type="Application/JSON; charset=UTF-8")
    got = get(httpserver.url_for("/s.json"))
    assert got == Fetched(b'{"ok": true}', "application/json", httpserver.url_for("/s.json"), 1)


def test_sends_user_agent_and_accept(httpserver):
    httpserver.expect_request("/s").respond_with_data(b"{}")
    get(httpserver.url_for("/s"))
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == UA
    # Spelled out, not the module's own constant: JSON first, then the feeds, XML, anything.
    assert request.headers["Accept"] == ("application/json, application/atom+xml, "
                                         "application/rss+xml, application/xml;q=0.9, */*;q=0.1")


def test_500_fails_after_all_retries_with_backoff(httpserver):
    httpserver.expect_request("/s").respond_with_data(b"oops", status=500)
    sleeps = Sleeps()
    assert "HTTP 500 after 3 attempts" in fails(httpserver.url_for("/s"), sleep=sleeps)
    assert len(httpserver.log) == 3
    assert sleeps == [0.5, 1.0]


def test_503_then_200_succeeds_on_second_attempt(httpserver):
    httpserver.expect_ordered_request("/s").respond_with_data(b"busy", status=503)
    httpserver.expect_ordered_request("/s").respond_with_json({"ok": 1})
    got = get(httpserver.url_for("/s"))
    assert (got.attempts, json.loads(got.body), got.content_type) == (2, {"ok": 1},
                                                                      "application/json")


def test_429_waits_retry_after_seconds_then_succeeds(httpserver):
    httpserver.expect_ordered_request("/s").respond_with_data(
        b"", status=429, headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/s").respond_with_data(b"{}")
    slept = []
    start = time.monotonic()
    got = get(httpserver.url_for("/s"), sleep=lambda s: (slept.append(s), time.sleep(s)))
    assert got.attempts == 2 and slept == [1.0]
    assert 0.9 < time.monotonic() - start < 1.0 + OVERSHOOT


def test_429_honours_retry_after_http_date(httpserver):
    when = datetime.now(UTC) + timedelta(seconds=2)
    httpserver.expect_ordered_request("/s").respond_with_data(
        b"", status=429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    httpserver.expect_ordered_request("/s").respond_with_data(b"{}")
    sleeps = Sleeps()
    assert get(httpserver.url_for("/s"), deadline=5, sleep=sleeps).attempts == 2
    assert len(sleeps) == 1 and 0.5 < sleeps[0] <= 2.1


def test_retry_after_past_the_deadline_gives_up_at_once(httpserver):
    httpserver.expect_request("/s").respond_with_data(
        b"", status=429, headers={"Retry-After": "30"})
    start = time.monotonic()
    message = fails(httpserver.url_for("/s"), sleep=time.sleep)
    assert time.monotonic() - start < 0.5 * DEADLINE
    assert "HTTP 429" in message and "Retry-After" in message and "deadline" in message
    assert len(httpserver.log) == 1


def test_backoff_past_the_deadline_gives_up_at_once(httpserver):
    httpserver.expect_request("/s").respond_with_data(b"", status=503)
    sleeps = Sleeps()
    message = fails(httpserver.url_for("/s"), deadline=0.4, sleep=sleeps)
    assert "HTTP 503 after 1 attempt" in message and "deadline" in message
    assert sleeps == [] and len(httpserver.log) == 1


@pytest.mark.parametrize("status", [400, 403, 404, 410])
def test_other_4xx_not_retried(httpserver, status):
    httpserver.expect_request("/s").respond_with_data(b"no", status=status)
    assert f"HTTP {status} (not retried)" in fails(httpserver.url_for("/s"))
    assert len(httpserver.log) == 1


# --- size ------------------------------------------------------------------------------------

def test_body_of_exactly_max_bytes_is_accepted(httpserver):
    httpserver.expect_request("/s").respond_with_data(b"x" * 2000)
    assert len(get(httpserver.url_for("/s"), max_bytes=2000).body) == 2000


def test_body_over_limit_refused_by_content_length(httpserver):
    httpserver.expect_request("/s").respond_with_data(b"x" * 2001)
    message = fails(httpserver.url_for("/s"), max_bytes=2000, sleep=time.sleep)
    assert "body larger than 2000 bytes" in message
    assert len(httpserver.log) == 1  # not retried


def test_content_length_over_limit_refused_before_reading(huge_length_server):
    # The server sends 1 byte of the promised gigabyte and waits: only an early refusal is fast.
    start = time.monotonic()
    assert "body larger than 2000 bytes" in fails(huge_length_server, max_bytes=2000)
    assert time.monotonic() - start < 0.5 * DEADLINE


def test_body_over_limit_refused_without_content_length(httpserver):
    def endless_chunks(request):
        return Response((b"y" * 1000 for _ in range(10_000)), content_type="application/json")

    httpserver.expect_request("/s").respond_with_handler(endless_chunks)
    assert "body larger than 2000 bytes" in fails(httpserver.url_for("/s"), max_bytes=2000)
    assert "Content-Length" not in httpserver.log[0][1].headers  # really streamed


def test_gzip_body_is_decoded(httpserver):
    httpserver.expect_request("/s").respond_with_data(
        gzip.compress(b'{"a": 1}'), headers={"Content-Encoding": "gzip"},
        content_type="application/json")
    assert get(httpserver.url_for("/s")).body == b'{"a": 1}'
    assert "gzip" in httpserver.log[0][0].headers["Accept-Encoding"]


def test_gzip_bomb_refused_by_decoded_size_without_expanding_in_memory(raw_server):
    bomb = gzip.compress(bytes(20_000_000), compresslevel=9)
    assert len(bomb) < 100_000  # small on the wire: only the decoded cap can catch it

    # A raw server: werkzeug's own 10 MB read buffer would blur the memory measurement.
    def send_bomb(conn, stop):
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
                     % len(bomb) + bomb)

    url = raw_server(send_bomb).url
    tracemalloc.start()
    try:
        message = fails(url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "larger than 100000 bytes once decompressed" in message
    assert peak < 4_000_000, f"peak {peak} bytes: the bomb was expanded before being refused"


def test_endless_bytes_after_a_small_gzip_member_refused(httpserver):
    # zlib ignores data after the end of the gzip stream: only the cap on raw bytes sees it.
    def trailing_junk(request):
        chunks = [gzip.compress(b"{}")] + [bytes(1000)] * 1000
        return Response(iter(chunks), headers={"Content-Encoding": "gzip"})

    httpserver.expect_request("/s").respond_with_handler(trailing_junk)
    assert "body larger than 2000 bytes" in fails(httpserver.url_for("/s"), max_bytes=2000)


def test_body_cut_short_refused(raw_server):
    def cut(conn, stop):
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial")

    message = fails(raw_server(cut).url)
    assert "connection closed before the body was complete" in message


# --- deadline --------------------------------------------------------------------------------

def fetch_watched(url: str, deadline: float) -> BaseException | None:
    """fetch() in a thread, so a broken deadline fails the test instead of hanging the run."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            fetch(url, deadline=deadline, connect_timeout=5, read_timeout=10,
                  max_bytes=1_000_000, retries=2, user_agent=UA)
            outcome.append(None)
        except BaseException as exc:  # checked by the test
            outcome.append(exc)

    watcher = threading.Thread(target=run, daemon=True)
    watcher.start()
    watcher.join(deadline - time.monotonic() + 5)
    assert outcome, "fetch() was still running 5 s after its deadline"
    return outcome[0]


@pytest.mark.parametrize("server", ["silent_server", "trickle_server", "trickle_headers_server"])
def test_hard_deadline_against_stuck_servers(request, server):
    url = request.getfixturevalue(server)
    deadline = time.monotonic() + DEADLINE
    error = fetch_watched(url, deadline)
    late = time.monotonic() - deadline
    assert isinstance(error, UpstreamError)
    assert str(error) == f"{url}: no answer within the 2 s deadline"
    assert -0.2 < late < OVERSHOOT, f"{server}: returned {late:+.3f} s from the deadline"
    # The worker thread was stopped, not abandoned to trickle on.
    assert not _fetch_threads()


def test_socket_timeouts_alone_end_the_worker_by_the_deadline(silent_server, monkeypatch):
    # Defence in depth: even if the caller could not shut the socket down, the read timeout is
    # capped by the time left, so the worker thread does not linger for the full 10 s.
    monkeypatch.setattr(http_exchange._Exchange, "abort", lambda self: None)
    deadline = time.monotonic() + DEADLINE
    assert isinstance(fetch_watched(silent_server, deadline), UpstreamError)
    while time.monotonic() < deadline + OVERSHOOT and _fetch_threads():
        time.sleep(0.05)
    assert not _fetch_threads(), "the worker outlived the deadline"


def _fetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "status-fetch"]


def test_deadline_already_passed_fails_without_connecting(silent_server, raw_server):
    with pytest.raises(UpstreamError, match="deadline"):
        fetch(silent_server, deadline=time.monotonic() - 1, connect_timeout=5, read_timeout=10,
              max_bytes=1000, retries=2, user_agent=UA)


def test_connection_refused(refused_url):
    assert fails(refused_url).endswith(": connection refused")


# --- redirects and schemes -------------------------------------------------------------------

def test_relative_redirect_followed_and_final_url_reported(httpserver):
    httpserver.expect_request("/old").respond_with_data(
        b"", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_json([])
    got = get(httpserver.url_for("/old"))
    assert (got.url, got.body, got.attempts) == (httpserver.url_for("/new"), b"[]", 1)


def test_redirect_loop_stops_after_five_hops(httpserver):
    httpserver.expect_request("/a").respond_with_data(b"", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(b"", status=302, headers={"Location": "/a"})
    assert "too many redirects" in fails(httpserver.url_for("/a"))
    assert len(httpserver.log) == 6  # the request and five redirects followed


def test_redirect_to_plain_http_outside_loopback_refused(httpserver, lookups):
    httpserver.expect_request("/s").respond_with_data(
        b"", status=302, headers={"Location": "http://example.com/status"})
    message = fails(httpserver.url_for("/s"))
    assert "redirect to http://example.com/status refused (https only" in message
    assert "example.com" not in lookups  # refused without following


def test_https_redirect_to_outside_http_refused(https_server, trusted, lookups):
    https_server.expect_request("/s").respond_with_data(
        b"", status=308, headers={"Location": "http://example.com/"})
    assert "redirect to http://example.com/ refused" in fails(https_server.url_for("/s"))
    assert "example.com" not in lookups


def test_https_redirect_to_loopback_http_allowed(https_server, trusted, httpserver):
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    https_server.expect_request("/s").respond_with_data(
        b"", status=302, headers={"Location": httpserver.url_for("/data")})
    got = get(https_server.url_for("/s"))
    assert got.url == httpserver.url_for("/data") and got.content_type == "application/json"


@pytest.mark.parametrize("url", ["http://example.com/", "ftp://127.0.0.1/s", "file:///etc/hosts",
                                 "http://127.0.0.2/"])
def test_non_https_url_refused_before_connecting(url, lookups):
    assert "refused before connecting (https only" in fails(url)
    assert lookups == []


# --- TLS -------------------------------------------------------------------------------------

def test_trusted_certificate_works(https_server, trusted):
    https_server.expect_request("/s").respond_with_json({"ok": True})
    got = get(https_server.url_for("/s"))
    assert json.loads(got.body) == {"ok": True} and got.url == https_server.url_for("/s")


def test_one_tls_context_per_trust_store_not_one_per_request(https_server, trusted, monkeypatch,
                                                            tmp_path):
    """Making a context reads the trust store (about 20 ms): a build's requests share one, and
    another trust store (SSL_CERT_FILE or SSL_CERT_DIR changed) gets its own."""
    made = []
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context",
                        lambda *a, **k: made.append(1) or real(*a, **k))
    https_server.expect_request("/s").respond_with_json({"ok": True})
    for folder in ("one", "two"):  # a fresh trust store path each time: none made yet
        (tmp_path / folder).mkdir()
        monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / folder))
        for _ in range(2):
            assert json.loads(get(https_server.url_for("/s")).body) == {"ok": True}
    assert len(made) == 2


def test_self_signed_certificate_refused_and_not_retried(raw_server, tls_context, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)

    def tls_then_json(conn, stop):
        conn.settimeout(5)  # the client loads its trust store first: give the handshake time
        try:
            with tls_context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(4096)
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        except (ssl.SSLError, OSError):
            pass  # the client rejected our certificate, as it must

    server = raw_server(tls_then_json)
    url = server.url.replace("http://", "https://")
    message = fails(url, sleep=time.sleep)
    assert "TLS certificate verify failed" in message and "self-signed" in message
    assert server.connections == 1


# --- local files -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, media", [("s.json", "application/json"),
                                         ("feed.ATOM", "application/xml"),
                                         ("h.rss", "application/xml"), ("h.xml", "application/xml"),
                                         ("notes", "")])
def test_local_file_read_with_type_from_extension(tmp_path, name, media):
    path = tmp_path / name
    path.write_bytes(b"x" * 2000)
    assert get(str(path), max_bytes=2000) == Fetched(b"x" * 2000, media, str(path), 1)


def test_local_file_over_limit_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 2001)
    assert "file larger than 2000 bytes" in fails(str(path), max_bytes=2000)


def test_missing_file_refused(tmp_path):
    assert "cannot read the file (No such file or directory)" in fails(str(tmp_path / "no.json"))
