"""Status engine: fetch an official status page, normalise it, decide a verdict, render, persist.

Knows nothing of MkDocs: `hooks/status_banner.py` adapts it to MkDocs, and the command line
(`python -m hooks.status_engine`) runs it on its own.
"""
