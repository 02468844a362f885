"""Story tracking on hand-labelled Multi-News clusters: are later-only facts told as new?

Run: `make bench-tracking` (or `.venv/bin/python -m bench.tracking [--limit N] [--max-words N]`).
Reads ../shared/data/fusion/dev.jsonl (facts labelled by hand, with the articles carrying each)
and ../shared/data/multinews/validation.jsonl. Each labelled cluster's articles are split by
their order into an earlier half (the first n // 2) and a later half; each half is fused into a
digest, and the later digest is marked against the earlier one (`summarizer.track`). A fact
whose carriers are all in the later half is *later-only*: a sentence stating it (the data's own
`states`) should be marked new. A fact carried by both halves is old news: a sentence stating
it should not be.

Measures, over the facts the later digest states:
- new found: share of later-only facts that a sentence marked new states;
- old as new: share of facts both halves carry that a sentence marked new states.
Also how often the later half is taken to continue its own earlier half (same event), and how
often it is taken to continue another cluster's earlier half (a different event: a false match).

Systems: ours, comparing with the earlier digest and its articles (as `--since` a saved digest
does); ours against the earlier digest's sentences alone; and two naive peers: everything in
the later digest is new, and a sentence is old only when the earlier half has it word for word.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from bench._data import labelled_fusion

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# A system marks each later digest sentence new (True) or told before (False).
Marker = Callable[[Any, Any, list[str]], list[bool]]


def _halves(cluster: dict[str, Any]) -> int:
    """How many of the cluster's articles (in order) make the earlier half."""
    return len(cluster["articles"]) // 2


def _fuse(texts: Sequence[str], budget: int) -> Any:
    from summarizer.ingest import articles_from_records
    from summarizer.pipeline import fuse_articles

    articles = articles_from_records([{"text": t} for t in texts], where="bench")
    return fuse_articles(articles, max_words=budget)


def _ours(tracker: Any, *, with_articles: bool) -> Marker:
    def mark(earlier: Any, later: Any, earlier_sentences: list[str]) -> list[bool]:
        if not with_articles:
            earlier = replace(earlier, sources=[replace(s, text="") for s in earlier.sources])
        story = replace(later, sentences=[replace(s) for s in later.sentences])
        tracker.mark(earlier, story)
        return [s.new for s in story.sentences]

    return mark


def _everything(earlier: Any, later: Any, earlier_sentences: list[str]) -> list[bool]:
    return [True for _ in later.sentences]


def _exact(earlier: Any, later: Any, earlier_sentences: list[str]) -> list[bool]:
    told = {_words(s) for s in [*earlier_sentences, *(s.text for s in earlier.sentences)]}
    return [_words(s.text) not in told for s in later.sentences]


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def main(argv: Sequence[str] | None = None) -> int:
    """Fuse each labelled cluster's halves, mark the later one, print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-words", type=int, default=120, help="word budget per digest")
    parser.add_argument("--limit", type=int, help="only the first N labelled clusters")
    args = parser.parse_args(argv)

    labelled = labelled_fusion()
    if labelled is None:
        return 0
    score, labels, clusters = labelled
    ids = list(labels)[: args.limit] if args.limit else list(labels)

    from summarizer.config import Settings
    from summarizer.sentences import split_text
    from summarizer.track import Tracker

    tracker = Tracker(Settings())
    systems: list[tuple[str, Marker]] = [
        ("ours (digest + articles)", _ours(tracker, with_articles=True)),
        ("ours (digest only)", _ours(tracker, with_articles=False)),
        ("everything new", _everything),
        ("exact sentence match", _exact),
    ]
    started = time.perf_counter()
    pairs: list[tuple[str, Any, Any, list[str]]] = []
    for cid in ids:
        texts = [a["text"] for a in clusters[cid]["articles"]]
        cut = _halves(clusters[cid])
        earlier, later = _fuse(texts[:cut], args.max_words), _fuse(texts[cut:], args.max_words)
        pairs.append((cid, earlier, later, [s for t in texts[:cut] for s in split_text(t)]))
    fused = time.perf_counter() - started

    same = sum(tracker.relate(e, lt).continues for _, e, lt, _ in pairs)
    crossed = sum(
        tracker.relate(pairs[i][1], pairs[(i + 1) % len(pairs)][2]).continues
        for i in range(len(pairs))
    )
    print(f"{len(pairs)} labelled clusters, each split into an earlier and a later half by order")
    print(f"fused both halves in {fused:.0f} s ({args.max_words} words per digest)")
    print(
        f"continues its own earlier half: {same}/{len(pairs)}; "
        f"another cluster's (a false match): {crossed}/{len(pairs)}"
    )
    print(f"{'system':<26} {'new found':>10} {'old as new':>11} {'later-only':>11} {'both':>6}")
    for name, marker in systems:
        found = later_only = wrong = both = 0
        for cid, earlier, later, earlier_sentences in pairs:
            cut = _halves(clusters[cid])
            marks = marker(earlier, later, earlier_sentences)
            for fact in labels[cid]["facts"]:
                stating = [i for i, s in enumerate(later.sentences) if score.states(s.text, fact)]
                if not stating:
                    continue
                carriers = set(fact["carriers"])
                told_new = any(marks[i] for i in stating)
                if min(carriers) > cut:
                    later_only += 1
                    found += told_new
                elif max(carriers) > cut:
                    both += 1
                    wrong += told_new
        print(
            f"{name:<26} {found / max(later_only, 1):>10.3f} {wrong / max(both, 1):>11.3f} "
            f"{later_only:>11} {both:>6}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
