"""The incident history the site keeps itself: `model` (records and merge rules), `store` (the
history.json file), `stats` (day bars and uptime), `page` (the history page's HTML)."""
