"""Retrieval for follow-up questions: BM25 over paragraphs, then BM25 + MiniLM over sentences.

Splitting with pysbd (~0.7 ms a sentence) and embedding (~6 ms a sentence on 2 cores) are what
a question costs, so an index splits a paragraph only once BM25 puts it in the running and embeds
only the best few sentences. Both are cached (split per paragraph in `sentences`, embeddings per
text in `nlp`), so a second question about the same story is cheaper than the first.

A sentence is scored with its neighbours as context: a sentence whose neighbour names the
subject ("He said ...") still ranks when the question names it.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .config import Settings
from .dates import as_utc
from .models import Source
from .nlp import get_embedder
from .sentences import split_paragraph
from .text import fold

__all__ = ["Hit", "QAIndex", "coverage", "query_terms", "terms"]

K1 = 1.2  # BM25 term-frequency saturation (the usual Okapi value)
B = 0.75  # BM25 length normalisation
TOP_PASSAGES = 20  # paragraphs split into sentences per question
# Short answers are voted on by many sentences, so the pool is deeper than the few best.
TOP_SENTENCES = 24
EMBEDDED = 12  # of those, the lexically best embedded: ~6 ms a sentence on 2 cores
EMBED_BATCH = 8  # sentences embedded per batch, grouped by length (less padding)
CONTEXT_WEIGHT = 0.3  # share of the best neighbour's BM25 added to a sentence's own
LONG_PASSAGE_CHARS = 800  # paragraphs longer than this are cut into chunks before pysbd
TITLE_WEIGHT = 0.85  # a headline matches many question words but rarely answers the question
# A question about this week's news is answered from this week's articles, not last year's
# background piece: an article RECENCY_HALF_DAYS older than the story's newest loses half of
# what it can lose; however old, it keeps RECENCY_FLOOR of its weight, so a stale article that
# alone answers still does. On realtimeqa dev (articles dated by their URLs): +3 correct of 160
# at 30 days / 0.3; every setting tried from 14 to 90 days and 0 to 0.7 gained or tied.
RECENCY_HALF_DAYS = 30.0
RECENCY_FLOOR = 0.3
# Hybrid score = lexical (BM25 over the candidates' best) + dense (cosine) + the article's
# coverage of the question terms, which favours the article that is about the question.
W_LEXICAL = 0.35
W_DENSE = 0.55
W_ARTICLE = 0.10

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_DIGIT_GROUP = re.compile(r"(?<=\d),(?=\d{3})")
# Hard-wrapped text breaks lines mid-sentence; a line ending a sentence also ends a passage.
_LINE_END = re.compile(r"(?<=[.!?\"”’:)])[ \t]*\n(?=\S)")
_BLANK = re.compile(r"\n\s*\n")
_CHUNK_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“A-Z0-9])")

# Words that carry no topic: function words, question words, and the fillers of news questions.
# Not spaCy's list, which drops "one", "two", "first", "last", "top", "fire", "us": words a
# story and a question about it are often about.
TOPICLESS_WORDS = frozenset(
    """
    a about above after again against all also am an and any anyone anything are aren't as at
    be because been before being below between both but by can could did didn't do does doesn't
    doing don't down during each else ever few for from further had has have having he her here
    hers herself him himself his how i if in into is isn't it it's its itself just let me more
    most my myself no nor not now of off on once only or other others our ours out over own per
    really recently reportedly same say says she should so some such than that that's the their
    theirs them themselves then there these they this those through to too under until up upon
    us very was wasn't we were weren't what what's when where which while who whom whose why
    will with would you your yours week weeks year's today yesterday true false according
    """.split()  # noqa: SIM905 (a word list reads better as prose)
)


# The country as each outlet writes it, one term: folded, "the US" is the topicless "us", and
# "U.S." two letters.
_COUNTRY_FORMS = (
    (re.compile(r"(?<![\w.])(?:U\.S\.(?:A\.)?|USA?\b|United States(?: of America)?\b)"), "usa"),
    (re.compile(r"(?<![\w.])(?:U\.K\.|UK\b|United Kingdom\b)"), "britain"),
)


def _fold(text: str) -> str:
    """Folded text (`text.fold`, no marks) without digit-group commas: what tokens are made of."""
    for form, term in _COUNTRY_FORMS:
        text = form.sub(term, text)
    return _DIGIT_GROUP.sub("", fold(text, accents=False))


def _stem(word: str) -> str:
    """A light suffix stripper: enough to meet 'killed'/'kills', 'seeds'/'seed'."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


@lru_cache(maxsize=100_000)
def terms(text: str) -> tuple[str, ...]:
    """Content terms of a text: folded, stemmed, topicless words dropped (cached per text)."""
    return tuple(_stem(w) for w in _WORD.findall(_fold(text)) if w not in TOPICLESS_WORDS)


def query_terms(text: str, weight: float = 1.0) -> dict[str, float]:
    """Distinct content terms of a question, each with a weight."""
    return dict.fromkeys(terms(text), weight)


@dataclass(frozen=True, slots=True)
class _Passage:
    source: int  # index into QAIndex.sources
    text: str
    terms: Counter[str]
    length: int
    is_title: bool


@dataclass(frozen=True, slots=True)
class Hit:
    """One retrieved sentence with its scores."""

    source: int  # index into QAIndex.sources
    passage: int
    index: int  # sentence index within the passage
    text: str
    lexical: float  # BM25 with context, relative to the best candidate (0-1)
    dense: float  # cosine similarity to the question
    score: float  # the hybrid score that ranks hits, weighed by the article's recency
    vector: np.ndarray
    relevance: float = 0.0  # the hybrid score alone: how well the sentence matches, however old


def _passages(text: str) -> list[str]:
    """Paragraphs of an article; over-long ones cut into chunks of whole sentences."""
    out: list[str] = []
    for block in _BLANK.split(_LINE_END.sub("\n\n", text)):
        block = block.strip()
        if len(block) <= LONG_PASSAGE_CHARS:
            if block:
                out.append(block)
            continue
        # A cheap regex pre-cut keeps pysbd's cost per call bounded; pysbd still decides
        # the real sentence boundaries inside each chunk.
        chunk = ""
        for piece in _CHUNK_BREAK.split(block):
            if chunk and len(chunk) + len(piece) > LONG_PASSAGE_CHARS // 2:
                out.append(chunk)
                chunk = ""
            chunk = f"{chunk} {piece}" if chunk else piece
        if chunk:
            out.append(chunk)
    return out


def _recency(sources: Sequence[Source]) -> list[float]:
    """Per source, 1 for the newest dated article, falling with its age behind it.

    Undated sources weigh 1: nothing says they are stale.
    """
    # A naive date (a library caller's) is taken as UTC, so it compares with aware ones.
    dates = [as_utc(s.published) if s.published else None for s in sources]
    newest = max((d for d in dates if d is not None), default=None)
    if newest is None:
        return [1.0] * len(sources)
    days = [0.0 if d is None else (newest - d).total_seconds() / 86400 for d in dates]
    return [RECENCY_FLOOR + (1 - RECENCY_FLOOR) / (1 + age / RECENCY_HALF_DAYS) for age in days]


def coverage(
    query: Mapping[str, float], present: Collection[str], idf: Mapping[str, float]
) -> float:
    """Share of the question's (IDF- and weight-scaled) terms found in `present`, 0-1."""
    total = sum(w * idf[t] for t, w in query.items())
    if total <= 0:
        return 0.0
    return sum(w * idf[t] for t, w in query.items() if t in present) / total


class QAIndex:
    """The sources of one story, cut into paragraphs for BM25; sentences split and embedded lazily.

    Build it once per story (`qa.build_index`) and reuse it for every question about the story:
    paragraphs are split and sentences embedded the first time a question needs them, then kept.
    """

    def __init__(self, sources: Sequence[Source], settings: Settings) -> None:
        self.sources: tuple[Source, ...] = tuple(sources)
        self.settings = settings
        self.passages: list[_Passage] = []
        self.source_terms: list[frozenset[str]] = []
        for i, source in enumerate(self.sources):
            seen: set[str] = set()
            texts = ([source.title.strip()] if source.title and source.title.strip() else []) + [
                p for p in _passages(source.text or "")
            ]
            for n, text in enumerate(texts):
                words = terms(text)
                seen.update(words)
                is_title = n == 0 and bool(source.title and source.title.strip())
                self.passages.append(_Passage(i, text, Counter(words), len(words), is_title))
            self.source_terms.append(frozenset(seen))
        self.recency = _recency(self.sources)
        self.df: Counter[str] = Counter(t for p in self.passages for t in p.terms)
        self.avgdl = max(1.0, sum(p.length for p in self.passages) / max(1, len(self.passages)))
        self._split: dict[int, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.passages)

    @property
    def empty(self) -> bool:
        """True when no source has any text to answer from."""
        return not any(p.length for p in self.passages)

    def idf(self, query: Mapping[str, float]) -> dict[str, float]:
        """BM25 IDF of each query term; a term absent from every source gets the highest."""
        n = len(self.passages)
        return {t: math.log(1 + (n - self.df[t] + 0.5) / (self.df[t] + 0.5)) for t in query}

    def sentences(self, passage: int) -> tuple[str, ...]:
        """Sentences of one passage (a headline is one sentence), split once."""
        with self._lock:
            cached = self._split.get(passage)
        if cached is None:
            p = self.passages[passage]
            cached = (p.text,) if p.is_title else split_paragraph(p.text)
            with self._lock:
                self._split[passage] = cached
        return cached

    def opens_source(self, passage: int, index: int) -> bool:
        """Whether a sentence is the first of its source's text (after the headline): its lead."""
        if index != 0 or self.passages[passage].is_title:
            return False
        before = passage - 1
        return (
            before < 0
            or self.passages[before].source != self.passages[passage].source
            or self.passages[before].is_title
        )

    def step(self, passage: int, index: int, direction: int) -> tuple[int, int] | None:
        """The sentence after (direction 1) or before (-1) one, within the same source."""
        source = self.passages[passage].source
        index += direction
        while 0 <= passage < len(self.passages) and self.passages[passage].source == source:
            count = len(self.sentences(passage))
            if 0 <= index < count:
                return passage, index
            passage += direction
            if not (0 <= passage < len(self.passages)):
                break
            index = 0 if direction > 0 else len(self.sentences(passage)) - 1
        return None

    def locate(self, text: str, sources: Collection[int] = ()) -> tuple[int, int] | None:
        """Where a sentence stands (first match), searching the given source indexes first."""
        order = sorted(
            range(len(self.passages)), key=lambda p: self.passages[p].source not in sources
        )
        needle = " ".join(text.split())
        for p in order:
            if needle[:40] not in " ".join(self.passages[p].text.split()):
                continue
            for i, sentence in enumerate(self.sentences(p)):
                if sentence == needle:
                    return p, i
        return None

    def _bm25(
        self,
        tf: Counter[str],
        length: int,
        avgdl: float,
        query: Mapping[str, float],
        idf: Mapping[str, float],
    ) -> float:
        score = 0.0
        norm = K1 * (1 - B + B * length / avgdl)
        for term, weight in query.items():
            f = tf.get(term, 0)
            if f:
                score += weight * idf[term] * f * (K1 + 1) / (f + norm)
        return score

    def search(
        self,
        query: Mapping[str, float],
        text: str,
        *,
        sources: Collection[int] | None = None,
        boost: re.Pattern[str] | None = None,
    ) -> list[Hit]:
        """Sentences that best answer a question, best first.

        Args:
            query: weighted content terms (`query_terms`).
            text: the question as embedded for the dense score.
            sources: source indexes to search; None for all.
            boost: sentences matching it get a small lift (digits for a "how many" question).

        Returns:
            Up to TOP_SENTENCES hits; empty when no paragraph shares a term with the question.

        """
        if not query or self.empty:
            return []
        idf = self.idf(query)
        allowed = (
            range(len(self.passages))
            if sources is None
            else [p for p in range(len(self.passages)) if self.passages[p].source in sources]
        )
        pscore = {
            p: self._bm25(self.passages[p].terms, self.passages[p].length, self.avgdl, query, idf)
            * self.recency[self.passages[p].source]
            for p in allowed
        }
        top = [p for p in sorted(pscore, key=pscore.__getitem__, reverse=True) if pscore[p] > 0]
        top = top[:TOP_PASSAGES]
        if not top:
            return []
        article = [coverage(query, st, idf) for st in self.source_terms]

        rows: list[tuple[int, int, str, Counter[str], int]] = []
        for p in top:
            for i, sentence in enumerate(self.sentences(p)):
                words = terms(sentence)
                rows.append((p, i, sentence, Counter(words), len(words)))
        avgdl = max(1.0, sum(r[4] for r in rows) / len(rows))
        own = {(r[0], r[1]): self._bm25(r[3], r[4], avgdl, query, idf) for r in rows}
        lexical: list[float] = []
        for p, i, _, _, _ in rows:
            count = len(self.sentences(p))
            near = [own.get((p, j), 0.0) for j in (i - 1, i + 1) if 0 <= j < count]
            # At a paragraph edge the neighbour is the next paragraph: news paragraphs are often
            # one sentence long. Its paragraph score, halved, stands in for its sentence score.
            for j, edge in ((p - 1, i == 0), (p + 1, i == count - 1)):
                if (
                    edge
                    and 0 <= j < len(self.passages)
                    and (
                        self.passages[j].source == self.passages[p].source
                        and not self.passages[j].is_title
                    )
                ):
                    near.append(0.5 * pscore.get(j, 0.0))
            score = own[(p, i)] + CONTEXT_WEIGHT * max(near, default=0.0)
            if self.passages[p].is_title:
                score *= TITLE_WEIGHT
            lexical.append(score)
        best_lex = max(lexical) or 1.0
        lifted = [
            lex / best_lex + (0.15 if boost is not None and boost.search(r[2]) else 0.0)
            for lex, r in zip(lexical, rows, strict=True)
        ]
        chosen = sorted(range(len(rows)), key=lambda k: lifted[k], reverse=True)[:TOP_SENTENCES]
        embedded = chosen[:EMBEDDED]
        # News sentences run from 10 to 100+ word pieces: small batches of neighbours in length
        # pad less (a third faster than one batch of all).
        vectors = get_embedder(self.settings.models).embed(
            [text] + [rows[k][2] for k in embedded], batch_size=EMBED_BATCH
        )
        qvec, svecs = vectors[0], vectors[1:]
        dense = [float(c) for c in svecs @ qvec]
        # Embedding is most of a question's cost, so the lexical tail is not embedded: it gets
        # the lowest cosine of the sentences that were (they outranked it lexically) and no
        # vector (a zero one, similar to nothing).
        tail = len(chosen) - len(embedded)
        dense += [min(dense, default=0.0)] * tail
        svecs = np.concatenate([svecs, np.zeros((tail, svecs.shape[1]), dtype=svecs.dtype)])
        hits: list[Hit] = []
        for k, vector, cos in zip(chosen, svecs, dense, strict=True):
            p, i, sentence = rows[k][0], rows[k][1], rows[k][2]
            source = self.passages[p].source
            relevance = (
                W_LEXICAL * lifted[k] + W_DENSE * max(0.0, float(cos)) + W_ARTICLE * article[source]
            )
            hits.append(
                Hit(
                    source,
                    p,
                    i,
                    sentence,
                    lexical[k] / best_lex,
                    float(cos),
                    self.recency[source] * relevance,
                    vector,
                    relevance,
                )
            )
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits

    def window_terms(self, hit: Hit) -> set[str]:
        """Terms of a hit's sentence, its neighbours, and its article's headline."""
        found = set(terms(hit.text))
        for direction in (-1, 1):
            near = self.step(hit.passage, hit.index, direction)
            if near is not None:
                found.update(terms(self.sentences(near[0])[near[1]]))
        for p in range(hit.passage, -1, -1):
            if self.passages[p].source != hit.source:
                break
            if self.passages[p].is_title:
                found.update(self.passages[p].terms)
                break
        return found
