"""'What to do now' names what is broken and how (issue 9, item 6).

"Nothing to fix on your side" is said only of the parts in an outage; a part is called working
only when the reading says it is operational; every verdict gets advice of its own.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from readings import NOW, comp, incident, maintenance, reading
from status_engine.model import Impact, Incident, IncidentStatus, MaintenanceStatus, State, Update
from status_engine.pages.status import summary_html
from status_engine.settings import Settings
from status_engine.verdict import decide

SETTINGS = Settings(status_page="https://status.example.com")
WHOLE_PAGE = Settings(status_page="https://status.example.com", scope_groups=(),
                      scope_components=())


def advice(r, settings: Settings = SETTINGS, **kwargs) -> str:
    status = decide(r, settings, built_at=NOW, **({"live": True} | kwargs))
    soup = BeautifulSoup(summary_html(status, settings), "html.parser")
    return " ".join(soup.find(class_="status-summary__advice").get_text(" ").split())


def test_a_voice_mode_outage_names_voice_mode_and_says_what_works():
    text = advice(reading(comp("Voice mode", State.MAJOR_OUTAGE), comp("Conversations"),
                          comp("Login")))
    assert "Voice mode: major outage." in text
    assert "nothing to fix on your side for Voice mode;" in text
    assert "Conversations and Login are reported working." in text
    assert "ChatGPT is down" not in text


def test_nothing_to_fix_is_said_only_of_the_parts_in_an_outage():
    text = advice(reading(comp("Conversations", State.PARTIAL_OUTAGE),
                          comp("Voice mode", State.DEGRADED), comp("Login")))
    assert text.startswith("What to do now: Conversations: partial outage. Voice mode: degraded")
    assert "nothing to fix on your side for Conversations;" in text
    assert "Voice mode may be slow or fail" in text
    assert "Login is reported working." in text


def test_a_part_we_cannot_read_is_never_called_working():
    text = advice(reading(comp("Conversations", State.DEGRADED), comp("Login", State.UNKNOWN),
                          comp("Voice mode")))
    assert "The state of Login cannot be read." in text
    assert "Voice mode is reported working." in text
    assert "Login is reported working" not in text and "Login and" not in text


def test_many_working_parts_are_counted_not_listed():
    parts = [comp(f"Part {n}") for n in range(7)]
    text = advice(reading(comp("Voice mode", State.MAJOR_OUTAGE), *parts))
    assert "Part 0, Part 1, Part 2, Part 3 and 3 more are reported working." in text


def test_maintenance_names_the_part_under_maintenance():
    text = advice(reading(comp("Voice mode", State.MAINTENANCE), comp("Conversations"),
                          maintenances=(maintenance(MaintenanceStatus.IN_PROGRESS),)))
    assert "Planned maintenance on Voice mode" in text
    assert "Conversations is reported working." in text
    assert "nothing to fix" not in text


def test_operational_advice():
    text = advice(reading(comp("Conversations"), comp("Login")))
    assert "OpenAI reports no problem with ChatGPT" in text
    # A green page does not prove the problem is yours: the page can lag an outage's first
    # minutes (docs/index.md, "Is it just me?", gives OpenAI's December 26, 2024 example).
    assert "may be too new for the official page" in text and "probably local" not in text


def test_unknown_advice_names_the_unreadable_incident_and_never_says_fine():
    odd = Incident("i", "Odd thing", IncidentStatus.UNKNOWN, Impact.UNKNOWN,
                   NOW - timedelta(hours=1), updates=(Update(NOW, "new_word", "?"),))
    text = advice(reading(comp("Conversations"), incidents=(odd,)))
    assert "We cannot tell the current state of ChatGPT" in text
    assert "the status of Odd thing cannot be read" in text
    assert "no problem" not in text and "nothing to fix" not in text
    assert "Conversations working" in text


def test_no_reading_advice():
    text = advice(None, live=False)
    assert "We cannot tell the current state of ChatGPT" in text
    assert "working" not in text


def test_a_feed_incident_without_components_says_to_check_the_page():
    # Whole-page scope: the open incident counts (under the ChatGPT scope it is unknown).
    text = advice(reading(incidents=(incident(name="Errors for some users"),),
                          components_known=False), WHOLE_PAGE)
    assert "open incident (Errors for some users)" in text
    assert "nothing to fix" not in text


def test_the_summary_shows_an_unreadable_incident_status_as_unknown():
    odd = Incident("i", "Odd thing", IncidentStatus.UNKNOWN, Impact.UNKNOWN,
                   NOW - timedelta(hours=1), updates=(Update(NOW, "new_word", "?"),))
    status = decide(reading(comp("Conversations"), incidents=(odd,)), SETTINGS, built_at=NOW,
                    live=True)
    html = summary_html(status, SETTINGS)
    assert "Status unknown" in html
    assert "incidents whose status cannot be read" in html


@pytest.mark.parametrize("name", ['<script>alert(1)</script>', '" onmouseover="x'])
def test_component_names_in_advice_are_escaped(name):
    status = decide(reading(comp(name, State.MAJOR_OUTAGE)), SETTINGS, built_at=NOW, live=True)
    html = summary_html(status, SETTINGS)
    assert "<script>" not in html and '" onmouseover' not in html
    soup = BeautifulSoup(html, "html.parser")
    assert name in soup.find(class_="status-summary__advice").get_text()


# -- the advice never contradicts the summary (review of issue 9, finding 3) -----------------
FEED_MAINTENANCE = reading(maintenances=(maintenance(MaintenanceStatus.IN_PROGRESS),),
                           components_known=False)


@pytest.mark.parametrize("r, settings, verdict, says, never", [
    # (a) an open incident naming no component, every ChatGPT part operational
    (reading(comp("Conversations"), incidents=(incident(),)), SETTINGS, "operational",
     ["open incident (Elevated errors)", "no ChatGPT part is marked affected",
      "check the official status page"], ["no problem", "probably local"]),
    # (a) an open incident naming only a part outside the scope
    (reading(comp("Conversations"), comp("Images", State.MAJOR_OUTAGE, group="APIs"),
             incidents=(incident(component_ids=("APIs-Images",)),)), SETTINGS, "operational",
     ["open incident (Elevated errors)", "no ChatGPT part is marked affected"],
     ["no problem", "probably local"]),
    # (b) a maintenance in progress that names no component
    (reading(comp("Conversations"), comp("Login"),
             maintenances=(maintenance(MaintenanceStatus.IN_PROGRESS),)), SETTINGS,
     "maintenance", ["Planned maintenance is in progress (Database upgrade)",
                     "Conversations and Login are reported working."], ["open incident"]),
    # (c) a feed with a maintenance in progress and no incident
    (FEED_MAINTENANCE, SETTINGS, "maintenance",
     ["Planned maintenance is in progress (Database upgrade)"], ["open incident"]),
    (FEED_MAINTENANCE, WHOLE_PAGE, "maintenance",
     ["Planned maintenance is in progress (Database upgrade)"], ["open incident"]),
    # a feed's open incident that the ChatGPT scope cannot place: unknown, and named
    (reading(incidents=(incident(),), components_known=False), SETTINGS, "unknown",
     ["We cannot tell the current state of ChatGPT", "open incident (Elevated errors)"],
     ["no problem", "nothing to fix"]),
    # nothing open at all: the plain operational advice stays
    (reading(comp("Conversations"), incidents=(incident(status=IncidentStatus.RESOLVED),)),
     SETTINGS, "operational", ["OpenAI reports no problem with ChatGPT",
                               "may be too new for the official page"],
     ["open incident"]),
])
def test_the_advice_never_contradicts_the_summary(r, settings, verdict, says, never):
    status = decide(r, settings, built_at=NOW, live=True)
    assert status.verdict.value == verdict, status.notes
    text = advice(r, settings)
    for words in says:
        assert words in text, (words, text)
    for words in never:
        assert words not in text, (words, text)
