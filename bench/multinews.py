"""Summary quality and speed on Multi-News: this pipeline vs LexRank (sumy), lead and oracle.

Run: `make bench` (or `.venv/bin/python -m bench.multinews [--limit N] [--max-words 250]`).
Reads ../shared/data/multinews/validation.jsonl (junk documents included) and prints one table:
ROUGE-1/2/L (rouge-score, stemming), mean words, median and p90 seconds per cluster after model
load, embedding sentences/second, model load time and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version

from bench._data import data_path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

Summarizer = Callable[[list[str], int], str]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def _ours(settings_budget: int) -> tuple[Summarizer, dict[str, float]]:
    from summarizer.clean import clean_text
    from summarizer.config import Settings
    from summarizer.models import Article
    from summarizer.nlp import get_embedder, get_spacy
    from summarizer.pipeline import fuse_articles

    settings = Settings()
    started = time.perf_counter()
    embedder = get_embedder(settings.models)
    get_spacy(settings.models.spacy_model)
    load = time.perf_counter() - started

    def run(texts: list[str], budget: int) -> str:
        articles = [Article(text=clean_text(t)) for t in texts]
        digest = fuse_articles(articles, settings, max_words=budget)
        return " ".join(s.text for s in digest.sentences)

    del settings_budget
    return run, {"load": load, "embedder": embedder}  # type: ignore[dict-item]


def _split(text: str) -> list[str]:
    from summarizer.sentences import split_text

    return split_text(text)


def _take(sentences: Sequence[str], budget: int) -> str:
    out: list[str] = []
    words = 0
    for sentence in sentences:
        n = len(sentence.split())
        if words + n > budget:
            continue
        out.append(sentence)
        words += n
    return " ".join(out)


def _lead(texts: list[str], budget: int) -> str:
    """Round-robin first sentences of each article (the classic news baseline)."""
    per_article = [_split(t) for t in texts]
    order = [
        s
        for i in range(max(map(len, per_article), default=0))
        for a in per_article
        if i < len(a)
        for s in [a[i]]
    ]
    return _take(order, budget)


def _lexrank() -> Summarizer | None:
    try:
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError:
        print("note: sumy not installed (pip install -r requirements-eval.txt): LexRank skipped")
        return None
    import re

    class _Tokenizer:
        # sumy's own tokenizer needs NLTK data downloads; use the same splitter as ours.
        language = "english"

        @staticmethod
        def to_sentences(paragraph: str) -> list[str]:
            return _split(paragraph)

        @staticmethod
        def to_words(sentence: str) -> list[str]:
            return re.findall(r"\w+", sentence)

    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = _Tokenizer()

    def run(texts: list[str], budget: int) -> str:
        sentences = [s for t in texts for s in _split(t)]
        document = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])
        ranked = summarizer(document, len(sentences))
        rating = {str(s): i for i, s in enumerate(ranked)}
        by_rank = sorted(sentences, key=lambda s: rating.get(s, len(sentences)))
        chosen = _take(by_rank, budget)
        return chosen

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N clusters only")
    parser.add_argument("--offset", type=int, default=0, help="skip the first N clusters")
    parser.add_argument("--max-words", type=int, default=250)
    parser.add_argument("--only-ours", action="store_true", help="skip the peers")
    args = parser.parse_args(argv)

    path = data_path("multinews", "validation.jsonl")
    if path is None:
        return 0
    clusters = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    clusters = clusters[args.offset :]
    if args.limit:
        clusters = clusters[: args.limit]
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)

    ours, info = _ours(args.max_words)
    systems: list[tuple[str, Summarizer]] = [("ours", ours)]
    if not args.only_ours:
        systems.append(("lead (round-robin)", _lead))
        lexrank = _lexrank()
        if lexrank is not None:
            systems.append((f"LexRank (sumy {_pkg('sumy')})", lexrank))

    rows = []
    rss_after_ours = 0.0
    for name, system in systems:
        scores = {"rouge1": [], "rouge2": [], "rougeL": []}
        seconds: list[float] = []
        words: list[int] = []
        embedder = info["embedder"]
        embedded_before = embedder.sentences_embedded  # type: ignore[attr-defined]
        embed_seconds_before = embedder.seconds_embedding  # type: ignore[attr-defined]
        for cluster in clusters:
            texts = [a["text"] for a in cluster["articles"]]
            started = time.perf_counter()
            summary = system(texts, args.max_words)
            seconds.append(time.perf_counter() - started)
            words.append(len(summary.split()))
            reference = cluster["reference"].lstrip("–- ").strip()
            result = scorer.score(reference, summary)
            for key in scores:
                scores[key].append(result[key].fmeasure)
        row = {
            "system": name,
            "R1": 100 * statistics.mean(scores["rouge1"]),
            "R2": 100 * statistics.mean(scores["rouge2"]),
            "RL": 100 * statistics.mean(scores["rougeL"]),
            "words": statistics.mean(words),
            "median_s": statistics.median(seconds),
            "p90_s": statistics.quantiles(seconds, n=10)[-1] if len(seconds) > 1 else seconds[0],
        }
        if name == "ours":
            embedded = embedder.sentences_embedded - embedded_before  # type: ignore[attr-defined]
            spent = embedder.seconds_embedding - embed_seconds_before  # type: ignore[attr-defined]
            row["emb_per_s"] = embedded / spent if spent else 0.0
            rss_after_ours = _peak_rss_mb()
        rows.append(row)
        print(f"  done: {name}", file=sys.stderr)

    print(f"\nMulti-News validation: {len(clusters)} clusters, {args.max_words}-word budget")
    print(
        f"torch {_pkg('torch')}, transformers {_pkg('transformers')}, "
        f"rouge-score {_pkg('rouge-score')}, {os.cpu_count()} CPUs"
    )
    header = (
        f"{'system':28} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'words':>6} {'med s':>7} {'p90 s':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['system']:28} {row['R1']:6.2f} {row['R2']:6.2f} {row['RL']:6.2f} "
            f"{row['words']:6.1f} {row['median_s']:7.3f} {row['p90_s']:7.3f}"
        )
    print(
        f"\nours: model load {info['load']:.2f} s, "
        f"embedding {rows[0].get('emb_per_s', 0):.0f} sentences/s, "
        f"peak RSS {rss_after_ours:.0f} MB (after our run, before the peers)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
