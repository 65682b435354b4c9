"""Browser fixtures: every state built once per session, one loopback server, one Chromium.

Chromium is Debian's (/usr/bin/chromium), never a downloaded browser, started with the flags
that keep it off the network. Every page a test opens records its requests, console errors and
page errors; `visit` fails the test if any request was for a host other than the loopback server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from browsing import CHROMIUM, CHROMIUM_ARGS, Visit
from sitestates import LoopbackServer, build_states


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """The folder the loopback server serves: one link per state, added by `sites`."""
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="session")
def server(served):
    with LoopbackServer(served) as srv:
        yield srv


@pytest.fixture(scope="session")
def sites(server, served, tmp_path_factory):
    """{state name: Build}, each served at /<state>/. Built with the server's own origin as
    site_url, as in production: Material's instant navigation only follows sitemap URLs."""
    builds = build_states(tmp_path_factory.mktemp("states"), base=server.url)
    for name, build in builds.items():
        (served / name).symlink_to(build.site, target_is_directory=True)
    return builds


@pytest.fixture(scope="session")
def browser():
    # Fail, not skip: a missing browser must not turn the whole suite green.
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser, server, sites):
    """visit(**context options) -> Visit; checks for foreign requests and console errors after."""
    opened: list[Visit] = []

    def open_visit(**options) -> Visit:
        opened.append(Visit(browser, server, **options))
        return opened[-1]

    yield open_visit
    for v in opened:
        v.context.close()
    for v in opened:
        v.check_clean()
