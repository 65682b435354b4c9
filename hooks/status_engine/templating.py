"""The engine's one Jinja environment, for every page and output it renders, and the link check
every upstream URL passes before it becomes a link.

The environment autoescapes everything, strings included, so no upstream text can add markup.
Templates are compiled once, not once a build: compiling the engine's templates was most of
the status hook's fixed cost (about 100 ms of a 0.5 s build; tests/bench/bench_status.py).
Jinja's FileSystemBytecodeCache keeps the compiled code in a folder of the user's own
(`$TMPDIR/_jinja2-cache-<uid>`, mode 0700, checked), keyed by the template's name and checked
against its source and the Python version, so a changed template or interpreter is compiled
afresh. A cache that cannot be read or written costs only the compile: it never fails a build.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, FileSystemBytecodeCache


class QuietBytecodeCache(FileSystemBytecodeCache):
    """FileSystemBytecodeCache whose read and write errors mean "compile it again"."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        # Unreadable, or cut short (the checksum is pickled, the code marshalled): compile.
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # full disk or read-only folder: compile next time
            super().dump_bytecode(bucket)


def bytecode_cache(directory: str | None = None) -> QuietBytecodeCache | None:
    """The cache in `directory` (default: Jinja's per-user temp folder); None if there is none
    safe to use, and templates are compiled every time, as without a cache."""
    try:
        return QuietBytecodeCache(directory)
    except (OSError, RuntimeError):
        return None


_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    bytecode_cache=bytecode_cache(),
)


def environment() -> Environment:
    """The engine's one autoescaping Jinja environment."""
    return _ENV


def safe_link(url: str | None, host: str) -> str | None:
    """`url` if it is https on exactly the status host (no credentials), else None."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or parts.hostname != host or parts.username or parts.password \
            or port not in (None, 443):
        return None
    return parts.geturl()
