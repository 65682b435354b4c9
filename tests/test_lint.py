"""The lint and the types, held in CI: `ruff check hooks tests` with the rules of pyproject.toml,
and `mypy --strict` on the engine ([tool.mypy] in pyproject.toml). Any finding fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_ruff_finds_nothing() -> None:
    done = run("ruff", "check", "--no-cache", "hooks", "tests")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_mypy_strict_finds_nothing_in_the_engine() -> None:
    # The files and the strictness come from [tool.mypy]; --no-incremental writes no cache.
    done = run("mypy", "--no-incremental", "--cache-dir", "/dev/null")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert done.stdout.startswith("Success: no issues found"), done.stdout
