"""The verdict-change notice against loopback webhooks: sent once per real change, never for our
own failure to read upstream, never twice, bounded, and never failing the run."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Request, Response

from status_engine import cli

HOOK_VARS = ("STATUS_WEBHOOK_URL", "STATUS_SLACK_WEBHOOK_URL", "STATUS_DISCORD_WEBHOOK_URL")
SITE = "https://example.github.io/is-chatgpt-down/"
T0, T1, T2 = "2026-11-29T18:43:10Z", "2026-11-29T18:53:12Z", "2026-11-29T19:03:41Z"


def snapshot(verdict: str, checked_at: str | None, freshness: str = "live",
             incident: dict | None = None) -> dict:
    return {"schema_version": 1, "subject": "ChatGPT", "verdict": verdict,
            "freshness": freshness, "checked_at": checked_at, "built_at": T2,
            "status_page": "https://status.openai.com", "components": [], "maintenances": [],
            "incidents": [incident] if incident else [], "source": "x"}


INCIDENT = {"name": "Elevated errors <!channel> @everyone & <https://evil.example|click> "
                    "[docs](https://evil.example/x)",
            "url": "https://status.openai.com/incidents/01ABC"}


def site(tmp_path: Path, doc: dict) -> Path:
    folder = tmp_path / "site"
    folder.mkdir(exist_ok=True)
    (folder / "status.json").write_text(json.dumps(doc))
    (folder / "index.html").write_text(f'<html><head><link rel="canonical" href="{SITE}">'
                                       "</head></html>")
    return folder


def write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def hooks(httpserver, monkeypatch):
    """All three webhooks on the loopback server; yields the list of (path, body) received."""
    received: list[tuple[str, dict]] = []

    def handler(request: Request) -> Response:
        received.append((request.path, json.loads(request.get_data())))
        return Response("ok")

    for var in HOOK_VARS:
        path = "/" + var.lower()
        httpserver.expect_request(path, method="POST").respond_with_handler(handler)
        monkeypatch.setenv(var, httpserver.url_for(path))
    return received


def notify(folder: Path, *args: str) -> int:
    return cli.main(["notify", str(folder), *args])


def test_a_real_change_is_sent_once_to_each_webhook_in_its_shape(tmp_path, hooks):
    folder = site(tmp_path, snapshot("major_outage", T2, incident=INCIDENT))
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    assert notify(folder, "--record", str(record)) == 0
    bodies = {path: body for path, body in hooks}
    assert len(hooks) == 3 and len(bodies) == 3
    generic = bodies["/status_webhook_url"]
    assert (generic["verdict"], generic["previous_verdict"]) == ("major_outage", "operational")
    assert generic["incident"] == INCIDENT["name"] and generic["checked_at"] == T2
    assert generic["site_url"] == SITE and generic["status_page"] == "https://status.openai.com"
    assert generic["incident_url"] == INCIDENT["url"]
    slack = bodies["/status_slack_webhook_url"]["text"]
    assert "<!channel>" not in slack and "&lt;!channel&gt;" in slack
    assert "<https://evil" not in slack and "&amp;" in slack
    assert f"<{SITE}|Live status>" in slack
    discord = bodies["/status_discord_webhook_url"]
    assert discord["allowed_mentions"] == {"parse": []}
    assert "ChatGPT: Major outage (was Operational)" in discord["content"]
    assert "](https://evil" not in discord["content"]  # no masked link from upstream text
    assert r"\[docs\]\(https://evil.example/x\)" in discord["content"]
    # The same published site again (a re-run, or the next build with the same verdict): silent.
    assert json.loads(record.read_text()) == {"verdict": "major_outage", "checked_at": T2}
    assert notify(folder, "--record", str(record)) == 0
    later = site(tmp_path, snapshot("major_outage", "2026-11-29T19:13:00Z"))
    assert notify(later, "--record", str(record)) == 0
    assert len(hooks) == 3


def test_the_cdn_serving_the_old_status_json_does_not_send_the_change_again(tmp_path, hooks):
    # Run N announced operational -> major_outage. Run N+1 restores the live status.json, but the
    # CDN still serves the one from before the change: the record must win over it.
    old_live = write(tmp_path / "previous.json", snapshot("operational", T0))
    record = write(tmp_path / "record.json", {"verdict": "major_outage", "checked_at": T1})
    folder = site(tmp_path, snapshot("major_outage", T2))
    assert notify(folder, "--previous", str(old_live), "--record", str(record)) == 0
    assert hooks == []


def test_without_a_record_the_previous_snapshot_is_the_baseline(tmp_path, hooks):
    previous = write(tmp_path / "previous.json", snapshot("operational", T1))
    folder = site(tmp_path, snapshot("degraded", T2))
    assert notify(folder, "--previous", str(previous)) == 0
    assert [body["previous_verdict"] for path, body in hooks if path == "/status_webhook_url"] \
        == ["operational"]


@pytest.mark.parametrize("verdict,freshness", [
    ("unknown", "unknown"),  # nothing could be read
    ("operational", "stale"),  # the latest check failed: the old reading is shown
    ("unknown", "live"),  # read, but the states are ones we cannot understand
])
def test_our_own_failure_to_read_is_never_a_notice(tmp_path, hooks, verdict, freshness):
    record = write(tmp_path / "record.json", {"verdict": "major_outage", "checked_at": T1})
    folder = site(tmp_path, snapshot(verdict, None if freshness == "unknown" else T2, freshness))
    assert notify(folder, "--record", str(record)) == 0
    assert hooks == []
    # ...and it does not move the baseline: back to the same real verdict stays silent.
    assert json.loads(record.read_text())["verdict"] == "major_outage"
    back = site(tmp_path, snapshot("major_outage", "2026-11-29T19:20:00Z"))
    assert notify(back, "--record", str(record)) == 0
    assert hooks == []


def test_no_earlier_verdict_means_no_notice_but_a_record(tmp_path, hooks):
    record = tmp_path / "cache" / "record.json"
    folder = site(tmp_path, snapshot("major_outage", T2))
    assert notify(folder, "--record", str(record)) == 0
    assert hooks == []
    assert json.loads(record.read_text())["verdict"] == "major_outage"


def test_no_secret_configured_means_no_request(tmp_path, httpserver, monkeypatch, capsys):
    for var in HOOK_VARS:
        monkeypatch.delenv(var, raising=False)
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    assert notify(site(tmp_path, snapshot("major_outage", T2)), "--record", str(record)) == 0
    assert "no webhook configured" in capsys.readouterr().out
    assert httpserver.log == []


def test_a_failing_webhook_is_a_warning_retried_once_and_the_others_still_get_it(
        tmp_path, httpserver, monkeypatch, caplog):
    received = []
    httpserver.expect_request("/broken").respond_with_handler(
        lambda r: received.append(r.path) or Response("no", status=500))
    httpserver.expect_request("/fine").respond_with_handler(
        lambda r: received.append(r.path) or Response("ok"))
    monkeypatch.setenv("STATUS_WEBHOOK_URL", httpserver.url_for("/broken"))
    monkeypatch.setenv("STATUS_DISCORD_WEBHOOK_URL", httpserver.url_for("/fine"))
    monkeypatch.delenv("STATUS_SLACK_WEBHOOK_URL", raising=False)
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    assert notify(site(tmp_path, snapshot("partial_outage", T2)), "--record", str(record)) == 0
    assert sorted(received) == ["/broken", "/broken", "/fine"]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["notify: STATUS_WEBHOOK_URL: not delivered (HTTP 500); "
                        "the deploy is not affected"]
    ours = " ".join(r.getMessage() for r in caplog.records if r.name == "status_engine")
    assert "/broken" not in ours and "127.0.0.1" not in ours  # the webhook URL is a secret


@pytest.fixture(params=["silent", "trickling"])
def hanging_url(request):
    """A server that accepts connections and never answers, or answers a byte every 0.3 s for
    8 s: no socket timeout ever fires on that one, only the overall deadline can end it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def trickle(conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(27):
                if stop.wait(0.3):
                    return
                conn.sendall(b"x")
        except OSError:
            return  # the client gave up and closed: what a deadline is for

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue
            if request.param == "trickling":
                threading.Thread(target=trickle, args=(held[-1],), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/{request.param}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_hanging_webhook_is_a_warning_within_the_deadline(tmp_path, hanging_url, monkeypatch,
                                                            caplog):
    monkeypatch.setenv("STATUS_WEBHOOK_URL", hanging_url)
    for var in HOOK_VARS[1:]:
        monkeypatch.delenv(var, raising=False)
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    start = time.monotonic()
    code = notify(site(tmp_path, snapshot("major_outage", T2)), "--record", str(record),
                  "--deadline", "2")
    elapsed = time.monotonic() - start
    assert code == 0
    assert elapsed < 3.5, f"took {elapsed:.1f} s with a 2 s deadline"
    assert any("STATUS_WEBHOOK_URL: not delivered" in r.getMessage() for r in caplog.records
               if r.levelname == "WARNING")
    # The request itself ends too (its socket timeout is the time left), not only the wait for
    # it: no thread is left talking to a silent server. A trickling one keeps its thread going
    # until it stops (daemon threads: the run ends anyway).
    if hanging_url.endswith("/silent"):
        time.sleep(1.0)
        assert not [t for t in threading.enumerate() if t.name.startswith("notify ")]


def test_a_webhook_that_is_not_https_is_not_used(tmp_path, httpserver, monkeypatch, caplog):
    monkeypatch.setenv("STATUS_WEBHOOK_URL", "http://example.org/hook")
    for var in HOOK_VARS[1:]:
        monkeypatch.delenv(var, raising=False)
    assert notify(site(tmp_path, snapshot("major_outage", T2))) == 0
    assert "not an https URL" in caplog.text and "example.org" not in caplog.text


def test_links_from_upstream_are_checked(tmp_path, hooks):
    foreign = dict(INCIDENT, url="https://evil.example/phish")
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    assert notify(site(tmp_path, snapshot("major_outage", T2, incident=foreign)),
                  "--record", str(record)) == 0
    generic = next(body for path, body in hooks if path == "/status_webhook_url")
    assert generic["incident_url"] is None
    assert all("evil.example/phish" not in json.dumps(body) for _, body in hooks)


TOKEN = "SECRETTOKEN"


def only(monkeypatch, var: str, url: str) -> None:
    for other in HOOK_VARS:
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(var, url)


@pytest.mark.parametrize("pasted", [f"https://discord.com/api/webhooks/123/{TOKEN} x",
                                    f"https://discord.com/api/webhooks/123/{TOKEN}\nx",
                                    f"https://discord.com/api/webhooks/123/{TOKEN}\x7f"])
def test_a_secret_with_whitespace_or_a_control_character_is_refused_by_name(
        tmp_path, monkeypatch, caplog, capsys, pasted):
    only(monkeypatch, "STATUS_DISCORD_WEBHOOK_URL", pasted)
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    assert notify(site(tmp_path, snapshot("major_outage", T2)), "--record", str(record)) == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(w.startswith("notify: STATUS_DISCORD_WEBHOOK_URL contains whitespace or a "
                            "control character") for w in warnings), warnings
    printed = capsys.readouterr()
    assert TOKEN not in caplog.text + printed.out + printed.err


@pytest.fixture
def garbage_url():
    """A server that answers every request with a line that is not HTTP (BadStatusLine)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn = listener.accept()[0]
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"garbage\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/api/webhooks/123/{TOKEN}"
    stop.set()
    thread.join()
    listener.close()


def test_a_broken_http_answer_is_reported_by_type_without_the_url(
        tmp_path, garbage_url, monkeypatch, caplog, capsys):
    only(monkeypatch, "STATUS_WEBHOOK_URL", garbage_url)
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    assert notify(site(tmp_path, snapshot("major_outage", T2)), "--record", str(record),
                  "--deadline", "5") == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["notify: STATUS_WEBHOOK_URL: not delivered (BadStatusLine); "
                        "the deploy is not affected"]
    printed = capsys.readouterr()
    assert TOKEN not in caplog.text + printed.out + printed.err  # no traceback, no URL


def test_an_unexpected_error_in_the_sender_names_its_type_not_the_url(
        tmp_path, hooks, monkeypatch, caplog, capsys):
    from status_engine import notify as notify_module

    def boom(url, body, deadline, clock=None):
        raise RuntimeError(f"failed for {url} {TOKEN}")

    monkeypatch.setattr(notify_module, "post", boom)
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    assert notify(site(tmp_path, snapshot("major_outage", T2)), "--record", str(record)) == 0
    warnings = sorted(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert warnings == [f"notify: {var}: not delivered (unexpected RuntimeError); the deploy "
                        "is not affected" for var in sorted(HOOK_VARS)]
    printed = capsys.readouterr()
    assert TOKEN not in caplog.text + printed.out + printed.err


def test_a_bar_or_space_in_a_link_cannot_move_the_slack_label(tmp_path, hooks):
    odd = {"name": "Elevated errors",
           "url": "https://status.openai.com/incidents/01A|Click here>&x"}
    record = write(tmp_path / "record.json", {"verdict": "operational", "checked_at": T1})
    assert notify(site(tmp_path, snapshot("major_outage", T2, incident=odd)),
                  "--record", str(record)) == 0
    slack = next(body for path, body in hooks if path == "/status_slack_webhook_url")["text"]
    assert " <https://status.openai.com/incidents/01A%7CClick%20here%3E&amp;x|Incident>" in slack
    assert slack.count("|") == 3  # one per link: Live status, Official status page, Incident


def test_an_empty_restored_snapshot_is_no_baseline(tmp_path, hooks):
    # The build job keeps `{}` when it restored nothing (a first deploy).
    previous = write(tmp_path / "previous.json", {})
    record = tmp_path / "record.json"
    assert notify(site(tmp_path, snapshot("major_outage", T2)), "--previous", str(previous),
                  "--record", str(record)) == 0
    assert hooks == []
    assert json.loads(record.read_text())["verdict"] == "major_outage"
