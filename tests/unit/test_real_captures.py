"""Real upstream payloads, kept byte-for-byte from other projects, through the engine.

The verdicts in tests/fixtures/real/expected.yml were decided by reading each payload before
running the engine; a row lists every verdict an honest engine may give. A failing row is a
false answer on a real shape, not a flaky test: fix the engine, never the row.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sitebuild import FIXTURES
from status_engine import formats
from status_engine.errors import UpstreamError
from status_engine.settings import Settings
from status_engine.verdict import decide

REAL = FIXTURES / "real"
TABLE = REAL / "expected.yml"
NOT_CAPTURES = {"README.md", "expected.yml"}
VERDICTS = {"operational", "degraded", "partial_outage", "major_outage", "maintenance", "unknown"}
SCOPES = {
    # Pages that are not OpenAI's: every component on the page answers the question.
    "whole-page": Settings(scope_groups=(), scope_components=()),
    # OpenAI's page: the site's default settings, i.e. the ChatGPT group.
    "chatgpt": Settings(),
}
# The media type a server sends with each kind of file; only a hint to the parser.
CONTENT_TYPES = {".json": "application/json", ".atom": "application/atom+xml",
                 ".rss": "application/rss+xml", ".xml": "application/xml"}
ROW_KEYS = {"file", "page", "format", "origin", "read_at", "read_at_source", "scope", "expected",
            "reason"}


def _rows() -> list[dict]:
    return yaml.safe_load(TABLE.read_text(encoding="utf-8"))


def read_at(row: dict) -> datetime:
    return datetime.fromisoformat(row["read_at"])


def engine_verdict(path: Path, row: dict) -> tuple[str, tuple[str, ...]]:
    """What the engine answers for this capture, read at the row's instant, and why.

    A payload the engine refuses to read is an `unknown` answer: the site then says it cannot
    tell, which is what a refusal means to a visitor.
    """
    when = read_at(row)
    try:
        reading = formats.parse(path.read_bytes(), CONTENT_TYPES[path.suffix], path.name, when)
    except UpstreamError as exc:
        return "unknown", (f"not readable: {exc}",)
    status = decide(reading, SCOPES[row["scope"]], built_at=when, live=True)
    return status.verdict.value, status.notes


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row["file"])
def test_engine_verdict_is_one_we_expect(row):
    verdict, notes = engine_verdict(REAL / row["file"], row)
    assert verdict in row["expected"], (
        f"{row['file']}: engine says {verdict!r}, expected one of {row['expected']} "
        f"({row['reason']}); engine notes: {notes}")


def test_every_capture_has_a_row_and_every_row_a_capture():
    listed = [row["file"] for row in _rows()]
    assert len(listed) == len(set(listed)), "a capture is listed twice"
    on_disk = {p.name for p in REAL.iterdir() if p.is_file()} - NOT_CAPTURES
    assert sorted(on_disk - set(listed)) == [], "captures without a row in expected.yml"
    assert sorted(set(listed) - on_disk) == [], "rows whose capture file is missing"


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row["file"])
def test_row_is_complete(row):
    assert set(row) == ROW_KEYS, f"{row.get('file')}: keys {sorted(set(row) ^ ROW_KEYS)}"
    origin = row["origin"]
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", origin["repo"]), origin
    assert origin["path"].strip(), origin
    assert re.fullmatch(r"[0-9a-f]{40}", origin["commit"]), origin
    assert read_at(row).tzinfo is not None, "read_at needs an offset"
    assert row["read_at_source"].split(" ")[0] in {"capture", "commit"}
    assert row["scope"] in SCOPES
    assert row["expected"] and set(row["expected"]) <= VERDICTS, row["expected"]
    assert Path(row["file"]).suffix in CONTENT_TYPES
    assert row["reason"].strip() and row["page"].strip() and row["format"].strip()


def readme_table(rows: list[dict]) -> str:
    """The README's table, rendered from expected.yml so that the two never disagree."""
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    header = ("| file | origin (repository · path · commit) | page | format | read at (source) "
              "| scope | expected | why |")
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        origin = row["origin"]
        lines.append("| " + " | ".join(cell(c) for c in (
            f"`{row['file']}`", f"{origin['repo']} · `{origin['path']}` · `{origin['commit']}`",
            row["page"], row["format"], f"{row['read_at']} ({row['read_at_source']})", row["scope"],
            " or ".join(row["expected"]), row["reason"])) + " |")
    return "\n".join(lines)


def test_readme_table_is_rendered_from_expected_yml():
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    assert readme_table(_rows()) in readme, (
        "README.md is stale: paste the output of "
        "`PYTHONPATH=tests:hooks .venv/bin/python tests/unit/test_real_captures.py`")


def test_corpus_is_broad_enough():
    """Issue 9 asks for at least 20 captures from at least 8 different status pages."""
    rows = _rows()
    pages = {row["page"].split(" (")[0] for row in rows}
    assert len(rows) >= 20, f"{len(rows)} captures"
    assert len(pages) >= 8, sorted(pages)


if __name__ == "__main__":
    print(readme_table(_rows()))
