"""Benchmark: what the share card costs a build and weighs. A script, not a test.

    .venv/bin/python tests/bench/bench_sharecard.py [--runs 20]

For every verdict and freshness: median time of `sharecard.render_png` (the whole build cost of
the card, Pillow's import excluded: it is paid once) and the PNG's size.
Targets: at most 100 ms and 60 KB each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hooks"))
from status_engine.outputs import sharecard
from status_engine.model import Reading, State
from status_engine.verdict import Status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    now = datetime.now(UTC)
    reading = Reading(format="x", source="s", fetched_at=now - timedelta(minutes=3))
    start = time.perf_counter()
    import PIL.Image  # noqa: F401
    print(f"Pillow import: {(time.perf_counter() - start) * 1000:.0f} ms (once per build)")
    worst_ms, worst_kb = 0.0, 0.0
    for verdict in State:
        for freshness in ("live", "stale", "unknown"):
            status = Status(verdict, freshness, now, None if freshness == "unknown" else reading)
            card = sharecard.card_for(status, "ChatGPT", "Is ChatGPT down?")
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                data = sharecard.render_png(card)
                times.append((time.perf_counter() - t) * 1000)
            ms, kb = statistics.median(times), len(data) / 1000
            worst_ms, worst_kb = max(worst_ms, ms), max(worst_kb, kb)
            print(f"{verdict.value:15} {freshness:8} {ms:6.1f} ms  {kb:5.1f} KB")
    print(f"worst: {worst_ms:.1f} ms (target 100), {worst_kb:.1f} KB (target 60)")


if __name__ == "__main__":
    main()
