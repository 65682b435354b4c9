"""The Atom feed, the badge and the history page against hostile upstream text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from defusedxml.ElementTree import fromstring

from status_engine.history.merge import merge
from status_engine.history.model import Affected, Catalogued, Entry, History
from status_engine.pages.history import history_html
from status_engine.labels import LABEL_COLOUR, PALETTE
from status_engine.model import Impact, Incident, IncidentStatus, Reading, State, Update
from status_engine.outputs.atom import atom_feed
from status_engine.outputs.badge import badge_svg
from status_engine.settings import Settings

A = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
HOSTILE = ('<script>alert(1)</script> " onmouseover="x javascript:alert(1) <img src=x onerror=y>'
           " ]]> &amp; \x07")
SETTINGS = Settings(status_page="https://status.example.com")


def entry(iid="a", name="Chat errors", text="Investigating.", url=None, status=IncidentStatus.
          INVESTIGATING, at=NOW):
    return Entry(iid, name, status, Impact.MAJOR, NOW - timedelta(hours=1), None, at,
                 url or f"https://status.example.com/incidents/{iid}",
                 (Affected("c1", "Conversations", State.PARTIAL_OUTAGE),), "investigating", text)


def feed(history: History) -> object:
    return fromstring(atom_feed(history, subject="ChatGPT", site_url="https://site.example/",
                                status_host="status.example.com", built_at=NOW))


def test_atom_feed_has_every_required_element():
    root = feed(History({"a": entry("a"), "b": entry("b", at=NOW - timedelta(hours=2))}))
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{tag}") is not None, tag
    assert root.find(f"{A}link[@rel='self']").get("href") == "https://site.example/history.atom"
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == ["Chat errors (investigating)"] * 2
    for e in entries:
        for tag in ("id", "title", "updated", "link", "content"):
            assert e.find(f"{A}{tag}") is not None, tag
        datetime.fromisoformat(e.findtext(f"{A}updated"))
        assert e.find(f"{A}content").get("type") == "text"
    assert entries[0].find(f"{A}link").get("href") == "https://status.example.com/incidents/a"


def test_atom_entry_is_updated_in_place_when_the_status_changes():
    def reading(status, at):
        return Reading("incidentio", "x", at, incidents=(Incident(
            "a", "Chat errors", status, Impact.MAJOR, NOW - timedelta(hours=1), updated_at=at,
            updates=(Update(at, status.value, status.value),)),))
    first, _ = merge(History(), [reading(IncidentStatus.INVESTIGATING, NOW)], NOW)
    later = NOW + timedelta(minutes=30)
    second, _ = merge(first, [reading(IncidentStatus.RESOLVED, later)], later)
    one, two = feed(first).find(f"{A}entry"), feed(second).find(f"{A}entry")
    assert one.findtext(f"{A}id") == two.findtext(f"{A}id")
    assert one.findtext(f"{A}updated") < two.findtext(f"{A}updated")
    assert two.findtext(f"{A}title").endswith("(resolved)")


def test_hostile_text_is_escaped_in_the_feed():
    bad = entry(name=HOSTILE, text=HOSTILE, url="javascript:alert(1)", iid=HOSTILE)
    raw = atom_feed(History({HOSTILE: bad}), subject="ChatGPT", site_url="https://site.example/",
                    status_host="status.example.com", built_at=NOW)
    root = fromstring(raw)  # still well-formed XML
    assert b"<script" not in raw and b"<img" not in raw
    node = root.find(f"{A}entry")
    assert HOSTILE.replace("\x07", "") in node.findtext(f"{A}title")
    assert node.find(f"{A}link").get("href") == "https://site.example/history/"


def test_hostile_text_is_escaped_on_the_page():
    bad = entry(name=HOSTILE, text=HOSTILE, url="javascript:alert(1)")
    history = History({"a": bad}, {"c1": Catalogued("c1", HOSTILE, "ChatGPT")}, NOW, NOW)
    soup = BeautifulSoup(history_html(history, SETTINGS, NOW), "html.parser")
    assert not soup.find_all(["script", "img"])
    for tag in soup.find_all(True):
        assert not any(a.startswith("on") for a in tag.attrs), tag
        assert not tag.get("href", "https://").startswith("javascript")
    assert HOSTILE in soup.get_text()


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("verdict", list(State))
def test_badge_is_valid_accessible_svg_with_contrast(verdict):
    svg = badge_svg(verdict, "ChatGPT", "live")
    root = fromstring(svg.encode())
    words = verdict.value.replace("_", " ")
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") == f"ChatGPT: {words}"
    assert root.findtext(f"{SVG}title") == f"ChatGPT: {words}"
    assert [t.text for t in root.iter(f"{SVG}text")] == ["ChatGPT", words]
    assert "href" not in svg and "url(" not in svg  # no external references
    for background in (PALETTE[verdict], LABEL_COLOUR):
        assert (1.05) / (_luminance(background) + 0.05) >= 4.5, background


def test_badge_escapes_its_subject_and_says_stale():
    root = fromstring(badge_svg(State.OPERATIONAL, '<b>"x"&', "stale").encode())
    assert root.get("aria-label") == '<b>"x"&: operational (stale)'
