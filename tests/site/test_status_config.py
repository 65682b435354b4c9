"""The operator's side of the status hook: config errors, environment overrides, serve.

One schema (hooks/status_engine/settings.py) checks `extra.status` and `extra.status_live` for
both the build and the command line, so each mistake reads the same through either. The table
below runs every key through both paths in-process (the hook's on_config on a loaded MkDocs
config, the CLI's main); two real builds show the line MkDocs prints.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

import status_banner
from sitebuild import FIXTURES, ROOT, run_build, set_status
from status_engine import cli
from status_engine.settings import LIVE, STATUS, Setting


def _wrong_type(s: Setting) -> object:
    return 5 if isinstance(s.default, (tuple, str)) else "soon"


def _out_of_range(s: Setting) -> list[object]:
    """Values of the right type that the setting's rule refuses."""
    if isinstance(s.default, bool):
        return [1, "true"]  # a number and a string are not YAML's true or false
    if isinstance(s.default, (int, float)):
        return [s.rule.low - 1, s.rule.high + 1]
    if s.rule.min_items:
        return [[]]
    if s.rule.urls:
        return [["http://example.com/status.json"]]
    if s.rule.https_page:
        return ["javascript:alert(1)"]
    return [""] if isinstance(s.default, str) else []  # a list of any text is fine


CASES = [
    pytest.param(section, {s.name: value}, s.key, id=f"{s.name}={value!r}")
    for section in (STATUS, LIVE) for s in section.settings
    for value in [_wrong_type(s), *_out_of_range(s)]
] + [
    # A misspelt key: refused (MkDocs alone would only warn), with the likely key named.
    pytest.param(section, {s.name[:-1]: s.default}, f"{section.key}.{s.name[:-1]}",
                 id=f"unknown {s.name[:-1]}")
    for section in (STATUS, LIVE) for s in section.settings
] + [
    pytest.param(STATUS, "ChatGPT", STATUS.key, id="status not a mapping"),
    pytest.param(LIVE, [10], LIVE.key, id="status_live not a mapping"),
]


@pytest.fixture(scope="module")
def mkdocs_config() -> MkDocsConfig:
    return load_config(config_file=str(ROOT / "mkdocs.yml"))


def _build_message(config: MkDocsConfig, section_name: str, raw: object) -> str:
    """What the build says: the hook's on_config with `raw` under extra.<section_name>."""
    saved = copy.deepcopy(dict(config.extra))
    config.extra[section_name] = raw
    try:
        status_banner.on_config(config)
    except PluginError as exc:
        return str(exc)
    finally:
        config.extra.clear()
        config.extra.update(saved)
    raise AssertionError(f"the build accepted extra.{section_name}: {raw!r}")


def _cli_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], section_name: str,
                 raw: object) -> str:
    """What `python -m hooks.status_engine check` prints for the same mkdocs.yml."""
    config = tmp_path / "mkdocs.yml"
    config.write_text(yaml.safe_dump({"extra": {section_name: raw}}), encoding="utf-8")
    assert cli.main(["--config", str(config), "check"]) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("section, raw, key", CASES)
def test_each_mistake_reads_the_same_in_the_build_and_the_cli(
        mkdocs_config, tmp_path, capsys, section, raw, key):
    name = section.key.removeprefix("extra.")
    built = _build_message(mkdocs_config, name, raw)
    printed = _cli_message(tmp_path, capsys, name, raw)
    found = re.fullmatch(rf"Config value '{re.escape(key)}': (.+)", built)
    assert found, built
    problem = found.group(1)
    assert printed == f"error: {key}: {problem}\n"
    assert "\n" not in problem
    # The fix is named: a "Fix:" or, for a refused URL, what to use instead.
    assert "Fix: " in problem or "; use https://" in problem


def test_a_misspelt_key_names_the_one_meant(mkdocs_config):
    message = _build_message(mkdocs_config, "status", {"scope_grups": ["ChatGPT"]})
    assert message.startswith("Config value 'extra.status.scope_grups': unknown setting. Fix: "
                              "did you mean scope_groups? The settings are sources, ")


def test_the_mkdocs_config_classes_declare_the_engines_settings_in_its_order():
    for config_class, section in ((status_banner.StatusConfig, STATUS),
                                  (status_banner.LiveConfig, LIVE)):
        schema = dict(config_class._schema)
        assert tuple(schema) == section.names
        assert all(schema[s.name].default == s.default for s in section.settings)


def test_good_values_pass_both_paths_unchanged(mkdocs_config, tmp_path):
    raw = {"deadline_seconds": 5, "sources": "https://example.org/s.json",
           "scope_components": ["abc"]}
    config = tmp_path / "mkdocs.yml"
    config.write_text(yaml.safe_dump({"extra": {"status": raw}}), encoding="utf-8")
    from_cli, _ = cli.load_settings(config)
    from_build = status_banner.StatusConfig()
    from_build.load_dict(raw)
    assert from_build.validate() == ([], [])
    assert dict(from_build) == {s.name: getattr(from_cli, s.name) for s in STATUS.settings}
    assert repr(from_cli.deadline_seconds) == "5.0"  # whole seconds become a float
    assert from_cli.sources == ("https://example.org/s.json",)  # one URL, a list of one


@pytest.mark.parametrize("key, value, problem", [
    ("deadline_seconds", "soon", "must be a number of seconds from 1 to 60, got 'soon'. Fix: "
                                 "write it like deadline_seconds: 15 (the default)."),
    ("scope_grups", ["ChatGPT"], "unknown setting. Fix: did you mean scope_groups? The settings "
                                 "are " + ", ".join(STATUS.names) + "."),
])
def test_a_real_build_stops_with_mkdocs_line_and_the_cli_says_the_same(project, capsys, key,
                                                                        value, problem):
    set_status(project, **{key: value})
    build = run_build(project)
    assert build.returncode != 0
    errors = [line for line in build.log.splitlines() if f"extra.status.{key}" in line]
    assert errors == [f"ERROR   -  Config value 'extra.status.{key}': {problem}"], build.log
    assert "Traceback" not in build.log
    assert cli.main(["--config", str(project / "mkdocs.yml"), "check"]) == 2
    assert capsys.readouterr().err == f"error: extra.status.{key}: {problem}\n"


def test_status_source_that_is_not_allowed_stops_the_build(project):
    build = run_build(project, env={"STATUS_SOURCE": "http://example.com/x", "STATUS_OFFLINE": ""})
    assert build.returncode != 0
    assert "STATUS_SOURCE: 'http://example.com/x' is not allowed" in build.log


def test_missing_summary_marker_is_a_strict_warning(project):
    index = project / "docs" / "index.md"
    index.write_text(index.read_text().replace("<!-- status:summary -->", ""))
    build = run_build(project)
    assert build.returncode != 0 and "status:summary" in build.log


def test_serve_reads_upstream_once_and_build_every_time(project, httpserver, monkeypatch):
    body = (FIXTURES / "incidentio_operational.json").read_bytes()
    httpserver.expect_request("/s").respond_with_data(body, content_type="application/json")
    monkeypatch.setenv("STATUS_SOURCE", httpserver.url_for("/s"))
    monkeypatch.delenv("STATUS_OFFLINE", raising=False)
    set_status(project, cache_dir=str(project / ".cache"))
    config = load_config(config_file=str(project / "mkdocs.yml"))

    status_banner.on_startup(command="serve", dirty=False)
    for _ in range(3):  # the first build and two reloads
        status_banner.on_config(config)
    assert len(httpserver.log) == 1

    status_banner.on_startup(command="build", dirty=False)
    status_banner.on_config(config)
    status_banner.on_config(config)
    assert len(httpserver.log) == 3
