"""The engine's shape, held in CI: the import contracts of pyproject.toml, and no private name
used outside the module that defines it (README, "Developing", lists the layers)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "hooks"
ENGINE = HOOKS / "status_engine"


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(HOOKS)}
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def private_uses(path: Path) -> list[str]:
    """`from <engine module> import _name`, and `module._name` on an engine module imported by
    name: each as "file:line name"."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()  # local names bound to engine modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _is_engine(node):
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "status_engine":
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def _is_engine(node: ast.ImportFrom) -> bool:
    return node.level > 0 or (node.module or "").split(".")[0] == "status_engine"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# hooks/content (the FAQ/outage renderer) is held to the same rule as the engine.
SOURCES = (sorted(ENGINE.rglob("*.py")) + sorted((HOOKS / "content").rglob("*.py"))
           + sorted(HOOKS.glob("*.py")))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(HOOKS)))
def test_no_private_name_is_used_outside_its_module(path: Path) -> None:
    assert private_uses(path) == []


def test_the_private_name_check_sees_both_forms(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    sample = tmp_path / "sample.py"
    sample.write_text("from .templating import _ENV, safe_link\nfrom . import history\n"
                      "from status_engine import templating as r\nimport json\n"
                      "x = history._STATUSES, r._ENV, json._default_decoder, history.__name__\n")
    assert private_uses(sample) == ["sample.py:1 _ENV", "sample.py:5 history._STATUSES",
                                    "sample.py:5 r._ENV"]
