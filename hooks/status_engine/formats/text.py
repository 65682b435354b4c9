"""Plain text and safe links from what upstream writes: HTML, ProseMirror documents, markdown.

Everything that leaves here is text to be escaped by the renderer, never markup: tags are
dropped (script and style with their content), entities decoded, links reduced to their words.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .shape import strip_controls

TEXT_LIMIT = 5000  # an update longer than this is cut: a banner is not an archive
_DEPTH_LIMIT = 40  # ProseMirror nesting deeper than this is not a real update
_SKIPPED = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "head"}
_BLOCKS = {"p", "div", "section", "article", "blockquote", "pre", "table", "tr", "ul", "ol",
           "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl", "dt", "dd"}
_PM_BLOCKS = {"paragraph", "heading", "blockquote", "code_block", "codeBlock"}
_PM_ITEMS = {"list_item", "listItem"}
_PM_BREAKS = {"hard_break", "hardBreak"}
_URL_FORBIDDEN = re.compile(r"[\s\"'<>\\`{}|^]")


class _TextParser(HTMLParser):
    """Collects the text of an HTML fragment, with line breaks where the layout had them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        if tag == "br" or tag in _BLOCKS:  # <br/>, <hr/>: no content to skip
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: Any, limit: int = TEXT_LIMIT) -> str:
    """Plain text from an HTML, markdown-ish or plain string; "" for anything else."""
    if not isinstance(value, str) or not value:
        return ""
    parser = _TextParser()
    try:
        parser.feed(value)
        parser.close()
        raw = "".join(parser.parts)
    except AssertionError:  # html.parser's answer to some malformed declarations
        raw = unescape(re.sub(r"<[^>]*>?", " ", value))
    return tidy(_unmarkdown(raw), limit)


def _unmarkdown(value: str) -> str:
    """Markdown's link, emphasis and list syntax to words, so none of it reads as markup."""
    value = re.sub(r"!?\[([^\]\n]*)\]\([^)\n]*\)", r"\1", value)  # [text](url) -> text
    value = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", value)
    value = re.sub(r"(?m)^[ \t]*#{1,6}[ \t]+", "", value)
    return re.sub(r"(?m)^[ \t]*[-*+][ \t]+", "• ", value)


def tidy(value: str, limit: int = TEXT_LIMIT) -> str:
    """Spaces collapsed inside lines, at most one blank line between paragraphs, a length cap."""
    lines = [" ".join(line.split()) for line in strip_controls(value, keep="\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    text = re.sub(r"\n\n+(?=• )", "\n", text).strip()  # list items stay together
    return text[:limit]


def prosemirror_to_text(node: Any) -> str:
    """Plain text of a ProseMirror document (incident.io 2025), or of 2026's wrapper around
    one (`{text_node: doc, markdown: "..."}`); "" when neither shape is there."""
    return tidy("".join(_walk(node, 0)))


def _walk(node: Any, depth: int) -> list[str]:
    if depth > _DEPTH_LIMIT:
        return []
    if isinstance(node, list):
        return [part for child in node for part in _walk(child, depth + 1)]
    if not isinstance(node, dict):
        return []
    kind = node.get("type")
    if kind == "text":
        return [node["text"]] if isinstance(node.get("text"), str) else []
    if kind in _PM_BREAKS:
        return ["\n"]
    if "type" not in node:  # the 2026 wrapper: prefer the document, then its markdown
        if node.get("text_node") is not None:
            return _walk(node.get("text_node"), depth + 1)
        markdown = node.get("markdown")
        return [_unmarkdown(markdown)] if isinstance(markdown, str) else []
    inner = _walk(node.get("content"), depth + 1)
    if kind in _PM_ITEMS:
        return ["\n• ", *inner, "\n"]
    if kind in _PM_BLOCKS:
        return [*inner, "\n\n"]
    return inner


def https_url(value: Any) -> str | None:
    """`value` as a normalised https URL with a host, or None.

    Feed links carry a double slash (`https://host//incidents/<id>`): runs of slashes in the
    path collapse. Credentials, whitespace, quotes and angle brackets are refused outright, so
    nothing that passes can break out of an attribute even before the renderer escapes it.
    """
    if not isinstance(value, str) or len(value) > 2000 or _URL_FORBIDDEN.search(value):
        return None
    try:
        parts = urlsplit(value)
        host, _port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not host or "@" in parts.netloc:
        return None
    path = re.sub(r"/{2,}", "/", parts.path)
    return urlunsplit(("https", parts.netloc.lower(), path, parts.query, ""))
