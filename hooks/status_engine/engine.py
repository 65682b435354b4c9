"""One status check, start to end: sources in order, then last-known-good, then unknown.

This is the engine's front door for any site generator: `check()` returns the Status and the
status.json document; `publish()` writes the outputs into a built site.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from . import fetch as fetching
from . import formats, render, store
from .errors import UpstreamError
from .model import IncidentStatus, Reading, State
from .settings import Settings
from .verdict import Status, decide, scope_problem

LOG = logging.getLogger("status_engine")


@dataclass(frozen=True)
class Result:
    status: Status
    snapshot: dict[str, Any]  # the status.json document
    banner_html: str
    summary_html: str


def check(settings: Settings, *, cache_dir: Path, offline: bool = False, persist: bool = True,
          now: Callable[[], datetime] | None = None, log: logging.Logger = LOG,
          fetch: Callable[..., fetching.Fetched] = fetching.fetch) -> Result:
    """Read the sources (unless offline), fall back to last-known-good, decide, persist."""
    clock = now or (lambda: datetime.now(timezone.utc))
    notes: tuple[str, ...] = ()
    reading = None
    if offline:
        log.info("status: offline (STATUS_OFFLINE): not fetching")
    else:
        reading, failures = _first_usable(settings, clock, log, fetch)
        if reading is None and failures:
            notes = ("the latest check failed: " + failures[-1],)
    if reading is not None:
        result = _result(decide(reading, settings, built_at=clock(), live=True), settings)
        if persist:
            _save(cache_dir, result.snapshot, log)
        return result
    fallback = _last_known_good(cache_dir, log)
    status = decide(fallback, settings, built_at=clock(), live=False, notes=notes)
    if status.freshness == "stale":
        log.warning("status: showing the last known reading from %s (%s old), marked stale",
                    fallback.source if fallback else "?", f"{status.age_seconds}s")
    else:
        log.warning("status: verdict unknown: %s", "; ".join(status.notes))
    return _result(status, settings)


def _result(status: Status, settings: Settings) -> Result:
    return Result(status, render.snapshot(status, settings),
                  render.banner_html(status, settings), render.summary_html(status, settings))


def _first_usable(settings: Settings, clock: Callable[[], datetime], log: logging.Logger,
                  fetch: Callable[..., fetching.Fetched]) -> tuple[Reading | None, list[str]]:
    """The first source whose answer parses and covers the scope, within one deadline."""
    deadline = time.monotonic() + settings.deadline_seconds
    failures: list[str] = []
    for source in settings.sources:
        if time.monotonic() >= deadline:
            failures.append(f"{source}: skipped, the {settings.deadline_seconds:g} s deadline "
                            "had passed")
            log.warning("status: %s", failures[-1])
            continue
        try:
            got = fetch(source, deadline=deadline,
                        connect_timeout=settings.connect_timeout_seconds,
                        read_timeout=settings.read_timeout_seconds,
                        max_bytes=settings.max_bytes, retries=settings.retries,
                        user_agent=settings.user_agent)
            reading = _usable(got, source, settings, clock())
        except UpstreamError as exc:
            failures.append(str(exc))
            log.warning("status: %s", exc)
            continue
        log.info("status: read %s (%s format, %d components, %d open incidents)", source,
                 reading.format, len(reading.components), len(reading.open_incidents))
        unreadable = _unreadable(reading)
        if unreadable:
            log.warning("status: %s: values we do not recognise, shown as unknown: %s",
                        source, ", ".join(unreadable))
        return reading, failures
    return None, failures


def _usable(got: fetching.Fetched, source: str, settings: Settings, now: datetime) -> Reading:
    """The parsed reading if it can answer the question; UpstreamError naming the source if not."""
    try:
        reading = formats.parse(got.body, got.content_type, source, now)
    except UpstreamError as exc:
        raise UpstreamError(f"{source}: {exc}") from None
    problem = scope_problem(reading, settings)
    if problem:
        raise UpstreamError(f"{source}: unusable, {problem}")
    return reading


def _unreadable(reading: Reading) -> list[str]:
    """Names of components and incidents whose state upstream gave in a form we cannot read."""
    names = [c.name for c in reading.components if c.state is State.UNKNOWN]
    names += [i.name for i in reading.open_incidents if i.status is IncidentStatus.UNKNOWN]
    return names


def _last_known_good(cache_dir: Path, log: logging.Logger) -> Reading | None:
    try:
        return store.load_last_known_good(cache_dir)
    except UpstreamError as exc:
        log.warning("status: %s", exc)
        return None


def _save(cache_dir: Path, snapshot: dict[str, Any], log: logging.Logger) -> None:
    try:
        store.save_last_known_good(cache_dir, snapshot)
    except (OSError, UpstreamError) as exc:
        # The site can still show this reading; only the next build loses its fallback.
        log.warning("status: could not save the last-known-good snapshot in %s: %s",
                    cache_dir, exc)


def publish(result: Result, site_dir: Path) -> Path:
    """Write status.json into the built site."""
    path = site_dir / "status.json"
    store.write_json_atomic(path, result.snapshot)
    return path
