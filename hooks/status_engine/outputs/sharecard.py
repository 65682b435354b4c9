"""The share card: a 1200 x 630 PNG of the verdict, for link previews (og:image).

Same words, colours and shapes as the banner (labels.STATES and PALETTE, the banner's icons
drawn as shapes: Pillow's built-in font has no ✓ ▲ ◆ ✕ ⚙ glyphs). The font is the
scalable one that ships inside Pillow, so nothing is downloaded at build time. The words are
also stored as PNG text chunks, so tests and tools can read what the picture says.
"""

from __future__ import annotations

import functools
import io
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urljoin

from ..labels import PALETTE, STATES
from ..model import State
from ..verdict import STALE, UNKNOWN, Status

if TYPE_CHECKING:  # Pillow itself is imported only by a build that draws the card
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont, ImageFont

FILENAME = "status-card.png"
WIDTH, HEIGHT = 1200, 630
GREY = PALETTE[State.UNKNOWN]  # the banner greys out a stale reading too
INK, PAPER = 0, 255  # grey levels while drawing: 0 is the verdict's colour, 255 is white


class Card(NamedTuple):
    """What the card says, in the order it is drawn; `alt` is all of it in one sentence."""

    verdict: State
    freshness: str
    headline: str  # "ChatGPT: Major outage"
    detail: str  # "Checked 29 Nov 2026, 19:03 UTC" or why there is no check time
    site_name: str
    colour: str
    version: str  # changes with every reading, so social caches fetch the new picture

    @property
    def alt(self) -> str:
        return f"{self.headline}. {self.detail}. {self.site_name}"


def card_for(status: Status, subject: str, site_name: str) -> Card:
    """The card's words for a Status; an unknown state gets honest words, never a guess."""
    checked = status.checked_at
    if status.freshness == UNKNOWN or checked is None:
        detail = f"Could not read the official status at {_utc(status.built_at)}"
        stamp = status.built_at
    elif status.freshness == STALE:
        detail = f"Last known reading, checked {_utc(checked)}; the latest check failed"
        stamp = checked
    else:
        detail = f"Checked {_utc(checked)}"
        stamp = checked
    colour = GREY if status.freshness != "live" else PALETTE[status.verdict]
    return Card(verdict=status.verdict, freshness=status.freshness,
                headline=f"{subject}: {STATES[status.verdict].label}", detail=detail,
                site_name=site_name, colour=colour, version=stamp.strftime("%Y%m%dT%H%MZ"))


def image_url(card: Card, site_url: str) -> str:
    """Absolute, versioned URL of the card; empty without site_url (og:image must be absolute)."""
    if not site_url:
        return ""
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", FILENAME) \
        + f"?v={card.version}"


def render_png(card: Card) -> bytes:
    """The PNG bytes. Palette mode: flat colours and anti-aliased text fit in a few KB."""
    from PIL import Image, ImageDraw  # only a build that writes the card pays for the import
    from PIL.PngImagePlugin import PngInfo

    # Every pixel is a blend of two colours (the verdict's and white): draw the blend as grey
    # levels, then map them to a two-colour gradient palette. Anti-aliasing survives, and
    # there is no colour quantizing to pay for.
    image = Image.new("L", (WIDTH, HEIGHT), INK)
    draw = ImageDraw.Draw(image)
    _shape(draw, card.verdict, centre=(180, 250), radius=110)
    x, width = 340, WIDTH - 340 - 60
    _fit_text(draw, (x, 170), card.headline, width, 72)
    _fit_text(draw, (x, 290), card.detail, width, 34, lines=2)
    draw.rectangle((0, HEIGHT - 110, WIDTH, HEIGHT), fill=PAPER)
    draw.text((60, HEIGHT - 55), card.site_name, fill=INK, anchor="lm", font=_font(40))
    image.putpalette(_gradient(card.colour), "RGB")  # mode L -> P, same pixel values
    info = PngInfo()
    info.add_text("Title", card.headline)
    info.add_text("Description", card.alt)
    out = io.BytesIO()
    # No format argument: Pillow then takes it from the name, and loads the PNG plugin alone.
    # With format="PNG" it first loads the BMP, GIF, JPEG and PPM ones too (about 5 ms).
    out.name = FILENAME
    # Level 1: about 2 ms less than the default 6 for a card of about 26 KB instead of 20 KB
    # (tests/bench/bench_sharecard.py); flat colours compress well at any level.
    image.save(out, compress_level=1, pnginfo=info)
    return out.getvalue()


def write(card: Card, site_dir: Path) -> Path:
    path = site_dir / FILENAME
    path.write_bytes(render_png(card))
    return path


def _gradient(colour: str) -> list[int]:
    """256 RGB entries from `colour` (index 0) to white (index 255)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return [round(c + (255 - c) * level / 255) for level in range(256) for c in rgb]


def _utc(value: datetime) -> str:
    return value.strftime("%-d %b %Y, %H:%M UTC")


@functools.cache
def _font(size: int) -> FreeTypeFont | ImageFont:
    from PIL import ImageFont

    return ImageFont.load_default(size=size)  # FreeType, the font Pillow ships (no download)


def _fit_text(draw: ImageDraw, at: tuple[int, int], text: str, width: int, size: int,
              lines: int = 1) -> None:
    """Draw `text` in at most `lines` lines of `width` px, shrinking the font if it must."""
    while True:
        font = _font(size)
        wrapped = _wrap(draw, text, font, width)
        if len(wrapped) <= lines or size <= 20:
            break
        size -= 4
    y = at[1]
    for line in wrapped[:lines]:
        draw.text((at[0], y), line, fill=PAPER, font=font)
        y += int(size * 1.3)


def _wrap(draw: ImageDraw, text: str, font: FreeTypeFont | ImageFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(lines[-1] + " " + word, font=font) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _shape(draw: ImageDraw, verdict: State, centre: tuple[int, int], radius: int,
           colour: int = INK) -> None:
    """The banner's icon for `verdict` (✓ ▲ ◆ ✕ ⚙ ?), drawn in the card's colour on a white disc."""
    cx, cy = centre
    r = radius
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=PAPER)
    s = r * 0.55
    if verdict is State.OPERATIONAL:  # ✓
        draw.line([(cx - s, cy), (cx - s * 0.3, cy + s * 0.7), (cx + s, cy - s * 0.7)],
                  fill=colour, width=int(r * 0.2), joint="curve")
    elif verdict is State.DEGRADED:  # ▲
        draw.polygon([(cx, cy - s), (cx + s, cy + s * 0.75), (cx - s, cy + s * 0.75)],
                     fill=colour)
    elif verdict is State.PARTIAL_OUTAGE:  # ◆
        draw.polygon([(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)], fill=colour)
    elif verdict is State.MAJOR_OUTAGE:  # ✕
        w = int(r * 0.2)
        draw.line([(cx - s, cy - s), (cx + s, cy + s)], fill=colour, width=w)
        draw.line([(cx - s, cy + s), (cx + s, cy - s)], fill=colour, width=w)
    elif verdict is State.MAINTENANCE:  # ⚙: eight teeth around a ring
        draw.regular_polygon((cx, cy, s), 8, fill=colour)
        draw.regular_polygon((cx, cy, s), 8, rotation=22.5, fill=colour)
        draw.ellipse((cx - s * 0.8, cy - s * 0.8, cx + s * 0.8, cy + s * 0.8), fill=colour)
        draw.ellipse((cx - s * 0.35, cy - s * 0.35, cx + s * 0.35, cy + s * 0.35), fill=PAPER)
    else:  # ?
        draw.text((cx, cy), STATES[verdict].icon, fill=colour, anchor="mm",
                  font=_font(int(r * 1.3)))
