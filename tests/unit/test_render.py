"""The banner and the summary: contract attributes, words for every verdict, escaping, links."""

from __future__ import annotations

from datetime import timedelta

import jsonschema
import pytest
from bs4 import BeautifulSoup

from readings import NOW, comp, incident, reading
from status_engine.model import IncidentStatus, State
from status_engine.outputs.status_json import SCHEMA_VERSION, snapshot
from status_engine.pages.status import banner_html, summary_html
from status_engine.templating import safe_link
from status_engine.settings import Settings
from status_engine.verdict import decide

SETTINGS = Settings(status_page="https://status.example.com")
HOSTILE = ['<script>alert(1)</script>', '" onmouseover="alert(1)', "javascript:alert(1)",
           "<img src=x onerror=alert(1)>"]


def banner(status):
    soup = BeautifulSoup(banner_html(status, SETTINGS), "html.parser")
    return soup.find(attrs={"role": "status"})


@pytest.mark.parametrize("state, words", [
    (State.OPERATIONAL, "Operational"), (State.DEGRADED, "Degraded performance"),
    (State.PARTIAL_OUTAGE, "Partial outage"), (State.MAJOR_OUTAGE, "Major outage"),
    (State.MAINTENANCE, "Under maintenance"),
])
def test_banner_says_the_verdict_in_words_and_attributes(state, words):
    status = decide(reading(comp("Conversations", state)), SETTINGS, built_at=NOW, live=True)
    b = banner(status)
    assert b["data-status"] == state.value and b["data-freshness"] == "live"
    assert f"ChatGPT: {words}" in b.get_text(" ", strip=True)
    assert b.find("time")["datetime"] == "2026-11-27T12:00:00Z"
    assert b.find("a", string="Official status page")["href"] == "https://status.example.com"


def test_stale_banner_says_how_old():
    r = reading(comp("Conversations", State.DEGRADED), fetched_at=NOW - timedelta(minutes=25))
    b = banner(decide(r, SETTINGS, built_at=NOW, live=False))
    assert b["data-freshness"] == "stale"
    assert "25 minutes old" in b.get_text(" ", strip=True)
    assert b.find("time")["datetime"] == "2026-11-27T11:35:00Z"


def test_unknown_banner_sends_visitors_to_the_official_page():
    b = banner(decide(None, SETTINGS, built_at=NOW, live=False))
    assert (b["data-status"], b["data-freshness"]) == ("unknown", "unknown")
    text = b.get_text(" ", strip=True)
    assert "Status unknown" in text and "check the official page" in text
    assert b.find("time") is None


def test_banner_names_the_incident_with_a_checked_link():
    r = reading(comp("Conversations", State.PARTIAL_OUTAGE), incidents=(
        incident("Elevated errors", url="https://status.example.com/incidents/1"),))
    b = banner(decide(r, SETTINGS, built_at=NOW, live=True))
    assert b.find("a", string="Elevated errors")["href"] == "https://status.example.com/incidents/1"


@pytest.mark.parametrize("url, kept", [
    ("https://status.example.com/incidents/1", True),
    ("http://status.example.com/incidents/1", False),
    ("https://evil.example.net/incidents/1", False),
    ("https://status.example.com.evil.net/x", False),
    ("https://user:pw@status.example.com/x", False),
    ("javascript:alert(1)", False),
    ("//status.example.com/x", False),
    ("https://status.example.com:8443/x", False),
    ("https://[::1/x", False),
    (None, False),
])
def test_safe_link(url, kept):
    assert (safe_link(url, "status.example.com") is not None) is kept


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_upstream_text_is_escaped_everywhere(hostile):
    r = reading(comp(hostile, State.MAJOR_OUTAGE, group="ChatGPT"),
                comp("x", State.DEGRADED, group=hostile),
                incidents=(incident(hostile, url=hostile, text=hostile),))
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    for html in (banner_html(status, SETTINGS), summary_html(status, SETTINGS)):
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find_all(["script", "img"])
        for tag in soup.find_all(True):
            assert not any(a.startswith("on") for a in tag.attrs), tag
            assert not tag.get("href", "https://").startswith("javascript")
        assert hostile in soup.get_text()  # shown as text, not dropped


def test_summary_lists_affected_components_incident_timeline_and_other_groups():
    r = reading(comp("Conversations", State.PARTIAL_OUTAGE), comp("Login"),
                comp("Images", State.DEGRADED, group="APIs"),
                incidents=(incident("Chat errors", IncidentStatus.IDENTIFIED,
                                    text="We found the cause."),))
    soup = BeautifulSoup(summary_html(decide(r, SETTINGS, built_at=NOW, live=True), SETTINGS),
                         "html.parser")
    text = soup.get_text(" ", strip=True)
    assert "Conversations : Partial outage" in text
    assert "The other ChatGPT component is reported operational" in text
    assert "last built. Source:" in " ".join(text.split())
    assert "Chat errors" in text and "We found the cause." in text
    assert "APIs: Degraded performance" in text


def test_snapshot_matches_its_schema_in_every_state(tmp_path):
    import json
    from pathlib import Path
    import status_engine
    schema = json.loads((Path(status_engine.__file__).parent / "status.schema.json").read_text())
    cases = [
        decide(reading(comp("C", State.DEGRADED), incidents=(incident(url="javascript:x"),)),
               SETTINGS, built_at=NOW, live=True),
        decide(reading(comp("C"), fetched_at=NOW - timedelta(minutes=3)), SETTINGS,
               built_at=NOW, live=False),
        decide(None, SETTINGS, built_at=NOW, live=False),
    ]
    for status in cases:
        doc = snapshot(status, SETTINGS)
        jsonschema.validate(doc, schema)
        assert doc["schema_version"] == SCHEMA_VERSION
        assert all(i["url"] is None for i in doc["incidents"])
    bad = snapshot(cases[0], SETTINGS) | {"verdict": "down"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
