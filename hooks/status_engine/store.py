"""Last-known-good persistence: written atomically, only with a usable reading.

The snapshot on disk has the same shape as the published `status.json`, so a scheduled build
can restore it from the live site it is about to replace.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import UpstreamError
from .model import Reading, reading_from_jsonable

LAST_KNOWN_GOOD = "last-known-good.json"


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write through a temporary file and a rename, so a crash never leaves half a file.

    `durable` also flushes the data to disk before the rename: without it, a lost machine can
    leave an empty file in place of the old one on some filesystems (XFS; ext4 mounted with
    noauto_da_alloc). The cache needs that; a built site does not (every build makes it
    again), and there an fsync is dear: on ext4 (data=ordered) it commits the journal, which
    waits for the pages the build has just written (tests/bench/bench_status.py)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file 0600; a published file must be readable by a web server
            # running as another user (MkDocs writes the rest 0644); the cache copy does no harm.
            os.fchmod(handle.fileno(), 0o644)
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any, *, durable: bool = True) -> None:
    # Compact: with an indent, json.dumps uses its pure-Python encoder (about 1 ms a file here).
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    write_atomic(path, text.encode("utf-8"), durable=durable)


def reading_from_snapshot(data: Any) -> Reading:
    """The Reading inside a status.json document. Raises UpstreamError if it holds none."""
    if not isinstance(data, dict):
        raise UpstreamError("not a status snapshot: expected a JSON object")
    if not data.get("checked_at"):
        raise UpstreamError("the snapshot holds no reading (its verdict was unknown)")
    raw = {
        "format": data.get("format"), "source": data.get("source"),
        "fetched_at": data.get("checked_at"), "page_name": data.get("page_name", ""),
        "components": data.get("components", []), "incidents": data.get("incidents", []),
        "maintenances": data.get("maintenances", []), "indicator": data.get("indicator"),
        "components_known": data.get("components_known", True),
    }
    try:
        reading = reading_from_jsonable(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise UpstreamError(f"not a status snapshot: {exc}") from None
    if reading.fetched_at is None or not isinstance(reading.source, str):
        raise UpstreamError("not a status snapshot: no check time or source")
    return reading


def load_last_known_good(cache_dir: Path) -> Reading | None:
    """The saved reading, or None when there is none. Raises UpstreamError when it is corrupt."""
    path = cache_dir / LAST_KNOWN_GOOD
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UpstreamError(f"{path}: cannot read the last-known-good snapshot: {exc}") from None
    try:
        return reading_from_snapshot(json.loads(text))
    except (ValueError, UpstreamError) as exc:
        raise UpstreamError(f"{path}: corrupt last-known-good snapshot ({exc}); it will be "
                            "replaced by the next good reading") from None


def load_learned(cache_dir: Path) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """What earlier readings that had groups taught, kept in the last-known-good snapshot, read
    once: component id -> group, and component name -> every group it sits in (for a feed,
    which names components only). Empty when there is none or it cannot be read (it only helps;
    a snapshot written before names were kept has ids only)."""
    try:
        data = json.loads((cache_dir / LAST_KNOWN_GOOD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    ids, names = data.get("component_groups"), data.get("component_group_names")
    groups = {k: v for k, v in ids.items() if isinstance(k, str) and isinstance(v, str) and v} \
        if isinstance(ids, dict) else {}
    by_name = {k: tuple(v) for k, v in names.items() if isinstance(k, str)
               and isinstance(v, list) and v and all(isinstance(g, str) and g for g in v)} \
        if isinstance(names, dict) else {}
    return groups, by_name


def save_last_known_good(cache_dir: Path, snapshot: dict[str, Any]) -> None:
    """Save a status.json document that holds a usable reading; refuse one that does not."""
    reading_from_snapshot(snapshot)
    write_json_atomic(cache_dir / LAST_KNOWN_GOOD, snapshot)
