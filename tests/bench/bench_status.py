"""Benchmark: what the status hook costs a build. A script, not a test; numbers go in notes.

    .venv/bin/python tests/bench/bench_status.py [--runs 5]

Median of N `mkdocs build` runs each, in one run so the ratios share one machine state:
  1. the site without the status hook (the baseline),
  2. with it, against a healthy local upstream serving a real capture,
  3. with it, against a local upstream that accepts connections and never answers.
Targets: (2) adds under 10 % to (1); (3) costs no more than the deadline plus 1 s over (1).
"""

from __future__ import annotations

import argparse
import http.server
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from sitebuild import FIXTURES, copy_project, run_build, set_status  # noqa: E402

SAMPLE = (FIXTURES / "incidentio_real_2026-09_operational.json").read_bytes()


class _Sample(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(SAMPLE)))
        self.end_headers()
        self.wfile.write(SAMPLE)

    def log_message(self, *args: object) -> None:
        pass


def healthy_server() -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sample)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/proxy"


def silent_server() -> str:
    """Accepts every connection and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    held: list[socket.socket] = []

    def accept_forever() -> None:
        while True:
            held.append(sock.accept()[0])

    threading.Thread(target=accept_forever, daemon=True).start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}/proxy"


def median_build(project: Path, env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build = run_build(project, env=env)
        times.append(time.perf_counter() - started)
        if build.returncode != 0:
            raise SystemExit(f"build failed:\n{build.log}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deadline", type=float, default=15.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = copy_project(Path(tmp) / "plain")
        config = plain / "mkdocs.yml"
        config.write_text(config.read_text().replace("  - hooks/status_banner.py\n", ""))
        hooked = copy_project(Path(tmp) / "hooked")
        set_status(hooked, deadline_seconds=args.deadline)
        online = {"STATUS_OFFLINE": ""}
        base = median_build(plain, {}, args.runs)
        healthy = median_build(hooked, {**online, "STATUS_SOURCE": healthy_server()}, args.runs)
        dead = median_build(hooked, {**online, "STATUS_SOURCE": silent_server()}, args.runs)
    print(f"median of {args.runs} builds (s): without hook {base:.2f}, "
          f"healthy upstream {healthy:.2f} ({(healthy / base - 1) * 100:+.1f} %), "
          f"dead upstream {dead:.2f} ({dead - base:+.2f} s; deadline {args.deadline:g} s)")


if __name__ == "__main__":
    main()
