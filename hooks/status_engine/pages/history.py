"""The history page's HTML: 90-day bars, uptime and recent incidents, from a History.

Markup is in templates/history.html (autoescaped, like every engine template); this module only
turns the history into plain values. Only what a visitor reads is rendered (90 days, the last
RECENT incidents), so the page stays small however long the history grows; the rest is linked.
"""

from __future__ import annotations

import heapq
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..history.model import Catalogued, Entry, History, ended_at, incident_state
from ..history.stats import NO_DATA, Day, day_bars, in_window, incidents_of, uptime
from ..labels import STATES
from ..model import State, isoformat
from ..scope import in_scope_names
from ..settings import Settings
from ..templating import environment, safe_link

OLDEST = datetime.min.replace(tzinfo=UTC)

DAYS = 90
WINDOWS = (7, 30, 90)
RECENT = 50
# A day's words and letter by its state's value (Day.state), and for the days before the
# history starts. The letter keeps the bars from relying on colour (the CSS adds a pattern too).
WORDS = {state.value: words.impact for state, words in STATES.items()} | {NO_DATA: "no data"}
LETTERS = {state.value: words.letter for state, words in STATES.items()} | {NO_DATA: "–"}


def history_html(history: History, settings: Settings, now: datetime, base: str = "") -> str:
    """The page body; `base` is the relative path from the page to the site root ("../")."""
    return environment().get_template("history.html").render(h=view(history, settings, now),
                                                     base=base).strip()


def view(history: History, settings: Settings, now: datetime) -> dict[str, Any]:
    recent = in_window(history, now - timedelta(days=DAYS), now)
    scoped = scope_components(history, settings)
    rows = [_row(c.name, incidents_of(recent, c), history, now) for c in scoped]
    if not scoped:  # no component list yet (only feeds read): one bar for every incident
        rows = [_row(f"All {settings.subject} incidents", incidents_of(recent, None), history,
                     now)]
    latest = heapq.nlargest(RECENT, history.entries.values(), key=lambda e: (_start(e), e.id))
    return {
        "subject": settings.subject,
        "rows": rows,
        "windows": WINDOWS,
        "days": DAYS,
        "incidents": [_incident(e, settings.status_host, now) for e in latest],
        "total": history.count,
        "shown": len(latest),
        "since_iso": isoformat(history.since),
        "since_text": _date(history.since) if history.since else "",
        "by_component": bool(scoped),
        "status_page": safe_link(settings.status_page, settings.status_host) or "",
    }


def scope_components(history: History, settings: Settings) -> list[Catalogued]:
    """The in-scope components the history knows of, in the page's order."""
    return [c for c in history.components.values()
            if in_scope_names(c.group, c.name, c.id, settings)]


def _start(entry: Entry) -> datetime:
    return entry.started_at or OLDEST


def _row(name: str, touched: list[tuple[Entry, State]], history: History, now: datetime
         ) -> dict[str, Any]:
    days = day_bars(touched, now, history.since, DAYS)
    return {
        "name": name,
        "uptime": [{"days": w, "text": _percent(uptime(touched, now, history.since, w))}
                   for w in WINDOWS],
        "days": [_cell(run) for run in _runs(days)],
    }


def _runs(days: list[Day]) -> list[list[Day]]:
    """Consecutive days that say the same (state and incidents) as one run.

    A row of 90 labelled cells per component made the page hundreds of KB and cost the build
    more than the whole status check; a run is one element, drawn with day ticks by the CSS.
    """
    runs: list[list[Day]] = []
    for day in days:
        last = runs[-1] if runs else None
        if last and (last[0].state, last[0].incidents) == (day.state, day.incidents):
            last.append(day)
        else:
            runs.append([day])
    return runs


def _cell(run: list[Day]) -> dict[str, Any]:
    first, last = run[0], run[-1]
    when = _date(first.day) if len(run) == 1 else f"{_date(first.day)} to {_date(last.day)}"
    names = list(first.incidents[:3]) + ([f"and {len(first.incidents) - 3} more"]
                                         if len(first.incidents) > 3 else [])
    label = f"{when}: {WORDS[first.state]}" + (" — " + "; ".join(names) if names else "")
    # Only days with incidents take a tab stop and a tooltip: the few that matter for a
    # keyboard user, not 90 stops per component.
    return {"state": first.state, "letter": LETTERS[first.state], "label": label,
            "iso": first.day.isoformat(), "span": len(run), "focusable": bool(first.incidents)}


def _percent(value: float | None) -> str:
    if value is None:
        return "no data"
    # Floor, not round: 99.996 % must not read as 100 % when there was an outage.
    floored = int(value * 100) / 100
    return f"{floored:.2f} %"


def _incident(e: Entry, host: str, now: datetime) -> dict[str, Any]:
    return {
        "name": e.name or "Unnamed incident",
        "url": safe_link(e.url, host),
        "status": e.status.value,
        "open": e.status.is_open,
        "impact": STATES[incident_state(e)].impact,
        "started_iso": isoformat(e.started_at),
        "started_text": e.started_at.strftime("%-d %b %Y, %H:%M UTC") if e.started_at else "",
        "duration": _duration(e, now),
        "components": ", ".join(a.name for a in e.components),
        "text": e.latest_text,
    }


def _duration(e: Entry, now: datetime) -> str:
    if e.started_at is None:
        return "unknown"
    minutes = max(0, int((ended_at(e, now) - e.started_at).total_seconds() // 60))
    hours, days = minutes // 60, minutes // (24 * 60)
    text = (f"{days} d {hours % 24} h" if days else f"{hours} h {minutes % 60} min" if hours
            else f"{minutes} min")
    return f"ongoing, {text} so far" if e.status.is_open else text


def _date(value: date) -> str:
    return value.strftime("%-d %b %Y")
