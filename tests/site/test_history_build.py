"""Whole builds with the incident history: carried across builds, corrupt or missing files,
failed fetches, the published outputs and the restore command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from defusedxml.ElementTree import fromstring
from werkzeug import Response

from sitebuild import FIXTURES, Build, run_build
from status_engine.history import store as history_store

FEED = FIXTURES / "feed_open_and_resolved.atom"
RSS = FIXTURES / "feed_open_and_resolved.rss"
OPERATIONAL = FIXTURES / "incidentio_operational.json"
SCHEMA = json.loads(history_store.SCHEMA.read_text())
FEED_IDS = {"01K9FEEDOPEN000000000001", "01K9FEEDRESOLVED00000001"}


def build(project: Path, source: Path | str, history: Path | str = "") -> Build:
    result = run_build(project, env={"STATUS_SOURCE": str(source), "STATUS_OFFLINE": "",
                                     "STATUS_HISTORY_SOURCE": str(history)})
    assert result.returncode == 0, result.log
    return result


def cache(project: Path) -> Path:
    return project / ".cache" / "status" / "history.json"


def ids(path: Path) -> set[str]:
    return {i["id"] for i in json.loads(path.read_text())["incidents"]}


def test_history_is_carried_across_builds_and_published(project: Path):
    build(project, FEED)
    second = build(project, OPERATIONAL, RSS)  # upstream no longer lists the feed's incidents
    published = json.loads((second.site / "history.json").read_text())
    jsonschema.validate(published, SCHEMA)
    assert ids(cache(project)) >= FEED_IDS
    assert len(published["incidents"]) == 2 + 3  # the Atom feed's two, the RSS feed's three
    assert (second.site / "history.json").read_bytes() == cache(project).read_bytes()
    assert published["components"]  # the JSON reading taught it the component list


def test_corrupt_history_is_kept_aside_and_rebuilt(project: Path):
    cache(project).parent.mkdir(parents=True)
    cache(project).write_bytes(b'{"schema_version": 1, "incidents": [tru')
    result = build(project, FEED)  # --strict, and still succeeds
    assert "history.json is corrupt" in result.log
    aside = list(cache(project).parent.glob("history.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().endswith(b"[tru")
    assert ids(cache(project)) == FEED_IDS


def test_missing_history_is_reported_and_built(project: Path):
    result = build(project, FEED)
    assert re.search(rf"WARNING\s+-\s+status: history: no {re.escape(str(cache(project)))} yet: "
                     "starting from the incidents upstream still lists", result.log), result.log
    assert ids(cache(project)) == FEED_IDS


@pytest.mark.parametrize("bad_status, bad_history", [
    ("bad_truncated.json", "bad_challenge_page.html"),
    ("bad_entity_bomb.xml", "bad_not_a_feed.xml"),
])
def test_failed_fetch_leaves_history_byte_identical(project: Path, bad_status, bad_history):
    build(project, FEED)
    before = cache(project).read_bytes()
    stamp = cache(project).stat().st_mtime_ns
    result = build(project, FIXTURES / bad_status, FIXTURES / bad_history)
    assert cache(project).read_bytes() == before and cache(project).stat().st_mtime_ns == stamp
    assert (result.site / "history.json").read_bytes() == before
    assert "the history keeps what it had" in result.log


def test_history_source_over_http_shares_the_deadline(project: Path, httpserver):
    # A Statuspage summary as the status source: unlike incident.io's complete list of ongoing
    # incidents, its silence closes nothing, so only the history source can change the history.
    status = FIXTURES / "statuspage_operational.json"
    httpserver.expect_request("/feed.atom").respond_with_data(
        RSS.read_bytes(), content_type="application/rss+xml")
    build(project, status, httpserver.url_for("/feed.atom"))
    assert len(ids(cache(project))) == 3
    httpserver.clear()
    httpserver.expect_request("/feed.atom").respond_with_response(Response("oops", status=500))
    before = cache(project).read_bytes()
    build(project, status, httpserver.url_for("/feed.atom"))
    assert cache(project).read_bytes() == before


def test_pages_link_the_feeds_and_the_history_page_has_bars(project: Path):
    result = build(project, FEED)
    head = BeautifulSoup(result.page(), "html.parser").head
    types = {link["type"]: link["href"] for link in head.find_all("link", rel="alternate")}
    assert types["application/atom+xml"] == "history.atom"
    assert types["application/json"] == "history.json"
    page = BeautifulSoup(result.page("history/index.html"), "html.parser")
    bars = page.select(".status-history__bar")
    for bar in bars:
        days = bar.select(".status-history__day")
        assert sum(int(c.get("data-days", 1)) for c in days) == 90
        assert len(days) < 10  # quiet stretches are one element each, not one per day
    cells = page.select(".status-history__bar .status-history__day")
    assert bars and all(c.get("aria-label") for c in cells)
    # Tab stops (and tooltips) only where there are incidents to read.
    focusable = page.select(".status-history__day[tabindex='0']")
    assert focusable and all(" — " in c["aria-label"] for c in focusable)
    assert all(c.get("tabindex") is None for c in cells if " — " not in c["aria-label"])
    links = {a.get_text(): a["href"] for a in page.find_all("a")}
    assert links["history.json"] == "../history.json"
    assert (result.site / "history/../history.json").is_file()
    root = fromstring((result.site / "history.atom").read_bytes())
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == 2
    svg = fromstring((result.site / "status.svg").read_bytes())
    assert svg.get("role") == "img" and svg.get("aria-label").startswith("ChatGPT: ")


def _restore(project: Path, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hooks.status_engine", "restore", url],
                          cwd=project, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project)})


def test_restore_merges_a_valid_history_and_refuses_a_bad_one(project: Path, httpserver):
    site = build(project, FEED).site
    good = (site / "history.json").read_bytes()
    cache(project).unlink()
    httpserver.expect_request("/history.json").respond_with_data(
        good, content_type="application/json")
    proc = _restore(project, httpserver.url_for("/"))
    assert proc.returncode == 0, proc.stderr
    assert ids(cache(project)) == FEED_IDS
    before = cache(project).read_bytes()
    httpserver.clear()
    bad = json.loads(good)  # readable, but not what the schema promises: a local-time offset
    bad["incidents"].append(dict(bad["incidents"][0], id="extra",
                                 started_at="2026-09-01T10:00:00+02:00"))
    httpserver.expect_request("/history.json").respond_with_json(bad)
    proc = _restore(project, httpserver.url_for("/"))
    assert proc.returncode == 0 and "no history restored" in proc.stderr
    assert cache(project).read_bytes() == before


def test_incident_io_closes_what_its_ongoing_list_no_longer_holds(project: Path):
    build(project, FIXTURES / "incidentio_degraded.json")
    first = json.loads(cache(project).read_text())["incidents"]
    assert [i["status"] for i in first] == ["identified"]
    build(project, OPERATIONAL)  # the same page, the incident gone from ongoing_incidents
    (closed,) = json.loads(cache(project).read_text())["incidents"]
    assert closed["id"] == first[0]["id"] and closed["status"] == "resolved"
    assert closed["resolved_at"] is not None
