"""Property: whatever arrives, the parsers return a Reading or raise UpstreamError, nothing else.

The format parsers are called directly as well as through `parse`, because `parse` also has a
second line of defence that turns stray exceptions into UpstreamError: calling them directly
checks that they do not need it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from records import leaf_fields
from status_engine.errors import UpstreamError
from status_engine.formats import feed, incidentio, parse, statuspage
from status_engine.model import Reading

NOW = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)
PROPERTY = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

KEYS = ["summary", "structure", "items", "group", "component", "components", "component_id",
        "name", "hidden", "affected_components", "current_status", "status",
        "ongoing_incidents", "updates", "published_at", "message", "message_string",
        "to_status", "scheduled_maintenances", "id", "public_url", "page", "url", "incidents",
        "incident_updates", "body", "shortlink", "indicator", "group_id", "type", "content",
        "text", "text_node", "markdown", "starts_at", "ends_at", "scheduled_for",
        "scheduled_until", "start_at", "component_impacts", "created_at", "impact"]
WORDS = ["operational", "degraded_performance", "partial_outage", "full_outage", "major_outage",
         "under_maintenance", "none", "minor", "critical", "maintenance", "investigating",
         "resolved", "maintenance_in_progress", "doc", "paragraph", "text", "hard_break",
         "list_item", "https://status.openai.com/", "javascript:alert(1)",
         "2026-09-10T08:12:30.801578Z", "2026-09-10T01:12:30-07:00", "0001-01-01T00:00:00+01:00",
         "9999-12-31T23:59:59-01:00", "<script>alert(1)</script>", "<![foo[ x ]]>"]

leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
          | st.text(max_size=12) | st.sampled_from(WORDS))
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=6),
    max_leaves=40,
)


def shaped(**fields: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A dict with any subset of the real keys, each holding its expected shape or any JSON."""
    return st.fixed_dictionaries({}, optional={k: v | json_values for k, v in fields.items()})


def full(**fields: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A dict with every key (mostly well-shaped): the top level, so the depths get reached."""
    return st.fixed_dictionaries({k: v | json_values for k, v in fields.items()})


def some(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """A list of mostly well-shaped items with the odd stray value among them."""
    return st.lists(strategy | leaves, max_size=3)


# Shapes that pass detection and mirror the real nesting, so the format parsers themselves
# get exercised at every level, not just turned away at the door.
word = st.sampled_from(WORDS) | st.text(max_size=8)
affected = shaped(component_id=word, status=word, current_status=word)
pm_doc = json_values | st.builds(lambda t: {"type": "doc", "content": [
    {"type": "paragraph", "content": [{"type": "text", "text": t}]}]}, word)
io_update = shaped(published_at=word, to_status=word, message_string=word, message=pm_doc)
io_incident = shaped(id=word, name=word, status=word, type=word, published_at=word,
                     affected_components=some(affected), updates=some(io_update),
                     component_impacts=some(shaped(start_at=word, component_id=word)),
                     starts_at=word, ends_at=word)
io_component = shaped(component_id=word, name=word, hidden=st.booleans())
io_item = shaped(group=shaped(name=word, hidden=st.booleans(), components=some(io_component)),
                 component=io_component)
VALID = {"id": "c1", "component_id": "c1", "name": "Conversations", "status": "operational"}
incidentio_like = st.builds(lambda s: {"summary": s}, full(
    name=word, public_url=word, components=st.lists(shaped(id=word, name=word)).map(
        lambda c: [*c, VALID]),
    structure=shaped(items=some(io_item)), affected_components=some(affected),
    ongoing_incidents=some(io_incident), scheduled_maintenances=some(io_incident)))

sp_update = shaped(status=word, body=word, created_at=word, display_at=word)
sp_incident = shaped(id=word, name=word, status=word, impact=word, created_at=word,
                     started_at=word, shortlink=word, incident_updates=some(sp_update),
                     components=some(shaped(id=word)), scheduled_for=word,
                     scheduled_until=word)
sp_component = shaped(id=word, name=word, status=word, group=st.booleans(), group_id=word)
statuspage_like = st.builds(lambda c, rest: {**rest, "components": [*c, VALID]},
                            some(sp_component),
                            full(page=shaped(name=word, url=word),
                                   status=shaped(indicator=word),
                                   incidents=some(sp_incident),
                                   scheduled_maintenances=some(sp_incident)))


def assert_well_formed(reading: Reading) -> None:
    assert isinstance(reading, Reading)
    for name, value in leaf_fields(reading):
        if name in ("name", "page_name", "id", "text", "status", "format", "source"):
            assert isinstance(value, str), (name, value)
        if name in ("group", "url"):
            assert value is None or isinstance(value, str), (name, value)
        if name == "url" and value is not None:
            assert value.startswith("https://")


def outcome(call: Any) -> None:
    try:
        reading = call()
    except UpstreamError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert_well_formed(reading)


@PROPERTY
@given(json_values | incidentio_like | statuspage_like)
def test_any_json_through_parse(data: Any) -> None:
    outcome(lambda: parse(json.dumps(data).encode(), "application/json", "prop", NOW))


@PROPERTY
@given(incidentio_like)
def test_incidentio_parser_never_needs_the_safety_net(data: Any) -> None:
    outcome(lambda: incidentio.parse_summary(data, "prop", NOW))


@PROPERTY
@given(statuspage_like)
def test_statuspage_parser_never_needs_the_safety_net(data: Any) -> None:
    outcome(lambda: statuspage.parse_summary(data, "prop", NOW))


@PROPERTY
@given(st.binary(max_size=300) | st.builds(
    lambda p, b: p + b, st.sampled_from([b"{", b"[", b"<", b"<?xml ", b"\xef\xbb\xbf"]),
    st.binary(max_size=200)))
def test_any_bytes(data: bytes) -> None:
    outcome(lambda: parse(data, None, "prop", NOW))


snippets = st.text(max_size=30) | st.sampled_from(
    ["<b>Status: Investigating</b>", "<b>Status: Resolved</b>", "Status: In progress",
     "<b>Affected components</b>", "<ul>", "<li>Login (Full outage)</li>", "<li>", "</ul>",
     "<br/>", "<script>", "(", ")", "•", "<![foo["])
bodies = st.lists(snippets, max_size=8).map("".join)
entry_fields = st.fixed_dictionaries({
    "title": st.text(max_size=20), "link": st.text(max_size=20) | st.sampled_from(
        ["https://status.openai.com//incidents/01X", "javascript:alert(1)"]),
    "date": st.text(max_size=20) | st.sampled_from(
        ["Wed, 09 Sep 2026 12:00:00 GMT", "2026-09-10T08:12:30.97Z", "Wed, 99 Foo"]),
    "body": bodies,
})


def xml_safe(value: str) -> str:
    """Only characters XML 1.0 allows: the property is about our parser, not about expat."""
    return "".join(ch for ch in value if ch in "\t\n\r" or " " <= ch <= "\ud7ff"
                   or "\ue000" <= ch <= "\ufffd")


def render_feed(kind: str, entries: list[dict[str, str]]) -> bytes:
    clean = [{k: xml_safe(v) for k, v in e.items()} for e in entries]
    if kind == "atom":
        items = "".join(
            f"<entry><title>{escape(e['title'])}</title><id>{escape(e['link'])}</id>"
            f"<link href={quoteattr(e['link'])}/><updated>{escape(e['date'])}</updated>"
            f"<summary type='html'>{escape(e['body'])}</summary></entry>" for e in clean)
        return f"<feed xmlns='http://www.w3.org/2005/Atom'>{items}</feed>".encode()
    items = "".join(
        f"<item><title>{escape(e['title'])}</title><link>{escape(e['link'])}</link>"
        f"<pubDate>{escape(e['date'])}</pubDate><description>{escape(e['body'])}</description>"
        "</item>" for e in clean)
    return f"<rss><channel>{items}</channel></rss>".encode()


@PROPERTY
@given(st.sampled_from(["atom", "rss"]), st.lists(entry_fields, max_size=4))
def test_any_feed_entries(kind: str, entries: list[dict[str, str]]) -> None:
    data = render_feed(kind, entries)
    root = feed.load(data)
    # feeds always parse: a feed of odd entries is still a feed
    assert_well_formed(feed.parse_root(root, "prop", NOW))
    assert_well_formed(parse(data, "application/xml", "prop", NOW))
