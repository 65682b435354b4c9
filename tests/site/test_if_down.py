"""The home page's "If it is down right now" block: in the page for every verdict, visible for
every verdict but operational, its "could not read" lead only for unknown; and what a broken
block or review date in docs/ does to the build."""

from __future__ import annotations

import datetime

import markdown
import pytest
from bs4 import BeautifulSoup

from sitebuild import FIXTURES, run_build
from content.data import review_date
from content.render import with_if_down_block
from status_engine.model import State

PAGE = """# Title

<!-- status:summary -->

<!-- if-down -->
## If it is down right now

<!-- if-down:unknown -->
**Could not read** the status.
<!-- /if-down:unknown -->

- Keep a copy of your prompt.
<!-- /if-down -->

## After
"""


def _render(verdict: str) -> BeautifulSoup:
    md = markdown.Markdown(extensions=["md_in_html", "attr_list"])
    return BeautifulSoup(md.convert(with_if_down_block(PAGE, verdict)), "html.parser")


@pytest.mark.parametrize("verdict", [s.value for s in State])
def test_block_is_hidden_only_when_operational(verdict):
    soup = _render(verdict)
    block = soup.find(id="if-down")
    assert block is not None and "if-down" in block["class"]  # always there, for a live refresh
    assert block.has_attr("hidden") == (verdict == "operational")
    assert block.h2.get_text() == "If it is down right now"
    assert "Keep a copy of your prompt." in block.get_text()
    lead = block.find(class_="if-down__unknown")
    assert lead.has_attr("hidden") == (verdict != "unknown")
    assert soup.find("h2", string="After").find_parent(id="if-down") is None


def test_an_unclosed_block_is_an_error_naming_the_fix():
    with pytest.raises(Exception, match="Fix: end the block with <!-- /if-down -->"):
        with_if_down_block(PAGE.replace("<!-- /if-down -->", ""), "degraded")


def test_review_date_must_be_a_past_date():
    today = datetime.date(2026, 11, 29)
    assert review_date(datetime.date(2026, 11, 29), today) == today
    assert review_date("2026-11-01", today) == datetime.date(2026, 11, 1)
    for bad in (None, "soon", datetime.date(2026, 11, 30)):
        with pytest.raises(Exception, match="Fix:"):
            review_date(bad, today)


# --- Whole builds ---------------------------------------------------------------------------

def _home(build) -> BeautifulSoup:
    assert build.returncode == 0, build.log
    return BeautifulSoup(build.page(), "html.parser")


def _state_build(project, fixture: str):
    (project / "status-source.json").write_bytes((FIXTURES / fixture).read_bytes())
    return run_build(project, {"STATUS_SOURCE": "status-source.json", "STATUS_OFFLINE": ""})


def test_operational_build_hides_the_block_and_its_heading_in_the_contents(project):
    soup = _home(_state_build(project, "incidentio_operational.json"))
    block = soup.find(id="if-down")
    assert block.has_attr("hidden") and block.find(class_="if-down__unknown").has_attr("hidden")
    toc = [a.get_text(" ", strip=True) for a in soup.select(".md-nav--secondary a")]
    assert toc and "If it is down right now" not in toc


def test_major_outage_build_shows_the_block_without_the_unknown_lead(project):
    soup = _home(_state_build(project, "incidentio_major_outage.json"))
    block = soup.find(id="if-down")
    assert not block.has_attr("hidden")
    assert block.find(class_="if-down__unknown").has_attr("hidden")
    # Right under the status summary, with plain links only.
    assert block.find_previous_sibling("section")["class"][0] == "status-summary"
    assert block.find_all(["img", "script", "iframe"]) == []
    hrefs = {a["href"] for a in block.find_all("a", href=True)}
    assert {"https://claude.ai", "https://gemini.google.com",
            "https://help.openai.com/en/articles/7426629",
            "https://status.openai.com/incidents/01KGJK9Q6PDB3C3VX6MPCY6106/write-up"} <= hrefs


def test_offline_build_shows_the_block_and_says_the_status_could_not_be_read(offline_build):
    block = _home(offline_build).find(id="if-down")
    assert not block.has_attr("hidden")
    lead = block.find(class_="if-down__unknown")
    assert not lead.has_attr("hidden") and "could not read" in lead.get_text()


def test_a_page_without_a_review_date_stops_the_build(project):
    page = project / "docs" / "faq.md"
    page.write_text(page.read_text(encoding="utf-8").replace("reviewed: 2026-11-29\n", ""),
                    encoding="utf-8")
    build = run_build(project)
    assert build.returncode != 0
    lines = [line for line in build.log.splitlines() if "docs/faq.md" in line]
    assert len(lines) == 1 and "'reviewed:'" in lines[0] and "Fix:" in lines[0], build.log
    assert "Traceback" not in build.log
