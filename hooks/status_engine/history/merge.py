"""The history's merge rules. Upstream lists only its last 25 to 90 incidents; the site keeps all.

Pure functions over frozen records. Each build merges what it read into the history carried from
the previous build: incidents are keyed by id and updated in place, one dict lookup each, so ten
years of incidents merge in linear time. Nothing is ever dropped because upstream dropped it.

Ordering rule (clock skew): an upstream time more than SKEW_TOLERANCE after the moment we read
it is replaced by that moment. A later update then wins by its time; two updates with the same
time are the same update unless the second one closes the incident; an older update than the one
kept (out of order) changes no status or text, but can still add components, an earlier start, a
worse impact or a missing link.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ..model import Impact, Incident, IncidentStatus, Reading, State
from .codec import decode
from .model import Affected, Archived, Catalogued, Entry, History

SKEW_TOLERANCE = timedelta(minutes=5)
_IMPACT_RANK = {Impact.NONE: 1, Impact.MINOR: 2, Impact.MAJOR: 3, Impact.CRITICAL: 4}


def trusted(value: datetime | None, seen_at: datetime) -> datetime | None:
    """`value`, unless it is further in the future than clocks can honestly disagree."""
    if value is not None and value > seen_at + SKEW_TOLERANCE:
        return seen_at
    return value


def entry_from_incident(incident: Incident, reading: Reading) -> Entry:
    """An Entry from one reading's incident, with names and states the reading knows."""
    seen = reading.fetched_at
    catalog = {c.id: c for c in reading.components}
    latest = incident.latest
    times = [trusted(t, seen) for t in (incident.updated_at, latest.at if latest else None)]
    updated = max((t for t in times if t is not None), default=None)
    affected = []
    for cid in dict.fromkeys(incident.component_ids):
        known = catalog.get(cid)
        # A component's current state speaks for the incident only while it is open.
        state = known.state if known and incident.status.is_open else State.UNKNOWN
        affected.append(Affected(cid, known.name if known else cid, _bad_or_unknown(state)))
    # A feed shows a closed incident's final component states ("Operational"), so the impact
    # its parser derives from them says nothing about how bad the incident was.
    impact = Impact.UNKNOWN if reading.format == "feed" and not incident.status.is_open \
        else incident.impact
    return Entry(
        id=incident.id, name=incident.name, status=incident.status, impact=impact,
        started_at=trusted(incident.started_at, seen),
        resolved_at=None if incident.status.is_open else trusted(incident.resolved_at, seen),
        updated_at=updated, url=incident.url, components=tuple(affected),
        latest_status=latest.status if latest else "", latest_text=latest.text if latest else "",
        first_seen_at=seen,
    )


def _bad_or_unknown(state: State) -> State:
    # "Operational" on an incident's component says nothing about how bad the incident was.
    return state if state.disrupts else State.UNKNOWN


def merge(history: History, readings: Iterable[Reading], now: datetime) -> tuple[History, int]:
    """`history` with every incident of `readings` merged in; and how many entries changed."""
    readings = list(readings)
    components, since = dict(history.components), history.since
    updates = []
    for reading in readings:
        if reading.components_known:
            for c in reading.components:
                components[c.id] = Catalogued(c.id, c.name, c.group)
        updates += [entry_from_incident(i, reading) for i in reading.incidents]
        since = _earliest(since, reading.fetched_at)
    entries, archived, changed = _apply(history, updates)
    ended = _vanished(entries, readings)
    if ended:
        entries, archived, closed = _apply(History(entries, components, since, now, archived),
                                           ended)
        changed += closed
    for entry in changed:
        since = _earliest(since, entry.started_at)
    if not changed and components == history.components and since == history.since:
        return history, 0
    return History(entries, components, since, now, archived), len(changed)


VANISHED_TEXT = "No longer listed as ongoing on the official status page."


def _vanished(entries: dict[str, Entry], readings: list[Reading]) -> list[Entry]:
    """Open incidents that a complete list of ongoing incidents no longer holds: they ended.

    Without this an incident whose resolution no history source reported would stay open, and
    count as downtime, forever. The end is taken as the moment we saw it gone (at most one build
    late); a resolution read later with an earlier time does not move it (see the module doc).
    Only incidents first seen before that reading can have vanished from it.
    """
    ended: dict[str, Entry] = {}
    for reading in readings:
        if not reading.incidents_complete:
            continue
        listed = {i.id for i in reading.incidents}
        seen = reading.fetched_at
        for entry in entries.values():
            if entry.status.is_open and entry.id not in listed and entry.id not in ended \
                    and entry.first_seen_at is not None and entry.first_seen_at < seen:
                ended[entry.id] = entry._replace(
                    status=IncidentStatus.RESOLVED, resolved_at=seen,
                    updated_at=max(seen, entry.updated_at or seen),  # so the closure wins
                    latest_status="resolved", latest_text=VANISHED_TEXT)
    return list(ended.values())


def merge_histories(local: History, remote: History, now: datetime) -> History:
    """`local` with `remote`'s entries and components merged in (restore); `local` itself
    when that adds nothing."""
    remote_all = list(remote.entries.values()) + [decode(a) for a in remote.archived.values()]
    entries, archived, changed = _apply(local, remote_all)
    components = {**remote.components, **local.components}
    since = _earliest(local.since, remote.since)
    if not changed and components == local.components and since == local.since:
        return local
    return History(entries, components, since, now, archived)


def _apply(history: History, updates: list[Entry]
           ) -> tuple[dict[str, Entry], dict[str, Archived], list[Entry]]:
    """Merge each update into its entry, one dict lookup each (decoding an archived one only
    when it is touched); the new entries and archive, and the entries that changed."""
    entries, archived, changed = dict(history.entries), history.archived, []
    for new in updates:
        old = entries.get(new.id)
        if old is None and new.id in archived:
            old = decode(archived[new.id])
        merged = new if old is None else merge_entry(old, new)
        if merged == old:
            continue
        if new.id in archived:
            archived = dict(archived) if archived is history.archived else archived
            del archived[new.id]
        entries[new.id] = merged
        changed.append(merged)
    return entries, archived, changed


def merge_entry(old: Entry, new: Entry) -> Entry:
    """One incident as two readings saw it: the newer update's status and text, the union of
    everything else."""
    newer = _newer(old, new)
    base, other = (new, old) if newer else (old, new)
    closed = not base.status.is_open
    return base._replace(
        name=base.name or other.name,
        impact=worst_impact(base.impact, other.impact),
        started_at=_earliest(base.started_at, other.started_at),
        resolved_at=(base.resolved_at or other.resolved_at) if closed else None,
        url=base.url or other.url,
        components=_union(base.components, other.components),
        latest_status=base.latest_status if base.latest_text or not other.latest_text
        else other.latest_status,
        latest_text=base.latest_text or other.latest_text,
        first_seen_at=_earliest(base.first_seen_at, other.first_seen_at),
    )


def _newer(old: Entry, new: Entry) -> bool:
    """Whether `new` carries a later update than `old` (see the module's ordering rule)."""
    same = (old.status, old.latest_text, old.name) == (new.status, new.latest_text, new.name)
    if same:
        return False  # a repeat, perhaps re-stamped by our clock: keep what we have
    if old.updated_at is None or new.updated_at is None:
        return new.updated_at is not None or old.updated_at is None
    if new.updated_at == old.updated_at:
        return old.status.is_open and not new.status.is_open
    return new.updated_at > old.updated_at


def worst_impact(a: Impact, b: Impact) -> Impact:
    return a if _IMPACT_RANK.get(a, 0) >= _IMPACT_RANK.get(b, 0) else b


def _union(first: tuple[Affected, ...], second: tuple[Affected, ...]) -> tuple[Affected, ...]:
    found: dict[str, Affected] = {}
    for a in first + second:
        have = found.get(a.id)
        if have is None:
            found[a.id] = a
        elif State.worst((have.state, a.state)) is not have.state:
            found[a.id] = have._replace(state=a.state)
    return tuple(found.values())


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return min(a, b)
