"""The content's markup: the FAQ, the outage table and their JSON-LD from the loaded records,
and the review line and the "If it is down right now" block written into a page's Markdown.

Markup lives in `templates/`, autoescaped: every value there is text from the data files. The
if-down block's body is the operator's own Markdown from docs/, passed through as Markdown.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import jinja2

from .data import DataError, Outage, Question

FAQ_MARKER = "<!-- faq -->"
OUTAGES_MARKER = "<!-- outages -->"
IF_DOWN = ("<!-- if-down -->", "<!-- /if-down -->")
IF_DOWN_UNKNOWN = ("<!-- if-down:unknown -->", "<!-- /if-down:unknown -->")
OPERATIONAL, UNKNOWN = "operational", "unknown"

# Compiled once per process, not once per page or build.
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_faq(entries: tuple[Question, ...]) -> str:
    return _templates.get_template("faq.html").render(entries=entries)


def render_outages(outages: tuple[Outage, ...]) -> str:
    return _templates.get_template("outages.html").render(outages=outages)


def faq_jsonld(entries: tuple[Question, ...]) -> str:
    """schema.org FAQPage, safe inside <script>: no '<', '>' or '&' can end or bend the element."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": q.question,
             "acceptedAnswer": {"@type": "Answer", "text": q.answer}}
            for q in entries
        ],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def with_review_line(markdown: str, reviewed: datetime.date) -> str:
    """The review date, right under the page's first heading (or first, without one)."""
    line = _templates.get_template("reviewed.html").render(reviewed=reviewed).strip()
    heading = re.search(r"^# .*$", markdown, flags=re.MULTILINE)
    at = heading.end() if heading else 0
    return f"{markdown[:at]}\n\n{line}\n\n{markdown[at:].lstrip(chr(10))}"


def with_if_down_block(markdown: str, verdict: str) -> str:
    """Wrap the block's Markdown in its element, hidden when ChatGPT is operational."""
    before, body, after = _split(markdown, IF_DOWN)
    if IF_DOWN_UNKNOWN[0] in body:
        head, unknown, tail = _split(body, IF_DOWN_UNKNOWN)
        body = head + _element("if-down__unknown", unknown, shown=verdict == UNKNOWN) + tail
    block = _element("if-down", body, shown=verdict != OPERATIONAL, element_id="if-down")
    return before + block + after


def if_down_headings(markdown: str) -> list[str]:
    """The titles of the headings inside the if-down block (hidden with it)."""
    body = _split(markdown, IF_DOWN)[1]
    return [m.group(1).strip() for m in re.finditer(r"^#+ (.*)$", body, flags=re.MULTILINE)]


def _split(text: str, markers: tuple[str, str]) -> tuple[str, str, str]:
    start, end = markers
    head, _, rest = text.partition(start)
    body, found, tail = rest.partition(end)
    if not found:
        raise DataError(f"'{start}' has no closing '{end}'. Fix: end the block with {end}.")
    return head, body, tail


def _element(css_class: str, body: str, *, shown: bool, element_id: str = "") -> str:
    return _templates.get_template("shown_when.html").render(
        css_class=css_class, element_id=element_id, body=body.strip(), shown=shown)
