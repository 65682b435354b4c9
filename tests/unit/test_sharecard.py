"""The share card: right words for every state (read back from the PNG), right size, honest
words when nothing was read, and a URL that is absolute and changes with each reading."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from status_engine.labels import PALETTE, STATES
from status_engine.model import Reading, State
from status_engine.outputs import sharecard
from status_engine.verdict import Status

NOW = datetime(2026, 11, 29, 19, 3, 41, tzinfo=UTC)
READING = Reading(format="incidentio", source="s", fetched_at=NOW - timedelta(minutes=2))


def status(verdict: State, freshness: str) -> Status:
    return Status(verdict=verdict, freshness=freshness, built_at=NOW,
                  reading=None if freshness == "unknown" else READING)


def png_text(data: bytes) -> dict[str, str]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return dict(image.text)


@pytest.mark.parametrize("freshness", ["live", "stale", "unknown"])
@pytest.mark.parametrize("verdict", list(State), ids=lambda s: s.value)
def test_every_state_gets_a_card_with_its_words(verdict, freshness):
    card = sharecard.card_for(status(verdict, freshness), "ChatGPT", "Is ChatGPT down?")
    data = sharecard.render_png(card)
    image = Image.open(io.BytesIO(data))
    assert image.size == (1200, 630)
    assert len(data) <= 60_000, f"{len(data)} bytes"
    text = png_text(data)
    assert text["Title"] == f"ChatGPT: {STATES[verdict].label}"
    assert text["Description"] == card.alt
    assert card.alt.startswith(f"ChatGPT: {STATES[verdict].label}. ")
    assert card.alt.endswith("Is ChatGPT down?")


def test_a_live_card_says_the_check_time_in_utc_and_uses_the_banner_colour():
    card = sharecard.card_for(status(State.MAJOR_OUTAGE, "live"), "ChatGPT", "Site")
    assert card.detail == "Checked 29 Nov 2026, 19:01 UTC"
    assert card.colour == PALETTE[State.MAJOR_OUTAGE]
    rgb = Image.open(io.BytesIO(sharecard.render_png(card))).convert("RGB")
    assert rgb.getpixel((5, 5)) == (0xb7, 0x1c, 0x1c)  # the banner's major-outage red


def test_a_stale_card_says_so_and_is_grey_like_the_banner():
    card = sharecard.card_for(status(State.PARTIAL_OUTAGE, "stale"), "ChatGPT", "Site")
    assert "Last known reading" in card.detail and "latest check failed" in card.detail
    assert card.colour == sharecard.GREY


def test_unknown_freshness_says_we_could_not_read_it_with_no_invented_check_time():
    card = sharecard.card_for(status(State.UNKNOWN, "unknown"), "ChatGPT", "Site")
    assert card.headline == "ChatGPT: Status unknown"
    assert card.detail == "Could not read the official status at 29 Nov 2026, 19:03 UTC"
    assert "Checked" not in card.alt


def test_the_url_is_absolute_and_versioned_by_the_check_time():
    card = sharecard.card_for(status(State.OPERATIONAL, "live"), "ChatGPT", "Site")
    assert sharecard.image_url(card, "https://example.org/sub") == \
        "https://example.org/sub/status-card.png?v=20261129T1901Z"
    later = sharecard.card_for(Status(State.OPERATIONAL, "live", NOW, Reading(
        format="x", source="s", fetched_at=NOW)), "ChatGPT", "Site")
    assert sharecard.image_url(later, "https://example.org/") != \
        sharecard.image_url(card, "https://example.org/")
    assert sharecard.image_url(card, "") == ""


def test_each_verdict_draws_a_different_shape():
    # Colour alone must not carry the verdict: with one colour for all, the pictures still differ.
    pictures = set()
    for verdict in State:
        card = sharecard.card_for(status(verdict, "stale"), "X", "Site")
        image = Image.open(io.BytesIO(sharecard.render_png(card))).convert("L")
        pictures.add(image.crop((60, 130, 300, 370)).tobytes())
    assert len(pictures) == len(State)
