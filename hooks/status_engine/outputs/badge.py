"""status.svg: a shields-style badge of the verdict ("ChatGPT | operational").

A Jinja template with autoescape (templates/badge.svg), self-contained (no external
references), with a title and aria-label for screen readers.
"""

from __future__ import annotations

from ..labels import LABEL_COLOUR, PALETTE, STATES
from ..model import State
from ..templating import environment


def badge_svg(verdict: State, subject: str, freshness: str) -> str:
    """A shields-style badge: "ChatGPT | operational", readable by screen readers."""
    value = STATES[verdict].word + (" (stale)" if freshness == "stale" else "")
    label_width, value_width = _width(subject), _width(value)
    return environment().get_template("badge.svg").render(
        label=subject, value=value, label_width=label_width, value_width=value_width,
        width=label_width + value_width, label_colour=LABEL_COLOUR,
        value_colour=PALETTE[verdict]).strip() + "\n"


def _width(text: str) -> int:
    # About 7 px per character at 11 px Verdana, plus padding; the exact font is not embedded.
    return 7 * len(text) + 12
