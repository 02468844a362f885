"""Fact-level fusion on hand-labelled Multi-News clusters: this pipeline, lead, an older commit.

Run: `make bench-fusion` (or `.venv/bin/python -m bench.fusion [--max-words 120 250]
[--baseline-ref REF]`). Reads ../shared/data/fusion/dev.jsonl (facts labelled by hand, with
the outlets carrying each) and ../shared/data/multinews/validation.jsonl, fuses every labelled
cluster, and scores the outputs with the data's own scorer (`fusion/score.py`): pyramid recall,
all/two carriers cited, wrong citations, redundant facts, dangling openers. One table, one row
per system and budget.

`--baseline-ref` runs `python -m summarizer fuse --jsonl` from a git worktree of that commit
(the pipeline before a change) with this virtual environment; its outputs are cached per commit
under the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench._data import REPO_ROOT, labelled_fusion

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MEASURES = (
    ("pyramid_recall", "pyramid"),
    ("multi_fact_recall", "multi"),
    ("all_carriers_cited", "all-cited"),
    ("two_carriers_cited", "two-cited"),
    ("single_exact_cite", "single"),
    ("wrong_citations", "wrong"),
    ("redundant_facts", "redund"),
    ("dangling_openers", "dangl"),
)

Output = dict[str, Any]  # the `fuse --jsonl` output contract
System = Callable[[list[dict[str, Any]], int], list[Output]]


def _records(labels: dict[str, Any], clusters: dict[str, Any]) -> list[dict[str, Any]]:
    """`fuse --jsonl` input records for the labelled clusters (noisy articles kept, in order)."""
    return [
        {"id": cid, "articles": [{"text": a["text"]} for a in clusters[cid]["articles"]]}
        for cid in labels
    ]


def _ours(records: list[dict[str, Any]], budget: int) -> list[Output]:
    from summarizer.config import Settings
    from summarizer.ingest import articles_from_records
    from summarizer.pipeline import fuse_articles

    settings = Settings()
    out: list[Output] = []
    for record in records:
        started = time.perf_counter()
        articles = articles_from_records(record["articles"], where=record["id"])
        digest = fuse_articles(articles, settings, max_words=budget)
        out.append(
            {
                "id": record["id"],
                "sentences": [
                    {"text": s.text, "citations": s.source_ids} for s in digest.sentences
                ],
                "seconds": time.perf_counter() - started,
            }
        )
    return out


def _lead(records: list[dict[str, Any]], budget: int) -> list[Output]:
    """First sentences round-robin, each citing its own article."""
    from summarizer.sentences import split_text

    out: list[Output] = []
    for record in records:
        split = [split_text(a["text"]) for a in record["articles"]]
        chosen: list[dict[str, Any]] = []
        words = 0
        for rank in range(max((len(s) for s in split), default=0)):
            for n, sentences in enumerate(split, 1):
                if rank < len(sentences) and words < budget:
                    chosen.append({"text": sentences[rank], "citations": [n]})
                    words += len(sentences[rank].split())
        out.append({"id": record["id"], "sentences": chosen})
    return out


def _at_ref(ref: str) -> System:
    """The pipeline of another commit, run from a temporary worktree with this environment."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", ref],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    cache = Path(tempfile.gettempdir()) / f"newsdigest-fusion-{commit}"

    def run(records: list[dict[str, Any]], budget: int) -> list[Output]:
        out_path = cache / f"out-{budget}.jsonl"
        if not out_path.exists():
            tree = cache / "tree"
            if not tree.exists():
                cache.mkdir(parents=True, exist_ok=True)
                subprocess.run(
                    ["git", "worktree", "add", "--detach", str(tree), commit],
                    cwd=REPO_ROOT, check=True, capture_output=True,
                )  # fmt: skip
            in_path = cache / "in.jsonl"
            in_path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            subprocess.run(
                [sys.executable, "-m", "summarizer", "fuse", "--jsonl", str(in_path),
                 "--out", str(out_path), "--max-words", str(budget)],
                cwd=tree, check=True,
            )  # fmt: skip
        lines = out_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Fuse the labelled clusters with each system and print one table of the scorer's measures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-words", type=int, nargs="+", default=[120, 250])
    parser.add_argument("--baseline-ref", help="git ref of the pipeline to compare with")
    parser.add_argument("--save", type=Path, help="write this pipeline's outputs here (JSONL)")
    args = parser.parse_args(argv)

    labelled = labelled_fusion()
    if labelled is None:
        return 0
    score, labels, clusters = labelled
    records = _records(labels, clusters)

    systems: list[tuple[str, System]] = [("ours", _ours), ("lead (round-robin)", _lead)]
    if args.baseline_ref:
        systems.append((f"pipeline at {args.baseline_ref}", _at_ref(args.baseline_ref)))

    facts = sum(len(v["facts"]) for v in labels.values())
    print(f"{len(records)} labelled clusters, {facts} facts")
    header = f"{'system':<24} {'words':>5} " + " ".join(f"{short:>9}" for _, short in MEASURES)
    print(header + f" {'median s':>9}")
    for rank, budget in enumerate(args.max_words):
        for name, system in systems:
            outputs = system(records, budget)
            if name == "ours" and args.save:
                args.save.write_text("".join(json.dumps(o) + "\n" for o in outputs), "utf-8")
            result = score.score(labels, clusters, {o["id"]: o for o in outputs}, budget)
            # Later budgets reuse the embeddings of the first: only its time is a time.
            seconds = [o["seconds"] for o in outputs if "seconds" in o] if rank == 0 else []
            timing = f"{statistics.median(seconds):>9.2f}" if seconds else f"{'-':>9}"
            cells = " ".join(f"{result[key]:>9.3f}" for key, _ in MEASURES)
            print(f"{name:<24} {budget:>5} {cells} {timing}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
