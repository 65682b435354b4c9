"""A real build writes the share card and points every page at it with absolute meta tags."""

from __future__ import annotations

import io
import shutil
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from PIL import Image

from sitebuild import FIXTURES, copy_project, run_build, set_status

SITE_URL = "https://status.example.org/mirror/"


def meta(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {(m.get("property") or m.get("name")): m.get("content")
            for m in soup.find_all("meta") if m.get("property") or m.get("name")}


def test_every_page_gets_the_card_with_absolute_versioned_url(tmp_path):
    project = copy_project(tmp_path / "project")
    shutil.copy(FIXTURES / "incidentio_major_outage.json", project / "s.json")
    build = run_build(project, {"STATUS_SOURCE": "s.json", "STATUS_OFFLINE": "",
                                "SITE_URL": SITE_URL})
    assert build.returncode == 0, build.log
    card = build.site / "status-card.png"
    data = card.read_bytes()
    assert len(data) <= 60_000
    words = dict(Image.open(io.BytesIO(data)).text)
    assert words["Title"] == "ChatGPT: Major outage"
    pages = sorted(build.site.rglob("index.html"))
    assert len(pages) >= 5
    for page in pages:
        tags = meta(page.read_text(encoding="utf-8"))
        url = tags.get("og:image", "")
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == (
            "https", "status.example.org", "/mirror/status-card.png"), (page, url)
        assert parts.query.startswith("v=20") and parts.query.endswith("Z"), url
        assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
        assert tags["og:image:alt"] == words["Description"], page
        assert tags["twitter:card"] == "summary_large_image"


def test_share_card_false_publishes_no_card_and_no_og_image(tmp_path):
    project = copy_project(tmp_path / "project")
    set_status(project, share_card=False)
    shutil.copy(FIXTURES / "incidentio_major_outage.json", project / "s.json")
    build = run_build(project, {"STATUS_SOURCE": "s.json", "STATUS_OFFLINE": "",
                                "SITE_URL": SITE_URL})
    assert build.returncode == 0, build.log
    assert not (build.site / "status-card.png").exists()
    assert "status-card.png" not in build.log
    assert "wrote status.json, history.json, history.atom, status.svg (verdict major_outage" \
        in build.log
    for page in sorted(build.site.rglob("index.html")):
        tags = meta(page.read_text(encoding="utf-8"))
        assert "og:image" not in tags and tags["twitter:card"] == "summary", page
        assert tags["og:title"], page  # the other preview tags stay


def test_unknown_state_gets_a_card_too(offline_build):
    data = (offline_build.site / "status-card.png").read_bytes()
    words = dict(Image.open(io.BytesIO(data)).text)
    assert words["Title"] == "ChatGPT: Status unknown"
    assert "Could not read the official status" in words["Description"]
    assert meta(offline_build.page())["og:image:alt"] == words["Description"]
