"""The answer worded by the optional generator (a `Phraser`) from the selected evidence only.

Its wording is kept only when the digest's check (`verify.Verifier`) passes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..config import Settings
from ..models import Answer
from ..retrieve import QAIndex
from ..verify import Verifier
from .norm import _norm
from .quotes import _marks

log = logging.getLogger("summarizer.qa")  # the package's logger: log lines keep its name


Phraser = Callable[[str, list[tuple[int, str]]], str | None]
"""The generator seam: (question, [(source id, evidence sentence), ...]) -> text or None."""


def _phrased(
    answer: Answer, question: str, phrase: Phraser, index: QAIndex, settings: Settings
) -> Answer:
    """The generator's wording of the answer, if it keeps to the evidence; else the answer."""
    cited = [s for s in index.sources if s.id in answer.citations]
    evidence = [
        (
            next(
                (s.id for s in cited if " ".join(e.split()) in " ".join(s.text.split())),
                answer.citations[0],
            ),
            e,
        )
        for e in answer.evidence
    ]
    try:
        text = phrase(question, evidence)
    except Exception:  # a generator failure must never lose the extractive answer
        log.exception("the answer phraser failed; keeping the extractive answer")
        return answer
    if not text or not text.strip():
        return answer
    text = " ".join(text.split())
    if answer.short_answer and _norm(answer.short_answer) not in _norm(text):
        return answer  # the wording dropped the answer itself
    # The digest's own check: a source is cited only if one of its evidence sentences is
    # similar enough and holds every name, number, date and quotation of the text.
    by_source: dict[int, list[str]] = {}
    for source_id, sentence in evidence:
        by_source.setdefault(source_id, []).append(sentence)
    passed = sorted({c.source for c in Verifier(settings).check(text, by_source)})
    if not passed:
        log.info("phrased answer failed verification; keeping the extractive answer")
        return answer
    return Answer(
        text=f"{text} {_marks(passed)}",
        citations=passed,
        answered=True,
        short_answer=answer.short_answer,
        evidence=answer.evidence,
        generated=True,
    )
