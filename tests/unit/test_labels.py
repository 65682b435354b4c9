"""One palette and one table of words per enum (labels.py), the one "worst of" rule
(State.worst), and the stylesheet's banner colours equal to the palette."""

from __future__ import annotations

import ast
import re
from enum import Enum
from pathlib import Path

import pytest

from status_engine import labels
from status_engine.model import Impact, IncidentStatus, MaintenanceStatus, State

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "hooks" / "status_engine"
STYLESHEET = ROOT / "docs" / "assets" / "status.css"

RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
BANNER_STATE = re.compile(r"\.status-banner--([a-z_]+)\)")
STATUS_BG = re.compile(r"--status-bg:\s*(#[0-9a-fA-F]{6})\b")


def banner_colours(css: str) -> dict[str, list[str]]:
    """`--status-bg` set for each `.status-banner--<state>` selector: state value -> colours
    (a list, so a state coloured twice shows up)."""
    found: dict[str, list[str]] = {}
    for selectors, body in RULE.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)):
        colour = STATUS_BG.search(body)
        if colour is None:
            continue
        for state in BANNER_STATE.findall(selectors):
            found.setdefault(state, []).append(colour.group(1).lower())
    return found


def test_the_stylesheet_colours_the_banner_with_the_palette() -> None:
    colours = banner_colours(STYLESHEET.read_text(encoding="utf-8"))
    assert colours == {state.value: [labels.PALETTE[state]] for state in State}


def test_the_stylesheet_reader_sees_a_colour_that_differs() -> None:
    css = STYLESHEET.read_text(encoding="utf-8").replace("--status-bg: #b71c1c", "--status-bg: "
                                                                                  "#b71c1d")
    assert banner_colours(css)["major_outage"] == ["#b71c1d"]
    grouped = ".a:has(.status-banner--unknown),\n.b { --status-bg: #424242; }"
    assert banner_colours(grouped) == {"unknown": ["#424242"]}


@pytest.mark.parametrize(("table", "enum"), [
    (labels.STATES, State), (labels.PALETTE, State), (labels.INCIDENT_STATUSES, IncidentStatus),
    (labels.MAINTENANCE_STATUSES, MaintenanceStatus), (labels.IMPACTS, Impact),
])
def test_every_table_covers_its_whole_enum(table: dict[Enum, object], enum: type[Enum]) -> None:
    assert set(table) == set(enum)


def test_white_text_is_readable_on_every_colour() -> None:
    # WCAG 2.2's relative luminance and contrast ratio (success criterion 1.4.3: 4.5:1).
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for colour in [*labels.PALETTE.values(), labels.LABEL_COLOUR]:
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour


def string_constants(path: Path) -> set[str]:
    return {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


ENGINE_MODULES = [p for p in sorted(ENGINE.rglob("*.py")) if p.name != "labels.py"]


@pytest.mark.parametrize("path", ENGINE_MODULES, ids=lambda p: str(p.relative_to(ENGINE)))
def test_no_other_module_keeps_its_own_words_or_colours(path: Path) -> None:
    # "?" (the unknown icon) is left out: it is also plain punctuation in log lines.
    own = {w for words in labels.STATES.values() for w in (words.label, words.icon) if w != "?"}
    own |= set(labels.PALETTE.values()) | {labels.LABEL_COLOUR}
    assert string_constants(path) & own == set()


def test_the_copy_check_sees_a_copy(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('LABELS = {"major": "Major outage"}\nGREY = "#424242"\n')
    assert string_constants(sample) >= {"Major outage", "#424242"}


@pytest.mark.parametrize(("states", "default", "worst"), [
    ([State.OPERATIONAL, State.MAJOR_OUTAGE, State.DEGRADED], None, State.MAJOR_OUTAGE),
    ([State.MAINTENANCE, State.OPERATIONAL], None, State.MAINTENANCE),
    ([State.DEGRADED, State.MAINTENANCE], None, State.DEGRADED),
    ([State.PARTIAL_OUTAGE, State.DEGRADED], None, State.PARTIAL_OUTAGE),
    # An unreadable state never hides a known one, better or worse (model._SEVERITY).
    ([State.UNKNOWN, State.OPERATIONAL], None, State.OPERATIONAL),
    ([State.UNKNOWN], State.OPERATIONAL, State.UNKNOWN),
    ([], None, State.UNKNOWN),
    ([], State.OPERATIONAL, State.OPERATIONAL),
])
def test_worst(states: list[State], default: State | None, worst: State) -> None:
    assert State.worst(iter(states), default) is worst


@pytest.mark.parametrize("state", list(State))
def test_disrupts_is_worse_than_maintenance(state: State) -> None:
    assert state.disrupts is (state in (State.DEGRADED, State.PARTIAL_OUTAGE,
                                        State.MAJOR_OUTAGE))
