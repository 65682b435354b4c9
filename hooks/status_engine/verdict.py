"""From a Reading to the answer we show: scope, worst state, open incidents, freshness.

Pure functions. "Is ChatGPT down" is answered from the components in scope (the ChatGPT
group), never from the page-wide rollup that also covers the API, Codex, FedRAMP and Ads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .model import (Component, Incident, Maintenance, MaintenanceStatus, Reading, State, utc)
from .settings import Settings

LIVE, STALE, UNKNOWN = "live", "stale", "unknown"
# Scheduled maintenance further ahead than this is not news for someone asking "is it down?".
MAINTENANCE_HORIZON = timedelta(days=7)


@dataclass(frozen=True)
class GroupState:
    name: str
    state: State


@dataclass(frozen=True)
class Status:
    """Everything the banner, the home summary and status.json say, decided once per build."""

    verdict: State
    freshness: str  # live | stale | unknown
    built_at: datetime
    reading: Reading | None = None  # the reading shown; None when there is nothing to show
    scope: tuple[Component, ...] = ()
    incidents: tuple[Incident, ...] = ()  # open ones, in scope first
    maintenances: tuple[Maintenance, ...] = ()
    other_groups: tuple[GroupState, ...] = ()
    notes: tuple[str, ...] = ()  # why the answer is what it is, for the log and the visitor

    @property
    def checked_at(self) -> datetime | None:
        return self.reading.fetched_at if self.reading else None

    @property
    def age_seconds(self) -> int | None:
        if self.reading is None:
            return None
        return max(0, int((self.built_at - self.reading.fetched_at).total_seconds()))

    @property
    def affected(self) -> tuple[Component, ...]:
        return tuple(c for c in self.scope if c.state is not State.OPERATIONAL)

    @property
    def incident(self) -> Incident | None:
        """The incident the banner names: the first open one in scope, else the first open one."""
        return self.incidents[0] if self.incidents else None


def in_scope(component: Component, settings: Settings) -> bool:
    return in_scope_names(component.group, component.name, component.id, settings)


def in_scope_names(group: str | None, name: str, id: str, settings: Settings) -> bool:
    """The scope rule on a component's names alone, for records that are not a Component."""
    groups = {g.casefold() for g in settings.scope_groups}
    picked = {c.casefold() for c in settings.scope_components}
    if not groups and not picked:
        return True
    return ((group or "").casefold() in groups
            or id.casefold() in picked or name.casefold() in picked)


def scope_problem(reading: Reading, settings: Settings) -> str | None:
    """Why this reading cannot answer the question, or None when it can."""
    if not reading.components_known:
        return None
    if not reading.components:
        return "it lists no components"
    scope = [c for c in reading.components if in_scope(c, settings)]
    if scope and all(c.state is State.UNKNOWN for c in scope):
        return "every component in scope has a state we cannot read (a format change?)"
    if scope:
        return None
    groups = sorted({c.group for c in reading.components if c.group})
    return (f"the scope (groups {list(settings.scope_groups)}, components "
            f"{list(settings.scope_components)}) matches no component; the page has groups "
            f"{groups or 'none'}: check extra.status.scope_groups")


def decide(reading: Reading | None, settings: Settings, *, built_at: datetime,
           live: bool, notes: tuple[str, ...] = ()) -> Status:
    """The verdict for `reading`, fetched just now (`live`) or taken from last-known-good."""
    built_at = utc(built_at)
    if reading is None:
        return Status(State.UNKNOWN, UNKNOWN, built_at, notes=notes + (
            "no usable reading: check the official status page",))
    age = built_at - reading.fetched_at
    if not live and age > timedelta(seconds=settings.max_age_seconds):
        minutes = int(age.total_seconds() // 60)
        return Status(State.UNKNOWN, UNKNOWN, built_at, notes=notes + (
            f"the last known reading is {minutes} minutes old, past the "
            f"{settings.max_age_minutes}-minute limit",))
    problem = scope_problem(reading, settings)
    if problem:
        return Status(State.UNKNOWN, UNKNOWN, built_at, notes=notes + (problem,))
    scope = tuple(c for c in reading.components if in_scope(c, settings))
    scope_ids = {c.id for c in scope}
    incidents = _open_incidents(reading, scope_ids)
    maintenances = _current_maintenances(reading.maintenances, scope_ids, built_at)
    verdict = _worst(reading, scope, incidents, maintenances)
    if not reading.components_known:
        notes += ("the incident feed does not list every component: the verdict comes from "
                  "its open incidents",)
    return Status(verdict, LIVE if live else STALE, built_at, reading, scope, incidents,
                  maintenances, _other_groups(reading, settings), notes)


def _worst(reading: Reading, scope: tuple[Component, ...], incidents: tuple[Incident, ...],
           maintenances: tuple[Maintenance, ...]) -> State:
    if reading.components_known:
        known = [c.state for c in scope if c.state is not State.UNKNOWN]
        if not known:
            return State.UNKNOWN  # every component in scope had a value we cannot read
        worst = max(known, key=lambda s: s.severity)
        if worst is State.OPERATIONAL and len(known) < len(scope):
            # "Fine, except one we cannot read" is not "operational".
            return State.UNKNOWN
    else:
        # A feed names only the components of open incidents, with no group.
        listed = [c.state for c in reading.components if c.state is not State.UNKNOWN]
        worst = max(listed, key=lambda s: s.severity, default=State.OPERATIONAL)
        if incidents and worst is State.OPERATIONAL:
            worst = State.DEGRADED
    in_progress = any(m.status is MaintenanceStatus.IN_PROGRESS for m in maintenances)
    if worst is State.OPERATIONAL and in_progress:
        return State.MAINTENANCE
    return worst


def _touches(component_ids: tuple[str, ...], scope_ids: set[str]) -> bool:
    # Statuspage incidents and maintenances often name no components: they may be ours.
    return not component_ids or not scope_ids or bool(scope_ids.intersection(component_ids))


def _open_incidents(reading: Reading, scope_ids: set[str]) -> tuple[Incident, ...]:
    """Open incidents, those touching the scope first; shown whatever the indicator says."""
    open_ = reading.open_incidents
    ours = [i for i in open_ if _touches(i.component_ids, scope_ids)]
    others = [i for i in open_ if not _touches(i.component_ids, scope_ids)]
    return tuple(ours + others)


def _current_maintenances(items: tuple[Maintenance, ...], scope_ids: set[str],
                          now: datetime) -> tuple[Maintenance, ...]:
    kept = []
    for m in items:
        if not _touches(m.component_ids, scope_ids):
            continue
        if m.status in (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING):
            kept.append(m)
        elif m.status is MaintenanceStatus.SCHEDULED and m.starts_at is not None \
                and m.starts_at <= now + MAINTENANCE_HORIZON and (m.ends_at or m.starts_at) >= now:
            kept.append(m)
    return tuple(kept)


def _other_groups(reading: Reading, settings: Settings) -> tuple[GroupState, ...]:
    """The worst state of each group outside the scope, in page order, briefly."""
    worst: dict[str, State] = {}
    for c in reading.components:
        if in_scope(c, settings):
            continue
        name = c.group or "Other"
        current = worst.get(name)
        if current is None or c.state.severity > current.severity:
            worst[name] = c.state
    return tuple(GroupState(name, state) for name, state in worst.items())
