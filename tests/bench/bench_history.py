"""Benchmark: what a long incident history costs a build. A script, not a test.

    .venv/bin/python tests/bench/bench_history.py [--runs 3] [--sizes 100 10000 50000]

For each size, synthetic incidents spread over ten years are written into the cache folder of a
copied project, then `mkdocs build` runs offline (STATUS_OFFLINE=1, STATUS_SOURCE a fixture file)
so no network is used: it loads, renders and publishes the whole history. Prints the median wall
time, the peak memory of the build process (its ru_maxrss), the built history page and
history.json. Targets: 50 000 entries build in under twice the time of 100, and add under
100 MiB peak memory.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent.parent / "hooks"))
from sitebuild import FIXTURES, copy_project  # noqa: E402
from status_engine.history import store as history_store  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
COMPONENTS = [("c-conv", "Conversations"), ("c-login", "Login"), ("c-voice", "Voice mode"),
              ("c-files", "File uploads"), ("c-search", "Search")]
STATES = ["degraded", "partial_outage", "major_outage", "unknown"]
# Runs the build and reports the peak memory of that build process alone.
MEASURE = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)")


def iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def synthetic(count: int, seed: int = 6) -> dict:
    """A history.json document with `count` incidents over the last ten years, newest first."""
    rng = random.Random(seed)
    span = timedelta(days=3650).total_seconds()
    incidents = []
    for n in range(count):
        start = NOW - timedelta(seconds=span * (n + 1) / count)
        end = start + timedelta(minutes=rng.randint(5, 600))
        picked = rng.sample(COMPONENTS, rng.randint(1, 3))
        incidents.append({
            "id": f"01SYNTH{n:012d}", "name": f"Elevated errors #{n} <b>&</b>",
            "status": "resolved", "impact": rng.choice(["minor", "major", "critical"]),
            "started_at": iso(start), "resolved_at": iso(end), "updated_at": iso(end),
            "url": f"https://status.openai.com/incidents/01SYNTH{n:012d}",
            "components": [{"id": i, "name": name, "state": rng.choice(STATES)}
                           for i, name in picked],
            "latest_update": {"status": "resolved",
                              "text": "This incident has been resolved. " * rng.randint(1, 6)},
            "first_seen_at": iso(start),
        })
    return {"schema_version": 1, "subject": "ChatGPT", "status_page": "https://status.openai.com",
            "updated_at": iso(NOW), "since": incidents[-1]["started_at"] if incidents else None,
            "components": [{"id": i, "name": name, "group": "ChatGPT"} for i, name in COMPONENTS],
            "incidents": incidents}


def measure(project: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of one offline `mkdocs build`."""
    env = {"PATH": "/usr/bin:/bin", "STATUS_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1",
           "STATUS_SOURCE": str(FIXTURES / "incidentio_operational.json")}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "mkdocs",
                           "build", "--strict", "--quiet", "--site-dir", "site"],
                          cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    maxrss, rc = proc.stdout.split()[-2:]
    if rc != "0":
        sys.exit(f"build failed in {project}:\n{proc.stderr[-2000:]}")
    return seconds, int(maxrss) / 1024  # ru_maxrss is in KiB on Linux


def run(size: int, runs: int, root: Path) -> dict:
    project = copy_project(root / f"p{size}")
    path = project / ".cache" / "status" / "history.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Through the engine's own reader and writer, so the file has the layout a build writes.
    history = history_store.from_document(synthetic(size))
    history_store.save(path, history, "ChatGPT", "https://status.openai.com")
    times, peaks = [], []
    for _ in range(runs):
        seconds, peak = measure(project)
        times.append(seconds)
        peaks.append(peak)
    site = project / "site"
    return {"size": size, "median": statistics.median(times), "times": times,
            "peak": max(peaks), "page": (site / "history" / "index.html").stat().st_size,
            "json": (site / "history.json").stat().st_size,
            "feed": (site / "history.atom").stat().st_size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000, 50_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        rows = [run(size, args.runs, Path(tmp)) for size in args.sizes]
    print(f"{'entries':>8} {'median s':>9} {'runs (s)':>24} {'peak MiB':>9} {'page KiB':>9} "
          f"{'json KiB':>9} {'atom KiB':>9}")
    for r in rows:
        runs = " ".join(f"{t:.2f}" for t in r["times"])
        print(f"{r['size']:>8} {r['median']:>9.2f} {runs:>24} {r['peak']:>9.1f} "
              f"{r['page'] / 1024:>9.1f} {r['json'] / 1024:>9.1f} {r['feed'] / 1024:>9.1f}")
    first, last = rows[0], rows[-1]
    ratio, extra = last["median"] / first["median"], last["peak"] - first["peak"]
    time_ok, memory_ok = ratio < 2, extra < 100
    print(f"{last['size']} vs {first['size']} entries: {ratio:.2f}x the time (target < 2x: "
          f"{'ok' if time_ok else 'MISSED'}), +{extra:.1f} MiB peak (target < 100 MiB: "
          f"{'ok' if memory_ok else 'MISSED'})")
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
