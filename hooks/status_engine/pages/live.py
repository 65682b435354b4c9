"""What an open page needs to refresh itself from status.json: a wrapper around the banner that
says when the build wrote it and how often builds run (status.js reads both).

The page never asks for status.json before `built_at + build interval`: no earlier answer can
differ. The interval is the deploy schedule's (every 10 minutes in deploy.yml); an operator who
changes the cron sets `extra.status_live.build_interval_minutes` to match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from ..errors import SettingsError
from ..model import isoformat
from ..templating import environment
from ..verdict import Status

CONFIG_KEY = "extra.status_live"


@dataclass(frozen=True)
class LiveSettings:
    build_interval_minutes: int = 10

    def __post_init__(self) -> None:
        value = self.build_interval_minutes
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1440:
            raise SettingsError(f"{CONFIG_KEY}.build_interval_minutes: must be a whole number "
                                f"of minutes from 1 to 1440 (the deploy cron's), got {value!r}")


def live_settings(raw: Any) -> LiveSettings:
    """LiveSettings from the `extra.status_live` mapping, naming a wrong key in one line."""
    if raw is None:
        return LiveSettings()
    if not isinstance(raw, Mapping):
        raise SettingsError(f"{CONFIG_KEY}: expected a mapping such as "
                            "{build_interval_minutes: 10}")
    unknown = sorted(set(raw) - {"build_interval_minutes"})
    if unknown:
        raise SettingsError(f"{CONFIG_KEY}.{unknown[0]}: unknown setting; the only one is "
                            "build_interval_minutes")
    return LiveSettings(**dict(raw))


def banner_html(banner: str, status: Status, settings: LiveSettings) -> str:
    """The banner inside the wrapper status.js swaps as one piece."""
    return environment().get_template("live.html").render(
        banner=banner, built_iso=isoformat(status.built_at),
        refresh_after=settings.build_interval_minutes * 60).strip()
