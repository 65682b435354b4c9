"""Last-known-good persistence and the operator's settings."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from readings import NOW, comp, reading
from status_engine import store
from status_engine.settings import live_settings
from status_engine.errors import SettingsError, UpstreamError
from status_engine.model import State
from status_engine.outputs.status_json import snapshot
from status_engine.settings import (BadSetting, LiveSettings, Settings, settings_from_mapping,
                                   with_environment)
from status_engine.verdict import decide

SETTINGS = Settings()


def live_snapshot(state=State.DEGRADED, minutes_ago=0):
    r = reading(comp("Conversations", state), fetched_at=NOW - timedelta(minutes=minutes_ago))
    return snapshot(decide(r, SETTINGS, built_at=NOW, live=True), SETTINGS)


def test_snapshot_round_trips_to_the_same_reading(tmp_path):
    r = reading(comp("Conversations", State.PARTIAL_OUTAGE), comp("Images", group="APIs"))
    doc = snapshot(decide(r, SETTINGS, built_at=NOW, live=True), SETTINGS)
    store.save_last_known_good(tmp_path, doc)
    loaded = store.load_last_known_good(tmp_path)
    assert loaded.components == r.components
    assert loaded.fetched_at == r.fetched_at and loaded.source == r.source


def test_missing_snapshot_is_none_and_corrupt_one_is_reported(tmp_path):
    assert store.load_last_known_good(tmp_path) is None
    (tmp_path / store.LAST_KNOWN_GOOD).write_text('{"verdict": "operational", "checked_at": ')
    with pytest.raises(UpstreamError, match="corrupt last-known-good"):
        store.load_last_known_good(tmp_path)


@pytest.mark.parametrize("bad", [
    {"checked_at": None, "verdict": "unknown"},          # an unknown build holds no reading
    {"checked_at": "yesterday", "source": "x"},           # no usable time
    {"checked_at": "2026-11-27T12:00:00Z", "source": "x", "components": [{"id": 1}]},
    [],
])
def test_a_snapshot_without_a_reading_never_replaces_a_good_one(tmp_path, bad):
    good = live_snapshot()
    store.save_last_known_good(tmp_path, good)
    with pytest.raises(UpstreamError):
        store.save_last_known_good(tmp_path, bad)
    assert json.loads((tmp_path / store.LAST_KNOWN_GOOD).read_text()) == good


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    store.save_last_known_good(tmp_path, live_snapshot())
    store.save_last_known_good(tmp_path, live_snapshot(State.OPERATIONAL))
    assert [p.name for p in tmp_path.iterdir()] == [store.LAST_KNOWN_GOOD]


def test_the_cache_reaches_the_disk_before_it_replaces_the_old_file(tmp_path, monkeypatch):
    """last-known-good (and history.json, through the same write) is flushed to disk before
    the rename, so a lost machine cannot leave an empty file where a good one was."""
    done = []
    real_fsync, real_replace = store.os.fsync, store.os.replace
    monkeypatch.setattr(store.os, "fsync", lambda fd: (done.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(store.os, "replace",
                        lambda a, b: (done.append("replace"), real_replace(a, b)))
    store.save_last_known_good(tmp_path, live_snapshot())
    assert done == ["fsync", "replace"]


@pytest.mark.parametrize("raw, key", [
    ({"deadline_seconds": 0}, "deadline_seconds"),
    ({"deadline_seconds": 600}, "deadline_seconds"),
    ({"max_age_minutes": "60"}, "max_age_minutes"),
    ({"max_age_minutes": True}, "max_age_minutes"),
    ({"sources": []}, "sources"),
    ({"sources": ["http://status.openai.com/x"]}, "sources"),
    ({"sources": [1]}, "sources"),
    ({"status_page": "http://status.openai.com"}, "status_page"),
    ({"scope_group": ["ChatGPT"]}, "scope_group"),
])
def test_bad_settings_name_the_key(raw, key):
    with pytest.raises(SettingsError, match=rf"^extra\.status\.{key}: "):
        settings_from_mapping(raw)


def test_settings_defaults_and_loopback_http():
    assert settings_from_mapping(None) == Settings()
    s = settings_from_mapping({"sources": ["http://127.0.0.1:8000/x", "tests/f.json"],
                               "deadline_seconds": 5})
    assert s.sources == ("http://127.0.0.1:8000/x", "tests/f.json") and s.deadline_seconds == 5.0


def test_status_source_replaces_the_sources():
    s = with_environment(SETTINGS, {"STATUS_SOURCE": "http://localhost:9/x.json"})
    assert s.sources == ("http://localhost:9/x.json",)
    assert with_environment(SETTINGS, {}) is SETTINGS
    with pytest.raises(SettingsError, match=r"^STATUS_SOURCE: "):
        with_environment(SETTINGS, {"STATUS_SOURCE": "http://example.com/x.json"})


def test_settings_built_in_code_are_checked_with_the_same_words():
    with pytest.raises(BadSetting) as from_code:
        Settings(retries=9)
    with pytest.raises(BadSetting) as from_mapping:
        settings_from_mapping({"retries": 9})
    assert str(from_code.value) == str(from_mapping.value) == (
        "extra.status.retries: must be a whole number of retries from 0 to 5, got 9. "
        "Fix: write it like retries: 2 (the default).")
    assert from_code.value.key == "extra.status.retries"
    assert Settings(scope_groups=["A"]).scope_groups == ("A",)  # held as the engine holds it


def test_live_settings_come_from_the_one_schema():
    assert live_settings(None) == LiveSettings() == LiveSettings(10)
    assert live_settings({"build_interval_minutes": 5}).build_interval_minutes == 5
    with pytest.raises(BadSetting, match=r"^extra\.status_live\.build_interval_minutes: must be "
                                         r"a whole number of minutes from 1 to 1440, got 'ten'"):
        live_settings({"build_interval_minutes": "ten"})
