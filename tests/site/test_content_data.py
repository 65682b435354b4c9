"""A broken FAQ or outage file stops the build with one line naming the file, the entry and the fix;
and what the hook renders from the data is escaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from sitebuild import run_build
from content.data import Question, Source
from content.render import faq_jsonld, render_faq

FAQ = "docs/data/faq.yml"
OUTAGES = "docs/data/outages.yml"


def _edit(project: Path, rel: str, change) -> None:
    """Apply `change` to the loaded list of entries and write the file back."""
    path = project / rel
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(entries)
    path.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _replace_text(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _assert_one_error_line(build, rel: str, *expected: str) -> None:
    assert build.returncode != 0, build.log
    lines = [line for line in build.log.splitlines() if rel in line]
    assert len(lines) == 1, build.log
    for part in expected:
        assert part in lines[0], lines[0]
    assert "Fix:" in lines[0]
    assert "Traceback" not in build.log


def _second(entries: list) -> dict:
    return entries[1]


FAQ_CASES = [
    ("missing answer", lambda e: _second(e).pop("answer"), ("'answer' is missing",)),
    ("answer of the wrong type", lambda e: _second(e).update(answer=["a", "list"]),
     ("'answer' must be non-empty text, not a list",)),
    ("source without a url", lambda e: _second(e)["sources"][0].pop("url"),
     ("sources item 1", "'url' is missing")),
    ("misspelt key", lambda e: _second(e).update(anwser="text"), ("unknown key 'anwser'",)),
]
OUTAGE_CASES = [
    ("missing cause", lambda e: _second(e).pop("cause"), ("'cause' is missing",)),
    ("date of the wrong type", lambda e: _second(e).update(date="last Tuesday"),
     ("'date' must be a date",)),
    ("source of the wrong type", lambda e: _second(e).update(source="https://example.org"),
     ("source must be a mapping",)),
    # An OpenAI page is a primary source; help articles live on help.openai.com.
    ("OpenAI write-up marked secondary", lambda e: _second(e)["source"].update(secondary=True),
     ("status.openai.com is OpenAI's own site", "remove 'secondary: true'")),
    ("help-lb host", lambda e: _second(e)["source"].update(
        url="https://help-lb.openai.com/en/articles/10471992"),
     ("help-lb.openai.com", "help.openai.com")),
]


@pytest.mark.parametrize("case, change, expected", FAQ_CASES,
                         ids=[c[0].replace(" ", "-") for c in FAQ_CASES])
def test_malformed_faq_entry_stops_the_build(project, case, change, expected):
    question = yaml.safe_load((project / FAQ).read_text(encoding="utf-8"))[1]["question"]
    _edit(project, FAQ, change)
    _assert_one_error_line(run_build(project), FAQ, "entry 2", question, *expected)


@pytest.mark.parametrize("case, change, expected", OUTAGE_CASES,
                         ids=[c[0].replace(" ", "-") for c in OUTAGE_CASES])
def test_malformed_outage_entry_stops_the_build(project, case, change, expected):
    title = yaml.safe_load((project / OUTAGES).read_text(encoding="utf-8"))[1]["title"]
    _edit(project, OUTAGES, change)
    _assert_one_error_line(run_build(project), OUTAGES, "entry 2", title, *expected)


@pytest.mark.parametrize("rel", [FAQ, OUTAGES])
def test_missing_data_file_stops_the_build(project, rel):
    (project / rel).unlink()
    _assert_one_error_line(run_build(project), rel, "file not found")


@pytest.mark.parametrize("rel", [FAQ, OUTAGES])
def test_yaml_syntax_error_stops_the_build(project, rel):
    _replace_text(project, rel, "\n- ", "\n- key: [unclosed\n- ")
    _assert_one_error_line(run_build(project), rel, "YAML syntax error at line")


# --- Escaping -------------------------------------------------------------------------------

HOSTILE = Question(
    question='Is <b>this</b> & "that" </script> safe?',
    answer="Line one <img src=x onerror=alert(1)>\nLine two </script><script>alert(2)</script>",
    sources=(Source(title="<i>t</i>", url='https://example.org/?a=1&b="2"', secondary=True),),
)


def test_rendered_faq_escapes_text_and_keeps_json_ld_intact():
    html = render_faq((HOSTILE,))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("b") is None and soup.find("img") is None and soup.find("i") is None
    # No script in the content: instant navigation would run it as JavaScript.
    assert soup.find_all("script") == []
    assert soup.h2.get_text().startswith(HOSTILE.question)
    assert soup.find("a", href=HOSTILE.sources[0].url)
    data = json.loads(faq_jsonld((HOSTILE,)))
    assert data["mainEntity"][0]["name"] == HOSTILE.question
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == HOSTILE.answer


def test_json_ld_has_no_characters_that_could_close_the_script():
    text = faq_jsonld((HOSTILE,))
    assert "<" not in text and ">" not in text and "&" not in text
