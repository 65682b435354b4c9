"""Hostile upstream payloads: nothing of theirs becomes our markup.

Escaping and link checks are the engine's (autoescaped templates, `safe_link`), so every hostile
payload runs through `engine.check()`; one whole build shows the page the hook makes from it.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import FIXTURES, run_build, set_status
from status_engine import engine
from status_engine.settings import Settings, with_environment

HOSTILE = ["incidentio_hostile.json", "statuspage_hostile.json", "feed_hostile.atom",
           "feed_hostile.rss"]


def assert_harmless(html: str, snapshot: dict) -> None:
    soup = BeautifulSoup(html, "html.parser")
    ours = soup.select('[role="status"], section.status-summary')
    assert len(ours) == 2, "banner and summary missing"
    for part in ours:
        assert not part.find_all(["script", "img", "iframe", "style", "svg", "object"])
        for tag in part.find_all(True):
            assert not [a for a in tag.attrs if a.startswith("on")], tag
            href = tag.get("href")
            if href is not None:
                assert href.startswith("https://status.openai.com"), href
    # The hostile text is there, as text: it was escaped, not dropped.
    assert "<script>alert(1)</script>" in soup.get_text()
    for item in snapshot["incidents"] + snapshot["maintenances"]:
        assert item["url"] is None or item["url"].startswith("https://status.openai.com/")


@pytest.mark.parametrize("fixture", HOSTILE)
def test_hostile_payload_cannot_add_markup(tmp_path: Path, fixture):
    # scope_groups empty: the hostile pages name their groups hostilely too.
    settings = with_environment(Settings(scope_groups=()),
                                {"STATUS_SOURCE": str(FIXTURES / fixture)})
    result = engine.check(settings, cache_dir=tmp_path, log=logging.getLogger("tests.hostile"))
    assert result.status.freshness == "live"
    assert_harmless(result.banner_html + result.summary_html, result.snapshot)


def test_hostile_payload_cannot_add_markup_to_the_built_page(project):
    """The hook inserts the engine's HTML as it is (no second unescaping) and publishes the
    same snapshot. The three other payloads were whole builds too; they are covered by
    test_hostile_payload_cannot_add_markup, which runs all four through the engine."""
    fixture = HOSTILE[0]
    shutil.copy(FIXTURES / fixture, project / fixture)
    set_status(project, scope_groups=[])
    build = run_build(project, env={"STATUS_SOURCE": fixture, "STATUS_OFFLINE": ""})
    assert build.returncode == 0, build.log
    assert_harmless(build.page(), json.loads((build.site / "status.json").read_text()))
