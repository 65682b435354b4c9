"""The compiled-template cache: compile once, recompile on change, never fail a render."""

from __future__ import annotations

import stat
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from status_engine.templating import QuietBytecodeCache, bytecode_cache


def environment(templates: Path, cache: QuietBytecodeCache | None) -> tuple[Environment, list]:
    """An environment like the engine's, and the list of templates it compiled."""
    env = Environment(loader=FileSystemLoader(templates), autoescape=True, bytecode_cache=cache)
    compiled: list[str] = []
    real = env.compile

    def counting(source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return real(source, name, filename, *args, **kwargs)

    env.compile = counting  # type: ignore[method-assign]
    return env, compiled


def one_page(tmp_path: Path, text: str) -> Path:
    """A templates folder in tmp_path holding page.html."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.html").write_text(text)
    return tmp_path / "t"


def a_build(templates: Path, cache_dir: Path) -> tuple[Environment, list]:
    """What one build gets: a fresh environment over the cache in `cache_dir`."""
    return environment(templates, bytecode_cache(str(cache_dir)))


def test_a_second_build_renders_without_compiling(tmp_path):
    templates = one_page(tmp_path, "<p>{{ word }}</p>")
    first, compiled = a_build(templates, tmp_path)
    assert first.get_template("page.html").render(word="<x>") == "<p>&lt;x&gt;</p>"
    assert compiled == ["page.html"]
    second, compiled = a_build(templates, tmp_path)
    assert second.get_template("page.html").render(word="<x>") == "<p>&lt;x&gt;</p>"
    assert compiled == []


def test_a_changed_template_is_compiled_again(tmp_path):
    templates = one_page(tmp_path, "<p>old</p>")
    a_build(templates, tmp_path)[0].get_template("page.html")
    (templates / "page.html").write_text("<p>new</p>")
    env, compiled = a_build(templates, tmp_path)
    assert env.get_template("page.html").render() == "<p>new</p>"
    assert compiled == ["page.html"]


def test_a_corrupt_cache_file_is_compiled_again(tmp_path):
    templates = one_page(tmp_path, "<p>{{ 1 + 1 }}</p>")
    a_build(templates, tmp_path)[0].get_template("page.html")
    [saved] = tmp_path.glob("__jinja2_*.cache")
    saved.write_bytes(saved.read_bytes()[:40])  # cut short, as by a full disk
    env, compiled = a_build(templates, tmp_path)
    assert env.get_template("page.html").render() == "<p>2</p>"
    assert compiled == ["page.html"]


def test_a_cache_that_cannot_be_written_costs_only_the_compile(tmp_path):
    templates = one_page(tmp_path, "<p>ok</p>")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    env, compiled = a_build(templates, not_a_folder)
    assert env.get_template("page.html").render() == "<p>ok</p>"
    assert compiled == ["page.html"]


def test_the_default_folder_is_the_users_own():
    cache = bytecode_cache()
    assert cache is not None
    mode = Path(cache.directory).stat().st_mode
    assert stat.S_IMODE(mode) == 0o700
