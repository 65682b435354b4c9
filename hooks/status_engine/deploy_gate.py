"""The deploy gate (`python -m hooks.status_engine verify`): is a built site fit to deploy?

A site is fit when its home page has the status banner, its status.json matches
status.schema.json, and the two agree on the verdict. Reads only files; the command line prints.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

SCHEMA = Path(__file__).with_name("status.schema.json")


class _BannerFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.banner: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.banner is None and found.get("role") == "status" and "data-status" in found:
            self.banner = found


def verify_site(site_dir: Path) -> list[str]:
    """What makes `site_dir` unfit to deploy: no home page, no banner, an invalid status.json."""
    import jsonschema  # imported here: of the commands, only `verify` needs it

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
