"""An open page keeps itself current: a loopback server swaps the published site under it.

No Playwright routing here: routing turns the browser's HTTP cache off, and the conditional
requests (a 304 for an unchanged status.json) are part of what is tested. Every request is
recorded instead, and all of them must be for the loopback server. The page clock drives the
timers, so minutes pass in milliseconds.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import pytest

from browsing import VIEWPORTS, checked_at, wait_for_instant_navigation
from sitebuild import FIXTURES, copy_project, run_build
from sitestates import STATES, build_state

MIN = 60_000  # page clock milliseconds

# Visibility the test can switch: headless Chromium is always "visible" otherwise.
VISIBILITY = """
window.__hidden = false;
Object.defineProperty(Document.prototype, "hidden",
                      {configurable: true, get: () => window.__hidden});
Object.defineProperty(Document.prototype, "visibilityState", {configurable: true,
  get: () => window.__hidden ? "hidden" : "visible"});
window.__shift = 0;
new PerformanceObserver(list => list.getEntries().forEach(e => {
  if (!e.hadRecentInput) window.__shift += e.value;
})).observe({type: "layout-shift", buffered: true});
"""
HIDE = "h => { window.__hidden = h; document.dispatchEvent(new Event('visibilitychange')); }"
# Too long for one line at any width: the banner must not grow with it.
LONG_NAME = ("Elevated error rates and failed conversations for ChatGPT users on web, desktop and "
             "mobile apps in all regions")


def build_long_outage(dest: Path, site_url: str):
    """The major outage fixture, its incident renamed LONG_NAME."""
    project = copy_project(dest / "project")
    body = (FIXTURES / STATES["major_outage"].fixture).read_bytes()
    renamed = body.replace(b'"ChatGPT unavailable"', json.dumps(LONG_NAME).encode())
    assert renamed != body, "the fixture's incident name changed: update build_long_outage"
    (project / "status-source.json").write_bytes(renamed)
    build = run_build(project, {"SITE_URL": site_url, "STATUS_SOURCE": "status-source.json",
                                "STATUS_OFFLINE": ""})
    assert build.returncode == 0, build.log
    return build


class Recorder(http.server.SimpleHTTPRequestHandler):
    """Static files with Last-Modified / 304 (http.server's own) and GitHub Pages' max-age=600,
    each answer recorded."""

    log: ClassVar[list[tuple[str, int, bool]]] = []  # (path, status, conditional?)

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_request(self, code="-", size="-"):
        conditional = bool(self.headers.get("If-Modified-Since")
                           or self.headers.get("If-None-Match"))
        self.log.append((self.path, int(code), conditional))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A server whose /live/ can be pointed at another build; and the builds, oldest first."""
    root = tmp_path_factory.mktemp("live-served")
    log: list = []
    handler = type("H", (Recorder,), {"log": log})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(handler, directory=str(root)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}/"
    builds = {}
    # One after the other, each reading newer than the one before. A second apart at least:
    # check times and Last-Modified have a precision of one second.
    for name, state in (("op1", "operational"), ("down1", "long"), ("down2", "major_outage"),
                        ("op2", "operational")):
        time.sleep(1.1)
        dest = tmp_path_factory.mktemp(name)
        builds[name] = (build_long_outage(dest, f"{url}live/") if state == "long"
                        else build_state(STATES[state], dest, f"{url}live/"))

    # What a CDN can serve for a while after a deploy: the new status.json, the old page.
    mixed = tmp_path_factory.mktemp("mixed") / "site"
    shutil.copytree(builds["op1"].site, mixed)
    shutil.copy(builds["down1"].site / "status.json", mixed / "status.json")
    builds["mixed"] = type(builds["op1"])(builds["op1"].project, mixed, 0, "")

    def publish(name: str) -> None:
        link = root / "live.new"
        link.unlink(missing_ok=True)
        link.symlink_to(builds[name].site, target_is_directory=True)
        os.replace(link, root / "live")  # atomic, like a deploy

    yield url, builds, publish, log
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page(browser, published):
    url, builds, publish, log = published
    publish("op1")
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    inflight: list[str] = []  # requests not answered yet, for advance()
    context.on("request", lambda r: inflight.append(r.url))
    context.on("requestfinished", lambda r: r.url in inflight and inflight.remove(r.url))
    context.on("requestfailed", lambda r: r.url in inflight and inflight.remove(r.url))
    context.add_init_script(VISIBILITY)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Five minutes after the build: a poll is due at the build's time + its interval (10 min).
    page.clock.install(time=checked_at(builds["op1"].page()) + timedelta(minutes=5))
    page.goto(url + "live/", wait_until="load")
    page.wait_for_timeout(300)
    log.clear()  # what the page asks for from now on
    page.requests, page.errors, page.inflight = requests, errors, inflight
    yield page
    context.close()
    assert all(r.startswith(url) for r in requests), f"left loopback: {requests}"
    assert not errors, errors


def advance(page, minutes: float) -> None:
    """Page time forward a minute at a time, letting each poll's real fetch finish: the next
    timer is only set once the answer is in. A busy machine may need more than the 40 ms."""
    for _ in range(int(minutes)):
        page.clock.run_for(MIN)
        page.wait_for_timeout(40)
        if page.inflight:  # still being answered: wait for it, up to 5 s, then for its script
            for _ in range(250):
                page.wait_for_timeout(20)
                if not page.inflight:
                    break
            page.wait_for_timeout(40)
    page.wait_for_timeout(200)


def until(page, check, seconds: float = 10) -> None:
    """Wait in real time until `check` (a script, or a Python callable) is true. Playwright's own
    waits poll with the page's timers, which the page clock has frozen."""
    for _ in range(int(seconds * 20)):
        if check() if callable(check) else page.evaluate(check):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"not true after {seconds} s: {check}")


def asked(log, path: str) -> list[tuple[int, bool]]:
    return [(status, cond) for p, status, cond in log if p.split("?")[0] == path]


def banner(page) -> dict:
    return page.eval_on_selector(".status-banner", "b => ({status: b.dataset.status, "
                                 "checked: b.dataset.checkedAt, text: b.innerText})")


def test_a_change_replaces_banner_and_summary_and_is_announced_once(page, published):
    _url, _builds, publish, log = published
    page.evaluate("""() => {
      window.__said = [];
      new MutationObserver(() => window.__said.push(document.querySelector('[aria-live=polite]')
        .textContent)).observe(document.querySelector('[aria-live=polite]'),
        {childList: true, characterData: true, subtree: true});
    }""")
    before = banner(page)
    page.clock.run_for(4 * MIN)  # 9 minutes after the build: too early for anything new
    assert asked(log, "/live/status.json") == []

    page.clock.run_for(3 * MIN)  # past the interval (+ up to 1 min offset): first poll
    until(page, lambda: asked(log, "/live/status.json"))
    advance(page, 4)  # the next poll: unchanged, answered 304 to the browser
    polls = asked(log, "/live/status.json")
    assert polls[0] == (200, False) and (304, True) in polls[1:], polls
    same = banner(page)
    assert (same["status"], same["checked"]) == (before["status"], before["checked"])
    assert asked(log, "/live/") == []  # the page itself is asked for only when something changed

    publish("down1")
    page.clock.run_for(4 * MIN)
    until(page, "!!document.querySelector('.status-banner[data-status=major_outage]')")
    now = banner(page)
    assert "ChatGPT: Major outage" in now["text"] and now["checked"] != before["checked"]
    # The summary is in view: the new details wait behind the button.
    page.get_by_role("button", name="Updated: show the new details").click()
    summary = page.locator(".status-summary")
    assert summary.get_attribute("data-status") == "major_outage"
    assert "Open incidents" in summary.inner_text()
    assert page.locator(".status-live").count() == 1 and summary.count() == 1
    assert "minutes ago" in now["text"] or "just now" in now["text"]  # status.js ran on it
    assert page.evaluate("window.__said") == ["ChatGPT: Major outage (was Operational)"]

    publish("down2")  # same verdict, newer reading: replaced, and nothing said
    advance(page, 12)
    until(page, "document.querySelector('.status-banner').dataset.checkedAt !== "
                f"{now['checked']!r}")
    assert page.evaluate("window.__said") == ["ChatGPT: Major outage (was Operational)"]
    assert page.requests, "nothing recorded"


# The banner is the same size for every verdict, even with an incident name too long for a line
# (down1); on the home page the summary (down1 -> down2: another incident name) is put in place
# only when that moves nothing, as the tests below check.
@pytest.mark.parametrize(("path", "first", "then"),
                         [("faq/", "op1", "down1"), ("", "down1", "down2")],
                         ids=["banner-verdict-change", "home-same-verdict"])
def test_no_layout_shift_when_the_reading_is_replaced(page, published, path, first, then):
    url, builds, publish, _log = published
    publish(first)
    # A query of its own: the browser may still hold the page the fixture opened, fresh by
    # heuristic (no Cache-Control here), and would show that instead.
    page.goto(url + "live/" + path + "?" + first, wait_until="load")
    page.evaluate("window.__shift = 0")
    checked = page.eval_on_selector(".status-banner", "b => b.dataset.checkedAt")
    assert checked == checked_at(builds[first].page()).isoformat().replace("+00:00", "Z")
    publish(then)
    advance(page, 16)
    until(page, f"document.querySelector('.status-banner').dataset.checkedAt !== {checked!r}")
    page.wait_for_timeout(300)
    shift = page.evaluate("window.__shift")
    assert shift < 0.01, f"cumulative layout shift {shift:.4f}"


def test_an_old_page_from_the_cdn_is_left_alone_and_asked_again(page, published):
    _url, _builds, publish, log = published
    page.evaluate("document.querySelector('.status-live').dataset.mark = 'original'")
    publish("mixed")
    advance(page, 16)
    assert len(asked(log, "/live/")) >= 2  # asked again on each poll: status.json is newer
    assert page.evaluate("document.querySelector('.status-live').dataset.mark") == "original"
    publish("down1")
    advance(page, 4)
    assert page.eval_on_selector(".status-banner", "b => b.dataset.status") == "major_outage"


def test_instant_navigation_to_an_older_cached_page_catches_up(page, published):
    _url, builds, publish, _log = published
    nav = page.locator(".md-nav--primary")
    wait_for_instant_navigation(page)
    page.evaluate("window.sameDocument = true")
    nav.get_by_role("link", name="FAQ", exact=True).click()  # now in the HTTP cache, 10 min
    until(page, "location.pathname.endsWith('/faq/')")
    nav.get_by_role("link", name="Home", exact=True).click()
    until(page, "location.pathname === '/live/'")
    publish("down1")
    advance(page, 16)
    until(page, "!!document.querySelector('.status-banner[data-status=major_outage]')")
    # A minute after the new build, as when a reader moves on soon after a swap: the next poll
    # would be 9 minutes away, yet the page Material serves from the HTTP cache is the old one.
    page.clock.set_system_time(checked_at(builds["down1"].page()) + timedelta(minutes=1))
    nav.get_by_role("link", name="FAQ", exact=True).click()  # Material serves the cached page
    until(page, "location.pathname.endsWith('/faq/')")
    assert page.evaluate("window.sameDocument === true"), "not an instant navigation"
    until(page, "!!document.querySelector('.status-banner[data-status=major_outage]')", 5)


def test_a_hidden_page_asks_nothing_and_asks_when_shown(page, published):
    _url, _builds, _publish, log = published
    page.evaluate(HIDE, True)
    advance(page, 60)
    assert asked(log, "/live/status.json") == []
    page.evaluate(HIDE, False)
    page.clock.run_for(3000)  # shown again: asks at once (within a 2 s offset)
    until(page, lambda: asked(log, "/live/status.json"))
    assert len(asked(log, "/live/status.json")) == 1


def test_polling_stops_after_hours_unattended_and_resumes_on_a_sign_of_life(page, published):
    _url, _builds, _publish, log = published
    advance(page, 125)  # visible, nobody touching it: polls, then stops after 2 h
    count = len(asked(log, "/live/status.json"))
    assert count >= 10
    advance(page, 60)
    assert len(asked(log, "/live/status.json")) == count
    page.keyboard.press("Shift")
    advance(page, 3)
    assert len(asked(log, "/live/status.json")) == count + 1


def test_errors_back_off(page, published):
    _url, builds, _publish, log = published
    (Path(builds["op1"].site) / "status.json").rename(Path(builds["op1"].site) / "gone.json")
    try:
        advance(page, 60)
        failures = asked(log, "/live/status.json")
    finally:
        (Path(builds["op1"].site) / "gone.json").rename(Path(builds["op1"].site) / "status.json")
    # Chromium logs each failed load to the console; that is the browser, not the page.
    page.errors[:] = [e for e in page.errors if "404" not in e]
    # Every 2 min would be about 25 in the 50 minutes after the first; doubling waits: 2,4,8,16,30.
    assert all(status == 404 for status, _ in failures)
    assert 3 <= len(failures) <= 6, failures



SAID = """() => {
  window.__said = [];
  const region = document.querySelector('[aria-live=polite]');
  new MutationObserver(() => window.__said.push(region.textContent)).observe(region,
    {childList: true, characterData: true, subtree: true});
}"""
BUTTON = "Updated: show the new details"


def home(page, url, build: str) -> None:
    """The home page as `build` published it, freshly loaded; shift and announcements counted
    from now on."""
    page.goto(url + "live/?" + build, wait_until="load")
    page.wait_for_timeout(200)
    page.evaluate("window.__shift = 0")
    page.evaluate(SAID)


def change(page, publish, build: str, status: str) -> None:
    """Publish `build` and let the page find it: its banner shows `status` at once."""
    publish(build)
    advance(page, 16)
    until(page, f"!!document.querySelector('.status-banner[data-status={status}]')")
    page.wait_for_timeout(300)


def shown(page) -> dict:
    return page.evaluate("""() => ({
      summary: document.querySelector('.status-summary').dataset.status,
      ifDown: !document.querySelector('#if-down').hidden,
      button: document.querySelectorAll('.status-more').length,
      shift: window.__shift})""")


def test_a_verdict_change_in_view_is_shown_on_a_click_and_moves_nothing(page, published):
    url, _, publish, _ = published
    home(page, url, "op1")
    change(page, publish, "down1", "major_outage")
    # The banner at once; the summary would grow and "If it is down" appear under the reader's eyes.
    assert shown(page) == {"summary": "operational", "ifDown": False, "button": 1, "shift": 0}
    assert page.evaluate("window.__said") == ["ChatGPT: Major outage (was Operational)"]
    more = page.get_by_role("button", name=BUTTON)
    more.focus()
    page.keyboard.press("Enter")  # keyboard first: the control must work without a pointer
    now = shown(page)
    assert now == {"summary": "major_outage", "ifDown": True, "button": 0, "shift": now["shift"]}
    assert now["shift"] < 0.01, f"cumulative layout shift {now['shift']:.4f}"
    assert page.evaluate("document.activeElement.matches('.status-summary')"), "focus lost"
    assert LONG_NAME in page.locator(".status-summary").inner_text()

    change(page, publish, "op2", "operational")  # and back: the block goes again
    assert shown(page)["button"] == 1
    page.get_by_role("button", name=BUTTON).click()
    now = shown(page)
    assert now == {"summary": "operational", "ifDown": False, "button": 0, "shift": now["shift"]}
    assert now["shift"] < 0.01, f"cumulative layout shift {now['shift']:.4f}"
    assert page.evaluate("window.__said") == ["ChatGPT: Major outage (was Operational)",
                                              "ChatGPT: Operational (was Major outage)"]


def test_a_verdict_change_scrolled_out_of_view_moves_nothing_and_is_offered(page, published):
    url, _, publish, _ = published
    home(page, url, "op1")
    # Reading further down, banner and summary out of view: what is in view stays where it is,
    # and the fixed button tells of the change (the banner cannot be seen).
    page.evaluate("scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(200)
    mark = "document.querySelector('.md-footer').getBoundingClientRect().top"
    before = page.evaluate(mark)
    summary = "document.querySelector('.status-summary').getBoundingClientRect()"
    assert page.evaluate(summary + ".bottom") < 0
    page.evaluate("window.__shift = 0")
    change(page, publish, "down1", "major_outage")
    assert shown(page) == {"summary": "operational", "ifDown": False, "button": 1, "shift": 0}
    assert abs(page.evaluate(mark) - before) < 1
    more = page.get_by_role("button", name=BUTTON)
    assert more.is_visible() and more.bounding_box()["y"] > 0  # in view, where the reader is
    more.click()
    now = shown(page)
    assert now == {"summary": "major_outage", "ifDown": True, "button": 0, "shift": now["shift"]}
    assert now["shift"] < 0.01, f"cumulative layout shift {now['shift']:.4f}"
    assert page.evaluate(summary + ".top") >= 0  # the focus took the reader to it


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_banner_is_one_height_for_every_verdict_and_age(browser, published, viewport):
    """What the swap and the minute tick rely on: a reading with a 110-character incident name
    and one with none, each at the shortest and the longest age, give the banner one height."""
    url, _, publish, _ = published
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    heights = {}
    for build in ("op1", "down1"):
        publish(build)
        page.goto(f"{url}live/faq/?{build}-{viewport}", wait_until="load")
        assert page.locator(".status-banner__incident").count() == (build == "down1")
        for age in (" (just now)", " (59 minutes ago)"):
            heights[build, age] = page.evaluate("""a => {
              document.querySelector('.status-banner__age').textContent = a;
              return document.querySelector('.md-banner').getBoundingClientRect().height; }""", age)
    context.close()
    assert len(set(heights.values())) == 1, heights
