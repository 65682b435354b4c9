"""What one status check found (`engine.check` makes it): the pages (pages/) and the machine
outputs (outputs/) are both made from it, without either knowing the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .history.model import History
from .settings import Settings
from .verdict import Status


@dataclass(frozen=True)
class Result:
    status: Status
    snapshot: dict[str, Any]  # the status.json document (outputs/status_json.py)
    banner_html: str
    summary_html: str
    history: History = field(default_factory=History)
    settings: Settings = field(default_factory=Settings)
    history_file: Path | None = None  # the cache file holding exactly `history`, if any
