"""MkDocs hook: the FAQ and the outage history from YAML data files, each page's review date, and
the home page's "If it is down right now" block.

Wiring only: `content.data` loads and validates (once per build, in on_config, so a mistake in
docs/data/ stops the build with one line naming the file, the entry and the fix) and
`content.render` makes the markup. Pages ask for the data with a marker (`<!-- faq -->`,
`<!-- outages -->`); the FAQ's visible questions and its schema.org FAQPage JSON-LD come from the
same loaded entries, so the two cannot disagree.

Every page states when it was last checked against its sources (`reviewed:` in its front matter,
rendered under the title). The home page's "If it is down right now" block is operator-edited
Markdown between `<!-- if-down -->` markers in docs/index.md; the build shows it unless the status
engine's verdict is operational, and shows its `<!-- if-down:unknown -->` part only when the
verdict is unknown. Hidden parts stay in the page with the `hidden` attribute, under a stable id,
so a script refreshing the status in the browser can show them.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, cast

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from content import data, render

log = get_plugin_logger(__name__)

# Set in config.extra by hooks/status_banner.py from the engine's reading of this build.
VERDICT_KEY = "status_verdict"
HIDDEN_HEADINGS = "hidden_headings"  # page.meta key: titles of headings the build hid

# The loaded data of the current build, set by on_config.
_faq: tuple[data.Question, ...] = ()
_outages: tuple[data.Outage, ...] = ()


def on_config(config: MkDocsConfig) -> MkDocsConfig | None:
    global _faq, _outages
    docs = Path(config.docs_dir)
    shown = Path(config.config_file_path or ".").parent
    try:
        _faq = data.load_faq(docs, shown)
        _outages = data.load_outages(docs, shown)
    except data.DataError as e:
        raise PluginError(str(e)) from None
    log.info("Loaded %d FAQ entries and %d outages", len(_faq), len(_outages))
    return config


def on_page_markdown(markdown: str, /, *, page: Page, config: MkDocsConfig,
                     files: Files) -> str | None:
    try:
        reviewed = data.review_date(page.meta.get("reviewed"), datetime.date.today())
        markdown = render.with_review_line(markdown, reviewed)
        if render.IF_DOWN[0] in markdown:
            verdict = _verdict(config)
            if verdict == render.OPERATIONAL:
                # A hidden heading must not stay in the table of contents (on_page_content).
                page.meta[HIDDEN_HEADINGS] = render.if_down_headings(markdown)
            markdown = render.with_if_down_block(markdown, verdict)
    except data.DataError as e:
        raise PluginError(f"docs/{page.file.src_uri}: {e}") from None
    return markdown


def on_page_content(html: str, /, *, page: Page, config: MkDocsConfig,
                    files: Files) -> str | None:
    if render.FAQ_MARKER in html:
        html = html.replace(render.FAQ_MARKER, render.render_faq(_faq))
        # The JSON-LD goes in <head> (overrides/partials/jsonld.html): Material's instant
        # navigation re-runs scripts in the content as JavaScript, whatever their type.
        page.meta["jsonld"] = render.faq_jsonld(_faq)
        # Questions are rendered after Markdown, so add them to the page's table of contents here.
        page.toc.items.extend(AnchorLink(str(escape(q.question)), q.anchor, 2) for q in _faq)
    if render.OUTAGES_MARKER in html:
        html = html.replace(render.OUTAGES_MARKER, render.render_outages(_outages))
    hidden = page.meta.get(HIDDEN_HEADINGS)
    if hidden:
        page.toc.items[:] = _without(page.toc.items, set(hidden))
    return html


def _without(items: list[AnchorLink], titles: set[str]) -> list[AnchorLink]:
    kept = [item for item in items if item.title not in titles]
    for item in kept:
        item.children[:] = _without(item.children, titles)
    return kept


def _verdict(config: MkDocsConfig) -> str:
    extra = cast(dict[str, Any], config.extra or {})  # MkDocs declares `extra` untyped
    verdict = extra.get(VERDICT_KEY)
    if not isinstance(verdict, str):
        # Without the status hook nobody read the status: say so, as for an unknown verdict.
        log.warning("no status verdict from hooks/status_banner.py: the 'If it is down right "
                    "now' block says the status could not be read")
        return render.UNKNOWN
    return verdict
