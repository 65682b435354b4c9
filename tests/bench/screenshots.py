"""Screenshots of the home page in each state, for the README (not shipped with the site).

    .venv/bin/python tests/bench/screenshots.py [--out .github/readme]

Builds every state (tests/browser/sitestates.py), serves it on loopback and takes the first
screen at 390x844 (a phone) in Debian's Chromium, as JPEG at quality 70: a few tens of KB each.
The page clock is set 5 minutes after the reading, so "N minutes ago" reads the same every time;
one extra shot shows the degraded reading two hours later, switched to "out of date".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "browser"), str(ROOT / "hooks")]
from browsing import CHROMIUM, CHROMIUM_ARGS, checked_at  # noqa: E402
from sitestates import STATES, LoopbackServer, build_states  # noqa: E402

SHOTS = [(name, name, 5) for name in STATES] + [("out_of_date", "degraded", 120)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".github" / "readme")
    parser.add_argument("--format", choices=("jpeg", "png"), default="jpeg")
    parser.add_argument("--scheme", choices=("light", "dark"), default="light")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        root = Path(tmp)
        (root / "served").mkdir()
        with LoopbackServer(root / "served") as server:
            builds = build_states(root / "builds", base=server.url)
            for name, build in builds.items():
                (root / "served" / name).symlink_to(build.site, target_is_directory=True)
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for shot, state, minutes in SHOTS:
                page = browser.new_page(viewport={"width": 390, "height": 844},
                                        color_scheme=args.scheme, timezone_id="UTC")
                if STATES[state].freshness != "unknown":
                    page.clock.install(time=checked_at(builds[state].page())
                                       + timedelta(minutes=minutes))
                page.goto(f"{server.url}{state}/", wait_until="networkidle")
                path = args.out / f"{shot}.{'jpg' if args.format == 'jpeg' else 'png'}"
                page.screenshot(path=path, type=args.format,
                                quality=70 if args.format == "jpeg" else None)
                print(f"{path}: {path.stat().st_size:,} bytes")
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
