"""Helpers for the browser tests and the bench scripts: Chromium's flags, a recorded visit, and
what "a visitor can see the banner" means, measured in the page rather than guessed from the HTML.
"""

from __future__ import annotations

import re
from datetime import datetime

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing of Chromium's own that would try to reach the network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")


class Visit:
    """One page in a fresh context, with what it asked for and what it complained about."""

    def __init__(self, browser, server, **context_options):
        self.server = server
        self.context = browser.new_context(**context_options)
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.errors: list[str] = []
        # Every request goes through this route: loopback ones go on, anything else is stopped
        # here and recorded, so no test can reach the network even by mistake.
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.server.url):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def goto(self, path: str, clock: datetime | None = None):
        if clock is not None:
            self.page.clock.install(time=clock)
        self.page.goto(self.server.url + path, wait_until="load")
        return self.page

    def check_clean(self) -> None:
        assert not self.foreign, f"requests left the loopback server: {self.foreign}"
        assert not self.errors, f"console errors: {self.errors}"


def wait_for_instant_navigation(page) -> None:
    """Until Material follows a click without a page load. Its bundle joins clicks with the
    sitemap.xml it starts fetching before the load event (withLatestFrom): a click before that
    answer is an ordinary page load, which made instant-navigation tests fail now and then on a
    busy machine. "networkidle" waits for the answer and 500 ms with nothing in flight, time
    kept by Playwright, not by the page's installed clock."""
    page.wait_for_load_state("networkidle")


def checked_at(html: str) -> datetime:
    """The check time a build wrote into its banner."""
    found = re.search(r'data-checked-at="([^"]+)"', html)
    assert found, "the banner has no data-checked-at"
    return datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))


# Measured in the page: where the verdict is drawn, whether it is the top-most thing there, how
# opaque its ancestors are, and the contrast of its text on the banner's colour.
_MEASURE = """() => {
  const banner = document.querySelector('.status-banner');
  if (!banner) return null;
  const verdict = banner.querySelector('.status-banner__verdict');
  const r = verdict.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  let opacity = 1, hidden = false;
  for (let n = verdict; n && n.nodeType === 1; n = n.parentElement) {
    const s = getComputedStyle(n);
    opacity *= Number(s.opacity);
    if (s.visibility !== 'visible' || s.display === 'none') hidden = true;
  }
  let bgNode = verdict, bg = 'rgba(0, 0, 0, 0)';
  while (bgNode && (bg = getComputedStyle(bgNode).backgroundColor) === 'rgba(0, 0, 0, 0)')
    bgNode = bgNode.parentElement;
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          width: innerWidth, height: innerHeight, onTop: !!top && banner.contains(top),
          opacity, hidden, color: getComputedStyle(verdict).color, background: bg,
          fontSize: parseFloat(getComputedStyle(verdict).fontSize)};
}"""


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two opaque CSS rgb() colours."""
    def lum(c):
        ch = [v / 255 for v in _rgb(c)]
        ch = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def assert_banner_seen(page) -> dict:
    """Fail unless a visitor sees the verdict: drawn, on top, opaque, inside the first screen,
    readable (AA contrast, not tiny). Returns the measurements."""
    m = page.evaluate(_MEASURE)
    assert m is not None, "no status banner in the page"
    assert not m["hidden"], f"the verdict is hidden (display or visibility): {m}"
    assert m["opacity"] >= 0.9, f"the verdict is transparent: {m}"
    assert m["right"] - m["left"] > 0 and m["bottom"] - m["top"] > 0, f"nothing drawn: {m}"
    assert m["top"] >= 0 and m["bottom"] <= m["height"], f"not above the fold: {m}"
    assert m["left"] >= 0 and m["right"] <= m["width"], f"outside the screen: {m}"
    assert m["onTop"], f"something covers the verdict: {m}"
    assert m["fontSize"] >= 11, f"the verdict is too small to read: {m}"
    ratio = contrast(m["color"], m["background"])
    assert ratio >= 4.5, f"verdict contrast {ratio:.2f}:1 is below AA: {m}"
    return m
