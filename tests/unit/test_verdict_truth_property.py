"""Properties of the verdict over generated Statuspage and incident.io payloads, and Statuspage
history feeds (issue 9, item 8).

1. The verdict is never better than the worst state an open in-scope incident gives a component
   (an `unknown` verdict is better than any outage here: it does not count as honouring it).
2. An unreadable status (a component's in scope, or a current incident's touching the scope)
   never yields `operational`.
3. A native payload without `affected_components` is never read at all.

The expectations are computed from the generated payload itself, not from the parser's output,
so a parser that drops an incident's states fails them too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from html import escape

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from status_engine import formats
from status_engine.errors import UpstreamError
from status_engine.model import State
from status_engine.settings import Settings
from status_engine.verdict import decide

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CHATGPT = Settings()
PROPERTY = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
SEVERITY = {"operational": 0, "under_maintenance": 1, "degraded_performance": 2,
            "partial_outage": 3, "full_outage": 4, "major_outage": 4}
STATE_OF = {0: State.OPERATIONAL, 1: State.MAINTENANCE, 2: State.DEGRADED,
            3: State.PARTIAL_OUTAGE, 4: State.MAJOR_OUTAGE}
OPEN = ("investigating", "identified", "monitoring")
CLOSED = ("resolved", "postmortem")
ODD = ("paused", "", "Investigating?", "triage")  # words we cannot read
CHATGPT_IDS = ("c-conv", "c-login", "c-voice")
OTHER_IDS = ("a-resp", "a-images")

component_status = st.sampled_from([*list(SEVERITY), "fine", "sort_of_down"])
incident_status = st.sampled_from(OPEN + CLOSED + ODD)
any_id = st.sampled_from(CHATGPT_IDS + OTHER_IDS)
recent = st.integers(min_value=1, max_value=6 * 24 * 60).map(lambda m: NOW - timedelta(minutes=m))
ending = st.one_of(st.none(), st.integers(1, 600).map(lambda m: NOW + timedelta(minutes=m)),
                   st.integers(1, 600).map(lambda m: NOW - timedelta(minutes=m)))


def by_id(raw: dict) -> str:
    return raw["id"]  # upstream ids are unique; a repeated one is dropped by the parser


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


@st.composite
def incidents(draw, statuspage: bool) -> dict:
    named = draw(st.lists(st.tuples(any_id, component_status), max_size=3,
                          unique_by=lambda t: t[0]))
    at = draw(recent)
    raw = {"id": f"i{draw(st.integers(0, 10**6))}", "name": "Incident",
           "status": draw(incident_status), "type": "incident"}
    if statuspage:
        raw |= {"impact": "major", "created_at": iso(at), "updated_at": iso(at),
                "incident_updates": [{"status": raw["status"], "body": "x",
                                      "created_at": iso(at)}],
                "components": [{"id": cid, "name": cid, "status": s} for cid, s in named]}
    else:
        raw |= {"published_at": iso(at),
                "updates": [{"published_at": iso(at), "to_status": raw["status"],
                             "message_string": "x"}],
                "affected_components": [{"component_id": cid, "status": s} for cid, s in named]}
        impacts = draw(st.lists(st.tuples(st.sampled_from(CHATGPT_IDS), component_status, ending),
                                max_size=3))
        if impacts:
            raw["component_impacts"] = [
                {"component_id": cid, "status": s, "start_at": iso(NOW - timedelta(hours=2)),
                 **({"end_at": iso(end)} if end else {})} for cid, s, end in impacts]
    return raw


@st.composite
def incidentio_payloads(draw) -> dict:
    states = draw(st.dictionaries(any_id, component_status, max_size=5))
    def group(name: str, ids: list[str]) -> dict:
        return {"group": {"id": name, "name": name, "hidden": False,
                          "components": [{"component_id": c, "name": c, "hidden": False}
                                         for c in ids]}}
    summary = {"name": "OpenAI", "public_url": "https://status.openai.com",
               "structure": {"items": [group("ChatGPT", CHATGPT_IDS), group("APIs", OTHER_IDS)]},
               "ongoing_incidents": draw(st.lists(incidents(False), max_size=3, unique_by=by_id)),
               "scheduled_maintenances": [],
               "affected_components": [{"component_id": c, "status": s}
                                       for c, s in states.items()]}
    return {"summary": summary}


@st.composite
def statuspage_payloads(draw) -> dict:
    groups = [{"id": "g-chatgpt", "name": "ChatGPT", "status": "operational", "group": True},
              {"id": "g-apis", "name": "APIs", "status": "operational", "group": True}]
    leaves = [{"id": c, "name": c, "status": draw(component_status),
               "group_id": "g-chatgpt" if c in CHATGPT_IDS else "g-apis", "group": False}
              for c in CHATGPT_IDS + OTHER_IDS]
    return {"page": {"id": "p", "name": "OpenAI", "url": "https://status.openai.com"},
            "status": {"indicator": draw(st.sampled_from(["none", "minor", "major", "odd"]))},
            "components": groups + leaves,
            "incidents": draw(st.lists(incidents(True), max_size=3, unique_by=by_id))}


def page_states(payload: dict) -> dict[str, str]:
    """Each ChatGPT component's own status word, as the page gives it."""
    if "summary" in payload:
        listed = {e["component_id"]: e["status"]
                  for e in payload["summary"]["affected_components"]}
        return {c: listed.get(c, "operational") for c in CHATGPT_IDS}
    return {c["id"]: c["status"] for c in payload["components"] if c["id"] in CHATGPT_IDS}


def raw_incidents(payload: dict) -> list[dict]:
    return payload["summary"]["ongoing_incidents"] if "summary" in payload else \
        payload["incidents"]


def incident_impacts(raw: dict) -> list[tuple[str, str]]:
    """(component id, status word) that an incident gives, ended impacts left out."""
    found = [(c["id"], c["status"]) for c in raw.get("components", [])]
    found += [(c["component_id"], c["status"]) for c in raw.get("affected_components", [])]
    for c in raw.get("component_impacts", []):
        end = c.get("end_at")
        if end is None or datetime.fromisoformat(end) > NOW:
            found.append((c["component_id"], c["status"]))
    return found


def worst_open_impact(payload: dict) -> int:
    worst = 0
    for raw in raw_incidents(payload):
        if raw["status"] in OPEN:
            for cid, word in incident_impacts(raw):
                if cid in CHATGPT_IDS:
                    worst = max(worst, SEVERITY.get(word, 0))
    return worst


def unreadable_in_scope(payload: dict) -> bool:
    raised = {cid for raw in raw_incidents(payload) if raw["status"] in OPEN
              for cid, word in incident_impacts(raw) if SEVERITY.get(word, 0) > 0}
    if any(word not in SEVERITY and cid not in raised
           for cid, word in page_states(payload).items()):
        return True
    for raw in raw_incidents(payload):
        named = {cid for cid, _ in incident_impacts(raw)}
        touches = not named or bool(named & set(CHATGPT_IDS))
        if raw["status"] not in OPEN + CLOSED and touches:
            return True
    return False


def verdict_of(payload: dict) -> State:
    reading = formats.parse(json.dumps(payload).encode(), "application/json", "gen", NOW)
    return decide(reading, CHATGPT, built_at=NOW, live=True).verdict


@PROPERTY
@given(st.one_of(incidentio_payloads(), statuspage_payloads()))
def test_the_verdict_is_never_better_than_an_open_incident_in_scope(payload):
    verdict = verdict_of(payload)
    worst = worst_open_impact(payload)
    if worst:
        assert verdict is not State.UNKNOWN, payload
        assert verdict.severity >= STATE_OF[worst].severity, (verdict, payload)


@PROPERTY
@given(st.one_of(incidentio_payloads(), statuspage_payloads()))
def test_an_unreadable_status_never_yields_operational(payload):
    assume(unreadable_in_scope(payload))
    assert verdict_of(payload) is not State.OPERATIONAL, payload


@PROPERTY
@given(incidentio_payloads())
def test_a_native_payload_without_affected_components_is_never_read(payload):
    del payload["summary"]["affected_components"]
    with pytest.raises(UpstreamError, match="affected_components"):
        verdict_of(payload)


# -- Statuspage history feeds (review of issue 9, finding 2) --------------------------------
# A feed names no component states: every open entry is in scope (whole page, as for any page
# that is not OpenAI's). The status that stands is the newest update's word other than "Update";
# words are read from the update headers only, so the text below quotes status words in bold,
# inline and opening a paragraph, and must never change an entry's status.

WHOLE_PAGE = Settings(scope_groups=(), scope_components=())
MAINTENANCE_WORDS = ("Scheduled", "In progress", "Verifying", "Completed")
HEADER_WORDS = ("Investigating", "Identified", "Monitoring", "Resolved", "Postmortem",
                *MAINTENANCE_WORDS, "Update", "Paused", "Triage")
QUOTES = ("Fixed.", "We see errors.", "Maintenance <strong>Completed</strong> - earlier.",
          "<p><strong>Scheduled</strong> - next week.</p>", "<strong>Resolved</strong> - not yet.",
          "<p><strong>In progress</strong> - quoted</p>", "<p><strong>Resolved</strong> - x</p>")
STANDING = {w.lower(): w for w in HEADER_WORDS if w not in ("Update", "Paused", "Triage")}


@st.composite
def statuspage_feeds(draw) -> list[list[tuple[str, str]]]:
    """Entries, each a timeline of (header word, text), newest first."""
    timeline = st.lists(st.tuples(st.sampled_from(HEADER_WORDS), st.sampled_from(QUOTES)),
                        min_size=1, max_size=4)
    return draw(st.lists(timeline, min_size=1, max_size=3))


def feed_body(entries: list[list[tuple[str, str]]], kind: str) -> bytes:
    items = []
    for n, timeline in enumerate(entries):
        html = "".join(
            f"<p><small>Nov <var data-var='date'>27</var>, <var data-var='time'>"
            f"{11 - k:02d}:{10 * n:02d}</var> UTC</small><br><strong>{word}</strong> - {text}</p>"
            for k, (word, text) in enumerate(timeline))
        link = f"https://status.example.com/incidents/e{n}"
        if kind == "atom":
            items.append(f"<entry><id>tag:status.example.com,2005:Incident/{n}</id>"
                         "<published>2026-11-27T08:00:00Z</published>"
                         "<updated>2026-11-27T11:30:00Z</updated>"
                         f"<link rel='alternate' href='{link}'/><title>Entry {n}</title>"
                         f"<content type='html'>{escape(html)}</content></entry>")
        else:
            items.append(f"<item><title>Entry {n}</title><link>{link}</link><guid>{link}</guid>"
                         "<pubDate>Fri, 27 Nov 2026 11:30:00 +0000</pubDate>"
                         f"<description>{escape(html)}</description></item>")
    if kind == "atom":
        return ("<feed xmlns='http://www.w3.org/2005/Atom'><title>Example</title>"
                + "".join(items) + "</feed>").encode()
    return ("<rss version='2.0'><channel><title>Example</title>" + "".join(items)
            + "</channel></rss>").encode()


def standing(timeline: list[tuple[str, str]]) -> str | None:
    """The status that stands, from the generated headers: the newest word we know that is not
    "Update" (None when there is none)."""
    return next((w.lower() for w, _ in timeline if w.lower() in STANDING), None)


def feed_verdict(entries: list[list[tuple[str, str]]], kind: str) -> State:
    reading = formats.parse(feed_body(entries, kind), None, "feed", NOW)
    return decide(reading, WHOLE_PAGE, built_at=NOW, live=True).verdict


@PROPERTY
@given(statuspage_feeds(), st.sampled_from(["atom", "rss"]))
def test_a_feed_verdict_is_never_better_than_an_open_entry(entries, kind):
    """An entry whose standing status is open is an open incident: the verdict is degraded at
    least, never maintenance, operational or unknown, whatever the text or older updates say."""
    assume(any(standing(t) in OPEN for t in entries))
    verdict = feed_verdict(entries, kind)
    assert verdict.disrupts, (verdict, entries)


@st.composite
def feeds_with_an_unreadable_entry(draw) -> list[list[tuple[str, str]]]:
    """A feed with at least one entry whose headers hold no status word we know, built so
    rather than filtered for (few random timelines have none: the health check refuses that)."""
    unreadable = draw(st.lists(st.tuples(st.sampled_from(("Update", "Paused", "Triage")),
                                         st.sampled_from(QUOTES)), min_size=1, max_size=4))
    entries = draw(statuspage_feeds())
    entries.insert(draw(st.integers(0, len(entries))), unreadable)
    return entries


@PROPERTY
@given(feeds_with_an_unreadable_entry(), st.sampled_from(["atom", "rss"]))
def test_an_unreadable_feed_status_never_yields_operational(entries, kind):
    assert feed_verdict(entries, kind) is not State.OPERATIONAL, entries
