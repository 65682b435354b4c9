"""Walking the engine's records (NamedTuples, status_engine/model.py) in tests."""

from __future__ import annotations

from typing import Any


def is_record(value: object) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def leaf_fields(record: Any) -> list[tuple[str, Any]]:
    """(field name, value) for every field that is not a record, of `record` and of every record
    inside it, tuples of records included, depth first."""
    found: list[tuple[str, Any]] = []
    for name, item in zip(record._fields, record, strict=True):
        for one in item if isinstance(item, tuple) and not is_record(item) else (item,):
            found += leaf_fields(one) if is_record(one) else [(name, one)]
    return found
