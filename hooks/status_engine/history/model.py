"""The history's records: an incident as the history keeps it (`Entry`), the components it
touched, the component list, and the history itself; with what can be read off one entry.
Frozen and pure. `merge` holds the rules that update them, `codec` their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from ..model import Impact, IncidentStatus, State

# What a component most likely went through when only the incident's impact is known: each
# impact read back as the component state of the same rank. Statuspage calculates an incident's
# impact "from a blend of component statuses" (the API page every Statuspage site serves, e.g.
# https://www.githubstatus.com/api/).
STATE_OF_IMPACT = {Impact.MINOR: State.DEGRADED, Impact.MAJOR: State.PARTIAL_OUTAGE,
                   Impact.CRITICAL: State.MAJOR_OUTAGE}


class Affected(NamedTuple):
    """A component an incident touched. Feeds only name components: then id == name."""

    id: str
    name: str
    state: State = State.UNKNOWN  # the worst state seen while the incident was open


class Entry(NamedTuple):
    id: str
    name: str
    status: IncidentStatus
    impact: Impact
    started_at: datetime | None
    resolved_at: datetime | None = None
    updated_at: datetime | None = None  # of the update kept; ordering key, skew-corrected
    url: str | None = None
    components: tuple[Affected, ...] = ()
    latest_status: str = ""
    latest_text: str = ""
    first_seen_at: datetime | None = None  # our clock


class Catalogued(NamedTuple):
    """A component of the status page as last listed: the bars need names and groups."""

    id: str
    name: str
    group: str | None = None


class Archived(NamedTuple):
    """An entry no page or feed of this build shows, kept as its JSON line from the history
    file and decoded only if an update arrives for it (history.store decides which)."""

    started: str  # its ISO start, "" if none: the file's sort key
    line: str  # one JSON object, as codec.entry_to_json wrote it


@dataclass(frozen=True)
class History:
    entries: dict[str, Entry] = field(default_factory=dict)
    components: dict[str, Catalogued] = field(default_factory=dict)
    since: datetime | None = None  # from when the history can speak for every day
    updated_at: datetime | None = None  # when it last changed
    # Every entry is in `entries` or here; the bars, uptime, recent list and feed only need
    # `entries` (history.store.load keeps there everything they could show).
    archived: dict[str, Archived] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.entries) + len(self.archived)


def state_for(entry: Entry, affected: Affected) -> State:
    """How bad `entry` was for one component: its own state if seen, else from the impact;
    UNKNOWN when neither is known (an incident first seen after it was resolved)."""
    if affected.state.disrupts:
        return affected.state
    return STATE_OF_IMPACT.get(entry.impact, State.UNKNOWN)


def incident_state(entry: Entry) -> State:
    """How bad the incident was overall: its worst component's state when one was seen to be
    worse than maintenance, else what its impact implies; UNKNOWN when neither is known."""
    worst = State.worst(a.state for a in entry.components)
    if worst.disrupts:
        return worst
    return STATE_OF_IMPACT.get(entry.impact, State.UNKNOWN)


def ended_at(entry: Entry, now: datetime) -> datetime:
    """When the incident ended; an open one (or a closed one with no time) runs until `now`."""
    if entry.status.is_open:
        return now
    return entry.resolved_at or entry.updated_at or now
