"""The banner in a real browser: seen, right, in the visitor's time, and honest when old."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from browsing import (SCHEMES, VIEWPORTS, assert_banner_seen, checked_at,
                      wait_for_instant_navigation)
from sitestates import STATES

# The banner's colour for each verdict (docs/assets/status.css); grey when not live.
COLOURS = {"operational": "rgb(27, 94, 32)", "degraded": "rgb(122, 74, 0)",
           "partial_outage": "rgb(154, 52, 18)", "major_outage": "rgb(183, 28, 28)",
           "maintenance": "rgb(30, 64, 175)", "unknown": "rgb(66, 66, 66)"}
GREY = "rgb(66, 66, 66)"
OUTDATED = "This reading is out of date: check the official status page."


def colour(state) -> str:
    return COLOURS[state.verdict] if state.freshness == "live" else GREY


def open_state(visit, sites, name, minutes_after_check=5, **options):
    """The state's home page with the page clock `minutes_after_check` after its reading."""
    v = visit(**options)
    clock = None
    if STATES[name].freshness != "unknown":
        clock = checked_at(sites[name].page()) + timedelta(minutes=minutes_after_check)
    return v.goto(f"{name}/", clock)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", STATES)
def test_banner_is_seen_and_says_the_state(visit, sites, name, viewport, scheme):
    state = STATES[name]
    page = open_state(visit, sites, name, viewport=VIEWPORTS[viewport], color_scheme=scheme)
    seen = assert_banner_seen(page)
    banner = page.locator(".status-banner")
    assert banner.get_attribute("data-status") == state.verdict
    assert banner.get_attribute("data-freshness") == state.freshness
    text = banner.inner_text()
    for words in state.words:
        assert words in text
    assert seen["background"] == colour(state)
    assert OUTDATED not in text
    official = banner.get_by_role("link", name="Official status page")
    assert official.get_attribute("href") == "https://status.openai.com"
    if state.freshness == "live":
        assert "(5 minutes ago)" in text
    elif state.freshness == "stale":
        assert "(5 minutes ago: the latest check failed)" in text


def test_time_is_local_and_the_age_counts_up(visit, sites):
    zone = "Asia/Kolkata"  # UTC+5:30: a wrong conversion shows in the minutes too
    page = open_state(visit, sites, "degraded", timezone_id=zone, viewport=VIEWPORTS["phone"])
    when = checked_at(sites["degraded"].page()).astimezone(ZoneInfo(zone))
    time = page.locator(".status-banner time")
    assert time.inner_text().startswith(f"{when.day} {when:%b %Y, %H:%M}")
    assert time.get_attribute("title").endswith("UTC")  # the server's UTC text, on hover
    age = page.locator(".status-banner__age")
    assert age.inner_text().strip() == "(5 minutes ago)"
    assert age.get_attribute("aria-hidden") == "true"  # not re-announced every minute
    page.clock.fast_forward("30:00")
    assert age.inner_text().strip() == "(35 minutes ago)"
    assert page.locator(".status-banner").get_attribute("data-client-stale") is None


@pytest.mark.parametrize("name", ["degraded", "stale"])
def test_old_reading_switches_to_out_of_date(visit, sites, name):
    page = open_state(visit, sites, name, viewport=VIEWPORTS["phone"])
    banner = page.locator(".status-banner")
    page.clock.fast_forward("50:00")  # 55 minutes: still within the hour
    assert banner.get_attribute("data-client-stale") is None
    page.clock.fast_forward("10:00")  # 65 minutes: older than data-stale-after (3600 s)
    assert banner.get_attribute("data-client-stale") == ""
    assert OUTDATED in banner.inner_text()
    assert "(65 minutes ago" in banner.inner_text()
    seen = assert_banner_seen(page)
    assert seen["background"] == GREY
    summary = page.locator(".status-summary")
    assert summary.get_attribute("data-client-stale") == ""
    assert OUTDATED in summary.inner_text()
    page.clock.fast_forward("01:00:00")  # once is enough: the note is not repeated
    assert banner.inner_text().count(OUTDATED) == 1


# Every page, FAQ included: Material re-creates inline scripts in the content without their
# `type` on instant navigation, so the FAQ's JSON-LD must stay in <head> (it is).
NAV = ["Why ChatGPT goes down", "Is it just me?", "FAQ", "Outage history", "About"]


@pytest.mark.parametrize("link", NAV)
def test_instant_navigation_keeps_the_banner_working(visit, sites, link):
    v = visit(viewport=VIEWPORTS["desktop"], timezone_id="Asia/Kolkata")
    page = v.goto("degraded/", checked_at(sites["degraded"].page()) + timedelta(minutes=5))
    wait_for_instant_navigation(page)
    page.evaluate("window.sameDocument = true")
    page.locator(".md-nav--primary").get_by_role("link", name=link, exact=True).click()
    page.wait_for_function("location.pathname !== '/degraded/'")
    page.wait_for_load_state()
    assert page.evaluate("window.sameDocument === true"), "not an instant navigation"
    banner = page.locator(".status-banner")
    banner.locator("time").filter(has_text="GMT+5:30").wait_for(timeout=3000)
    assert "(5 minutes ago)" in banner.inner_text()
    page.clock.fast_forward("01:01:00")
    assert OUTDATED in banner.inner_text()
    assert_banner_seen(page)
    v.check_clean()


def test_without_javascript_the_banner_reads_correctly(visit, sites):
    page = open_state(visit, sites, "degraded", java_script_enabled=False,
                      viewport=VIEWPORTS["phone"])
    text = page.locator(".status-banner").inner_text()
    assert "ChatGPT: Degraded performance" in text
    assert "UTC" in text and "ago" not in text


def test_banner_is_a_polite_status_region(visit, sites):
    page = open_state(visit, sites, "major_outage", viewport=VIEWPORTS["phone"])
    region = page.get_by_role("status")
    assert region.count() == 1
    assert region.get_attribute("aria-live") in (None, "polite")  # role=status is polite
    assert "ChatGPT: Major outage" in region.inner_text()


FOCUS = """() => {
  let e = document.activeElement;
  // Material hides its palette radio buttons and draws their focus on the label that follows.
  if (!e.getBoundingClientRect().width && e.nextElementSibling?.tagName === 'LABEL')
    e = e.nextElementSibling;
  const s = getComputedStyle(e);
  return {label: (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1,
          shadow: s.boxShadow !== 'none', drawn: e.getBoundingClientRect().width > 0};
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_keyboard_focus_is_visible(visit, sites, scheme):
    page = open_state(visit, sites, "degraded", viewport=VIEWPORTS["desktop"],
                      color_scheme=scheme)
    reached = []
    for _ in range(10):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        reached.append(focus["label"])
        assert focus["drawn"] and (focus["outline"] or focus["shadow"]), focus
    assert "Official status page" in reached, reached


# Ways a banner can be in the HTML yet not seen; the check used above must catch every one.
HIDING = {
    "display none": ".md-banner { display: none }",
    "visibility hidden": ".status-banner { visibility: hidden }",
    "transparent": ".md-banner { opacity: 0 }",
    "pushed off the top": ".md-banner { position: relative; top: -20em }",
    "below the fold": ".md-banner { margin-top: 1000px }",
    "covered": "body::after { content: ''; position: fixed; inset: 0; background: #fff; "
               "z-index: 9 }",
    "unreadable colour": ".md-banner .status-banner { color: #5a3a10 }",
}


@pytest.mark.parametrize("css", HIDING.values(), ids=HIDING)
def test_the_check_fails_when_the_banner_is_hidden(visit, sites, css):
    page = open_state(visit, sites, "degraded", viewport=VIEWPORTS["desktop"])
    assert_banner_seen(page)
    page.add_style_tag(content=css)
    with pytest.raises(AssertionError):
        assert_banner_seen(page)
