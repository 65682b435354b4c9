"""Command line: debug a source in seconds, check a built site, restore state before a build.

    python -m hooks.status_engine check [--config mkdocs.yml]   # what the banner would say
    python -m hooks.status_engine verify site                    # gate before a deploy
    python -m hooks.status_engine restore https://example.org/   # last-known-good from a live site
    python -m hooks.status_engine render out/                    # for another site generator
    python -m hooks.status_engine notify site --record notified.json  # webhooks on a change

Runs without MkDocs: it reads `extra.status` from mkdocs.yml with PyYAML.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Sequence

import yaml

from . import engine, fetch as fetching, history_store, sharecard, store
from .errors import SettingsError, UpstreamError
from .history import merge_histories
from .render import LABELS
from .settings import Settings, check_source_url, offline, settings_from_mapping, with_environment

SCHEMA = Path(__file__).with_name("status.schema.json")
LOG = logging.getLogger("status_engine")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooks.status_engine", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="mkdocs.yml", help="the MkDocs config to read")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="print what the banner would say; exit 1 when unknown")
    verify = sub.add_parser("verify", help="exit 1 unless a built site is safe to deploy")
    verify.add_argument("site_dir", type=Path)
    restore = sub.add_parser("restore", help="seed last-known-good from a live site")
    restore.add_argument("base_url")
    render = sub.add_parser("render", help="check, then write the HTML pieces and the outputs "
                                           "into a folder, for a site generator without hooks")
    render.add_argument("out_dir", type=Path)
    notify = sub.add_parser("notify", help="after a verified build: post to the configured "
                                           "webhooks when the verdict changed; never fails")
    notify.add_argument("site_dir", type=Path)
    notify.add_argument("--previous", type=Path, help="the status.json the live site showed")
    notify.add_argument("--record", type=Path, help="what was last notified: read, then updated")
    notify.add_argument("--deadline", type=float, default=20.0,
                        help="seconds for all webhooks together (default 20)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    try:
        if args.command == "verify":
            return _verify(args.site_dir)
        if args.command == "notify":
            return _notify(args.site_dir, args.previous, args.record, args.deadline)
        settings, cache_dir = load_settings(Path(args.config))
        if args.command == "check":
            return _check(settings, cache_dir)
        if args.command == "render":
            return _render(settings, cache_dir, args.out_dir, _site(Path(args.config)))
        return _restore(settings, cache_dir, args.base_url)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def load_settings(config_path: Path) -> tuple[Settings, Path]:
    """Settings from `extra.status` in mkdocs.yml, with STATUS_SOURCE applied."""
    try:
        text = config_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"{config_path}: cannot read the config ({exc.strerror}); pass "
                            "--config with the path of mkdocs.yml") from None
    try:
        data = yaml.load(text, Loader=_ConfigLoader) or {}
    except yaml.YAMLError as exc:
        raise SettingsError(f"{config_path}: not valid YAML: {exc}".replace("\n", " ")) from None
    raw = ((data.get("extra") or {}) if isinstance(data, dict) else {}).get("status")
    settings = with_environment(settings_from_mapping(raw))
    return settings, config_path.resolve().parent / settings.cache_dir


def _check(settings: Settings, cache_dir: Path) -> int:
    result = engine.check(settings, cache_dir=cache_dir, offline=offline(), persist=False)
    status = result.status
    print(f"{settings.subject}: {LABELS[status.verdict]} [{status.verdict.value}]")
    print(f"freshness: {status.freshness}"
          + (f", checked {result.snapshot['checked_at']} ({status.age_seconds}s ago)"
             if status.reading else ""))
    print(f"source: {result.snapshot['source'] or 'none'}")
    for component in status.affected:
        print(f"affected: {component.name}: {LABELS[component.state]}")
    for incident in status.incidents:
        latest = incident.latest
        print(f"incident: {incident.name} ({incident.status.value})"
              + (f": {latest.text[:200]}" if latest and latest.text else ""))
    for note in status.notes:
        print(f"note: {note}")
    return 1 if status.verdict.value == "unknown" else 0


def _site(config_path: Path) -> tuple[str, str]:
    """site_name and site_url from mkdocs.yml (for the share card); empty when not set."""
    data = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    return str(data.get("site_name") or ""), str(data.get("site_url") or "")


def _render(settings: Settings, cache_dir: Path, out_dir: Path,
            site: tuple[str, str] = ("", "")) -> int:
    """What the MkDocs hook does, as files: include them from any generator's templates."""
    result = engine.check(settings, cache_dir=cache_dir, offline=offline())
    out_dir.mkdir(parents=True, exist_ok=True)
    pieces = {"status-banner.html": result.banner_html,
              "status-summary.html": result.summary_html,
              "status-history.html": engine.history_html(result)}
    for name, html in pieces.items():
        (out_dir / name).write_text(html + "\n", encoding="utf-8")
    engine.publish(result, out_dir)
    card = sharecard.card_for(result.status, settings.subject, site[0] or settings.subject)
    sharecard.write(card, out_dir)
    # The card's meta tags need its versioned URL and words: a generator includes this file.
    (out_dir / "status-card.json").write_text(json.dumps(
        {"url": sharecard.image_url(card, site[1]), "alt": card.alt, "width": sharecard.WIDTH,
         "height": sharecard.HEIGHT}, indent=1) + "\n", encoding="utf-8")
    print(f"{out_dir}: {', '.join(pieces)}, status.json, history.json, history.atom, status.svg, "
          f"{sharecard.FILENAME}, status-card.json "
          f"(verdict {result.status.verdict.value}, {result.status.freshness})")
    return 0


def _notify(site_dir: Path, previous: Path | None, record: Path | None,
            deadline: float) -> int:
    """Exit 0 whatever happens: the site is already deployed; trouble is a warning line."""
    from . import notify

    hooks = notify.configured(os.environ)
    if not hooks:
        print("notify: no webhook configured (STATUS_WEBHOOK_URL, STATUS_SLACK_WEBHOOK_URL, "
              "STATUS_DISCORD_WEBHOOK_URL): nothing to do")
        return 0
    new = notify.read_json(site_dir / "status.json", "new status")
    if new is None:
        LOG.warning("notify: %s has no readable status.json: nothing sent", site_dir)
        return 0
    decision = notify.decide(new, notify.read_json(previous, "previous status"),
                             notify.read_json(record, "notice record"),
                             notify.site_url_of(site_dir))
    print(decision.reason)
    if decision.change is not None:
        notify.send(decision.change, hooks, deadline)
    if record is not None and decision.record is not None:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            store.write_json_atomic(record, decision.record)
        except OSError as exc:
            LOG.warning("notify: could not save the record %s: %s", record, exc)
    return 0


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml with its tags: `!ENV` resolved like MkDocs does, `!!python/...` ignored."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:  # [NAME, ..., default], as MkDocs reads it
        *names, default = loader.construct_sequence(node)
    for name in names:
        if str(name) in os.environ:
            return os.environ[str(name)]
    return default


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
_ConfigLoader.add_multi_constructor("!relative", lambda *_: None)


# -- verify: the deploy gate ---------------------------------------------------------------

class _BannerFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.banner: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.banner is None and found.get("role") == "status" and "data-status" in found:
            self.banner = found


def _verify(site_dir: Path) -> int:
    problems = verify_site(site_dir)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print(f"{site_dir}: ok to deploy")
    return 1 if problems else 0


def verify_site(site_dir: Path) -> list[str]:
    """What makes `site_dir` unfit to deploy: no home page, no banner, an invalid status.json."""
    import jsonschema  # only the deploy gate needs it

    index = site_dir / "index.html"
    if not index.is_file():
        return [f"{index} is missing: the build did not produce a home page"]
    finder = _BannerFinder()
    finder.feed(index.read_text(encoding="utf-8"))
    problems = []
    if finder.banner is None:
        problems.append(f"{index} has no status banner (role=status with data-status)")
    try:
        snapshot = json.loads((site_dir / "status.json").read_text(encoding="utf-8"))
        jsonschema.validate(snapshot, json.loads(SCHEMA.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        problems.append(f"{site_dir / 'status.json'} is missing or not JSON: {exc}")
    except jsonschema.ValidationError as exc:
        problems.append(f"{site_dir / 'status.json'} does not match {SCHEMA.name}: {exc.message}")
    else:
        if finder.banner and finder.banner.get("data-status") != snapshot.get("verdict"):
            problems.append("the banner and status.json disagree on the verdict")
    return problems


# -- restore: carry last-known-good across CI runs -------------------------------------------

def _restore(settings: Settings, cache_dir: Path, base_url: str) -> int:
    """Seed last-known-good and the history from the live site. Never fails the run."""
    _restore_status(settings, cache_dir, base_url)
    _restore_history(settings, cache_dir, base_url)
    return 0


def _get(settings: Settings, url: str, max_bytes: int) -> bytes:
    check_source_url(url, key="restore URL", prefix="")
    return fetching.fetch(url, deadline=time.monotonic() + settings.deadline_seconds,
                          connect_timeout=settings.connect_timeout_seconds,
                          read_timeout=settings.read_timeout_seconds, max_bytes=max_bytes,
                          retries=settings.retries, user_agent=settings.user_agent).body


def _restore_status(settings: Settings, cache_dir: Path, base_url: str) -> int:
    url = base_url.rstrip("/") + "/status.json"
    try:
        snapshot = json.loads(_get(settings, url, settings.max_bytes))
        reading = store.reading_from_snapshot(snapshot)
        current = _current(cache_dir)
        if current is not None and current.fetched_at >= reading.fetched_at:
            LOG.info("restore: kept %s: it is as new as %s", cache_dir, url)
            return 0
        store.save_last_known_good(cache_dir, snapshot)
        LOG.info("restore: last-known-good from %s, checked %s", url, snapshot["checked_at"])
    except (UpstreamError, SettingsError, ValueError) as exc:
        LOG.warning("restore: nothing restored from %s: %s", url, exc)
    return 0


def _restore_history(settings: Settings, cache_dir: Path, base_url: str) -> None:
    """Merge the live site's history.json into the local one, after validating it: a build
    that starts without the cache then keeps every incident the site already recorded."""
    url = base_url.rstrip("/") + "/" + history_store.HISTORY
    try:
        # Years of incidents are far bigger than a status reading: allow 50 times more.
        remote = history_store.read_remote(_get(settings, url, min(settings.max_bytes * 50,
                                                                   200_000_000)))
    except (UpstreamError, SettingsError) as exc:
        LOG.warning("restore: no history restored from %s: %s", url, exc)
        return
    now = datetime.now(timezone.utc)
    local = history_store.load(cache_dir, now, LOG)
    merged = merge_histories(local, remote, now)
    if merged is local:
        LOG.info("restore: kept %s: it already holds every incident of %s", cache_dir, url)
        return
    try:
        history_store.save(cache_dir / history_store.HISTORY, merged, settings.subject,
                           settings.status_page)
    except OSError as exc:
        LOG.warning("restore: could not write the history in %s: %s", cache_dir, exc)
        return
    LOG.info("restore: history from %s (%d incidents)", url, merged.count)


def _current(cache_dir: Path) -> Any:
    try:
        return store.load_last_known_good(cache_dir)
    except UpstreamError:
        return None  # a corrupt cache is worth replacing
