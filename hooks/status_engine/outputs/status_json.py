"""status.json: the verdict and the reading behind it, for machines (described by
status.schema.json). The last-known-good cache keeps the same document (store.py), so a build
can restore it from the live site."""

from __future__ import annotations

from typing import Any

from ..model import isoformat, to_jsonable
from ..scope import in_scope
from ..settings import Settings
from ..templating import safe_link
from ..verdict import Status

SCHEMA_VERSION = 1


def snapshot(status: Status, settings: Settings) -> dict[str, Any]:
    """The published status.json document."""
    reading = status.reading
    host = settings.status_host
    return {
        "schema_version": SCHEMA_VERSION,
        "subject": settings.subject,
        "verdict": status.verdict.value,
        "freshness": status.freshness,
        "checked_at": isoformat(status.checked_at),
        "built_at": isoformat(status.built_at),
        "age_seconds": status.age_seconds,
        "max_age_seconds": settings.max_age_seconds,
        "source": reading.source if reading else None,
        "format": reading.format if reading else None,
        "status_page": settings.status_page,
        "page_name": reading.page_name if reading else "",
        "indicator": reading.indicator.value if reading and reading.indicator else None,
        "components_known": reading.components_known if reading else True,
        "components": [dict(to_jsonable(c), in_scope=in_scope(c, settings))
                       for c in (status.components if reading else ())],
        "incidents": [_linked(to_jsonable(i), host) for i in status.incidents],
        "maintenances": [_linked(to_jsonable(m), host) for m in status.maintenances],
        "notes": list(status.notes),
        "disagreement": status.disagreement,
        "component_groups": dict(status.component_groups),
        "component_group_names": {name: list(groups)
                                  for name, groups in status.component_group_names},
    }


def _linked(item: dict[str, Any], host: str) -> dict[str, Any]:
    item["url"] = safe_link(item.get("url"), host)
    return item
