"""The home page's "If it is down right now" block as a visitor sees it, in every state the site
can be built in: on screen right under the status summary whenever the verdict is not
operational, out of sight when it is; its "could not read the status" lead only when unknown."""

from __future__ import annotations

import pytest

from browsing import VIEWPORTS
from sitestates import STATES


@pytest.mark.parametrize("name", list(STATES))
def test_block_is_seen_in_every_state_but_operational(visit, sites, name):
    state = STATES[name]
    v = visit(viewport=VIEWPORTS["phone"])
    page = v.goto(f"{name}/")
    block = page.locator("#if-down")
    assert block.count() == 1
    down = state.verdict != "operational"
    assert block.is_visible() == down
    assert page.get_by_role("heading", name="If it is down right now").is_visible() == down
    assert page.locator(".if-down__unknown").is_visible() == (state.verdict == "unknown")
    if down:
        # Under the summary, before the quick checks, and reachable without scrolling far.
        tops = page.evaluate("""() => ['.status-summary', '#if-down', '#is-it-just-me-quick-checks']
            .map(s => document.querySelector(s).getBoundingClientRect().top)""")
        assert tops == sorted(tops), tops
        assert block.get_by_role("link", name="Claude").is_visible()
    v.check_clean()  # plain links only: nothing was fetched from another host
