"""The built site: every page there, FAQ and outage data rendered, no third-party requests,
no broken internal links. All read one shared offline build (tests/conftest.py)."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.utils import yaml_load

# The status engine reports upstream trouble on its own logger, outside MkDocs' count for
# --strict, by design: an offline build cannot read the status page.
STATUS_ENGINE_LINE = re.compile(r"^WARNING\s+-\s+status: ")

# Link relations that make the browser fetch the target when the page loads.
FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect",
                 "dns-prefetch", "icon", "apple-touch-icon", "manifest", "prerender"}


def _config(build) -> dict:
    return yaml_load((build.project / "mkdocs.yml").read_text(encoding="utf-8"))


def _nav_pages(nav) -> list[str]:
    """Every Markdown path in a nav tree, in order."""
    pages: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        pages.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return pages


def _built_path(md_path: str) -> str:
    stem = md_path.removesuffix(".md")
    return "index.html" if stem == "index" else f"{stem}/index.html"


def _soup(build, rel: str) -> BeautifulSoup:
    return BeautifulSoup(build.page(rel), "html.parser")


def _html_pages(build) -> list[Path]:
    return sorted(build.site.rglob("*.html"))


def _data(build, name: str) -> list[dict]:
    return yaml.safe_load((build.project / "docs" / "data" / name).read_text(encoding="utf-8"))


def _text(tag) -> str:
    return " ".join(tag.get_text(" ").replace("\u00b6", "").split())


# --- The build ------------------------------------------------------------------------------

def test_strict_build_has_no_warnings(offline_build):
    assert offline_build.returncode == 0, offline_build.log
    warnings = [line for line in offline_build.log.splitlines()
                if line.startswith("WARNING") and not STATUS_ENGINE_LINE.match(line)]
    assert warnings == []


def test_every_nav_page_is_built_and_in_the_sitemap(offline_build):
    config = _config(offline_build)
    pages = _nav_pages(config["nav"])
    assert len(pages) >= 6
    sitemap = (offline_build.site / "sitemap.xml").read_text(encoding="utf-8")
    for md_path in pages:
        built = _built_path(md_path)
        assert (offline_build.site / built).is_file(), built
        url = config["site_url"] + built.removesuffix("index.html")
        assert f"<loc>{url}</loc>" in sitemap, url


def test_data_files_are_not_published(offline_build):
    assert not (offline_build.site / "data").exists()


def test_every_page_has_its_own_description_and_open_graph_tags(offline_build):
    config = _config(offline_build)
    for md_path in _nav_pages(config["nav"]):
        source = (offline_build.project / "docs" / md_path).read_text(encoding="utf-8")
        front = yaml.safe_load(source.split("---", 2)[1])
        soup = _soup(offline_build, _built_path(md_path))
        meta = {m.get("property") or m.get("name"): m.get("content") for m in soup.find_all("meta")}
        assert front["description"] and meta["description"] == front["description"], md_path
        assert meta["og:description"] == front["description"], md_path
        assert meta["og:url"] == soup.find("link", rel="canonical")["href"], md_path
        assert meta["og:title"] and meta["og:type"] == "website", md_path
        assert meta["og:site_name"] == config["site_name"], md_path
        assert meta["twitter:card"] == "summary_large_image", md_path  # the share card


def test_404_page_links_home_help_and_the_official_status(offline_build):
    hrefs = [a["href"] for a in _soup(offline_build, "404.html").select("article a[href]")]
    base = urlsplit(_config(offline_build)["site_url"]).path
    assert base + "." in hrefs
    assert base + "troubleshooting/" in hrefs
    assert "https://status.openai.com" in hrefs


# --- FAQ and outage history -----------------------------------------------------------------

def test_faq_page_shows_every_entry(offline_build):
    soup = _soup(offline_build, "faq/index.html")
    headings = [_text(h) for h in soup.find_all("h2")]
    paragraphs = {_text(p) for p in soup.find_all("p")}
    links = {a["href"] for a in soup.find_all("a", href=True)}
    entries = _data(offline_build, "faq.yml")
    for entry in entries:
        assert entry["question"] in headings
        for line in filter(None, (s.strip() for s in entry["answer"].splitlines())):
            assert " ".join(line.split()) in paragraphs, line
        for source in entry["sources"]:
            assert source["url"] in links
    assert "<!-- faq -->" not in offline_build.page("faq/index.html")


def test_faq_json_ld_matches_the_yaml_exactly(offline_build):
    # In <head>: Material's instant navigation would run a script in the content as JavaScript.
    scripts = _soup(offline_build, "faq/index.html").head.find_all(
        "script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    got = [(q["@type"], q["name"], q["acceptedAnswer"]["@type"], q["acceptedAnswer"]["text"])
           for q in data["mainEntity"]]
    want = [("Question", e["question"].strip(), "Answer", e["answer"].strip())
            for e in _data(offline_build, "faq.yml")]
    assert got == want


def test_outage_table_shows_every_entry(offline_build):
    rows = _soup(offline_build, "outages/index.html").select("table.outages tbody tr")
    entries = _data(offline_build, "outages.yml")
    assert len(rows) == len(entries)
    for entry in entries:
        # Two outages can share a date (November 8, 2023): the title tells their rows apart.
        same_day = [row for row in rows if row.time["datetime"] == entry["date"].isoformat()]
        row = next(r for r in same_day if " ".join(entry["title"].split()) in _text(r))
        text = _text(row)
        for key in ("title", "duration", "impact", "cause"):
            assert " ".join(entry[key].split()) in text, (entry["date"], key)
        assert row.find("a", href=entry["source"]["url"])
        assert ("secondary source" in text) == entry["source"].get("secondary", False)
    dates = [row.time["datetime"] for row in rows]
    assert dates == sorted(dates, reverse=True)


# --- Sources, review dates and the record of causes (issue 10) ------------------------------

OPENAI_INCIDENT = re.compile(r"^https://status\.openai\.com/incidents/[0-9A-Za-z]+(/write-up)?$")
NO_CAUSE = re.compile(r"no (root )?cause (has been |was )?(published|given|disclosed|named)"
                      r"|no root cause", re.IGNORECASE)


def test_every_outage_row_and_faq_answer_has_an_https_source(offline_build):
    for entry in _data(offline_build, "outages.yml"):
        assert entry["source"]["url"].startswith("https://"), entry["date"]
    for entry in _data(offline_build, "faq.yml"):
        assert any(s["url"].startswith("https://") for s in entry["sources"]), entry["question"]


def test_a_row_citing_an_openai_incident_page_is_marked_primary(offline_build):
    rows = _soup(offline_build, "outages/index.html").select("table.outages tbody tr")
    cited = [row for row in rows
             if any(OPENAI_INCIDENT.match(a["href"]) for a in row.find_all("a", href=True))]
    assert len(cited) >= 10  # the record is mostly OpenAI's own write-ups
    for row in cited:
        assert row["data-source"] == "primary", _text(row)
        assert "primary source" in _text(row) and "secondary" not in _text(row), _text(row)


def _front_matter(build, md_path: str) -> dict:
    source = (build.project / "docs" / md_path).read_text(encoding="utf-8")
    return yaml.safe_load(source.split("---", 2)[1])


def test_every_content_page_shows_a_review_date_not_in_the_future(offline_build):
    for md_path in _nav_pages(_config(offline_build)["nav"]):
        reviewed = _front_matter(offline_build, md_path).get("reviewed")
        assert isinstance(reviewed, datetime.date), md_path
        assert reviewed <= datetime.date.today(), md_path
        heading = _soup(offline_build, _built_path(md_path)).find("article").h1
        line = heading.find_next_sibling()
        assert " ".join(line.get_text().split()) == \
            f"Checked against the sources on {reviewed.isoformat()}.", md_path
        assert line.time["datetime"] == reviewed.isoformat(), md_path


def _date_phrases(day: datetime.date) -> set[str]:
    """How the pages name an outage's day: its UTC date or, in Pacific time, the day before."""
    return {f"{d.strftime('%B')} {d.day}, {d.year}"
            for d in (day, day - datetime.timedelta(days=1))}


def _sentences(build) -> list[tuple[str, str]]:
    found = []
    for page in _html_pages(build):
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article")
        if article is None:
            continue
        for block in article.find_all(["p", "li", "td", "tr"]):
            for sentence in re.split(r"(?<=[.;])\s+", _text(block)):
                found.append((page.relative_to(build.site).as_posix(), sentence))
    return found


def test_no_page_says_no_root_cause_for_an_incident_with_a_write_up(offline_build):
    written_up = [e for e in _data(offline_build, "outages.yml")
                  if OPENAI_INCIDENT.match(e["source"]["url"])]
    sentences = _sentences(offline_build)
    offenders = [(page, sentence) for e in written_up for page, sentence in sentences
                 if NO_CAUSE.search(sentence)
                 and any(phrase in sentence for phrase in _date_phrases(e["date"]))]
    assert offenders == []
    # A table row names its incident by <time>, not by a phrase: check the rows themselves too.
    rows = _soup(offline_build, "outages/index.html").select("table.outages tbody tr")
    assert [_text(r) for r in rows if r["data-source"] == "primary"
            and NO_CAUSE.search(_text(r))] == []


def test_help_articles_are_linked_on_help_openai_com(offline_build):
    hrefs = [a["href"] for page in _html_pages(offline_build)
             for a in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
             .find_all("a", href=True)]
    assert not [h for h in hrefs if "help-lb.openai.com" in h]


# --- Requests and links ---------------------------------------------------------------------

def _fetched_urls(soup: BeautifulSoup) -> list[str]:
    """Every URL the browser loads by itself: scripts, styles, fonts, images, frames, preloads."""
    urls = [t["src"] for t in soup.find_all(["script", "img", "iframe", "source", "audio",
                                             "video", "embed", "track", "input"], src=True)]
    urls += [t["data"] for t in soup.find_all("object", data=True)]
    urls += [t["poster"] for t in soup.find_all("video", poster=True)]
    for tag in soup.find_all(["img", "source"], srcset=True):
        urls += [part.split()[0] for part in tag["srcset"].split(",") if part.strip()]
    urls += [t["href"] for t in soup.find_all("link", href=True)
             if FETCHING_RELS & {r.lower() for r in t.get("rel", [])}]
    css = " ".join([t.get_text() for t in soup.find_all("style")]
                   + [t["style"] for t in soup.find_all(style=True)])
    urls += re.findall(r"url\(\s*['\"]?([^'\")\s]+)", css)
    urls += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return urls


def _is_third_party(url: str, own_host: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.hostname != own_host


def test_no_page_loads_anything_from_a_third_party_host(offline_build):
    own_host = urlsplit(_config(offline_build)["site_url"]).hostname
    pages = _html_pages(offline_build)
    assert len(pages) >= 7
    offenders = [(page.relative_to(offline_build.site).as_posix(), url)
                 for page in pages
                 for url in _fetched_urls(BeautifulSoup(page.read_text(encoding="utf-8"),
                                                        "html.parser"))
                 if _is_third_party(url, own_host)]
    assert offenders == []


def _internal_targets(soup: BeautifulSoup) -> list[str]:
    tags = soup.find_all(["a", "link"], href=True) + soup.find_all(
        ["script", "img", "iframe", "source"], src=True)
    return [t.get("href") or t.get("src") for t in tags]


def _resolve(url: str, page: PurePosixPath, site_url: str) -> str | None:
    """The site-relative file a URL points at, or None if it leaves the site or is a fragment."""
    parts = urlsplit(url)
    own = urlsplit(site_url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, data:, javascript:
    if parts.netloc and parts.netloc != own.netloc:
        return None  # an outside link: fine
    if not parts.path:
        return None  # "#anchor" on the same page
    path = unquote(parts.path)
    if path.startswith("/"):
        assert path.startswith(own.path), f"{url} is outside the site's base path {own.path}"
        target = PurePosixPath(path[len(own.path):])
    else:
        target = page.parent / path
    resolved: list[str] = []
    for part in target.parts:
        if part == "..":
            assert resolved, f"{url} climbs above the site root from {page}"
            resolved.pop()
        elif part != ".":
            resolved.append(part)
    rel = "/".join(resolved)
    if not rel:
        return "index.html"
    return rel + "/index.html" if path.endswith(("/", "/.")) else rel


def test_every_internal_link_and_asset_resolves_to_a_built_file(offline_build):
    site_url = _config(offline_build)["site_url"]
    broken = []
    for page in _html_pages(offline_build):
        rel_page = PurePosixPath(page.relative_to(offline_build.site).as_posix())
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for url in _internal_targets(soup):
            target = _resolve(url, rel_page, site_url)
            if target is None:
                continue
            path = offline_build.site / target
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append((str(rel_page), url))
    assert broken == []


@pytest.mark.parametrize("url, expected", [
    ("../faq/", "faq/index.html"),
    ("assets/x.css", "why/assets/x.css"),
    ("/is-chatgpt-down/.", "index.html"),
    ("https://example.github.io/is-chatgpt-down/about/", "about/index.html"),
    ("https://status.openai.com", None),
    ("#q-top", None),
    ("mailto:someone@example.org", None),
])
def test_link_resolver(url, expected):
    # The resolver is the link test's own logic: check it sees what it should.
    assert _resolve(url, PurePosixPath("why/index.html"),
                    "https://example.github.io/is-chatgpt-down/") == expected
