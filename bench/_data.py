"""Where the shared data lives: `../shared/data` beside the repository root.

The data is never copied into the project; a benchmark that cannot find it says so and skips.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["DATA_ROOT", "data_path"]

REPO_ROOT = Path(__file__).resolve().parent.parent
# NEWSDIGEST_DATA points elsewhere (a CI cache, another checkout); the default sits beside the repo.
DATA_ROOT = Path(os.environ.get("NEWSDIGEST_DATA", REPO_ROOT.parent / "shared" / "data"))


def data_path(*parts: str, quiet: bool = False) -> Path | None:
    """The path of a shared data file or folder, or None (with a note on stderr) when absent.

    Args:
        *parts: path components under the data root, e.g. ("extraction", "articles.jsonl").
        quiet: say nothing when it is absent.

    Returns:
        The existing path, or None.

    """
    path = DATA_ROOT.joinpath(*parts)
    if path.exists():
        return path
    if not quiet:
        print(
            f"skipped: {path} is absent. The shared data sits at ../shared/data beside the "
            "repository (see its README.md), or where NEWSDIGEST_DATA points.",
            file=sys.stderr,
        )
    return None
