"""The banner and the home page's summary with its advice, from a Status.

Markup lives in `templates/banner.html` and `summary.html`, rendered by the engine's autoescaping
environment (templating.py), so no upstream string can add markup. Links only survive if they
point at the configured status host over https (templating.safe_link).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..labels import IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, STATES
from ..model import Incident, IncidentStatus, Maintenance, MaintenanceStatus, State, isoformat
from ..settings import Settings
from ..templating import environment, safe_link
from ..verdict import STALE, UNKNOWN, Status

# The advice's words live in templates/summary.html; this is only which parts fall where.
_NAMED = 4  # parts named in one sentence before "and N more"


def banner_html(status: Status, settings: Settings) -> str:
    return environment().get_template("banner.html").render(v=_view(status, settings)).strip()


def summary_html(status: Status, settings: Settings) -> str:
    return environment().get_template("summary.html").render(v=_view(status, settings)).strip()


def _view(status: Status, settings: Settings) -> dict[str, Any]:
    """Plain values for the templates: labels, formatted times and checked links."""
    host = settings.status_host
    scope_count = len(status.scope)
    return {
        "verdict": status.verdict.value,
        "freshness": status.freshness,
        "subject": settings.subject,
        "label": STATES[status.verdict].label,
        "icon": STATES[status.verdict].icon,
        "advice": _advice(status),
        "stale_after": settings.max_age_seconds,
        "status_page": safe_link(settings.status_page, host) or "",
        "status_host": host,
        "checked_iso": isoformat(status.checked_at),
        "checked_text": _when(status.checked_at),
        "built_text": _when(status.built_at),
        "age_text": _age(status.age_seconds) if status.freshness == STALE else "",
        "incident": _incident_view(status.incident, host) if status.incident else None,
        "incidents": [_incident_view(i, host) for i in status.incidents],
        "maintenances": [_maintenance_view(m, host) for m in status.maintenances],
        "affected": [{"name": c.name, "label": STATES[c.state].label} for c in status.affected],
        "scope_count": scope_count,
        "unaffected_count": scope_count - len(status.affected),
        "other_groups": [{"name": g.name, "label": STATES[g.state].label}
                         for g in status.other_groups],
    }


def _advice(status: Status) -> dict[str, Any]:
    """What "What to do now" is about: the verdict and which parts in scope are hit and how.

    Only what the reading says: a part is "working" only when its state is operational, and
    "nothing to fix on your side" is said of the parts in an outage, never of the whole."""
    verdict = status.verdict if status.freshness != UNKNOWN else State.UNKNOWN
    known = status.reading.components_known if status.reading else True
    # A feed names only the parts its open entries affect, with no group: those are the parts.
    scope = status.scope if known else status.components
    by_state = {state: [c.name for c in scope if c.state is state] for state in State}
    hit = [c for c in scope if c.state.disrupts]
    # Open incidents, those touching the scope first (verdict._ordered): the advice must not
    # call a verdict "no problem" above one, nor call a maintenance an incident.
    open_incidents = [i for i in status.incidents if i.status.says_open]
    return {
        "verdict": verdict.value,
        "hit": [{"name": c.name, "label": STATES[c.state].label.lower()}
                for c in sorted(hit, key=lambda c: -c.state.severity)],
        "outage": by_state[State.PARTIAL_OUTAGE] + by_state[State.MAJOR_OUTAGE],
        "slow": by_state[State.DEGRADED],
        "maintenance": by_state[State.MAINTENANCE],
        "working": _some(by_state[State.OPERATIONAL]),
        "unread": _some(by_state[State.UNKNOWN]),
        "components_known": known,
        "incident": open_incidents[0].name if open_incidents else "",
        "maintenance_now": [m.name for m in status.maintenances
                            if m.status is MaintenanceStatus.IN_PROGRESS][:_NAMED],
        "unread_incidents": [i.name for i in status.incidents
                             if i.status is IncidentStatus.UNKNOWN][:_NAMED],
    }


def _some(names: list[str]) -> dict[str, Any]:
    """The first few names and how many more, for one readable sentence."""
    return {"names": names[:_NAMED], "more": max(0, len(names) - _NAMED),
            "count": len(names)}


def _incident_view(incident: Incident, host: str) -> dict[str, Any]:
    return {
        "name": incident.name or "Unnamed incident",
        "url": safe_link(incident.url, host),
        "status": INCIDENT_STATUSES[incident.status],
        "status_known": incident.status is not IncidentStatus.UNKNOWN,
        "impact": IMPACTS[incident.impact],
        "started_iso": isoformat(incident.started_at),
        "started_text": _when(incident.started_at),
        "updates": [{"at_iso": isoformat(u.at), "at_text": _when(u.at),
                     "status": u.status.replace("_", " ") or "update", "text": u.text}
                    for u in incident.updates],
    }


def _maintenance_view(m: Maintenance, host: str) -> dict[str, Any]:
    return {
        "name": m.name or "Maintenance", "url": safe_link(m.url, host),
        "status": MAINTENANCE_STATUSES[m.status], "text": m.text,
        "starts_iso": isoformat(m.starts_at), "starts_text": _when(m.starts_at),
        "ends_iso": isoformat(m.ends_at), "ends_text": _when(m.ends_at),
    }


def _when(value: datetime | None) -> str:
    """'27 Nov 2026, 14:05 UTC': unambiguous for every visitor before any script runs."""
    if value is None:
        return ""
    return value.strftime("%-d %b %Y, %H:%M UTC")


def _age(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes = seconds // 60
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{minutes // 60} hours"

