"""Retrieval for a resolved question, and the confidence that the sources answer it.

The answer abstains when the best evidence scores under a threshold calibrated on questions
paired with another story's articles (`bench/qa_calibrate.py`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..config import Settings
from ..models import Turn
from ..retrieve import Hit, QAIndex, coverage, query_terms
from .followups import _Query, _resolve
from .questions import DIRECTION_CUE, DIRECTION_WORDS, _focus, direction, heading_word

# Confidence = W_CONFIDENCE_DENSE * cosine(question, best sentence)
#            + (1 - W_CONFIDENCE_DENSE) * IDF-weighted share of the question's terms found in
#              that sentence, its neighbours and its headline (`evidence_scores`).
# Calibrated by `python -m bench.qa_calibrate`: each question paired with its own articles (when
# they hold the answer) against the same question paired with another question's articles, on
# realtimeqa dev (82 answerable / 160 mismatched) and on the fictional stories of
# tests/fixtures/qa (29 / 145); the threshold with the best balanced accuracy among those keeping
# abstention precision >= 0.9 on both. At 0.32: precision 0.99 / 1.00, recall 0.98 / 1.00,
# answerable questions answered 0.99 / 1.00 (realtimeqa, articles dated by their URLs / fixtures).
W_CONFIDENCE_DENSE = 0.5
ABSTAIN_THRESHOLD = 0.32
DIRECTION_WEIGHT = 0.5  # "bound", "headed": searched for beside "where ... going?"'s words
# Harm is told in many words: "Was anyone hurt?" is answered by "One sailor was treated in
# hospital", "How many people died?" by "three were killed". Asked in any of them, all are
# searched for (at this weight beside the question's own), and any one covers the question's.
HARM_WORDS = (
    "hurt injured injuries injury wounded harmed killed dead die died dies dying deaths "
    "casualties hospital hospitalized hospitalised treated unharmed unhurt"
)
HARM_WEIGHT = 0.5
_HARM = frozenset(query_terms(HARM_WORDS))


_BOOST = {
    "number": re.compile(
        r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|"
        r"hundreds?|thousands?|millions?|billions?)\b",
        re.IGNORECASE,
    ),
    "money": re.compile(
        r"[$€£¥]|\d|\b(?:dollars?|euros?|pounds?|yen|million|billion)\b", re.IGNORECASE
    ),
    "percent": re.compile(r"%|\bper ?cent\b", re.IGNORECASE),
    "measure": re.compile(r"\d|%|\bper ?cent\b", re.IGNORECASE),
    "span": re.compile(
        r"\d|\b(?:years?|months?|days?|hours?|centur(?:y|ies)|decades?)\b", re.IGNORECASE
    ),
    "date": re.compile(
        r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
        r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
        re.IGNORECASE,
    ),
}


def search(query: _Query, index: QAIndex) -> list[Hit]:
    """The sentences that best answer a resolved question, best first (`QAIndex.search`).

    Sentences holding what its kind asks for (a digit for "how many") get a small lift.
    """
    boost = _BOOST.get(query.kind or "")
    asked = query.terms
    heading = direction(query.kind, query.text)
    if heading is not None:
        # "Where was the ship going?": the answer says "bound for", not "going".
        boost = DIRECTION_CUE[heading]
        asked = query_terms(DIRECTION_WORDS[heading], DIRECTION_WEIGHT) | answer_terms(query)
    if harm_asked(query):
        asked = query_terms(HARM_WORDS, HARM_WEIGHT) | asked
    return index.search(asked, query.text, sources=query.sources, boost=boost)


def harm_asked(query: _Query) -> bool:
    """Whether the asking sentence asks about harm ("Was anyone hurt?").

    Not its context: "Ada Quill died this week. Which show was she in?" asks for a show.
    """
    focus, _ = _focus(query.text)
    return not _HARM.isdisjoint(query_terms(focus))


def answer_terms(query: _Query) -> dict[str, float]:
    """The question's terms a sentence answering it holds: its verb of motion aside.

    "Where was the convoy going?" is answered by "bound for Dremmholt", without "going".
    """
    if direction(query.kind, query.text) is None:
        return query.terms
    kept = {term: weight for term, weight in query.terms.items() if not heading_word(term)}
    return kept or query.terms


def strongest(hits: Sequence[Hit]) -> Hit:
    """The hit that best matches the question, however old its article: the abstention's evidence.

    Whether the sources answer at all does not depend on how recent they are.
    """
    return max(hits, key=lambda h: h.relevance)


def evidence_scores(query: dict[str, float], best: Hit, index: QAIndex) -> tuple[float, float]:
    """The two parts of the confidence: (cosine of the best sentence, share of terms covered).

    Coverage is the IDF-weighted share of the question's terms found in the best sentence,
    its neighbours and its headline; a term no source uses weighs the most, so a question
    about another story covers little. `bench/qa_calibrate.py` weighs the two parts.
    """
    window = index.window_terms(best)
    if not _HARM.isdisjoint(window):
        window |= _HARM & query.keys()  # "treated in hospital" tells whether anyone was hurt
    covered = coverage(query, window, index.idf(query))
    return max(0.0, best.dense), covered


def confidence_of(dense: float, covered: float, weight: float = W_CONFIDENCE_DENSE) -> float:
    """The confidence that the sources answer: `weight` * cosine + (1 - `weight`) * coverage."""
    return weight * dense + (1 - weight) * covered


def abstains(confidence: float, settings: Settings) -> bool:
    """True when a confidence is under the threshold: `[qa] abstain_threshold`, else the default."""
    threshold = settings.qa.abstain_threshold
    return confidence < (ABSTAIN_THRESHOLD if threshold is None else threshold)


def question_confidence(
    question: str, index: QAIndex, history: Sequence[Turn] = ()
) -> tuple[float, float] | None:
    """The two parts of a question's confidence: (cosine, coverage) of its best evidence.

    The question is resolved against `history` and searched as `answer_with_confidence` does;
    `confidence_of` weighs the parts. `bench/qa_calibrate.py` calibrates the weight and the
    threshold on them.

    Returns:
        (cosine, coverage), or None when the index holds no article text or nothing is found.

    """
    if index.empty:
        return None
    query = _resolve(question, history, index, index.settings.qa.history_turns)
    hits = search(query, index)
    if not hits:
        return None
    return evidence_scores(answer_terms(query), strongest(hits), index)
