"""Command line: debug a source in seconds, check a built site, restore state before a build.

    python -m hooks.status_engine check [--config mkdocs.yml]   # what the banner would say
    python -m hooks.status_engine verify site                    # gate before a deploy
    python -m hooks.status_engine restore https://example.org/   # last-known-good from a live site
    python -m hooks.status_engine render out/                    # for another site generator
    python -m hooks.status_engine notify site --record notified.json  # webhooks on a change

Runs without MkDocs: it reads `extra.status` from mkdocs.yml with PyYAML. This module parses
the command line and prints; the deploy gate is `deploy_gate`, the restore is `restore`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from . import deploy_gate, engine, outputs, restore, store
from .errors import SettingsError
from .labels import STATES
from .outputs import sharecard
from .pages.history import history_html
from .settings import (Settings, live_settings, offline, settings_from_mapping,
                       with_environment)

LOG = logging.getLogger("status_engine")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooks.status_engine", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="mkdocs.yml", help="the MkDocs config to read")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="print what the banner would say; exit 1 when unknown")
    verify = sub.add_parser("verify", help="exit 1 unless a built site is safe to deploy")
    verify.add_argument("site_dir", type=Path)
    restoring = sub.add_parser("restore", help="seed last-known-good from a live site")
    restoring.add_argument("base_url")
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
        restore.restore(settings, cache_dir, args.base_url)
        return 0
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
    extra = (data.get("extra") or {}) if isinstance(data, dict) else {}
    settings = with_environment(settings_from_mapping(extra.get("status")))
    # The same schema, words and order as the build (settings.py): status_live too, so that
    # `check` refuses what the build would refuse.
    live_settings(extra.get("status_live"))
    return settings, config_path.resolve().parent / settings.cache_dir


def _verify(site_dir: Path) -> int:
    problems = deploy_gate.verify_site(site_dir)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        print(f"{site_dir}: ok to deploy")
    return 1 if problems else 0


def _check(settings: Settings, cache_dir: Path) -> int:
    result = engine.check(settings, cache_dir=cache_dir, offline=offline(), persist=False)
    status = result.status
    print(f"{settings.subject}: {STATES[status.verdict].label} [{status.verdict.value}]")
    print(f"freshness: {status.freshness}"
          + (f", checked {result.snapshot['checked_at']} ({status.age_seconds}s ago)"
             if status.reading else ""))
    print(f"source: {result.snapshot['source'] or 'none'}")
    for component in status.affected:
        print(f"affected: {component.name}: {STATES[component.state].label}")
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
              "status-history.html": history_html(result.history, settings,
                                                  result.status.built_at)}
    for name, html in pieces.items():
        (out_dir / name).write_text(html + "\n", encoding="utf-8")
    card = None
    if settings.share_card:
        card = sharecard.card_for(result.status, settings.subject, site[0] or settings.subject)
    else:  # a card from an earlier render must not stay behind, still linked by a generator
        for name in (sharecard.FILENAME, "status-card.json"):
            (out_dir / name).unlink(missing_ok=True)
    written = [*pieces, *(p.name for p in outputs.publish(result, out_dir, card=card))]
    if card is not None:
        # The card's meta tags need its versioned URL and words: a generator includes this file.
        (out_dir / "status-card.json").write_text(json.dumps(
            {"url": sharecard.image_url(card, site[1]), "alt": card.alt,
             "width": sharecard.WIDTH, "height": sharecard.HEIGHT}, indent=1) + "\n",
            encoding="utf-8")
        written.append("status-card.json")
    print(f"{out_dir}: {', '.join(written)} "
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
    elif isinstance(node, yaml.SequenceNode):  # [NAME, ..., default], as MkDocs reads it
        *names, default = loader.construct_sequence(node)
    else:
        raise yaml.constructor.ConstructorError(None, None, "!ENV takes a name or a list of "
                                                "names and a default", node.start_mark)
    for name in names:
        if str(name) in os.environ:
            return os.environ[str(name)]
    return default


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
_ConfigLoader.add_multi_constructor("!relative", lambda *_: None)
