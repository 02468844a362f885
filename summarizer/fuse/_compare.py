"""How two wordings compare: one fact told twice, or one quantity given two values."""

from __future__ import annotations

from ..nlp import COUNTED_LABELS, NUMERIC_LABELS
from ..text import TIME_UNITS
from ..verify import calendar_core, content_words, coverage, entity_in_text, normalise_tokens
from .claims import Wording

__all__ = ["restates", "same_quantity"]

RESTATED_WORDS = 0.55  # share of the shorter wording's words that makes it a restatement
RESTATED_NUMBER_SIMILARITY = 0.45  # ... or this similarity with a telling number in common
RESTATED_ANCHORED_SIMILARITY = 0.35  # ... or this with a telling number and a name in common
RESTATED_NAMES_SIMILARITY = 0.55  # ... or this similarity with two names in common
RESTATED_CLOSE_SIMILARITY = 0.6  # ... or this similarity
RESTATED_CLOSE_WORDS = 0.4  # ... with this share of the shorter one's words
MIN_TELLING_NUMBER = 10  # smaller counts ("three weeks", "two outlets") recur across facts
# Words around a number that do not change what it counts.
_HEDGES = frozenset(
    {"about", "around", "roughly", "some", "nearly", "almost", "approximately", "more", "than",
     "less", "over", "under", "up", "to", "at", "least", "the"}
)  # fmt: skip


def restates(a: Wording, b: Wording, similarity: float, common: frozenset[str]) -> bool:
    """Whether two wordings state one fact in other words.

    The embedding alone misses many such pairs: "plan to seal the gate with steel panels by
    Wednesday" and "expect to close the gap with steel panels by Wednesday" are only 0.5 apart
    in MiniLM. They do state one fact when
    1. they share a telling number (not a year, not a small count) and are somewhat alike, or
       a telling number and a name ("23 sailors ... Marrowby Point", "all 23 people ...
       off Marrowby Point") and are a little alike;
    2. they share two or more names and are alike, or two names the story seldom uses ("Port
       Anselm" and "Kessling", not the "Pell" and "Calder Bay" of every sentence) and are
       somewhat alike; or
    3. they are close and share many words; or
    4. one's names and numbers are all the other's and they share most of the shorter one's
       words.
    Past 1 and the rare names of 2, names alone are not enough: the two must share a word
    besides them ("Trump fired Comey" shares only its names with "Trump asked Comey to end
    the inquiry").
    """
    numbers = _telling_numbers(a) & _telling_numbers(b)
    if numbers and similarity >= RESTATED_NUMBER_SIMILARITY:
        return True
    names_a = {e for e, label in a.entities if label not in NUMERIC_LABELS}
    names_b = {e for e, label in b.entities if label not in NUMERIC_LABELS}
    # Found in the other's words, not only among its names: the tagger misses a name now and
    # then ("from Port Anselm to Kessling" gave no Kessling).
    tokens_a, tokens_b = set(normalise_tokens(a.text)), set(normalise_tokens(b.text))
    shared = {e for e in names_a if entity_in_text(e, tokens_b)}
    for e in names_b:
        # "Varga" and "Elena Varga" are one name.
        known = any(
            entity_in_text(e, set(normalise_tokens(n)))
            or entity_in_text(n, set(normalise_tokens(e)))
            for n in shared
        )
        if not known and entity_in_text(e, tokens_a):
            shared.add(e)
    if numbers and shared and similarity >= RESTATED_ANCHORED_SIMILARITY:
        return True
    rare = {e for e in shared if e.casefold() not in common}
    if len(rare) >= 2 and similarity >= RESTATED_NUMBER_SIMILARITY:
        return True
    shorter_words, longer_words = sorted((content_words(a.text), content_words(b.text)), key=len)
    # Names alone make no restatement: "Varga later fired Holm" is not "Varga asked Holm ...".
    name_tokens = {t for e in names_a | names_b for t in normalise_tokens(e)}
    if not (shorter_words & longer_words) - name_tokens:
        return False
    if len(shared) >= 2 and similarity >= RESTATED_NAMES_SIMILARITY:
        return True
    overlap = coverage(shorter_words, longer_words)
    if similarity >= RESTATED_CLOSE_SIMILARITY and overlap >= RESTATED_CLOSE_WORDS:
        return True
    everything_a = set(a.entities)
    everything_b = set(b.entities)
    if not everything_a or not everything_b:
        return False
    shorter, longer = sorted((everything_a, everything_b), key=len)
    tokens = {t for e, _ in longer for t in normalise_tokens(e)}
    # "early Wednesday morning" and "Wednesday, November 21" name one day.
    return overlap >= RESTATED_WORDS and all(
        calendar_core(e) <= tokens if label in {"DATE", "TIME"} else entity_in_text(e, tokens)
        for e, label in shorter
    )


def _telling_numbers(wording: Wording) -> set[str]:
    """Numbers that identify a fact: "2,400", "71", "$130,000", the 75 of "Seventy-five years".

    Not "2019", "two", "1", nor the 27 of "Feb. 27" (many facts share a day).
    """
    out: set[str] = set()
    for text, label in wording.entities:
        tokens = normalise_tokens(text)
        # A span of time ("16 years ago", "75 years after") counts like a number.
        duration = label == "DATE" and not TIME_UNITS.isdisjoint(tokens)
        if label not in COUNTED_LABELS and not duration:
            continue
        for token in tokens:
            digits = token.split(".")[0]
            year = len(digits) == 4 and digits[:2] in {"19", "20"}
            if digits.isdigit() and not year and int(digits) >= MIN_TELLING_NUMBER:
                out.add(token)
    return out


def same_quantity(value: str, other: str) -> bool:
    """Whether two values count one thing in one unit, so that they disagree.

    "75%" and "70%" disagree; "3:40 a.m." and "the early hours", or "140-metre" and "70 km",
    state different things.
    """
    a, b = normalise_tokens(value), normalise_tokens(other)
    numbers_a = [t for t in a if t[0].isdigit()]
    numbers_b = [t for t in b if t[0].isdigit()]
    if not numbers_a or not numbers_b or numbers_a == numbers_b:
        return False
    units_a = {t for t in a if not t[0].isdigit()} - _HEDGES
    units_b = {t for t in b if not t[0].isdigit()} - _HEDGES
    return units_a == units_b
