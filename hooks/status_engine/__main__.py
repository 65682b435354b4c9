"""`python -m hooks.status_engine`: see cli.py."""

import sys

from .cli import main

sys.exit(main())
