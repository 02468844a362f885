"""Words as the verifier compares them: folded tokens, content words, coverage, quotations.

One outlet writes "U.S.", "5,000", "twenty-eight" and "Aug. 8"; another "US", "5000", "28" and
"August 8". Both are read here into the same tokens, and a word and its inflection ("korea",
"korean") count as one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..text import NATIONALITIES, QUOTATION, fold

__all__ = [
    "CALENDAR",
    "ENTITY_FILLERS",
    "PREFIX_MIN",
    "PREFIX_SLACK",
    "calendar_core",
    "contains_run",
    "content_words",
    "coverage",
    "entity_in_text",
    "find_run",
    "normalise_tokens",
    "quotes",
    "same_word",
    "spoken_tokens",
    "tokens_of",
    "vague_time",
]

# Words that may differ between two wordings of one entity ("the U.S." vs "U.S.").
# Hedges are dropped too: "about 3:40 a.m." and "around 3:40 a.m." state the same time.
# Not a stop-word list: spaCy's would drop "us" (the folded "U.S.") and numbers ("two").
ENTITY_FILLERS = frozenset(
    {"the", "a", "an", "of", "s", "and", "'s", "’s", "about", "around", "approximately",
     "roughly", "some", "nearly", "almost", "circa", "estimated", "at",
     # A company's legal form: "Facebook Inc." is the "Facebook" of another outlet.
     "inc", "corp", "ltd", "llc", "plc"}
)  # fmt: skip
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
    "eighty": "80", "ninety": "90", "hundred": "100",
    "dozen": "12", "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
    "percent": "%", "pct": "%", "dollar": "$", "dollars": "$", "usd": "$", "euros": "€",
    "bn": "billion", "mn": "million", "m": "million", "k": "thousand",
    # "Aug. 8" is in August.
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june",
    "jul": "july", "aug": "august", "sep": "september", "sept": "september", "oct": "october",
    "nov": "november", "dec": "december",
}  # fmt: skip
MIN_QUOTE_WORDS = 3  # shorter quoted bits are scare quotes or names ("calm"), not statements
# Nationality words name their country ("Chinese officials" = "officials of China"): the
# shared table (text.NATIONALITIES), mapped on to this module's folded one-word country token
# below. Regular ones ("Korean", "Japanese", "Russian") match by the prefix rule in
# `entity_in_text`. These others are a plural, an abbreviation and a continent's word.
_DEMONYM_EXTRAS = {"americans": "us", "uk": "britain", "european": "europe"}
PREFIX_MIN = 4  # "korea"/"korean", "state"/"states": one word, if the shorter has 4+ letters
PREFIX_SLACK = 3  # ... and the longer adds at most 3 ("japan"/"japanese", not "state"/"statement")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|%|\$|€|£|¥", re.UNICODE)
_ORDINAL_SUFFIX = re.compile(r"(\d)(?:st|nd|rd|th)\b")  # "21st" -> "21", like "first" -> "1"
# "twenty-eight-year-old" is "28-year-old": the two words are one number.
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_COMPOUND_NUMBER = re.compile(rf"\b({_TENS})[-\s]({_UNITS})\b")


def _fold(text: str) -> str:
    text = re.sub(r"'s\b", "", fold(text, accents=False))
    text = _ORDINAL_SUFFIX.sub(r"\1", text)
    text = _COMPOUND_NUMBER.sub(
        lambda m: str(int(_NUMBER_WORDS[m.group(1)]) + int(_NUMBER_WORDS[m.group(2)])), text
    )
    text = re.sub(r"\bper cent\b", "percent", text)  # British spelling, one word elsewhere
    text = re.sub(r"\bunited states\b", "us", text)
    text = re.sub(r"\bunited kingdom\b", "britain", text)
    # "U.S." -> "us", "U.N." -> "un": dotted abbreviations become one token.
    return re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", ""), text)


def _demonyms() -> dict[str, str]:
    """Nationality word -> its country's token ("british" -> "britain", "american" -> "us").

    A country of several words ("Saudi Arabia") is left out: one token cannot stand for it.
    """
    table = dict(_DEMONYM_EXTRAS)
    for word, country in NATIONALITIES.items():
        tokens = _TOKEN.findall(_fold(country))
        if " " not in word and len(tokens) == 1:
            table[word] = tokens[0]
    return table


@lru_cache(maxsize=50_000)
def normalise_tokens(text: str) -> tuple[str, ...]:
    """Lower-cased word and number tokens, number words mapped to digits, '5,000' -> '5000'."""
    out: list[str] = []
    for token in _TOKEN.findall(_fold(text)):
        if token[0].isdigit():
            token = token.replace(",", "")
            if token.endswith(".0"):
                token = token[:-2]
        out.append(_DEMONYMS.get(token) or _NUMBER_WORDS.get(token, token))
    return tuple(out)


def same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if not (a.isalpha() and b.isalpha()):
        return False  # numbers match exactly
    short, long = sorted((a, b), key=len)
    return (
        len(short) >= PREFIX_MIN
        and len(long) - len(short) <= PREFIX_SLACK
        and long.startswith(short)
    )


_DEMONYMS = _demonyms()


def entity_in_text(entity: str, tokens: set[str]) -> bool:
    """Whether every content token of an entity appears among the given normalised tokens."""
    needed = set(normalise_tokens(entity)) - ENTITY_FILLERS
    missing = needed - tokens
    return all(any(same_word(word, t) for t in tokens) for word in missing)


CALENDAR = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
     "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "christmas", "easter"}
)  # fmt: skip


def calendar_core(text: str) -> set[str]:
    """The checkable part of a time: its numbers and calendar names.

    "early Wednesday morning" -> {"wednesday"}; "last week" -> set().
    """
    return {t for t in normalise_tokens(text) if t[0].isdigit() or t in CALENDAR}


def vague_time(text: str, label: str) -> bool:
    """Whether a time names no checkable fact: no number, no calendar name.

    "Last week", "the night" and "years" may be told otherwise ("recently", "overnight").
    """
    return label in {"DATE", "TIME"} and not calendar_core(text)


def content_words(text: str) -> set[str]:
    """A sentence's normalised words without stop words: what coverage is counted on."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return {t for t in normalise_tokens(text) if t not in STOP_WORDS and t.isalnum()}


def coverage(words: set[str], present: set[str]) -> float:
    """Share of `words` found among `present` (a word and its inflection count as one)."""
    if not words:
        return 1.0
    # `same_word` against every present word, by set lookups: a shorter present word is one
    # of w's prefixes; a longer one has w among its prefixes.
    longer_ones = {
        p[:k]
        for p in present
        if p.isalpha()
        for k in range(max(PREFIX_MIN, len(p) - PREFIX_SLACK), len(p))
    }
    found = sum(
        1
        for w in words
        if w in present
        or (
            w.isalpha()
            and (
                (len(w) >= PREFIX_MIN and w in longer_ones)
                or any(
                    w[:k] in present for k in range(max(PREFIX_MIN, len(w) - PREFIX_SLACK), len(w))
                )
            )
        )
    )
    return found / len(words)


def quotes(text: str) -> list[str]:
    """Direct quotations of three words or more: a source must carry them word for word."""
    spans = QUOTATION.findall(text)
    return [q for pair in spans for q in pair if q and len(q.split()) >= MIN_QUOTE_WORDS]


def spoken_tokens(text: str) -> tuple[str, ...]:
    """The tokens inside a text's double quotation marks, in order, the words between left out.

    '"We are ready," Varga said. "We will go."' is spoken as "we are ready we will go": an
    outlet may break a quotation with who said it where another gives it whole. Curly and
    straight marks count alike (a page may open with one and close with the other).
    """
    parts = re.sub(r"[“”]", '"', text).split('"')
    return tuple(token for part in parts[1::2] for token in normalise_tokens(part))


def contains_run(tokens: Sequence[str], quote: str) -> bool:
    needle = normalise_tokens(quote)
    return not needle or find_run(tokens, needle) is not None


def find_run(tokens: Sequence[str], needle: Sequence[str]) -> int | None:
    """Where a run of tokens first stands in a token list (its first index), if anywhere."""
    if not needle:
        return None
    n, first = len(needle), needle[0]
    return next(
        (
            i for i, token in enumerate(tokens)
            if token == first and list(tokens[i : i + n]) == list(needle)
        ),
        None,
    )  # fmt: skip


def tokens_of(sentences: Sequence[str]) -> set[str]:
    """Every normalised token of a source's sentences."""
    return {token for sentence in sentences for token in normalise_tokens(sentence)}
