"""Where the shared data lives: `../shared/data` beside the repository root.

The data is never copied into the project; a benchmark that cannot find it says so and skips.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["DATA_ROOT", "data_path", "labelled_fusion"]

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


def labelled_fusion() -> tuple[ModuleType, dict[str, Any], dict[str, Any]] | None:
    """The fusion scorer (`fusion/score.py`), its hand-labelled facts and their Multi-News clusters.

    Returns:
        (the scorer module, labels by cluster id, clusters by id), or None (with a note) when
        any of the three is absent.

    """
    labels_path = data_path("fusion", "dev.jsonl")
    clusters_path = data_path("multinews", "validation.jsonl")
    scorer_path = data_path("fusion", "score.py")
    if labels_path is None or clusters_path is None or scorer_path is None:
        return None
    spec = importlib.util.spec_from_file_location("fusion_score", scorer_path)
    assert spec is not None and spec.loader is not None
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    return score, score.load(labels_path), score.load(clusters_path)
