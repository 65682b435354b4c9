"""Benchmark: build time of the site and the weight of its home page. A script, not a test.

    .venv/bin/python tests/bench/bench_site.py [--runs 5]

Median of N offline `mkdocs build --strict` runs of a copy of the project, then the home page's
own bytes (the HTML and the CSS and JS it references), raw and gzipped at level 9.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sitebuild import copy_project, run_build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            build = run_build(project)
            times.append(time.perf_counter() - started)
            if build.returncode != 0:
                raise SystemExit(build.log)
        print(f"build: median {statistics.median(times):.2f} s of {[round(t, 2) for t in times]}")
        report_home_page(build.site)


def report_home_page(site: Path) -> None:
    html = site / "index.html"
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    refs = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    refs += [script["src"] for script in soup.find_all("script", src=True)]
    raw = packed = 0
    for path in [html] + [site / urlsplit(ref).path for ref in refs]:
        data = path.read_bytes()
        size = len(gzip.compress(data, 9))
        raw, packed = raw + len(data), packed + size
        print(f"  {path.relative_to(site)}: {len(data)} B raw, {size} B gzip")
    print(f"home page with its CSS and JS: {raw} B raw, {packed} B gzip, {1 + len(refs)} files")


if __name__ == "__main__":
    main()
