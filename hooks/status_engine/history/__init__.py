"""The incident history the site keeps itself: `model` (the records), `codec` (an entry as JSON),
`merge` (the rules each build applies), `store` (the history.json file), `stats` (day bars and
uptime). The page that shows it is pages/history.py."""
