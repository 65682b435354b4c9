"""The engine's settings, declared once: the name, type, default, range and help of every key
of `extra.status` and `extra.status_live` in mkdocs.yml.

Both readers check values with this schema, so a mistake reads the same wherever it is found:
the MkDocs hook (`StatusConfig` in hooks/status_banner.py, whose options call
`Setting.validate`) and the command line (`settings_from_mapping`). A wrong value is a
`BadSetting`: its `problem` says what is wrong and the fix, its `key` names the setting.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from .errors import SettingsError

CONFIG_KEY = "extra.status"
LIVE_KEY = "extra.status_live"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
T = TypeVar("T")


class BadSetting(SettingsError):
    """A wrong setting: `str()` is "<key>: <problem>"; the MkDocs hook words it its own way."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class Rule(NamedTuple):
    """What a value must be, besides the default's type."""
    help: str
    unit: str = ""  # numbers: "minutes", "seconds", ...
    low: float = 0
    high: float = 0
    min_items: int = 0  # lists
    urls: bool = False  # list items with "://" must be https (or http to a loopback host)
    https_page: bool = False  # text that must be an https:// URL


def setting(default: T, help: str, **rule: Any) -> T:
    """A settings field whose metadata carries its rule (the dataclass holds the default)."""
    return dataclasses.field(default=default, metadata={"rule": Rule(help, **rule)})


@dataclass(frozen=True)
class Settings:
    """`extra.status`: what the engine reads, from where, and within which bounds."""
    sources: tuple[str, ...] = setting(
        ("https://status.openai.com/proxy/status.openai.com",
         "https://status.openai.com/api/v2/summary.json",
         "https://status.openai.com/feed.atom"),
        "tried in order; the first usable one wins. URLs or local file paths",
        min_items=1, urls=True)
    status_page: str = setting(
        "https://status.openai.com",
        "the official page: the banner links here, and only links to its host are kept",
        https_page=True)
    subject: str = setting("ChatGPT", "what the verdict is about, in the banner's words")
    # Both empty means the whole page (fine for a single-product Statuspage).
    scope_groups: tuple[str, ...] = setting(
        ("ChatGPT",), "which component groups answer the question (names, any case)")
    scope_components: tuple[str, ...] = setting(
        (), "which components answer the question (ids or names)")
    max_age_minutes: int = setting(
        60, "past this age a last-known-good reading is no longer shown: unknown",
        unit="minutes", low=1, high=7 * 24 * 60)
    # An incident whose status says open stays open whatever its age.
    open_age_days: int = setting(
        7, "an incident whose status cannot be read and whose newest update is older than this "
        "is not open now", unit="days", low=1, high=365)
    deadline_seconds: float = setting(
        15.0, "one deadline for every source of a build, history included",
        unit="seconds", low=1, high=60)
    connect_timeout_seconds: float = setting(
        5.0, "per request, capped by the time left", unit="seconds", low=0.1, high=60)
    read_timeout_seconds: float = setting(
        10.0, "per request, capped by the time left", unit="seconds", low=0.1, high=60)
    max_bytes: int = setting(2_000_000, "a larger body is refused",
                             unit="bytes", low=1024, high=50_000_000)
    retries: int = setting(2, "only for 429 and 5xx, honouring Retry-After",
                           unit="retries", low=0, high=5)
    # Merged into history.json on every build, within the same deadline.
    history_sources: tuple[str, ...] = setting(
        ("https://status.openai.com/feed.atom",),
        "where the incident history comes from (an Atom/RSS feed, or either JSON format)",
        urls=True)
    cache_dir: str = setting(".cache/status", "last-known-good and history between builds "
                             "(relative to the config file's folder)")
    repository: str = setting(
        "https://github.com/example/is-chatgpt-down",
        "named in the User-Agent so upstream can reach whoever runs this copy")
    share_card: bool = setting(
        True, "publish status-card.png, the verdict as a picture for link previews (og:image, "
        "with site_url); false saves a build Pillow's import and the drawing, about 20 ms")

    def __post_init__(self) -> None:
        _check_fields(self, STATUS)

    @property
    def status_host(self) -> str:
        return urlsplit(self.status_page).hostname or ""

    @property
    def user_agent(self) -> str:
        return f"is-chatgpt-down-status/1 (+{self.repository})"

    @property
    def open_age(self) -> timedelta:
        return timedelta(days=self.open_age_days)

    @property
    def max_age_seconds(self) -> int:
        return self.max_age_minutes * 60


@dataclass(frozen=True)
class LiveSettings:
    """`extra.status_live`: what an open page needs to refresh itself (pages/live.py)."""
    build_interval_minutes: int = setting(
        10, "how often the site is built: the deploy schedule's cron (deploy.yml)",
        unit="minutes", low=1, high=1440)

    def __post_init__(self) -> None:
        _check_fields(self, LIVE)


class Setting(NamedTuple):
    """One key: its checks, its help, and the one wording of each mistake."""
    section: str
    name: str
    default: Any
    rule: Rule

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"

    def validate(self, value: object) -> Any:
        """The value as the engine holds it (lists become tuples, whole seconds floats)."""
        if isinstance(self.default, bool):  # before numbers: a bool is an int to Python
            return self._flag(value)
        if isinstance(self.default, tuple):
            return self._list(value)
        if isinstance(self.default, (int, float)):
            return self._number(value)
        return self._text(value)

    def _number(self, value: object) -> float:
        whole = isinstance(self.default, int)
        # YAML's `true` is an int to Python; 1.5 is no whole number of minutes.
        if (isinstance(value, (int, float)) and not isinstance(value, bool)
                and (isinstance(value, int) or not whole)
                and self.rule.low <= value <= self.rule.high):
            return value if whole else float(value)
        what = f"a {'whole ' if whole else ''}number of {self.rule.unit}"
        raise self._bad(f"must be {what} from {_shown(self.rule.low)} to "
                        f"{_shown(self.rule.high)}, got {_shown(value)}. Fix: write it like "
                        f"{self.name}: {_shown(self.default)} (the default).")

    def _flag(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        raise self._bad(f"must be true or false, got {_shown(value)}. Fix: write it like "
                        f"{self.name}: {_shown(self.default)} (the default).")

    def _list(self, value: object) -> tuple[str, ...]:
        if isinstance(value, str):  # `sources: https://...` means a list of one
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self._bad(f"must be a list of text, got {_shown(value)}. Fix: write one item "
                            f"a line under {self.name}:, each after '- '.")
        if len(value) < self.rule.min_items:
            raise self._bad(f"must list at least {self.rule.min_items}, got none. Fix: add "
                            f"one under {self.name}:, like '- {self.default[0]}'.")
        for item in value:
            if self.rule.urls and "://" in item:
                check_source_url(item, key=self.name, prefix=self.section + ".")
        return tuple(value)

    def _text(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self._bad(f"must be text, got {_shown(value)}. Fix: write it like "
                            f"{self.name}: {self.default}")
        page = urlsplit(value)
        if self.rule.https_page and (page.scheme != "https" or not page.hostname):
            raise self._bad(f"must be an https:// URL, got {value!r}. Fix: write it like "
                            f"{self.name}: {self.default}")
        return value

    def _bad(self, problem: str) -> BadSetting:
        return BadSetting(self.key, problem)


@dataclass(frozen=True)
class Section:
    """The settings under one key of mkdocs.yml, in their declared order."""
    key: str
    settings: tuple[Setting, ...]

    @classmethod
    def of(cls, record: type, key: str) -> Section:
        return cls(key, tuple(Setting(key, f.name, f.default, f.metadata["rule"])
                              for f in dataclasses.fields(record)))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.settings)

    def __getitem__(self, name: str) -> Setting:
        return next(s for s in self.settings if s.name == name)

    def check_keys(self, raw: object) -> dict[str, Any]:
        """The mapping as a dict; not a mapping, or an unknown key, is a BadSetting."""
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            raise BadSetting(self.key, f"must be a mapping of settings, got {_shown(raw)}. Fix: "
                                       f"indent each setting under it, like "
                                       f"{self.settings[0].name}: …")
        for name in raw:
            if name not in self.names:
                import difflib  # only a mistake pays for it (0.5 ms an import)

                close = difflib.get_close_matches(str(name), self.names, n=1)
                hint = f"did you mean {close[0]}? " if close else ""
                raise BadSetting(f"{self.key}.{name}", f"unknown setting. Fix: {hint}The "
                                                       f"settings are {', '.join(self.names)}.")
        return dict(raw)

    def values(self, raw: object) -> dict[str, Any]:
        """Each given setting, checked in declared order (the order MkDocs checks them in)."""
        given = self.check_keys(raw)
        return {s.name: s.validate(given[s.name]) for s in self.settings if s.name in given}


STATUS = Section.of(Settings, CONFIG_KEY)
LIVE = Section.of(LiveSettings, LIVE_KEY)


def settings_from_mapping(raw: Mapping[str, Any] | None) -> Settings:
    """Settings from the `extra.status` mapping, naming the key that is wrong."""
    return Settings(**STATUS.values(raw))


def live_settings(raw: object) -> LiveSettings:
    """LiveSettings from the `extra.status_live` mapping, naming the key that is wrong."""
    return LiveSettings(**LIVE.values(raw))


def with_environment(settings: Settings, environ: Mapping[str, str] = os.environ) -> Settings:
    """Apply STATUS_SOURCE (replaces the sources) and STATUS_HISTORY_SOURCE (replaces the
    history sources). STATUS_OFFLINE is read by the caller."""
    source = environ.get("STATUS_SOURCE", "").strip()
    history = environ.get("STATUS_HISTORY_SOURCE", "").strip()
    for key, value in (("STATUS_SOURCE", source), ("STATUS_HISTORY_SOURCE", history)):
        if "://" in value:
            check_source_url(value, key=key, prefix="")
    if source:
        # A replaced source means a test or a preview: never reach the real history feed then.
        settings = dataclasses.replace(settings, sources=(source,), history_sources=())
    if history:
        settings = dataclasses.replace(settings, history_sources=(history,))
    return settings


def offline(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("STATUS_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def check_source_url(url: str, key: str, prefix: str = CONFIG_KEY + ".") -> None:
    """https anywhere; plain http only to a loopback host (tests and local previews)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise BadSetting(f"{prefix}{key}", f"{url!r} is not allowed; use https:// (plain http only "
                                       "for 127.0.0.1, localhost or ::1)")


def _check_fields(record: Any, section: Section) -> None:
    """Check a record built in code as a mapping is checked; hold the checked values."""
    for s in section.settings:
        object.__setattr__(record, s.name, s.validate(getattr(record, s.name)))


def _shown(value: object) -> str:
    """A value as the operator wrote it in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)
