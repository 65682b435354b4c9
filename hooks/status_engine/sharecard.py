"""The name hooks/status_banner.py imports today (`from status_engine import sharecard`); the
module is outputs/sharecard.py. Remove once the hook imports it from there."""

from .outputs.sharecard import FILENAME, HEIGHT, WIDTH, Card, card_for, image_url, write

__all__ = ["FILENAME", "HEIGHT", "WIDTH", "Card", "card_for", "image_url", "write"]
