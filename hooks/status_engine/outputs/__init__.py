"""Machine outputs: the files a build publishes beside its pages, for scripts, feed readers,
badges and link previews. `publish` writes them all; each module words one file:
`status_json` (status.json), `atom` (history.atom), `badge` (status.svg), `sharecard`
(status-card.png); history.json is the history's own file (history/store.py), copied."""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import store
from ..history import store as history_store
from ..result import Result
from . import atom, badge, sharecard


def publish(result: Result, site_dir: Path, *, site_url: str = "",
            card: sharecard.Card | None = None) -> list[Path]:
    """Write status.json, history.json, history.atom, status.svg and, given its card, the share
    card into a built site; the paths written, status.json first."""
    settings, status = result.settings, result.status
    written = [site_dir / "status.json", site_dir / history_store.HISTORY,
               site_dir / "history.atom", site_dir / "status.svg"]
    store.write_json_atomic(written[0], result.snapshot, durable=False)  # the site: rebuilt
    _history_json(result, written[1])
    written[2].write_bytes(atom.atom_feed(
        result.history, subject=settings.subject, site_url=site_url,
        status_host=settings.status_host, built_at=status.built_at))
    written[3].write_text(badge.badge_svg(status.verdict, settings.subject, status.freshness),
                          encoding="utf-8")
    if card is not None:
        written.append(sharecard.write(card, site_dir))
    return written


def _history_json(result: Result, target: Path) -> None:
    """A copy of the cache file when it holds exactly this history (no encoding at all), else
    the history written afresh."""
    source = result.history_file
    if source is not None and source.is_file():
        if source.resolve() != target.resolve():  # `render` (cli.py) may write into the cache
            shutil.copyfile(source, target)
    else:
        history_store.save(target, result.history, result.settings.subject,
                           result.settings.status_page, durable=False)
