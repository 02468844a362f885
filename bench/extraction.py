"""Main-text extraction benchmark: token F1 on ../shared/data/extraction (181 real pages).

Run: `python -m bench.extraction [--limit N]`. Scores our `article_from_html` against each peer
installed (trafilatura favor_precision, readability-lxml) and an "everything" floor (all the
page's visible text), side by side, with each peer's version and seconds per page.

Metric, as in scrapinghub/article-extraction-benchmark but on tokens rather than shingles:
lower-cased `\\w+` tokens as a bag; per page precision = shared / predicted, recall = shared / gold;
the table gives the mean over pages and, as `microF1`, F1 of the pooled counts. A page an extractor
fails on scores 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

from bench._data import data_path

_TOKEN = re.compile(r"\w+")

Extractor = Callable[[bytes, str], str]


def tokens(text: str) -> Counter[str]:
    """Lower-cased word tokens as a bag."""
    return Counter(_TOKEN.findall((text or "").lower()))


@dataclass
class Score:
    """Running totals for one extractor."""

    name: str
    version: str
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    shared: int = 0
    predicted: int = 0
    gold: int = 0
    seconds: float = 0.0
    failures: int = 0

    def add(self, gold: str, pred: str) -> None:
        g, p = tokens(gold), tokens(pred)
        tp = sum((g & p).values())
        n_pred, n_gold = sum(p.values()), sum(g.values())
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        self.precision.append(prec)
        self.recall.append(rec)
        self.f1.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        self.shared, self.predicted, self.gold = (
            self.shared + tp,
            self.predicted + n_pred,
            self.gold + n_gold,
        )

    def row(self) -> str:
        n = max(1, len(self.f1))
        micro_p = self.shared / self.predicted if self.predicted else 0.0
        micro_r = self.shared / self.gold if self.gold else 0.0
        micro = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
        return (
            f"{self.name:<26} {self.version:<10} {sum(self.precision) / n:>9.4f} "
            f"{sum(self.recall) / n:>7.4f} {sum(self.f1) / n:>7.4f} {micro:>8.4f} "
            f"{self.seconds / n:>8.4f} {self.failures:>5d}"
        )


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _extractors() -> list[tuple[str, str, Extractor]]:
    """(name, version, function) for us and every peer that imports; missing peers are noted."""
    from summarizer.extract import article_from_html, decode_bytes

    runs: list[tuple[str, str, Extractor]] = [
        (
            "ours (article_from_html)",
            _version("newsdigest").replace("?", "dev"),
            lambda raw, url: article_from_html(raw, url=url).text,
        )
    ]
    try:
        import trafilatura

        runs.append(
            (
                "trafilatura precision",
                _version("trafilatura"),
                lambda raw, url: trafilatura.extract(raw, url=url, favor_precision=True) or "",
            )
        )
    except ImportError:
        print("note: trafilatura not installed, its row is left out")
    try:
        import lxml.html
        from readability import Document

        def readability(raw: bytes, url: str) -> str:
            summary = Document(decode_bytes(raw), url=url).summary(html_partial=True)
            return str(lxml.html.fromstring(summary).text_content())

        runs.append(("readability-lxml", _version("readability-lxml"), readability))
    except ImportError:
        print("note: readability-lxml not installed (pip install -r requirements-eval.txt)")
    try:
        import trafilatura as _traf

        runs.append(
            (
                "floor: everything",
                "-",
                lambda raw, url: _traf.html2txt(decode_bytes(raw)) or "",
            )
        )
    except ImportError:
        pass
    return runs


def main(argv: list[str] | None = None) -> int:
    """Score every extractor on the shared extraction set and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args(argv)
    root = data_path("extraction")
    if root is None:
        return 0
    records = [
        json.loads(line)
        for line in (root / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if args.limit:
        records = records[: args.limit]
    pages = [(r, gzip.decompress((root / r["html_path"]).read_bytes())) for r in records]
    # trafilatura and readability log every odd page; the table is the output here.
    logging.disable(logging.WARNING)
    scores = []
    for name, version, extract in _extractors():
        score = Score(name, version)
        for record, raw in pages:
            start = time.perf_counter()
            try:
                text = extract(raw, record["url"])
            except Exception:  # a page the extractor fails on scores zero, as in the original
                text = ""
                score.failures += 1
            score.seconds += time.perf_counter() - start
            score.add(record["article_body"], text)
        scores.append(score)
    print(f"token F1 on {len(pages)} pages of {root}")
    print(
        f"{'extractor':<26} {'version':<10} {'precision':>9} {'recall':>7} {'F1':>7} "
        f"{'microF1':>8} {'s/page':>8} {'fail':>5}"
    )
    for score in scores:
        print(score.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
