"""Whole `mkdocs build --strict` runs against a real local upstream that misbehaves.

Every fault must end in a successful build that shows the last-known-good reading marked stale
(or unknown without one), says why in the log, and leaves the last-known-good file untouched.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from werkzeug import Response

from sitebuild import FIXTURES, Build, run_build, set_status
from status_engine import formats, render, store
from status_engine.settings import Settings
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
    fetched = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    reading = formats.parse(DEGRADED.read_bytes(), "application/json", "seed", fetched)
    settings = Settings(scope_groups=("Sora",))
    doc = render.snapshot(decide(reading, settings, built_at=fetched, live=True), settings)
    cache = project / ".cache" / "status"
    store.save_last_known_good(cache, doc)
    return (cache / store.LAST_KNOWN_GOOD).read_bytes()


def banner(build: Build) -> dict[str, str]:
    assert build.returncode == 0, build.log
    tag = BeautifulSoup(build.page(), "html.parser").find(attrs={"role": "status"})
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


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_keeps_last_known_good_and_marks_it_stale(upstream_project, httpserver, fault):
    saved = seed_last_known_good(upstream_project)
    build = build_against(upstream_project, FAULTS[fault](httpserver))
    shown = banner(build)
    assert (shown["status"], shown["freshness"]) == ("degraded", "stale"), build.log
    assert "minutes old" in shown["text"]
    assert re.search(r"WARNING\s+-\s+status: http://localhost:\d+/status: ", build.log), build.log
    assert published(build)["freshness"] == "stale"
    cache = upstream_project / ".cache" / "status" / store.LAST_KNOWN_GOOD
    assert cache.read_bytes() == saved


@pytest.mark.parametrize("fault", ["500", "html challenge with 200", "xml entity bomb"])
def test_fault_without_last_known_good_is_unknown(upstream_project, httpserver, fault):
    build = build_against(upstream_project, FAULTS[fault](httpserver))
    assert (banner(build)["status"], banner(build)["freshness"]) == ("unknown", "unknown")
    assert "check the official page" in banner(build)["text"]
    assert "WARNING -  status: verdict unknown" in build.log
    assert not (upstream_project / ".cache" / "status" / store.LAST_KNOWN_GOOD).exists()


@pytest.mark.parametrize("server", ["silent_server", "trickle_server", "refused_url"])
def test_dead_upstream_costs_at_most_the_deadline(upstream_project, request, server):
    url = request.getfixturevalue(server)
    seed_last_known_good(upstream_project)
    started = time.monotonic()
    build = build_against(upstream_project, url)
    elapsed = time.monotonic() - started
    assert banner(build)["freshness"] == "stale"
    # The build itself takes a second or two on a slow machine; the fetch may add the deadline.
    assert elapsed < DEADLINE + 8, elapsed


def test_retry_after_503_and_429_then_success_is_live(upstream_project, httpserver):
    answer(httpserver, "busy", 503, "text/plain", times=1)
    answer(httpserver, "slow down", 429, "text/plain", headers={"Retry-After": "1"}, times=1)
    url = answer(httpserver, SAMPLE.read_bytes(), times=1)
    set_status(upstream_project, retries=2, scope_groups=["ChatGPT"])
    build = build_against(upstream_project, url)
    assert (banner(build)["status"], banner(build)["freshness"]) == ("operational", "live")


def test_next_good_reading_replaces_last_known_good(upstream_project, httpserver):
    seed_last_known_good(upstream_project, minutes_ago=30)
    set_status(upstream_project, scope_groups=["ChatGPT"])
    build = build_against(upstream_project, answer(httpserver, SAMPLE.read_bytes()))
    assert (banner(build)["status"], banner(build)["freshness"]) == ("operational", "live")
    saved = json.loads((upstream_project / ".cache/status" / store.LAST_KNOWN_GOOD).read_text())
    assert saved["verdict"] == "operational"
    assert saved["checked_at"] == published(build)["checked_at"]


def test_last_known_good_past_max_age_is_unknown(upstream_project, httpserver):
    seed_last_known_good(upstream_project, minutes_ago=90)
    build = build_against(upstream_project, FAULTS["500"](httpserver))
    assert (banner(build)["status"], banner(build)["freshness"]) == ("unknown", "unknown")
    assert "90 minutes old" in build.log


def test_sources_are_tried_in_order_and_the_log_names_the_winner(upstream_project, httpserver):
    httpserver.expect_request("/broken").respond_with_data("x", status=500)
    httpserver.expect_request("/good").respond_with_data(SAMPLE.read_bytes(),
                                                          content_type="application/json")
    set_status(upstream_project, scope_groups=["ChatGPT"],
               sources=[httpserver.url_for("/broken"), httpserver.url_for("/good")])
    build = run_build(upstream_project, env={"STATUS_OFFLINE": ""})
    assert banner(build)["freshness"] == "live"
    assert f"status: read {httpserver.url_for('/good')}" in build.log
    assert published(build)["source"] == httpserver.url_for("/good")


def test_offline_build_uses_last_known_good_without_network(upstream_project):
    seed_last_known_good(upstream_project)
    build = run_build(upstream_project, env={"STATUS_SOURCE": "http://127.0.0.1:9/never"})
    assert banner(build)["freshness"] == "stale"
    assert "offline" in build.log


def test_status_source_can_be_a_local_file(project):
    shutil.copy(DEGRADED, project / "sample.json")
    set_status(project, scope_groups=["Sora"])
    build = run_build(project, env={"STATUS_SOURCE": "sample.json", "STATUS_OFFLINE": ""})
    shown = banner(build)
    assert (shown["status"], shown["freshness"]) == ("degraded", "live")
    assert "New users may experience temporary delays" in shown["text"]


def test_unknown_enum_values_keep_the_reading_but_not_the_verdict(upstream_project, httpserver):
    body = DEGRADED.read_bytes().replace(b'"degraded_performance"', b'"sort_of_wobbly"')
    build = build_against(upstream_project, answer(httpserver, body))
    shown = banner(build)
    assert (shown["status"], shown["freshness"]) == ("unknown", "live")
    assert "New users may experience temporary delays" in shown["text"]  # the incident stays
    assert re.search(r"WARNING\s+-\s+status: .*values we do not recognise", build.log)
