"""Story filters: which stories of a digest a reader wants, from what they typed.

A filter keeps a story when

- it mentions one of the `include` keywords or phrases, or matches `include_regex` (with
  neither given, every story qualifies),
- it mentions none of the `exclude` keywords or phrases, and
- at least `min_outlets` distinct outlets report it.

Keywords are matched case-insensitively as whole words ("fire" does not match "wildfire")
against the story's headline and its sentences; a quoted phrase ("sea level") matches those
words in that order. The regular expression runs with a time limit (`regex`'s `timeout=`), so
a pattern that backtracks for ever cannot hang whoever applies the filter.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import regex

from .errors import InputError
from .models import Digest, StoryDigest
from .text import fold

__all__ = [
    "MAX_MIN_OUTLETS",
    "MAX_REGEX_CHARS",
    "MAX_TERMS",
    "MAX_TERM_CHARS",
    "REGEX_TIMEOUT_S",
    "FilterError",
    "StoryFilter",
    "parse_filter",
    "parse_terms",
    "shown_digest",
]

log = logging.getLogger(__name__)

MAX_TERMS = 25  # per include or exclude list: more is a search engine, not a filter
MAX_TERM_CHARS = 100  # one keyword or phrase
MAX_REGEX_CHARS = 300
MAX_MIN_OUTLETS = 50  # beyond any story's outlet count: a typo, not a wish
# Seconds one pattern may spend on one story (or on one probe when it is checked). Sane patterns
# take microseconds on a story's ~1,000 characters; catastrophic backtracking takes years.
REGEX_TIMEOUT_S = 0.05

# Texts a new pattern must get through in time: long runs of one letter, of words and of digits
# are what makes nested quantifiers ("(a|aa)+$", "(\w+\s?)+$") backtrack exponentially.
_PROBES = (
    "a" * 64 + "!",
    "word " * 200 + "!",
    "1" * 64 + "x",
    "The council said on Tuesday that 1,200 homes near the river would be checked. " * 12,
)
# Straight quotes, plus the curly and low ones phones and word processors type.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_TERM = re.compile(r'"([^"]*)"|([^\s,"]+)')


class FilterError(InputError):
    """A filter that cannot be used; `source` names it (`include`, `exclude`, ...)."""


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """What a reader wants from a digest; the empty filter keeps every story.

    Build one from user text with `parse_filter`; terms are stored folded (lower case).
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_regex: str | None = None
    min_outlets: int = 1

    @property
    def active(self) -> bool:
        """Whether the filter can leave any story out."""
        return bool(self.include or self.exclude or self.include_regex or self.min_outlets > 1)

    def matches(self, story: StoryDigest) -> bool:
        """Whether the story passes the filter (a regex that runs out of time does not match)."""
        if story.outlet_count < self.min_outlets:
            return False
        if not (self.include or self.exclude or self.include_regex):
            return True
        text = _story_text(story)
        if any(_term_pattern(term).search(text) for term in self.exclude):
            return False
        if not (self.include or self.include_regex):
            return True
        if any(_term_pattern(term).search(text) for term in self.include):
            return True
        return self.include_regex is not None and self._regex_matches(story, text)

    def _regex_matches(self, story: StoryDigest, text: str) -> bool:
        assert self.include_regex is not None
        try:
            # concurrent=True releases the GIL while matching: the bot's event loop keeps going.
            found = _compiled(self.include_regex).search(
                text, timeout=REGEX_TIMEOUT_S, concurrent=True
            )
        except TimeoutError:
            log.warning(
                "include_regex %r ran out of time on story %r; counted as no match",
                self.include_regex,
                story.headline,
            )
            return False
        return found is not None

    def kept(self, stories: Sequence[StoryDigest]) -> list[int]:
        """Indices of the stories that pass, in order."""
        return [n for n, story in enumerate(stories) if self.matches(story)]

    def apply(self, digest: Digest) -> Digest:
        """The digest with only the stories that pass; `filtered_out` counts the others."""
        if not self.active:
            return digest
        return shown_digest(digest, self.kept(digest.stories))

    def describe(self) -> str:
        """One line for people: `include: climate, "sea level" · exclude: celebrity`."""
        parts: list[str] = []
        if self.include:
            parts.append(f"include: {_show_terms(self.include)}")
        if self.include_regex:
            parts.append(f"include_regex: {self.include_regex}")
        if self.exclude:
            parts.append(f"exclude: {_show_terms(self.exclude)}")
        if self.min_outlets > 1:
            parts.append(f"at least {self.min_outlets} outlets")
        return " · ".join(parts) or "no filters (every story)"

    def to_json(self) -> str:
        """The filter as stored (JSON)."""
        data: dict[str, Any] = {
            "include": list(self.include),
            "exclude": list(self.exclude),
            "include_regex": self.include_regex,
            "min_outlets": self.min_outlets,
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | None) -> StoryFilter:
        """Inverse of `to_json`; None (nothing stored) is the empty filter."""
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(
            include=tuple(str(t) for t in data.get("include", ())),
            exclude=tuple(str(t) for t in data.get("exclude", ())),
            include_regex=data.get("include_regex") or None,
            min_outlets=int(data.get("min_outlets", 1)),
        )


def shown_digest(digest: Digest, shown: Sequence[int] | None) -> Digest:
    """The digest with only the stories at these indices (None: every one), the rest counted.

    A copy: the digest itself, which other readers may share, is left whole.
    """
    if shown is None:
        return digest
    kept = [digest.stories[n] for n in shown if 0 <= n < len(digest.stories)]
    left_out = len(digest.stories) - len(kept)
    return replace(digest, stories=kept, filtered_out=digest.filtered_out + left_out)


def _show_terms(terms: Sequence[str]) -> str:
    return ", ".join(f'"{t}"' if " " in t else t for t in terms)


def _story_text(story: StoryDigest) -> str:
    # Folded once per story; the term patterns are folded the same way.
    return fold("\n".join([story.headline, *(s.text for s in story.sentences)]))


@lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    """A folded keyword or phrase as a whole-word pattern; a phrase's words may wrap lines."""
    body = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<!\w){body}(?!\w)")


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> regex.Pattern[str]:
    # Folded text is lower case; IGNORECASE also lets an upper-case pattern match it.
    return regex.compile(pattern, regex.IGNORECASE)


def parse_terms(text: str | None, *, name: str) -> tuple[str, ...]:
    """Keywords and quoted phrases, separated by commas or spaces: `climate, "sea level"`.

    Args:
        text: what the user typed; None or blank is no terms.
        name: the option it came from, named in errors (`include`, `exclude`).

    Returns:
        The folded terms in the order given, each once.

    Raises:
        FilterError: an unbalanced quote, an empty phrase, too many or too long terms.

    """
    if text is None or not text.strip():
        return ()
    text = text.translate(_QUOTES)
    if text.count('"') % 2:
        raise FilterError(name, f'unbalanced quote in {text!r}: close each phrase with a "')
    terms: list[str] = []
    for match in _TERM.finditer(text):
        term = " ".join(fold(match[1] if match[1] is not None else match[2]).split())
        if not term:
            raise FilterError(name, 'an empty phrase ("") matches nothing; remove it')
        if len(term) > MAX_TERM_CHARS:
            raise FilterError(name, f"{term[:40]!r}… is longer than {MAX_TERM_CHARS} characters")
        if term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise FilterError(name, f"at most {MAX_TERMS} keywords or phrases (got {len(terms)})")
    return tuple(terms)


def _check_regex(pattern: str, *, name: str) -> str:
    """A pattern that compiles and gets through every probe in time."""
    if len(pattern) > MAX_REGEX_CHARS:
        raise FilterError(name, f"a pattern has at most {MAX_REGEX_CHARS} characters")
    try:
        compiled = _compiled(pattern)
    except regex.error as exc:
        raise FilterError(name, f"{pattern!r} is not a valid regular expression: {exc}") from exc
    for probe in _PROBES:
        try:
            compiled.search(probe, timeout=REGEX_TIMEOUT_S, concurrent=True)
        except TimeoutError:
            raise FilterError(
                name,
                f"{pattern!r} is too slow (over {REGEX_TIMEOUT_S * 1000:.0f} ms on a short "
                "text): avoid nested repeats like (a+)+",
            ) from None
    return pattern


def parse_filter(
    *,
    include: str | None = None,
    exclude: str | None = None,
    include_regex: str | None = None,
    min_outlets: int | None = None,
) -> StoryFilter:
    """A filter from what a user typed; every part optional.

    Args:
        include: keywords or quoted phrases, any of which keeps a story.
        exclude: keywords or quoted phrases, any of which leaves a story out.
        include_regex: a regular expression that also keeps a story (case-insensitive).
        min_outlets: how many distinct outlets a story needs (1: any story).

    Returns:
        The filter; empty when nothing is given.

    Raises:
        FilterError: naming the bad part (an unbalanced quote, an invalid or too slow regular
            expression, a count out of range).

    """
    pattern = include_regex.strip() if include_regex else ""
    outlets = 1 if min_outlets is None else min_outlets
    if not 1 <= outlets <= MAX_MIN_OUTLETS:
        raise FilterError("min_outlets", f"give a number from 1 to {MAX_MIN_OUTLETS}")
    return StoryFilter(
        include=parse_terms(include, name="include"),
        exclude=parse_terms(exclude, name="exclude"),
        include_regex=_check_regex(pattern, name="include_regex") if pattern else None,
        min_outlets=outlets,
    )
