"""Numbers and lengths of time as answers: one key per count, what it counts, unit arithmetic.

"116", "116-year-old" and "age 116" are one answer; for "how many centuries", "600 years" is
"six centuries" and "95 years" is in another unit; "how many seasons" counts seasons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieve import terms
from ..verify import normalise_tokens
from .norm import _norm
from .questions import _VERBS

_AMOUNTS = frozenset({"number", "span", "money", "percent", "measure"})
_COUNTS = frozenset({"number", "span", "measure"})  # money and percent keep their symbols
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_AGE_WORDS = frozenset({"year", "years", "old", "age", "aged"})
_AMOUNT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|several)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"^(?:nearly|roughly|almost|about|around|approximately|some|just|more than|over|at least|"
    r"less than|under|up to)\s+",
    re.IGNORECASE,
)
_CALENDAR_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
_COUNTED = re.compile(
    r"\bhow (?:many|much)\s+((?:[\w'-]+\s+){0,2}[\w'-]+)|\bhow (old)\b|\bwhat (age)\b"
)


def _amount_key(text: str) -> str:
    """One key for the forms of a count: "116", "116-year-old" and "age 116" give "116"."""
    match = _NUMBER.search(text)
    if match is None:
        return _norm(text)
    units = [w for w in _unit(text) if w not in _AGE_WORDS]
    return " ".join([match.group().replace(",", ""), *units])


_TIME_UNIT_DAYS = {
    "second": 1 / 86400,
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 365.25 / 12,
    "year": 365.25,
    "decade": 3652.5,
    "century": 36525.0,
}
_TIME_WORD = re.compile(
    r"\b(second|minute|hour|day|week|month|year|decade|centur)(?:y|ies|s)?\b", re.IGNORECASE
)
_HOW_MANY_UNITS = re.compile(r"\bhow many (?:more )?([a-z]+)", re.IGNORECASE)
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_ORDINAL_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(),  # noqa: SIM905
        1,
    )
}
_ORDINAL_COUNT = re.compile(
    rf"\b(\d+)(?:st|nd|rd|th)\b|\b({'|'.join(_ORDINAL_WORDS)})\b", re.IGNORECASE
)
_ORDINAL = re.compile(
    r"\d(?:st|nd|rd|th)\b|\b(?:first|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b",
    re.IGNORECASE,
)


def _counts(unit: str, following: Sequence[str], ordinal: bool) -> bool:
    """True when the words after a number name what is counted ("22 seasons" for "seasons").

    After an ordinal, "his 23rd NFL season" or "for the fifth time" count too, but not "the
    first time in 600 years" nor "the first time a mayor had resigned in 600 years" for
    how many years: a length of time is counted in its unit, never in times.
    """
    if ordinal:
        if any(w.isdigit() for w in following[:3]):
            return False
        times = list(following[:1]) == ["time"] and _time_unit(unit) is None
        return unit in following[:3] or times
    return unit in following[:2]


def _time_unit(word: str) -> str | None:
    match = _TIME_WORD.fullmatch(word.strip())
    if match is None:
        return None
    unit = match.group(1).lower()
    return "century" if unit == "centur" else unit


def _asked_time_unit(question: str) -> str | None:
    """The unit a "how many years/centuries ..." question counts in, or None."""
    match = _HOW_MANY_UNITS.search(question)
    return _time_unit(match.group(1)) if match else None


def _in_time_unit(text: str, asked: str, key: str) -> tuple[str, bool, bool]:
    """A length of time keyed in the unit asked: (key, converted, fits the unit asked).

    "six centuries" keys as "6 century"; for "how many centuries", "600 years" converts to the
    same key, while "95 years" (not a whole number of centuries) keeps its own and does not fit.
    A bare count ("95") is left alone.
    """
    unit = _TIME_WORD.search(text)
    if unit is None:
        return key, False, True
    before = text[: unit.start()]
    if _ORDINAL.search(before):
        return key, False, False  # "the 11th century" is a time, not a length of time
    numbers = [t for t in normalise_tokens(before) if _DIGITS.fullmatch(t)]
    if not numbers:
        return key, False, True
    value, found = float(numbers[-1]), _time_unit(unit.group()) or asked
    if found != asked:
        value = value * _TIME_UNIT_DAYS[found] / _TIME_UNIT_DAYS[asked]
        if value < 1 or abs(value - round(value)) > 0.02 * value:
            return key, False, False
    return f"{round(value):d} {asked}", found != asked, True


_OCCASIONS = frozenset({"time", "onc", "twic", "thric"})  # stems of "times", "once", "twice"
_TIME_STEMS = frozenset(terms(" ".join(_TIME_UNIT_DAYS)))
HOW_MANY = re.compile(r"\bhow many\b", re.IGNORECASE)  # a count of things, not "how much"
_SHARE_OR_SUM = re.compile(r"[%$€£¥]|\bper ?cent\b", re.IGNORECASE)


def no_count(text: str, unit: str) -> bool:
    """Whether an amount can be no answer to "how many <unit>".

    A share, a sum of money, a calendar year or a length of time ("75%", "$5", "2018", "two
    years") counts no things.
    """
    return bool(
        _SHARE_OR_SUM.search(text)
        or _CALENDAR_YEAR.fullmatch(text.strip())
        or _other_time(terms(text), unit)
    )


def counts_something_else(words: Sequence[str], unit: str, *, named: bool) -> bool:
    """Whether an amount counts occasions or time where a question counts things.

    `words` are the amount's stemmed words, with the word after it; `named`, whether its
    sentence names the things asked. "How many missiles ...?": "met Kim three times" and "two
    years" count no missiles; "won the regatta for the fifth time" counts regattas won.
    """
    occasion = not named and unit not in _OCCASIONS and not _OCCASIONS.isdisjoint(words)
    return occasion or _other_time(words, unit)


def _other_time(words: Sequence[str], unit: str) -> bool:
    """Whether an amount is a length of time in a unit other than the one asked."""
    return unit != "age" and not _TIME_STEMS.isdisjoint(set(words) - {unit})


def _counted(question: str) -> str | None:
    """The stemmed noun a "how many" question counts ("seasons" -> "season"); "age" for how old."""
    match = _COUNTED.search(question.lower())
    if match is None:
        return None
    if match.group(2) or match.group(3):
        return "age"
    for word in match.group(1).split():
        if word in _VERBS or word in {"more", "fewer", "less"}:
            break
        found = terms(word)
        if found:
            return found[0]  # "how many US states": "us" is a stopword, "states" is counted
    return None


_NUMBER_WORDS = frozenset(
    """
    zero one two three four five six seven eight nine ten eleven twelve dozen hundred thousand
    about around nearly some almost more than over under at least
    """.split()  # noqa: SIM905
)


def _unit(value: str) -> tuple[str, ...]:
    """What a number counts, without the number: '$27.5 billion' -> ('billion',)."""
    return tuple(w for w in re.findall(r"[a-z]+", _norm(value)) if w not in _NUMBER_WORDS)
