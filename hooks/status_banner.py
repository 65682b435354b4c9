"""MkDocs adapter for the status engine: check the config, run the engine once, hand over the HTML.

Only MkDocs events live here; fetching, parsing, deciding, rendering and persisting are in
`status_engine`, which knows nothing of MkDocs. Import it at the top: MkDocs puts this folder
on sys.path only while it loads the hook.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import jinja2
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from status_engine import engine, outputs, settings as engine_settings
from status_engine.outputs import sharecard
from status_engine.pages import live
from status_engine.errors import SettingsError
from status_engine.settings import LIVE, STATUS, BadSetting, Section

SUMMARY_MARKER = "<!-- status:summary -->"
HISTORY_MARKER = "<!-- status:history -->"
log = get_plugin_logger("status")

# Upstream trouble is logged outside the `mkdocs` logger tree on purpose: MkDocs counts only
# its own warnings for --strict, and a flaky upstream must never fail the build.
upstream_log = logging.getLogger("status_engine")

T = TypeVar("T")
C = TypeVar("C", bound=base.Config)


# --- The config: `extra.status` and `extra.status_live` --------------------------------------

class EngineOption(base.BaseConfigOption[T]):
    """An option checked by the engine's schema (status_engine/settings.py), so the build and
    `python -m hooks.status_engine` word each mistake the same way."""

    def __init__(self, setting: engine_settings.Setting) -> None:
        super().__init__()
        self.setting = setting
        self.default = setting.default

    def run_validation(self, value: object, /) -> T:
        try:
            checked: T = self.setting.validate(value)
        except BadSetting as exc:
            raise base.ValidationError(exc.problem) from None
        return checked


# MkDocs' Config.__init_subclass__ has no annotations: the ignore is for its call, not ours.
class StatusConfig(base.Config):  # type: ignore[no-untyped-call]
    """`extra.status` in mkdocs.yml, in the engine's order (the README's Configuration lists
    what each does; tests/site/test_status_config.py keeps this list equal to the engine's)."""
    sources = EngineOption[tuple[str, ...]](STATUS["sources"])
    status_page = EngineOption[str](STATUS["status_page"])
    subject = EngineOption[str](STATUS["subject"])
    scope_groups = EngineOption[tuple[str, ...]](STATUS["scope_groups"])
    scope_components = EngineOption[tuple[str, ...]](STATUS["scope_components"])
    max_age_minutes = EngineOption[int](STATUS["max_age_minutes"])
    open_age_days = EngineOption[int](STATUS["open_age_days"])
    deadline_seconds = EngineOption[float](STATUS["deadline_seconds"])
    connect_timeout_seconds = EngineOption[float](STATUS["connect_timeout_seconds"])
    read_timeout_seconds = EngineOption[float](STATUS["read_timeout_seconds"])
    max_bytes = EngineOption[int](STATUS["max_bytes"])
    retries = EngineOption[int](STATUS["retries"])
    history_sources = EngineOption[tuple[str, ...]](STATUS["history_sources"])
    cache_dir = EngineOption[str](STATUS["cache_dir"])
    repository = EngineOption[str](STATUS["repository"])
    share_card = EngineOption[bool](STATUS["share_card"])


class LiveConfig(base.Config):  # type: ignore[no-untyped-call]
    """`extra.status_live`: how often the site is built, for the page's live refresh."""
    build_interval_minutes = EngineOption[int](LIVE["build_interval_minutes"])


@dataclass
class _Build:
    """What one `mkdocs` run keeps between events."""
    command: str = "build"
    result: engine.Result | None = None
    key: tuple[engine_settings.Settings, str] | None = None
    live_settings: engine_settings.LiveSettings = field(
        default_factory=engine_settings.LiveSettings)


_build = _Build()


# --- Events -----------------------------------------------------------------------------------

def on_startup(*, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    _build.command = command
    if not upstream_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        upstream_log.addHandler(handler)
        upstream_log.setLevel(logging.INFO)
        upstream_log.propagate = False


def on_config(config: MkDocsConfig) -> MkDocsConfig | None:
    settings = _settings(config)
    _build.live_settings = engine_settings.LiveSettings(**_checked(LiveConfig, LIVE, config))
    cache_dir = Path(config.config_file_path).parent / settings.cache_dir
    key = (settings, str(cache_dir))
    # `mkdocs serve` calls on_config on every reload: reuse the reading of its first build.
    if not (_build.command == "serve" and _build.key == key and _build.result is not None):
        _build.result = engine.check(settings, cache_dir=cache_dir,
                                     offline=engine_settings.offline(), log=upstream_log)
        _build.key = key
    # For hooks/site_content.py: the home page's "If it is down right now" block follows it.
    config.extra["status_verdict"] = _result().status.verdict.value
    return config


def on_env(env: jinja2.Environment, /, *, config: MkDocsConfig,
           files: Files) -> jinja2.Environment | None:
    result = _result()
    env.globals["status_banner"] = Markup(live.banner_html(result.banner_html, result.status,
                                                           _build.live_settings))
    card = _card(config)
    # og:image must be absolute: without site_url, pages get no image rather than a broken one.
    env.globals["status_card"] = None if card is None else {
        "url": sharecard.image_url(card, config.site_url or ""), "alt": card.alt,
        "width": sharecard.WIDTH, "height": sharecard.HEIGHT}
    return env


def on_page_content(html: str, /, *, page: Page, config: MkDocsConfig,
                    files: Files) -> str | None:
    if HISTORY_MARKER in html:
        # Links to history.json and history.atom are relative: the site may live in a subfolder.
        base_url = "../" * page.url.count("/")
        # Imported here: only the build of the page that has the marker pays for it.
        from status_engine.pages.history import history_html

        result = _result()
        html = html.replace(HISTORY_MARKER, history_html(result.history, result.settings,
                                                         result.status.built_at, base_url), 1)
    if not page.is_homepage:
        return html
    if SUMMARY_MARKER not in html:
        log.warning("the home page has no %s marker: the status summary is not shown",
                    SUMMARY_MARKER)
        return html
    return html.replace(SUMMARY_MARKER, _result().summary_html, 1)


def on_post_build(*, config: MkDocsConfig) -> None:
    written = outputs.publish(_result(), Path(config.site_dir), site_url=config.site_url or "",
                              card=_card(config))
    log.info("wrote %s (verdict %s, %s)", ", ".join(p.name for p in written),
             _result().status.verdict.value, _result().status.freshness)


# --- Helpers ----------------------------------------------------------------------------------

def _settings(config: MkDocsConfig) -> engine_settings.Settings:
    settings = engine_settings.Settings(**_checked(StatusConfig, STATUS, config))
    try:
        return engine_settings.with_environment(settings)
    except SettingsError as exc:  # STATUS_SOURCE or STATUS_HISTORY_SOURCE
        raise PluginError(str(exc)) from None


def _checked(schema: type[C], section: Section, config: MkDocsConfig) -> dict[str, Any]:
    """`extra.<section>` through MkDocs' config machinery; a mistake stops the build with one
    line in MkDocs' own form: Config value '<key>': <the engine's words>."""
    extra = cast(dict[str, Any], config.extra or {})  # MkDocs declares `extra` untyped
    raw = extra.get(section.key.removeprefix("extra."))
    try:
        given = section.check_keys(raw)  # MkDocs only warns about an unknown key: refuse it
    except BadSetting as exc:
        raise PluginError(f"Config value '{exc.key}': {exc.problem}") from None
    checked = schema(config_file_path=config.config_file_path)
    checked.load_dict(given)
    failed, _ = checked.validate()
    for key, error in failed[:1]:  # MkDocs stops at the first wrong option too
        raise PluginError(f"Config value '{section.key}.{key}': {error}")
    return dict(checked)


def _card(config: MkDocsConfig) -> sharecard.Card | None:
    """The share card's words; None when `share_card: false`."""
    result = _result()
    if not result.settings.share_card:
        return None
    return sharecard.card_for(result.status, result.settings.subject, config.site_name)


def _result() -> engine.Result:
    if _build.result is None:
        raise PluginError("status: the engine did not run (on_config was skipped)")
    return _build.result
