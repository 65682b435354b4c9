"""incident.io's native status JSON (`/proxy/<host>`), the document the status page itself loads.

Undocumented, so read defensively: `{"summary": {name, public_url, components, structure,
affected_components, ongoing_incidents, scheduled_maintenances, ...}}`. There is no page-wide
rollup; a component's state is its entry in `affected_components`, and a component that is not
listed there is operational. A payload without that key at all (absent, not empty) says nothing
about any component: it is refused, never read as "all operational".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from ..errors import UpstreamError
from ..model import (Component, ComponentImpact, Incident, IncidentStatus, Maintenance,
                     MaintenanceStatus, Reading, State, Update, enum_value)
from .shape import (MAINTENANCE_STATUSES, OLDEST, as_dict, component_state, dicts, first_time,
                    ident, impact_of, plain, token, when)
from .text import html_to_text, https_url, prosemirror_to_text

FORMAT = "incidentio"
# Field names for a maintenance window have not been seen in a capture: try the likely ones.
_STARTS = ("starts_at", "start_at", "scheduled_start_at", "scheduled_start", "scheduled_for")
_ENDS = ("ends_at", "end_at", "scheduled_end_at", "scheduled_end", "scheduled_until")
_MAINTENANCE_LISTS = ("scheduled_maintenances", "in_progress_maintenances", "ongoing_maintenances")


def is_incidentio(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("summary"), dict)


def parse_summary(data: Any, source: str, fetched_at: datetime) -> Reading:
    """A Reading from the decoded JSON; UpstreamError when it names no visible component."""
    summary = as_dict(as_dict(data).get("summary"))
    states = affected_states(summary.get("affected_components"))
    # An unlisted component is operational only when the list is there to not list it.
    listed = isinstance(summary.get("affected_components"), list)
    components = _components(summary, states, State.OPERATIONAL if listed else State.UNKNOWN)
    if not components:
        raise UpstreamError("incident.io JSON lists no visible components: "
                            "the page was restructured or emptied")
    if "affected_components" not in summary:
        raise UpstreamError("incident.io JSON without the `affected_components` key: the "
                            "component states cannot be read (a format change?)")
    base = _page_url(summary.get("public_url"))
    incidents, maintenances = [], []
    for raw in dicts(summary.get("ongoing_incidents")):
        if token(raw.get("type")) == "maintenance":
            maintenances.append(_maintenance(raw, base))
        else:
            incidents.append(_incident(raw, base))
    for key in _MAINTENANCE_LISTS:
        maintenances.extend(_maintenance(raw, base) for raw in dicts(summary.get(key)))
    return Reading(
        format=FORMAT, source=source, fetched_at=fetched_at, page_name=plain(summary.get("name")),
        components=components, incidents=_unique(incidents), maintenances=_unique(maintenances),
        indicator=None,
        incidents_complete=isinstance(summary.get("ongoing_incidents"), list),
    )


def affected_states(raw: Any) -> dict[str, State]:
    """component id -> state; a component listed twice keeps its worst state."""
    states: dict[str, State] = {}
    for entry in dicts(raw):
        cid = ident(entry.get("component_id"))
        if cid:
            state = component_state(entry.get("status", entry.get("current_status")))
            states[cid] = State.worst([states.get(cid, State.UNKNOWN), state])
    return states


def _components(summary: dict[str, Any], states: dict[str, State],
                unlisted: State) -> tuple[Component, ...]:
    """Visible components in the page's order, each once, named as the structure names them."""
    found: dict[str, Component] = {}
    for item in dicts(as_dict(summary.get("structure")).get("items")):
        group = as_dict(item.get("group"))
        if group and group.get("hidden") is not True:
            name = plain(group.get("name")) or None
            for raw in dicts(group.get("components")):
                _add(found, raw, name, states, unlisted)
        _add(found, as_dict(item.get("component")), None, states, unlisted)
    if not found:  # no structure at all: the flat list still says what exists
        for raw in dicts(summary.get("components")):
            _add(found, {"component_id": raw.get("id"), **raw}, None, states, unlisted)
    return tuple(found.values())


def _add(found: dict[str, Component], raw: dict[str, Any], group: str | None,
         states: dict[str, State], unlisted: State) -> None:
    cid = ident(raw.get("component_id"))
    # The same id under two groups is one component: the first (top) placement names it.
    if not cid or cid in found or raw.get("hidden") is True:
        return
    name = plain(raw.get("name")) or cid
    found[cid] = Component(id=cid, name=name, state=states.get(cid, unlisted), group=group)


def _page_url(raw: Any) -> str | None:
    url = https_url(raw)
    return url.rstrip("/") if url else None


def _link(base: str | None, item_id: str) -> str | None:
    return https_url(f"{base}/incidents/{quote(item_id, safe='')}") if base else None


def _incident(raw: dict[str, Any], base: str | None) -> Incident:
    iid = ident(raw.get("id"))
    affected = affected_states(raw.get("affected_components"))
    updates = _updates(raw.get("updates"))
    status = enum_value(IncidentStatus, raw.get("status"))
    # Impacts can be back-dated before publication: the earliest one is when it began.
    starts = [when(raw.get("published_at"))]
    starts += [when(i.get("start_at")) for i in dicts(raw.get("component_impacts"))]
    known = [s for s in starts if s is not None]
    latest = updates[0].at if updates else None
    return Incident(
        id=iid, name=plain(raw.get("name")) or "Untitled incident", status=status,
        impact=impact_of(affected.values()), started_at=min(known) if known else None,
        url=_link(base, iid) if iid else None,
        resolved_at=None if status.is_open else latest, updated_at=latest,
        component_ids=tuple(affected), updates=updates,
        impacts=_impacts(affected, raw.get("component_impacts")),
    )


def _impacts(affected: dict[str, State], raw: Any) -> tuple[ComponentImpact, ...]:
    """The incident's current states, then its timed impacts (the verdict drops ended ones)."""
    found = [ComponentImpact(cid, state) for cid, state in affected.items()]
    for entry in dicts(raw):
        cid = ident(entry.get("component_id"))
        if cid:
            found.append(ComponentImpact(cid, component_state(entry.get("status")),
                                         when(entry.get("end_at"))))
    return tuple(found)


def _maintenance(raw: dict[str, Any], base: str | None) -> Maintenance:
    mid = ident(raw.get("id"))
    updates = _updates(raw.get("updates"))
    return Maintenance(
        id=mid, name=plain(raw.get("name")) or "Untitled maintenance",
        status=enum_value(MaintenanceStatus, token(raw.get("status")), MAINTENANCE_STATUSES),
        starts_at=first_time(raw, _STARTS), ends_at=first_time(raw, _ENDS),
        url=_link(base, mid) if mid else None,
        component_ids=tuple(affected_states(raw.get("affected_components"))),
        text=updates[0].text if updates else html_to_text(raw.get("message_string")),
    )


def _updates(raw: Any) -> tuple[Update, ...]:
    """Updates newest first, whatever order upstream sent them in."""
    updates = [
        Update(at=when(u.get("published_at")), status=token(u.get("to_status")),
               text=message_text(u))
        for u in dicts(raw)
    ]
    return tuple(sorted(updates, key=lambda u: u.at or OLDEST, reverse=True))


def message_text(update: dict[str, Any]) -> str:
    """`message_string` when present (both 2025 and 2026 have it), else the structured message."""
    text = html_to_text(update.get("message_string"))
    return text or html_to_text(prosemirror_to_text(update.get("message")))


def _unique(items: list[Any]) -> tuple[Any, ...]:
    """One entry per id (the first); entries without an id are kept: dropping one could hide an
    outage."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.id and item.id in seen:
            continue
        seen.add(item.id)
        kept.append(item)
    return tuple(kept)
