"""The pipeline, one status check start to end: fetch the sources in order, parse, decide (else
last-known-good, else unknown), persist, merge the history, render the banner and summary.

`check()` returns a Result; a site generator then puts the pages in (pages/) and publishes the
machine outputs (`outputs.publish`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import formats, store
from .errors import UpstreamError
from .history import store as history_store
from .history.merge import merge
from .history.model import History
from .model import IncidentStatus, Reading, State
from .outputs.status_json import snapshot
from .pages.status import banner_html, summary_html
from .result import Result
from .scope import learn_groups
from .settings import Settings
from .upstream import fetch as fetching
from .verdict import DISAGREE, Status, decide, scope_problem

__all__ = ["Result", "check"]

LOG = logging.getLogger("status_engine")


def check(settings: Settings, *, cache_dir: Path, offline: bool = False, persist: bool = True,
          now: Callable[[], datetime] | None = None, log: logging.Logger = LOG,
          fetch: Callable[..., fetching.Fetched] = fetching.fetch) -> Result:
    """Read the sources (unless offline), fall back to last-known-good, decide, persist; then
    merge what was read into the incident history."""
    clock = now or (lambda: datetime.now(UTC))
    # One deadline per build, shared: the status sources first, the history sources get what
    # is left, so a slow feed can never delay the build past deadline_seconds.
    deadline = time.monotonic() + settings.deadline_seconds
    reading: Reading | None = None
    failures: list[str] = []
    learned, names = store.load_learned(cache_dir)
    if offline:
        log.info("status: offline (STATUS_OFFLINE): not fetching")
    else:
        reading, failures = _first_usable(settings, clock, log, fetch, deadline, learned)
    result = _status(settings, reading, failures, cache_dir, clock, log, persist,
                     (learned, names))
    extra = [] if offline else _history_readings(settings, reading, clock, log, fetch, deadline)
    readings = [r for r in [reading, *extra] if r is not None]
    history, saved = _history(settings, cache_dir, readings, clock(), log, persist)
    return result._replace(history=history, history_file=saved)


def _status(settings: Settings, reading: Reading | None, failures: list[str], cache_dir: Path,
            clock: Callable[[], datetime], log: logging.Logger, persist: bool,
            learning: tuple[dict[str, str], dict[str, tuple[str, ...]]]) -> Result:
    """The Result for a live reading, else for last-known-good (stale) or nothing (unknown).
    `learning`: the groups learned by component id and by component name."""
    learned, names = learning
    if reading is not None:
        status = decide(reading, settings, built_at=clock(), live=True, learned=learned,
                        learned_names=names)
        for note in status.notes:
            # A disagreement is upstream contradicting itself: worth a warning; the rest
            # explain a verdict the page shows anyway.
            (log.warning if note.startswith(DISAGREE) else log.info)("status: %s", note)
        result = _result(status, settings)
        if persist:
            _save(cache_dir, result.snapshot, log)
        return result
    notes = ("the latest check failed: " + failures[-1],) if failures else ()
    fallback = _last_known_good(cache_dir, log)
    status = decide(fallback, settings, built_at=clock(), live=False, notes=notes,
                    learned=learned, learned_names=names)
    if status.freshness == "stale":
        log.warning("status: showing the last known reading from %s (%s old), marked stale",
                    fallback.source if fallback else "?", f"{status.age_seconds}s")
    else:
        log.warning("status: verdict unknown: %s", "; ".join(status.notes))
    return _result(status, settings)


def _result(status: Status, settings: Settings) -> Result:
    return Result(status, snapshot(status, settings), banner_html(status, settings),
                  summary_html(status, settings), History(), settings)


def _first_usable(settings: Settings, clock: Callable[[], datetime], log: logging.Logger,
                  fetch: Callable[..., fetching.Fetched], deadline: float,
                  learned: dict[str, str]) -> tuple[Reading | None, list[str]]:
    """The first source whose answer parses and covers the scope, within the deadline."""
    failures: list[str] = []
    for source in settings.sources:
        if time.monotonic() >= deadline:
            failures.append(f"{source}: skipped, the {settings.deadline_seconds:g} s deadline "
                            "had passed")
            log.warning("status: %s", failures[-1])
            continue
        try:
            got = _fetch(fetch, source, settings, deadline)
            reading = _usable(got, source, settings, clock(), learned)
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


def _fetch(fetch: Callable[..., fetching.Fetched], source: str, settings: Settings,
           deadline: float) -> fetching.Fetched:
    return fetch(source, deadline=deadline, connect_timeout=settings.connect_timeout_seconds,
                 read_timeout=settings.read_timeout_seconds, max_bytes=settings.max_bytes,
                 retries=settings.retries, user_agent=settings.user_agent)


def _usable(got: fetching.Fetched, source: str, settings: Settings, now: datetime,
            learned: dict[str, str]) -> Reading:
    """The parsed reading if it can answer the question; UpstreamError naming the source if not.
    A source without groups is scoped by the component ids `learned` from one that had them."""
    try:
        reading = learn_groups(formats.parse(got.body, got.content_type, source, now), learned)
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


def _history_readings(settings: Settings, reading: Reading | None,
                      clock: Callable[[], datetime], log: logging.Logger,
                      fetch: Callable[..., fetching.Fetched], deadline: float) -> list[Reading]:
    """Readings of the history sources (any format); a failed one is a warning, nothing more."""
    found = []
    for source in settings.history_sources:
        if reading is not None and reading.source == source:
            continue  # already read as the status source: its incidents are merged anyway
        if time.monotonic() >= deadline:
            log.warning("status: history: %s: skipped, the %g s deadline had passed", source,
                        settings.deadline_seconds)
            continue
        try:
            got = _fetch(fetch, source, settings, deadline)
            found.append(formats.parse(got.body, got.content_type, source, clock()))
        except UpstreamError as exc:
            log.warning("status: history: %s: %s; the history keeps what it had", source,
                        exc)
            continue
        log.info("status: history: read %s (%d incidents)", source,
                 len(found[-1].incidents))
    return found


def _history(settings: Settings, cache_dir: Path, readings: list[Reading], now: datetime,
             log: logging.Logger, persist: bool) -> tuple[History, Path | None]:
    """The saved history with `readings` merged in, saved again only when it changed; and
    the cache file that now holds it (None when none does)."""
    path = cache_dir / history_store.HISTORY
    old = history_store.load(cache_dir, now, log, quarantine=persist)
    new, changed = merge(old, readings, now)
    log.info("status: history: %d incidents kept, %d new or changed", new.count,
             changed)
    if new is old:
        return new, path if old.count or old.components else None
    if not persist:
        return new, None
    try:
        history_store.save(path, new, settings.subject, settings.status_page)
    except (OSError, ValueError) as exc:
        log.warning("status: history: could not save %s: %s", path, exc)
        return new, None
    return new, path

