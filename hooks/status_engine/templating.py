"""Compiled templates kept between builds, so each template is compiled once, not once a build.

Compiling the engine's four templates is most of the status hook's fixed cost (about 100 ms of
a 0.5 s build; tests/bench/bench_status.py). Jinja's FileSystemBytecodeCache keeps the compiled
code in a folder of the user's own (`$TMPDIR/_jinja2-cache-<uid>`, mode 0700, checked), keyed by
the template's name and checked against its source and the Python version, so a changed
template or interpreter is compiled afresh. A cache that cannot be read or written costs only
the compile: it never fails a build.
"""

from __future__ import annotations

import pickle

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
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass  # full disk or read-only folder: the next build compiles again


def bytecode_cache(directory: str | None = None) -> QuietBytecodeCache | None:
    """The cache in `directory` (default: Jinja's per-user temp folder); None if there is none
    safe to use, and templates are compiled every time, as without a cache."""
    try:
        return QuietBytecodeCache(directory)
    except (OSError, RuntimeError):
        return None
