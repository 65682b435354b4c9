"""history.atom: an Atom feed (RFC 4287) of the history's incidents, most recently changed first.

Built with ElementTree, which escapes every text and attribute, so no upstream string can add
markup; entries are plain text (type="text").
"""

from __future__ import annotations

import heapq
from datetime import UTC, datetime
from urllib.parse import quote, urljoin
from xml.etree import ElementTree as ET

from ..history.model import Entry, History, incident_state
from ..labels import INCIDENT_STATUSES, STATES
from ..model import isoformat
from ..templating import safe_link

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 100
OLDEST = datetime.min.replace(tzinfo=UTC)


def atom_feed(history: History, *, subject: str, site_url: str, status_host: str,
              built_at: datetime) -> bytes:
    """An Atom feed with an entry per incident, most recently changed first."""
    ET.register_namespace("", ATOM_NS)
    home = site_url or f"https://{status_host}/"
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    # Ties broken by id, so the choice never depends on dict order (history.store relies on it).
    latest = heapq.nlargest(FEED_ENTRIES, history.entries.values(),
                            key=lambda e: (_changed(e), e.id))
    _text(feed, "id", urljoin(home, "history.atom"))
    _text(feed, "title", f"{subject} incident history")
    _text(feed, "updated", isoformat(max((_changed(e) for e in latest), default=built_at)
                                     if latest else built_at))
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author, "name", f"{subject} status (from {status_host})")
    _link(feed, urljoin(home, "history.atom"), "self", "application/atom+xml")
    _link(feed, urljoin(home, "history/"), "alternate", "text/html")
    for entry in latest:
        feed.append(_entry(entry, home, status_host))
    body: bytes = ET.tostring(feed, encoding="utf-8")  # typeshed types it Any for an encoding
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def _changed(entry: Entry) -> datetime:
    return entry.updated_at or entry.started_at or entry.first_seen_at or OLDEST


def _entry(entry: Entry, home: str, host: str) -> ET.Element:
    node = ET.Element(f"{{{ATOM_NS}}}entry")
    # A stable IRI per incident, so feed readers update the entry in place on each change.
    _text(node, "id", urljoin(home, "history/") + "#incident-" + quote(entry.id, safe=""))
    _text(node, "title", f"{entry.name or 'Unnamed incident'} ({INCIDENT_STATUSES[entry.status]})")
    _text(node, "updated", isoformat(_changed(entry)))
    if entry.started_at:
        _text(node, "published", isoformat(entry.started_at))
    _link(node, safe_link(entry.url, host) or urljoin(home, "history/"), "alternate",
          "text/html")
    lines = [f"Status: {INCIDENT_STATUSES[entry.status]}",
             f"Impact: {STATES[incident_state(entry)].impact}",
             f"Started: {isoformat(entry.started_at) or 'unknown'}"]
    if entry.resolved_at:
        lines.append(f"Resolved: {isoformat(entry.resolved_at)}")
    if entry.components:
        lines.append("Components: " + ", ".join(a.name for a in entry.components))
    if entry.latest_text:
        lines += ["", entry.latest_text]
    content = _text(node, "content", "\n".join(lines))
    content.set("type", "text")
    return node


def _text(parent: ET.Element, tag: str, value: str | None) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    child.text = _xml_safe(value or "")
    return child


def _link(parent: ET.Element, href: str, rel: str, media: str) -> None:
    ET.SubElement(parent, f"{{{ATOM_NS}}}link", {"href": href, "rel": rel, "type": media})


def _xml_safe(text: str) -> str:
    # Control characters are not allowed in XML 1.0 even escaped; upstream text may hold them.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
