"""Real `mkdocs build` runs of a copy of this project in a temporary folder.

A plain module (not conftest) so tests in any folder can import it by one unambiguous name.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_PARTS = ("mkdocs.yml", "docs", "hooks", "overrides")


@dataclass
class Build:
    project: Path  # the copy that was built
    site: Path
    returncode: int
    log: str  # stdout and stderr together

    def page(self, rel: str = "index.html") -> str:
        return (self.site / rel).read_text(encoding="utf-8")


def copy_project(dest: Path) -> Path:
    """A copy of the parts a build reads, so a test can change them without touching the repo."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    return dest


def run_build(project: Path, env: dict[str, str] | None = None, strict: bool = True,
              timeout: float = 120) -> Build:
    """`mkdocs build` in `project`. Offline by default so no test reaches the real status page."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_")}
    full_env.update({"STATUS_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1"})
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "mkdocs", "build", "--site-dir", "site"]
    if strict:
        cmd.append("--strict")
    proc = subprocess.run(cmd, cwd=project, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    return Build(project, project / "site", proc.returncode, proc.stdout + proc.stderr)


def set_status(project: Path, **values: object) -> None:
    """Override settings under `extra.status` in the copied mkdocs.yml."""
    path = project / "mkdocs.yml"
    text = path.read_text()
    for key, value in values.items():
        text = re.sub(rf"^    {key}:.*\n(?:      - .*\n)*", "", text, flags=re.M)
        text = text.replace("  status:\n", f"  status:\n    {key}: {json.dumps(value)}\n", 1)
    path.write_text(text)
