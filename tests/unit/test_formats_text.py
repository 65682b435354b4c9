"""HTML, ProseMirror and markdown bodies to plain text; links kept only when https on one host."""

from __future__ import annotations

import pytest

from status_engine.formats.feed import read_body
from status_engine.formats.text import html_to_text, prosemirror_to_text
from status_engine.model import State


@pytest.mark.parametrize(("raw", "text"), [
    ("plain words", "plain words"),
    ("<p>One</p><p>Two</p>", "One\n\nTwo"),
    ("line<br>break<br/>again<br />end", "line\nbreak\nagain\nend"),
    ("<ul><li>Web</li><li>Mobile</li></ul>", "• Web\n• Mobile"),
    ("Tom &amp; Jerry &lt;3 &#8212; &quot;ok&quot;", 'Tom & Jerry <3 — "ok"'),
    ("<b>bold</b>   and\t\tspaced", "bold and spaced"),
    ("<script>alert(1)</script>after", "after"),
    ("<style>p{}</style><p>kept</p>", "kept"),
    ('<a href="javascript:alert(1)">the words</a>', "the words"),
    ("<img src=x onerror=y>", ""),
    ("See [the docs](https://example.com) and **this**", "See the docs and this"),
    ("## Heading\n- one\n- two", "Heading\n• one\n• two"),
    ("a\u202eb\u200bc\x07d", "abc d"),  # bidi override and zero-width go, a bell is a space
    ("<![foo[ x ]]>tail", "tail"),  # html.parser asserts here; the fallback still reads
    ("", ""),
    (None, ""),
    (42, ""),
])
def test_html_to_text(raw: object, text: str) -> None:
    assert html_to_text(raw) == text


def test_html_to_text_caps_length() -> None:
    assert len(html_to_text("x" * 100_000)) == 5000


@pytest.mark.parametrize(("doc", "text"), [
    ({"type": "doc", "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "Hello "}, {"type": "text", "text": "world", "marks": [
            {"type": "link", "attrs": {"href": "javascript:alert(1)"}}]}]}]}, "Hello world"),
    ({"type": "doc", "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "One"}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "a"},
                                          {"type": "hard_break"}, {"type": "text", "text": "b"}]}]},
     "One\n\na\nb"),
    ({"feature_set": "basic", "text_node": {"type": "doc", "content": [
        {"type": "bulletList", "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "x"}]}]}]}]}}, "• x"),
    ({"feature_set": "basic", "markdown": "**Fixed** in [v2](https://x)"}, "Fixed in v2"),
    ({"type": "doc", "content": "not a list"}, ""),
    ("just a string", ""),
    (None, ""),
])
def test_prosemirror_to_text(doc: object, text: str) -> None:
    assert prosemirror_to_text(doc) == text


def test_prosemirror_depth_is_bounded() -> None:
    doc: dict = {"type": "text", "text": "deep"}
    for _ in range(5000):
        doc = {"type": "paragraph", "content": [doc]}
    assert prosemirror_to_text(doc) == ""


def test_feed_body_reading() -> None:
    body = read_body(
        "<b>Status: Monitoring</b><br/><br/>Recovery is underway.<br/>Status: resolved soon."
        "<br/><br/><b>Affected components</b>\n<ul>\n<li>Mobile (iOS) (Full outage)</li>\n"
        "<li>Search (Sparkly)</li><li>No state</li></ul>")
    assert body.status == "monitoring"
    assert body.components == (("Mobile (iOS)", State.MAJOR_OUTAGE), ("Search", State.UNKNOWN),
                               ("No state", State.UNKNOWN))
    assert body.text == "Recovery is underway.\nStatus: resolved soon."
    assert read_body("no header at all").status == "unknown"


def test_feed_components_after_a_long_update_are_still_read() -> None:
    body = read_body("<b>Status: Investigating</b><br/>" + "words " * 3000 + "<br/><br/>"
                     "<b>Affected components</b><ul><li>Login (Partial outage)</li></ul>")
    assert body.components == (("Login", State.PARTIAL_OUTAGE),)
    assert len(body.text) == 5000
