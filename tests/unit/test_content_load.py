"""hooks/content/data.py on its own, without a build: loading is plain Python, and a mistake is a
DataError line naming the file (the hook turns it into the build's error as it is)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from content import data

ROOT = Path(__file__).resolve().parents[2]


def test_the_repository_data_loads_without_mkdocs():
    faq = data.load_faq(ROOT / "docs", ROOT)
    outages = data.load_outages(ROOT / "docs", ROOT)
    assert faq and all(q.sources for q in faq)
    dates = [o.date for o in outages]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1


def test_a_missing_file_is_one_line_naming_it(tmp_path):
    with pytest.raises(data.DataError) as raised:
        data.load_outages(tmp_path / "docs", tmp_path)
    assert str(raised.value) == (
        "docs/data/outages.yml: file not found. Fix: create it (README, 'Editing the FAQ and the "
        "outage history', shows the format).")


def test_an_entry_error_names_the_file_the_entry_and_the_fix(tmp_path):
    (tmp_path / "docs" / "data").mkdir(parents=True)
    (tmp_path / "docs" / "data" / "faq.yml").write_text(
        "- question: Why?\n  answr: x\n  sources: []\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"^docs/data/faq\.yml: entry 1 \('Why\?'\): "
                                             r"unknown key 'answr'\. Fix: use only question, "
                                             r"answer, sources \(check the spelling\)\.$"):
        data.load_faq(tmp_path / "docs", tmp_path)


def test_review_date_is_a_data_error():
    with pytest.raises(data.DataError, match="after today"):
        data.review_date("2026-12-01", datetime.date(2026, 11, 29))
