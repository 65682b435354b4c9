"""The wrapper status.js refreshes from: the build writes its time and the build interval, taken
from `extra.status_live`; a wrong value stops the build with one line naming it."""

from __future__ import annotations

import re

from sitebuild import copy_project, run_build


def with_live(project, text: str):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + f"  status_live:\n    {text}\n")
    return project


def test_the_banner_wrapper_carries_the_build_time_and_interval(tmp_path, offline_build):
    default = re.search(r'<div class="status-live" data-built-at="([^"]+)" '
                        r'data-refresh-after="(\d+)">\s*<div class="status-banner',
                        offline_build.page("faq/index.html"))
    assert default and default.group(2) == "600", "10 minutes by default, like the deploy cron"
    build = run_build(with_live(copy_project(tmp_path / "p"), "build_interval_minutes: 5"))
    assert build.returncode == 0, build.log
    assert 'data-refresh-after="300"' in build.page()


def test_a_wrong_interval_is_one_clear_line(tmp_path):
    build = run_build(with_live(copy_project(tmp_path / "p"), "build_interval_minutes: 0"))
    assert build.returncode != 0
    assert ("extra.status_live.build_interval_minutes: must be a whole number of minutes"
            in build.log)
    build = run_build(with_live(copy_project(tmp_path / "q"), "every: 5"))
    assert build.returncode != 0
    assert "extra.status_live.every: unknown setting" in build.log
