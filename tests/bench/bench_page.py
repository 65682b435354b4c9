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
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "browser"), str(HERE.parent.parent / "hooks")]
from browsing import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
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
    flags = " ".join(CHROMIUM_ARGS + ["--user-data-dir=" + str(out.parent / "profile")])
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="degraded", choices=STATES)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        root = Path(tmp)
        (root / "served").mkdir()
        with LoopbackServer(root / "served", gzip_files=True) as server:
            ours = build_state(STATES[args.state], root / "ours", server.url + "ours/")
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
