"""The name hooks/status_banner.py imports today (`from status_engine import live`); the module
is pages/live.py. Remove with the hook's retyping (issue 12, part 4), when it imports that."""

from .pages.live import CONFIG_KEY, LiveSettings, banner_html, live_settings

__all__ = ["CONFIG_KEY", "LiveSettings", "banner_html", "live_settings"]
