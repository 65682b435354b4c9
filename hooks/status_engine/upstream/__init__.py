"""Reading a status source: `fetch` decides what to ask (URL checks, redirects, retries, the
deadline), `http_exchange` does one bounded request, `request` holds what both share."""
