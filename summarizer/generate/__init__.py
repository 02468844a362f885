"""Stage 7 (optional): fluent rewording by a generator, kept only where the verifier agrees.

`rewrite_story` runs these steps for one fused story:

1. render one `prompts/fuse.txt` prompt per fact group (its evidence sentences and their
   citation ids, quoted as data) and one `prompts/headline.txt` prompt;
2. send them to the backend chosen by `[generator] backend` ("transformers": a local model;
   "openai": an OpenAI-compatible server) in one batch;
3. clean each output and apply the rules of `_guard`: no mention, no link or bracket the
   evidence lacks, no citation marker naming anything but the evidence, at most
   MAX_LENGTH_RATIO times the sentence it replaces, few words the evidence never uses;
4. verify what is left against every source of the story (`verify.Verifier`): the citations
   are the verifier's, never the model's. A generated sentence is kept only when every source
   that carried the extractive sentence carries it too, and it still states its own fact;
5. anything else (a rule broken, a source lost, a backend error or timeout) keeps the
   extractive sentence with its citations. `generated` is True only on kept sentences;
6. the headline the same way: every name, number and date in the sources, close to the digest.

`phrase_answer` does the same for a follow-up answer (the `qa.Phraser` seam).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..config import Settings
from ..fuse import HEADLINE_MAX_WORDS, FactGroup, FusedStory
from ..models import Citation, DigestSentence, StoryDigest
from ..nlp import get_embedder
from ..sentences import split_text
from ..verify import Verifier, entity_in_text, normalise_tokens
from ._backends import Completion, Generator, close_generators, get_generator
from ._guard import Rejected, clean_output, max_words_for
from ._prompts import Prompt, render

__all__ = [
    "Completion",
    "Generator",
    "Prompt",
    "RewriteStats",
    "answer_phraser",
    "close_generators",
    "get_generator",
    "phrase_answer",
    "render",
    "rewrite_story",
]

log = logging.getLogger(__name__)

MIN_SENTENCE_WORDS = 4  # "Talks resumed." says too little to replace a digest sentence
HEADLINE_MIN_WORDS = 3
# Cosine (MiniLM) of a generated sentence to its own group's closest evidence sentence. The
# paraphrases in the tests score 0.84-0.99; a flipped or other fact from the same source 0.5-0.77.
GROUP_MIN_SIMILARITY = 0.8
# Cosine (MiniLM) of a generated headline to the mean of the digest's sentences. The demo
# stories' own titles score 0.55-0.75 against their digests; an off-topic line scores < 0.3.
HEADLINE_MIN_SIMILARITY = 0.45
ANSWER_MAX_WORDS = 60  # "one or two short sentences"
_END = (".", "!", "?", '"', "”", "’", "'")


@dataclass(slots=True)
class RewriteStats:
    """What a rewrite did: filled by `rewrite_story(..., stats=)` for the benchmark and tests."""

    sentences: int = 0  # fact groups sent to the generator
    kept: int = 0  # generated sentences that passed and replaced the extractive one
    headlines: int = 0
    headlines_kept: int = 0
    tokens: int = 0  # generated tokens
    generation_s: float = 0.0  # time spent in the backend
    wall_s: float = 0.0  # the whole rewrite, verification included
    reasons: Counter[str] = field(default_factory=Counter)  # why outputs fell back

    def add(self, other: RewriteStats) -> None:
        """Accumulate another story's figures."""
        self.sentences += other.sentences
        self.kept += other.kept
        self.headlines += other.headlines
        self.headlines_kept += other.headlines_kept
        self.tokens += other.tokens
        self.generation_s += other.generation_s
        self.wall_s += other.wall_s
        self.reasons.update(other.reasons)


def _joined(evidence: Sequence[tuple[int, str]]) -> str:
    return " ".join(text for _, text in evidence)


def _one_sentence(text: str) -> str:
    """The text as one digest sentence, or Rejected when the model wrote several."""
    if not text.endswith(_END):
        text += "."
    if len(split_text(text)) > 1:
        raise Rejected("several sentences")
    return text


def _headline_evidence(fused: FusedStory) -> list[tuple[int, str]]:
    titles = [(s.id, s.title) for s in fused.digest.sources if s.title and s.title.strip()]
    facts = [
        (g.sentence.source_ids[0] if g.sentence.citations else 0, g.sentence.text)
        for g in fused.groups
    ]
    return [*titles, *facts]


def _timed(completions: Sequence[Completion | None], stats: RewriteStats) -> None:
    for completion in completions:
        if completion is not None:
            stats.tokens += completion.tokens
            stats.generation_s += completion.seconds


def rewrite_story(
    fused: FusedStory, settings: Settings, *, stats: RewriteStats | None = None
) -> StoryDigest:
    """The story's digest with each sentence and the headline reworded where that verifies.

    Args:
        fused: the extractive digest and the fact groups behind it (`fuse.fuse_story`).
        settings: `[generator]` chooses the backend; `[summary]` the verifier's threshold.
        stats: filled with what was kept, what fell back and why, and the time and tokens spent.

    Returns:
        A new digest: same sources, same number and order of sentences; each sentence either
        generated and verified (`generated=True`, the verifier's citations) or the extractive
        one with its citations.

    Raises:
        ConfigError: the generator is misconfigured (unknown backend, missing key or secret).
        ModelLoadError: the transformers model cannot be loaded.

    """
    stats = stats if stats is not None else RewriteStats()
    started = time.perf_counter()
    digest = fused.digest
    if not fused.groups:
        return digest
    generator = get_generator(settings.generator)
    headline_evidence = _headline_evidence(fused)
    prompts = [render("fuse", g.evidence) for g in fused.groups]
    prompts.append(render("headline", headline_evidence))
    completions = generator.complete(prompts)
    _timed(completions, stats)
    verifier = Verifier(settings)

    sentences = _rewrite_sentences(fused, completions[:-1], verifier, stats)
    headline, headline_generated = _rewrite_headline(
        fused, completions[-1], headline_evidence, verifier, stats
    )
    stats.wall_s += time.perf_counter() - started
    return StoryDigest(
        id=digest.id,
        headline=headline,
        sentences=sentences,
        sources=digest.sources,
        headline_generated=headline_generated,
    )


def _clean_sentence(group: FactGroup, completion: Completion | None) -> str:
    if completion is None:
        raise Rejected("backend error")
    text = clean_output(
        completion.text,
        evidence=_joined(group.evidence),
        ids={sid for sid, _ in group.evidence},
        max_words=max_words_for(len(group.sentence.text.split())),
        min_words=MIN_SENTENCE_WORDS,
    )
    return _one_sentence(text)


def _judge(group: FactGroup, citations: list[Citation]) -> str | None:
    """Why a verified sentence may still not replace the group's, or None when it may."""
    if not citations:
        return "unsupported"
    # The digest promises each sentence cites every source that carries it: a rewording that
    # one of the extractive sentence's sources no longer supports has changed the fact.
    lost = set(group.sentence.source_ids) - {c.source for c in citations}
    if lost:
        return "source lost"
    # Supported, but by another sentence of the sources, or only loosely by its own: the model
    # wrote another fact, or turned this one around ("approved" -> "rejected" scores ~0.77).
    own = {text for _, text in group.evidence} | {group.sentence.text}
    closeness = max((c.score for c in citations if c.evidence in own), default=0.0)
    if closeness < GROUP_MIN_SIMILARITY:
        return "drifted"
    return None


def _rewrite_sentences(
    fused: FusedStory,
    completions: Sequence[Completion | None],
    verifier: Verifier,
    stats: RewriteStats,
) -> list[DigestSentence]:
    candidates: dict[int, str] = {}
    for i, (group, completion) in enumerate(zip(fused.groups, completions, strict=True)):
        try:
            candidates[i] = _clean_sentence(group, completion)
        except Rejected as exc:
            stats.reasons[exc.kind] += 1
            log.debug("generated sentence %d rejected: %s", i, exc)
    verdicts = dict(
        zip(
            candidates,
            verifier.check_many(list(candidates.values()), fused.source_sentences),
            strict=True,
        )
    )
    out: list[DigestSentence] = []
    for i, group in enumerate(fused.groups):
        stats.sentences += 1
        if i in verdicts:
            reason = _judge(group, verdicts[i])
            if reason is None:
                # A disagreement on a value the rewrite still states stays beside it.
                kept = [d for d in group.sentence.disagreements if d.value in candidates[i]]
                out.append(
                    DigestSentence(
                        candidates[i],
                        verdicts[i],
                        generated=True,
                        disagreements=kept,
                        reads_on=group.sentence.reads_on,
                    )
                )
                stats.kept += 1
                continue
            stats.reasons[reason] += 1
            log.debug("generated sentence %r falls back: %s", candidates[i][:60], reason)
        out.append(group.sentence)
    return out


def _rewrite_headline(
    fused: FusedStory,
    completion: Completion | None,
    evidence: Sequence[tuple[int, str]],
    verifier: Verifier,
    stats: RewriteStats,
) -> tuple[str, bool]:
    stats.headlines += 1
    try:
        if completion is None:
            raise Rejected("backend error")
        text = clean_output(
            completion.text,
            evidence=_joined(evidence),
            ids={sid for sid, _ in evidence},
            max_words=HEADLINE_MAX_WORDS,
            min_words=HEADLINE_MIN_WORDS,
        ).rstrip(".")
        # As for the extractive headline (fuse.make_headline): every name, number and date in
        # some source's sentences, titles not counting, since one outlet's title may overreach.
        tokens = {
            t
            for sents in fused.source_sentences.values()
            for s in sents
            for t in normalise_tokens(s)
        }
        missing = [e for e, _ in verifier.fact_entities(text) if not entity_in_text(e, tokens)]
        if missing:
            raise Rejected("unsupported", f"not in the sources: {missing}")
        vectors = get_embedder(verifier.settings.models).embed(
            [text, *[g.sentence.text for g in fused.groups]]
        )
        centre = vectors[1:].mean(axis=0)
        similarity = float(vectors[0] @ centre / max(float(np.linalg.norm(centre)), 1e-9))
        if similarity < HEADLINE_MIN_SIMILARITY:
            raise Rejected("off topic", f"similarity {similarity:.2f}")
    except Rejected as exc:
        stats.reasons[f"headline {exc.kind}"] += 1
        log.debug("generated headline rejected: %s", exc)
        return fused.digest.headline, False
    stats.headlines_kept += 1
    return text, True


# --- follow-up answers ----------------------------------------------------------------------


def phrase_answer(
    question: str, evidence: Sequence[tuple[int, str]], settings: Settings
) -> str | None:
    """The generator's answer to a question from the selected evidence, if it verifies.

    Every sentence of the answer must pass the verifier against the evidence (names, numbers
    and dates present; similarity) and the same output rules as a digest sentence.

    Args:
        question: the reader's question (quoted to the model as data).
        evidence: (source id, evidence sentence) pairs chosen by the QA stage.
        settings: `[generator]` and the verifier's threshold.

    Returns:
        The answer text without citation markers (the caller adds them), or None when there is
        no generator, the backend failed, or the answer does not verify.

    Raises:
        ConfigError: the generator is misconfigured.
        ModelLoadError: the transformers model cannot be loaded.

    """
    if settings.generator.backend is None or not evidence:
        return None
    generator = get_generator(settings.generator)
    (completion,) = generator.complete([render("answer", evidence, question=question)])
    if completion is None:
        return None
    joined = _joined(evidence)
    try:
        text = clean_output(
            completion.text,
            evidence=joined,
            ids={sid for sid, _ in evidence},
            max_words=min(ANSWER_MAX_WORDS, max_words_for(len(joined.split()))),
        )
    except Rejected as exc:
        log.debug("generated answer rejected: %s", exc)
        return None
    if not text.endswith(_END):
        text += "."
    by_source: dict[int, list[str]] = {}
    for sid, sentence in evidence:
        by_source.setdefault(sid, []).append(sentence)
    verifier = Verifier(settings)
    parts = split_text(text)
    if not parts or not all(verifier.check_many(parts, by_source)):
        log.debug("generated answer does not verify: %r", text[:80])
        return None
    return text


def answer_phraser(settings: Settings) -> Callable[[str, list[tuple[int, str]]], str | None] | None:
    """A `qa.Phraser` bound to these settings, or None when no generator is configured."""
    if settings.generator.backend is None:
        return None

    def phrase(question: str, evidence: list[tuple[int, str]]) -> str | None:
        return phrase_answer(question, evidence, settings)

    return phrase
