"""axe-core in Chromium: no violations on any page, in either palette, in any state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from browsing import SCHEMES, VIEWPORTS, checked_at
from sitestates import STATES

AXE = Axe()


def violations(page, context=None, rules=None) -> list[str]:
    options = {"runOnly": {"type": "rule", "values": rules}} if rules else None
    found = AXE.run(page, context=context, options=options).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} "
            f"{v['nodes'][0]['failureSummary'][:200]}" for v in found]


def pages_of(build) -> list[str]:
    """Every page of a built site, as paths under the site's root."""
    found = [p.parent.relative_to(build.site).as_posix() + "/"
             for p in build.site.rglob("index.html")]
    return [*sorted("" if p == "./" else p for p in found), "404.html"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_axe_violations_on_any_page(visit, sites, scheme):
    pages = pages_of(sites["degraded"])
    assert len(pages) >= 7, pages
    v = visit(color_scheme=scheme, viewport=VIEWPORTS["desktop"])
    problems = {}
    for path in pages:
        v.goto(f"degraded/{path}")
        if found := violations(v.page):
            problems[path] = found
    assert not problems, problems


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", STATES)
def test_home_page_of_every_state_passes_axe(visit, sites, name, scheme):
    v = visit(color_scheme=scheme, viewport=VIEWPORTS["phone"])
    v.goto(f"{name}/")
    assert not violations(v.page)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_out_of_date_banner_has_enough_contrast(visit, sites, scheme):
    v = visit(color_scheme=scheme, viewport=VIEWPORTS["phone"])
    page = v.goto("major_outage/", checked_at(sites["major_outage"].page()) + timedelta(hours=2))
    assert page.locator(".status-banner[data-client-stale]").count() == 1
    assert not violations(page, context=".md-banner", rules=["color-contrast"])
    assert not violations(page)
