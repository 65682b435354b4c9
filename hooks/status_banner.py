"""MkDocs adapter for the status engine (being written: wires events only)."""
