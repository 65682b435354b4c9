"""Atlassian Statuspage history feeds: the whole update timeline in one entry, newest first,
each update as `<small>date</small><br><strong>Word</strong> - text` (issue 9, item 1).

The markup below follows the real feeds described in /work/shared/UPSTREAM.md: Atom with the HTML
entity-escaped in `<content type="html">`, RSS with it in `<description>`, dates with or without
`<var data-var=...>`, UTC or page-local offsets.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

import pytest

from status_engine import formats
from status_engine.model import Incident, IncidentStatus, Maintenance, MaintenanceStatus, State
from status_engine.settings import Settings
from status_engine.verdict import decide

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WHOLE_PAGE = Settings(scope_groups=(), status_page="https://status.example.com")


def update(word: str, day: int, time: str, text: str, var: bool = True, zone: str = "UTC") -> str:
    date = (f"Nov <var data-var='date'>{day}</var>, <var data-var='time'>{time}</var> {zone}"
            if var else f"Nov {day}, {time} {zone}")
    return f"<p><small>{date}</small><br><strong>{word}</strong> - {text}</p>"


def atom(*entries: tuple[str, str, str], offset: str = "Z") -> bytes:
    """entries: (id, title, html body); the HTML is entity-escaped as Statuspage does."""
    items = "".join(
        f"<entry><id>tag:status.example.com,2005:Incident/{iid}</id>"
        f"<published>2026-11-26T09:00:00{offset}</published>"
        f"<updated>2026-11-27T09:00:00{offset}</updated>"
        f"<link rel=\"alternate\" type=\"text/html\" href=\"https://status.example.com/incidents/{iid}\"/>"
        f"<title>{title}</title><content type=\"html\">{escape(body)}</content></entry>"
        for iid, title, body in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?><feed xml:lang="en-US" '
            f'xmlns="http://www.w3.org/2005/Atom"><id>tag:status.example.com,2005:/history</id>'
            f"<title>Example Status - Incident History</title>{items}</feed>").encode()


def rss(*entries: tuple[str, str, str], cdata: bool = False) -> bytes:
    """The same in RSS: the body in <description>, escaped or in CDATA."""
    items = "".join(
        f"<item><title>{title}</title><pubDate>Fri, 27 Nov 2026 01:00:00 -0800</pubDate>"
        f"<link>https://status.example.com/incidents/{iid}</link>"
        f"<guid>https://status.example.com/incidents/{iid}</guid>"
        f"<description>{'<![CDATA[' + body + ']]>' if cdata else escape(body)}</description></item>"
        for iid, title, body in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Example Status - Incident History</title>{items}</channel></rss>").encode()


def read(body: bytes):
    return formats.parse(body, "application/atom+xml", "https://status.example.com/history.atom",
                         NOW)


RESOLVED = update("Resolved", 27, "09:00", "This incident has been resolved.") + update(
    "Monitoring", 27, "08:30", "A fix has been implemented.") + update(
    "Investigating", 27, "08:00", "We are investigating.")


@pytest.mark.parametrize("body", [
    atom(("a1", "Errors", RESOLVED)),
    atom(("a1", "Errors", RESOLVED), offset="-08:00"),
    rss(("a1", "Errors", RESOLVED)),
    rss(("a1", "Errors", RESOLVED), cdata=True),
    atom(("a1", "Errors", RESOLVED.replace("<var data-var='date'>", "").replace(
        "<var data-var='time'>", "").replace("</var>", ""))),
], ids=["atom-escaped", "atom-local-offset", "rss-escaped", "rss-cdata", "no-var"])
def test_a_feed_of_resolved_incidents_is_operational_not_degraded(body):
    reading = read(body)
    [incident] = reading.incidents
    assert incident.status is IncidentStatus.RESOLVED
    assert [u.status for u in incident.updates] == ["resolved", "monitoring", "investigating"]
    assert incident.updates[0].text == "This incident has been resolved."
    assert incident.updates[0].at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert incident.started_at == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert decide(reading, WHOLE_PAGE, built_at=NOW, live=True).verdict is State.OPERATIONAL


@pytest.mark.parametrize("word, status", [
    ("Investigating", IncidentStatus.INVESTIGATING), ("Identified", IncidentStatus.IDENTIFIED),
    ("Monitoring", IncidentStatus.MONITORING), ("Resolved", IncidentStatus.RESOLVED),
    ("Postmortem", IncidentStatus.POSTMORTEM),
])
def test_incident_words(word, status):
    [incident] = read(atom(("i", "Errors", update(word, 27, "10:00", "text")))).incidents
    assert incident.status is status


@pytest.mark.parametrize("words, status", [
    (("Update", "Identified", "Investigating"), IncidentStatus.IDENTIFIED),
    (("Update", "Update", "Resolved", "Investigating"), IncidentStatus.RESOLVED),
    (("Postmortem", "Resolved"), IncidentStatus.POSTMORTEM),
    (("Update",), IncidentStatus.UNKNOWN),  # nothing says which status stands
])
def test_update_leaves_the_previous_status_standing(words, status):
    body = "".join(update(w, 27, f"{10 - n:02d}:00", f"u{n}") for n, w in enumerate(words))
    [incident] = read(atom(("i", "Errors", body))).incidents
    assert incident.status is status
    assert incident.updates[0].status == words[0].lower()


def test_an_open_incident_in_a_statuspage_feed_is_degraded():
    body = update("Identified", 27, "11:00", "Found it.") + update("Investigating", 27, "10:00",
                                                                    "Looking.")
    status = decide(read(atom(("i", "Errors", body))), WHOLE_PAGE, built_at=NOW, live=True)
    assert status.verdict is State.DEGRADED
    assert status.incident.status is IncidentStatus.IDENTIFIED


@pytest.mark.parametrize("words, expected, verdict", [
    (("In progress", "Scheduled"), MaintenanceStatus.IN_PROGRESS, State.MAINTENANCE),
    (("Verifying", "In progress", "Scheduled"), MaintenanceStatus.VERIFYING, State.OPERATIONAL),
    (("Completed", "Verifying", "In progress", "Scheduled"), MaintenanceStatus.COMPLETED,
     State.OPERATIONAL),
    (("Update", "In progress", "Scheduled"), MaintenanceStatus.IN_PROGRESS, State.MAINTENANCE),
])
def test_maintenance_entries_become_maintenance(words, expected, verdict):
    body = "".join(update(w, 27, f"{11 - n:02d}:00", f"m{n}") for n, w in enumerate(words))
    reading = read(rss(("m", "Database upgrade", body)))
    assert reading.incidents == ()
    [maintenance] = reading.maintenances
    assert isinstance(maintenance, Maintenance) and maintenance.status is expected
    status = decide(reading, WHOLE_PAGE, built_at=NOW, live=True)
    assert status.verdict is verdict
    assert not any(isinstance(i, Incident) for i in status.maintenances)


def test_page_local_offsets_in_update_dates_become_utc():
    body = update("Resolved", 27, "01:00", "done", zone="-08:00") + update(
        "Investigating", 26, "23:30", "looking", zone="-0800")
    [incident] = read(atom(("i", "Errors", body))).incidents
    assert [u.at for u in incident.updates] == [
        datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 27, 7, 30, tzinfo=UTC)]


def test_a_date_without_a_year_never_lands_after_its_entry():
    # A December update in an entry dated early January belongs to the year before.
    body = update("Resolved", 2, "10:00", "x").replace("Nov", "Jan") + update(
        "Investigating", 31, "23:00", "y").replace("Nov", "Dec")
    feed = atom(("i", "Errors", body)).replace(b"2026-11-27T09", b"2027-01-02T10")
    [incident] = read(feed).incidents
    assert incident.updates[1].at == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert incident.updates[0].at == datetime(2027, 1, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("date, expected", [
    ("Sep <var data-var='date'> 25</var>, <var data-var='time'>15:15:00</var> GMT+0",
     datetime(2026, 9, 25, 15, 15, tzinfo=UTC)),
    ("Sep 25, 17:15 UTC+2", datetime(2026, 9, 25, 15, 15, tzinfo=UTC)),
    ("Sep 25, 10:30 CET", None),  # a zone named by letters is not guessed
])
def test_dates_with_seconds_and_gmt_offsets(date, expected):
    body = f"<p><small>{date}</small><br><strong>Resolved</strong> -\n done.</p>"
    [incident] = read(atom(("i", "Errors", body))).incidents
    assert incident.status is IncidentStatus.RESOLVED
    if expected is not None:
        assert incident.updates[0].at == expected
    else:  # the newest update then takes the entry's own date
        assert incident.updates[0].at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_a_timeline_without_small_dates_is_still_read():
    body = ("<p><strong>Resolved</strong> - Fixed.</p>"
            "<p><strong>Investigating</strong> - Looking into it.</p>")
    [incident] = read(atom(("i", "Errors", body))).incidents
    assert [u.status for u in incident.updates] == ["resolved", "investigating"]


def test_bold_prose_is_not_an_update():
    body = ("<p><small>Nov 27, 10:00 UTC</small><br><strong>Investigating</strong> - "
            "We see errors. <strong>Note</strong> - retries may fail.</p>"
            "<p><strong>Important</strong> - read this.</p>")
    [incident] = read(atom(("i", "Errors", body))).incidents
    assert [u.status for u in incident.updates] == ["investigating"]
    assert "retries may fail" in incident.updates[0].text
    assert "read this" in incident.updates[0].text


@pytest.mark.parametrize("body", [
    # An older update of the incident uses a maintenance word: the standing status is open.
    update("Investigating", 27, "11:00", "Errors again.") + update("Scheduled", 27, "10:00", "x"),
    # A maintenance word quoted inside an update's text, inline and opening a paragraph.
    update("Investigating", 27, "11:00", "Maintenance <strong>Completed</strong> - earlier.")
    + "<p><strong>Completed</strong> - quoted</p>",
    update("Identified", 27, "11:00", "Found it.<p><strong>Resolved</strong> - quoted</p>"),
])
def test_an_open_incident_with_a_maintenance_word_elsewhere_stays_an_open_incident(body):
    reading = read(atom(("i", "Errors", body)))
    assert reading.maintenances == ()
    [incident] = reading.incidents
    assert incident.status.says_open
    status = decide(reading, WHOLE_PAGE, built_at=NOW, live=True)
    assert status.verdict is State.DEGRADED and status.incident is not None


def test_a_maintenance_with_an_older_incident_word_stays_a_maintenance():
    body = update("In progress", 27, "11:00", "Working.") + update("Investigating", 27, "10:00",
                                                                   "earlier words")
    reading = read(atom(("m", "Upgrade", body)))
    [maintenance] = reading.maintenances
    assert maintenance.status is MaintenanceStatus.IN_PROGRESS and reading.incidents == ()
