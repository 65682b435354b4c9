"""Shared fixtures: real `mkdocs build` runs of a copy of this project in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import FIXTURES, ROOT, Build, copy_project, run_build  # noqa: F401 (re-exported)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project for one test."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def offline_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One offline build of the unchanged project, shared by the tests that only read it."""
    build = run_build(copy_project(tmp_path_factory.mktemp("offline") / "project"))
    assert build.returncode == 0, build.log
    return build
