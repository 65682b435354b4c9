"""Words, shapes and colours for each enum, shared by every page and output, so the same state
reads and looks the same everywhere: one table per enum, one palette. No markup.

docs/assets/status.css colours the banner with the same palette
(tests/unit/test_labels.py holds the two together).
"""

from __future__ import annotations

from typing import NamedTuple

from .model import Impact, IncidentStatus, MaintenanceStatus, State


class StateWords(NamedTuple):
    """How one state is said and drawn."""

    label: str  # the banner, the summary, the share card, the notices, the command line
    word: str  # lowercase and short: the badge
    impact: str  # how bad an incident or a day of the history was
    icon: str  # the banner's shape, so a verdict never relies on colour alone
    letter: str  # the history bars' letter, for the same reason


STATES = {
    State.OPERATIONAL: StateWords("Operational", "operational", "no incident", "✓", ""),
    State.DEGRADED: StateWords("Degraded performance", "degraded", "degraded performance",
                               "▲", "D"),
    State.PARTIAL_OUTAGE: StateWords("Partial outage", "partial outage", "partial outage",
                                     "◆", "P"),
    State.MAJOR_OUTAGE: StateWords("Major outage", "major outage", "major outage", "✕", "M"),
    State.MAINTENANCE: StateWords("Under maintenance", "maintenance", "maintenance", "⚙", "m"),
    State.UNKNOWN: StateWords("Status unknown", "unknown", "incident, severity not known",
                              "?", "?"),
}
# One background per state. White text on each has a contrast ratio of at least 4.5:1 (WCAG AA).
PALETTE = {
    State.OPERATIONAL: "#1b5e20", State.DEGRADED: "#7a4a00", State.PARTIAL_OUTAGE: "#9a3412",
    State.MAJOR_OUTAGE: "#b71c1c", State.MAINTENANCE: "#1e40af", State.UNKNOWN: "#424242",
}
LABEL_COLOUR = "#333333"  # the neutral left half of the badge

# An incident's and a maintenance's status as a visitor reads it.
INCIDENT_STATUSES = {status: status.value.replace("_", " ") for status in IncidentStatus}
MAINTENANCE_STATUSES = {status: status.value.replace("_", " ") for status in MaintenanceStatus}
# An incident's impact as the banner names it; none when there is nothing to say.
IMPACTS = {impact: "" if impact in (Impact.NONE, Impact.UNKNOWN) else impact.value
           for impact in Impact}
