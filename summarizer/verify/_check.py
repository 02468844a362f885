"""The verdict on a sentence and a source: similar enough, every name and number, enough words."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..config import Settings
from ..models import Citation
from ..nlp import FACT_LABELS, NUMERIC_LABELS, Entity, entities, get_embedder
from ._names import (
    POINTER_OPENING,
    POINTERS,
    Abbreviations,
    counted_nouns,
    defined_acronyms,
    entity_supported,
)
from ._words import (
    ENTITY_FILLERS,
    contains_run,
    content_words,
    coverage,
    normalise_tokens,
    quotes,
    same_word,
    spoken_tokens,
    tokens_of,
    vague_time,
)

__all__ = [
    "MIN_COVERAGE",
    "MIN_TOLD_COVERAGE",
    "MIN_TOLD_WORDS",
    "RELAXED_MARGIN",
    "Check",
    "Verifier",
]

log = logging.getLogger(__name__)

# Share of a sentence's content words its evidence must have. Paraphrases of one fact share
# half or more ("holds roughly 1,200 tonnes of fuel oil" / "carries about 1,200 tonnes of fuel
# oil"); a sentence that only shares the story's names shares a fifth.
MIN_COVERAGE = 0.4
# A source sentence that wraps the claim in much else ("According to two agencies, X did A and
# pledged B in a message") is further in embedding space than its content says. When it holds
# two or more of the claim's names and numbers and most of its words, a little less similarity
# will do.
HIGH_COVERAGE = 0.6
MIN_NAMED_FOR_RELAXED = 2
# A short claim with few names ("The unemployment rate is still way too high") sits inside a
# longer evidence sentence ("... he added that the unemployment rate is still way too high, and
# that ..."), which dilutes the embedding: when the evidence holds every one of its words, and
# they are enough not to match by chance, the same smaller similarity will do.
MIN_WORDS_FOR_RELAXED = 4
# What a speaker is reported to have said must be in the evidence, not only the speaker: "Varga
# said her teams had reached the ship" is not carried by "..., Commander Elena Varga of the
# coast guard told reporters", which shares her names and title. Checked when the reported
# words are this many ("Varga said it sank" has one: a paraphrase may say "went down").
MIN_TOLD_WORDS = 3
MIN_TOLD_COVERAGE = 0.4
RELAXED_MARGIN = 0.08
# The names of a sentence that its evidence or the sentences beside it hold count as covered
# when at least this many of its other words are in the evidence (see `_with_names`).
MIN_OTHER_WORDS = 2
# A claim of this many content words or more is compared with the stretch of a long evidence
# sentence (more than LONG_EVIDENCE words per content word of the claim) that holds its words,
# not with all of it. A shorter claim's stretch is a few words, close in embedding space to any
# sentence that holds them.
MIN_FOCUSED_WORDS = 8
LONG_EVIDENCE = 2
# Per source, only the sentences sharing the most words with the claim are embedded and compared:
# a paraphrase shares its names and key words, and embedding every sentence of every source for
# every claim would dominate the run time.
LEXICAL_PREFILTER = 5
# Of the sentences that verify a claim, those this close in similarity to the closest compete on
# the share of its words they hold: "X died when her stroller plunged down a shaft" is near
# "The stroller landed on the car", but "... fell down the shaft and landed on the car" says it.
EVIDENCE_MARGIN = 0.05


def _with_names(words: set[str], present: set[str], fact_entities: Sequence[Entity]) -> float:
    """Coverage that counts the sentence's names as present (the caller found them nearby).

    "The Lark Valley Rescue League has come to the aid of 40 horses" is carried by "Volunteers
    say 40 horses have been rescued ..." next to a sentence naming the league. The other words
    must still be there on their own: at least two of them, and the usual share, or names alone
    would carry any sentence about the story's people.
    """
    names = {
        t for e, label in fact_entities if label not in NUMERIC_LABELS for t in normalise_tokens(e)
    }
    others = words - names
    found = coverage(others, present) * len(others)
    if found < MIN_OTHER_WORDS or found < MIN_COVERAGE * len(others):
        return coverage(words, present)
    return coverage(words, present | names)


@dataclass(frozen=True, slots=True)
class Check:
    """The verdict on one (sentence, source) pair."""

    source: int
    similarity: float
    evidence: str
    missing: tuple[str, ...]  # entities and quotations of the sentence `evidence` lacks
    coverage: float  # share of the sentence's content words that `evidence` has
    verified: bool = False  # the evidence supports the sentence: the source may be cited


class Verifier:
    """Checks sentences against sources; embeds each source sentence once (cached)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.threshold = settings.summary.verify_threshold
        self._embedder = get_embedder(settings.models)

    def fact_entities(self, text: str) -> list[Entity]:
        """The entities of a sentence that a citing source must contain."""
        (found,) = entities([text], model=self.settings.models.spacy_model)
        return [(t, label) for t, label in found if label in FACT_LABELS]

    def check_source(
        self,
        text: str,
        source: int,
        sentences: Sequence[str],
        *,
        vector: np.ndarray | None = None,
        fact_entities: Sequence[Entity] | None = None,
        threshold: float | None = None,
        source_tokens: set[str] | None = None,
    ) -> Check:
        """Compare one sentence with one source's sentences.

        The source's sentences are tried from the most similar down, as long as they clear the
        similarity threshold; of those that also hold every entity and quotation and enough of
        the sentence's words, the one holding most of its words, within a small margin of the
        closest such, is the evidence.

        Args:
            text: the digest sentence.
            source: the source id.
            sentences: that source's sentences in reading order.
            vector: the sentence's embedding, when the caller has it.
            fact_entities: the sentence's entities, when the caller has them.
            threshold: minimum similarity; default `[summary] verify_threshold`.
            source_tokens: the tokens of all the source's sentences, when the caller has them.

        Returns:
            The verdict, with the evidence sentence (or the closest one when none passes).
        """
        threshold = self.threshold if threshold is None else threshold
        if not sentences:
            return Check(source, 0.0, "", ("(empty source)",), 0.0)
        if vector is None:
            vector = self._embedder.embed([text])[0]
        if fact_entities is None:
            fact_entities = self.fact_entities(text)
        if source_tokens is None:
            source_tokens = tokens_of(sentences)
        counted = counted_nouns(text, fact_entities, self.settings.models.spacy_model)
        shortened = defined_acronyms(text)
        pool = _candidate_indices(text, sentences)
        sims = self._embedder.embed([sentences[i] for i in pool]) @ vector
        words = content_words(text)
        quoted = quotes(text)
        if len(words) >= MIN_FOCUSED_WORDS:
            sims = self._focused(sims, words, [sentences[i] for i in pool], vector, threshold)
        closest: Check | None = None
        found: Check | None = None
        first_verified = 0.0  # the similarity of the closest sentence that verifies
        named = len(fact_entities) >= MIN_NAMED_FOR_RELAXED
        floor = threshold - RELAXED_MARGIN
        for rank in np.argsort(-sims):
            similarity = float(sims[rank])
            if closest is not None and similarity < floor:
                break
            if found is not None and similarity < first_verified - EVIDENCE_MARGIN:
                break
            at = pool[int(rank)]
            evidence = sentences[at]
            tokens = normalise_tokens(evidence)
            present = set(tokens)
            # "He said ..." opening the evidence: the sentence before names him.
            named_before = present
            if at > 0 and not POINTERS.isdisjoint(tokens[:POINTER_OPENING]):
                named_before = present | set(normalise_tokens(sentences[at - 1]))
            # A name may stand in the sentence before or after ("..., the agency said. It
            # added that Arden ..."): names, not numbers, are read across that span.
            around = named_before | {
                t
                for i in (at - 1, at + 1)
                if 0 <= i < len(sentences)
                for t in normalise_tokens(sentences[i])
            }
            abbreviations = Abbreviations(evidence)  # "the DOB", "Department of Buildings"
            missing = [
                e for e, label in fact_entities
                if not vague_time(e, label)
                and not entity_supported(
                    (e, label), named_before if label in NUMERIC_LABELS else around,
                    source_tokens, abbreviations,
                )
                and not any(e in name and s in abbreviations.acronyms for name, s in shortened)
            ]  # fmt: skip
            missing += [
                e for e, noun in counted.items()
                if e not in missing
                and not entity_supported((noun, "CARDINAL"), named_before, source_tokens)
                and not self._counts_in(e, evidence)
            ]  # fmt: skip
            unquoted = [q for q in quoted if not contains_run(tokens, q)]
            if unquoted:
                # A quotation may be broken by who said it, or go on into the next sentence.
                following = sentences[at + 1] if at + 1 < len(sentences) else ""
                spoken = spoken_tokens(f"{evidence} {following}")
                missing += [q for q in unquoted if not contains_run(spoken, q)]
            covered = coverage(words, present)
            # Below the threshold: two names and most words, or every one of enough words.
            relaxed = (
                covered >= HIGH_COVERAGE
                if named
                else covered == 1.0 and len(words) >= MIN_WORDS_FOR_RELAXED
            )
            close = similarity >= threshold or (similarity >= floor and relaxed)
            # Names found beside the evidence count once the claim's other words are there.
            if close and not missing and covered < MIN_COVERAGE:
                covered = _with_names(words, present, fact_entities)
            verified = close and not missing and covered >= MIN_COVERAGE
            verdict = Check(source, similarity, evidence, tuple(missing), covered, verified)
            closest = closest or verdict
            if verified and found is None:
                first_verified = similarity
            if verified and (found is None or covered > found.coverage):
                found = verdict
        if found is not None:
            return found
        assert closest is not None
        return closest

    def _focused(
        self,
        sims: np.ndarray,
        words: set[str],
        evidence: Sequence[str],
        vector: np.ndarray,
        threshold: float,
    ) -> np.ndarray:
        """Similarities, each long evidence sentence read only where it holds the words.

        A quotation or a run-on sentence that states the claim among much else ("This season
        we carried more passengers than ever ...; sadly Tomas Varn was taken to hospital ...,
        so the winter timetable starts early ...") is far from the claim in embedding space,
        though one stretch of it says just what the claim says. When it holds most of the
        claim's words, that stretch (the shortest run of its words holding all those it shares
        with the claim) is compared instead, and counts only when it is similar enough by
        itself. The verdict's similarity is then the stretch's.
        """
        long_ones = [
            (k, span)
            for k, sentence in enumerate(evidence)
            if len(sentence.split()) > LONG_EVIDENCE * len(words)
            and (span := _stretch(sentence, words, HIGH_COVERAGE)) is not None
        ]
        if not long_ones:
            return sims
        focused = self._embedder.embed([span for _, span in long_ones]) @ vector
        out = sims.copy()
        for (k, _), similarity in zip(long_ones, focused, strict=True):
            if similarity >= threshold:
                out[k] = max(out[k], float(similarity))
        return out

    def _counts_in(self, count: str, evidence: str) -> bool:
        """Whether the evidence gives this count as a count ("three shows"), not in a date."""
        needle = set(normalise_tokens(count))
        return any(
            label == "CARDINAL" and needle <= set(normalise_tokens(text))
            for text, label in entities([evidence], model=self.settings.models.spacy_model)[0]
        )

    def check(
        self,
        text: str,
        sources: Mapping[int, Sequence[str]],
        *,
        threshold: float | None = None,
    ) -> list[Citation]:
        """Citations of every source that carries the sentence.

        Args:
            text: the sentence (extracted or generated).
            sources: source id -> that source's sentences.
            threshold: minimum similarity; default `[summary] verify_threshold`.

        Returns:
            One citation per source that passes, sorted by source id.
        """
        return self.check_many([text], sources, threshold=threshold)[0]

    def prepare(self, texts: Sequence[str], sources: Mapping[int, Sequence[str]]) -> None:
        """Embed, in one batch, the texts and every source sentence checking them will read.

        A caller that will check several texts one call at a time prepares them together
        first: a forward pass of one or two sentences costs about three times as much per
        sentence as a full batch.
        """
        needed = [
            sents[i]
            for text in texts
            for sents in sources.values()
            for i in _candidate_indices(text, sents)
        ]
        self._embedder.embed(list(dict.fromkeys([*texts, *needed])))

    def check_many(
        self,
        texts: Sequence[str],
        sources: Mapping[int, Sequence[str]],
        *,
        threshold: float | None = None,
        fact_entities: Sequence[Sequence[Entity]] | None = None,
        vocabulary: Mapping[int, set[str]] | None = None,
    ) -> list[list[Citation]]:
        """`check` for several sentences, with one embedding batch and one spaCy batch.

        `fact_entities`, when given, are each text's entities (a caller that parsed the texts
        already); otherwise spaCy finds them. `vocabulary`, when given, holds each source's
        tokens (`tokens_of`), for a caller that checks many sentences against one story.
        """
        threshold = self.threshold if threshold is None else threshold
        if not texts:
            return []
        self.prepare(texts, sources)
        vectors = self._embedder.embed(list(texts))
        if fact_entities is None:
            found = entities(texts, model=self.settings.models.spacy_model)
            fact_entities = [[(e, lb) for e, lb in ents if lb in FACT_LABELS] for ents in found]
        if vocabulary is None:
            vocabulary = {sid: tokens_of(sents) for sid, sents in sources.items()}
        out: list[list[Citation]] = []
        for t, text in enumerate(texts):
            citations: list[Citation] = []
            for sid, sentences in sorted(sources.items()):
                verdict = self.check_source(
                    text,
                    sid,
                    sentences,
                    vector=vectors[t],
                    fact_entities=fact_entities[t],
                    threshold=threshold,
                    source_tokens=vocabulary[sid],
                )
                if verdict.verified:
                    citations.append(Citation(sid, verdict.evidence, verdict.similarity))
                elif verdict.similarity >= threshold:
                    log.debug("source %d lacks %s for %r", sid, verdict.missing, text[:60])
            out.append(citations)
        return out


def _stretch(sentence: str, words: set[str], least: float) -> str | None:
    """The shortest run of a sentence's words that holds every claim word the sentence has.

    None when the sentence holds less than `least` of the claim's words.
    """
    if not words:
        return None
    pieces = sentence.split()
    hits: list[tuple[int, str]] = []
    for at, chunk in enumerate(pieces):
        tokens = normalise_tokens(chunk)
        hits += [(at, w) for w in words if any(same_word(w, t) for t in tokens)]
    wanted = {w for _, w in hits}
    if len(wanted) < least * len(words):
        return None
    best: tuple[int, int] = (0, len(pieces) - 1)
    counts: dict[str, int] = {}
    left = 0
    for right in range(len(hits)):
        counts[hits[right][1]] = counts.get(hits[right][1], 0) + 1
        while len(counts) == len(wanted):
            start, end = hits[left][0], hits[right][0]
            if end - start < best[1] - best[0]:
                best = (start, end)
            word = hits[left][1]
            counts[word] -= 1
            if not counts[word]:
                del counts[word]
            left += 1
    return " ".join(pieces[best[0] : best[1] + 1])


def _candidate_indices(text: str, sentences: Sequence[str]) -> list[int]:
    """All sentences of a short source; of a longer one, those sharing the most words."""
    if len(sentences) <= 3 * LEXICAL_PREFILTER:
        return list(range(len(sentences)))
    wanted = set(normalise_tokens(text)) - ENTITY_FILLERS
    overlaps = [(len(wanted & set(normalise_tokens(s))), -i) for i, s in enumerate(sentences)]
    ranked = sorted(range(len(sentences)), key=lambda i: overlaps[i], reverse=True)
    return sorted(set(ranked[: 2 * LEXICAL_PREFILTER]))
