"""Calibrate the abstention of follow-up answers: the weight and threshold in qa/confidence.py.

Run: `.venv/bin/python -m bench.qa_calibrate [--data PATH]`.

Two question sets, so the result is not fitted to one kind of question:
- realtimeqa dev (news-quiz questions with real retrieved articles; skipped when absent);
- the fictional stories of tests/fixtures/qa (short follow-up style questions).
In each, a question paired with its own articles, when they hold the answer, should be
answered; the same question paired with another question's articles (another story) should
abstain. For each weight w, confidence = w * cosine + (1 - w) * coverage (see
`qa.question_confidence`); the script prints precision and recall of abstention per threshold,
and picks the threshold with the best balanced accuracy among those keeping precision >= the
target on every set (ties: the lower threshold, which answers more).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench.qa import DATA, holds, load, mismatched, sources_of

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "qa" / "stories.json"
PRECISION_TARGET = 0.9
WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7)
THRESHOLDS = tuple(round(0.20 + 0.01 * k, 2) for k in range(36))


def _scores(question: str, sources: list[Any]) -> tuple[float, float] | None:
    """(cosine, coverage) of the best evidence, or None when nothing is retrieved at all."""
    from summarizer.qa import build_index, question_confidence

    return question_confidence(question, build_index(sources))


def realtimeqa(path: Path) -> tuple[list[Any], list[Any]] | None:
    if not path.exists():
        print(f"realtimeqa skipped: {path} is absent")
        return None
    items = load(path)
    answerable = [
        _scores(i.question, sources_of(i.articles))
        for i in items
        if any(holds(a, i.gold) for a in i.articles)
    ]
    other = [_scores(i.question, sources_of(arts)) for i, arts in mismatched(items)]
    return answerable, other


def fixtures() -> tuple[list[Any], list[Any]]:
    from summarizer.models import Source

    stories = json.loads(FIXTURES.read_text(encoding="utf-8"))["stories"]
    answerable, other = [], []
    for story in stories:
        for q in story["questions"]:
            answerable.append(_scores(q["q"], [Source(**s) for s in story["sources"]]))
            for foreign in stories:
                if foreign is not story:
                    other.append(_scores(q["q"], [Source(**s) for s in foreign["sources"]]))
    return answerable, other


def _rates(
    answerable: list[Any], other: list[Any], w: float, t: float
) -> tuple[float, float, float]:
    """(precision, recall, answer rate) of abstaining at threshold t; None scores abstain."""

    def abstains(s: Any) -> bool:
        return s is None or w * s[0] + (1 - w) * s[1] < t

    hit = sum(abstains(s) for s in other)
    wrong = sum(abstains(s) for s in answerable)
    precision = hit / max(1, hit + wrong)
    return precision, hit / max(1, len(other)), 1 - wrong / max(1, len(answerable))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    sets = {"fixtures": fixtures()}
    real = realtimeqa(args.data)
    if real is not None:
        sets["realtimeqa"] = real
    for name, (answerable, other) in sets.items():
        print(f"{name}: {len(answerable)} answerable pairs, {len(other)} mismatched pairs")
    best: tuple[float, float, float] | None = None  # (balanced accuracy, -threshold, weight)
    for w in WEIGHTS:
        for t in THRESHOLDS:
            rates = {n: _rates(a, o, w, t) for n, (a, o) in sets.items()}
            if any(p < PRECISION_TARGET for p, _, _ in rates.values()):
                continue
            balanced = sum((r + answered) / 2 for _, r, answered in rates.values()) / len(rates)
            if best is None or (balanced, -t) > best[:2]:
                best = (balanced, -t, w)
    if best is None:
        print(f"no weight and threshold keep abstention precision >= {PRECISION_TARGET}")
        return 1
    _, neg_t, w = best
    t = -neg_t
    print(f"\nchosen: W_CONFIDENCE_DENSE = {w}, ABSTAIN_THRESHOLD = {t}")
    for name, (answerable, other) in sets.items():
        print(
            f"  {name:10}",
            "  ".join(
                f"t={tt:.2f} P={p:.2f} R={r:.2f} answered={a:.2f}"
                for tt in (t - 0.05, t, t + 0.05)
                for p, r, a in [_rates(answerable, other, w, tt)]
            ),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
