"""Property: whatever upstream sends as text or link, our HTML keeps its own shape."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import given, settings, strategies as st

from readings import NOW, comp, incident, reading
from status_engine.model import Maintenance, MaintenanceStatus, State
from status_engine.pages.status import banner_html, summary_html
from status_engine.settings import Settings
from status_engine.verdict import decide

SETTINGS = Settings(status_page="https://status.example.com")
# Every tag and attribute our templates write; anything else came from upstream.
TAGS = {"div", "span", "strong", "a", "time", "section", "h2", "h3", "h4", "p", "ul", "ol", "li",
        "article"}
ATTRS = {"class", "role", "data-status", "data-freshness", "data-stale-after", "data-checked-at",
         "href", "datetime", "aria-hidden", "aria-labelledby", "id", "reversed",
         "data-search-exclude"}
nasty = st.one_of(st.text(), st.sampled_from([
    "<script>alert(1)</script>", '" onmouseover="alert(1)', "javascript:alert(1)",
    "<img src=x onerror=alert(1)>", "</div><div onclick=x>", "{{ 7*7 }}", "&lt;b&gt;", "'>"]))
links = st.one_of(st.none(), nasty, st.builds(lambda p: "https://status.example.com/" + p, nasty),
                  st.sampled_from(["javascript:alert(1)", "https://evil.example/x",
                                   "https://status.example.com@evil.example/", "data:text/html,x"]))


@settings(max_examples=150, deadline=None)
@given(name=nasty, group=nasty, title=nasty, text=nasty, url=links,
       state=st.sampled_from(list(State)))
def test_upstream_text_never_changes_our_markup(name, group, title, text, url, state):
    r = reading(comp(name or "x", state), comp("other", State.DEGRADED, group=group or None),
                incidents=(incident(title, url=url, text=text),),
                maintenances=(Maintenance("m", title, MaintenanceStatus.IN_PROGRESS, NOW,
                                          url=url, text=text),))
    status = decide(r, SETTINGS, built_at=NOW, live=True)
    for html in (banner_html(status, SETTINGS), summary_html(status, SETTINGS)):
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup.find_all(True):
            assert tag.name in TAGS, tag
            assert set(tag.attrs) <= ATTRS, tag
            href = tag.get("href")
            if href is not None:
                assert href == "https://status.example.com" or \
                    href.startswith("https://status.example.com/"), href
