"""Format detection from the body, one-line errors for everything else, hostile text stays text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from records import leaf_fields
from status_engine.errors import UpstreamError
from status_engine.formats import parse
from status_engine.model import Incident, Maintenance, Reading, State

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = datetime(2026, 9, 10, 10, 0, tzinfo=UTC)
HOSTILE = ('<script>alert(1)</script> " onmouseover="x javascript:alert(1) '
           '<img src=x onerror=y>')


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse_bytes(data: bytes, content_type: str | None = "application/json") -> Reading:
    return parse(data, content_type, "https://status.example.com/somewhere", NOW)


@pytest.mark.parametrize(("name", "content_type", "expected"), [
    # the body decides, whatever the URL or the header claims
    ("incidentio_degraded.json", "text/html; charset=utf-8", "incidentio"),
    ("incidentio_degraded.json", None, "incidentio"),
    ("statuspage_degraded.json", "application/atom+xml", "statuspage"),
    ("statuspage_degraded.json", "text/plain", "statuspage"),
    ("feed_open_and_resolved.atom", "application/json", "feed"),
    ("feed_open_and_resolved.atom", "text/html", "feed"),
    ("feed_open_and_resolved.rss", None, "feed"),
])
def test_detection_follows_the_body(name: str, content_type: str | None, expected: str) -> None:
    assert parse_bytes(body(name), content_type).format == expected


def test_bom_and_leading_whitespace_are_fine() -> None:
    assert parse_bytes(b"\xef\xbb\xbf\n  " + body("statuspage_operational.json")).format == \
        "statuspage"
    assert parse_bytes(b"\xef\xbb\xbf" + body("feed_open_and_resolved.rss")).format == "feed"


BAD = [
    # (body, content type, words the one-line message must contain)
    (body("bad_challenge_page.html"), "text/html", "got an HTML page (text/html)"),
    (body("bad_challenge_page.html"), "application/json", "got an HTML page"),
    (b"<?xml version='1.0'?><!DOCTYPE html><html><body>moved</body></html>", None,
     "got an HTML page"),
    (b"<head><title>Attention Required!</title></head>", None, "got an HTML page"),
    (b"<error>moved</error>", "text/html", "got an HTML page"),
    (b"Just a moment...", "text/html", "got an HTML page"),
    (body("bad_truncated.json"), "application/json", "truncated or invalid JSON"),
    (body("bad_wrong_shape.json"), "application/json", "JSON of an unexpected shape"),
    (body("bad_statuspage_status_only.json"), "application/json", "keys: page, status"),
    (b"[1, 2, 3]", "application/json", "a top-level list"),
    (b'{"summary": {"name": "x"}}', None, "lists no visible components"),
    (b'{"page": {}, "components": [{"id": "g", "group": true}]}', None, "lists no components"),
    (body("bad_empty.json"), "application/json", "empty body"),
    (b" \n\t ", None, "empty body"),
    (body("bad_entity_bomb.xml"), "application/atom+xml", "DTD"),
    (body("bad_dtd_external.xml"), "application/rss+xml", "DTD"),
    (body("bad_not_a_feed.xml"), "application/xml", "not an Atom or RSS feed"),
    (b"<rss><channel><item>", "application/rss+xml", "malformed or truncated XML"),
    (b"<rss><channel>&undefined;</channel></rss>", None, "malformed or truncated XML"),
    (b"\x00\xff\xfe garbage", "application/octet-stream", "neither JSON nor XML"),
    (b"[" * 100_000, None, "JSON"),
    (b"1" * 5000, None, "neither JSON nor XML"),
    (b"[" + b"1" * 5000 + b"]", None, "JSON that cannot be decoded"),
]


@pytest.mark.parametrize(("data", "content_type", "words"), BAD,
                         ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_bodies_raise_one_clear_line(data: bytes, content_type: str | None,
                                         words: str) -> None:
    with pytest.raises(UpstreamError) as caught:
        parse_bytes(data, content_type)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and len(message) < 200


def test_hostile_content_type_is_not_echoed() -> None:
    with pytest.raises(UpstreamError) as caught:
        parse_bytes(b"<html></html>", 'text/html"><script>alert(1)</script>\nX: y')
    assert "<script>" not in str(caught.value) and "\n" not in str(caught.value)


def test_wrong_shapes_inside_a_known_format_become_unknown_not_errors() -> None:
    weird = {"summary": {"structure": {"items": [
        {"group": {"name": 5, "components": [{"component_id": "a", "name": ["x"]}, "junk", None]}},
        {"component": "junk"}, 7]},
        "affected_components": "all of them", "ongoing_incidents": {"not": "a list"},
        "scheduled_maintenances": [{"id": 3, "updates": [{"published_at": 1e308}]}]}}
    reading = parse_bytes(json.dumps(weird).encode())
    assert [(c.id, c.name, c.group) for c in reading.components] == [("a", "a", None)]
    assert reading.maintenances[0].id == "3"


def test_unknown_enums_cost_only_their_field() -> None:
    reading = parse_bytes(body("incidentio_unknown_enums.json"))
    states = {c.name: c.state for c in reading.components if c.group == "ChatGPT"}
    assert states["Conversations"] is State.UNKNOWN
    assert states["Login"] is State.DEGRADED  # the neighbour is still read
    incident = reading.incidents[0]
    assert incident.name == "A future incident" and incident.updates[0].text == "Something new."
    assert incident.status.value == "unknown" and incident.status.is_open
    sp_reading = parse_bytes(body("statuspage_unknown_enums.json"))
    assert sp_reading.indicator is State.UNKNOWN
    assert sp_reading.maintenances[0].starts_at == datetime(2026, 9, 12, 2, tzinfo=UTC)


@pytest.mark.parametrize("name", ["incidentio_hostile.json", "statuspage_hostile.json",
                                  "feed_hostile.atom", "feed_hostile.rss"])
def test_hostile_strings_come_out_as_inert_text(name: str) -> None:
    reading = parse_bytes(body(name))
    items: list[Incident | Maintenance] = [*reading.incidents, *reading.maintenances]
    assert items, "the hostile fixture must still produce incidents or maintenances"
    # no link survives unless it is a clean https URL with a host
    for item in items:
        assert item.url is None, item.url
    # HTML bodies are reduced to text: no tag, no script content
    for incident in reading.incidents:
        for update in incident.updates:
            assert "<" not in update.text and "alert(1)</script>" not in update.text
            assert update.status.replace("_", "").isalnum()
    for maintenance in reading.maintenances:
        assert "<" not in maintenance.text
    # names are plain text, kept as written (escaping is the renderer's job), on one line
    for field, value in leaf_fields(reading):
        if field == "group" and value is None:
            continue
        if field in ("name", "page_name", "id", "group", "text", "status", "source", "format"):
            assert isinstance(value, str), (field, value)
            if field != "text":
                assert "\n" not in value
    assert HOSTILE in {item.name for item in items}


def test_hostile_statuspage_keeps_no_shortlink_or_page_link() -> None:
    reading = parse_bytes(body("statuspage_hostile.json"))
    assert reading.page_name == HOSTILE
    assert reading.indicator is State.UNKNOWN
    assert {c.state for c in reading.components} == {State.OPERATIONAL, State.UNKNOWN}


def test_names_lose_control_and_invisible_characters() -> None:
    data = json.loads(body("statuspage_operational.json"))
    data["components"][2]["name"] = "Conver\u202esations\nX\u200b\tY"
    reading = parse_bytes(json.dumps(data).encode())
    assert reading.components[0].name == "Conversations X Y"


def test_times_at_the_edge_of_the_calendar_are_unknown_not_errors() -> None:
    data = json.loads(body("incidentio_degraded.json"))
    incident = data["summary"]["ongoing_incidents"][0]
    incident["published_at"] = "0001-01-01T00:00:00+01:00"
    incident["component_impacts"] = [{"start_at": "9999-12-31T23:59:59-01:00"}]
    reading = parse_bytes(json.dumps(data).encode())
    assert reading.incidents[0].started_at is None


def test_a_parser_bug_still_ends_as_upstream_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from status_engine.formats import incidentio

    def broken(*_args: object) -> Reading:
        raise KeyError("surprise")

    monkeypatch.setattr(incidentio, "parse_summary", broken)
    with pytest.raises(UpstreamError, match=r"unexpected shape .* KeyError"):
        parse_bytes(body("incidentio_degraded.json"))
