"""The history merge as a table: new, updated, resolved, dropped upstream, duplicate, clock skew,
out of order; and the history file's round trip, corruption and schema."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from status_engine.history import store as history_store
from status_engine.history.merge import merge
from status_engine.history.model import History
from status_engine.model import Component, Impact, Incident, IncidentStatus, Reading, State, Update

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
OPEN, RESOLVED = IncidentStatus.INVESTIGATING, IncidentStatus.RESOLVED
SCHEMA = json.loads(history_store.SCHEMA.read_text())


def inc(iid="a", status=OPEN, at=T0, text="Investigating.", comps=("c1",), started=None,
        impact=Impact.MAJOR, name="Chat errors"):
    return Incident(iid, name, status, impact, started or T0 - 30 * MIN,
                    url=f"https://status.example.com/incidents/{iid}",
                    resolved_at=None if status.is_open else at, updated_at=at,
                    component_ids=comps, updates=(Update(at, status.value, text),))


def read(*incidents, at=T0, fmt="incidentio", state=State.PARTIAL_OUTAGE):
    return Reading(fmt, "https://status.example.com/x", at,
                   components=(Component("c1", "Conversations", state, "ChatGPT"),),
                   incidents=incidents)


def run(*readings):
    history = History()
    for r in readings:
        history, _ = merge(history, [r], r.fetched_at)
    return history


# Each row: the readings, one build each, in order; then what the kept entry "a" must say.
CASES = {
    "new": ([read(inc())], OPEN, "Investigating."),
    "updated": ([read(inc()), read(inc(status=IncidentStatus.IDENTIFIED, at=T0 + 10 * MIN,
                                       text="Found it."), at=T0 + 11 * MIN)],
                IncidentStatus.IDENTIFIED, "Found it."),
    "resolved": ([read(inc()), read(inc(status=RESOLVED, at=T0 + 60 * MIN, text="Fixed."),
                                    at=T0 + 61 * MIN)], RESOLVED, "Fixed."),
    "out of order (older update arrives later)": (
        [read(inc(status=RESOLVED, at=T0 + 60 * MIN, text="Fixed."), at=T0 + 61 * MIN),
         read(inc(at=T0, text="Investigating."), at=T0 + 62 * MIN)], RESOLVED, "Fixed."),
    "duplicate at the same time: resolution wins": (
        [read(inc(status=RESOLVED, text="Fixed.")), read(inc(text="Investigating."))],
        RESOLVED, "Fixed."),
    "duplicate at the same time, open then resolved: resolution wins": (
        [read(inc(text="Investigating.")), read(inc(status=RESOLVED, text="Fixed."))],
        RESOLVED, "Fixed."),
    "clock skew: a far-future update does not win over a later real one": (
        [read(inc(at=T0 + timedelta(days=365), text="Skewed.")),
         read(inc(status=RESOLVED, at=T0 + 30 * MIN, text="Fixed."), at=T0 + 31 * MIN)],
        RESOLVED, "Fixed."),
    "clock skew within tolerance is trusted": (
        [read(inc(status=RESOLVED, at=T0 + 4 * MIN, text="Fixed.")),
         read(inc(at=T0 + 3 * MIN, text="Investigating."), at=T0 + 5 * MIN)],
        RESOLVED, "Fixed."),
}


@pytest.mark.parametrize("readings, status, text", CASES.values(), ids=CASES.keys())
def test_merge_table(readings, status, text):
    entry = run(*readings).entries["a"]
    assert (entry.status, entry.latest_text) == (status, text)
    assert entry.updated_at <= max(r.fetched_at for r in readings) + timedelta(minutes=5)


def test_dropped_upstream_is_kept_and_others_are_added():
    history = run(read(inc("a")), read(inc("b"), at=T0 + MIN))
    assert set(history.entries) == {"a", "b"}


def test_failed_or_empty_reading_changes_nothing():
    history = run(read(inc("a")))
    again, changed = merge(history, [], T0 + 60 * MIN)
    assert again is history and changed == 0


def test_repeat_reading_is_no_change_even_when_restamped_by_our_clock():
    first = run(read(inc(at=T0 + timedelta(days=9))))  # future: replaced by our clock
    again, changed = merge(first, [read(inc(at=T0 + timedelta(days=9)), at=T0 + 20 * MIN)],
                           T0 + 20 * MIN)
    assert changed == 0 and again is first


def test_skewed_times_never_reach_the_record():
    entry = run(read(inc(at=T0 + timedelta(days=9), started=T0 + timedelta(days=8)))).entries["a"]
    assert entry.updated_at == T0 and entry.started_at == T0


def test_worst_component_state_and_impact_survive_resolution():
    history = run(read(inc(), state=State.MAJOR_OUTAGE),
                  read(inc(status=RESOLVED, at=T0 + 60 * MIN, impact=Impact.NONE), at=T0 + 61 * MIN,
                       state=State.OPERATIONAL))
    entry = history.entries["a"]
    assert entry.components[0].state is State.MAJOR_OUTAGE
    assert entry.components[0].name == "Conversations"
    assert entry.impact is Impact.MAJOR
    assert entry.resolved_at == T0 + 60 * MIN


def test_component_state_is_the_worst_seen_not_the_latest():
    history = run(read(inc(), state=State.MAJOR_OUTAGE),
                  read(inc(status=IncidentStatus.MONITORING, at=T0 + 30 * MIN, text="Better."),
                       at=T0 + 31 * MIN, state=State.DEGRADED))
    assert history.entries["a"].components[0].state is State.MAJOR_OUTAGE
    assert history.entries["a"].latest_text == "Better."


def _random_incidents():
    import random
    rng = random.Random(7)
    for n in range(600):
        start = T0 - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        at = start + timedelta(minutes=rng.choice([5, 60, 60 * 24 * 200, 60 * 24 * 900]))
        status = IncidentStatus.MONITORING if n % 97 == 0 else RESOLVED
        yield inc(f"i{n}", status=status, at=min(at, T0), started=start)


def _postmortems():
    # Years-old incidents updated later (postmortems) than the latest-started ones, which all
    # lie before the bars' window: only the start order keeps those on the page.
    for n in range(300):
        yield inc(f"pm{n}", status=RESOLVED, started=T0 - timedelta(days=3000 + n),
                  at=T0 - timedelta(days=100) + n * MIN)
    for n in range(60):
        start = T0 - timedelta(days=200) + n * timedelta(hours=2)
        yield inc(f"b{n}", status=RESOLVED, started=start, at=start + MIN)


@pytest.mark.parametrize("incidents", [_random_incidents, _postmortems])
def test_loaded_history_shows_exactly_what_the_full_history_shows(tmp_path: Path, incidents):
    """Archiving at load must never change the page or the feed: starts and last changes in
    unrelated orders, some incidents long, some still open."""
    from status_engine.pages.history import history_html
    from status_engine.outputs.atom import atom_feed
    from status_engine.settings import Settings
    full = run(read(*incidents(), at=T0))
    history_store.save(tmp_path / "history.json", full, "ChatGPT", "https://status.example.com")
    loaded = history_store.load(tmp_path, T0, logging.getLogger("test"))
    assert loaded.archived and loaded.count == full.count
    settings = Settings(status_page="https://status.example.com")
    assert history_html(loaded, settings, T0) == history_html(full, settings, T0)
    feed = {"subject": "ChatGPT", "site_url": "https://site.example/",
            "status_host": "status.example.com", "built_at": T0}
    assert atom_feed(loaded, **feed) == atom_feed(full, **feed)


def test_resolved_feed_entry_has_unknown_impact_not_none():
    # The feed shows a resolved incident's final states ("Operational"): not how bad it was.
    entry = run(read(inc(status=RESOLVED, impact=Impact.NONE), fmt="feed")).entries["a"]
    assert entry.impact is Impact.UNKNOWN


def test_earliest_start_is_kept_from_an_older_reading():
    history = run(read(inc(started=T0 - 10 * MIN, at=T0 + 10 * MIN)),
                  read(inc(started=T0 - 40 * MIN, at=T0), at=T0 + 20 * MIN))
    assert history.entries["a"].started_at == T0 - 40 * MIN


def test_round_trip_and_schema(tmp_path: Path):
    history = run(read(inc("a"), inc("b", status=RESOLVED)))
    history_store.save(tmp_path / "history.json", history, "ChatGPT", "https://status.example.com")
    doc = json.loads((tmp_path / "history.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    assert history_store.from_document(doc) == history


@pytest.mark.parametrize("indent", [None, 1])
def test_saved_file_is_one_json_document_and_loads_back(tmp_path: Path, indent):
    history = run(read(inc("a"), inc("b", status=RESOLVED, text='line\nbreak "quoted" ]}')))
    history_store.save(tmp_path / "history.json", history, "ChatGPT", "https://status.example.com")
    doc = json.loads((tmp_path / "history.json").read_text())  # one document, not JSON lines
    assert {i["id"] for i in doc["incidents"]} == {"a", "b"} and doc["subject"] == "ChatGPT"
    if indent:  # any other valid layout (say, pretty-printed by hand) still loads
        (tmp_path / "history.json").write_text(json.dumps(doc, indent=indent))
    assert history_store.load(tmp_path, T0, logging.getLogger("test")) == history


def test_old_entries_stay_archived_until_an_update_touches_them(tmp_path: Path):
    old = T0 - timedelta(days=400)
    history = run(read(*(inc(f"old{n}", status=RESOLVED, at=old + n * MIN,
                             started=old + n * MIN) for n in range(300)), at=old + 400 * MIN),
                  read(inc("new"), at=T0))
    history_store.save(tmp_path / "history.json", history, "ChatGPT", "https://s.example.com")
    loaded = history_store.load(tmp_path, T0, logging.getLogger("test"))
    assert loaded.count == 301 and "new" in loaded.entries
    assert len(loaded.entries) == history_store.SHOWN_LATEST  # the rest stay as lines
    assert "old0" in loaded.archived
    # A late update of an archived incident decodes it and merges as usual.
    later, changed = merge(loaded, [read(inc("old0", status=RESOLVED, at=old + 1000 * MIN,
                                             started=old, text="Postmortem."), at=T0)], T0)
    assert changed == 1 and later.entries["old0"].latest_text == "Postmortem."
    assert "old0" not in later.archived and later.count == 301
    # Saving writes archived lines back untouched: the document equals a full decode.
    history_store.save(tmp_path / "again.json", later, "ChatGPT", "https://s.example.com")
    full = history_store.from_document(json.loads((tmp_path / "again.json").read_text()))
    assert full.count == 301 and full.entries["old0"].latest_text == "Postmortem."
    assert full.entries["old5"] == history.entries["old5"]


def test_truncated_file_is_corrupt(tmp_path: Path):
    history = run(read(inc("a"), inc("b")))
    history_store.save(tmp_path / "history.json", history, "ChatGPT", "https://s.example.com")
    lines = (tmp_path / "history.json").read_text().splitlines(keepends=True)
    (tmp_path / "history.json").write_text("".join(lines[:-1]))  # lost its last line
    assert history_store.load(tmp_path, T0, logging.getLogger("test")) == History()
    assert list(tmp_path.glob("history.json.corrupt-*"))


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"schema_version": 1}',
                                     b'{"schema_version": 1, "components": [], "incidents": '
                                     b'[{"id": 3}]}', b"\xff\xfe"])
def test_corrupt_file_is_moved_aside_with_a_warning(tmp_path: Path, caplog, content):
    (tmp_path / "history.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, "test"):
        history = history_store.load(tmp_path, T0, logging.getLogger("test"))
    assert history == History()
    aside = tmp_path / "history.json.corrupt-20261127T120000Z"
    assert aside.read_bytes() == content and not (tmp_path / "history.json").exists()
    assert "corrupt" in caplog.text and aside.name in caplog.text


def test_missing_file_is_a_warning(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING, "test"):
        assert history_store.load(tmp_path, T0, logging.getLogger("test")) == History()
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (f"status: history: no {tmp_path / 'history.json'} yet: "
                                   "starting from the incidents upstream still lists")


def test_ten_thousand_incidents_merge_once_each():
    many = read(*(inc(f"i{n}") for n in range(10_000)))
    history, changed = merge(History(), [many], T0)
    history, again = merge(history, [many], T0 + MIN)
    assert (changed, again, history.count) == (10_000, 0, 10_000)


def lines_run(work) -> int:
    """How many Python lines `work()` executes: a count of steps that no machine load changes
    (timings are for tests/bench/bench_history.py)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += event == "line"
        return tracer

    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def test_merge_work_grows_linearly_with_the_incidents():
    def steps(n: int) -> int:
        many = read(*(inc(f"i{k}") for k in range(n)))
        return lines_run(lambda: merge(merge(History(), [many], T0)[0], [many], T0 + MIN))

    # Four times the incidents: four times the steps when linear, sixteen when quadratic.
    assert 3.5 < steps(2_000) / steps(500) < 4.5


def complete(*incidents, at):
    """A reading that lists every ongoing incident (incident.io's native JSON)."""
    return Reading("incidentio", "https://status.example.com/proxy", at,
                   components=(Component("c1", "Conversations", State.OPERATIONAL, "ChatGPT"),),
                   incidents=incidents, incidents_complete=True)


@pytest.mark.parametrize("later, closed", [
    # gone from a complete list of ongoing incidents: it ended, when we saw it gone
    (lambda: [complete(at=T0 + 20 * MIN)], True),
    # still listed as ongoing
    (lambda: [complete(inc(), at=T0 + 20 * MIN)], False),
    # a feed or a Statuspage copy may omit incidents: its silence proves nothing
    (lambda: [read(at=T0 + 20 * MIN, fmt="feed")], False),
    # a complete list read before the incident was first seen cannot have dropped it
    (lambda: [complete(at=T0 - MIN)], False),
])
def test_an_incident_that_vanishes_from_the_ongoing_list_is_closed(later, closed):
    history, _ = merge(History(), [read(inc())], T0)
    for r in later():
        history, _ = merge(history, [r], r.fetched_at)
    entry = history.entries["a"]
    assert (entry.status is RESOLVED) is closed
    if closed:
        assert entry.resolved_at == T0 + 20 * MIN
        assert entry.latest_text == "No longer listed as ongoing on the official status page."
        assert entry.name == "Chat errors" and entry.components  # the rest is kept


def test_a_resolution_read_in_the_same_build_is_kept_over_the_vanishing():
    history, _ = merge(History(), [read(inc())], T0)
    fixed = read(inc(status=RESOLVED, at=T0 + 12 * MIN, text="Fixed."), at=T0 + 20 * MIN,
                 fmt="feed")
    history, _ = merge(history, [complete(at=T0 + 20 * MIN), fixed], T0 + 20 * MIN)
    entry = history.entries["a"]
    assert (entry.status, entry.latest_text, entry.resolved_at) == (RESOLVED, "Fixed.",
                                                                    T0 + 12 * MIN)
