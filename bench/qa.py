"""Follow-up QA benchmark: ours vs the "top BM25 sentence" peer on realtimeqa dev.

Run: `.venv/bin/python -m bench.qa [--data PATH] [--limit N] [--dump FILE]`.

For each news-quiz question (with up to 5 retrieved real articles) it scores:
- correct: the answer contains the gold choice and none of the other choices (the system
  never sees the choices; this is how a short, precise answer is told from a vague one).
  Citation markers ("[1]") are not answer text: they are dropped before matching, so the
  choice "1" is not found in "... [1]". Also given per half of the questions (h1 / h2), so a
  gain can be seen to hold on both;
- head: the same test on what the reader takes as the answer, its short answer (the text
  before " — "), or the whole answer when none leads; "wrong" is the share of answered
  questions whose short answer names another choice and not the gold (confidently wrong);
- cites: of the correct answers, the share citing an article that contains the gold choice;
- abstention precision / recall: each question is also paired with another question's
  articles (mismatched); abstaining there is right. Precision counts abstentions on mismatched
  pairs against abstentions on matched pairs whose articles hold the gold (answerable);
  "P(all)" counts every matched abstention as wrong;
- ms per question after load (median, p90): index build + answer, caches cleared first;
- model load seconds.
Then our hard set (tests/fixtures/qa/hard.json), for both systems: questions whose evidence
holds several names and only one answers. Floor and ceiling rows give the scale: "nothing"
answers nothing, "ceiling" is the share of questions whose articles hold the gold anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "realtimeqa" / "dev.jsonl"


def tokens(text: str) -> list[str]:
    """Folded word tokens used to match choices: case, quotes and digit commas ignored."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return re.findall(r"[a-z0-9]+", text)


_MARKERS = re.compile(r"\[\d+\]")


def answer_text(answer: str) -> str:
    """The answer without its citation markers, which are not part of what it says."""
    return _MARKERS.sub(" ", answer)


def contains(text: str, phrase: str) -> bool:
    """True when the phrase's tokens occur contiguously in the text's tokens."""
    hay, needle = tokens(text), tokens(phrase)
    if not needle:
        return False
    n = len(needle)
    return any(hay[i : i + n] == needle for i in range(len(hay) - n + 1))


@dataclass
class Item:
    id: str
    question: str
    choices: list[str]
    gold: str
    articles: list[dict[str, str]]


def load(path: Path) -> list[Item]:
    """Questions of realtimeqa dev; `retrieved_docs` may be a list or a Python-literal string."""
    import ast

    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        docs: Any = row.get("retrieved_docs") or []
        if isinstance(docs, str):
            docs = ast.literal_eval(docs) if docs.strip() else []
        gold = row["choices"][row["answer_index"][0]]
        items.append(Item(row["id"], row["question"], row["choices"], gold, list(docs or [])))
    return items


def sources_of(articles: list[dict[str, str]]) -> list[Any]:
    """The sources `ask --jsonl` makes of the same records (cleaned text, dates from URLs)."""
    from summarizer.ingest import articles_from_records
    from summarizer.models import Source

    records = articles_from_records(articles, where="bench")
    return [Source.of_article(i, a) for i, a in enumerate(records, 1)]


def holds(article: dict[str, str], gold: str) -> bool:
    return contains(f"{article.get('title') or ''}\n{article.get('text') or ''}", gold)


def mismatched(items: list[Item]) -> list[tuple[Item, list[dict[str, str]]]]:
    """Each question with the articles of a question half the set away, never holding its gold."""
    pairs = []
    n = len(items)
    for i, item in enumerate(items):
        for step in range(n // 2, n // 2 + n):
            other = items[(i + step) % n]
            if other is item or not other.articles:
                continue
            if any(holds(a, item.gold) for a in other.articles):
                continue
            pairs.append((item, other.articles))
            break
    return pairs


@dataclass
class Result:
    answer: str
    citations: list[int]
    answered: bool
    seconds: float
    head: str | None = None  # the short answer that leads, if any


def head_of(result: Result) -> str:
    """What the reader takes as the answer: the short answer, or all of it when none leads."""
    return answer_text(result.head if result.head else result.answer)


def names(text: str, wanted: str, others: list[str]) -> bool:
    """Whether a text names what is wanted and none of the others."""
    return contains(text, wanted) and not any(contains(text, o) for o in others if o != wanted)


def run_ours(question: str, articles: list[dict[str, str]]) -> Result:
    from summarizer.qa import answer_question, build_index

    started = time.perf_counter()
    index = build_index(sources_of(articles))
    answer = answer_question(question, index)
    return Result(
        answer.text,
        answer.citations,
        answer.answered,
        time.perf_counter() - started,
        answer.short_answer,
    )


def run_peer(question: str, articles: list[dict[str, str]]) -> Result:
    """The top BM25 sentence of all the articles (rank-bm25), citing its article."""
    from rank_bm25 import BM25Okapi

    from summarizer.sentences import split_text

    started = time.perf_counter()
    sentences = [
        (i + 1, s) for i, a in enumerate(articles) for s in split_text(a.get("text") or "")
    ]
    if not sentences:
        return Result("The sources don't say.", [], False, time.perf_counter() - started)
    bm25 = BM25Okapi([tokens(s) for _, s in sentences])
    scores = bm25.get_scores(tokens(question))
    best = max(range(len(sentences)), key=lambda k: scores[k])
    if scores[best] <= 0:
        return Result("The sources don't say.", [], False, time.perf_counter() - started)
    source, sentence = sentences[best]
    return Result(f"{sentence} [{source}]", [source], True, time.perf_counter() - started)


def score(
    name: str,
    items: list[Item],
    pairs: list[tuple[Item, list[dict[str, str]]]],
    run: Any,
    dump: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    from summarizer.sentences import split_paragraph

    split_paragraph.cache_clear()  # each system pays for its own sentence splitting
    correct = cites = heads = answered = wrong_heads = 0
    halves = [0, 0]
    times: list[float] = []
    abstain_answerable = answerable = abstain_matched = 0
    for k, item in enumerate(items):
        result = run(item.question, item.articles)
        times.append(result.seconds)
        said = answer_text(result.answer)
        ok = (
            result.answered
            and contains(said, item.gold)
            and not any(contains(said, c) for c in item.choices if c != item.gold)
        )
        halves[2 * k >= len(items)] += ok
        head_ok = result.answered and names(head_of(result), item.gold, item.choices)
        wrong_head = (
            result.answered
            and result.head is not None
            and not contains(answer_text(result.head), item.gold)
            and any(contains(answer_text(result.head), c) for c in item.choices)
        )
        heads += head_ok
        answered += result.answered
        wrong_heads += wrong_head
        cited_ok = ok and any(
            1 <= c <= len(item.articles) and holds(item.articles[c - 1], item.gold)
            for c in result.citations
        )
        if not item.articles and result.answered:
            print(f"  !! {name} answered a question with no articles: {item.id}")
        correct += ok
        cites += cited_ok
        has_gold = any(holds(a, item.gold) for a in item.articles)
        answerable += has_gold
        abstain_answerable += has_gold and not result.answered
        abstain_matched += not result.answered
        if dump is not None:
            dump.append(
                {
                    "system": name,
                    "id": item.id,
                    "question": item.question,
                    "gold": item.gold,
                    "has_gold": has_gold,
                    "correct": ok,
                    "head_ok": head_ok,
                    "wrong_head": wrong_head,
                    "cites": cited_ok,
                    "answered": result.answered,
                    "answer": result.answer,
                    "seconds": round(result.seconds, 3),
                }
            )
    abstain_mismatched = 0
    for item, articles in pairs:
        result = run(item.question, articles)
        abstain_mismatched += not result.answered
        if dump is not None:
            dump.append(
                {
                    "system": name,
                    "id": item.id,
                    "mismatched": True,
                    "question": item.question,
                    "answered": result.answered,
                    "answer": result.answer,
                }
            )
    n = len(items)
    precision = abstain_mismatched / max(1, abstain_mismatched + abstain_answerable)
    return {
        "system": name,
        "correct": correct / n,
        "head": heads / n,
        "wrong_head": wrong_heads / max(1, answered),
        "h1": halves[0] / max(1, (n + 1) // 2),
        "h2": halves[1] / max(1, n // 2),
        "cites": cites / max(1, correct),
        "P": precision,
        "P_all": abstain_mismatched / max(1, abstain_mismatched + abstain_matched),
        "R": abstain_mismatched / max(1, len(pairs)),
        "ms_median": 1000 * statistics.median(times),
        "ms_p90": 1000 * statistics.quantiles(times, n=10)[-1],
        "answerable": answerable,
    }


HARD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "qa" / "hard.json"


def hard_set(name: str, run: Any) -> dict[str, Any]:
    """Our own hard questions (fictional stories, several names per sentence, expected heads).

    Right: the head (or the whole answer when none leads) names what is asked, or, where no
    short answer is expected, none leads and the evidence answers; led wrong: the head names
    one of the question's wrong names.
    """
    stories = json.loads(HARD.read_text(encoding="utf-8"))["stories"]
    right = wrong = total = 0
    for story in stories:
        articles = [{"title": s["title"], "text": s["text"]} for s in story["sources"]]
        for case in story["questions"]:
            if case.get("history"):
                continue  # a conversation: run by the tests, not by a one-shot peer
            total += 1
            result = run(case["q"], articles)
            head = head_of(result)
            short = answer_text(result.head or "")
            led_wrong = any(contains(short, w) for w in case["wrong"])
            if case["head"] is None:
                accepted = any(contains(head, a) for a in case.get("accept", []))
                ok = (result.head is None or accepted) and contains(
                    answer_text(result.answer), case["evidence"]
                )
            else:
                ok = contains(head, case["head"])
            right += ok and not led_wrong
            wrong += led_wrong
    return {"system": name, "right": right, "wrong": wrong, "total": total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=0, help="first N questions only")
    parser.add_argument("--dump", type=Path, help="write per-question results (JSON lines)")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (the shared realtimeqa data sits beside the repo)")
        return 0
    items = load(args.data)
    if args.limit:
        items = items[: args.limit]
    pairs = mismatched(items)

    import torch

    from summarizer.config import Settings
    from summarizer.nlp import get_embedder, get_spacy

    settings = Settings()
    started = time.perf_counter()
    get_embedder(settings.models).embed(["warm up"])
    get_spacy(settings.models.spacy_model)("warm up")
    load_s = time.perf_counter() - started
    print(
        f"{len(items)} questions ({sum(1 for i in items if not i.articles)} without articles), "
        f"{len(pairs)} mismatched pairs; torch threads {torch.get_num_threads()}; "
        f"models loaded in {load_s:.1f}s"
    )

    dump: list[dict[str, Any]] | None = [] if args.dump else None
    rows = [score("ours (summarizer.qa)", items, pairs, run_ours, dump)]
    try:
        from importlib.metadata import version

        import rank_bm25  # noqa: F401

        rows.append(
            score(
                f"top BM25 sentence (rank-bm25 {version('rank-bm25')})",
                items,
                pairs,
                run_peer,
                dump,
            )
        )
    except ImportError:
        print("peer dropped: rank-bm25 is not installed (pip install -r requirements-eval.txt)")
    answerable = rows[0]["answerable"]
    print()
    print(
        f"{'system':42} {'correct':>8} {'head':>6} {'wrong':>6} {'h1':>6} {'h2':>6} {'cites':>6}"
        f" {'abst P':>7} {'P(all)':>7} {'abst R':>7} {'ms med':>7} {'ms p90':>7}"
    )
    for r in rows:
        print(
            f"{r['system']:42} {100 * r['correct']:7.1f}% {100 * r['head']:5.1f}%"
            f" {100 * r['wrong_head']:5.1f}% {100 * r['h1']:5.1f}%"
            f" {100 * r['h2']:5.1f}% {100 * r['cites']:5.0f}% {r['P']:7.2f} {r['P_all']:7.2f}"
            f" {r['R']:7.2f}"
            f" {r['ms_median']:7.0f} {r['ms_p90']:7.0f}"
        )
    print(f"{'floor: nothing':42} {0.0:7.1f}%")
    print(f"{'ceiling: gold anywhere in the articles':42} {100 * answerable / len(items):7.1f}%")
    if len(rows) > 1:
        print(
            f"\nlift over the peer: {100 * (rows[0]['correct'] - rows[1]['correct']):+.1f} points"
        )
    print("\nhard set (tests/fixtures/qa/hard.json): right / led by a wrong name")
    for hard in [hard_set(rows[0]["system"], run_ours)] + (
        [hard_set(rows[1]["system"], run_peer)] if len(rows) > 1 else []
    ):
        print(f"{hard['system']:42} {hard['right']:3d}/{hard['total']}   {hard['wrong']:3d}")
    if args.dump and dump is not None:
        args.dump.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in dump) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
