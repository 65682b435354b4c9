"""The operator's side of the status hook: config errors, environment overrides, serve."""

from __future__ import annotations

import pytest
from mkdocs.config import load_config

from sitebuild import FIXTURES, run_build, set_status


@pytest.mark.parametrize("key, value", [
    ("deadline_seconds", "soon"),
    ("deadline_seconds", 900),
    ("max_age_minutes", -1),
    ("max_age_minutes", True),
    ("sources", ["http://status.openai.com/proxy/status.openai.com"]),
    ("status_page", "javascript:alert(1)"),
    ("scope_grups", ["ChatGPT"]),
])
def test_bad_status_config_stops_the_build_with_one_line_naming_the_key(project, key, value):
    set_status(project, **{key: value})
    build = run_build(project)
    assert build.returncode != 0
    errors = [line for line in build.log.splitlines() if f"extra.status.{key}" in line]
    assert len(errors) == 1, build.log
    assert "Traceback" not in build.log


def test_status_source_that_is_not_allowed_stops_the_build(project):
    build = run_build(project, env={"STATUS_SOURCE": "http://example.com/x", "STATUS_OFFLINE": ""})
    assert build.returncode != 0
    assert "STATUS_SOURCE: 'http://example.com/x' is not allowed" in build.log


def test_missing_summary_marker_is_a_strict_warning(project):
    index = project / "docs" / "index.md"
    index.write_text(index.read_text().replace("<!-- status:summary -->", ""))
    build = run_build(project)
    assert build.returncode != 0 and "status:summary" in build.log


def test_serve_reads_upstream_once_and_build_every_time(project, httpserver, monkeypatch):
    import status_banner

    body = (FIXTURES / "incidentio_operational.json").read_bytes()
    httpserver.expect_request("/s").respond_with_data(body, content_type="application/json")
    monkeypatch.setenv("STATUS_SOURCE", httpserver.url_for("/s"))
    monkeypatch.delenv("STATUS_OFFLINE", raising=False)
    set_status(project, cache_dir=str(project / ".cache"))
    config = load_config(config_file=str(project / "mkdocs.yml"))

    status_banner.on_startup(command="serve", dirty=False)
    for _ in range(3):  # the first build and two reloads
        status_banner.on_config(config)
    assert len(httpserver.log) == 1

    status_banner.on_startup(command="build", dirty=False)
    status_banner.on_config(config)
    status_banner.on_config(config)
    assert len(httpserver.log) == 3
