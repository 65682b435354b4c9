"""Day bars and uptime against a small handmade history whose answers were worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup

from status_engine.history.model import Affected, Catalogued, Entry, History
from status_engine.pages.history import history_html
from status_engine.history.stats import day_bars, in_window, incidents_of, uptime
from status_engine.model import Impact, IncidentStatus, State
from status_engine.settings import Settings

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SINCE = datetime(2026, 8, 1, tzinfo=UTC)
CONV = Catalogued("c1", "Conversations", "ChatGPT")
LOGIN = Catalogued("c2", "Login", "ChatGPT")
IMAGES = Catalogued("a1", "Images", "APIs")
SETTINGS = Settings(status_page="https://status.example.com")
RESOLVED, OPEN = IncidentStatus.RESOLVED, IncidentStatus.INVESTIGATING


def t(day: int, hour: float, month: int = 11) -> datetime:
    return datetime(2026, month, day, tzinfo=UTC) + timedelta(hours=hour)


def e(iid, comp, state, start, end=None, impact=Impact.UNKNOWN):
    return Entry(iid, f"Incident {iid}", RESOLVED if end else OPEN, impact, start, end,
                 end or start, f"https://status.example.com/incidents/{iid}",
                 (Affected(comp, comp, state),))


ENTRIES = [
    e("A", "c1", State.PARTIAL_OUTAGE, t(26, 10), t(26, 12)),
    e("B", "c1", State.DEGRADED, t(26, 11), t(27, 1)),           # degraded: counts as up
    e("C", "c1", State.MAJOR_OUTAGE, t(20, 23), t(21, 1)),       # crosses midnight
    e("D", "c1", State.MAJOR_OUTAGE, t(26, 11.5), t(26, 12.5)),  # overlaps A: counted once
    e("E", "c2", State.PARTIAL_OUTAGE, t(27, 9)),                # still open: until NOW
    e("F", "c1", State.PARTIAL_OUTAGE, t(1, 0, 10), t(1, 6, 10)),  # only inside 90 days
    e("G", "a1", State.MAJOR_OUTAGE, t(25, 0), t(25, 5)),        # another product
    e("H", "c1", State.UNKNOWN, t(10, 8), t(10, 9)),             # severity never learnt
    e("I", "c1", State.UNKNOWN, t(11, 8), t(11, 9), Impact.CRITICAL),  # impact speaks for it
]
HISTORY = History({x.id: x for x in ENTRIES}, {c.id: c for c in (CONV, LOGIN, IMAGES)}, SINCE,
                  NOW)


def touched(component):
    return incidents_of(in_window(HISTORY, NOW - timedelta(days=90), NOW), component)


@pytest.mark.parametrize("component, days, expected", [
    # Conversations: C 2 h + (A ∪ D) 10:00–12:30 = 2.5 h in 7 days; + I 1 h (critical) in 30;
    # + F 6 h in 90 days. B (degraded) and H (unknown) count as up.
    (CONV, 7, 100 * (1 - 4.5 / 168)),    # 97.321…
    (CONV, 30, 100 * (1 - 5.5 / 720)),   # 99.236…
    (CONV, 90, 100 * (1 - 11.5 / 2160)),  # 99.467…
    (LOGIN, 7, 100 * (1 - 3 / 168)),     # E: open since 09:00, so 3 h until NOW
    (IMAGES, 7, 100 * (1 - 5 / 168)),
])
def test_uptime_matches_hand_computation(component, days, expected):
    assert uptime(touched(component), NOW, SINCE, days) == pytest.approx(expected)


def test_uptime_window_starts_with_the_history():
    since = t(26, 12)  # only the last day is known: A is before it, D half inside, B up, E other
    got = uptime(touched(CONV), NOW, since, 30)
    assert got == pytest.approx(100 * (1 - 0.5 / 24))
    assert uptime(touched(CONV), NOW, None, 30) is None


def test_day_bars_match_hand_computation():
    days = day_bars(touched(CONV), NOW, SINCE, 90)
    assert len(days) == 90
    assert (days[0].day, days[-1].day) == (date(2026, 8, 30), date(2026, 11, 27))
    bad = {d.day: (d.state, d.incidents) for d in days if d.state != "operational"}
    assert bad == {
        date(2026, 11, 26): ("major_outage", ("Incident D", "Incident A", "Incident B")),
        date(2026, 11, 27): ("degraded", ("Incident B",)),
        date(2026, 11, 20): ("major_outage", ("Incident C",)),
        date(2026, 11, 21): ("major_outage", ("Incident C",)),
        date(2026, 11, 10): ("unknown", ("Incident H",)),
        date(2026, 11, 11): ("major_outage", ("Incident I",)),
        date(2026, 10, 1): ("partial_outage", ("Incident F",)),
    }


def test_days_before_the_history_have_no_data():
    days = day_bars(touched(CONV), NOW, t(1, 0), 90)
    before = {d.day: d.state for d in days if d.day < date(2026, 11, 1)}
    assert before.pop(date(2026, 10, 1)) == "partial_outage"  # a known incident still shows
    assert set(before.values()) == {"no_data"}
    assert days[-1].state == "degraded"


def test_page_cells_are_focusable_with_a_readable_name_and_a_letter():
    soup = BeautifulSoup(history_html(HISTORY, SETTINGS, NOW, "../"), "html.parser")
    names = [h.get_text() for h in soup.find_all("h3")]
    assert names[:2] == ["Conversations", "Login"]  # ChatGPT only: not Images
    cell = soup.find(attrs={"data-date": "2026-11-26"})
    assert cell["tabindex"] == "0" and cell["role"] == "img"
    assert cell["aria-label"] == ("26 Nov 2026: major outage — Incident D; Incident A; "
                                  "Incident B")
    assert cell.get_text() == "M"
    assert soup.find(attrs={"data-date": "2026-11-10"}).get_text() == "?"
    uptime_text = soup.find(class_="status-history__uptime").get_text()
    assert uptime_text == ("Uptime: 97.32 % over 7 days, 99.23 % over 30 days, "
                           "99.46 % over 90 days.")
    rows = soup.select("tbody tr")
    assert rows[0].find("a")["href"] == "https://status.example.com/incidents/E"
    assert "ongoing, 3 h 0 min so far" in rows[0].get_text()
    assert soup.find("a", string="history.json")["href"] == "../history.json"


def test_page_shows_only_the_latest_fifty_incidents():
    many = {f"x{n}": e(f"x{n}", "c1", State.DEGRADED, NOW - timedelta(hours=n + 1),
                       NOW - timedelta(hours=n)) for n in range(200)}
    soup = BeautifulSoup(history_html(History(many, HISTORY.components, SINCE, NOW), SETTINGS,
                                      NOW), "html.parser")
    rows = soup.select("tbody tr")
    assert len(rows) == 50 and "Incident x0" in rows[0].get_text()
    assert "50 most recent of 200" in soup.get_text()
