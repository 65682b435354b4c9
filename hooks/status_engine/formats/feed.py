"""Atom and RSS incident feeds (`/feed.atom`, `/history.rss`, ...), as incident.io writes them.

Each entry is one incident (or maintenance). incident.io writes only its latest update, as HTML
in CDATA: `<b>Status: Investigating</b><br/><br/>text<br/><br/><b>Affected components</b><ul>
<li>Name (Degraded performance)</li></ul>`. Atlassian Statuspage writes the whole timeline, newest
first, each update as `<small>Sep <var data-var='date'>3</var>, 17:11 UTC</small><br><strong>
Resolved</strong> - text` (see `statuspage_feed.py`). Feeds carry no component list, so the
reading's components are only those named by open entries, and `components_known` is False.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import NamedTuple
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import fromstring

from ..errors import UpstreamError
from ..model import (Component, Incident, IncidentStatus, Maintenance, MaintenanceStatus, Reading,
                     State, Update, enum_value, utc)
from .shape import MAINTENANCE_STATUSES, component_state, ident, impact_of, plain, token, when
from .statuspage_feed import Timeline, read_timeline
from .text import html_to_text, https_url, tidy

FORMAT = "feed"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_ACTIVE_MAINTENANCE = {MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING}
_STATUS_LINE = re.compile(r"^Status:\s*(.+)$", re.IGNORECASE)
_COMPONENT_LINE = re.compile(r"^•\s*(.+?)\s*\(([^()]*)\)\s*$")
_INCIDENT_PATH = re.compile(r"/incidents/([^/?#]+)")


class Entry(NamedTuple):
    """One feed entry, format differences already smoothed over."""

    title: str
    link: str | None
    guid: str
    published: datetime | None
    updated: datetime | None
    body: str  # HTML


def load(body: bytes) -> Element:
    """The XML tree, refusing DTDs and entities (defusedxml: no entity expansion bombs)."""
    try:
        root: Element = fromstring(body, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
        return root
    except DTDForbidden:
        raise UpstreamError("XML with a DTD (<!DOCTYPE>) refused: feeds need none, "
                            "and DTDs carry entity-expansion attacks") from None
    except EntitiesForbidden:
        raise UpstreamError("XML that declares entities refused (entity-expansion protection)"
                            ) from None
    except DefusedXmlException as exc:
        raise UpstreamError(f"unsafe XML refused ({type(exc).__name__})") from None
    except ParseError as exc:
        raise UpstreamError(f"malformed or truncated XML ({' '.join(str(exc).split())})"
                            ) from None
    except (ValueError, LookupError):
        raise UpstreamError("XML in an unreadable encoding") from None


def parse_root(root: Element, source: str, fetched_at: datetime) -> Reading:
    """A Reading from an Atom or RSS tree; UpstreamError for any other XML."""
    if root.tag == f"{ATOM}feed":
        title = root.findtext(f"{ATOM}title")
        entries = [_atom(e) for e in root.iter(f"{ATOM}entry")]
    elif root.tag == "rss":
        channel = root.find("channel")
        channel = channel if channel is not None else root
        title, entries = channel.findtext("title"), [_rss(i) for i in channel.iter("item")]
    else:
        raise UpstreamError("XML that is not an Atom or RSS feed (root element "
                            f"<{token(root.tag.rpartition('}')[2])}>)")
    read = [(entry, read_body(entry.body, entry.updated or entry.published))
            for entry in entries]
    incidents: list[Incident] = []
    maintenances: list[Maintenance] = []
    for entry, body in read:
        item = _item(entry, body)
        if isinstance(item, Maintenance):
            maintenances.append(item)
        else:
            incidents.append(item)
    return Reading(
        format=FORMAT, source=source, fetched_at=fetched_at, page_name=plain(title),
        components=_open_components(read), incidents=tuple(incidents),
        maintenances=tuple(maintenances), indicator=None, components_known=False,
    )


def _atom(entry: Element) -> Entry:
    links = entry.findall(f"{ATOM}link")
    alternate = [ln for ln in links if ln.get("rel") in (None, "alternate")] or links
    return Entry(
        title=entry.findtext(f"{ATOM}title") or "",
        link=alternate[0].get("href") if alternate else None,
        guid=entry.findtext(f"{ATOM}id") or "",
        published=_time(entry.findtext(f"{ATOM}published")),
        updated=_time(entry.findtext(f"{ATOM}updated")),
        body=entry.findtext(f"{ATOM}content") or entry.findtext(f"{ATOM}summary") or "",
    )


def _rss(item: Element) -> Entry:
    published = _time(item.findtext("pubDate"))
    return Entry(
        title=item.findtext("title") or "", link=item.findtext("link"),
        guid=item.findtext("guid") or "", published=published, updated=published,
        # incident.io duplicates the body in content:encoded; either may be blank.
        body=(item.findtext("description") or "").strip() or item.findtext(CONTENT) or "",
    )


def _time(raw: str | None) -> datetime | None:
    """Atom's ISO 8601 or RSS's RFC 822 ("Wed, 09 Sep 2026 12:00:00 GMT", "+0000", "Z")."""
    if not raw or not raw.strip():
        return None
    found = when(raw)
    if found is not None:
        return found
    try:
        return utc(parsedate_to_datetime(raw.strip()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class Body(NamedTuple):
    status: str  # the "Status:" word as a token, "unknown" when there is none
    components: tuple[tuple[str, State], ...]
    text: str  # the update's prose, without the status line and the component list
    timeline: Timeline | None = None  # Statuspage's every update, when the entry has them


def read_body(html: str, reference: datetime | None = None) -> Body:
    """Split an entry's HTML into its status word, its component list and its prose.
    `reference` (the entry's date) gives the year that Statuspage's update dates leave out."""
    timeline = read_timeline(html, reference)
    if timeline is not None:
        latest = timeline.updates[0]
        return Body(timeline.status, (), latest.text, timeline)
    status = "unknown"
    components: list[tuple[str, State]] = []
    prose: list[str] = []
    in_list = False
    # Uncapped here: the component list comes after the prose, which is capped on its own.
    for line in html_to_text(html, limit=len(html)).split("\n"):
        line = line.strip()
        header = _STATUS_LINE.match(line)
        if header and status == "unknown" and not any(prose):  # the header, not later prose
            status = token(header.group(1))
        elif line.lower().rstrip(":") == "affected components":
            in_list = True
        elif in_list and line.startswith("•"):
            item = _COMPONENT_LINE.match(line)
            name, state = (item.group(1), component_state(item.group(2))) if item else (
                line.lstrip("• "), State.UNKNOWN)
            components.append((plain(name), state))
        elif line or not in_list:  # prose after the list ends it; blank lines inside do not
            in_list = False
            prose.append(line)
    return Body(status, tuple((n, s) for n, s in components if n), tidy("\n".join(prose)))


def _entry_id(entry: Entry) -> str:
    """The incident's own id when the link or guid names it (so history merges with the JSON
    formats' ids), else the guid, else the link."""
    for candidate in (entry.link, entry.guid):
        match = _INCIDENT_PATH.search(candidate or "")
        if match:
            return ident(match.group(1))
    return ident(entry.guid) or ident(entry.link)


def _item(entry: Entry, body: Body) -> Incident | Maintenance:
    iid, name = _entry_id(entry), plain(entry.title) or "Untitled incident"
    url, names = https_url(entry.link), tuple(dict.fromkeys(n for n, _ in body.components))
    at = entry.updated or entry.published
    updates: tuple[Update, ...] = (Update(at=at, status=body.status, text=body.text),)
    started = entry.published or entry.updated
    if body.timeline is not None:
        updates = tuple(Update(at=u.at or (at if n == 0 else None), status=u.word, text=u.text)
                        for n, u in enumerate(body.timeline.updates))
        at = updates[0].at
        started = body.timeline.updates[-1].at or started
    if body.status in MAINTENANCE_STATUSES or (body.timeline and body.timeline.maintenance):
        return Maintenance(id=iid, name=name,
                           status=MAINTENANCE_STATUSES.get(body.status, MaintenanceStatus.UNKNOWN),
                           starts_at=started, url=url, component_ids=names, text=body.text)
    status = enum_value(IncidentStatus, body.status)
    return Incident(
        id=iid, name=name, status=status, impact=impact_of(s for _, s in body.components),
        started_at=started, url=url,
        resolved_at=None if status.is_open else at, updated_at=at, component_ids=names,
        updates=updates,
    )


def _open_components(read: list[tuple[Entry, Body]]) -> tuple[Component, ...]:
    """Components named by open incidents and running maintenances, each at its worst state.
    Names are the only ids a feed has; the same name in two products is one component here."""
    states: dict[str, State] = {}
    for _entry, body in read:
        active = (MAINTENANCE_STATUSES[body.status] in _ACTIVE_MAINTENANCE
                  if body.status in MAINTENANCE_STATUSES
                  else enum_value(IncidentStatus, body.status).says_open)
        for name, state in body.components if active else ():
            states[name] = State.worst([states.get(name, State.UNKNOWN), state])
    return tuple(Component(id=n, name=n, state=s, group=None) for n, s in states.items())
