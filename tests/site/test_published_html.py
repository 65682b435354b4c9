"""What a web server hands out: every built file readable by it, and every page valid HTML.

The Nu HTML Checker (vnu.jar from tests/tools, run with the system Java) checks every page of two
builds: the offline one (unknown verdict, empty history) and one reading a degraded sample, so
the banner, the summary, the history bars and the incident table are all in the pages checked.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from sitebuild import FIXTURES, ROOT, Build, copy_project, run_build, set_status

VNU = ROOT / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
MATERIAL_BASE = Path(__import__("material").__file__).parent / "templates" / "base.html"
DEGRADED = "incidentio_real_2025-04-08_sora_degraded.json"


@pytest.fixture(scope="module")
def degraded_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = copy_project(tmp_path_factory.mktemp("degraded") / "project")
    shutil.copy(FIXTURES / DEGRADED, project / DEGRADED)
    set_status(project, scope_groups=["Sora"])
    build = run_build(project, env={"STATUS_SOURCE": DEGRADED, "STATUS_OFFLINE": ""})
    assert build.returncode == 0, build.log
    return build


def unreadable(site: Path) -> list[str]:
    """Files a server running as another user could not read, folders it could not enter."""
    bad = []
    for path in [site, *sorted(site.rglob("*"))]:
        mode = stat.S_IMODE(path.stat().st_mode)
        need = 0o555 if path.is_dir() else 0o444
        if mode & need != need:
            bad.append(f"{path.relative_to(site)} {mode:04o}")
    return bad


def test_every_published_file_is_world_readable(degraded_build):
    # status.json came from the engine's atomic writer, which used to leave mkstemp's 0600.
    assert (degraded_build.site / "status.json").is_file()
    assert unreadable(degraded_build.site) == []


def test_the_readability_check_finds_a_private_file(tmp_path):
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("")
    (site / "status.json").write_text("{}")
    site.chmod(0o755)
    (site / "index.html").chmod(0o644)
    (site / "status.json").chmod(0o600)
    (site / "assets").chmod(0o700)
    assert unreadable(site) == ["assets 0700", "status.json 0600"]


def nu_errors(files: list[Path]) -> tuple[list[str], list[str]]:
    """(errors, warnings) from the Nu HTML Checker, one line each: file:line: message."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.fail("the Nu HTML Checker needs Java and vnu.jar: run tests/run (or "
                    "`apt-get install -y default-jre-headless` and `npm ci --prefix tests/tools`)")
    proc = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--also-check-svg",
                           *map(str, files)], capture_output=True, text=True, timeout=300)
    messages = json.loads(proc.stderr)["messages"]
    lines = {"error": [], "info": []}
    for m in messages:
        where = f"{m.get('url', '?').rsplit('/site/', 1)[-1]}:{m.get('lastLine', '?')}"
        kind = "info" if m["type"] == "info" else "error"  # non-document-error counts as error
        lines[kind].append(f"{where}: {m['message']}")
    assert proc.returncode == (1 if lines["error"] else 0), proc.stderr[-2000:]
    return lines["error"], lines["info"]


def pages(build: Build) -> list[Path]:
    return [*sorted(build.site.rglob("*.html")), build.site / "status.svg"]


def test_every_page_has_no_nu_html_checker_error(offline_build, degraded_build):
    assert "status-history__bar" in degraded_build.page("history/index.html")
    assert "status-history__table" in degraded_build.page("history/index.html")
    found = pages(offline_build) + pages(degraded_build)
    assert len(found) >= 2 * 9, found  # at least 7 nav pages, 404 and the badge, in each build
    errors, _warnings = nu_errors(found)
    assert errors == []


def test_the_checker_reports_what_the_pages_used_to_have(tmp_path):
    """Material's checkbox autocomplete and a <style> in <body>: the errors fixed here."""
    page = tmp_path / "page.html"
    page.write_text('<!doctype html><html lang="en"><head><title>t</title></head><body><p>x</p>'
                    '<input type="checkbox" id="t" autocomplete="off"><style>p{}</style>'
                    "</body></html>")
    errors, _ = nu_errors([page])
    assert len(errors) == 2, errors
    assert "autocomplete" in errors[0] and "style" in errors[1], errors


def test_base_override_is_materials_base_without_checkbox_autocomplete():
    """overrides/base.html is a copy: after a Material upgrade, make it again from the new one."""
    ours = (ROOT / "overrides" / "base.html").read_text(encoding="utf-8")
    theirs = MATERIAL_BASE.read_text(encoding="utf-8")
    for toggle in ("drawer", "search"):
        attr = f'type="checkbox" id="__{toggle}" autocomplete="off">'
        assert theirs.count(attr) == 1, "Material's base.html changed: redo overrides/base.html"
        theirs = theirs.replace(attr, f'type="checkbox" id="__{toggle}">')
    body = lambda text: text.split("-#}\n", 1)[1]  # noqa: E731 (after the leading comment)
    assert body(ours) == body(theirs)
