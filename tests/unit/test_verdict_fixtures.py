"""End to end without the network: each upstream fixture, parsed and decided, gives its verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sitebuild import FIXTURES
from status_engine import formats
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
    ("feed_open_and_resolved.atom", "partial_outage", 1, 1, None),
    ("feed_open_and_resolved.rss", "major_outage", 2, 0, None),
    ("feed_empty.atom", "operational", 0, 0, None),
]


@pytest.mark.parametrize("name, verdict, incidents, maintenances, others_hit", CASES)
def test_fixture_verdict(name, verdict, incidents, maintenances, others_hit):
    reading = formats.parse((FIXTURES / name).read_bytes(), None, name, NOW)
    status = decide(reading, CHATGPT, built_at=NOW, live=True)
    assert (status.verdict.value, status.freshness) == (verdict, "live"), status.notes
    assert len(status.incidents) == incidents
    if maintenances is not None:
        assert len(status.maintenances) == maintenances
    if others_hit is not None:
        assert any(g.state.value != "operational" for g in status.other_groups) is others_hit


def test_2025_sample_scoped_to_sora_is_degraded_and_chatgpt_is_not():
    raw = (FIXTURES / "incidentio_real_2025-04-08_sora_degraded.json").read_bytes()
    reading = formats.parse(raw, "application/json", "sample", NOW)
    assert decide(reading, CHATGPT, built_at=NOW, live=True).verdict.value == "operational"
    sora = decide(reading, Settings(scope_groups=("Sora",)), built_at=NOW, live=True)
    assert sora.verdict.value == "degraded"
    assert sora.incident.name.startswith("New users may experience temporary delays")
