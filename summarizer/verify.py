"""Stage 6: check every digest sentence against each source it may cite.

A source may be cited for a sentence only when
1. the source's closest sentence is similar enough (MiniLM cosine), and
2. every name, number and date in the sentence (spaCy entities) appears in that closest sentence
   or its immediate neighbours, after normalising case, punctuation and number words, and
3. every direct quotation in the sentence appears there word for word.
A citation that fails is removed; a sentence left with none is dropped by the caller. The same
check guards generated sentences and headlines, so nothing in a digest goes beyond its sources.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .config import Settings
from .models import Citation
from .nlp import FACT_LABELS, Entity, entities, get_embedder

__all__ = ["Check", "Verifier", "entity_in_text", "normalise_tokens", "quotes"]

log = logging.getLogger(__name__)

NEIGHBOURS = 1  # sentences either side of the closest one where entities may also appear
# Per source, only the sentences sharing the most words with the claim are embedded and compared:
# a paraphrase shares its names and key words, and embedding every sentence of every source for
# every claim would dominate the run time.
LEXICAL_PREFILTER = 8
# Words that may differ between two wordings of one entity ("the U.S." vs "U.S.").
# Hedges are dropped too: "about 3:40 a.m." and "around 3:40 a.m." state the same time.
_ENTITY_STOPWORDS = frozenset(
    {"the", "a", "an", "of", "s", "and", "'s", "’s", "about", "around", "approximately",
     "roughly", "some", "nearly", "almost", "circa", "estimated", "at"}
)  # fmt: skip
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "dozen": "12", "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
    "percent": "%", "pct": "%", "dollar": "$", "dollars": "$", "usd": "$", "euros": "€",
    "bn": "billion", "mn": "million", "m": "million", "k": "thousand",
}  # fmt: skip
MIN_QUOTE_WORDS = 3  # shorter quoted bits are scare quotes or names ("calm"), not statements
_QUOTE = re.compile(r'“([^”]+)”|"([^"]+)"')
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%|\$|€|£|¥", re.UNICODE)
_ORDINAL_SUFFIX = re.compile(r"(\d)(?:st|nd|rd|th)\b")  # "21st" -> "21", like "first" -> "1"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"'s\b", "", text)
    text = _ORDINAL_SUFFIX.sub(r"\1", text)
    # "U.S." -> "us", "U.N." -> "un": dotted abbreviations become one token.
    return re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", ""), text)


@lru_cache(maxsize=50_000)
def normalise_tokens(text: str) -> tuple[str, ...]:
    """Lower-cased word and number tokens, number words mapped to digits, '5,000' -> '5000'."""
    out: list[str] = []
    for token in _TOKEN.findall(_fold(text)):
        if token[0].isdigit():
            token = token.replace(",", "")
            if token.endswith(".0"):
                token = token[:-2]
        out.append(_NUMBER_WORDS.get(token, token))
    return tuple(out)


def entity_in_text(entity: str, tokens: set[str]) -> bool:
    """Whether every content token of an entity appears among the given normalised tokens."""
    return set(normalise_tokens(entity)) - _ENTITY_STOPWORDS <= tokens


def quotes(text: str) -> list[str]:
    """Direct quotations of three words or more: a source must carry them word for word."""
    spans = _QUOTE.findall(text)
    return [q for pair in spans for q in pair if q and len(q.split()) >= MIN_QUOTE_WORDS]


def _contains_run(tokens: Sequence[str], quote: str) -> bool:
    needle = normalise_tokens(quote)
    if not needle:
        return True
    first = needle[0]
    return any(
        tokens[i : i + len(needle)] == needle for i, token in enumerate(tokens) if token == first
    )


@dataclass(frozen=True, slots=True)
class Check:
    """The verdict on one (sentence, source) pair."""

    source: int
    similarity: float
    evidence: str
    missing: tuple[str, ...]  # entities of the sentence the source does not have near `evidence`

    @property
    def passed(self) -> bool:
        """No entity missing (the similarity is judged by the caller's threshold)."""
        return not self.missing


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
    ) -> Check:
        """Compare one sentence with one source's sentences.

        Args:
            text: the digest sentence.
            source: the source id.
            sentences: that source's sentences in reading order.
            vector: the sentence's embedding, when the caller has it.
            fact_entities: the sentence's entities, when the caller has them.

        Returns:
            The closest sentence, its similarity, and the entities missing around it.
        """
        if not sentences:
            return Check(source, 0.0, "", ("(empty source)",))
        if vector is None:
            vector = self._embedder.embed([text])[0]
        if fact_entities is None:
            fact_entities = self.fact_entities(text)
        pool = _candidate_indices(text, sentences)
        sims = self._embedder.embed([sentences[i] for i in pool]) @ vector
        best = pool[int(np.argmax(sims))]
        similarity = float(np.max(sims))
        window = sentences[max(0, best - NEIGHBOURS) : best + NEIGHBOURS + 1]
        window_tokens = normalise_tokens(" ".join(window))
        tokens = set(window_tokens)
        missing = [e for e, _ in fact_entities if not entity_in_text(e, tokens)]
        missing += [q for q in quotes(text) if not _contains_run(window_tokens, q)]
        return Check(source, similarity, sentences[best], tuple(missing))

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

    def check_many(
        self,
        texts: Sequence[str],
        sources: Mapping[int, Sequence[str]],
        *,
        threshold: float | None = None,
    ) -> list[list[Citation]]:
        """`check` for several sentences, with one embedding batch and one spaCy batch."""
        threshold = self.threshold if threshold is None else threshold
        if not texts:
            return []
        pools = {
            (t, sid): _candidate_indices(text, sents)
            for t, text in enumerate(texts)
            for sid, sents in sources.items()
        }
        needed = list(
            dict.fromkeys(sources[sid][i] for (_, sid), pool in pools.items() for i in pool)
        )
        # One batch for every sentence involved: small batches waste most of the model time.
        self._embedder.embed([*texts, *needed])
        vectors = self._embedder.embed(list(texts))
        found = entities(texts, model=self.settings.models.spacy_model)
        out: list[list[Citation]] = []
        for t, text in enumerate(texts):
            ents = [(e, label) for e, label in found[t] if label in FACT_LABELS]
            citations: list[Citation] = []
            for sid, sentences in sorted(sources.items()):
                verdict = self.check_source(
                    text, sid, sentences, vector=vectors[t], fact_entities=ents
                )
                if verdict.similarity < threshold:
                    continue
                if verdict.passed:
                    citations.append(Citation(sid, verdict.evidence, verdict.similarity))
                else:
                    log.debug("source %d lacks %s for %r", sid, verdict.missing, text[:60])
            out.append(citations)
        return out


def _candidate_indices(text: str, sentences: Sequence[str]) -> list[int]:
    """All sentences of a short source; of a longer one, those sharing the most words."""
    if len(sentences) <= 3 * LEXICAL_PREFILTER:
        return list(range(len(sentences)))
    wanted = set(normalise_tokens(text)) - _ENTITY_STOPWORDS
    overlaps = [(len(wanted & set(normalise_tokens(s))), -i) for i, s in enumerate(sentences)]
    ranked = sorted(range(len(sentences)), key=lambda i: overlaps[i], reverse=True)
    return sorted(set(ranked[: 2 * LEXICAL_PREFILTER]))
