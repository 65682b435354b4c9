"""The site built in each state a visitor can meet, and a loopback server for the built sites.

Shared by the browser tests and the scripts in tests/bench. Each state is one real
`mkdocs build --strict` of a copy of the project (tests/sitebuild.py), fed a fixture file the way
tests/upstream/test_build_faults.py does: `STATUS_SOURCE=<file>` for a live reading, a seeded
last-known-good with `STATUS_OFFLINE=1` for a stale one, and nothing at all for unknown.
"""

from __future__ import annotations

import functools
import gzip
import http.server
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cdnserver import ThreadedServer
from sitebuild import FIXTURES, Build, copy_project, run_build

SUBJECT = "ChatGPT"
STALE_MINUTES = 20  # age of the seeded last-known-good reading


@dataclass(frozen=True)
class State:
    name: str
    verdict: str
    freshness: str
    words: tuple[str, ...]  # what the banner must say, in order of importance
    fixture: str | None = None
    seed: str | None = None  # fixture saved as last-known-good STALE_MINUTES ago


STATES = {s.name: s for s in (
    State("operational", "operational", "live", ("ChatGPT: Operational", "Checked"),
          fixture="incidentio_operational.json"),
    State("degraded", "degraded", "live", ("ChatGPT: Degraded performance", "Checked"),
          fixture="incidentio_degraded.json"),
    State("partial_outage", "partial_outage", "live", ("ChatGPT: Partial outage", "Checked"),
          fixture="statuspage_partial_outage.json"),
    State("major_outage", "major_outage", "live", ("ChatGPT: Major outage", "Checked"),
          fixture="incidentio_major_outage.json"),
    State("maintenance", "maintenance", "live", ("ChatGPT: Under maintenance", "Checked"),
          fixture="incidentio_maintenance_in_progress.json"),
    # A reading whose ChatGPT component has a status nobody knows: verdict unknown, still live.
    State("unknown", "unknown", "live", ("ChatGPT: Status unknown", "Checked"),
          fixture="unknown-component-status"),
    State("stale", "partial_outage", "stale", ("ChatGPT: Partial outage", "Last known reading",
                                               "the latest check failed"),
          seed="incidentio_partial_outage.json"),
    State("unknown_freshness", "unknown", "unknown",
          ("ChatGPT: Status unknown", "could not read the official status")),
)}


def _source_bytes(fixture: str) -> bytes:
    if fixture == "unknown-component-status":
        body = (FIXTURES / "incidentio_degraded.json").read_bytes()
        return body.replace(b'"degraded_performance"', b'"sort_of_wobbly"')
    return (FIXTURES / fixture).read_bytes()


def _seed(project: Path, fixture: str) -> None:
    """A good reading saved by an earlier build, as the engine itself saves it."""
    from status_engine import formats, store
    from status_engine.outputs.status_json import snapshot
    from status_engine.settings import Settings
    from status_engine.verdict import decide

    fetched = datetime.now(UTC) - timedelta(minutes=STALE_MINUTES)
    reading = formats.parse(_source_bytes(fixture), "application/json", "seed", fetched)
    settings = Settings()
    doc = snapshot(decide(reading, settings, built_at=fetched, live=True), settings)
    store.save_last_known_good(project / ".cache" / "status", doc)


def build_state(state: State, dest: Path, site_url: str | None = None,
                project: Path | None = None) -> Build:
    """Build the site in `state` under `dest`; `project` may be a prepared copy to use instead."""
    project = project or copy_project(dest / "project")
    env = {"SITE_URL": site_url} if site_url else {}
    if state.fixture:
        (project / "status-source.json").write_bytes(_source_bytes(state.fixture))
        env.update(STATUS_SOURCE="status-source.json", STATUS_OFFLINE="")
    elif state.seed:
        _seed(project, state.seed)
    build = run_build(project, env)
    if build.returncode != 0:
        raise RuntimeError(f"build of state {state.name} failed:\n{build.log}")
    return build


def build_states(root: Path, base: str = "http://127.0.0.1/", names=None) -> dict[str, Build]:
    """Every state built under root/<name>, each with site_url <base><name>/, two at a time."""
    names = list(names or STATES)
    with ThreadPoolExecutor(max_workers=2) as pool:
        builds = pool.map(lambda n: build_state(STATES[n], root / n, f"{base}{n}/"), names)
        return dict(zip(names, builds, strict=True))


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the served folder; gzip when the server was asked to and the client can."""

    gzip = False

    def log_message(self, format, *args):
        pass

    def send_head(self):
        if not self.gzip or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        path = self.translate_path(self.path)
        if Path(path).is_dir():
            path = str(Path(path) / "index.html")
        if not Path(path).is_file() or not self.path.split("?")[0].endswith(
                ("/", ".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")):
            return super().send_head()
        body = gzip.compress(Path(path).read_bytes(), 9)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)


class _Body:
    """What send_head returns: copyfile reads it and the handler closes it."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


class LoopbackServer(ThreadedServer):
    """`root` as plain files (gzipped when asked), on 127.0.0.1 and a free port."""

    def __init__(self, root: Path, gzip_files: bool = False):
        handler = type("Handler", (_Handler,), {"gzip": gzip_files})
        super().__init__(functools.partial(handler, directory=str(root)))
