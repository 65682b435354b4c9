"""The engine's settings: declared once, typed, with defaults, checked on creation.

The MkDocs hook builds its config schema from these fields (so `mkdocs.yml` is validated with
MkDocs' own config classes), and the command line builds them from `mkdocs.yml` directly.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Mapping
from urllib.parse import urlsplit

from .errors import SettingsError

CONFIG_KEY = "extra.status"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Settings:
    # Tried in order; the first usable one wins. URLs or local file paths.
    sources: tuple[str, ...] = (
        "https://status.openai.com/proxy/status.openai.com",
        "https://status.openai.com/api/v2/summary.json",
        "https://status.openai.com/feed.atom",
    )
    # The official page: the banner links here, and only links to its host are kept.
    status_page: str = "https://status.openai.com"
    # What the verdict is about, in the banner's words ("ChatGPT: Partial outage").
    subject: str = "ChatGPT"
    # Which components answer the question. Group names (case-insensitive) and component ids or
    # names; both empty means the whole page (fine for a single-product Statuspage).
    scope_groups: tuple[str, ...] = ("ChatGPT",)
    scope_components: tuple[str, ...] = ()
    # Past this age a last-known-good reading is no longer shown: the verdict is unknown.
    max_age_minutes: int = 60
    # An incident whose status we cannot read and whose newest update is older than this is not
    # "open now" (an incident whose status says open stays open whatever its age).
    open_age_days: int = 7
    # One deadline for all sources together, and per-request bounds inside it.
    deadline_seconds: float = 15.0
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 10.0
    max_bytes: int = 2_000_000
    retries: int = 2
    # Incident history read on every build besides the status sources (an Atom/RSS feed, or
    # either JSON format), within the same deadline; its incidents are merged into history.json.
    history_sources: tuple[str, ...] = ("https://status.openai.com/feed.atom",)
    # Where the last-known-good snapshot lives (relative to the config file's folder).
    cache_dir: str = ".cache/status"
    # Named in the User-Agent so upstream can reach whoever runs this copy.
    repository: str = "https://github.com/example/is-chatgpt-down"

    def __post_init__(self) -> None:
        _check_range("max_age_minutes", self.max_age_minutes, 1, 7 * 24 * 60)
        _check_range("open_age_days", self.open_age_days, 1, 365)
        _check_range("deadline_seconds", self.deadline_seconds, 1, 60)
        _check_range("connect_timeout_seconds", self.connect_timeout_seconds, 0.1, 60)
        _check_range("read_timeout_seconds", self.read_timeout_seconds, 0.1, 60)
        _check_range("max_bytes", self.max_bytes, 1024, 50_000_000)
        _check_range("retries", self.retries, 0, 5)
        if not self.sources:
            raise SettingsError(f"{CONFIG_KEY}.sources: list at least one status URL or file")
        for key in ("sources", "history_sources"):
            for source in getattr(self, key):
                if "://" in source:
                    check_source_url(source, key=key)
        page = urlsplit(self.status_page)
        if page.scheme != "https" or not page.hostname:
            raise SettingsError(
                f"{CONFIG_KEY}.status_page: must be an https:// URL, got {self.status_page!r}")

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


def field_defaults() -> dict[str, Any]:
    """Each setting's name and default, for adapters that declare their own schema."""
    return {f.name: f.default for f in dataclasses.fields(Settings)}


def settings_from_mapping(raw: Mapping[str, Any] | None) -> Settings:
    """Settings from a plain mapping (the `extra.status` key), naming the key that is wrong."""
    raw = dict(raw or {})
    known = field_defaults()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise SettingsError(
                f"{CONFIG_KEY}.{key}: unknown setting; known ones are {', '.join(sorted(known))}")
        values[key] = _coerce(key, value, known[key])
    return Settings(**values)


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
    raise SettingsError(
        f"{prefix}{key}: {url!r} is not allowed; use https:// (plain http only for "
        "127.0.0.1, localhost or ::1)")


def _coerce(key: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{CONFIG_KEY}.{key}: expected a list of strings, got {value!r}")
        return tuple(value)
    if isinstance(default, bool) or isinstance(value, bool):
        raise SettingsError(f"{CONFIG_KEY}.{key}: expected {type(default).__name__}, got {value!r}")
    if isinstance(default, float) and isinstance(value, int):
        return float(value)
    if not isinstance(value, type(default)):
        raise SettingsError(
            f"{CONFIG_KEY}.{key}: expected {type(default).__name__}, got {value!r}")
    return value


def _check_range(key: str, value: float, low: float, high: float) -> None:
    if isinstance(value, bool) or not low <= value <= high:  # YAML's `true` is an int too
        raise SettingsError(f"{CONFIG_KEY}.{key}: must be between {low} and {high}, got {value!r}")
