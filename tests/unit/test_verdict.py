"""Verdict rules, table-driven: scope, worst state, incidents, maintenance, freshness."""

from __future__ import annotations

from datetime import timedelta

import pytest

from readings import NOW, comp, incident, maintenance, reading
from status_engine.model import IncidentStatus, MaintenanceStatus, State
from status_engine.settings import Settings
from status_engine.verdict import decide

SETTINGS = Settings()
S = State


@pytest.mark.parametrize("chatgpt, other, expected", [
    ([S.OPERATIONAL, S.OPERATIONAL], S.OPERATIONAL, S.OPERATIONAL),
    ([S.OPERATIONAL, S.DEGRADED], S.OPERATIONAL, S.DEGRADED),
    ([S.PARTIAL_OUTAGE, S.DEGRADED], S.OPERATIONAL, S.PARTIAL_OUTAGE),
    ([S.MAJOR_OUTAGE, S.PARTIAL_OUTAGE], S.OPERATIONAL, S.MAJOR_OUTAGE),
    ([S.MAINTENANCE, S.OPERATIONAL], S.OPERATIONAL, S.MAINTENANCE),
    # The API group is on fire, ChatGPT is fine: "operational" (README, "How the status works").
    ([S.OPERATIONAL, S.OPERATIONAL], S.MAJOR_OUTAGE, S.OPERATIONAL),
    # One value we cannot read does not hide an outage, nor invent one.
    ([S.UNKNOWN, S.DEGRADED], S.OPERATIONAL, S.DEGRADED),
    ([S.UNKNOWN, S.OPERATIONAL], S.OPERATIONAL, S.UNKNOWN),
])
def test_worst_state_in_scope(chatgpt, other, expected):
    components = [comp(f"c{i}", s) for i, s in enumerate(chatgpt)]
    components.append(comp("Images", other, group="APIs"))
    status = decide(reading(*components), SETTINGS, built_at=NOW, live=True)
    assert status.verdict is expected
    assert status.freshness == "live"
    assert [c.name for c in status.scope] == [c.name for c in components[:-1]]


def test_page_indicator_is_not_the_verdict():
    r = reading(comp("Conversations"), comp("Images", S.PARTIAL_OUTAGE, "APIs"),
                indicator=S.PARTIAL_OUTAGE)
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    assert status.verdict is S.OPERATIONAL
    assert [(g.name, g.state) for g in status.other_groups] == [("APIs", S.PARTIAL_OUTAGE)]


def test_open_incident_shown_when_everything_says_fine():
    r = reading(comp("Conversations"), indicator=S.OPERATIONAL,
                incidents=(incident("Login errors"),
                           incident("Old one", IncidentStatus.RESOLVED)))
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    assert status.verdict is S.OPERATIONAL
    assert [i.name for i in status.incidents] == ["Login errors"]


def test_incidents_in_scope_come_first():
    chat, api = comp("Conversations", S.DEGRADED), comp("Images", S.DEGRADED, "APIs")
    r = reading(chat, api, incidents=(incident("API", component_ids=(api.id,)),
                                      incident("Chat", component_ids=(chat.id,))))
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    assert status.incident.name == "Chat"
    assert [i.name for i in status.incidents] == ["Chat", "API"]


def test_scope_matching_nothing_is_unknown_with_a_reason():
    r = reading(comp("Images", S.OPERATIONAL, "APIs"))
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    assert status.verdict is S.UNKNOWN and status.freshness == "unknown"
    assert "scope" in status.notes[-1] and "APIs" in status.notes[-1]


def test_scope_by_component_name_or_id_and_empty_scope_means_all():
    r = reading(comp("Login", S.MAJOR_OUTAGE, "APIs", id="x1"), comp("Web", group=None))
    by_name = Settings(scope_groups=(), scope_components=("login",))
    by_id = Settings(scope_groups=(), scope_components=("x1",))
    everything = Settings(scope_groups=(), scope_components=())
    for settings in (by_name, by_id, everything):
        assert decide(r, settings, built_at=NOW, live=True).verdict is S.MAJOR_OUTAGE


@pytest.mark.parametrize("status_, starts_in, expected_verdict, shown", [
    (MaintenanceStatus.IN_PROGRESS, timedelta(0), S.MAINTENANCE, True),
    (MaintenanceStatus.SCHEDULED, timedelta(days=2), S.OPERATIONAL, True),
    (MaintenanceStatus.SCHEDULED, timedelta(days=30), S.OPERATIONAL, False),
    (MaintenanceStatus.COMPLETED, timedelta(hours=-3), S.OPERATIONAL, False),
])
def test_maintenance(status_, starts_in, expected_verdict, shown):
    r = reading(comp("Conversations"), maintenances=(maintenance(status_, starts_in),))
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    assert status.verdict is expected_verdict
    assert bool(status.maintenances) is shown


def test_maintenance_of_another_group_is_not_ours():
    api = comp("Images", group="APIs")
    r = reading(comp("Conversations"), api, maintenances=(
        maintenance(MaintenanceStatus.IN_PROGRESS, component_ids=(api.id,)),))
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    assert status.verdict is S.OPERATIONAL and not status.maintenances


@pytest.mark.parametrize("age_minutes, live, freshness, verdict", [
    (0, True, "live", S.DEGRADED),
    (59, False, "stale", S.DEGRADED),
    (60, False, "stale", S.DEGRADED),
    (61, False, "unknown", S.UNKNOWN),
    (600, False, "unknown", S.UNKNOWN),
])
def test_freshness(age_minutes, live, freshness, verdict):
    r = reading(comp("Conversations", S.DEGRADED), fetched_at=NOW - timedelta(minutes=age_minutes))
    status = decide(r, SETTINGS, built_at=NOW, live=live)
    assert (status.freshness, status.verdict) == (freshness, verdict)
    if freshness == "unknown":
        assert status.reading is None and "60-minute" in status.notes[-1]
    else:
        assert status.age_seconds == age_minutes * 60


def test_no_reading_is_unknown():
    status = decide(None, SETTINGS, built_at=NOW, live=False)
    assert (status.verdict, status.freshness, status.checked_at) == (S.UNKNOWN, "unknown", None)


@pytest.mark.parametrize("whole, listed, open_, expected", [
    (True, (), False, S.OPERATIONAL),
    (True, (), True, S.DEGRADED),  # an open incident naming no component is not "operational"
    (True, (S.PARTIAL_OUTAGE,), True, S.PARTIAL_OUTAGE),
    # The ChatGPT scope cannot place a component no reading with groups named, nor tell
    # whether an incident naming none is ChatGPT's: unknown, never the API's outage.
    (False, (), False, S.OPERATIONAL),
    (False, (), True, S.UNKNOWN),
    (False, (S.PARTIAL_OUTAGE,), True, S.UNKNOWN),
])
def test_feed_reading_decides_from_open_incidents(whole, listed, open_, expected):
    components = tuple(comp(f"c{i}", s, group=None, id=f"c{i}") for i, s in enumerate(listed))
    incidents = ((incident(component_ids=tuple(c.id for c in components)),) if open_
                 else (incident(status=IncidentStatus.RESOLVED),))
    r = reading(*components, incidents=incidents, components_known=False)
    settings = Settings(scope_groups=(), scope_components=()) if whole else SETTINGS
    status = decide(r, settings, built_at=NOW, live=True)
    assert status.verdict is expected
    assert any("feed" in n for n in status.notes)


def test_a_scope_of_unreadable_states_is_unknown_not_operational():
    r = reading(comp("a", S.UNKNOWN), comp("b", S.UNKNOWN), comp("Images", group="APIs"))
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    assert (status.verdict, status.freshness) == (S.UNKNOWN, "unknown")
    assert "cannot read" in status.notes[-1]
