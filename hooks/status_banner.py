"""MkDocs adapter for the status engine: read config, run the engine once, hand over the HTML.

Only MkDocs events live here; fetching, parsing, deciding, rendering and persisting are in
`status_engine`, which knows nothing of MkDocs. Import it at the top: MkDocs puts this folder
on sys.path only while it loads the hook.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import base, config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from status_engine import engine, live, settings as engine_settings, sharecard
from status_engine.errors import SettingsError

SUMMARY_MARKER = "<!-- status:summary -->"
HISTORY_MARKER = "<!-- status:history -->"
log = get_plugin_logger("status")

# Upstream trouble is logged outside the `mkdocs` logger tree on purpose: MkDocs counts only
# its own warnings for --strict, and a flaky upstream must never fail the build.
upstream_log = logging.getLogger("status_engine")

_state: dict[str, Any] = {"command": "build", "result": None, "key": None}


def _config_class() -> type[base.Config]:
    """The `extra.status` schema, declared from the engine's own settings and defaults."""
    options: dict[str, Any] = {}
    for name, default in engine_settings.field_defaults().items():
        if isinstance(default, tuple):
            options[name] = config_options.ListOfItems(config_options.Type(str),
                                                       default=list(default))
        elif isinstance(default, float):
            options[name] = config_options.Type((int, float), default=default)
        else:
            options[name] = config_options.Type(type(default), default=default)
    return type("StatusConfig", (base.Config,), options)


StatusConfig = _config_class()


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command
    if not upstream_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        upstream_log.addHandler(handler)
        upstream_log.setLevel(logging.INFO)
        upstream_log.propagate = False


def on_config(config: Any) -> Any:
    settings = _settings(config)
    cache_dir = Path(config.config_file_path).parent / settings.cache_dir
    key = (settings, str(cache_dir))
    # `mkdocs serve` calls on_config on every reload: reuse the reading of its first build.
    if not (_state["command"] == "serve" and _state["key"] == key
            and _state["result"] is not None):
        result = engine.check(settings, cache_dir=cache_dir, offline=engine_settings.offline(),
                              log=upstream_log)
        _state.update(result=result, key=key)
    # For hooks/site_content.py: the home page's "If it is down right now" block follows it.
    config.extra["status_verdict"] = _result().status.verdict.value
    return config


def on_env(env: Any, config: Any, files: Any) -> Any:
    result = _result()
    env.globals["status_banner"] = Markup(live.banner_html(result.banner_html, result.status,
                                                           _live_settings(config)))
    card = _card(config)
    # og:image must be absolute: without site_url, pages get no image rather than a broken one.
    env.globals["status_card"] = {"url": sharecard.image_url(card, config.site_url or ""),
                                  "alt": card.alt, "width": sharecard.WIDTH,
                                  "height": sharecard.HEIGHT}
    return env


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if HISTORY_MARKER in html:
        # Links to history.json and history.atom are relative: the site may live in a subfolder.
        base = "../" * page.url.count("/")
        html = html.replace(HISTORY_MARKER, engine.history_html(_result(), base), 1)
    if not page.is_homepage:
        return html
    if SUMMARY_MARKER not in html:
        log.warning("the home page has no %s marker: the status summary is not shown",
                    SUMMARY_MARKER)
        return html
    return html.replace(SUMMARY_MARKER, _result().summary_html, 1)


def on_post_build(config: Any) -> None:
    path = engine.publish(_result(), Path(config.site_dir), config.site_url or "")
    sharecard.write(_card(config), Path(config.site_dir))
    log.info("wrote %s, history.json, history.atom, status.svg and %s (verdict %s, %s)",
             path.name, sharecard.FILENAME, _result().status.verdict.value,
             _result().status.freshness)


def _live_settings(config: Any) -> live.LiveSettings:
    try:
        return live.live_settings((config.extra or {}).get("status_live"))
    except SettingsError as exc:
        raise PluginError(str(exc)) from None


def _card(config: Any) -> sharecard.Card:
    result = _result()
    return sharecard.card_for(result.status, result.settings.subject, config.site_name)


def _result() -> engine.Result:
    result = _state["result"]
    if result is None:
        raise PluginError("status: the engine did not run (on_config was skipped)")
    return result


def _settings(config: Any) -> engine_settings.Settings:
    """Validate `extra.status` with MkDocs' config classes; one line names a wrong key."""
    raw = (config.extra or {}).get("status") or {}
    if not isinstance(raw, dict):
        raise PluginError(f"{engine_settings.CONFIG_KEY}: expected a mapping of settings")
    schema = StatusConfig(config_file_path=config.config_file_path)
    schema.load_dict(raw)
    failed, warnings = schema.validate()
    for key, error in failed + warnings:
        raise PluginError(f"{engine_settings.CONFIG_KEY}.{key}: {error}")
    try:
        settings = engine_settings.Settings(**{
            name: tuple(value) if isinstance(value, list) else value
            for name, value in schema.items()})
        return engine_settings.with_environment(settings, os.environ)
    except SettingsError as exc:
        raise PluginError(str(exc)) from None
