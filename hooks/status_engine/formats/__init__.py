"""Upstream payload -> Reading. `detect` recognises the format from the body and hands it to its
parser: `incidentio`, `statuspage` or `feed` (Atom and RSS), which share `statuspage_feed`,
`text` and `shape`."""

from .detect import parse

__all__ = ["parse"]
