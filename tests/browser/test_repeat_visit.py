"""A repeat visit in Chromium, an hour after the first, from a loopback host that applies `_headers`
(tests/cdnserver.py): the fingerprinted bundles come from the browser's cache without a request, and
everything else is revalidated once, with a 304.

"An hour later" without waiting: the first visit's responses are dated an hour back, so the
browser's cache holds them as an hour old (RFC 9111 4.2.3), which is past every short max-age.
Chromium is the session's one (tests/browser/conftest.py). No route interception here:
Playwright turns the browser's HTTP cache off when a route is set, so the loopback host is what
keeps the test off the network (it serves only the built site).
"""

from __future__ import annotations

from collections import Counter

from cdnserver import (CLOUDFLARE_DEFAULT, GITHUB_PAGES_DEFAULT, HASHED, CacheRulesServer,
                       load_rules)

HOUR = 3600


def first_and_repeat_visit(browser, server: CacheRulesServer) -> tuple[list, list]:
    """(what the first visit fetched, what the repeat visit an hour later fetched)."""
    context = browser.new_context()
    visits = []
    for age in (HOUR, 0):
        server.age = age
        page = context.new_page()
        page.goto(server.url, wait_until="networkidle")
        page.wait_for_timeout(300)
        page.close()
        visits.append(server.take())
    context.close()
    return visits[0], visits[1]


def test_a_repeat_visit_revalidates_only_what_a_rebuild_changes(browser, offline_build):
    site = offline_build.site
    with CacheRulesServer(site, load_rules(site), CLOUDFLARE_DEFAULT) as server:
        first, repeat = first_and_repeat_visit(browser, server)
    hashed = {s.path for s in first if HASHED.search(s.path)}
    assert len(hashed) >= 4, f"the first visit fetched too few of Material's bundles: {hashed}"
    expected = {s.path for s in first} - hashed
    assert {"/", "/assets/status.css", "/assets/status.js"} <= expected
    fetched = Counter(s.path for s in repeat)
    assert set(fetched) == expected, \
        f"repeat visit fetched {sorted(fetched)}, expected {sorted(expected)}"
    assert all(n == 1 for n in fetched.values()), f"fetched more than once: {fetched}"
    assert {s.status for s in repeat} == {304}, [(s.path, s.status) for s in repeat]


def test_without_the_rules_the_bundles_are_revalidated_too(browser, offline_build):
    """The same visit from a host that ignores _headers (GitHub Pages: max-age=600 on all)."""
    site = offline_build.site
    with CacheRulesServer(site, [], GITHUB_PAGES_DEFAULT) as server:
        first, repeat = first_and_repeat_visit(browser, server)
    hashed = {s.path for s in first if HASHED.search(s.path)}
    assert hashed and hashed <= {s.path for s in repeat}
