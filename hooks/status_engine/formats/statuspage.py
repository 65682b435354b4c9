"""Atlassian Statuspage v2 JSON (`/api/v2/summary.json`), also served by incident.io pages.

`{page, status, components, incidents?, scheduled_maintenances?}`. Groups are components with
`group: true`; their children point at them with `group_id`. On incident.io's compatible copy
`incidents`, `group` and `shortlink` are often missing, so every part is optional except the
components: a reading without them would say nothing about any service.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from ..errors import UpstreamError
from ..model import (Component, ComponentImpact, Impact, Incident, IncidentStatus, Maintenance,
                     MaintenanceStatus, Reading, State, Update, enum_value)
from .shape import (MAINTENANCE_STATUSES, OLDEST, as_dict, component_state, dicts, first_time,
                    ident, plain, token, when)
from .text import html_to_text, https_url

FORMAT = "statuspage"
INDICATORS = {
    "none": State.OPERATIONAL,
    "minor": State.DEGRADED,
    "major": State.PARTIAL_OUTAGE,
    "critical": State.MAJOR_OUTAGE,
    "maintenance": State.MAINTENANCE,
}


def is_statuspage(data: Any) -> bool:
    """The summary (or components.json) shape: a components list beside page or status."""
    return (isinstance(data, dict) and isinstance(data.get("components"), list)
            and ("page" in data or "status" in data))


def parse_summary(data: Any, source: str, fetched_at: datetime) -> Reading:
    """A Reading from the decoded JSON; UpstreamError when it lists no component."""
    data = as_dict(data)
    components = _components(data.get("components"))
    if not components:
        raise UpstreamError("Statuspage JSON lists no components (only groups, or none): "
                            "nothing to judge a service by")
    page = as_dict(data.get("page"))
    base = https_url(page.get("url"))
    return Reading(
        format=FORMAT, source=source, fetched_at=fetched_at, page_name=plain(page.get("name")),
        components=components,
        incidents=tuple(_incident(i, base) for i in dicts(data.get("incidents"))),
        maintenances=tuple(_maintenance(m, base)
                           for m in dicts(data.get("scheduled_maintenances"))),
        indicator=_indicator(data),
    )


def _indicator(data: dict[str, Any]) -> State | None:
    """None when the payload has no status block (components.json); UNKNOWN for a new word."""
    if "status" not in data:
        return None
    return enum_value(State, token(as_dict(data.get("status")).get("indicator")), INDICATORS)


def _components(raw: Any) -> tuple[Component, ...]:
    """Leaf components, each once, with their group's name; the groups themselves are not
    components (their status is a rollup of the children's)."""
    entries = dicts(raw)
    parents = {ident(c.get("group_id")) for c in entries} - {""}
    groups = {ident(c.get("id")): plain(c.get("name")) for c in entries if _is_group(c, parents)}
    found: dict[str, Component] = {}
    for entry in entries:
        cid = ident(entry.get("id"))
        if not cid or cid in groups or cid in found:
            continue
        group = groups.get(ident(entry.get("group_id"))) or None
        found[cid] = Component(id=cid, name=plain(entry.get("name")) or cid,
                               state=component_state(entry.get("status")), group=group)
    return tuple(found.values())


def _is_group(entry: dict[str, Any], parents: set[str]) -> bool:
    """`group: true`, or (where that flag is missing) a parent named by a child's group_id."""
    if entry.get("group") is True:
        return True
    return entry.get("group") is None and ident(entry.get("id")) in parents


def _link(raw: dict[str, Any], base: str | None, item_id: str) -> str | None:
    """The shortlink when it is https, else the page's own incident URL."""
    short = https_url(raw.get("shortlink"))
    if short or not base or not item_id:
        return short
    return https_url(f"{base.rstrip('/')}/incidents/{quote(item_id, safe='')}")


def _incident(raw: dict[str, Any], base: str | None) -> Incident:
    iid = ident(raw.get("id"))
    updates = _updates(raw.get("incident_updates"))
    return Incident(
        id=iid, name=plain(raw.get("name")) or "Untitled incident",
        status=enum_value(IncidentStatus, raw.get("status")),
        impact=enum_value(Impact, raw.get("impact")),
        started_at=first_time(raw, ("started_at", "created_at")),
        url=_link(raw, base, iid),
        resolved_at=when(raw.get("resolved_at")),
        updated_at=first_time(raw, ("updated_at",)) or (updates[0].at if updates else None),
        component_ids=_component_ids(raw.get("components")),
        updates=updates,
        impacts=_impacts(raw.get("components")),
    )


def _maintenance(raw: dict[str, Any], base: str | None) -> Maintenance:
    mid = ident(raw.get("id"))
    updates = _updates(raw.get("incident_updates"))
    return Maintenance(
        id=mid, name=plain(raw.get("name")) or "Untitled maintenance",
        status=enum_value(MaintenanceStatus, token(raw.get("status")), MAINTENANCE_STATUSES),
        starts_at=when(raw.get("scheduled_for")), ends_at=when(raw.get("scheduled_until")),
        url=_link(raw, base, mid),
        component_ids=_component_ids(raw.get("components")),
        text=updates[0].text if updates else "",
    )


def _component_ids(raw: Any) -> tuple[str, ...]:
    ids = [ident(c.get("id")) for c in dicts(raw)]
    return tuple(dict.fromkeys(i for i in ids if i))


def _impacts(raw: Any) -> tuple[ComponentImpact, ...]:
    """The states the incident lists for its components (Statuspage copies each component's
    current status into the incident); unreadable ones are left to the page's own state."""
    found = [ComponentImpact(ident(c.get("id")), component_state(c.get("status")))
             for c in dicts(raw)]
    return tuple(i for i in found if i.component_id and i.state is not State.UNKNOWN)


def _updates(raw: Any) -> tuple[Update, ...]:
    """Newest first (upstream already sends them so, but nothing promises it)."""
    updates = [
        Update(at=first_time(u, ("display_at", "created_at", "updated_at")),
               status=token(u.get("status")), text=html_to_text(u.get("body")))
        for u in dicts(raw)
    ]
    return tuple(sorted(updates, key=lambda u: u.at or OLDEST, reverse=True))
