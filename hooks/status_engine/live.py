"""The name hooks/status_banner.py imports today (`from status_engine import live`); the module
is pages/live.py. Remove once the hook imports it from there."""

from .pages.live import CONFIG_KEY, LiveSettings, banner_html, live_settings

__all__ = ["CONFIG_KEY", "LiveSettings", "banner_html", "live_settings"]
