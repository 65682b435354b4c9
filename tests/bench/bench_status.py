"""Benchmark: what the status hook costs a build. A script, not a test; numbers go in notes.

    .venv/bin/python tests/bench/bench_status.py [--runs 15] [--deadline 3]

N rounds; each round builds, in a rotating order, so that load from other processes hits every
variant alike:
  1. the site without the status hook (the baseline),
  2. with it, against a healthy local upstream serving a real capture,
  3. the same with `share_card: false`: no share card drawn,
  4. with it, against a local upstream that accepts connections and never answers.
Printed: the median of each, and the hook's cost as the median of the per-round ratios to (1)
(paired, so a busy moment raises both builds of a round rather than one variant's median).
Targets: (3) adds at most 10 % to (1); (2) adds at most 100 ms to (3), the share card's own
budget (most of it Pillow's import); (4) costs no more than the deadline plus 1 s over (1).

Python's .pyc files: the builds may write and reuse them (PYTHONDONTWRITEBYTECODE is cleared for
them), so the uncounted first builds compile the hooks once, as the deploy's `restore` step
(`python -m hooks.status_engine`, same checkout) does before its build. With the variable set,
as in some shells, every build compiled every module of the engine it imports again: about half
of the measured cost. --cold measures that case on purpose (a first build of a fresh checkout).
"""

from __future__ import annotations

import argparse
import http.server
import resource
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
    def do_GET(self) -> None:
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


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(project: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one build. CPU time is what other processes on a shared machine
    disturb least; the wall time also counts what the build waits for (the upstream)."""
    started, cpu = time.perf_counter(), children_cpu()
    build = run_build(project, env=env)
    elapsed = time.perf_counter() - started, children_cpu() - cpu
    if build.returncode != 0:
        raise SystemExit(f"build failed:\n{build.log}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # On this 2-core VM one build varies by about 10 % from round to round, as much as the
    # hook costs: 7 rounds moved the result by several points from run to run.
    parser.add_argument("--runs", type=int, default=15, help="rounds (at least 7)")
    parser.add_argument("--deadline", type=float, default=3.0)
    parser.add_argument("--cold", action="store_true",
                        help="no .pyc files: every build compiles the modules it imports")
    args = parser.parse_args()
    if args.runs < 7:
        parser.error("--runs: at least 7, or one slow build moves the median")
    times: dict[str, list[tuple[float, float]]] = {
        "baseline": [], "healthy": [], "no card": [], "dead": []}
    with tempfile.TemporaryDirectory() as tmp:
        plain = copy_project(Path(tmp) / "plain")
        config = plain / "mkdocs.yml"
        # Without the status hook, site_content gets the verdict the hook would have handed it
        # (else it warns, and --strict fails the baseline).
        config.write_text(config.read_text().replace("  - hooks/status_banner.py\n", "")
                          .replace("\nextra:\n", "\nextra:\n  status_verdict: operational\n", 1))
        hooked = copy_project(Path(tmp) / "hooked")
        set_status(hooked, deadline_seconds=args.deadline)
        cardless = copy_project(Path(tmp) / "cardless")
        set_status(cardless, deadline_seconds=args.deadline, share_card=False)
        pyc = {"PYTHONDONTWRITEBYTECODE": "1" if args.cold else ""}
        online = {**pyc, "STATUS_OFFLINE": ""}
        healthy = {**online, "STATUS_SOURCE": healthy_server()}
        variants = [("baseline", plain, pyc), ("healthy", hooked, healthy),
                    ("no card", cardless, healthy),
                    ("dead", hooked, {**online, "STATUS_SOURCE": silent_server()})]
        for project, env in ((plain, pyc), (hooked, healthy), (cardless, healthy)):
            timed_build(project, env)  # warm the file cache and the .pyc files: not counted
        for n in range(args.runs):
            k = n % len(variants)
            for name, project, env in variants[k:] + variants[:k]:
                times[name].append(timed_build(project, env))
    wall = {k: [w for w, _ in v] for k, v in times.items()}
    cpu = {k: [c for _, c in v] for k, v in times.items()}
    base, healthy, cardless, dead = (statistics.median(wall[k]) for k in times)
    mode = "no .pyc (--cold)" if args.cold else ".pyc files kept"
    print(f"median of {args.runs} interleaved builds, {mode}, wall (s): without hook {base:.3f}, "
          f"healthy upstream {healthy:.3f}, the same without the share card {cardless:.3f}, "
          f"dead upstream {dead:.2f}")
    for what, t in (("wall", wall), ("CPU", cpu)):
        cost = {name: statistics.median(h / b for h, b in zip(t[name], t["baseline"], strict=True))
                - 1 for name in ("healthy", "no card")}
        card_ms = statistics.median(h - c for h, c in zip(t["healthy"], t["no card"],
                                                          strict=True)) * 1000
        print(f"{what} time (median of per-round ratios): the status hook "
              f"{cost['no card'] * 100:+.1f} % without the share card (target at most +10 %); "
              f"the share card {card_ms:+.0f} ms (target at most 100 ms); "
              f"both {cost['healthy'] * 100:+.1f} %")
    print(f"dead upstream: {dead - base:+.2f} s over the baseline; target at most the "
          f"{args.deadline:g} s deadline plus 1 s")

if __name__ == "__main__":
    main()
