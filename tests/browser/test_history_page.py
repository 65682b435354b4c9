"""The history bars as a visitor uses them: a day with incidents tells them on hover and focus."""

from __future__ import annotations

import pytest

from browsing import VIEWPORTS


@pytest.mark.parametrize("how", ["keyboard", "mouse"])
def test_a_day_with_incidents_shows_them_on_focus_and_hover(visit, sites, how):
    v = visit(viewport=VIEWPORTS["desktop"])
    page = v.goto("degraded/history/")
    cell = page.locator(".status-history__day[tabindex='0']").first
    tip = cell.locator("xpath=following-sibling::*[1]")
    assert not tip.is_visible()
    if how == "keyboard":
        cell.focus()
        assert page.evaluate("document.activeElement.getAttribute('data-date')") \
            == cell.get_attribute("data-date")
    else:
        cell.hover()
    assert tip.is_visible()
    label = cell.get_attribute("aria-label")
    assert " — " in label and tip.inner_text() == label


def test_each_bar_is_one_row_of_90_days(visit, sites):
    """Material's `.md-typeset ol` styles must not turn the bar back into a list."""
    v = visit(viewport=VIEWPORTS["phone"])
    page = v.goto("degraded/history/")
    rows = page.evaluate("""() => [...document.querySelectorAll('.status-history__bar')].map(ol => {
        const boxes = [...ol.children].map(li => li.getBoundingClientRect());
        return {tops: new Set(boxes.map(b => Math.round(b.top))).size,
                width: boxes.reduce((sum, b) => sum + b.width, 0),
                full: ol.getBoundingClientRect().width}; })""")
    assert rows
    for row in rows:
        assert row["tops"] == 1, row
        assert row["width"] <= row["full"], row
