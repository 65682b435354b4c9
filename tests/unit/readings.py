"""Small builders for Readings, so verdict and render tests read like tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from status_engine.model import (Component, Impact, Incident, IncidentStatus, Maintenance,
                                 MaintenanceStatus, Reading, State, Update)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def comp(name: str, state: State = State.OPERATIONAL, group: str | None = "ChatGPT",
         id: str | None = None) -> Component:
    return Component(id or f"{group}-{name}", name, state, group)


def incident(name: str = "Elevated errors", status: IncidentStatus = IncidentStatus.INVESTIGATING,
             component_ids: tuple[str, ...] = (), url: str | None = None,
             text: str = "We are investigating.") -> Incident:
    return Incident(f"inc-{name}", name, status, Impact.MAJOR, NOW - timedelta(minutes=30),
                    url=url, component_ids=component_ids,
                    updates=(Update(NOW - timedelta(minutes=5), status.value, text),))


def maintenance(status: MaintenanceStatus, starts_in: timedelta = timedelta(0),
                component_ids: tuple[str, ...] = ()) -> Maintenance:
    return Maintenance("m1", "Database upgrade", status, NOW + starts_in,
                       NOW + starts_in + timedelta(hours=1), component_ids=component_ids)


def reading(*components: Component, incidents: tuple[Incident, ...] = (),
            maintenances: tuple[Maintenance, ...] = (), fetched_at: datetime = NOW,
            indicator: State | None = None, components_known: bool = True) -> Reading:
    return Reading("statuspage", "https://status.example.com/api/v2/summary.json", fetched_at,
                   "Example", tuple(components), incidents, maintenances, indicator,
                   components_known)
