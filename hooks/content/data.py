"""Loading and validating the content data: the FAQ and outage YAML, and page review dates.

Each file becomes a tuple of frozen records, or one `DataError` line naming the file, the entry
and the fix. Nothing here knows MkDocs or renders anything (`render` does).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

import yaml
from markdown.extensions.toc import slugify

FAQ_FILE = "data/faq.yml"  # relative to docs_dir
OUTAGES_FILE = "data/outages.yml"
# Help-centre pages are linked on their canonical host; "-lb" is a load-balancer alias.
OPENAI_HOSTS = ("openai.com", "status.openai.com", "help.openai.com")
# libyaml's loader when PyYAML was built with it: about 10x faster on these files.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
E = TypeVar("E")
Item = dict[Any, Any]


class DataError(Exception):
    """One line: what is wrong and how to fix it (callers add where: file, entry, page)."""


class Source(NamedTuple):
    title: str
    url: str
    secondary: bool  # a news report rather than OpenAI's own words

    @property
    def primary(self) -> bool:
        """OpenAI's own page: a write-up, a help article or the status page."""
        return _host(self.url) in OPENAI_HOSTS


class Question(NamedTuple):
    question: str
    answer: str  # plain text; each line is a paragraph
    sources: tuple[Source, ...]

    @property
    def anchor(self) -> str:
        return "q-" + str(slugify(self.question, "-"))

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.answer.splitlines() if line.strip()]


class Outage(NamedTuple):
    date: datetime.date
    title: str
    duration: str
    impact: str
    cause: str
    source: Source


def load_faq(docs_dir: Path, shown_root: Path) -> tuple[Question, ...]:
    """`docs/data/faq.yml`, in file order; file names in errors are relative to `shown_root`."""
    return tuple(_load(docs_dir / FAQ_FILE, shown_root, _question))


def load_outages(docs_dir: Path, shown_root: Path) -> tuple[Outage, ...]:
    """`docs/data/outages.yml`, newest first."""
    outages = _load(docs_dir / OUTAGES_FILE, shown_root, _outage)
    return tuple(sorted(outages, key=lambda o: o.date, reverse=True))


def review_date(value: object, today: datetime.date) -> datetime.date:
    """The front matter's `reviewed:` date; missing, malformed or in the future is an error."""
    if value is None:
        raise DataError("no 'reviewed:' date in the front matter. Fix: check the page against "
                        "its sources, then add reviewed: YYYY-MM-DD (README, 'Re-checking the "
                        "content').")
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise DataError("'reviewed' must be a date like 2026-11-29. Fix: write it unquoted as "
                        "YYYY-MM-DD.")
    if value > today:
        raise DataError(f"'reviewed' is {value.isoformat()}, after today ({today.isoformat()}). "
                        "Fix: use the date you checked the page.")
    return value


# --- One file ---------------------------------------------------------------------------------

def _load(path: Path, shown_root: Path, build_entry: Callable[[Item], E]) -> list[E]:
    """Parse `path` into entries with `build_entry`; any problem is one line naming the file."""
    name = _display_name(path, shown_root)
    try:
        raw = _read_yaml(path)
        if not isinstance(raw, list) or not raw:
            raise DataError("the file must be a non-empty YAML list of entries. "
                            "Fix: start each entry with '- ' at the left margin.")
        return [_entry(build_entry, number, item) for number, item in enumerate(raw, start=1)]
    except DataError as e:
        raise DataError(f"{name}: {e}") from None


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("file not found. Fix: create it (README, 'Editing the FAQ and the "
                        "outage history', shows the format).") from None
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = _one_line(getattr(e, "problem", None) or str(e))
        raise DataError(f"YAML syntax error{where} ({problem}). "
                        "Fix: correct the YAML there (check indentation and quotes).") from None


def _entry(build_entry: Callable[[Item], E], number: int, item: object) -> E:
    """Build one entry; errors are prefixed with the entry's number and its title or question."""
    try:
        if not isinstance(item, dict):
            raise DataError(f"must be a mapping of keys, not {_type_name(item)}. "
                            "Fix: write it as 'key: value' lines under its '- '.")
        return build_entry(item)
    except DataError as e:
        raise DataError(f"entry {number}{_label(item)}: {e}") from None


# --- One entry --------------------------------------------------------------------------------

def _question(item: Item) -> Question:
    _check_keys(item, required=("question", "answer", "sources"), optional=())
    return Question(_text(item, "question"), _text(item, "answer"), _sources(item))


def _outage(item: Item) -> Outage:
    _check_keys(item, required=("date", "title", "duration", "impact", "cause", "source"),
                optional=())
    date = item["date"]
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise DataError(f"'date' must be a date like 2024-12-11, not {_type_name(date)}. "
                        "Fix: write it unquoted as YYYY-MM-DD.")
    return Outage(date, _text(item, "title"), _text(item, "duration"), _text(item, "impact"),
                  _text(item, "cause"), _source(item["source"], "source"))


def _sources(item: Item) -> tuple[Source, ...]:
    value = item["sources"]
    if not isinstance(value, list) or not value:
        raise DataError("'sources' must be a non-empty list. "
                        "Fix: list at least one '- title: …, url: https://…'.")
    return tuple(_source(s, f"sources item {i}") for i, s in enumerate(value, start=1))


def _source(value: object, where: str) -> Source:
    if not isinstance(value, dict):
        raise DataError(f"{where} must be a mapping with 'title' and 'url', not "
                        f"{_type_name(value)}. Fix: write 'title:' and 'url:' keys.")
    try:
        _check_keys(value, required=("title", "url"), optional=("secondary",))
        secondary = value.get("secondary", False)
        if not isinstance(secondary, bool):
            raise DataError("'secondary' must be true or false. Fix: write secondary: true "
                            "for news reports, or leave it out.")
        url = _text(value, "url")
        if not re.fullmatch(r"https://[^\s\"'<>]+", url):
            raise DataError(f"'url' must be an https:// address, not {url[:60]!r}. "
                            "Fix: use the full https:// link to the source.")
        if _host(url) == "help-lb.openai.com":
            raise DataError("'url' uses help-lb.openai.com. Fix: link the same article on "
                            "help.openai.com.")
        source = Source(_text(value, "title"), url, secondary)
        if source.primary and secondary:
            raise DataError(f"{_host(url)} is OpenAI's own site, a primary source. "
                            "Fix: remove 'secondary: true'.")
        return source
    except DataError as e:
        raise DataError(f"{where}: {e}") from None


def _check_keys(item: Item, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    unknown = sorted(str(k) for k in item if k not in required + optional)
    if unknown:
        raise DataError(f"unknown key {unknown[0]!r}. Fix: use only "
                        f"{', '.join(required + optional)} (check the spelling).")
    missing = [k for k in required if k not in item or item[k] is None]
    if missing:
        raise DataError(f"'{missing[0]}' is missing. Fix: add '{missing[0]}:' to this entry.")


def _text(item: Item, key: str) -> str:
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        shown = "empty text" if isinstance(value, str) else _type_name(value)
        raise DataError(f"'{key}' must be non-empty text, not {shown}. "
                        f"Fix: write {key}: followed by the text (quote it if it has a ': ').")
    return value.strip()


# --- Words for error messages -----------------------------------------------------------------

def _label(item: object) -> str:
    """A short, single-line name for an entry in error messages."""
    if isinstance(item, dict):
        for key in ("question", "title"):
            if isinstance(item.get(key), str):
                return f" ({_one_line(item[key])[:70]!r})"
    return ""


def _type_name(value: object) -> str:
    names = {list: "a list", dict: "a mapping", bool: "true/false", int: "a number",
             float: "a number", str: "text", type(None): "nothing"}
    return names.get(type(value), f"a {type(value).__name__}")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _display_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
