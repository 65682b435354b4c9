"""The engine's two error types: one for upstream, one for the operator's own settings."""


class UpstreamError(Exception):
    """Anything that went wrong reading a source: network, HTTP status, size, format, shape.

    The caller never lets it fail a build: it falls back to last-known-good or to unknown, and
    logs the message, which must say what happened in one line.
    """


class SettingsError(ValueError):
    """A wrong setting. The message starts with the key's name and says how to fix it."""
