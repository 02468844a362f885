"""The answer and the sources that state it.

A typed question's short answer leads, quoted from its best sentence; else the best sentence.
Every source that states it is cited (under any of its names), and when sources give different
numbers for the same fact, each is shown with its citation. Two answers need no retrieval:
what a source says next ("What did he say next?") and each source's figures ("Does anyone
report the numbers?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..config import Settings
from ..models import Answer
from ..nlp import get_embedder
from ..retrieve import Hit, QAIndex
from .amounts import _unit
from .candidates import _Candidate, _candidates, _type_fit, _typed_rerank
from .followups import _Query
from .norm import _norm
from .questions import _NUMERIC
from .quotes import SHORT_QUOTE_CHARS, _clause, _dont_say, _marks, _quote

SUPPORT_RATIO = 0.35  # a source "states" an answer in a hit scoring this share of the best
DISAGREE_RATIO = 0.85  # a conflicting number counts only from a hit this close to the best
SAME_FACT_COSINE = 0.7  # two sentences giving different numbers must be about the same thing
DISAGREE_SUPPORT = 0.5  # the second value needs at least half the first one's support
ALSO_STATING_SENTENCES = 2  # per uncited source, sentences holding the answer compared


MAX_NUMBER_SOURCES = 3  # "Does anyone report the numbers?": a figure from this many sources
NEXT_LOOKAHEAD = 3  # "what did he say next": look this many sentences on for a quote


def _also_stating(
    answer: str, evidence: Hit, cited: set[int], index: QAIndex, settings: Settings
) -> set[int]:
    """Other sources that state the short answer in words retrieval did not match.

    "Trade Minister Ilse Moravec met the ambassador ... at the Old Customs House" shares no
    word with "Where were the talks held?" yet states the answer: a sentence of another source
    holding the answer and as close to the evidence as two sentences stating one fact (the
    digest's `align_threshold`) counts. Only paragraphs holding the answer are split.
    """
    needle = _norm(answer)
    found: list[tuple[int, str]] = []
    for p, passage in enumerate(index.passages):
        if passage.source in cited or not needle or needle not in _norm(passage.text):
            continue
        # Each sentence checked is one more to embed: a few per source are enough.
        if sum(source == passage.source for source, _ in found) >= ALSO_STATING_SENTENCES:
            continue
        found += [(passage.source, t) for t in index.sentences(p) if needle in _norm(t)][
            :ALSO_STATING_SENTENCES
        ]
    if not found:
        return set()
    vectors = get_embedder(index.settings.models).embed([evidence.text] + [t for _, t in found])
    similar = vectors[1:] @ vectors[0]
    return {
        source
        for (source, _), cos in zip(found, similar, strict=True)
        if cos >= settings.summary.align_threshold
    }


def _states(hit: Hit, answer: str) -> bool:
    return _norm(answer) in _norm(hit.text)


def _select(query: _Query, hits: list[Hit], index: QAIndex, settings: Settings) -> Answer:
    """The short answer (for typed questions) or the best sentence, with every citing source."""
    best = hits[0]
    floor = SUPPORT_RATIO * best.score
    ids = [s.id for s in index.sources]
    if query.kind is not None:
        hits, found = _typed_rerank(query, hits, index)
        best = hits[0]
        candidates = _candidates(query, hits, found)
        if query.kind == "thing":
            candidates = _type_fit(query, candidates, index)
        numeric = query.kind in _NUMERIC
        if not candidates and numeric:
            # Asked for a number or a date and no strong sentence gives one: don't guess.
            return _dont_say()
        if candidates:
            top = candidates[0]
            # The best hit that holds the answer as shown (merged forms may differ).
            evidence = next(
                (hits[k] for k in top.hits if top.text.lower() in hits[k].text.lower()),
                hits[top.hits[0]],
            )
            forms = top.aliases or (top.text,)
            sources = {
                h.source
                for h in hits
                if h.score >= floor and any(_states(h, form) for form in forms)
            }
            sources |= {evidence.source}
            sources |= _also_stating(top.text, evidence, sources, index, settings)
            stating = sorted(ids[k] for k in sources)
            if numeric:
                split = _disagreement(top, candidates[1:], hits, floor, index)
                if split is not None:
                    return split
            # The short answer leads, so its quote only needs the words around it.
            quote = _quote(_clause(evidence.text, top.text), top.text, SHORT_QUOTE_CHARS)
            return Answer(
                text=f"{top.text} — “{quote}” {_marks(stating)}",
                citations=stating,
                answered=True,
                short_answer=top.text,
                evidence=[evidence.text],
            )
    same = {ids[best.source]}
    for hit in hits[1:]:
        if (
            hit.score >= floor
            and float(hit.vector @ best.vector) >= settings.summary.align_threshold
        ):
            same.add(ids[hit.source])
    cites = sorted(same)
    return Answer(
        text=f"{_quote(best.text)} {_marks(cites)}",
        citations=cites,
        answered=True,
        evidence=[best.text],
    )


def _disagreement(
    top: _Candidate, rest: Sequence[_Candidate], hits: Sequence[Hit], floor: float, index: QAIndex
) -> Answer | None:
    """Both sides when another source gives a different number for the same fact, else None.

    Strict on purpose: both values must be well supported, count the same unit, come from
    near-equal sentences in different sources, and neither source may also state the other's.
    """
    ids = [s.id for s in index.sources]
    first = hits[top.hits[0]]
    near = DISAGREE_RATIO * hits[0].score
    for other in rest:
        if other.label != top.label or other.score < DISAGREE_SUPPORT * top.score:
            continue
        if _unit(other.text) != _unit(top.text):
            continue
        for rank in other.hits:
            hit = hits[rank]
            if hit.source == first.source or hit.score < near or _states(hit, top.text):
                continue
            if float(hit.vector @ first.vector) < SAME_FACT_COSINE:
                continue
            if any(
                h.source == hit.source and h.score >= floor and _states(h, top.text) for h in hits
            ):
                continue
            if any(
                h.source == first.source and h.score >= floor and _states(h, other.text)
                for h in hits
            ):
                continue
            a, b = ids[first.source], ids[hit.source]
            return Answer(
                text=(
                    f"The sources differ: {top.text} — “{_quote(first.text, top.text)}” [{a}]; "
                    f"{other.text} — “{_quote(hit.text, other.text)}” [{b}]"
                ),
                citations=sorted({a, b}),
                answered=True,
                evidence=[first.text, hit.text],
            )
    return None


_ANY_NUMBERS = re.compile(r"\b(?:the )?(?:numbers|figures|statistics|stats)\b", re.IGNORECASE)
_HAS_NUMBER = re.compile(r"\d")


def _numbers(index: QAIndex, sources: frozenset[int] | None) -> tuple[Answer, float]:
    """Answer "Does anyone report the numbers?": each source's first sentence with a figure."""
    picked: list[tuple[int, str]] = []
    for p, passage in enumerate(index.passages):
        if passage.is_title or (sources is not None and passage.source not in sources):
            continue
        if any(source == passage.source for source, _ in picked):
            continue
        for sentence in index.sentences(p):
            if _HAS_NUMBER.search(sentence):
                picked.append((passage.source, sentence))
                break
        if len(picked) >= MAX_NUMBER_SOURCES:
            break
    if not picked:
        return _dont_say("no source gives a figure"), 0.0
    ids = [index.sources[source].id for source, _ in picked]
    text = "; ".join(
        f"“{_quote(sentence)}” [{i}]" for i, (_, sentence) in zip(ids, picked, strict=False)
    )
    return Answer(
        text=text, citations=sorted(set(ids)), answered=True, evidence=[s for _, s in picked]
    ), 1.0


_QUOTE = re.compile(r"[\"“”]|\b(?:said|says|told|added)\b")


def _answer_next(index: QAIndex, spot: tuple[int, int]) -> Answer:
    """What the source says after the previous answer's evidence, preferring a quote."""
    found: list[tuple[int, int]] = []
    here: tuple[int, int] | None = spot
    for _ in range(NEXT_LOOKAHEAD):
        here = index.step(here[0], here[1], 1) if here else None
        if here is None:
            break
        found.append(here)
    if not found:
        return _dont_say("the article says nothing after that")
    pick = next((f for f in found if _QUOTE.search(index.sentences(f[0])[f[1]])), found[0])
    sentence = index.sentences(pick[0])[pick[1]]
    source = index.sources[index.passages[pick[0]].source]
    return Answer(
        text=f"{_quote(sentence)} {_marks([source.id])}",
        citations=[source.id],
        answered=True,
        evidence=[sentence],
    )
