"""The site's own content, apart from MkDocs: the FAQ and outage data, page review dates and the
home page's "If it is down right now" block.

- `data` loads and validates `docs/data/faq.yml`, `docs/data/outages.yml` and a page's
  `reviewed:` date into frozen records; a mistake is a `DataError` whose one line names the
  entry and the fix. It imports neither MkDocs nor Jinja.
- `render` turns the records into HTML (the templates in `templates/`, autoescaped) and the
  FAQPage JSON-LD, and writes the review line and the if-down block into a page's Markdown.

`hooks/site_content.py` wires both to MkDocs events.
"""
