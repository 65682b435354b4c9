"""Day bars and uptime from the history: pure functions, one pass over the incidents in window.

Uptime rule (the history page says it in words): time inside incidents whose state for that
component was a partial or major outage counts as down; degraded performance counts as up, and
so does an incident whose severity we never learnt; an open incident counts until `now`;
overlapping incidents count once. A window that starts before the history does is measured from
the history's start.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from ..model import State
from .model import Affected, Catalogued, Entry, History, ended_at, state_for

DOWN = frozenset({State.PARTIAL_OUTAGE, State.MAJOR_OUTAGE})
NO_DATA = "no_data"


class Day(NamedTuple):
    day: date
    state: str  # a State value, or NO_DATA before the history starts
    incidents: tuple[str, ...]  # names of the incidents behind the state, worst first


def touches(affected: Affected, component: Catalogued) -> Affected | None:
    # Feeds name components without ids (id == name): match those by name, the rest by id only,
    # since names repeat across products ("Login").
    if affected.id == component.id:
        return affected
    if affected.id == affected.name and affected.name.casefold() == component.name.casefold():
        return affected
    return None


def incidents_of(entries: Iterable[Entry], component: Catalogued | None
                 ) -> list[tuple[Entry, State]]:
    """(entry, its state for `component`) for every entry that touched it; all when None."""
    found = []
    for entry in entries:
        if component is None:
            worst = State.worst((state_for(entry, a) for a in entry.components),
                                default=state_for(entry, Affected("", "")))
            found.append((entry, worst))
            continue
        for affected in entry.components:
            if touches(affected, component):
                found.append((entry, state_for(entry, affected)))
                break
    return found


def in_window(history: History, start: datetime, now: datetime) -> list[Entry]:
    """Entries that overlap [start, now]: the only ones bars and uptime need."""
    return [e for e in history.entries.values()
            if e.started_at is not None and e.started_at <= now and ended_at(e, now) >= start]


def day_bars(touched: list[tuple[Entry, State]], now: datetime, since: datetime | None,
             days: int = 90) -> list[Day]:
    """One Day per UTC day, oldest first, ending today: the worst state that day."""
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    worst: dict[date, list[tuple[State, str]]] = {}
    for entry, state in touched:
        if entry.started_at is None:
            continue  # never in a window (in_window): no day to mark
        start_day = max(entry.started_at.astimezone(UTC).date(), first)
        end_day = min(ended_at(entry, now).astimezone(UTC).date(), today)
        d = start_day
        while d <= end_day:
            worst.setdefault(d, []).append((state, entry.name))
            d += timedelta(days=1)
    covered_from = since.astimezone(UTC).date() if since else today
    return [_day(first + timedelta(days=i), worst, covered_from) for i in range(days)]


def _day(d: date, worst: dict[date, list[tuple[State, str]]], covered_from: date) -> Day:
    found = worst.get(d)
    if not found:
        return Day(d, NO_DATA if d < covered_from else State.OPERATIONAL.value, ())
    found.sort(key=lambda pair: -pair[0].severity)
    state = found[0][0]
    # An incident with no known severity still marks the day, but not as operational.
    return Day(d, state.value, tuple(dict.fromkeys(name for _, name in found)))


def uptime(touched: list[tuple[Entry, State]], now: datetime, since: datetime | None,
           days: int) -> float | None:
    """Percentage of the last `days` days (from `since` if later) not inside an outage."""
    start = now - timedelta(days=days)
    if since is not None and since > start:
        start = since
    if since is None or start >= now:
        return None
    spans = sorted((max(e.started_at, start), min(ended_at(e, now), now))
                   for e, state in touched if state in DOWN and e.started_at is not None)
    down, reach = timedelta(0), start
    for begin, end in spans:
        begin = max(begin, reach)
        if end > begin:
            down += end - begin
            reach = end
    return 100 * (1 - down / (now - start))
