"""The name hooks/status_banner.py imports today (`from status_engine import sharecard`); the
module is outputs/sharecard.py. Remove with the hook's retyping (issue 12, part 4), when it
imports that."""

from .outputs.sharecard import FILENAME, HEIGHT, WIDTH, Card, card_for, image_url, write

__all__ = ["FILENAME", "HEIGHT", "WIDTH", "Card", "card_for", "image_url", "write"]
