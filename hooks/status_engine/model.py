"""The normalised picture of an upstream status page: immutable records, no I/O.

Every parser turns its payload into a `Reading`; everything after that (verdict, rendering,
persistence, history) works on these types only, so a new upstream format never touches them.
Values we cannot recognise become an explicit UNKNOWN, never a guess.

The engine's records are `NamedTuple`s, not frozen dataclasses: every build imports them all,
and on Python 3.11 a frozen dataclass costs about 0.5 ms to define against 0.1 ms for a
NamedTuple (its methods are compiled from source at import), which summed to 3 % of a build
(tests/bench/bench_status.py). A record is still immutable, hashed by value and changed with
`_replace`; being a tuple, it also equals any tuple of the same values, a record of another type
included, and orders like one: the engine compares records only with their own type and sorts
them only by a key. Dataclasses stay where a record needs what a tuple cannot give: field
metadata (settings.Settings), lookup by name with [] (settings.Section) or a mutable default
(history.model.History).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any, NamedTuple, TypeVar



class State(str, Enum):
    """A component's state, ordered from best to worst by `severity`."""

    OPERATIONAL = "operational"
    MAINTENANCE = "maintenance"
    DEGRADED = "degraded"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNKNOWN = "unknown"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @property
    def disrupts(self) -> bool:
        """Worse than maintenance: degraded performance, a partial or a major outage."""
        return self.severity > _SEVERITY[State.MAINTENANCE]

    @classmethod
    def worst(cls, states: Iterable[State], default: State | None = None) -> State:
        """The most severe of `states`, the first of equals; `default` (else UNKNOWN) for none.

        The one "worst of" rule: UNKNOWN ranks below OPERATIONAL (see _SEVERITY)."""
        fallback = State.UNKNOWN if default is None else default
        return max(states, key=_SEVERITY.__getitem__, default=fallback)


# UNKNOWN ranks below OPERATIONAL for "worst of": one unreadable component must not make a
# healthy page look down, and must not hide a real outage either. The verdict treats a scope
# made only of unknown components as unknown.
_SEVERITY = {
    State.UNKNOWN: -1,
    State.OPERATIONAL: 0,
    State.MAINTENANCE: 1,
    State.DEGRADED: 2,
    State.PARTIAL_OUTAGE: 3,
    State.MAJOR_OUTAGE: 4,
}


class IncidentStatus(str, Enum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"
    UNKNOWN = "unknown"

    @property
    def is_open(self) -> bool:
        return self not in (IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM)

    @property
    def says_open(self) -> bool:
        """Upstream said in a word we know that the incident is still open. UNKNOWN does not:
        an unreadable status must neither raise nor lower the verdict."""
        return self in (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED,
                        IncidentStatus.MONITORING)


class Impact(str, Enum):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"
    UNKNOWN = "unknown"


class MaintenanceStatus(str, Enum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    UNKNOWN = "unknown"


E = TypeVar("E", bound=Enum)


def enum_value(enum_type: type[E], raw: Any, aliases: Mapping[str, E] | None = None) -> E:
    """Map an upstream string to `enum_type`, through `aliases`, falling back to UNKNOWN.

    Upstream adds values without notice (README, "Upstream formats"): an unknown value must cost
    one field, not the whole reading.
    """
    if isinstance(raw, str):
        key = raw.strip().lower()
        if aliases and key in aliases:
            return aliases[key]
        try:
            return enum_type(key)
        except ValueError:
            pass
    return enum_type("unknown")


class Component(NamedTuple):
    id: str
    name: str
    state: State
    group: str | None = None  # the product group's name ("ChatGPT"), None for top-level ones


class ComponentImpact(NamedTuple):
    """The state an incident gives one component, until `end_at` (None: still going on)."""

    component_id: str
    state: State
    end_at: datetime | None = None


class Update(NamedTuple):
    """One update to an incident; `text` is plain text (HTML already reduced by the parser)."""

    at: datetime | None
    status: str
    text: str


class Incident(NamedTuple):
    id: str
    name: str
    status: IncidentStatus
    impact: Impact
    started_at: datetime | None
    url: str | None = None  # upstream's link; checked again before it becomes a link
    resolved_at: datetime | None = None
    updated_at: datetime | None = None
    component_ids: tuple[str, ...] = ()
    updates: tuple[Update, ...] = ()  # newest first
    # What the incident itself says about each component it names, when the format says it
    # (incident.io's affected_components and component_impacts, Statuspage's components).
    impacts: tuple[ComponentImpact, ...] = ()

    @property
    def last_change(self) -> datetime | None:
        """When upstream last wrote about it: the newest update, else updated or started."""
        times = [u.at for u in self.updates if u.at is not None]
        return max(times) if times else (self.updated_at or self.started_at)

    @property
    def latest(self) -> Update | None:
        return self.updates[0] if self.updates else None


class Maintenance(NamedTuple):
    id: str
    name: str
    status: MaintenanceStatus
    starts_at: datetime | None
    ends_at: datetime | None = None
    url: str | None = None
    component_ids: tuple[str, ...] = ()
    text: str = ""


class Reading(NamedTuple):
    """What one source said at one moment, normalised. `fetched_at` is our clock, not upstream's."""

    format: str  # "incidentio" | "statuspage" | "feed"
    source: str  # the URL or file it came from
    fetched_at: datetime
    page_name: str = ""
    components: tuple[Component, ...] = ()
    incidents: tuple[Incident, ...] = ()
    maintenances: tuple[Maintenance, ...] = ()
    # The page-wide rollup when upstream publishes one (Statuspage's indicator). Never the
    # answer to "is ChatGPT down": it also covers the API, Codex and more.
    indicator: State | None = None
    # True when the format says nothing about components (a feed): the verdict must then come
    # from the incidents alone, and say so.
    components_known: bool = True
    # True when `incidents` is every unresolved incident of the page (incident.io's
    # ongoing_incidents), so one missing from it has ended. Feeds and Statuspage copies that
    # may omit the list never say so.
    incidents_complete: bool = False

    @property
    def open_incidents(self) -> tuple[Incident, ...]:
        return tuple(i for i in self.incidents if i.status.is_open)


def utc(value: datetime) -> datetime:
    """Aware UTC datetime; naive values are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z, seconds precision; None stays None."""
    if value is None:
        return None
    return utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(raw: Any) -> datetime | None:
    """ISO 8601 in any precision or offset, or None. Never raises."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return utc(datetime.fromisoformat(raw.strip().replace("z", "Z")))
    except (ValueError, OverflowError):  # "0001-01-01T00:00:00+01:00" overflows into UTC
        return None


# -- (de)serialisation: the last-known-good cache stores a Reading as JSON ------------------

def to_jsonable(value: Any) -> Any:
    """Plain JSON types from records (an object each), enums, datetimes and tuples."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a record, before the tuples
        return {name: to_jsonable(one) for name, one in zip(value._fields, value, strict=True)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def reading_from_jsonable(data: dict[str, Any]) -> Reading:
    """Inverse of `to_jsonable` for a Reading. Raises ValueError/TypeError/KeyError on bad data."""

    def build(cls: Any, raw: dict[str, Any], nested: dict[str, type]) -> Any:  # cls: a record
        if not isinstance(raw, dict):
            raise TypeError(f"expected an object for {cls.__name__}")
        kwargs: dict[str, Any] = {}
        for name in cls._fields:
            if name not in raw:
                continue
            value = raw[name]
            if name in nested:
                value = tuple(build(nested[name], v, {}) for v in value)
            elif name in _enum_fields(cls):
                value = None if value is None else _enum_fields(cls)[name](value)
            elif name.endswith("_at") or name == "at":
                value = parse_time(value)
            elif isinstance(value, list):
                value = tuple(value)
            kwargs[name] = value
        return cls(**kwargs)

    incident_nested = {"updates": Update, "impacts": ComponentImpact}
    reading: Reading = build(Reading, {k: v for k, v in data.items()
                              if k not in ("components", "incidents", "maintenances")}, {})
    return reading._replace(
        components=tuple(build(Component, c, {}) for c in data.get("components", [])),
        incidents=tuple(build(Incident, i, incident_nested) for i in data.get("incidents", [])),
        maintenances=tuple(build(Maintenance, m, {}) for m in data.get("maintenances", [])),
    )


def _enum_fields(cls: type) -> dict[str, type[Enum]]:
    if cls is Incident:
        return {"status": IncidentStatus, "impact": Impact}
    if cls is Maintenance:
        return {"status": MaintenanceStatus}
    if cls in (Component, ComponentImpact):
        return {"state": State}
    if cls is Reading:
        return {"indicator": State}
    return {}


__all__ = [
    "Component", "ComponentImpact", "Impact", "Incident", "IncidentStatus", "Maintenance",
    "MaintenanceStatus",
    "Reading", "State", "Update", "enum_value", "isoformat", "parse_time",
    "reading_from_jsonable", "to_jsonable", "utc",
]
