"""MkDocs hook: the FAQ and the outage history from YAML data files, each page's review date, and
the home page's "If it is down right now" block.

`docs/data/faq.yml` and `docs/data/outages.yml` are loaded and validated once per build
(`on_config`), so a mistake in either stops the build with one line that names the file, the
entry and the fix. Pages ask for the rendered data with a marker (`<!-- faq -->`,
`<!-- outages -->`); the FAQ's visible questions and its schema.org FAQPage JSON-LD are rendered
from the same loaded entries, so the two cannot disagree.

Every page states when it was last checked against its sources (`reviewed:` in its front matter,
rendered under the title). The home page's "If it is down right now" block is operator-edited
Markdown between `<!-- if-down -->` markers in docs/index.md; the build shows it unless the status
engine's verdict is operational, and shows its `<!-- if-down:unknown -->` part only when the
verdict is unknown. Hidden parts stay in the page with the `hidden` attribute, under a stable id,
so a script refreshing the status in the browser can show them.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
IF_DOWN = ("<!-- if-down -->", "<!-- /if-down -->")
IF_DOWN_UNKNOWN = ("<!-- if-down:unknown -->", "<!-- /if-down:unknown -->")
# Set in config.extra by hooks/status_banner.py from the engine's reading of this build.
VERDICT_KEY = "status_verdict"
OPERATIONAL, UNKNOWN = "operational", "unknown"
HIDDEN_HEADINGS = "hidden_headings"  # page.meta key: titles of headings the build hid
# Help-centre pages are linked on their canonical host; "-lb" is a load-balancer alias.
OPENAI_HOSTS = ("openai.com", "status.openai.com", "help.openai.com")

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

    @property
    def primary(self) -> bool:
        """OpenAI's own page: a write-up, a help article or the status page."""
        return _host(self.url) in OPENAI_HOSTS


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
    hidden = page.meta.get(HIDDEN_HEADINGS)
    if hidden:
        page.toc.items[:] = _without(page.toc.items, set(hidden))
    return html


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    where = f"docs/{page.file.src_uri}"
    try:
        reviewed = review_date(page.meta.get("reviewed"), datetime.date.today())
        markdown = with_review_line(markdown, reviewed)
        if IF_DOWN[0] in markdown:
            verdict = _verdict(config)
            if verdict == OPERATIONAL:
                # A hidden heading must not stay in the table of contents (on_page_content).
                page.meta[HIDDEN_HEADINGS] = _headings(_split(markdown, IF_DOWN)[1])
            markdown = with_if_down_block(markdown, verdict)
    except _DataError as e:
        raise PluginError(f"{where}: {e}") from None
    return markdown


def review_date(value: Any, today: datetime.date) -> datetime.date:
    """The front matter's `reviewed:` date; missing, malformed or in the future is an error."""
    if value is None:
        raise _DataError("no 'reviewed:' date in the front matter. Fix: check the page against "
                         "its sources, then add reviewed: YYYY-MM-DD (README, 'Re-checking the "
                         "content').")
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise _DataError("'reviewed' must be a date like 2026-11-29. Fix: write it unquoted as "
                         "YYYY-MM-DD.")
    if value > today:
        raise _DataError(f"'reviewed' is {value.isoformat()}, after today ({today.isoformat()}). "
                         "Fix: use the date you checked the page.")
    return value


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


def _split(text: str, markers: tuple[str, str]) -> tuple[str, str, str]:
    start, end = markers
    head, _, rest = text.partition(start)
    body, found, tail = rest.partition(end)
    if not found:
        raise _DataError(f"'{start}' has no closing '{end}'. Fix: end the block with {end}.")
    return head, body, tail


def _element(css_class: str, body: str, *, shown: bool, element_id: str = "") -> str:
    return _templates.get_template("shown_when.html").render(
        css_class=css_class, element_id=element_id, body=body.strip(), shown=shown)


def _headings(markdown: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^#+ (.*)$", markdown, flags=re.MULTILINE)]


def _without(items: list, titles: set[str]) -> list:
    kept = [item for item in items if item.title not in titles]
    for item in kept:
        item.children[:] = _without(item.children, titles)
    return kept


def _verdict(config: MkDocsConfig) -> str:
    verdict = (config.extra or {}).get(VERDICT_KEY)
    if not isinstance(verdict, str):
        # Without the status hook nobody read the status: say so, as for an unknown verdict.
        log.warning("no status verdict from hooks/status_banner.py: the 'If it is down right "
                    "now' block says the status could not be read")
        return UNKNOWN
    return verdict


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
        if _host(url) == "help-lb.openai.com":
            raise _DataError("'url' uses help-lb.openai.com. Fix: link the same article on "
                             "help.openai.com.")
        source = Source(_text(value, "title"), url, secondary)
        if source.primary and secondary:
            raise _DataError(f"{_host(url)} is OpenAI's own site, a primary source. "
                             "Fix: remove 'secondary: true'.")
        return source
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


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _display_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
