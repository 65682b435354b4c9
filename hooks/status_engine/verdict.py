"""From a Reading to the answer we show: scope, worst state, open incidents, freshness.

Pure functions. "Is ChatGPT down" is answered from the components in scope (the ChatGPT
group), never from the page-wide rollup that also covers the API, Codex, FedRAMP and Ads.

A component's state is the worst of what the page says about it and what the incidents that
say they are open (investigating, identified, monitoring) say about it. An incident whose status
we cannot read is shown as "status unknown" and never raises the verdict; when it is recent and
nothing else readable decides, the verdict is unknown, never operational.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from .model import (Component, Incident, IncidentStatus, Maintenance, MaintenanceStatus, Reading,
                    State, utc)
from .scope import (feed_scope_rule, group_names_of, groups_of, in_scope, learn_group_names,
                    learn_groups, named, toucher, unplaced_note, whole_page)
from .settings import Settings

LIVE, STALE, UNKNOWN = "live", "stale", "unknown"
# Scheduled maintenance further ahead than this is not news for someone asking "is it down?".
MAINTENANCE_HORIZON = timedelta(days=7)


class GroupState(NamedTuple):
    name: str
    state: State


class Status(NamedTuple):
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
    # Every component of the reading with the state we believe (page and open incidents).
    components: tuple[Component, ...] = ()
    # component id -> group, learned from a reading that had groups; kept with last-known-good
    # so a later source without groups (OpenAI's summary.json) can still be scoped.
    component_groups: tuple[tuple[str, str], ...] = ()
    # component name -> every group it sits in, learned likewise, to scope a feed (names only).
    component_group_names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Set when the page's own state and an open incident disagree about a component in scope.
    disagreement: bool = False

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
    def working(self) -> tuple[Component, ...]:
        """Components in scope the reading says are operational (not those it cannot read)."""
        return tuple(c for c in self.scope if c.state is State.OPERATIONAL)

    @property
    def incident(self) -> Incident | None:
        """The incident the banner names: the first open one in scope, else the first open one."""
        return self.incidents[0] if self.incidents else None


DISAGREE = "the page's rollup and an open incident disagree"


def scope_problem(reading: Reading, settings: Settings) -> str | None:
    """Why this reading cannot answer the question, or None when it can."""
    if not reading.components_known:
        return None
    if not reading.components:
        return "it lists no components"
    components, _notes = effective_components(reading, reading.fetched_at)
    scope = [c for c in components if in_scope(c, settings)]
    if scope and all(c.state is State.UNKNOWN for c in scope):
        return "every component in scope has a state we cannot read (a format change?)"
    if scope:
        return None
    groups = sorted({c.group for c in reading.components if c.group})
    if not groups:
        return (f"the source has no groups and none of its {len(reading.components)} component "
                f"ids was learned for the groups {list(settings.scope_groups)}, nor named in "
                f"scope_components {list(settings.scope_components)}")
    return (f"the scope (groups {list(settings.scope_groups)}, components "
            f"{list(settings.scope_components)}) matches no component; the page has groups "
            f"{groups}: check extra.status.scope_groups")


def effective_components(reading: Reading, now: datetime
                         ) -> tuple[tuple[Component, ...], dict[str, str]]:
    """Each component at the worst of its page state and the states that incidents saying they
    are open give it (impacts that ended before `now` excepted); and, by component id, a note
    where an incident says worse than the page."""
    said: dict[str, list[tuple[State, Incident]]] = {}
    for incident in reading.incidents:
        if not incident.status.says_open:
            continue
        for impact in incident.impacts:
            # "operational" or an unreadable word in an incident says nothing is broken: it
            # must not paper over a state the page gave that we cannot read.
            if impact.state in (State.OPERATIONAL, State.UNKNOWN):
                continue
            if impact.end_at is not None and impact.end_at <= now:
                continue
            said.setdefault(impact.component_id, []).append((impact.state, incident))
    components: list[Component] = []
    notes: dict[str, str] = {}
    for c in reading.components:
        if c.id not in said:
            components.append(c)
            continue
        state = State.worst(s for s, _ in said[c.id])
        incident = next(i for s, i in said[c.id] if s is state)  # the first to say it
        if State.worst((c.state, state)) is not c.state:
            if c.state is not State.UNKNOWN:
                notes[c.id] = (f"{DISAGREE}: {c.name!r} is {c.state.value} on the page but "
                               f"{state.value} in the open incident {incident.name!r}; the "
                               "worse one counts")
            c = c._replace(state=state)
        components.append(c)
    return tuple(components), notes


def decide(reading: Reading | None, settings: Settings, *, built_at: datetime,
           live: bool, notes: tuple[str, ...] = (),
           learned: dict[str, str] | None = None,
           learned_names: dict[str, tuple[str, ...]] | None = None) -> Status:
    """The verdict for `reading`, fetched just now (`live`) or taken from last-known-good.
    `learned` maps component ids to groups, for a source that has none (see `learn_groups`);
    `learned_names` maps names to their groups, for a feed (see `learn_group_names`)."""
    built_at = utc(built_at)
    if reading is None:
        return Status(State.UNKNOWN, UNKNOWN, built_at, notes=(
            *notes, "no usable reading: check the official status page"))
    age = built_at - reading.fetched_at
    if not live and age > timedelta(seconds=settings.max_age_seconds):
        minutes = int(age.total_seconds() // 60)
        return Status(State.UNKNOWN, UNKNOWN, built_at, notes=(
            *notes, f"the last known reading is {minutes} minutes old, past the "
                    f"{settings.max_age_minutes}-minute limit"))
    notes += unplaced_note(reading, learned)
    reading = learn_group_names(learn_groups(reading, learned), learned_names, settings)
    problem = scope_problem(reading, settings)
    if problem:
        return Status(State.UNKNOWN, UNKNOWN, built_at, notes=(*notes, problem))
    components, disagreements = effective_components(reading, built_at)
    scope = tuple(c for c in components if in_scope(c, settings))
    scope_ids = {c.id for c in scope}
    notes += tuple(n for cid, n in disagreements.items() if cid in scope_ids)
    touches = toucher(reading, components, scope_ids, settings)
    counted = tuple(i for i in reading.incidents if i.status.says_open)
    unread = _unread(reading, built_at, settings)
    incidents = _ordered(counted + unread, touches)
    maintenances = _current_maintenances(reading.maintenances, touches, built_at)
    verdict = _worst(reading, scope, counted, maintenances, whole_page(settings))
    if not reading.components_known:
        notes += ("the incident feed does not list every component: the verdict comes from "
                  "its open incidents",)
        verdict, notes = feed_scope_rule(verdict, notes, counted, reading, settings,
                                         learned_names)
    verdict, notes = _unread_rule(reading, verdict, notes, counted,
                                  tuple(i for i in unread if touches(named(i))))
    return Status(verdict, LIVE if live else STALE, built_at, reading, scope, incidents,
                  maintenances, _other_groups(components, settings), notes, components,
                  groups_of(reading, learned), group_names_of(reading, learned_names),
                  any(cid in scope_ids for cid in disagreements))


def _unread(reading: Reading, now: datetime, settings: Settings) -> tuple[Incident, ...]:
    """Incidents whose status we cannot read that may be open now: recent ones, or any that
    incident.io's complete list of ongoing incidents names (the list itself says ongoing)."""
    found = []
    for i in reading.incidents:
        if i.status is not IncidentStatus.UNKNOWN:
            continue
        last = i.last_change
        if reading.incidents_complete or last is None or now - last <= settings.open_age:
            found.append(i)
    return tuple(found)


def _unread_rule(reading: Reading, verdict: State, notes: tuple[str, ...],
                 counted: tuple[Incident, ...], unread: tuple[Incident, ...]
                 ) -> tuple[State, tuple[str, ...]]:
    """An unreadable status never yields operational, and never degraded on its own."""
    if verdict is not State.OPERATIONAL:
        return verdict, notes
    if unread:
        names = ", ".join(repr(i.name) for i in unread[:3])
        return State.UNKNOWN, (*notes, "an incident whose status we cannot read may be open "
                                       f"({names}): status unknown")
    if not reading.components_known and reading.incidents and not counted and all(
            i.status is IncidentStatus.UNKNOWN for i in reading.incidents):
        return State.UNKNOWN, (
            *notes, "no entry of the feed has a status we can read (a format change?)")
    return verdict, notes


def _worst(reading: Reading, scope: tuple[Component, ...], counted: tuple[Incident, ...],
           maintenances: tuple[Maintenance, ...], whole: bool) -> State:
    if reading.components_known:
        known = [c.state for c in scope if c.state is not State.UNKNOWN]
        if not known:
            return State.UNKNOWN  # every component in scope had a value we cannot read
        worst = State.worst(known)
        if worst is State.OPERATIONAL and len(known) < len(scope):
            # "Fine, except one we cannot read" is not "operational".
            return State.UNKNOWN
    else:
        # A feed names only the components of open incidents, with no group: under a set
        # scope only those placed in it count (the rest: `_feed_scope_rule`).
        listed = [c.state for c in (reading.components if whole else scope)
                  if c.state is not State.UNKNOWN]
        worst = State.worst(listed, default=State.OPERATIONAL)
        ids = {c.id for c in scope}
        ours = counted if whole else [i for i in counted if ids.intersection(named(i))]
        if ours and worst is State.OPERATIONAL:
            worst = State.DEGRADED
    in_progress = any(m.status is MaintenanceStatus.IN_PROGRESS for m in maintenances)
    if worst is State.OPERATIONAL and in_progress:
        return State.MAINTENANCE
    return worst


def _ordered(incidents: tuple[Incident, ...], touches: Callable[[tuple[str, ...]], bool]
             ) -> tuple[Incident, ...]:
    """Open incidents, those touching the scope first; shown whatever the indicator says."""
    ours = [i for i in incidents if touches(named(i))]
    others = [i for i in incidents if not touches(named(i))]
    return tuple(ours + others)


def _current_maintenances(items: tuple[Maintenance, ...],
                          touches: Callable[[tuple[str, ...]], bool],
                          now: datetime) -> tuple[Maintenance, ...]:
    kept = []
    for m in items:
        if not touches(m.component_ids):
            continue
        if m.status in (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING) \
                or _soon(m, now):
            kept.append(m)
    return tuple(kept)


def _soon(m: Maintenance, now: datetime) -> bool:
    """Scheduled, not over, and starting within MAINTENANCE_HORIZON."""
    return m.status is MaintenanceStatus.SCHEDULED and m.starts_at is not None \
        and m.starts_at <= now + MAINTENANCE_HORIZON and (m.ends_at or m.starts_at) >= now


def _other_groups(components: tuple[Component, ...], settings: Settings
                  ) -> tuple[GroupState, ...]:
    """The worst state of each group outside the scope, in page order, briefly."""
    groups: dict[str, list[State]] = {}
    for c in components:
        if not in_scope(c, settings):
            groups.setdefault(c.group or "Other", []).append(c.state)
    return tuple(GroupState(name, State.worst(states)) for name, states in groups.items())
