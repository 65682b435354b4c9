"""What an open page needs to refresh itself from status.json: a wrapper around the banner that
says when the build wrote it and how often builds run (status.js reads both).

The page never asks for status.json before `built_at + build interval`: no earlier answer can
differ. The interval is the deploy schedule's (every 10 minutes in deploy.yml); an operator who
changes the cron sets `extra.status_live.build_interval_minutes` to match. The setting is declared
with the others, in the one schema (settings.py).
"""

from __future__ import annotations

from ..model import isoformat
from ..settings import LiveSettings
from ..templating import environment
from ..verdict import Status


def banner_html(banner: str, status: Status, settings: LiveSettings) -> str:
    """The banner inside the wrapper status.js swaps as one piece."""
    return environment().get_template("live.html").render(
        banner=banner, built_iso=isoformat(status.built_at),
        refresh_after=settings.build_interval_minutes * 60).strip()
