"""True verdicts on the shapes upstream really sends (issue 9, items 2 to 5).

Unknown is not open; open incidents count; a missing key is not "fine"; a source without groups
is scoped by component ids learned from one that had them.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup

from readings import comp, incident, reading
from sitebuild import FIXTURES
from status_engine import engine, formats, store
from status_engine.errors import SettingsError, UpstreamError
from status_engine.model import (ComponentImpact, Impact, Incident, IncidentStatus, State,
                                 Update)
from status_engine.pages.status import banner_html
from status_engine.settings import Settings, settings_from_mapping
from status_engine.verdict import DISAGREE, decide

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CHATGPT = Settings(status_page="https://status.openai.com", history_sources=())


def json_source(path: Path, data: object) -> Settings:
    """Settings that read only `data`, written as JSON to `path`; no history source."""
    path.write_text(json.dumps(data))
    return Settings(sources=(str(path),), history_sources=())
# A feed's incident naming no component counts only for the whole page (test_feed_scope.py).
WHOLE_PAGE = Settings(scope_groups=(), scope_components=(), history_sources=())
SCHEMA = json.loads((engine.Path(engine.__file__).parent / "status.schema.json").read_text())
CONV, VOICE, LOGIN = ("01JMXC8Q4QHW9ZGN2G6XPY3XNG", "01JMXC8Q4Q5B2SXZ1E2ZHQYY48",
                      "01JMXC8Q4QTQ0RHBN5ZV7JXTD94")


def native(name: str = "incidentio_operational.json") -> dict:
    return json.loads((FIXTURES / name).read_text())


def parse(data: dict | bytes):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return formats.parse(body, "application/json", "test", NOW)


def unread(age: timedelta, component_ids=()) -> Incident:
    at = NOW - age
    return Incident("inc-x", "Something odd", IncidentStatus.UNKNOWN, Impact.UNKNOWN, at,
                    updated_at=at, component_ids=component_ids,
                    updates=(Update(at, "new_word", "?"),))


# -- 2. Unknown is not open ----------------------------------------------------------------

def test_a_recent_incident_of_unreadable_status_is_unknown_not_degraded_on_a_feed():
    r = reading(incidents=(unread(timedelta(hours=1)),), components_known=False)
    status = decide(r, CHATGPT, built_at=NOW, live=True)
    assert status.verdict is State.UNKNOWN
    assert status.incidents == r.incidents  # shown, as "status unknown"
    assert any("cannot read" in n for n in status.notes)


def test_an_unreadable_status_does_not_turn_operational_components_into_degraded():
    r = reading(comp("Conversations"), incidents=(unread(timedelta(hours=1)),))
    status = decide(r, CHATGPT, built_at=NOW, live=True)
    assert status.verdict is State.UNKNOWN and status.freshness == "live"


def test_readable_states_still_decide_beside_an_unreadable_incident():
    r = reading(comp("Conversations", State.PARTIAL_OUTAGE),
                incidents=(unread(timedelta(hours=1)),))
    assert decide(r, CHATGPT, built_at=NOW, live=True).verdict is State.PARTIAL_OUTAGE


def test_an_old_entry_of_unreadable_status_is_not_open_now():
    r = reading(incidents=(unread(timedelta(days=8)), incident(status=IncidentStatus.RESOLVED)),
                components_known=False)
    status = decide(r, CHATGPT, built_at=NOW, live=True)
    assert status.verdict is State.OPERATIONAL and status.incidents == ()


def test_an_old_incident_whose_status_says_open_stays_open():
    old = incident(status=IncidentStatus.MONITORING)
    old = Incident(old.id, old.name, old.status, old.impact, NOW - timedelta(days=40),
                   updates=(Update(NOW - timedelta(days=30), "monitoring", "x"),))
    status = decide(reading(incidents=(old,), components_known=False), WHOLE_PAGE,
                    built_at=NOW, live=True)
    assert status.verdict is State.DEGRADED


def test_the_open_age_is_a_setting():
    r = reading(incidents=(unread(timedelta(days=10)), incident(status=IncidentStatus.RESOLVED)),
                components_known=False)
    assert decide(r, CHATGPT, built_at=NOW, live=True).verdict is State.OPERATIONAL
    longer = Settings(open_age_days=30)
    assert decide(r, longer, built_at=NOW, live=True).verdict is State.UNKNOWN
    assert Settings().open_age_days == 7
    assert settings_from_mapping({"open_age_days": 3}).open_age == timedelta(days=3)


@pytest.mark.parametrize("value", [0, -1, 366, True, "7"])
def test_the_open_age_is_validated(value):
    with pytest.raises(SettingsError, match=r"^extra\.status\.open_age_days: must be a whole "
                                            r"number of days from 1 to 365, got "):
        settings_from_mapping({"open_age_days": value})


def test_a_feed_whose_every_status_is_unreadable_is_unknown_not_degraded():
    body = (FIXTURES / "feed_open_and_resolved.atom").read_bytes()
    body = body.replace(b"Status: ", b"Etat: ")
    status = decide(formats.parse(body, None, "feed", NOW), CHATGPT, built_at=NOW, live=True)
    assert status.verdict is State.UNKNOWN
    assert any("no entry of the feed" in n or "cannot read" in n for n in status.notes)


# -- 3. Open incidents count -----------------------------------------------------------------

def page_empty_incident_partial() -> dict:
    """The real shape of the issue: page-level affected_components empty, the open incident
    lists its components as partial_outage."""
    data = native("incidentio_partial_outage.json")
    data["summary"]["affected_components"] = []
    return data


def test_an_open_incident_raises_the_components_it_names():
    status = decide(parse(page_empty_incident_partial()), CHATGPT, built_at=NOW, live=True)
    assert status.verdict is State.PARTIAL_OUTAGE
    states = {c.name: c.state for c in status.scope}
    assert states["Conversations"] is State.PARTIAL_OUTAGE
    assert states["Voice mode"] is State.DEGRADED
    assert any(n.startswith(DISAGREE) and "Conversations" in n for n in status.notes)
    assert status.disagreement


def test_the_banner_never_says_operational_above_an_open_incident_in_scope():
    status = decide(parse(page_empty_incident_partial()), CHATGPT, built_at=NOW, live=True)
    soup = BeautifulSoup(banner_html(status, CHATGPT), "html.parser")
    banner = soup.find(attrs={"role": "status"})
    assert banner["data-status"] == "partial_outage"
    assert "Operational" not in banner.get_text()
    assert "Some users cannot load conversations" in banner.get_text()


def test_the_disagreement_is_in_status_json_and_in_the_log(tmp_path, caplog):
    settings = json_source(tmp_path / "native.json", page_empty_incident_partial())
    with caplog.at_level(logging.INFO, logger="status_engine"):
        result = engine.check(settings, cache_dir=tmp_path / "cache", now=lambda: NOW)
    assert result.snapshot["verdict"] == "partial_outage"
    assert result.snapshot["disagreement"] is True
    assert any(n.startswith(DISAGREE) for n in result.snapshot["notes"])
    assert any(r.levelno == logging.WARNING and DISAGREE in r.getMessage()
               for r in caplog.records)
    jsonschema.validate(result.snapshot, SCHEMA)
    # The last-known-good keeps the incident's impacts: the stale verdict is the same.
    again = engine.check(settings, cache_dir=tmp_path / "cache", offline=True,
                         now=lambda: NOW + timedelta(minutes=5))
    assert (again.snapshot["verdict"], again.snapshot["freshness"]) == ("partial_outage", "stale")


@pytest.mark.parametrize("end, expected", [
    (None, State.MAJOR_OUTAGE),
    (NOW + timedelta(hours=1), State.MAJOR_OUTAGE),
    (NOW - timedelta(hours=1), State.OPERATIONAL),
])
def test_component_impacts_count_until_they_end(end, expected):
    data = native("incidentio_incident_all_operational.json")
    data["summary"]["ongoing_incidents"][0]["component_impacts"] = [{
        "component_id": VOICE, "status": "full_outage", "start_at": "2026-11-27T10:00:00Z",
        **({"end_at": end.isoformat()} if end else {})}]
    assert decide(parse(data), CHATGPT, built_at=NOW, live=True).verdict is expected


def test_a_resolved_or_unreadable_incident_raises_nothing():
    base = reading(comp("Conversations", id="c1"))
    for status_ in (IncidentStatus.RESOLVED, IncidentStatus.UNKNOWN):
        inc = Incident("i", "x", status_, Impact.CRITICAL, NOW - timedelta(days=20),
                       updated_at=NOW - timedelta(days=20), component_ids=("c1",),
                       impacts=(ComponentImpact("c1", State.MAJOR_OUTAGE),))
        r = reading(*base.components, incidents=(inc,))
        assert decide(r, CHATGPT, built_at=NOW, live=True).verdict is State.OPERATIONAL


def test_statuspage_incident_components_count():
    data = json.loads((FIXTURES / "statuspage_operational.json").read_text())
    data["incidents"] = [{
        "id": "i1", "name": "Voice fails", "status": "identified", "impact": "major",
        "created_at": "2026-11-27T11:00:00Z", "incident_updates": [],
        "components": [{"id": "cmp-voice", "name": "Voice mode", "status": "major_outage"}]}]
    status = decide(parse(data), CHATGPT, built_at=NOW, live=True)
    assert status.verdict is State.MAJOR_OUTAGE
    assert [c.name for c in status.affected] == ["Voice mode"]


# -- 4. Missing is not fine ------------------------------------------------------------------

def test_a_native_payload_without_affected_components_is_not_read():
    data = native()
    del data["summary"]["affected_components"]
    with pytest.raises(UpstreamError, match="affected_components"):
        parse(data)


def test_without_affected_components_the_next_source_answers(tmp_path, caplog):
    data = native("incidentio_partial_outage.json")
    del data["summary"]["affected_components"]
    first, second = tmp_path / "native.json", tmp_path / "summary.json"
    first.write_text(json.dumps(data))
    second.write_bytes((FIXTURES / "statuspage_degraded.json").read_bytes())
    settings = Settings(sources=(str(first), str(second)), history_sources=())
    with caplog.at_level(logging.WARNING, logger="status_engine"):
        result = engine.check(settings, cache_dir=tmp_path / "cache", now=lambda: NOW)
    assert result.snapshot["source"] == str(second) and result.snapshot["verdict"] == "degraded"
    assert any("affected_components" in r.getMessage() for r in caplog.records)


def test_without_affected_components_and_no_fallback_the_verdict_is_unknown(tmp_path):
    data = native()
    del data["summary"]["affected_components"]
    settings = json_source(tmp_path / "native.json", data)
    result = engine.check(settings, cache_dir=tmp_path / "cache", now=lambda: NOW)
    assert result.snapshot["verdict"] == "unknown"
    assert "affected_components" in " ".join(result.snapshot["notes"])


# -- 5. Scope without groups -----------------------------------------------------------------

def groupless_summary(voice: str = "major_outage") -> dict:
    """OpenAI's /api/v2/summary.json of 2026: components with the native ids, no group fields."""
    names = {CONV: "Conversations", LOGIN: "Login", VOICE: "Voice mode",
             "01JMXBRMFE4MAP2BHSJNZ787WX": "Images"}
    return {"page": {"id": "p", "name": "OpenAI", "url": "https://status.openai.com"},
            "status": {"indicator": "major", "description": "Partial System Outage"},
            "components": [{"id": cid, "name": name,
                            "status": voice if cid == VOICE else "operational"}
                           for cid, name in names.items()]}


def test_a_source_without_groups_is_scoped_by_ids_learned_from_the_native_json(tmp_path, caplog):
    native_file = tmp_path / "native.json"
    native_file.write_bytes((FIXTURES / "incidentio_operational.json").read_bytes())
    cache = tmp_path / "cache"
    first = engine.check(Settings(sources=(str(native_file),), history_sources=()),
                         cache_dir=cache, now=lambda: NOW)
    assert first.snapshot["component_groups"][VOICE] == "ChatGPT"
    assert store.load_learned(cache)[0][CONV] == "ChatGPT"
    # A later build where only the group-less summary answers still scopes ChatGPT.
    later = json_source(tmp_path / "summary.json", groupless_summary())
    result = engine.check(later, cache_dir=cache, now=lambda: NOW + timedelta(minutes=10))
    assert result.snapshot["verdict"] == "major_outage"
    in_scope = {c["name"] for c in result.snapshot["components"] if c["in_scope"]}
    assert in_scope == {"Conversations", "Login", "Voice mode"}
    # ...and keeps the mapping for the build after it.
    assert result.snapshot["component_groups"][VOICE] == "ChatGPT"
    again = engine.check(later, cache_dir=cache, now=lambda: NOW + timedelta(minutes=20))
    assert again.snapshot["verdict"] == "major_outage"


def test_nothing_learned_and_no_groups_is_said_in_one_line(tmp_path, caplog):
    settings = json_source(tmp_path / "summary.json", groupless_summary())
    with caplog.at_level(logging.WARNING, logger="status_engine"):
        result = engine.check(settings, cache_dir=tmp_path / "cache", now=lambda: NOW)
    assert result.snapshot["verdict"] == "unknown"
    lines = [r.getMessage() for r in caplog.records if "unusable, the source has no groups"
             in r.getMessage() and "verdict unknown" not in r.getMessage()]
    assert len(lines) == 1 and "\n" not in lines[0] and "ChatGPT" in lines[0]


def test_scope_components_names_scope_a_source_without_groups():
    settings = Settings(scope_groups=("ChatGPT",), scope_components=("Voice mode", "Login"))
    status = decide(parse(groupless_summary()), settings, built_at=NOW, live=True)
    assert status.verdict is State.MAJOR_OUTAGE
    assert {c.name for c in status.scope} == {"Voice mode", "Login"}


def test_learned_groups_never_override_a_source_that_has_groups():
    wrong = {CONV: "APIs", LOGIN: "APIs", VOICE: "APIs"}
    status = decide(parse(native("incidentio_partial_outage.json")), CHATGPT, built_at=NOW,
                    live=True, learned=wrong)
    assert status.verdict is State.PARTIAL_OUTAGE
    assert dict(status.component_groups)[CONV] == "ChatGPT"


def test_a_corrupt_learned_mapping_is_ignored(tmp_path):
    (tmp_path / store.LAST_KNOWN_GOOD).write_text('{"component_groups": ["not", "a", "map"]}')
    assert store.load_learned(tmp_path)[0] == {}
    (tmp_path / store.LAST_KNOWN_GOOD).write_text("{broken")
    assert store.load_learned(tmp_path)[0] == {}
