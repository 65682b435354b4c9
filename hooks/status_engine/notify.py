"""A notice when the verdict changes: one JSON message to each configured webhook.

Run after a verified build (`python -m hooks.status_engine notify site/ ...`). Pure parts decide
(`decide`) and word the messages (`messages`); `send` posts them within one overall deadline,
each webhook in its own thread, at most one retry each. Nothing here can fail the deploy: a
webhook that fails is one warning line. Webhook URLs are secrets: never printed.

What counts as a change: the new reading is live and known, and its verdict differs from the
last real verdict (the record of what was notified, or else the previous snapshot). A stale or
unknown reading is our own failure to read upstream, never news; it leaves the record as it is.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from collections.abc import Callable, Mapping
from urllib.parse import quote, urlsplit

from .errors import SettingsError
from .model import State, parse_time
from .labels import STATES
from .settings import check_source_url
from .templating import safe_link

# Repository secrets, passed to the notify step only: (env var, message shape).
WEBHOOKS = (("STATUS_WEBHOOK_URL", "json"), ("STATUS_SLACK_WEBHOOK_URL", "slack"),
            ("STATUS_DISCORD_WEBHOOK_URL", "discord"))
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DISCORD_LIMIT = 2000
LOG = logging.getLogger("status_engine")


class Change(NamedTuple):
    verdict: str
    previous: str
    checked_at: str
    subject: str
    incident: str | None
    incident_url: str | None
    site_url: str
    status_page: str


class Decision(NamedTuple):
    change: Change | None  # None: nothing to send
    reason: str  # one line for the log
    record: dict[str, Any] | None  # the new record to save; None: keep the old one


def decide(new: Mapping[str, Any], previous: Mapping[str, Any] | None,
           record: Mapping[str, Any] | None, site_url: str) -> Decision:
    """Whether `new` (a status.json) is a real change from what was last shown or notified."""
    if new.get("freshness") != "live" or new.get("verdict") == State.UNKNOWN.value:
        return Decision(None, f"no notice: the new reading is {new.get('freshness')}/"
                              f"{new.get('verdict')}, our own failure to read upstream, not a "
                              "change of ChatGPT's status", None)
    mine = {"verdict": new["verdict"], "checked_at": new.get("checked_at")}
    baseline = _baseline(previous, record)
    if baseline is None:
        return Decision(None, "no notice: no earlier verdict to compare with; this one is "
                              "recorded", mine)
    if _time(new) <= _time(baseline) and record is baseline:
        return Decision(None, "no notice: this reading was already handled", None)
    if baseline["verdict"] == new["verdict"]:
        return Decision(None, f"no notice: the verdict is still {new['verdict']}", mine)
    return Decision(_change(new, baseline["verdict"], site_url),
                    f"notice: {baseline['verdict']} -> {new['verdict']}", mine)


def _baseline(previous: Mapping[str, Any] | None,
              record: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The last real verdict: the newer of the record and a live, known previous snapshot.

    The record wins ties and beats an older snapshot: the CDN may hand the next run the status.json
    of before the change, and that must not announce the same change twice."""
    usable = [doc for doc in (record, previous) if doc and doc.get("verdict") in _KNOWN
              and (doc is record or doc.get("freshness") == "live")]
    return max(usable, key=_time, default=None)  # max keeps the first (the record) on a tie


_KNOWN = {s.value for s in State} - {State.UNKNOWN.value}


def _time(doc: Mapping[str, Any]) -> datetime:
    return parse_time(doc.get("checked_at")) or datetime.min.replace(tzinfo=UTC)


def _change(new: Mapping[str, Any], previous: str, site_url: str) -> Change:
    page = str(new.get("status_page") or "")
    host = urlsplit(page).hostname or ""
    incident = next(iter(new.get("incidents") or []), None) or {}
    return Change(verdict=new["verdict"], previous=previous,
                  checked_at=str(new.get("checked_at") or ""),
                  subject=str(new.get("subject") or "ChatGPT"),
                  incident=incident.get("name") or None,
                  incident_url=safe_link(incident.get("url"), host),
                  site_url=_checked_site(site_url), status_page=safe_link(page, host) or "")


def _checked_site(url: str) -> str:
    try:
        check_source_url(url, key="site URL", prefix="")
    except SettingsError:
        return ""
    return url


# -- the messages ---------------------------------------------------------------------------

def _label(verdict: str) -> str:
    return STATES[State(verdict)].label


def plain_text(change: Change, escape: Callable[[str], str] = str) -> str:
    """One sentence or three; `escape` is applied to the upstream text (the incident name)."""
    parts = [f"{change.subject}: {_label(change.verdict)} (was {_label(change.previous)})."]
    if change.incident:
        parts.append(f"Incident: {escape(change.incident)}.")
    parts.append(f"Checked {change.checked_at}.")
    return " ".join(parts)


def messages(change: Change) -> dict[str, dict[str, Any]]:
    """The body for each webhook shape. Upstream text (the incident name) can never ping:
    Slack's control characters are escaped, Discord parses no mentions."""
    text = plain_text(change)
    links = [(label, url) for label, url in (("Live status", change.site_url),
                                             ("Official status page", change.status_page),
                                             ("Incident", change.incident_url)) if url]
    generic = {"subject": change.subject, "verdict": change.verdict,
               "previous_verdict": change.previous, "label": _label(change.verdict),
               "previous_label": _label(change.previous), "incident": change.incident,
               "incident_url": change.incident_url, "checked_at": change.checked_at,
               "site_url": change.site_url or None, "status_page": change.status_page or None,
               "text": text}
    slack_text = _slack(text) + "".join(f" <{_slack_url(url)}|{name}>" for name, url in links)
    slack = {"text": slack_text,
             "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": slack_text}}]}
    # Markdown in upstream text is escaped (no masked [links](…)); <url> stops Discord from
    # unfurling each link into a preview card.
    discord_text = plain_text(change, _discord) + "".join(f"\n{name}: <{url}>"
                                                          for name, url in links)
    discord = {"content": discord_text[:DISCORD_LIMIT], "allowed_mentions": {"parse": []}}
    return {"json": generic, "slack": slack, "discord": discord}


def _discord(text: str) -> str:
    return re.sub(r"([\\*_~`|>\[\]()#-])", r"\\\1", text)


def _slack(text: str) -> str:
    # Slack's own escaping: with <, > and & escaped, no <!channel> or <@user> can be formed.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_url(url: str) -> str:
    # In <url|label> the first | ends the URL and whitespace or > ends the link: percent-encode
    # them (the same address to the browser), then Slack's own escaping for & and <.
    return _slack(re.sub(r"[|<>\s]", lambda m: quote(m.group(), safe=""), url))


# -- sending --------------------------------------------------------------------------------

def configured(environ: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(env var, shape, URL) for each webhook set; a malformed URL is a warning, not used."""
    found = []
    for name, shape in WEBHOOKS:
        url = environ.get(name, "").strip()
        if not url:
            continue
        if _UNSAFE.search(url):  # a pasted secret with a space or newline: http.client refuses it
            LOG.warning("notify: %s contains whitespace or a control character: not used "
                        "(the value is not shown); paste the webhook URL again", name)
            continue
        try:
            check_source_url(url, key=name, prefix="")
        except SettingsError:
            LOG.warning("notify: %s is not an https URL: not used (the value is not shown)",
                        name)
            continue
        found.append((name, shape, url))
    return found


# Whitespace and control characters (C0, DEL, C1) are never part of a webhook URL.
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is a failure: the message must not go to another host


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: dict[str, Any], deadline: float,
         clock: Callable[[], float] = time.monotonic) -> str | None:
    """POST `body` as JSON by `deadline`, retrying once on a network error, 429 or 5xx.
    Returns None when delivered, else the reason it was not."""
    data = json.dumps(body).encode("utf-8")
    reason = "the deadline had passed"
    for _attempt in range(2):
        left = deadline - clock()
        if left <= 0.1:
            return reason
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "is-chatgpt-down-notify/1"})
        try:
            with _OPENER.open(request, timeout=left) as answer:
                answer.read(65536)
                return None
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}"
            if exc.code not in RETRY_STATUSES:
                return reason
        except OSError as exc:  # URLError, timeouts and resets: the reason names no URL
            reason = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
        except (http.client.HTTPException, ValueError) as exc:
            # InvalidURL, BadStatusLine, IncompleteRead...: their text can quote the URL (a
            # secret), so only the type is reported. Not retried: the same answer would come.
            return type(exc).__name__
    return reason


def send(change: Change, hooks: list[tuple[str, str, str]], deadline_seconds: float,
         log: logging.Logger = LOG) -> dict[str, str | None]:
    """Post to every webhook at once; return {env var: None or why it failed} by the deadline."""
    bodies = messages(change)
    deadline = time.monotonic() + deadline_seconds
    results: dict[str, str | None] = {name: "no answer within the deadline" for name, _, _ in hooks}

    def one(name: str, shape: str, url: str) -> None:
        try:
            results[name] = post(url, bodies[shape], deadline)
        except Exception as exc:  # last resort: a traceback in the log would print the URL
            results[name] = f"unexpected {type(exc).__name__}"

    # Daemon threads: a webhook that hangs past the deadline cannot keep the run alive.
    threads = [threading.Thread(target=one, args=hook, name=f"notify {hook[0]}", daemon=True)
               for hook in hooks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    for name, outcome in dict(results).items():
        if outcome is None:
            log.info("notify: %s: sent", name)
        else:
            log.warning("notify: %s: not delivered (%s); the deploy is not affected", name,
                        outcome)
    return results


# -- files ----------------------------------------------------------------------------------

def read_json(path: Path | None, what: str, log: logging.Logger = LOG) -> dict[str, Any] | None:
    """A JSON object from `path`, or None (with a warning when the file is there but bad)."""
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("notify: %s %s is unreadable (%s): ignored", what, path, exc)
        return None
    return data if isinstance(data, dict) else None


def site_url_of(site_dir: Path) -> str:
    """The site's address, from the canonical link MkDocs writes into the home page."""
    try:
        html = (site_dir / "index.html").read_text(encoding="utf-8")
    except OSError:
        return ""
    found = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    return found.group(1) if found else ""
