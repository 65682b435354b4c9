"""A real local upstream that misbehaves: the fault matrix through `engine.check()`, and a few
whole `mkdocs build --strict` runs that show the hook carries the engine's answer into the site.

Every fault must end in a reading shown as the last-known-good one marked stale (or unknown
without one), a warning that says why, and the last-known-good file untouched. The engine is
what decides all of that and knows nothing of MkDocs, so the matrix runs in-process (about 50 ms a
case instead of a second); each whole build kept here names what only a build can show.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
import re
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from werkzeug import Response

from sitebuild import FIXTURES, Build, run_build, set_status
from status_engine import engine, formats, store
from status_engine.outputs.status_json import snapshot
from status_engine.settings import Settings, with_environment
from status_engine.verdict import decide

SAMPLE = FIXTURES / "incidentio_real_2026-09_operational.json"
DEGRADED = FIXTURES / "incidentio_real_2025-04-08_sora_degraded.json"
XML_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title></feed>')
CHALLENGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
             b"<body>Checking your browser</body></html>")
DEADLINE = 3


def seed_last_known_good(project: Path, minutes_ago: int = 5) -> bytes:
    """A good reading of the ChatGPT-degraded sample, as an earlier build would have saved it."""
    fetched = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    reading = formats.parse(DEGRADED.read_bytes(), "application/json", "seed", fetched)
    settings = Settings(scope_groups=("Sora",))
    doc = snapshot(decide(reading, settings, built_at=fetched, live=True), settings)
    cache = project / ".cache" / "status"
    store.save_last_known_good(cache, doc)
    return (cache / store.LAST_KNOWN_GOOD).read_bytes()


def banner(build: Build | engine.Result) -> dict[str, str]:
    """The banner's state, freshness and words: from a built home page or from the engine."""
    if isinstance(build, Build):
        assert build.returncode == 0, build.log
    html = build.page() if isinstance(build, Build) else build.banner_html
    tag = BeautifulSoup(html, "html.parser").find(attrs={"role": "status"})
    return {"status": tag["data-status"], "freshness": tag["data-freshness"],
            "text": tag.get_text(" ", strip=True)}


def published(build: Build) -> dict:
    return json.loads((build.site / "status.json").read_text())


@pytest.fixture
def upstream_project(project: Path) -> Path:
    """The project reading only the local upstream, scoped to Sora so the sample is degraded."""
    set_status(project, scope_groups=["Sora"], deadline_seconds=DEADLINE,
               connect_timeout_seconds=1, read_timeout_seconds=1, retries=1, max_bytes=100_000)
    return project


def build_against(project: Path, url: str) -> Build:
    return run_build(project, env={"STATUS_SOURCE": url, "STATUS_OFFLINE": ""})


# What the hook reads from upstream_project's mkdocs.yml (test_build_* below build with it).
SETTINGS = Settings(scope_groups=("Sora",), deadline_seconds=DEADLINE, connect_timeout_seconds=1,
                    read_timeout_seconds=1, retries=1, max_bytes=100_000)
LOGGER = "tests.faults"


def check_against(folder: Path, url: str | None, caplog, **changes) -> tuple[engine.Result, str]:
    """engine.check() as a build runs it, with STATUS_SOURCE=url, the cache in `folder` as in a
    project; and its log, one "LEVEL message" a line."""
    settings = with_environment(SETTINGS, {"STATUS_SOURCE": url} if url else {})
    settings = dataclasses.replace(settings, **changes)
    with caplog.at_level(logging.INFO, LOGGER):
        result = engine.check(settings, cache_dir=folder / ".cache" / "status",
                              log=logging.getLogger(LOGGER))
    return result, "\n".join(f"{r.levelname} {r.getMessage()}" for r in caplog.records)


def last_known_good(folder: Path) -> Path:
    return folder / ".cache" / "status" / store.LAST_KNOWN_GOOD


def answer(httpserver, body: bytes | str, status: int = 200,
           content_type: str = "application/json", headers: dict | None = None,
           times: int | None = None) -> str:
    request = (httpserver.expect_ordered_request("/status") if times
               else httpserver.expect_request("/status"))
    request.respond_with_response(Response(body, status=status, content_type=content_type,
                                           headers=headers or {}))
    return httpserver.url_for("/status")


FAULTS = {
    "500": lambda s: answer(s, "oops", 500, "text/plain"),
    "404": lambda s: answer(s, "not here", 404, "text/plain"),
    "html challenge with 200": lambda s: answer(s, CHALLENGE, 200, "text/html"),
    "truncated json": lambda s: answer(s, SAMPLE.read_bytes()[:5000]),
    "json of the wrong shape": lambda s: answer(s, json.dumps({"page": {"name": "x"}, "ok": 1})),
    "body over the size limit": lambda s: answer(s, b"[" + b"1," * 200_000 + b"1]"),
    "gzip bomb": lambda s: answer(s, gzip.compress(b" " * 5_000_000),
                                  headers={"Content-Encoding": "gzip"}),
    "redirect loop": lambda s: answer(s, "", 302, headers={"Location": s.url_for("/status")}),
    "redirect to http": lambda s: answer(s, "", 301, headers={"Location": "http://example.com/"}),
    "xml entity bomb": lambda s: answer(s, XML_BOMB, 200, "application/atom+xml"),
    "empty body": lambda s: answer(s, b""),
}


# The fault matrix, through the engine.

@pytest.mark.parametrize("fault", FAULTS)
def test_engine_fault_keeps_last_known_good_and_marks_it_stale(tmp_path, httpserver, caplog,
                                                               fault):
    saved = seed_last_known_good(tmp_path)
    result, log = check_against(tmp_path, FAULTS[fault](httpserver), caplog)
    shown = banner(result)
    assert (shown["status"], shown["freshness"]) == ("degraded", "stale"), log
    assert "minutes old" in shown["text"]
    assert re.search(r"^WARNING status: http://localhost:\d+/status: ", log, re.M), log
    assert result.snapshot["freshness"] == "stale"
    assert last_known_good(tmp_path).read_bytes() == saved


@pytest.mark.parametrize("fault", ["500", "html challenge with 200", "xml entity bomb"])
def test_engine_fault_without_last_known_good_is_unknown(tmp_path, httpserver, caplog, fault):
    result, log = check_against(tmp_path, FAULTS[fault](httpserver), caplog)
    shown = banner(result)
    assert (shown["status"], shown["freshness"]) == ("unknown", "unknown")
    assert "check the official page" in shown["text"]
    assert re.search(r"^WARNING status: verdict unknown: ", log, re.M), log
    assert not last_known_good(tmp_path).exists()


@pytest.mark.parametrize("server", ["silent_server", "trickle_server", "refused_url"])
def test_engine_dead_upstream_costs_at_most_the_deadline(tmp_path, request, caplog, server):
    url = request.getfixturevalue(server)
    seed_last_known_good(tmp_path)
    started = time.monotonic()
    result, log = check_against(tmp_path, url, caplog)
    elapsed = time.monotonic() - started
    assert banner(result)["freshness"] == "stale", log
    assert elapsed < DEADLINE + 2, elapsed  # the deadline is a promise, not a speed goal


def test_engine_retry_after_503_and_429_then_success_is_live(tmp_path, httpserver, caplog):
    answer(httpserver, "busy", 503, "text/plain", times=1)
    answer(httpserver, "slow down", 429, "text/plain", headers={"Retry-After": "1"}, times=1)
    url = answer(httpserver, SAMPLE.read_bytes(), times=1)
    result, log = check_against(tmp_path, url, caplog, retries=2, scope_groups=("ChatGPT",))
    assert (banner(result)["status"], banner(result)["freshness"]) == ("operational", "live"), log
    assert len(httpserver.log) == 3


def test_engine_next_good_reading_replaces_last_known_good(tmp_path, httpserver, caplog):
    seed_last_known_good(tmp_path, minutes_ago=30)
    url = answer(httpserver, SAMPLE.read_bytes())
    result, log = check_against(tmp_path, url, caplog, scope_groups=("ChatGPT",))
    assert (banner(result)["status"], banner(result)["freshness"]) == ("operational", "live"), log
    saved = json.loads(last_known_good(tmp_path).read_text())
    assert saved["verdict"] == "operational"
    assert saved["checked_at"] == result.snapshot["checked_at"]


def test_engine_last_known_good_past_max_age_is_unknown(tmp_path, httpserver, caplog):
    seed_last_known_good(tmp_path, minutes_ago=90)
    result, log = check_against(tmp_path, FAULTS["500"](httpserver), caplog)
    assert (banner(result)["status"], banner(result)["freshness"]) == ("unknown", "unknown")
    assert "90 minutes old" in log


def test_engine_sources_are_tried_in_order_and_the_log_names_the_winner(tmp_path, httpserver,
                                                                        caplog):
    """Was a whole build, which also fetched the real history feed (history_sources was left
    at its default): the order and the log line are the engine's, so it runs here, offline."""
    httpserver.expect_request("/broken").respond_with_data("x", status=500)
    httpserver.expect_request("/good").respond_with_data(SAMPLE.read_bytes(),
                                                          content_type="application/json")
    sources = (httpserver.url_for("/broken"), httpserver.url_for("/good"))
    result, log = check_against(tmp_path, None, caplog, scope_groups=("ChatGPT",),
                                sources=sources, history_sources=())
    assert banner(result)["freshness"] == "live"
    assert re.search(rf"^WARNING status: {re.escape(sources[0])}: ", log, re.M), log
    assert f"INFO status: read {sources[1]} " in log
    assert result.snapshot["source"] == sources[1]
    paths = [r[0].path for r in httpserver.log]  # /broken with its retries, then /good once
    assert set(paths[:-1]) == {"/broken"} and paths[-1] == "/good", paths


def test_engine_unknown_enum_values_keep_the_reading_but_not_the_verdict(tmp_path, httpserver,
                                                                         caplog):
    body = DEGRADED.read_bytes().replace(b'"degraded_performance"', b'"sort_of_wobbly"')
    result, log = check_against(tmp_path, answer(httpserver, body), caplog)
    shown = banner(result)
    assert (shown["status"], shown["freshness"]) == ("unknown", "live")
    assert "New users may experience temporary delays" in shown["text"]  # the incident stays
    assert re.search(r"^WARNING status: .*values we do not recognise", log, re.M), log


# Whole builds: what only a build shows. Each stands for the rest of its matrix above.

def test_build_fault_shows_stale_in_the_page_the_log_and_status_json(upstream_project,
                                                                     httpserver):
    """The hook puts the engine's stale banner on the page, its warning in MkDocs' log without
    failing --strict, and status.json in the site. The other faults of FAULTS were whole builds
    too; test_engine_fault_keeps_last_known_good_and_marks_it_stale covers them."""
    saved = seed_last_known_good(upstream_project)
    build = build_against(upstream_project, FAULTS["500"](httpserver))
    shown = banner(build)
    assert (shown["status"], shown["freshness"]) == ("degraded", "stale"), build.log
    assert "minutes old" in shown["text"]
    assert re.search(r"WARNING\s+-\s+status: http://localhost:\d+/status: ", build.log), build.log
    assert published(build)["freshness"] == "stale"
    assert last_known_good(upstream_project).read_bytes() == saved


def test_build_fault_without_last_known_good_is_unknown(upstream_project, httpserver):
    """The unknown banner in a built page. The other cases ("500", "xml entity bomb") are
    covered by test_engine_fault_without_last_known_good_is_unknown."""
    build = build_against(upstream_project, FAULTS["html challenge with 200"](httpserver))
    assert (banner(build)["status"], banner(build)["freshness"]) == ("unknown", "unknown")
    assert "check the official page" in banner(build)["text"]
    assert "WARNING -  status: verdict unknown" in build.log
    assert not last_known_good(upstream_project).exists()


def test_build_dead_upstream_costs_at_most_the_deadline(upstream_project, trickle_server):
    """A whole build stays within the deadline against the worst server (a body one byte at a
    time). The silent and refusing servers: test_engine_dead_upstream_costs_at_most_the_deadline."""
    seed_last_known_good(upstream_project)
    started = time.monotonic()
    build = build_against(upstream_project, trickle_server)
    elapsed = time.monotonic() - started
    assert banner(build)["freshness"] == "stale"
    # The build itself takes a second or two on a slow machine; the fetch may add the deadline.
    assert elapsed < DEADLINE + 8, elapsed


def test_build_offline_uses_last_known_good_without_network(upstream_project):
    """STATUS_OFFLINE, read by the hook: no fetch at all, the saved reading shown stale."""
    seed_last_known_good(upstream_project)
    build = run_build(upstream_project, env={"STATUS_SOURCE": "http://127.0.0.1:9/never"})
    assert banner(build)["freshness"] == "stale"
    assert "status: offline (STATUS_OFFLINE): not fetching" in build.log


def test_build_status_source_can_be_a_local_file(project):
    """A relative STATUS_SOURCE is read from the project folder, where mkdocs runs."""
    shutil.copy(DEGRADED, project / "sample.json")
    set_status(project, scope_groups=["Sora"])
    build = run_build(project, env={"STATUS_SOURCE": "sample.json", "STATUS_OFFLINE": ""})
    shown = banner(build)
    assert (shown["status"], shown["freshness"]) == ("degraded", "live")
    assert "New users may experience temporary delays" in shown["text"]
