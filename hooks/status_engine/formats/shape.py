"""Defensive readers shared by the parsers: upstream JSON is undocumented and changes shape.

Each helper turns whatever it is given into the type the model wants, or an explicit empty or
unknown value, so a parser reads like a description of the format rather than a pile of
isinstance checks. None of them raises.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any
from collections.abc import Iterable

from ..model import Impact, MaintenanceStatus, State, enum_value, parse_time

# One table for every format: incident.io says `full_outage`, Statuspage `major_outage`, feeds
# spell them out ("Degraded performance"), which `token` turns into the same keys.
COMPONENT_STATES = {
    "operational": State.OPERATIONAL,
    "degraded_performance": State.DEGRADED,
    "partial_outage": State.PARTIAL_OUTAGE,
    "full_outage": State.MAJOR_OUTAGE,
    "major_outage": State.MAJOR_OUTAGE,
    "under_maintenance": State.MAINTENANCE,
}

# Maintenance status words of every format (incident.io's "maintenance_*", Statuspage's and the
# feeds' plain ones): one table, so a word learnt for one format is known to all.
MAINTENANCE_STATUSES = {
    "scheduled": MaintenanceStatus.SCHEDULED,
    "maintenance_scheduled": MaintenanceStatus.SCHEDULED,
    "in_progress": MaintenanceStatus.IN_PROGRESS,
    "maintenance_in_progress": MaintenanceStatus.IN_PROGRESS,
    "verifying": MaintenanceStatus.VERIFYING,
    "completed": MaintenanceStatus.COMPLETED,
    "complete": MaintenanceStatus.COMPLETED,
    "maintenance_complete": MaintenanceStatus.COMPLETED,
    "maintenance_completed": MaintenanceStatus.COMPLETED,
}


_IMPACT_OF_STATE = {
    State.OPERATIONAL: Impact.NONE,
    State.MAINTENANCE: Impact.MAINTENANCE,
    State.DEGRADED: Impact.MINOR,
    State.PARTIAL_OUTAGE: Impact.MAJOR,
    State.MAJOR_OUTAGE: Impact.CRITICAL,
    State.UNKNOWN: Impact.UNKNOWN,
}

# Sorting key for updates without a time: they go last, never first.
OLDEST = datetime.min.replace(tzinfo=UTC)

_NAME_LIMIT = 300
_ID_LIMIT = 200


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list; anything else in it (or a non-list) is skipped."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def plain(value: Any, limit: int = _NAME_LIMIT) -> str:
    """A one-line plain string: whitespace collapsed, control and format characters dropped.

    Upstream names are plain text already; they are not HTML-reduced (the renderer escapes
    them), but a newline or a bidi override in a name must not reach a banner.
    """
    if not isinstance(value, str):
        return ""
    return " ".join(strip_controls(value).split())[:limit]


def strip_controls(value: str, keep: str = "") -> str:
    """Control characters (except those in `keep`) become spaces; invisible format characters
    (bidi overrides, zero-width), surrogates and unassigned code points go: they disguise text."""
    out = []
    for ch in value:
        category = unicodedata.category(ch)
        if ch in keep or category[0] != "C":
            out.append(ch)
        elif category == "Cc":
            out.append(" ")
    return "".join(out)


def ident(value: Any) -> str:
    """An id as a string; ints are accepted (some pages number their ids), other types not."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return plain(value, _ID_LIMIT)


def token(value: Any) -> str:
    """An upstream status word as a lower-case key ("In progress" -> "in_progress").

    Only letters, digits and underscores survive, so a hostile status cannot carry markup.
    """
    key = re.sub(r"[\s-]+", "_", plain(value, 60).lower())
    return key if re.fullmatch(r"[a-z0-9_]{1,60}", key) else "unknown"


def when(value: Any) -> datetime | None:
    """ISO 8601 time or None. `parse_time` lets OverflowError out for years at the edge."""
    try:
        return parse_time(value)
    except (OverflowError, ValueError):
        return None


def first_time(raw: dict[str, Any], keys: Iterable[str]) -> datetime | None:
    """The first of `keys` that holds a readable time: field names differ between versions."""
    for key in keys:
        found = when(raw.get(key))
        if found is not None:
            return found
    return None


def component_state(raw: Any) -> State:
    return enum_value(State, token(raw), COMPONENT_STATES)


def impact_of(states: Iterable[State]) -> Impact:
    """An incident's impact from the states of its components; none listed means no impact."""
    listed = list(states)
    return _IMPACT_OF_STATE[State.worst(listed)] if listed else Impact.NONE
