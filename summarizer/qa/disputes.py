"""Sources that disagree on what is asked: each value with the sources that state it.

One outlet counts 1,200 strikers and another 1,800; one says the harbour master ordered the
evacuation and another the coastguard commander; one dates it Thursday and another Wednesday.
The answer then shows both sides, each quoted and cited, instead of leading with one.

Strict on purpose, since a false "the sources differ" misleads as much as a wrong answer: the
two values come from different sources, from sentences about the same fact (near in meaning
and both retrieved near the answer's evidence), neither source states the other's value, and
the two values can differ at all (numbers count the same unit; dates name the same kind of
day: "Thursday" and "March 4" may be one day). A name must stand in the asked role in its
sentence, as the parse reads it (`roles`), for both values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..models import Answer
from ..nlp import get_embedder
from ..retrieve import Hit, QAIndex
from . import roles
from .amounts import _AMOUNTS, _unit
from .candidates import _Candidate
from .norm import _norm
from .quotes import _marks, _quote

DISAGREE_RATIO = 0.8  # the other value's sentence scores at least this share of the evidence's
SAME_FACT_COSINE = 0.7  # two sentences giving different values must be about the same thing
DISAGREE_SUPPORT = 0.5  # a number needs at least half the votes of the one that leads
# A name or date whose role the parse reads needs fewer votes: one outlet of three is a side.
READ_SUPPORT = 0.25

_NAMES = frozenset({"person", "org"})
_NAME_LABELS = frozenset({"PERSON", "ORG"})  # the small model calls people firms and back
DISPUTED = _AMOUNTS | _NAMES | {"date"}  # kinds of answer whose values can disagree

_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split()  # noqa: SIM905
)
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {name: name[:3] for name in _MONTH_NAMES.split()}
_MONTHS |= {short: short for short in _MONTHS.values()} | {"sept": "sep"}
_DATE_WORD = re.compile(r"[a-z]+|\d+")


def date_parts(text: str) -> dict[str, str]:
    """The parts a date names: weekday, month, day of the month, year.

    "Wednesday night" -> {weekday: wed}; "Jan. 14, 2023" -> {month: jan, day: 14, year: 2023};
    "last week" -> {} (nothing to compare).
    """
    parts: dict[str, str] = {}
    words = _DATE_WORD.findall(text.lower())
    for k, word in enumerate(words):
        if word.isdigit():
            beside = words[max(0, k - 1) : k] + words[k + 1 : k + 2]
            if len(word) == 4:
                parts["year"] = word
            elif 1 <= int(word) <= 31 and any(w in _MONTHS for w in beside):
                parts["day"] = str(int(word))  # "January 14", "14 January"
        elif word in _WEEKDAYS:
            parts["weekday"] = word[:3]
        elif word in _MONTHS:
            parts["month"] = _MONTHS[word]
    return parts


def _differ(kind: str, top: _Candidate, other: _Candidate) -> bool:
    """Whether two values can be different answers to one question, not one said two ways."""
    if kind == "date":
        first, second = date_parts(top.text), date_parts(other.text)
        shared = first.keys() & second.keys()
        return other.label == top.label and any(first[k] != second[k] for k in shared)
    if kind in _AMOUNTS:
        return other.label == top.label and _unit(other.text) == _unit(top.text)
    # Two names: the candidates were merged already ("Brandt" into "Ivo Brandt").
    a, b = _norm(top.text), _norm(other.text)
    return {top.label, other.label} <= _NAME_LABELS and a not in b and b not in a


def _same_fact(first: Hit, one: str, second: Hit, other: str, index: QAIndex) -> bool:
    """Whether two sentences state one fact, each with its own value.

    The values are cut out first: two names weigh so much in a sentence's embedding that
    "restored by the Dunmore Heritage Trust" and "restored by the Arkwright Foundation" would
    read as two facts.
    """
    if float(first.vector @ second.vector) >= SAME_FACT_COSINE:
        return True
    masked = [_without(first.text, one), _without(second.text, other)]
    vectors = get_embedder(index.settings.models).embed(masked)
    return float(vectors[0] @ vectors[1]) >= SAME_FACT_COSINE


def _without(text: str, value: str) -> str:
    return " ".join(re.sub(re.escape(value), " ", text, flags=re.IGNORECASE).split())


def _states(hit: Hit, value: _Candidate) -> bool:
    """Whether a hit states a value under any of its names ("Brandt", "Ivo Brandt")."""
    said = _norm(hit.text)
    return any(_norm(form) in said for form in {value.text, *value.aliases})


def disagreement(
    kind: str,
    top: _Candidate,
    evidence: Hit,
    rest: Sequence[_Candidate],
    hits: Sequence[Hit],
    *,
    floor: float,
    index: QAIndex,
    stating: Sequence[int],
    fits: Callable[[Hit, str], int],
) -> Answer | None:
    """Both sides when another source gives a different value for what is asked, else None.

    Args:
        kind: the kind of answer asked for (`questions._kind`); only DISPUTED kinds differ.
        top: the short answer chosen, stated by `evidence`.
        evidence: the hit the short answer is quoted from.
        rest: the other candidates, best first.
        hits: the hits voted on, best first.
        floor: the score a hit needs to count as a source stating a value.
        index: the story's index (for source ids).
        stating: ids of the sources that state the short answer.
        fits: how well a value fits the asked role in a hit (`roles.CONFIRMED` ...).

    Returns:
        "The sources differ: A — “…” [1][2]; B — “…” [3]", or None when they do not.

    """
    if kind not in DISPUTED:
        return None
    ids = [s.id for s in index.sources]
    named = kind in _NAMES
    read = kind in _NAMES or kind == "date"
    support = READ_SUPPORT if read else DISAGREE_SUPPORT
    if named and fits(evidence, top.text) != roles.CONFIRMED:
        return None  # the name that leads is not read in its role: nothing to set against it
    near = DISAGREE_RATIO * evidence.score
    for other in rest:
        if other.score < support * top.score or not _differ(kind, top, other):
            continue
        for rank in other.hits:
            hit = hits[rank]
            if hit.source == evidence.source or hit.score < near or not _states(hit, other):
                continue
            if not _same_fact(evidence, top.text, hit, other.text, index):
                continue
            fit = fits(hit, other.text)
            if fit == roles.REFUSED or (named and fit != roles.CONFIRMED):
                continue
            # A source stating both values takes neither side.
            if any(h.source == hit.source and h.score >= floor and _states(h, top) for h in hits):
                continue
            if any(
                h.source == evidence.source and h.score >= floor and _states(h, other) for h in hits
            ):
                continue
            both = {
                ids[h.source]
                for h in hits
                if h.score >= floor and _states(h, top) and _states(h, other)
            }
            first = sorted(set(stating) - both - {ids[hit.source]})
            second = sorted(
                {ids[hit.source]}
                | {
                    ids[h.source]
                    for h in hits
                    if h.score >= floor and _states(h, other) and ids[h.source] not in both
                }
                - set(first)
            )
            sides = [
                (top.text, evidence.text, first),
                (other.text, hit.text, second),
            ]
            sides.sort(key=lambda side: -len(side[2]))  # the side more sources state first
            return Answer(
                text="The sources differ: "
                + "; ".join(
                    f"{value} — “{_quote(sentence, value)}” {_marks(cited)}"
                    for value, sentence, cited in sides
                ),
                citations=sorted(set(first) | set(second)),
                answered=True,
                evidence=[sentence for _, sentence, _ in sides],
            )
    return None
