"""Words and colours for the states, shared by every page and output, so the same state reads
and looks the same everywhere. One table per use, keyed by the enum; no markup."""

from __future__ import annotations

from .model import State

# Short lowercase words, for the badge and other places that say the state in a few letters.
STATE_WORDS = {
    State.OPERATIONAL: "operational", State.DEGRADED: "degraded",
    State.PARTIAL_OUTAGE: "partial outage", State.MAJOR_OUTAGE: "major outage",
    State.MAINTENANCE: "maintenance", State.UNKNOWN: "unknown",
}
# How bad an incident (or a day of the history) was, in words.
SEVERITY_WORDS = {
    State.OPERATIONAL: "no incident", State.DEGRADED: "degraded performance",
    State.PARTIAL_OUTAGE: "partial outage", State.MAJOR_OUTAGE: "major outage",
    State.MAINTENANCE: "maintenance", State.UNKNOWN: "incident, severity not known",
}
# One background per state. White text on each has a contrast ratio of at least 4.5:1 (WCAG AA).
PALETTE = {
    State.OPERATIONAL: "#1b5e20", State.DEGRADED: "#7a4a00", State.PARTIAL_OUTAGE: "#9a3412",
    State.MAJOR_OUTAGE: "#b71c1c", State.MAINTENANCE: "#1e40af", State.UNKNOWN: "#424242",
}
LABEL_COLOUR = "#333333"  # the neutral left half of the badge
