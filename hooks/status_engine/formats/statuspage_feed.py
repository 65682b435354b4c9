"""The update timeline inside an Atlassian Statuspage history-feed entry (`/history.atom|rss`).

Statuspage writes every update of an incident into one entry, newest first:
`<p><small>Sep <var data-var='date'>3</var>, <var data-var='time'>17:11</var> UTC</small><br>
<strong>Resolved</strong> - This incident has been resolved.</p>`. Older pages have no `<var>`;
the date has no year; the body may reach us entity-escaped once more than XML explains.

The status of the entry is the newest update's word, except "Update": that word only adds text,
so the status it leaves standing is the newest other word of the timeline. A timeline made only
of "Update"s has no readable status ("unknown"): the verdict shows it as "status unknown" and
never counts it as open or as resolved. The entry is a maintenance when the status that stands
is a maintenance word: an incident whose older update says "Scheduled", or whose text quotes
"<strong>Completed</strong> -", stays an incident.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from html import unescape
from typing import NamedTuple

from .shape import MAINTENANCE_STATUSES, token
from .text import html_to_text

INCIDENT_WORDS = frozenset({"investigating", "identified", "monitoring", "resolved", "postmortem"})
_WORDS = INCIDENT_WORDS | set(MAINTENANCE_STATUSES) | {"update"}
# The date is optional only where the word opens a paragraph (a copy without the <small> dates
# is still read: tests/unit/test_statuspage_feed.py), so a bold word inside an update's prose
# never starts a new update.
_UPDATE = re.compile(
    r"(?:<small\b[^>]*>(?P<date>.*?)</small>\s*(?:<br\s*/?>\s*)*|(?:^|<p\b[^>]*>)\s*)"
    r"<strong\b[^>]*>\s*(?P<word>[^<]{1,40}?)\s*</strong>\s*(?:-|–|&#8211;|&ndash;)",
    re.IGNORECASE | re.DOTALL)
_DATE = re.compile(
    r"(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2}),?\s*(?:(?P<year>\d{4})\s*-?\s*)?"
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?\s*"
    r"(?P<tz>(?:UTC|GMT|Z)(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})?(?![\w:])",
    re.IGNORECASE)
_MONTHS = {m: n for n, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


class TimelineUpdate(NamedTuple):
    at: datetime | None  # None when the date is in a zone we cannot place (PST, CET...)
    word: str  # the status word as a token: "resolved", "in_progress", "update", ...
    text: str


class Timeline(NamedTuple):
    updates: tuple[TimelineUpdate, ...]  # newest first, as Statuspage writes them
    status: str  # the status that stands (see the module's docstring), "unknown" if none
    maintenance: bool  # the status that stands is a maintenance word


def read_timeline(html: str, reference: datetime | None) -> Timeline | None:
    """The timeline of a Statuspage entry, or None when the entry is not in that markup."""
    if "<strong" not in html.lower() and "&lt;strong" in html.lower():
        html = unescape(html)  # escaped once more than the XML explained
    # Without its date, only a status word we know marks an update: a bold "Note" - at the
    # start of an incident.io paragraph is prose.
    matches = [m for m in _UPDATE.finditer(html)
               if m.group("date") is not None or token(html_to_text(m.group("word"))) in _WORDS]
    if any(m.group("date") is not None for m in matches):
        # Statuspage dates every update's header: an undated bold word opening a paragraph is
        # then the text of an update (a quote), never a status.
        matches = [m for m in matches if m.group("date") is not None]
    if not matches:
        return None
    updates = []
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(html)
        updates.append(TimelineUpdate(
            at=_date(html_to_text(match.group("date")), reference),
            word=token(html_to_text(match.group("word"))),
            text=html_to_text(html[match.end():end])))
    words = [u.word for u in updates]
    standing = next((w for w in words if w in INCIDENT_WORDS or w in MAINTENANCE_STATUSES),
                    "unknown")
    maintenance = standing in MAINTENANCE_STATUSES or (
        standing == "unknown" and any(w in MAINTENANCE_STATUSES for w in words))
    return Timeline(tuple(updates), standing, maintenance)


def _date(text: str, reference: datetime | None) -> datetime | None:
    """'Sep 3, 17:11 UTC' (or '+02:00', or with a year) in UTC. Without a year, the year of the
    entry's own date, or the one before when that would put the update after the entry."""
    match = _DATE.search(" ".join(text.split()))
    month = _MONTHS.get((match.group("mon") if match else "").lower())
    if not match or not month or not match.group("tz"):
        return None
    zone = _zone(match.group("tz"))
    if zone is None:
        return None
    year = int(match.group("year")) if match.group("year") else (
        reference.year if reference else None)
    if year is None:
        return None
    try:
        at = datetime(year, month, int(match.group("day")), int(match.group("h")),
                      int(match.group("m")), tzinfo=zone).astimezone(UTC)
        if not match.group("year") and reference and at > reference + timedelta(days=1):
            at = at.replace(year=year - 1)
    except (ValueError, OverflowError):
        return None
    return at


def _zone(raw: str) -> timezone | None:
    """UTC, GMT, Z, "+02:00", "-0800", or "GMT+0" / "UTC+5:30" as some copies write it."""
    offset = re.sub(r"^(?:UTC|GMT|Z)", "", raw.upper())
    if not offset:
        return UTC
    sign, rest = offset[0], offset[1:]
    hours_text, _, minutes_text = rest.partition(":")
    if not minutes_text and len(hours_text) == 4:
        hours_text, minutes_text = hours_text[:2], hours_text[2:]
    hours, minutes = int(hours_text), int(minutes_text or 0)
    if hours > 23 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if sign == "-" else delta)
