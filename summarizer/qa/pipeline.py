"""Answering a question about a story or a digest: the stages in order (see `summarizer.qa`)."""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Settings
from ..models import Answer, Digest, Source, StoryDigest, Turn
from ..retrieve import QAIndex
from .citations import _ANY_NUMBERS, _answer_next, _lead, _numbers, _select
from .confidence import (
    abstains,
    answer_terms,
    confidence_of,
    evidence_scores,
    search,
    strongest,
)
from .followups import _resolve
from .phrasing import Phraser, _phrased
from .questions import _NUMERIC, _check_question, _looks_english
from .quotes import _dont_say
from .reading import _ONLY_WHAT_HAPPENED


def build_index(sources: Sequence[Source], settings: Settings | None = None) -> QAIndex:
    """Index a story's sources for questions; build once per story and reuse it.

    Args:
        sources: the story's sources, with their article text (`Source.text`).
        settings: model and QA settings; defaults when None.

    Returns:
        The index. Paragraphs are split and sentences embedded on first use, then kept.

    Raises:
        TypeError: an item is not a `Source`.

    """
    for source in sources:
        if not isinstance(source, Source):
            raise TypeError(f"sources must be Source objects, not {type(source).__name__}")
    return QAIndex(sources, settings or Settings())


def answer_question(
    question: str,
    sources: Sequence[Source] | QAIndex,
    *,
    history: Sequence[Turn] = (),
    settings: Settings | None = None,
    phrase: Phraser | None = None,
) -> Answer:
    """Answer a question from a story's sources, citing them, or say the sources don't tell.

    Args:
        question: the user's question (at most MAX_QUESTION_CHARS characters).
        sources: the story's sources, or an index built from them by `build_index`.
        history: the thread's earlier turns, oldest first; the last few resolve follow-ups.
        settings: settings; defaults when None.
        phrase: optional generator that words the answer from the evidence; kept only if it
            verifies against that evidence.

    Returns:
        The answer. `answered` False means the text starts with DONT_SAY and cites nothing.

    Raises:
        QuestionError: the question is empty or too long.

    """
    configured = settings or (sources.settings if isinstance(sources, QAIndex) else None)
    if phrase is None and configured is not None and configured.generator.backend is not None:
        # [generator] is set: let it word the answer (imported lazily, as pipeline._finish does).
        from ..generate import answer_phraser

        phrase = answer_phraser(configured)
    return answer_with_confidence(
        question, sources, history=history, settings=settings, phrase=phrase
    )[0]


def answer_with_confidence(
    question: str,
    sources: Sequence[Source] | QAIndex,
    *,
    history: Sequence[Turn] = (),
    settings: Settings | None = None,
    phrase: Phraser | None = None,
) -> tuple[Answer, float]:
    """`answer_question`, plus the confidence that the abstention threshold is compared with.

    Raises:
        QuestionError: the question is empty or too long.

    """
    text = _check_question(question)
    index = sources if isinstance(sources, QAIndex) else build_index(sources, settings)
    settings = settings or index.settings
    if index.empty:
        return _dont_say("there is no article text to answer from"), 0.0
    if not any(c.isalnum() for c in text):
        return _dont_say("the question has no words to look for"), 0.0
    if not _looks_english(text):
        return _dont_say("the question does not look like English; ask in English"), 0.0
    if _ONLY_WHAT_HAPPENED.match(text) and not history:
        return _lead(index), 1.0  # the story as a whole, asked before anything else
    query = _resolve(text, history, index, settings.qa.history_turns)
    if query.after is not None:
        return _answer_next(index, query.after), 1.0
    if not query.terms:
        return _dont_say(), 0.0
    hits = search(query, index)
    if not hits:
        if query.kind in _NUMERIC and _ANY_NUMBERS.search(text):
            return _numbers(index, query.sources)
        return _dont_say(), 0.0
    dense, covered = evidence_scores(answer_terms(query), strongest(hits), index)
    confidence = confidence_of(dense, covered)
    if abstains(confidence, settings):
        return _dont_say(), confidence
    answer = _select(query, hits, index, settings)
    if answer.answered and phrase is not None:
        answer = _phrased(answer, text, phrase, index, settings)
    return answer, confidence


def answer_digest(
    question: str,
    digest: Digest,
    *,
    history: Sequence[Turn] = (),
    settings: Settings | None = None,
) -> tuple[StoryDigest | None, Answer]:
    """Answer a question about a whole digest: the story whose sources answer it best.

    Citations are that story's source ids. Build-once reuse is the caller's when it asks many
    questions: use `build_index` per story and `answer_with_confidence`.

    Returns:
        (the story answered from, or None when none could; the answer).

    Raises:
        QuestionError: the question is empty or too long.

    """
    text = _check_question(question)
    best: tuple[float, StoryDigest | None, Answer] = (
        -1.0,
        None,
        _dont_say("the digest holds no article text to answer from"),
    )
    for story in digest.stories:
        if not any(s.text.strip() for s in story.sources):
            continue
        answer, confidence = answer_with_confidence(
            text, story.sources, history=history, settings=settings
        )
        if confidence > best[0] and (answer.answered or best[1] is None):
            best = (confidence, story if answer.answered else None, answer)
    return best[1], best[2]
