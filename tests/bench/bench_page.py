"""Benchmark: what a first visit to the home page costs, ours against plain Material. A script,
not a test; the numbers go in the README.

    .venv/bin/python tests/bench/bench_page.py [--state degraded] [--no-lighthouse]

Builds two copies of the project into a temporary folder, each served gzip-compressed by a
loopback http.server under its site_url path, as on GitHub Pages:
  * ours: the site as it ships, in one state (tests/browser/sitestates.py);
  * baseline: the same pages with our additions removed: no status hook (so no banner and no
    summary), no extra_css, no extra_javascript, no overrides folder.
Then, in Debian's Chromium: every request of a first visit to the home page (fresh profile,
until the network is idle), its type, bytes on disk and bytes on the wire (gzip). And Lighthouse
12 (mobile, simulated throttling) for performance, accessibility, best practices and SEO, from
tests/bench/node_modules (`npm ci --prefix tests/bench`), with CHROME_PATH=/usr/bin/chromium.
Targets: 100 in all four Lighthouse categories; our additions under 5 KB gzip over the baseline.

Bytes per visitor (no Lighthouse needed; `--bytes-only` runs just this part): the site served from
tests/cdnserver.py, which counts every byte it sends (status line, headers, gzip -9 body), as three
hosts: GitHub Pages (ignores _headers, max-age=600 on everything), Cloudflare Pages without the
rules (public, max-age=0, must-revalidate) and with site/_headers. For each, in Chromium: a first
visit to the home page; a repeat visit an hour later (responses of the first dated an hour back),
with the site unchanged and with it rebuilt in between, as the 10-minute schedule does; and an hour
of an open page under the live refresh of docs/assets/status.js: the bytes of one conditional GET
of status.json that gets a 304 and of one that finds a rebuilt file, times how many of each an hour
brings, counted by `refresh_polls`, which replays status.js's schedule (no GET before built_at +
refresh_after, then every 2 minutes, each wait plus up to 60 s at random) against a build every
10 minutes that goes live DEPLOY_DELAY seconds after its built_at, and against an hour with no
rebuild at all (a late schedule). Sizes on the wire of a real host differ: HTTP/2 compresses
headers, CDNs add their own.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "browser"), str(HERE.parent.parent / "hooks")]
from browsing import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from cdnserver import (CLOUDFLARE_DEFAULT, GITHUB_PAGES_DEFAULT, CacheRulesServer,  # noqa: E402
                       load_rules)
from sitebuild import copy_project, run_build  # noqa: E402
from sitestates import STATES, LoopbackServer, build_state  # noqa: E402

LIGHTHOUSE = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "cumulative-layout-shift", "speed-index")
TEXT_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


def baseline_project(dest: Path) -> Path:
    """The project without our additions: same pages, plain Material."""
    project = copy_project(dest)
    config = project / "mkdocs.yml"
    text = config.read_text()
    text = re.sub(r"^  custom_dir: overrides\n", "", text, flags=re.M)
    text = re.sub(r"^extra_(css|javascript):\n(?:  .*\n)+", "", text, flags=re.M)
    text = re.sub(r"^  - hooks/status_banner\.py\n", "", text, flags=re.M)
    config.write_text(text)
    (project / "docs" / "assets" / "status.css").unlink()
    (project / "docs" / "assets" / "status.js").unlink(missing_ok=True)
    return project


def first_visit(browser, url: str, site: Path, prefix: str) -> list[dict]:
    """Every request of a first visit to `url`, with its size on disk and gzip-compressed."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    seen: list[dict] = []

    def record(response):
        parts = urlsplit(response.url)
        assert parts.hostname == "127.0.0.1", f"request left loopback: {response.url}"
        rel = parts.path.removeprefix(prefix) or "index.html"
        path = site / rel
        if path.is_dir() or rel.endswith("/"):
            path = path / "index.html"
        raw = path.read_bytes() if path.is_file() else b""
        zipped = len(gzip.compress(raw, 9)) if path.suffix in TEXT_TYPES else len(raw)
        seen.append({"path": rel, "type": response.request.resource_type,
                     "status": response.status, "raw": len(raw), "gzip": zipped})

    context.on("response", record)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    context.close()
    return seen


def lighthouse(url: str, out: Path) -> dict[str, int]:
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: npm ci --prefix tests/bench")
    flags = " ".join([*CHROMIUM_ARGS, "--user-data-dir=" + str(out.parent / "profile")])
    subprocess.run(["node", str(LIGHTHOUSE), url, "--quiet", "--output=json",
                    f"--output-path={out}", f"--chrome-flags={flags}",
                    "--only-categories=" + ",".join(CATEGORIES)],
                   env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, timeout=300)
    report = json.loads(out.read_text())
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    scores["metrics"] = ", ".join(
        f"{k} {report['audits'][k]['displayValue']}" for k in METRICS if k in report["audits"])
    scores["failed audits"] = sorted(
        a["id"] for a in report["audits"].values()
        if a.get("score") is not None and a["score"] < 1 and a["scoreDisplayMode"] == "binary")
    return scores


def totals(requests: list[dict]) -> dict:
    by_type: dict[str, list[int]] = {}
    for r in requests:
        kind = by_type.setdefault(r["type"], [0, 0, 0])
        kind[0] += 1
        kind[1] += r["raw"]
        kind[2] += r["gzip"]
    return {"requests": len(requests), "raw": sum(r["raw"] for r in requests),
            "gzip": sum(r["gzip"] for r in requests), "by_type": by_type}


HOUR = 3600
# docs/assets/status.js: schedule(12e4) after each GET, a random 0-60 s on every wait, and
# data-refresh-after = build_interval_minutes * 60 (10 by default, the cron's interval).
POLL_WAIT, POLL_JITTER, REFRESH_AFTER = 120, 60, 600
# Seconds from a build's built_at until its status.json is served: the rest of the build job,
# then the deploy job. Not measured here (no real Actions run); 2 minutes, with 1 and 3 shown.
DEPLOY_DELAY, DEPLOY_DELAYS = 120, (60, 120, 180)
PAGES_SOFT_LIMIT = 100 * 10**9  # bytes a month: GitHub Pages' soft bandwidth limit, 100 GB


def refresh_polls(deploy_delay: float | None, hours: int = 2000,
                  seed: int = 11) -> tuple[float, float]:
    """(GETs answered 304, GETs that find a rebuilt status.json) in an hour of an open page, the
    mean over `hours`: status.js's schedule replayed against a build every REFRESH_AFTER seconds
    live `deploy_delay` seconds after its built_at; None: no rebuild at all."""
    rng = random.Random(seed)

    def served(t: float) -> float:  # built_at of the status.json served at time t
        if deploy_delay is None:
            return 0.0
        return ((t - deploy_delay) // REFRESH_AFTER) * REFRESH_AFTER

    t = rng.uniform(0, REFRESH_AFTER) + (deploy_delay or 0)  # the page opens at a random time
    built, same, changed, end = served(t), 0, 0, t + hours * HOUR
    t += max(0.0, built + REFRESH_AFTER - t) + rng.uniform(0, POLL_JITTER)  # schedule(0)
    while t < end:
        if served(t) > built:
            built, changed = served(t), changed + 1
        else:
            same += 1
        t += max(POLL_WAIT, built + REFRESH_AFTER - t) + rng.uniform(0, POLL_JITTER)
    return same / hours, changed / hours


def check_refresh_model() -> None:
    """Stop when status.js no longer says what refresh_polls replays (12e4 = POLL_WAIT, 6e4 =
    POLL_JITTER, refresh_after after built_at), rather than print numbers of another schedule."""
    js = (HERE.parent.parent / "docs" / "assets" / "status.js").read_text(encoding="utf-8")
    for literal in ("schedule(12e4)", "? 6e4 : 2e3", "1e3 * box.dataset.refreshAfter"):
        if literal not in js:
            sys.exit(f"bench_page: status.js no longer has {literal!r}: update refresh_polls")


def hour_of_refresh(r: dict, deploy_delay: float | None) -> float:
    same, changed = refresh_polls(deploy_delay)
    return same * sum(s.total for s in r["poll 304"]) \
        + changed * sum(s.total for s in r["poll changed"])


def hosts(site: Path) -> dict[str, tuple[list, str]]:
    return {"GitHub Pages": ([], GITHUB_PAGES_DEFAULT),
            "Cloudflare Pages, no _headers": ([], CLOUDFLARE_DEFAULT),
            "Cloudflare Pages + _headers": (load_rules(site), CLOUDFLARE_DEFAULT)}


def visit(context, server: CacheRulesServer, age: int = 0) -> list:
    """One visit to the home page in `context`; what the server sent for it."""
    server.age = age
    page = context.new_page()
    page.goto(server.url, wait_until="networkidle")
    page.wait_for_timeout(500)
    page.close()
    return server.take()


def poll_status(context, server: CacheRulesServer, rebuilt: Path) -> tuple[list, list]:
    """An open page's conditional GET of status.json: once unchanged, once after a rebuild."""
    page = context.new_page()
    page.goto(server.url, wait_until="networkidle")
    get = "() => fetch('status.json', {cache: 'no-cache'}).then(r => r.text())"
    page.evaluate(get)  # the refresh's first GET fills the cache
    server.take()
    page.evaluate(get)
    same = server.take()
    old_root, server.root = server.root, rebuilt
    page.evaluate(get)
    changed = server.take()
    server.root = old_root
    page.close()
    return same, changed


def bytes_per_visitor(browser, site: Path, rebuilt: Path) -> dict[str, dict]:
    results = {}
    for name, (rules, default) in hosts(site).items():
        with CacheRulesServer(site, rules, default) as server:
            context = browser.new_context()
            first = visit(context, server)
            context.close()
            context = browser.new_context()
            visit(context, server, age=HOUR)
            repeat = visit(context, server)
            same, changed = poll_status(context, server, rebuilt)
            context.close()
            context = browser.new_context()
            visit(context, server, age=HOUR)
            server.root = rebuilt
            repeat_rebuilt = visit(context, server)
            server.root = site
            context.close()
        results[name] = {"first": first, "repeat": repeat, "repeat, rebuilt": repeat_rebuilt,
                         "poll 304": same, "poll changed": changed}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="degraded", choices=STATES)
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--bytes-only", action="store_true",
                        help="only the bytes per visitor, no baseline and no Lighthouse")
    args = parser.parse_args()
    check_refresh_model()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        root = Path(tmp)
        (root / "served").mkdir()
        ours = build_state(STATES[args.state], root / "ours")
        # The next scheduled build: same upstream reading, a later check time.
        rebuilt = build_state(STATES[args.state], root / "rebuilt")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        per_visitor = bytes_per_visitor(browser, ours.site, rebuilt.site)
        browser.close()
        if args.bytes_only:
            return report_bytes(per_visitor, args.state)
        with LoopbackServer(root / "served", gzip_files=True) as server:
            ours = build_state(STATES[args.state], root / "ours-served", server.url + "ours/")
            base_project = baseline_project(root / "baseline" / "project")
            base = run_build(base_project, {"SITE_URL": server.url + "baseline/"})
            assert base.returncode == 0, base.log
            results = {}
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, build in (("baseline", base), ("ours", ours)):
                (root / "served" / name).symlink_to(build.site, target_is_directory=True)
                requests = first_visit(browser, f"{server.url}{name}/", build.site, f"/{name}/")
                results[name] = totals(requests)
                results[name]["files"] = requests
            browser.close()
            if not args.no_lighthouse:
                for name in results:
                    results[name]["lighthouse"] = lighthouse(f"{server.url}{name}/",
                                                             root / f"lh-{name}.json")
    report(results, args.state)
    print()
    report_bytes(per_visitor, args.state)


def report_bytes(results: dict[str, dict], state: str) -> None:
    print(f"Bytes per visitor, home page, state {state}, counted by the server "
          "(headers + gzip body)\n")
    scenarios = ["first", "repeat", "repeat, rebuilt"]
    print("| host | " + " | ".join(f"{s} visit" for s in scenarios)
          + " | open page, 1 h of refresh |")
    print("|---|" + "---:|" * (len(scenarios) + 1))
    for host, r in results.items():
        cells = [f"{sum(s.total for s in r[k]):,} B, {len(r[k])} req" for k in scenarios]
        cells.append(f"{hour_of_refresh(r, DEPLOY_DELAY):,.0f} B")
        print(f"| {host} | " + " | ".join(cells) + " |")
    print()
    for host, r in results.items():
        for k in [*scenarios, "poll 304", "poll changed"]:
            print(f"{host}, {k}: " + ", ".join(f"{s.path} {s.status} {s.total:,}" for s in r[k]))
    print(f"\nAn open page, 1 h of live refresh (GETs an hour: 304 + rebuilt; the table uses a "
          f"deploy delay of {DEPLOY_DELAY} s):")
    for delay in [*DEPLOY_DELAYS, None]:
        same, changed = refresh_polls(delay)
        when = f"rebuilt every 10 min, live {delay} s after built_at" if delay else "no rebuild"
        costs = ", ".join(f"{host} {hour_of_refresh(r, delay):,.0f} B"
                          for host, r in results.items())
        print(f"  {when}: {same:.1f} + {changed:.1f} GETs; {costs}")
    print(f"\nCapacity in GitHub Pages' soft limit of {PAGES_SOFT_LIMIT / 10**9:.0f} GB a month:")
    for k in scenarios:
        size = sum(s.total for s in results["GitHub Pages"][k])
        print(f"  {k} visits: {PAGES_SOFT_LIMIT // size:,} a month at {size:,} B each; "
              f"1 million cost {size * 10**6 / 10**9:.1f} GB")


def report(results: dict, state: str) -> None:
    print(f"First visit to the home page, state {state}, Chromium {CHROMIUM}, 390x844\n")
    print("| | requests | raw bytes | gzip bytes |")
    print("|---|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['requests']} | {r['raw']:,} | {r['gzip']:,} |")
    b, o = results["baseline"], results["ours"]
    print(f"| **our additions** | {o['requests'] - b['requests']:+d} | "
          f"{o['raw'] - b['raw']:+,} | {o['gzip'] - b['gzip']:+,} |\n")
    for name, r in results.items():
        print(f"{name}: " + ", ".join(f"{t} {n} ({raw:,} B raw, {gz:,} B gzip)"
                                      for t, (n, raw, gz) in sorted(r["by_type"].items())))
    print()
    base_files = {f["path"]: f for f in b["files"]}
    for f in o["files"]:
        other = base_files.get(f["path"])
        if other is None or other["gzip"] != f["gzip"]:
            delta = f["gzip"] - (other["gzip"] if other else 0)
            print(f"  ours {f['path']}: {f['raw']:,} B raw, {f['gzip']:,} B gzip ({delta:+,})")
    if "lighthouse" in o:
        print("\n| Lighthouse (mobile) | " + " | ".join(CATEGORIES) + " | failed audits |")
        print("|---|" + "---:|" * len(CATEGORIES) + "---|")
        for name, r in results.items():
            lh = r["lighthouse"]
            print(f"| {name} | " + " | ".join(str(lh[c]) for c in CATEGORIES)
                  + f" | {', '.join(lh['failed audits']) or '-'} |")
        for name, r in results.items():
            print(f"{name}: {r['lighthouse']['metrics']}")


if __name__ == "__main__":
    main()
