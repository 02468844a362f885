"""`python -m summarizer`."""

from .cli import main

raise SystemExit(main())
