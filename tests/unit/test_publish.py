"""outputs.publish: every machine file of one check, written into a built site."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from status_engine.history import store as history_store
from status_engine.history.model import History
from status_engine.outputs import publish, sharecard
from status_engine.outputs.status_json import snapshot
from status_engine.pages.status import banner_html, summary_html
from status_engine.result import Result
from status_engine.settings import Settings
from status_engine.verdict import decide

from readings import comp, reading

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SETTINGS = Settings(status_page="https://status.example.com")
FILES = ["status.json", "history.json", "history.atom", "status.svg"]


def result(history_file: Path | None = None) -> Result:
    status = decide(reading(comp("Conversations")), SETTINGS, built_at=NOW, live=True)
    return Result(status, snapshot(status, SETTINGS), banner_html(status, SETTINGS),
                  summary_html(status, SETTINGS), History(since=NOW, updated_at=NOW),
                  SETTINGS, history_file)


def test_publish_writes_every_output_and_the_card_it_is_given(tmp_path: Path) -> None:
    done = result()
    card = sharecard.card_for(done.status, "ChatGPT", "Site")
    written = publish(done, tmp_path, site_url="https://site.example/", card=card)
    assert [p.name for p in written] == [*FILES, sharecard.FILENAME]
    assert json.loads((tmp_path / "status.json").read_text()) == done.snapshot
    assert b"https://site.example/history.atom" in (tmp_path / "history.atom").read_bytes()
    assert "operational" in (tmp_path / "status.svg").read_text()
    assert (tmp_path / sharecard.FILENAME).read_bytes().startswith(b"\x89PNG")
    for path in written:  # a web server running as another user must read them
        assert os.stat(path).st_mode & 0o444 == 0o444, path


def test_publish_never_waits_for_the_disk(tmp_path: Path, monkeypatch) -> None:
    """A built site is made again by every build: no fsync, which on ext4 waits for the whole
    site just written (tests/bench/bench_status.py). The cache is fsynced: test_store_settings."""
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    publish(result(), tmp_path)  # no cache file: history.json is encoded afresh, too
    assert synced == []


def test_publish_without_a_card_writes_none(tmp_path: Path) -> None:
    assert [p.name for p in publish(result(), tmp_path)] == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)


def test_history_json_is_the_cache_file_copied_when_it_holds_the_history(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / history_store.HISTORY
    cache.parent.mkdir()
    cache.write_bytes(b"the cache file, byte for byte\n")
    site = tmp_path / "site"
    site.mkdir()
    publish(result(history_file=cache), site)
    assert (site / history_store.HISTORY).read_bytes() == cache.read_bytes()
    # Without such a file the history is written afresh, as history.store.save writes it.
    publish(result(), site)
    assert json.loads((site / history_store.HISTORY).read_text())["schema_version"] == 1
