"""The command line, run as operators run it: `python -m hooks.status_engine ...` in the repo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import FIXTURES, copy_project, run_build, set_status

LKG = Path(".cache/status/last-known-good.json")


def cli(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_")}
    full.update(env)
    return subprocess.run([sys.executable, "-m", "hooks.status_engine", *args], cwd=project,
                          env=full, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project copy built live from the degraded fixture: a site to verify and to restore."""
    project = copy_project(tmp_path_factory.mktemp("cli") / "project")
    shutil.copy(FIXTURES / "incidentio_degraded.json", project / "degraded.json")
    build = run_build(project, env={"STATUS_SOURCE": "degraded.json", "STATUS_OFFLINE": ""})
    assert build.returncode == 0, build.log
    return project


def test_check_prints_what_the_banner_would_say(project):
    shutil.copy(FIXTURES / "incidentio_partial_outage.json", project / "s.json")
    done = cli(project, "check", STATUS_SOURCE="s.json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ChatGPT: Partial outage [partial_outage]\nfreshness: live")
    assert "incident: " in done.stdout and "affected: Conversations: Partial outage" in done.stdout
    assert not (project / LKG).exists()  # a debugging command changes nothing


def test_check_exits_non_zero_when_unknown(project):
    done = cli(project, "check", STATUS_OFFLINE="1")
    assert done.returncode == 1
    assert "[unknown]" in done.stdout and "note: no usable reading" in done.stdout
    broken = cli(project, "check", STATUS_SOURCE=str(FIXTURES / "bad_challenge_page.html"))
    assert broken.returncode == 1 and "HTML" in broken.stderr


def test_check_names_a_bad_setting_in_one_line(project):
    done = cli(project, "check", STATUS_SOURCE="http://example.com/x")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: STATUS_SOURCE: 'http://example.com/x' is not allowed; use https:// (plain http "
        "only for 127.0.0.1, localhost or ::1)"]


def test_verify_accepts_a_good_site_and_refuses_a_broken_one(built, tmp_path):
    assert cli(built, "verify", "site").returncode == 0
    broken = tmp_path / "site"
    shutil.copytree(built / "site", broken)
    index = broken / "index.html"
    index.write_text(index.read_text().replace('role="status"', 'role="note"'))
    done = cli(built, "verify", str(broken))
    assert done.returncode == 1 and "no status banner" in done.stderr
    (broken / "status.json").write_text(json.dumps({"verdict": "down"}))
    assert "does not match" in cli(built, "verify", str(broken)).stderr
    (broken / "index.html").unlink()
    assert "is missing" in cli(built, "verify", str(broken)).stderr


def test_restore_takes_a_live_sites_reading_and_keeps_a_newer_one(built, project, httpserver):
    site = built / "site"
    for name in ("status.json", "history.json"):
        httpserver.expect_request(f"/{name}").respond_with_data(
            (site / name).read_bytes(), content_type="application/json")
    done = cli(project, "restore", httpserver.url_for("/"))
    assert done.returncode == 0, done.stderr
    restored = json.loads((project / LKG).read_text())
    published = json.loads((site / "status.json").read_text())
    assert restored["checked_at"] == published["checked_at"]
    # The groups learned by id and by name come back with it, for a feed or a group-less source.
    assert restored["component_group_names"]["Voice mode"] == ["ChatGPT"]
    assert restored["component_group_names"] == published["component_group_names"]
    assert restored["component_groups"] == published["component_groups"]
    # A second restore of the same reading leaves the file alone.
    before = (project / LKG).read_bytes()
    assert cli(project, "restore", httpserver.url_for("/")).returncode == 0
    assert (project / LKG).read_bytes() == before


def test_restore_never_fails_the_run_and_never_writes_garbage(project, httpserver):
    httpserver.expect_request("/status.json").respond_with_data("<html>", content_type="text/html")
    done = cli(project, "restore", httpserver.url_for("/"))
    assert done.returncode == 0
    assert "nothing restored" in done.stderr
    assert not (project / LKG).exists()


def test_render_writes_the_pieces_for_another_site_generator(project, tmp_path):
    shutil.copy(FIXTURES / "incidentio_major_outage.json", project / "s.json")
    done = cli(project, "render", str(tmp_path / "out"), STATUS_SOURCE="s.json")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert 'data-status="major_outage"' in (out / "status-banner.html").read_text()
    assert json.loads((out / "status.json").read_text())["verdict"] == "major_outage"
    for name in ("status-summary.html", "status-history.html", "history.atom", "status.svg"):
        assert (out / name).stat().st_size > 0
    from PIL import Image

    assert Image.open(out / "status-card.png").text["Title"] == "ChatGPT: Major outage"
    card = json.loads((out / "status-card.json").read_text())
    assert card["url"].startswith("https://example.github.io/is-chatgpt-down/status-card.png?v=")
    assert card["alt"].startswith("ChatGPT: Major outage. Checked ")
    assert "status-card.png, status-card.json (verdict major_outage, live)" in done.stdout


def test_render_without_the_share_card_when_the_settings_say_so(project, tmp_path):
    shutil.copy(FIXTURES / "incidentio_major_outage.json", project / "s.json")
    assert cli(project, "render", str(tmp_path / "out"), STATUS_SOURCE="s.json").returncode == 0
    set_status(project, share_card=False)  # turned off after a render that made the card
    done = cli(project, "render", str(tmp_path / "out"), STATUS_SOURCE="s.json")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "history.atom", "history.json", "status-banner.html", "status-history.html",
        "status-summary.html", "status.json", "status.svg"]
    assert "status.svg (verdict major_outage, live)" in done.stdout
