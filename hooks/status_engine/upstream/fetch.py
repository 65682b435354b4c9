"""Bounded fetching of one status source: an https URL (plain http to loopback only) or a file.

Every call returns or raises `UpstreamError` by the caller's deadline, whatever the server does.
This module decides what to ask for: the URL check on every hop (redirects are followed here, not
by a library), retries for 429 and 5xx only, and when waiting for one would pass the deadline.
`http_exchange` does one request within the deadline and the size cap.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import NamedTuple
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from ..errors import SettingsError, UpstreamError
from ..settings import check_source_url
from .request import Answer, Limits

__all__ = ["Fetched", "fetch"]

MAX_REDIRECTS = 5
BACKOFF_SECONDS = (0.5, 1.0)  # without Retry-After; the last value repeats
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_FILE_TYPES = {".json": "application/json", ".xml": "application/xml", ".atom": "application/xml",
               ".rss": "application/xml", ".html": "text/html", ".htm": "text/html",
               ".txt": "text/plain"}


class Fetched(NamedTuple):
    body: bytes
    content_type: str  # lowercased media type without parameters, "" if none
    url: str  # final URL after redirects, or the file path
    attempts: int


def fetch(source: str, *, deadline: float, connect_timeout: float, read_timeout: float,
          max_bytes: int, retries: int, user_agent: str,
          clock: Callable[[], float] = time.monotonic,
          sleep: Callable[[float], None] = time.sleep) -> Fetched:
    """Read one source by `deadline` (an absolute `time.monotonic()` value) or raise UpstreamError.

    `source` without "://" is a local file path. Every failure is one UpstreamError line that
    names the source and the cause.
    """
    if "://" not in source:
        return _read_file(source, max_bytes)
    limits = Limits(source, deadline, deadline - clock(), connect_timeout, read_timeout,
                    max_bytes, user_agent, clock)
    _check_url(limits, source, redirect=False)
    for attempt in range(1, retries + 2):
        answer = _follow(limits)
        if 200 <= answer.status < 300:
            return Fetched(answer.body, answer.content_type, answer.url, attempt)
        if answer.status != 429 and answer.status < 500:
            raise limits.fail(f"HTTP {answer.status} (not retried)")
        if attempt > retries:
            raise limits.fail(f"HTTP {answer.status} after {attempt} attempts")
        _wait_to_retry(limits, answer, attempt, sleep)
    raise AssertionError("unreachable: the loop returns or raises")


def _read_file(path: str, max_bytes: int) -> Fetched:
    try:
        with open(path, "rb") as handle:
            body = handle.read(max_bytes + 1)  # one byte more tells "too large" from "exactly full"
    except OSError as exc:
        raise UpstreamError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if len(body) > max_bytes:
        raise UpstreamError(f"{path}: file larger than {max_bytes} bytes")
    content_type = _FILE_TYPES.get(os.path.splitext(path)[1].lower(), "")
    return Fetched(body, content_type, path, 1)


def _check_url(limits: Limits, url: str, redirect: bool) -> None:
    try:
        check_source_url(url, key="source")
    except SettingsError:
        what = f"redirect to {url} refused" if redirect else "refused before connecting"
        raise limits.fail(f"{what} (https only; plain http only to 127.0.0.1, localhost "
                          "or ::1)") from None


def _follow(limits: Limits) -> Answer:
    """One attempt: the request and up to MAX_REDIRECTS redirects, each hop checked before use."""
    # Imported here, not for a cycle (http_exchange imports only `request`): http.client, ssl
    # and the socket code cost a build that reads a file or nothing.
    from .http_exchange import exchange

    url = limits.source
    for _hop in range(MAX_REDIRECTS + 1):
        answer = exchange(limits, url)
        if answer.status not in _REDIRECT_STATUSES:
            return answer
        if not answer.location:
            raise limits.fail(f"HTTP {answer.status} redirect without a Location header")
        url = urljoin(url, answer.location.strip())
        _check_url(limits, url, redirect=True)
    raise limits.fail(f"too many redirects (more than {MAX_REDIRECTS})")


def _wait_to_retry(limits: Limits, answer: Answer, attempt: int,
                   sleep: Callable[[float], None]) -> None:
    delay = _retry_after_seconds(answer.retry_after)
    why = "Retry-After" if delay is not None else "backoff"
    if delay is None:
        delay = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1]
    if delay >= limits.remaining():
        # Sleeping past the deadline would only turn a clear answer into a timeout.
        raise limits.fail(f"HTTP {answer.status} after {attempt} attempt(s); waiting {delay:.3g} s "
                          f"({why}) would pass the deadline")
    sleep(delay)


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (a number or an HTTP-date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
