"""Hostile upstream payloads through a whole build: nothing of theirs becomes our markup."""

from __future__ import annotations

import json
import shutil

import pytest
from bs4 import BeautifulSoup

from sitebuild import FIXTURES, run_build, set_status

HOSTILE = ["incidentio_hostile.json", "statuspage_hostile.json", "feed_hostile.atom",
           "feed_hostile.rss"]


@pytest.mark.parametrize("fixture", HOSTILE)
def test_hostile_payload_cannot_add_markup(project, fixture):
    shutil.copy(FIXTURES / fixture, project / fixture)
    set_status(project, scope_groups=[])  # the hostile pages name their groups hostilely too
    build = run_build(project, env={"STATUS_SOURCE": fixture, "STATUS_OFFLINE": ""})
    assert build.returncode == 0, build.log
    soup = BeautifulSoup(build.page(), "html.parser")
    ours = soup.select('[role="status"], section.status-summary')
    assert ours, "banner and summary missing"
    for part in ours:
        assert not part.find_all(["script", "img", "iframe", "style", "svg", "object"])
        for tag in part.find_all(True):
            assert not [a for a in tag.attrs if a.startswith("on")], tag
            href = tag.get("href")
            if href is not None:
                assert href.startswith("https://status.openai.com"), href
    # The hostile text is there, as text: it was escaped, not dropped.
    assert "<script>alert(1)</script>" in soup.get_text()
    snapshot = json.loads((build.site / "status.json").read_text())
    for item in snapshot["incidents"] + snapshot["maintenances"]:
        assert item["url"] is None or item["url"].startswith("https://status.openai.com/")
