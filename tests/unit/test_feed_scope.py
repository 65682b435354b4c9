"""A feed under a set scope (review of issue 9, finding 1): a feed names components only, with
no group, so a component counts for ChatGPT only when it can be placed in the scope, by
scope_components or by the groups a reading with groups gave its name (kept with the
last-known-good). Whole-page scope keeps counting everything the feed names."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import pytest

from sitebuild import FIXTURES
from status_engine import engine, formats, store
from status_engine.model import State
from status_engine.scope import group_names_of
from status_engine.settings import Settings
from status_engine.verdict import decide

NOW = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
CHATGPT = Settings(status_page="https://status.openai.com", history_sources=())
WHOLE = Settings(scope_groups=(), scope_components=(), history_sources=())
SCHEMA = json.loads((engine.Path(engine.__file__).parent / "status.schema.json").read_text())
NATIVE = FIXTURES / "incidentio_real_2026-09_operational.json"


def feed(*entries: tuple[str, str, tuple[str, ...]]) -> bytes:
    """An incident.io Atom feed; each entry: (title, status word, affected components)."""
    items = []
    for n, (title, word, parts) in enumerate(entries):
        listed = "".join(f"&lt;li&gt;{p}&lt;/li&gt;" for p in parts)
        tail = (f"&lt;b&gt;Affected components&lt;/b&gt;&lt;ul&gt;{listed}&lt;/ul&gt;"
                if parts else "")
        items.append(
            f"<entry><id>https://status.openai.com/incidents/0{n}</id>"
            "<updated>2026-11-29T19:30:00Z</updated><published>2026-11-29T19:00:00Z</published>"
            f"<link href='https://status.openai.com/incidents/0{n}'/><title>{title}</title>"
            f"<content type='html'>&lt;b&gt;Status: {word}&lt;/b&gt;&lt;br/&gt;&lt;br/&gt;We are "
            f"looking.&lt;br/&gt;&lt;br/&gt;{tail}</content></entry>")
    return ("<feed xmlns='http://www.w3.org/2005/Atom'><title>OpenAI status</title>"
            + "".join(items) + "</feed>").encode()


def names() -> dict[str, tuple[str, ...]]:
    """Names -> groups, as the engine learns them from the real native capture."""
    reading = formats.parse(NATIVE.read_bytes(), "application/json", NATIVE.name, NOW)
    return dict(group_names_of(reading))


def verdict(body: bytes, settings: Settings = CHATGPT, learned_names=None):
    reading = formats.parse(body, "application/atom+xml", "feed.atom", NOW)
    return decide(reading, settings, built_at=NOW, live=True, learned_names=learned_names)


BATCH = ("Elevated errors on the Batch API", "Investigating", ("Batch (Full outage)",))


def test_an_api_outage_in_a_feed_never_reads_as_a_chatgpt_outage_on_a_fresh_cache():
    status = verdict(feed(BATCH))
    assert status.verdict is State.UNKNOWN
    assert any("'Batch'" in n and "cannot tell whether ChatGPT is affected" in n
               for n in status.notes), status.notes


def test_an_api_only_incident_leaves_chatgpt_operational_once_names_are_learned():
    status = verdict(feed(BATCH), learned_names=names())
    assert status.verdict is State.OPERATIONAL
    assert [i.name for i in status.incidents] == [BATCH[0]]  # still listed
    assert [(g.name, g.state) for g in status.other_groups] == [("APIs", State.MAJOR_OUTAGE)]


def test_a_chatgpt_component_in_a_feed_counts_once_names_are_learned():
    status = verdict(feed(("Voice is down", "Identified", ("Voice mode (Partial outage)",)),
                          BATCH), learned_names=names())
    assert status.verdict is State.PARTIAL_OUTAGE
    assert [c.name for c in status.scope] == ["Voice mode"]
    assert status.incidents[0].name == "Voice is down"  # ours first


def test_a_name_in_two_groups_is_ambiguous():
    assert names()["Login"] == ("APIs", "ChatGPT")
    status = verdict(feed(("Login trouble", "Investigating", ("Login (Degraded performance)",))),
                     learned_names=names())
    assert status.verdict is State.UNKNOWN
    assert any("'Login' (a name in more than one group: APIs, ChatGPT)" in n
               for n in status.notes), status.notes


def test_an_in_scope_component_that_says_worse_wins_over_an_unplaced_one():
    status = verdict(feed(("Voice is down", "Identified", ("Voice mode (Full outage)",)),
                          ("Something new", "Investigating", ("Space (Degraded performance)",))),
                     learned_names=names())
    assert status.verdict is State.MAJOR_OUTAGE
    assert any("'Space' (no reading with groups named it)" in n for n in status.notes)


def test_an_open_incident_naming_no_component_is_unknown_under_a_set_scope():
    status = verdict(feed(("Elevated errors", "Investigating", ())), learned_names=names())
    assert status.verdict is State.UNKNOWN
    assert any(n.startswith("an open incident names no component: cannot tell whether "
                            "ChatGPT is affected") for n in status.notes), status.notes


@pytest.mark.parametrize("entries, expected", [
    ((BATCH,), State.MAJOR_OUTAGE),
    ((("Elevated errors", "Investigating", ()),), State.DEGRADED),
])
def test_whole_page_scope_counts_everything_a_feed_names(entries, expected):
    assert verdict(feed(*entries), WHOLE).verdict is expected


def test_scope_components_place_a_feed_component_without_learning():
    settings = Settings(scope_groups=("ChatGPT",), scope_components=("Batch",))
    assert verdict(feed(BATCH), settings).verdict is State.MAJOR_OUTAGE


def test_a_resolved_incident_on_an_unplaced_component_changes_nothing():
    status = verdict(feed(("Old", "Resolved", ("Space (Operational)",))), learned_names=names())
    assert status.verdict is State.OPERATIONAL


def test_names_are_learned_kept_in_the_snapshot_and_used_by_a_later_feed_build(tmp_path):
    native_file, feed_file = tmp_path / "native.json", tmp_path / "feed.atom"
    native_file.write_bytes(NATIVE.read_bytes())
    feed_file.write_bytes(feed(BATCH))
    cache = tmp_path / "cache"
    first = engine.check(Settings(sources=(str(native_file),), history_sources=()),
                         cache_dir=cache, now=lambda: NOW)
    jsonschema.validate(first.snapshot, SCHEMA)
    assert first.snapshot["component_group_names"]["Login"] == ["APIs", "ChatGPT"]
    assert store.load_learned(cache)[1]["Batch"] == ("APIs",)
    later = engine.check(Settings(sources=(str(feed_file),), history_sources=()),
                         cache_dir=cache, now=lambda: NOW)
    assert later.snapshot["verdict"] == "operational"
    jsonschema.validate(later.snapshot, SCHEMA)
    # ...and the feed's build keeps the names for the one after it.
    assert later.snapshot["component_group_names"]["Batch"] == ["APIs"]
    assert store.load_learned(cache)[1]["Voice mode"] == ("ChatGPT",)


def test_a_snapshot_written_before_names_were_kept_still_loads(tmp_path):
    native_file = tmp_path / "native.json"
    native_file.write_bytes(NATIVE.read_bytes())
    result = engine.check(Settings(sources=(str(native_file),), history_sources=()),
                          cache_dir=tmp_path, now=lambda: NOW)
    old = dict(result.snapshot)
    del old["component_group_names"]
    (tmp_path / store.LAST_KNOWN_GOOD).write_text(json.dumps(old))
    assert store.load_last_known_good(tmp_path) is not None
    assert store.load_learned(tmp_path)[1] == {}
    assert store.load_learned(tmp_path)[0]  # the id mapping is still there
    jsonschema.validate(old, SCHEMA)


@pytest.mark.parametrize("raw", ['{"component_group_names": ["x"]}',
                                 '{"component_group_names": {"Login": "ChatGPT"}}',
                                 '{"component_group_names": {"Login": []}}', "{broken"])
def test_a_corrupt_name_mapping_is_ignored(tmp_path, raw):
    (tmp_path / store.LAST_KNOWN_GOOD).write_text(raw)
    assert store.load_learned(tmp_path)[1] == {}
