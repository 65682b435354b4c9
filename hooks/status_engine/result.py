"""What one status check found (`engine.check` makes it): the pages (pages/) and the machine
outputs (outputs/) are both made from it, without either knowing the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from .history.model import History
from .settings import Settings
from .verdict import Status


class Result(NamedTuple):
    status: Status
    snapshot: dict[str, Any]  # the status.json document (outputs/status_json.py)
    banner_html: str
    summary_html: str
    history: History
    settings: Settings
    history_file: Path | None = None  # the cache file holding exactly `history`, if any
