"""Restore: carry last-known-good and the history across CI runs, from the live site
(`python -m hooks.status_engine restore URL`).

A scheduled build starts without the previous build's cache; reading the site's own
status.json and history.json back keeps the last good reading and every incident recorded.
Anything wrong is a warning: a restore never fails the run.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import store
from .errors import SettingsError, UpstreamError
from .history import store as history_store
from .history.merge import merge_histories
from .settings import Settings, check_source_url
from .upstream import fetch as fetching

LOG = logging.getLogger("status_engine")


def restore(settings: Settings, cache_dir: Path, base_url: str) -> None:
    """Seed last-known-good and the history from the live site. Never fails the run."""
    _restore_status(settings, cache_dir, base_url)
    _restore_history(settings, cache_dir, base_url)


def _get(settings: Settings, url: str, max_bytes: int) -> bytes:
    check_source_url(url, key="restore URL", prefix="")
    return fetching.fetch(url, deadline=time.monotonic() + settings.deadline_seconds,
                          connect_timeout=settings.connect_timeout_seconds,
                          read_timeout=settings.read_timeout_seconds, max_bytes=max_bytes,
                          retries=settings.retries, user_agent=settings.user_agent).body


def _restore_status(settings: Settings, cache_dir: Path, base_url: str) -> int:
    url = base_url.rstrip("/") + "/status.json"
    try:
        snapshot = json.loads(_get(settings, url, settings.max_bytes))
        reading = store.reading_from_snapshot(snapshot)
        current = _current(cache_dir)
        if current is not None and current.fetched_at >= reading.fetched_at:
            LOG.info("restore: kept %s: it is as new as %s", cache_dir, url)
            return 0
        store.save_last_known_good(cache_dir, snapshot)
        LOG.info("restore: last-known-good from %s, checked %s", url, snapshot["checked_at"])
    except (UpstreamError, SettingsError, ValueError) as exc:
        LOG.warning("restore: nothing restored from %s: %s", url, exc)
    return 0


def _restore_history(settings: Settings, cache_dir: Path, base_url: str) -> None:
    """Merge the live site's history.json into the local one, after validating it: a build
    that starts without the cache then keeps every incident the site already recorded."""
    url = base_url.rstrip("/") + "/" + history_store.HISTORY
    try:
        # Years of incidents are far bigger than a status reading: allow 50 times more.
        remote = history_store.read_remote(_get(settings, url, min(settings.max_bytes * 50,
                                                                   200_000_000)))
    except (UpstreamError, SettingsError) as exc:
        LOG.warning("restore: no history restored from %s: %s", url, exc)
        return
    now = datetime.now(UTC)
    local = history_store.load(cache_dir, now, LOG)
    merged = merge_histories(local, remote, now)
    if merged is local:
        LOG.info("restore: kept %s: it already holds every incident of %s", cache_dir, url)
        return
    try:
        history_store.save(cache_dir / history_store.HISTORY, merged, settings.subject,
                           settings.status_page)
    except OSError as exc:
        LOG.warning("restore: could not write the history in %s: %s", cache_dir, exc)
        return
    LOG.info("restore: history from %s (%d incidents)", url, merged.count)


def _current(cache_dir: Path) -> Any:
    try:
        return store.load_last_known_good(cache_dir)
    except UpstreamError:
        return None  # a corrupt cache is worth replacing
