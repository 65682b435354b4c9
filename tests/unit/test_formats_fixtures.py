"""Every fixture in tests/fixtures parses to the components, incidents and maintenances it shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from status_engine.formats import parse
from status_engine.model import Impact, IncidentStatus as IS, MaintenanceStatus as MS, Reading
from status_engine.model import State

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)

# incident.io fixture ids (see tests/fixtures/README.md)
CONV, LOGIN, VOICE = ("01JMXC8Q4QHW9ZGN2G6XPY3XNG", "01JMXC8Q4QTQ0RHBN5ZV7JXTD94",
                      "01JMXC8Q4Q5B2SXZ1E2ZHQYY48")
IMAGES, API_LOGIN = "01JMXBRMFE4MAP2BHSJNZ787WX", "01JSM5RTJWHRWDTS6Q604VEW3B"
IO_URL = "https://status.openai.com/incidents/"


@dataclass
class Expect:
    format: str
    indicator: State | None
    # id -> (state, group) for every component that is not operational
    states: dict[str, tuple[State, str | None]] = field(default_factory=dict)
    incidents: list[tuple[str, IS, Impact, str | None]] = field(default_factory=list)
    maintenances: list[tuple[str, MS]] = field(default_factory=list)
    count: int | None = None  # number of components, when it matters


def io(**kw) -> Expect:
    return Expect("incidentio", None, count=7, **kw)


def sp(indicator: State, **kw) -> Expect:
    return Expect("statuspage", indicator, count=6, **kw)


CASES = {
    "incidentio_operational.json": io(),
    "incidentio_degraded.json": io(
        states={CONV: (State.DEGRADED, "ChatGPT")},
        incidents=[("01K9DEGRADED0000000000001", IS.IDENTIFIED, Impact.MINOR,
                    IO_URL + "01K9DEGRADED0000000000001")]),
    "incidentio_partial_outage.json": io(
        states={CONV: (State.PARTIAL_OUTAGE, "ChatGPT"), VOICE: (State.DEGRADED, "ChatGPT")},
        incidents=[("01K9PARTIAL00000000000001", IS.INVESTIGATING, Impact.MAJOR,
                    IO_URL + "01K9PARTIAL00000000000001")]),
    "incidentio_major_outage.json": io(
        states={CONV: (State.MAJOR_OUTAGE, "ChatGPT"), LOGIN: (State.MAJOR_OUTAGE, "ChatGPT")},
        incidents=[("01K9MAJOR0000000000000001", IS.INVESTIGATING, Impact.CRITICAL,
                    IO_URL + "01K9MAJOR0000000000000001")]),
    "incidentio_maintenance_in_progress.json": io(
        states={VOICE: (State.MAINTENANCE, "ChatGPT")},
        maintenances=[("01K9MAINTPROGRESS0000001", MS.IN_PROGRESS)]),
    "incidentio_maintenance_scheduled.json": io(
        maintenances=[("01K9MAINTSCHEDULED000001", MS.SCHEDULED)]),
    "incidentio_incident_all_operational.json": io(
        incidents=[("01K9ALLOPERATIONAL000001", IS.MONITORING, Impact.NONE,
                    IO_URL + "01K9ALLOPERATIONAL000001")]),
    "incidentio_images_only.json": io(
        states={IMAGES: (State.DEGRADED, "APIs")},
        incidents=[("01K9IMAGESONLY0000000001", IS.INVESTIGATING, Impact.MINOR,
                    IO_URL + "01K9IMAGESONLY0000000001")]),
    "incidentio_unknown_enums.json": io(
        states={CONV: (State.UNKNOWN, "ChatGPT"), LOGIN: (State.DEGRADED, "ChatGPT")},
        incidents=[("01K9UNKNOWN0000000000001", IS.UNKNOWN, Impact.MINOR,
                    IO_URL + "01K9UNKNOWN0000000000001")],
        maintenances=[("01K9UNKNOWNMAINT00000001", MS.UNKNOWN)]),
    "incidentio_real_2025-04-08_sora_degraded.json": Expect(
        "incidentio", None, count=37,
        states={"01JMXCAX0QN2ZHVMS54EEN1HXB": (State.DEGRADED, "Sora")},
        incidents=[("01JRB888M6TJVDDKGCA1YZ3ZHT", IS.MONITORING, Impact.MINOR,
                    IO_URL + "01JRB888M6TJVDDKGCA1YZ3ZHT")]),
    "incidentio_real_2026-09_operational.json": Expect("incidentio", None, count=34),
    "statuspage_operational.json": sp(State.OPERATIONAL),
    "statuspage_degraded.json": sp(
        State.DEGRADED, states={"cmp-conversations": (State.DEGRADED, "ChatGPT")},
        incidents=[("inc-degraded", IS.IDENTIFIED, Impact.MINOR, "https://stspg.io/inc-degraded")]),
    "statuspage_partial_outage.json": sp(
        State.PARTIAL_OUTAGE, states={"cmp-conversations": (State.PARTIAL_OUTAGE, "ChatGPT"),
                                      "cmp-voice": (State.DEGRADED, "ChatGPT")},
        incidents=[("inc-partial", IS.INVESTIGATING, Impact.MAJOR, "https://stspg.io/inc-partial")]),
    "statuspage_major_outage.json": sp(
        State.MAJOR_OUTAGE, states={"cmp-conversations": (State.MAJOR_OUTAGE, "ChatGPT"),
                                    "cmp-login": (State.MAJOR_OUTAGE, "ChatGPT")},
        incidents=[("inc-major", IS.INVESTIGATING, Impact.CRITICAL, IO_URL + "inc-major")]),
    "statuspage_maintenance_in_progress.json": sp(
        State.MAINTENANCE, states={"cmp-voice": (State.MAINTENANCE, "ChatGPT")},
        maintenances=[("mnt-progress", MS.IN_PROGRESS)]),
    "statuspage_maintenance_scheduled.json": sp(
        State.OPERATIONAL, maintenances=[("mnt-scheduled", MS.SCHEDULED)]),
    "statuspage_incident_indicator_none.json": sp(
        State.OPERATIONAL,
        incidents=[("inc-none", IS.MONITORING, Impact.NONE, "https://stspg.io/inc-none")]),
    "statuspage_images_only.json": sp(
        State.DEGRADED, states={"cmp-images": (State.DEGRADED, "APIs")},
        incidents=[("inc-images", IS.INVESTIGATING, Impact.MINOR, "https://stspg.io/inc-images")]),
    "statuspage_unknown_enums.json": sp(
        State.UNKNOWN, states={"cmp-conversations": (State.UNKNOWN, "ChatGPT"),
                               "cmp-login": (State.DEGRADED, "ChatGPT")},
        incidents=[("inc-unknown", IS.UNKNOWN, Impact.UNKNOWN, "https://stspg.io/inc-unknown")],
        maintenances=[("mnt-unknown", MS.UNKNOWN)]),
    "statuspage_incidentio_compat.json": sp(
        State.DEGRADED, states={"cmp-images": (State.DEGRADED, "APIs")}),
    "feed_open_and_resolved.atom": Expect(
        "feed", None, count=3,
        states={"Conversations": (State.DEGRADED, None), "Login": (State.PARTIAL_OUTAGE, None),
                "Voice mode": (State.MAINTENANCE, None)},
        incidents=[("01K9FEEDOPEN000000000001", IS.INVESTIGATING, Impact.MAJOR,
                    IO_URL + "01K9FEEDOPEN000000000001"),
                   ("01K9FEEDRESOLVED00000001", IS.RESOLVED, Impact.NONE,
                    IO_URL + "01K9FEEDRESOLVED00000001")],
        maintenances=[("01K9FEEDMAINTPROGRESS001", MS.IN_PROGRESS),
                      ("01K9FEEDMAINTDONE0000001", MS.COMPLETED)]),
    "feed_open_and_resolved.rss": Expect(
        "feed", None, count=3,
        states={"Connectors/Apps": (State.DEGRADED, None),
                "Mobile (iOS)": (State.MAJOR_OUTAGE, None),
                "File uploads": (State.DEGRADED, None)},
        incidents=[("01K9RSSOPEN0000000000001", IS.IDENTIFIED, Impact.CRITICAL,
                    IO_URL + "01K9RSSOPEN0000000000001"),
                   ("01K9RSSMONITORING0000001", IS.MONITORING, Impact.MINOR,
                    IO_URL + "01K9RSSMONITORING0000001"),
                   ("01K9RSSRESOLVED000000001", IS.RESOLVED, Impact.NONE,
                    IO_URL + "01K9RSSRESOLVED000000001")]),
    "feed_empty.atom": Expect("feed", None, count=0),
}


def read(name: str, content_type: str | None = None) -> Reading:
    return parse((FIXTURES / name).read_bytes(), content_type, f"fixture:{name}", NOW)


def test_every_good_fixture_has_a_case() -> None:
    good = {p.name for p in FIXTURES.iterdir()
            if p.suffix in (".json", ".atom", ".rss") and not p.name.startswith("bad_")
            and "hostile" not in p.name}
    assert good == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_reading(name: str) -> None:
    expect, reading = CASES[name], read(name)
    assert (reading.format, reading.indicator) == (expect.format, expect.indicator)
    assert reading.components_known is (expect.format != "feed")
    assert reading.source == f"fixture:{name}" and reading.fetched_at == NOW
    if expect.count is not None:
        assert len(reading.components) == expect.count
    assert len({c.id for c in reading.components}) == len(reading.components)
    not_ok = {c.id: (c.state, c.group) for c in reading.components
              if c.state is not State.OPERATIONAL}
    assert not_ok == expect.states
    assert [(i.id, i.status, i.impact, i.url) for i in reading.incidents] == expect.incidents
    assert [(m.id, m.status) for m in reading.maintenances] == expect.maintenances


def test_incidentio_groups_hidden_and_repeated_names() -> None:
    reading = read("incidentio_operational.json")
    by_id = {c.id: c for c in reading.components}
    assert by_id[LOGIN].group == "ChatGPT" and by_id[API_LOGIN].group == "APIs"
    assert by_id[LOGIN].name == by_id[API_LOGIN].name == "Login"
    assert by_id["01JMDK9XYNGWKNFAQ12VC4SPQH"].group is None  # top-level Playground
    names = {c.name for c in reading.components}
    assert "Hidden component" not in names and "Internal" not in names


def test_incidentio_incident_details() -> None:
    incident = read("incidentio_degraded.json").incidents[0]
    # the back-dated impact (00:55-07:00) is earlier than publication (08:12Z): it is the start
    assert incident.started_at == datetime(2026, 9, 10, 7, 55, tzinfo=UTC)
    assert incident.component_ids == (CONV,)
    assert [u.status for u in incident.updates] == ["identified", "investigating"]
    assert incident.updates[0].text.startswith("We have identified the cause")
    assert incident.updated_at == incident.updates[0].at
    assert incident.name == "Elevated errors in ChatGPT conversations"


def test_incidentio_2026_message_shape_without_message_string() -> None:
    update = read("incidentio_major_outage.json").incidents[0].updates[0]
    assert update.text == "ChatGPT is unavailable for all users.\n• Web\n• Mobile"


def test_real_2025_sample_sora_degraded_with_prosemirror_update() -> None:
    reading = read("incidentio_real_2025-04-08_sora_degraded.json")
    sora = [c for c in reading.components if c.group == "Sora"]
    assert [c.name for c in sora if c.state is State.DEGRADED] == ["Video generation"]
    incident = reading.incidents[0]
    assert incident.started_at == datetime(2025, 4, 1, 6, 30, tzinfo=UTC)
    assert incident.updates[0].text.startswith("New users may experience temporary delays")
    chatgpt = {c.name for c in reading.components if c.group == "ChatGPT"}
    assert {"Login", "Web", "Voice mode"} <= chatgpt


def test_real_2026_sample_all_operational() -> None:
    reading = read("incidentio_real_2026-09_operational.json")
    assert {c.state for c in reading.components} == {State.OPERATIONAL}
    groups = {c.group for c in reading.components}
    assert groups == {"APIs", "ChatGPT", "Codex", "FedRAMP", "Ads Platform"}
    # today's "Conversations" keeps the id of 2025's "Web": ids, not names, are stable
    web_2025 = next(
        c.id for c in read("incidentio_real_2025-04-08_sora_degraded.json").components
        if c.name == "Web")
    assert next(c.name for c in reading.components if c.id == web_2025) == "Conversations"
    assert reading.incidents == () and reading.maintenances == ()


def test_maintenance_windows() -> None:
    io_m = read("incidentio_maintenance_scheduled.json").maintenances[0]
    sp_m = read("statuspage_maintenance_scheduled.json").maintenances[0]
    for m in (io_m, sp_m):
        assert m.starts_at == datetime(2026, 9, 12, 2, 0, tzinfo=UTC)
        assert m.ends_at == datetime(2026, 9, 12, 4, 0, tzinfo=UTC)
        assert m.text.startswith("We will upgrade a database")
    assert io_m.component_ids == (CONV,) and sp_m.component_ids == ("cmp-conversations",)


def test_statuspage_groups_are_not_components_and_html_bodies_become_text() -> None:
    reading = read("statuspage_degraded.json")
    assert {"grp-chatgpt", "grp-apis"}.isdisjoint(c.id for c in reading.components)
    playground = next(c for c in reading.components if c.id == "cmp-playground")
    assert playground.group is None
    update = reading.incidents[0].updates[0]
    assert update.text == ("We have identified the cause.\n"
                           "A fix is rolling out & errors are dropping.")
    assert update.at == datetime(2026, 9, 10, 9, 40, 0, 970000, tzinfo=UTC)
    assert reading.incidents[0].updates[1].at == datetime(2026, 9, 10, 8, 10, tzinfo=UTC)


def test_incidentio_compat_infers_groups_from_group_id() -> None:
    reading = read("statuspage_incidentio_compat.json")
    assert {c.group for c in reading.components} == {"ChatGPT", "APIs", None}
    assert reading.incidents == () and reading.maintenances == ()


def test_feed_entries() -> None:
    reading = read("feed_open_and_resolved.atom")
    assert reading.page_name == "OpenAI status"
    first = reading.incidents[0]
    assert first.component_ids == ("Conversations", "Login")
    assert first.updates[0].status == "investigating"
    # the status line and the component list are not part of the prose; a later "status" is
    assert first.updates[0].text == ("We are investigating elevated errors & slow replies. "
                                     "We will post another status update in 30 minutes.")
    assert first.started_at == datetime(2026, 9, 10, 8, 5, tzinfo=UTC)
    assert first.updated_at == datetime(2026, 9, 10, 9, 40, 0, 801578, tzinfo=UTC)
    resolved = reading.incidents[1]
    assert resolved.resolved_at == datetime(2026, 9, 9, 7, 2, 11, 500000, tzinfo=UTC)
    assert first.resolved_at is None


def test_rss_dates_and_content_encoded_fallback() -> None:
    reading = read("feed_open_and_resolved.rss")
    starts = [i.started_at for i in reading.incidents]
    assert starts == [datetime(2026, 9, 10, 8, 59, 10, tzinfo=UTC),
                      datetime(2026, 9, 10, 7, 0, tzinfo=UTC),
                      datetime(2026, 9, 9, 5, 41, 4, tzinfo=UTC)]
    monitoring = reading.incidents[1]
    assert monitoring.updates[0].text == "A fix is in place and we are monitoring the recovery."


@pytest.mark.parametrize("name, complete", [
    ("incidentio_operational.json", True),     # ongoing_incidents: [] lists every one: none
    ("incidentio_degraded.json", True),
    ("statuspage_degraded.json", False),       # a summary's list may be cut or missing
    ("statuspage_incidentio_compat.json", False),
    ("feed_open_and_resolved.atom", False),    # a feed holds the latest entries only
])
def test_only_incident_io_says_its_incident_list_is_complete(name, complete):
    reading = parse((FIXTURES / name).read_bytes(), None, name, NOW)
    assert reading.incidents_complete is complete


def test_incident_io_without_an_ongoing_list_is_not_complete():
    body = (FIXTURES / "incidentio_operational.json").read_text()
    body = body.replace('"ongoing_incidents"', '"ongoing_incidents_renamed"')
    reading = parse(body.encode(), None, "x", NOW)
    assert reading.incidents_complete is False
