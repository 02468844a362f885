"""Follow-up questions answered from a story's sources, with citations, or "the sources don't say".

`answer_question` (`pipeline`) runs these stages:

1. check the question (`questions`): empty or too long is a `QuestionError`; not English
   abstains;
2. read what it asks: its asking sentence and the kind of answer (`questions`); resolve a
   follow-up against the thread's last turns (`followups`);
3. retrieve sentences of the sources (`confidence.search`, over `summarizer.retrieve`);
4. abstain when the best evidence scores under a calibrated threshold (`confidence`);
5. pick the answer: for a typed question, candidate short answers voted on by the retrieved
   sentences (`candidates`, with `amounts` for numbers and lengths of time); a candidate leads
   only when its role in its sentence fits the question, read from the parse (`roles`: the
   subject of the asked verb, what the sources say X is..., or the name a "she" or "the
   film" in that role stands for); else the best sentence that states something (no title)
   answers (`reading`). Cite every source that states it, and show each side when sources
   give different numbers, names or dates for what is asked (`citations`, `disputes`),
   quoting the evidence around the answer (`quotes`);
6. when a phraser (the optional generator) is given, let it word the answer from the selected
   evidence only, and keep its text only when `verify.Verifier` passes it (`phrasing`).
"""

from __future__ import annotations

from ..models import Turn
from ..retrieve import QAIndex
from .confidence import (
    ABSTAIN_THRESHOLD,
    confidence_of,
    evidence_scores,
    question_confidence,
    strongest,
)
from .followups import remember
from .phrasing import Phraser
from .pipeline import answer_digest, answer_question, answer_with_confidence, build_index
from .questions import MAX_QUESTION_CHARS, QuestionError
from .quotes import DONT_SAY

__all__ = [
    "ABSTAIN_THRESHOLD",
    "DONT_SAY",
    "MAX_QUESTION_CHARS",
    "Phraser",
    "QAIndex",
    "QuestionError",
    "Turn",
    "answer_digest",
    "answer_question",
    "answer_with_confidence",
    "build_index",
    "confidence_of",
    "evidence_scores",
    "question_confidence",
    "remember",
    "strongest",
]
