"""The history on disk: `history.json` in the cache folder, published as-is with the site.

The document holds no build time, so a build that learns nothing leaves the file byte-identical
(it is not even rewritten). A corrupt file is moved aside, never overwritten blindly, and the
history is rebuilt from what upstream still lists.
"""

from __future__ import annotations

import dataclasses
import gc
import heapq
import json
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .. import store
from ..errors import UpstreamError
from ..model import isoformat
from .codec import entry_from_json, entry_to_json, status_from_json, text_from_json, time_from_json
from .model import Archived, Catalogued, History

HISTORY = "history.json"
SCHEMA = Path(__file__).parent.parent / "history.schema.json"
SCHEMA_VERSION = 1
# What load decodes (see _shown): more than the page's 90 days and 50 incidents and the
# feed's 100, with a margin.
SHOWN_DAYS = 92
SHOWN_LATEST = 120
_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
# The layout `save` writes: the header, then one incident a line, then the closing line.
_OPEN = '"incidents":['
_CLOSE = "]}\n"


def _header(history: History, subject: str, status_page: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "subject": subject,
        "status_page": status_page,
        "updated_at": isoformat(history.updated_at),
        "since": isoformat(history.since),
        "components": [{"id": c.id, "name": c.name, "group": c.group}
                       for c in history.components.values()],
    }


def _sorted_lines(history: History) -> list[tuple[str, str, str]]:
    """(start, id, JSON line) of every entry, newest start first; archived lines as they were."""
    rows = [(isoformat(e.started_at) or "", e.id, _dumps(entry_to_json(e)))
            for e in history.entries.values()]
    rows += [(a.started, key, a.line) for key, a in history.archived.items()]
    rows.sort(reverse=True)
    return rows


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def from_document(data: Any) -> History:
    """The History in a decoded history.json document (any layout of what `save` writes).
    Raises ValueError (or KeyError/TypeError) on a wrong shape.
    Empties `data["incidents"]` as it reads, so the raw JSON and the entries are never both
    whole in memory."""
    _check_header(data)
    return _build(data, _drain(data["incidents"]))


def _check_header(data: Any) -> None:
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError("not a history document (schema_version 1)")


def _drain(items: list[Any]) -> Iterator[Any]:
    for n, item in enumerate(items):
        items[n] = None
        yield item
    items.clear()


def _build(header: dict[str, Any], incidents: Iterable[Any]) -> History:
    entries = {}
    for raw in incidents:
        entry = entry_from_json(raw)
        entries[entry.id] = entry
    components = {c["id"]: Catalogued(text_from_json(c["id"]), text_from_json(c["name"]),
                                      c.get("group"))
                  for c in header["components"]}
    return History(entries, components, time_from_json(header.get("since")),
                   time_from_json(header.get("updated_at")))


def load(cache_dir: Path, now: datetime, log: logging.Logger, *, quarantine: bool = True
         ) -> History:
    """The saved history; an empty one, with a warning, when it is missing or corrupt."""
    path = cache_dir / HISTORY
    # Tens of thousands of new objects would trigger the cyclic GC over and over, each pass
    # walking all of them; they hold no cycles.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        return _read(path, now)
    except FileNotFoundError:
        log.warning("status: history: no %s yet: starting from the incidents upstream still "
                    "lists", path)
        return History()
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError,
            OverflowError) as exc:
        return _corrupt(path, exc, now, log, quarantine)
    finally:
        if gc_was_on:
            gc.enable()


def _read(path: Path, now: datetime) -> History:
    """Line by line when the file has the layout `save` writes (one incident a line), so the
    raw JSON of only one incident is in memory at a time; any other layout via json.loads."""
    with path.open(encoding="utf-8") as handle:
        head = handle.readline()
        if not head.endswith(_OPEN + "\n"):
            return from_document(json.loads(head + handle.read()))
        header = json.loads(head[:-len(_OPEN) - 1].removesuffix(",") + "}")
        _check_header(header)
        rows = list(_rows(handle))
    keep = _shown(rows, now)
    history = _build(header, (json.loads(rows[n][-1]) for n in sorted(keep)))
    archived = {r[0]: Archived(r[1], r[-1]) for n, r in enumerate(rows) if n not in keep}
    del rows
    return dataclasses.replace(history, archived=archived)


def _rows(handle: Iterable[str]) -> Iterator[tuple[str, str, str, Any, str]]:
    """(id, start, last change, True if open else its latest time, line) per line: parsed (so
    it is valid JSON) and checked enough to sort and select, but not decoded into an Entry."""
    for chunk in _chunks(handle):
        # One json.loads per thousand lines: the per-call overhead was a third of the cost.
        for raw, line in zip(json.loads("[" + ",".join(chunk) + "]"), chunk, strict=True):
            started, updated = _iso(raw["started_at"]), _iso(raw["updated_at"])
            # The feed's order (outputs/atom.py, _changed); and whether it reaches the bars' window.
            changed = updated or started or _iso(raw["first_seen_at"])
            recent = status_from_json(raw["status"]).is_open or max(
                started, updated, _iso(raw["resolved_at"]))
            yield text_from_json(raw["id"]), started, changed, recent, line


def _chunks(handle: Iterable[str], size: int = 1000) -> Iterator[list[str]]:
    """The incident lines, without their separating commas, a thousand at a time."""
    chunk: list[str] = []
    for line in handle:
        if line == _CLOSE:
            if chunk:
                yield chunk
            return
        line = line.rstrip("\n").removesuffix(",")
        if line.strip():  # an empty list leaves one blank line
            chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    raise ValueError("the file ends before its list of incidents does")


def _iso(value: Any) -> str:
    """A time as the canonical string `save` writes (those sort as times); "" for none."""
    if value is None:
        return ""
    if value.__class__ is str and _CANONICAL.fullmatch(value):
        return value  # the usual case, without a round trip through datetime
    return isoformat(time_from_json(value)) or ""


def _shown(rows: list[tuple[str, str, str, Any, str]], now: datetime) -> set[int]:
    """Rows this build may show: open, touching the last SHOWN_DAYS days, or among the
    newest SHOWN_LATEST by start or by last change (the recent list and the feed)."""
    cutoff = isoformat(now - timedelta(days=SHOWN_DAYS)) or ""
    keep = {n for n, r in enumerate(rows) if r[3] is True or r[3] >= cutoff}
    order = range(len(rows))
    # Ties broken by id, as the page and the feed break them.
    keep.update(heapq.nlargest(SHOWN_LATEST, order, key=lambda n: (rows[n][1], rows[n][0])))
    keep.update(heapq.nlargest(SHOWN_LATEST, order, key=lambda n: (rows[n][2], rows[n][0])))
    return keep


def _corrupt(path: Path, exc: BaseException, now: datetime, log: logging.Logger,
             quarantine: bool) -> History:
    aside = path.with_name(f"{path.name}.corrupt-{now.strftime('%Y%m%dT%H%M%SZ')}")
    if quarantine:
        try:
            path.replace(aside)
        except OSError as move_error:
            log.warning("status: history: could not move %s aside: %s", path, move_error)
            aside = path
    log.warning("status: history: %s is corrupt (%s: %s); kept as %s, rebuilding from the "
                "incidents upstream still lists", path, type(exc).__name__, str(exc)[:200],
                aside.name)
    return History()


def save(path: Path, history: History, subject: str, status_page: str, *,
         durable: bool = True) -> None:
    """Write the history atomically (`durable`: see store.write_atomic). Compact, one incident
    a line: still one JSON document for every reader, and `load` can take it a line at a time
    (the indented form would also go through Python's slow pure-Python encoder, seconds at
    50 000 incidents)."""
    head = _dumps(_header(history, subject, status_page))[:-1] + "," + _OPEN
    body = ",\n".join(line for _, _, line in _sorted_lines(history))
    store.write_atomic(path, f"{head}\n{body}\n{_CLOSE}".encode(), durable=durable)


def read_remote(body: bytes) -> History:
    """A fetched history.json, validated against the schema, then read. UpstreamError if not."""
    import jsonschema  # only restore needs it

    try:
        data = json.loads(body)
        jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
        return from_document(data)
    except jsonschema.ValidationError as exc:
        raise UpstreamError(f"history.json does not match {SCHEMA.name}: {exc.message[:200]}"
                            ) from None
    except (ValueError, KeyError, TypeError, RecursionError, OverflowError) as exc:
        raise UpstreamError(f"not a history document: {str(exc)[:200]}") from None
