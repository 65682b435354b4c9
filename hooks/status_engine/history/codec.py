"""An entry as JSON: the object `store` writes for each incident in history.json (described by
history.schema.json), and back. A value the schema does not allow raises KeyError, TypeError or
ValueError, which `store` reports as a corrupt file."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from ..model import Impact, IncidentStatus, State, isoformat, utc
from .model import Affected, Archived, Entry

# Lookups instead of Enum(value) calls: 50 000 entries make the difference count.
_STATUSES = {e.value: e for e in IncidentStatus}
_IMPACTS = {e.value: e for e in Impact}
_STATES = {e.value: e for e in State}


def entry_to_json(e: Entry) -> dict[str, Any]:
    return {
        "id": e.id, "name": e.name, "status": e.status.value, "impact": e.impact.value,
        "started_at": isoformat(e.started_at), "resolved_at": isoformat(e.resolved_at),
        "updated_at": isoformat(e.updated_at), "url": e.url,
        "components": [{"id": a.id, "name": a.name, "state": a.state.value}
                       for a in e.components],
        "latest_update": {"status": e.latest_status, "text": e.latest_text},
        "first_seen_at": isoformat(e.first_seen_at),
    }


def entry_from_json(raw: dict[str, Any]) -> Entry:
    latest = raw.get("latest_update") or {}
    return Entry(
        id=text_from_json(raw["id"]), name=text_from_json(raw["name"]),
        status=status_from_json(raw["status"]), impact=_IMPACTS[raw["impact"]],
        started_at=time_from_json(raw.get("started_at")),
        resolved_at=time_from_json(raw.get("resolved_at")),
        updated_at=time_from_json(raw.get("updated_at")),
        url=raw.get("url") if isinstance(raw.get("url"), str) else None,
        # Component ids and names repeat across thousands of entries: share one string each.
        components=tuple(Affected(sys.intern(text_from_json(a["id"])),
                                  sys.intern(text_from_json(a["name"])), _STATES[a["state"]])
                         for a in raw["components"]),
        latest_status=sys.intern(text_from_json(latest.get("status", ""))),
        latest_text=text_from_json(latest.get("text", "")),
        first_seen_at=time_from_json(raw.get("first_seen_at")),
    )


def status_from_json(value: Any) -> IncidentStatus:
    return _STATUSES[value]  # KeyError for a status the schema does not allow


def text_from_json(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def time_from_json(value: Any) -> datetime | None:
    if value is None:
        return None
    return utc(datetime.fromisoformat(text_from_json(value)))  # ValueError when it is not a time


def decode(archived: Archived) -> Entry:
    """An archived entry, decoded when an update touches it."""
    return entry_from_json(json.loads(archived.line))
