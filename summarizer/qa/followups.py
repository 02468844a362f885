"""Follow-up questions resolved against the thread's last turns into ones that stand alone.

"What did he say next?" continues after the previous answer's evidence; "And the other
outlet?" asks the previous question of the sources it did not cite (or of the outlet named);
a pronoun stands for the previous short answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..config import Settings
from ..models import Turn
from ..retrieve import QAIndex, query_terms, terms
from .questions import _SPACY_MODEL, _focus, _heads, _kind


def remember(history: Sequence[Turn], turn: Turn, settings: Settings | None = None) -> list[Turn]:
    """The thread's history with `turn` added, keeping the last `settings.qa.history_turns`."""
    keep = max(1, (settings or Settings()).qa.history_turns)
    return [*history, turn][-keep:]


_NEXT = re.compile(
    r"\b(?:next|after that|afterwards|then|go on to|went on to|continue[sd]?|else|add|added)\b",
    re.IGNORECASE,
)
_SAY = re.compile(r"\b(?:say|said|says|add|added|tell|told|write|wrote|state|stated)\b", re.I)
_OTHER = re.compile(
    r"\b(?:(?:the )?other (?:outlets?|sources?|articles?|papers?|reports?|sites?|newspapers?|one)"
    r"|the others|elsewhere|anyone else)\b",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(r"^\s*(?:and|what about|how about|but)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their|it|its|that|this)\b", re.I)


@dataclass(slots=True)
class _Query:
    """A question resolved against its thread, ready for retrieval."""

    text: str  # what is embedded and typed
    terms: dict[str, float]
    kind: str | None
    asked: frozenset[str]  # terms already in the question: their entities are not answers
    heads: frozenset[str] = frozenset()  # the type word asked for ("which state"): not an anchor
    model: str = _SPACY_MODEL  # the spaCy pipeline that tags the question
    sources: frozenset[int] | None = None  # source indexes to search
    after: tuple[int, int] | None = None  # answer with what follows this sentence
    notes: list[str] = field(default_factory=list)


_EVENT_VERBS = re.compile(
    r"\b(?:tak(?:e|es|ing)|took|taken) place\b|\bhappen(?:ed|s|ing)?\b|\boccur(?:red|s|ring)?\b",
    re.IGNORECASE,
)


def _resolve(question: str, history: Sequence[Turn], index: QAIndex, keep: int) -> _Query:
    """Turn a question that leans on the previous turn into one that stands alone."""
    # The asking sentence says what kind of answer is wanted. Its words are not weighed above
    # the context's: on realtimeqa dev, context words at 0.5 or 0.7 retrieved worse than 1.0
    # (names that find the story, "Tomas Varn", sit in the context).
    focus, _ = _focus(question)
    # "take place", "happen": every event does; the words only keep the evidence's coverage low.
    own = query_terms(_EVENT_VERBS.sub(" ", question)) or query_terms(question)
    model = index.settings.models.spacy_model
    heads = frozenset(t for h in _heads(focus, model) + _heads(question, model) for t in terms(h))
    kind = _kind(focus, model) or _kind(question, model)
    query = _Query(question, own, kind, frozenset(own), heads=heads, model=model)
    turns = [t for t in history[-keep:] if t.answer.answered]
    if not turns:
        return query
    prev = turns[-1]
    prev_terms = query_terms(prev.question, 0.5)
    prev_kind = _kind(prev.question, model)
    referent = prev.answer.short_answer or ""
    by_id = {s.id: i for i, s in enumerate(index.sources)}
    cited = frozenset(by_id[c] for c in prev.answer.citations if c in by_id)

    if _NEXT.search(question) and (_SAY.search(question) or len(own) <= 2) and prev.answer.evidence:
        spot = index.locate(prev.answer.evidence[-1], cited)
        if spot is not None:
            query.after = spot
            return query
    outlet = _named_outlet(question, index)
    if outlet is not None or _OTHER.search(question):
        # "And the other outlet?": the previous question, asked of the sources it did not cite.
        wanted = (
            frozenset({outlet})
            if outlet is not None
            else frozenset(range(len(index.sources))) - cited
        )
        merged = {**query_terms(prev.question), **{t: 0.5 for t in own}}
        return _Query(
            f"{prev.question} {question}",
            merged,
            query.kind or prev_kind,
            frozenset(merged),
            sources=wanted or None,
            model=model,
        )
    few = len(own) <= 1
    elliptic = bool(_ELLIPSIS.match(question))
    if elliptic or (_PRONOUN.search(question) and (few or not _has_name(question))):
        # The referent (the last short answer) stands in for the pronoun; the previous
        # question's words help only when this one has almost none of its own.
        extra = dict(prev_terms) if (few or elliptic) else {}
        if referent:
            extra.update(query_terms(referent, 0.5))
        merged = {**extra, **own}
        text = f"{question} ({referent or prev.question})"
        kind = query.kind or (prev_kind if elliptic else None)
        return _Query(text, merged, kind, frozenset(merged), model=model)
    return query


def _named_outlet(question: str, index: QAIndex) -> int | None:
    """The source whose outlet the question names ("What does the Valley Wire say?")."""
    q = question.lower()
    for i, source in enumerate(index.sources):
        if source.outlet and len(source.outlet) > 2 and source.outlet.lower() in q:
            return i
    return None


def _has_name(question: str) -> bool:
    """True when the question names someone or something (a capitalised word past the first)."""
    words = question.split()
    return any(w[:1].isupper() for w in words[1:] if w.lower() not in {"i", "i'm"})
