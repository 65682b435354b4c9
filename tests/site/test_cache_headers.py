"""The cache rules in `_headers`, checked against a real build's file list with the matching rules
of Cloudflare Pages (every matching rule applies; tests/cdnserver.py).

Hashed assets are cached for a year and never revalidated; everything a rebuild changes is cached
for less than one rebuild interval, and no cached copy outlives the point where status.js would call
its reading out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from cdnserver import (HASHED, HeadersFileError, cache_control_values, headers_for, load_rules,
                       matching_rules, parse_headers)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflows"))
import workflow_checks

IMMUTABLE = "public, max-age=31536000, immutable"
# What a rebuild changes: it must be short-lived and revalidated.
REBUILT = re.compile(r"(?:\.html|\.json|\.atom|\.svg|^sitemap\.xml|^assets/status\.(?:css|js))$")


def served_paths(site: Path) -> dict[str, str]:
    """URL path -> file, for every file a host serves (a folder's index.html under both names)."""
    paths = {}
    for file in sorted(p for p in site.rglob("*") if p.is_file() and p.name != "_headers"):
        rel = file.relative_to(site).as_posix()
        paths["/" + rel] = rel
        if file.name == "index.html":
            paths["/" + rel.removesuffix("index.html")] = rel
    return paths


def rebuild_interval_seconds() -> int:
    """The longest gap between the deploy workflow's scheduled rebuilds."""
    cron = workflow_checks.load(workflow_checks.DEPLOY)["on"]["schedule"][0]["cron"]
    minutes = sorted(workflow_checks.cron_minutes(cron.split()[0]))
    pairs = zip(minutes, minutes[1:] + minutes[:1], strict=True)
    return 60 * max((b - a) % 60 or 60 for a, b in pairs)


def stale_after_seconds(project: Path) -> int:
    """extra.status.max_age_minutes: when status.js marks a reading out of date (default 60)."""
    found = re.search(r"^\s+max_age_minutes:\s*(\d+)", (project / "mkdocs.yml").read_text(), re.M)
    return 60 * int(found.group(1) if found else 60)


@pytest.fixture(scope="module")
def site(offline_build) -> Path:
    return offline_build.site


def test_headers_file_is_published_and_parses(site):
    rules = load_rules(site)
    assert rules, "site/_headers has no rules"
    assert all(rule.headers for rule in rules)


@pytest.mark.parametrize(("text", "complaint"), [
    ("  Cache-Control: no-store\n", "before any path"),
    ("/a\n/b\n  Cache-Control: no-store\n", "has no header lines"),
    ("/a\n", "has no header lines"),
    ("/a\n  Cache-Control no-store\n", "Name: value"),
    ("/a\n  Cache Control: no-store\n", "Name: value"),
    ("/a\n  Cache-Control:\n", "Name: value"),
    ("a/b\n  Cache-Control: no-store\n", "starts with a path"),
    ("/a/*/b/*\n  Cache-Control: no-store\n", "more than one *"),
    ("/a\n  X-Long: " + "x" * 2000 + "\n", "longer than"),
    ("".join(f"/r{i}\n  X-N: {i}\n" for i in range(101)), "more than the 100"),
])
def test_the_parser_refuses_what_a_host_would_refuse(text, complaint):
    with pytest.raises(HeadersFileError, match=re.escape(complaint)):
        parse_headers(text)


CLOUDFLARE_EXAMPLE = """\
# This is a comment
/secure/page
  X-Frame-Options: DENY
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer

/static/*
  Access-Control-Allow-Origin: *
  X-Robots-Tag: nosnippet

/*
  X-Robots-Tag: noindex
"""


@pytest.mark.parametrize(("path", "expected"), [
    ("/secure/page", {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                      "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}),
    ("/static/styles.css", {"Access-Control-Allow-Origin": "*",
                            "X-Robots-Tag": "nosnippet, noindex"}),
    ("/home", {"X-Robots-Tag": "noindex"}),
    ("/secure/page/more", {"X-Robots-Tag": "noindex"}),
])
def test_rules_combine_as_cloudflare_documents(path, expected):
    """Cloudflare's own example (its host-specific https:// rule written as /*), and its result
    table."""
    assert headers_for(parse_headers(CLOUDFLARE_EXAMPLE), path) == expected


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("/movies/:title", "/movies/up", True),
    ("/movies/:title", "/movies/up/cast", False),
    ("/assets/javascripts/bundle.*.min.js", "/assets/javascripts/bundle.a5f9d56c.min.js", True),
    ("/assets/javascripts/bundle.*.min.js", "/assets/javascripts/bundle.a5f9d56c.min.js.map",
     False),
    ("/*/", "/", False),
    ("/*/", "/about/", True),
])
def test_patterns_match_like_the_hosts(pattern, path, matches):
    assert parse_headers(f"{pattern}\n  X-A: 1\n")[0].matches(path) is matches


def test_hashed_assets_are_immutable_and_nothing_else_is(site):
    rules = load_rules(site)
    paths = served_paths(site)
    hashed = [p for p in paths if HASHED.search(p)]
    assert len(hashed) >= 4, f"expected Material's hashed bundles in the build, found {hashed}"
    for path in paths:
        value = headers_for(rules, path).get("Cache-Control", "")
        if HASHED.search(path):
            assert value == IMMUTABLE, f"{path}: {value!r}"
        else:
            assert "immutable" not in value, f"{path} is not fingerprinted but gets {value!r}"


def test_no_path_gets_cache_control_from_two_rules(site):
    """Cloudflare would join both values into one contradictory header."""
    rules = load_rules(site)
    for path in served_paths(site):
        setting = [r.pattern for r in matching_rules(rules, path)
                   if any(name.lower() == "cache-control" for name, _ in r.headers)]
        assert len(setting) <= 1, f"{path}: Cache-Control from {setting}"


def test_what_a_rebuild_changes_is_short_lived_and_revalidated(site, offline_build):
    rules = load_rules(site)
    interval = rebuild_interval_seconds()
    stale_after = stale_after_seconds(offline_build.project)
    rebuilt = [p for p, rel in served_paths(site).items() if REBUILT.search(rel)]
    for must in ("/", "/index.html", "/status.json", "/history.json", "/history.atom",
                 "/assets/status.css", "/assets/status.js", "/about/"):
        assert must in rebuilt
    for path in rebuilt:
        value = headers_for(rules, path).get("Cache-Control")
        assert value, f"{path} gets no Cache-Control from _headers"
        cc = cache_control_values(value)
        assert "immutable" not in cc and "no-store" not in cc, f"{path}: {value}"
        assert 0 < cc.get("max-age", 0) <= interval, f"{path}: max-age over the rebuild interval"
        assert cc.get("stale-while-revalidate") and cc.get("stale-if-error"), f"{path}: {value}"
        # A copy leaves every cache before its reading can pass the out-of-date point, as long as
        # the rebuilds run on time (when they don't, the page's own time says so).
        longest = cc["max-age"] + max(cc["stale-while-revalidate"], cc["stale-if-error"])
        assert longest + interval <= stale_after, f"{path}: a cached copy could outlive its reading"
