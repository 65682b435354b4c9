"""End to end without the network: each upstream fixture, parsed and decided, gives its verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sitebuild import FIXTURES
from status_engine import formats
from status_engine.scope import group_names_of
from status_engine.settings import Settings
from status_engine.verdict import decide

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CHATGPT = Settings()

CASES = [
    # fixture, verdict, open incidents shown, maintenances shown, other groups worse than fine
    ("incidentio_operational.json", "operational", 0, 0, False),
    ("incidentio_degraded.json", "degraded", 1, 0, False),
    ("incidentio_partial_outage.json", "partial_outage", 1, 0, False),
    ("incidentio_major_outage.json", "major_outage", 1, 0, False),
    ("incidentio_maintenance_in_progress.json", "maintenance", 0, 1, False),
    ("incidentio_incident_all_operational.json", "operational", 1, 0, False),
    ("incidentio_images_only.json", "operational", 1, 0, True),
    ("incidentio_unknown_enums.json", "degraded", 1, None, False),
    ("incidentio_real_2026-09_operational.json", "operational", 0, 0, False),
    ("statuspage_operational.json", "operational", 0, 0, False),
    ("statuspage_degraded.json", "degraded", 1, 0, False),
    ("statuspage_partial_outage.json", "partial_outage", 1, 0, False),
    ("statuspage_major_outage.json", "major_outage", 1, 0, False),
    ("statuspage_maintenance_in_progress.json", "maintenance", 0, 1, False),
    ("statuspage_incident_indicator_none.json", "operational", 1, 0, False),
    ("statuspage_images_only.json", "operational", 1, 0, True),
    ("statuspage_incidentio_compat.json", "operational", 0, 0, None),
    # A feed under the ChatGPT scope, with the names learned from the real native capture:
    # Conversations is ChatGPT's (degraded); Login is in APIs and ChatGPT (ambiguous, so its
    # partial outage cannot be placed); Mobile (iOS) is on no native reading (its major outage
    # cannot be placed either); Connectors/Apps and File uploads are ChatGPT's (degraded).
    ("feed_open_and_resolved.atom", "degraded", 1, 1, None),
    ("feed_open_and_resolved.rss", "degraded", 2, 0, None),
    ("feed_empty.atom", "operational", 0, 0, None),
]


def native_names() -> dict[str, tuple[str, ...]]:
    """Component names -> groups, learned from the native fixture of the same page: a feed
    names components without groups, so the ChatGPT scope places them by these names."""
    name = "incidentio_real_2026-09_operational.json"
    reading = formats.parse((FIXTURES / name).read_bytes(), None, name, NOW)
    return dict(group_names_of(reading))


@pytest.mark.parametrize("name, verdict, incidents, maintenances, others_hit", CASES)
def test_fixture_verdict(name, verdict, incidents, maintenances, others_hit):
    reading = formats.parse((FIXTURES / name).read_bytes(), None, name, NOW)
    names = native_names() if name.startswith("feed_") else None
    status = decide(reading, CHATGPT, built_at=NOW, live=True, learned_names=names)
    assert (status.verdict.value, status.freshness) == (verdict, "live"), status.notes
    assert len(status.incidents) == incidents
    if maintenances is not None:
        assert len(status.maintenances) == maintenances
    if others_hit is not None:
        assert any(g.state.value != "operational" for g in status.other_groups) is others_hit


@pytest.mark.parametrize("name, whole_page", [
    ("feed_open_and_resolved.atom", "partial_outage"),
    ("feed_open_and_resolved.rss", "major_outage"),
    ("feed_hostile.atom", "degraded"),
    ("feed_hostile.rss", "major_outage"),
])
def test_a_feed_on_a_fresh_cache_cannot_answer_for_chatgpt(name, whole_page):
    """No name learned yet: the ChatGPT scope cannot place what the open entries name."""
    reading = formats.parse((FIXTURES / name).read_bytes(), None, name, NOW)
    status = decide(reading, CHATGPT, built_at=NOW, live=True)
    assert status.verdict.value == "unknown", status.notes
    everything = Settings(scope_groups=(), scope_components=())
    assert decide(reading, everything, built_at=NOW, live=True).verdict.value == whole_page


def test_2025_sample_scoped_to_sora_is_degraded_and_chatgpt_is_not():
    raw = (FIXTURES / "incidentio_real_2025-04-08_sora_degraded.json").read_bytes()
    reading = formats.parse(raw, "application/json", "sample", NOW)
    assert decide(reading, CHATGPT, built_at=NOW, live=True).verdict.value == "operational"
    sora = decide(reading, Settings(scope_groups=("Sora",)), built_at=NOW, live=True)
    assert sora.verdict.value == "degraded"
    assert sora.incident.name.startswith("New users may experience temporary delays")
