"""MkDocs hook: the FAQ and the outage history, from YAML data files, rendered into their pages.

`docs/data/faq.yml` and `docs/data/outages.yml` are loaded and validated once per build
(`on_config`), so a mistake in either stops the build with one line that names the file, the
entry and the fix. Pages ask for the rendered data with a marker (`<!-- faq -->`,
`<!-- outages -->`); the FAQ's visible questions and its schema.org FAQPage JSON-LD are rendered
from the same loaded entries, so the two cannot disagree.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import escape
from markdown.extensions.toc import slugify
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

log = get_plugin_logger(__name__)

FAQ_FILE = "data/faq.yml"  # relative to docs_dir
OUTAGES_FILE = "data/outages.yml"
FAQ_MARKER = "<!-- faq -->"
OUTAGES_MARKER = "<!-- outages -->"

# Autoescape on: every value in these templates is text from the data files.
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "site_content_templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    secondary: bool  # a news report rather than OpenAI's own words


@dataclass(frozen=True)
class Question:
    question: str
    answer: str  # plain text; each line is a paragraph
    sources: tuple[Source, ...]

    @property
    def anchor(self) -> str:
        return "q-" + slugify(self.question, "-")

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.answer.splitlines() if line.strip()]


@dataclass(frozen=True)
class Outage:
    date: datetime.date
    title: str
    duration: str
    impact: str
    cause: str
    source: Source


class _DataError(Exception):
    """One line: what is wrong and how to fix it (the caller adds the file name)."""


# The loaded data of the current build, set by on_config.
_faq: tuple[Question, ...] = ()
_outages: tuple[Outage, ...] = ()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _faq, _outages
    docs = Path(config.docs_dir)
    shown = Path(config.config_file_path or ".").parent
    _faq = tuple(_load(docs / FAQ_FILE, shown, _question))
    _outages = tuple(sorted(_load(docs / OUTAGES_FILE, shown, _outage),
                            key=lambda o: o.date, reverse=True))
    log.info("Loaded %d FAQ entries and %d outages", len(_faq), len(_outages))
    return config


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if FAQ_MARKER in html:
        html = html.replace(FAQ_MARKER, render_faq(_faq))
        # The JSON-LD goes in <head> (overrides/partials/jsonld.html): Material's instant
        # navigation re-runs scripts in the content as JavaScript, whatever their type.
        page.meta["jsonld"] = faq_jsonld(_faq)
        # Questions are rendered after Markdown, so add them to the page's table of contents here.
        page.toc.items.extend(AnchorLink(str(escape(q.question)), q.anchor, 2) for q in _faq)
    if OUTAGES_MARKER in html:
        html = html.replace(OUTAGES_MARKER, render_outages(_outages))
    return html


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


# --- Loading and validation -------------------------------------------------------------------

def _load(path: Path, shown_root: Path, build_entry) -> list:
    """Parse `path` into entries with `build_entry`; any problem becomes one PluginError line."""
    name = _display_name(path, shown_root)
    try:
        raw = _read_yaml(path)
        if not isinstance(raw, list) or not raw:
            raise _DataError("the file must be a non-empty YAML list of entries. "
                             "Fix: start each entry with '- ' at the left margin.")
        return [_entry(build_entry, number, item) for number, item in enumerate(raw, start=1)]
    except _DataError as e:
        raise PluginError(f"{name}: {e}") from None


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _DataError("file not found. Fix: create it (README, 'Editing the FAQ and the "
                         "outage history', shows the format).") from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 10x
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = _one_line(getattr(e, "problem", None) or str(e))
        raise _DataError(f"YAML syntax error{where} ({problem}). "
                         "Fix: correct the YAML there (check indentation and quotes).") from None


def _entry(build_entry, number: int, item: Any):
    """Build one entry; errors are prefixed with the entry's number and its title or question."""
    try:
        if not isinstance(item, dict):
            raise _DataError(f"must be a mapping of keys, not {_type_name(item)}. "
                             "Fix: write it as 'key: value' lines under its '- '.")
        return build_entry(item)
    except _DataError as e:
        raise _DataError(f"entry {number}{_label(item)}: {e}") from None


def _question(item: dict) -> Question:
    _check_keys(item, required=("question", "answer", "sources"), optional=())
    return Question(_text(item, "question"), _text(item, "answer"), _sources(item))


def _outage(item: dict) -> Outage:
    _check_keys(item, required=("date", "title", "duration", "impact", "cause", "source"),
                optional=())
    date = item["date"]
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise _DataError(f"'date' must be a date like 2024-12-11, not {_type_name(date)}. "
                         "Fix: write it unquoted as YYYY-MM-DD.")
    return Outage(date, _text(item, "title"), _text(item, "duration"), _text(item, "impact"),
                  _text(item, "cause"), _source(item["source"], "source"))


def _sources(item: dict) -> tuple[Source, ...]:
    value = item["sources"]
    if not isinstance(value, list) or not value:
        raise _DataError("'sources' must be a non-empty list. "
                         "Fix: list at least one '- title: …, url: https://…'.")
    return tuple(_source(s, f"sources item {i}") for i, s in enumerate(value, start=1))


def _source(value: Any, where: str) -> Source:
    if not isinstance(value, dict):
        raise _DataError(f"{where} must be a mapping with 'title' and 'url', not "
                         f"{_type_name(value)}. Fix: write 'title:' and 'url:' keys.")
    try:
        _check_keys(value, required=("title", "url"), optional=("secondary",))
        secondary = value.get("secondary", False)
        if not isinstance(secondary, bool):
            raise _DataError("'secondary' must be true or false. Fix: write secondary: true "
                             "for news reports, or leave it out.")
        url = _text(value, "url")
        if not re.fullmatch(r"https://[^\s\"'<>]+", url):
            raise _DataError(f"'url' must be an https:// address, not {url[:60]!r}. "
                             "Fix: use the full https:// link to the source.")
        return Source(_text(value, "title"), url, secondary)
    except _DataError as e:
        raise _DataError(f"{where}: {e}") from None


def _check_keys(item: dict, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    unknown = sorted(str(k) for k in item if k not in required + optional)
    if unknown:
        raise _DataError(f"unknown key {unknown[0]!r}. Fix: use only "
                         f"{', '.join(required + optional)} (check the spelling).")
    missing = [k for k in required if k not in item or item[k] is None]
    if missing:
        raise _DataError(f"'{missing[0]}' is missing. Fix: add '{missing[0]}:' to this entry.")


def _text(item: dict, key: str) -> str:
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        shown = "empty text" if isinstance(value, str) else _type_name(value)
        raise _DataError(f"'{key}' must be non-empty text, not {shown}. "
                         f"Fix: write {key}: followed by the text (quote it if it has a ': ').")
    return value.strip()


def _label(item: Any) -> str:
    """A short, single-line name for an entry in error messages."""
    if isinstance(item, dict):
        for key in ("question", "title"):
            if isinstance(item.get(key), str):
                return f" ({_one_line(item[key])[:70]!r})"
    return ""


def _type_name(value: Any) -> str:
    names = {list: "a list", dict: "a mapping", bool: "true/false", int: "a number",
             float: "a number", str: "text", type(None): "nothing"}
    return names.get(type(value), f"a {type(value).__name__}")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _display_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
