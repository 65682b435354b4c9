"""Upstream payload -> Reading: recognise the format from the body, then hand it to its parser.

The body decides, not the URL: the same URL can answer with something else (a blocked fetch
gets an HTML challenge page with status 200: tests/fixtures/README.md), and the same JSON shape
is served under many paths. The content type is only a hint, used to name a challenge page for
what it is. Everything that cannot be read raises `UpstreamError` with one line that says what
was wrong; no other exception leaves `parse`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from ..errors import UpstreamError
from ..model import Reading
from . import incidentio, statuspage

_SNIFF_BYTES = 4096
# First elements that only an HTML page starts with; a feed's root is <feed> or <rss>.
_HTML_TAGS = {"html", "head", "body", "meta", "title", "script", "style", "link", "div", "p",
              "noscript", "iframe", "center", "h1", "h2", "table", "pre", "form", "a", "span",
              "main", "header", "section", "img", "br"}
_PROLOGUE = re.compile(r"^(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
# Failures of a parser on a shape it did not expect: turned into UpstreamError, never shown as
# a traceback. The parsers are written not to raise these; this is the second line of defence.
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError,
                 OverflowError, AssertionError, LookupError)


def parse(body: bytes, content_type: str | None, source: str, fetched_at: datetime) -> Reading:
    """Parse one fetched payload; `source` and `fetched_at` are recorded, never interpreted."""
    kind = _label(content_type)
    if not isinstance(body, (bytes, bytearray)):
        raise UpstreamError(f"expected the body as bytes, got {type(body).__name__}")
    head = _head(bytes(body))
    if not head:
        raise UpstreamError(f"empty body ({kind}): nothing to read")
    try:
        if head[0] in "{[":
            return _from_json(bytes(body), kind, source, fetched_at)
        if head[0] == "<":
            return _from_markup(bytes(body), head, kind, source, fetched_at)
    except UpstreamError:
        raise
    except _SHAPE_ERRORS as exc:
        raise UpstreamError(f"status data of an unexpected shape ({kind}): "
                            f"{type(exc).__name__} while reading it") from None
    if "html" in kind:
        raise UpstreamError(f"got an HTML page ({kind}), not status data: "
                            "a challenge page or a moved site?")
    raise UpstreamError(f"got neither JSON nor XML ({kind}): not status data")


def _label(content_type: str | None) -> str:
    """The media type, safe to put in a log line: upstream controls this header too."""
    media = (content_type or "").split(";")[0].strip().lower()
    media = re.sub(r"[^a-z0-9.+/-]", "", media)[:60]
    return media or "no content type"


def _head(body: bytes) -> str:
    """The start of the body as text, without a BOM or leading whitespace, for sniffing."""
    return body[:_SNIFF_BYTES].decode("utf-8-sig", errors="replace").lstrip()


def _from_json(body: bytes, kind: str, source: str, fetched_at: datetime) -> Reading:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise UpstreamError(f"truncated or invalid JSON ({kind}): {exc.msg} at line {exc.lineno}"
                            f" column {exc.colno}") from None
    except RecursionError:
        raise UpstreamError(f"JSON nested too deeply to be status data ({kind})") from None
    except ValueError:  # undecodable bytes, or an integer past Python's digit limit
        raise UpstreamError(f"JSON that cannot be decoded ({kind})") from None
    if incidentio.is_incidentio(data):
        return incidentio.parse_summary(data, source, fetched_at)
    if statuspage.is_statuspage(data):
        return statuspage.parse_summary(data, source, fetched_at)
    raise UpstreamError(f"JSON of an unexpected shape ({_describe(data)}): not an incident.io "
                        "or Statuspage summary with components")


def _describe(data: Any) -> str:
    """A short, log-safe description of a JSON value: its type, or its first keys."""
    if not isinstance(data, dict):
        return f"a top-level {type(data).__name__}"
    keys = [re.sub(r"[^A-Za-z0-9_.-]", "", str(k))[:30] for k in list(data)[:6]]
    return "keys: " + (", ".join(k for k in keys if k) or "none")


def _from_markup(body: bytes, head: str, kind: str, source: str, fetched_at: datetime) -> Reading:
    if _looks_like_html(head, kind):
        raise UpstreamError(f"got an HTML page ({kind}), not status data: "
                            "a challenge page or a moved site?")
    from . import feed  # defusedxml and the date parsers: only when a body is XML

    root = feed.load(body)
    return feed.parse_root(root, source, fetched_at)


def _looks_like_html(head: str, kind: str) -> bool:
    """An HTML doctype or an HTML first element; with an HTML content type, anything that does
    not start like a feed. A real feed served as text/html still parses."""
    rest = _PROLOGUE.sub("", head, count=1).lower()
    if rest.startswith("<!doctype"):
        return "html" in rest[:rest.find(">") + 1 or 200]
    first = re.match(r"<([a-z][a-z0-9:_-]*)", rest)
    name = first.group(1) if first else ""
    if name in _HTML_TAGS:
        return True
    return "html" in kind and name not in ("feed", "rss")
