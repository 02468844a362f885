"""Stage 6: check every digest sentence against each source it may cite.

A source may be cited for a sentence only when
1. one of the source's sentences is similar enough (MiniLM cosine), and that sentence
2. holds every name, number and date of the digest sentence (spaCy entities; case,
   punctuation, number words, hedges and nationality words normalised). Evidence may span two
   adjacent sentences: when the evidence refers back with a pronoun ("He said ..."), the
   sentence before it may supply the names. A person named in full elsewhere in the source may
   be named by a part of the name ("Pell" for "Nadia Pell"), and a name the sentence shortens
   in brackets ("the Harrow Water Authority (NORWA)") by that short form.
3. holds every direct quotation of it word for word, and
4. shares enough of its content words (its names count when found beside the evidence, once
   enough of its other words are in it).
A citation that fails is removed; a sentence left with none is dropped by the caller. The same
check guards generated sentences and headlines, so nothing in a digest goes beyond its sources.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from .config import Settings
from .models import Citation
from .nlp import FACT_LABELS, NUMERIC_LABELS, Entity, entities, get_embedder, pos_tags
from .text import NATIONALITIES, fold

__all__ = [
    "POINTERS",
    "Check",
    "Verifier",
    "calendar_core",
    "content_words",
    "coverage",
    "entity_in_text",
    "initials",
    "normalise_tokens",
    "quotes",
    "tokens_of",
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
# Words that may differ between two wordings of one entity ("the U.S." vs "U.S.").
# Hedges are dropped too: "about 3:40 a.m." and "around 3:40 a.m." state the same time.
# Not a stop-word list: spaCy's would drop "us" (the folded "U.S.") and numbers ("two").
_ENTITY_FILLERS = frozenset(
    {"the", "a", "an", "of", "s", "and", "'s", "’s", "about", "around", "approximately",
     "roughly", "some", "nearly", "almost", "circa", "estimated", "at"}
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
MAX_COUNTED_GAP = 4  # words between a count and its noun ("four surviving and original members")
_BEFORE_COUNTED = frozenset({"ADJ", "CCONJ", "ADV", "VERB"})
MIN_QUOTE_WORDS = 3  # shorter quoted bits are scare quotes or names ("calm"), not statements
_QUOTE = re.compile(r'“([^”]+)”|"([^"]+)"')
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


def _same_word(a: str, b: str) -> bool:
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
    needed = set(normalise_tokens(entity)) - _ENTITY_FILLERS
    missing = needed - tokens
    return all(any(_same_word(word, t) for t in tokens) for word in missing)


MIN_NAME_WITHOUT_INITIAL = 2  # "James Comey" stands for "James B. Comey"; "Comey" alone does not
# A run of capitalised words, with the small words a name may hold ("Department of Buildings").
_NAME_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|on|&)\s+)?[A-Z][\w'’-]*)+")
_NAME_SMALL_WORDS = frozenset({"of", "and", "for", "the", "on", "&"})
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
# A name the sentence itself shortens: "the Harrow Water Authority (NORWA)".
_DEFINED_ACRONYM = re.compile(_NAME_RUN.pattern + r"\s+\(([A-Z]{2,6})\)")


def initials(text: str) -> set[str]:
    """The initials a text's names may go by, lower-cased.

    "The Department of Buildings said" -> {"dob", "db"}: a name's initials are read with and
    without its small words ("of").
    """
    found: set[str] = set()
    for run in _NAME_RUN.finditer(text):
        words = run.group(0).split()
        for start in range(len(words)):
            if words[start].lower() in _NAME_SMALL_WORDS:
                continue
            part = words[start:]
            if len(part) < 2:
                continue
            found.add("".join(w[0] for w in part).lower())
            found.add("".join(w[0] for w in part if w.lower() not in _NAME_SMALL_WORDS).lower())
    return {a for a in found if len(a) >= 2}


def _defined_acronyms(text: str) -> list[tuple[str, str]]:
    """The names a text gives a short form in brackets, with that form lower-cased.

    "The Harrow Water Authority (NORWA) said" -> [("The Harrow Water Authority", "norwa")]:
    an outlet that writes only "NORWA" names it too.
    """
    return [
        (m.group(0).rsplit("(", 1)[0].strip(), m.group(1).lower())
        for m in _DEFINED_ACRONYM.finditer(text)
    ]


# Pronouns that point back at a person or thing named before.
POINTERS = frozenset({"he", "she", "they", "it", "his", "her", "their", "its", "him", "them"})
POINTER_OPENING = 3  # tokens at the start of the evidence where a pronoun refers back
MIN_NAME_PART = 2  # letters a part of a person's name needs to stand for the person ("Xi")


class _Abbreviations:
    """How an evidence sentence abbreviates names: its names' initials, its written acronyms.

    Read on first use: most evidence holds every entity as written and never asks.
    """

    def __init__(self, text: str = "") -> None:
        self._text = text

    @cached_property
    def initials(self) -> frozenset[str]:
        return frozenset(initials(self._text))

    @cached_property
    def acronyms(self) -> frozenset[str]:
        return frozenset(a.lower() for a in _ACRONYM.findall(self._text))

    def hold(self, entity: str) -> bool:
        """Whether the entity is an acronym of a name here, or a name written here as one.

        Only a written acronym counts: "Olivia Rodrigo" is not the "or" of any sentence.
        """
        if _ACRONYM.fullmatch(entity.strip()):
            return entity.strip().lower() in self.initials
        return not initials(entity).isdisjoint(self.acronyms)


def _entity_supported(
    entity: Entity,
    present: set[str],
    source: set[str],
    abbreviations: _Abbreviations | None = None,
) -> bool:
    """Whether the evidence tokens hold an entity; a person may go by part of the full name.

    A person's middle initial may be left out ("James B. Comey" is "James Comey"), and a name
    may stand as its acronym ("Department of Buildings", "DOB") either way round.
    """
    text, label = entity
    if entity_in_text(text, present):
        return True
    if label in NUMERIC_LABELS:
        return _number_supported(text, present)
    if abbreviations is not None and abbreviations.hold(text):
        return True
    if label != "PERSON":
        return False
    core = [t for t in normalise_tokens(text) if len(t) > 1 or not t.isalpha()]
    name = " ".join(core) if len(core) >= MIN_NAME_WITHOUT_INITIAL else text
    if entity_in_text(name, present):
        return True
    # "Comey" in the evidence, "James Comey" elsewhere in the source.
    if not entity_in_text(name, source):
        return False
    parts = set(normalise_tokens(name)) - _ENTITY_FILLERS
    return any(len(p) >= MIN_NAME_PART and p in present for p in parts)


def _counted_nouns(text: str, fact_entities: Sequence[Entity], model: str) -> dict[str, str]:
    """A bare count with the noun it counts: "15" in "guilty of 15 charges" is "15 charges".

    Without its noun a count matches any number ("December 15"). The noun is the first one
    after the count, past adjectives ("four surviving and original members").
    """
    if not any(label == "CARDINAL" for _, label in fact_entities):
        return {}
    tags = pos_tags(text, model=model)
    out: dict[str, str] = {}
    for entity, label in fact_entities:
        if label != "CARDINAL":
            continue
        last = entity.split()[-1] if entity.split() else ""
        at = next((i for i, (token, _) in enumerate(tags) if token == last), None)
        if at is None or not normalise_tokens(last) or not normalise_tokens(last)[0][0].isdigit():
            continue
        for token, pos in tags[at + 1 : at + 1 + MAX_COUNTED_GAP]:
            if pos == "NOUN":
                out[entity] = f"{entity} {token}"
            if pos not in _BEFORE_COUNTED:
                break
    return out


def _number_supported(text: str, present: set[str]) -> bool:
    """A number, date or time holds when its numbers, calendar names and unit are there.

    "a span of two weeks" is "two weeks", "some 2,400" is "2,400" and "1 meter" is "a meter":
    the other words are how an outlet puts it.
    """
    tokens = normalise_tokens(text)
    needed: set[str] = set()
    for i, token in enumerate(tokens):
        if token[0].isdigit() or token in _CALENDAR:
            needed.add(token)
            unit = tokens[i + 1] if i + 1 < len(tokens) else ""
            if unit.isalpha() and unit not in _ENTITY_FILLERS:
                needed.add(unit)  # "weeks", "meter", "points"
    if not needed:
        return False
    if "1" in needed and "1" not in present and {"a", "an"} & present:
        needed.discard("1")  # "a meter", "an hour"
    return all(any(_same_word(word, t) for t in present) for word in needed)


_CALENDAR = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
     "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "christmas", "easter"}
)  # fmt: skip


def calendar_core(text: str) -> set[str]:
    """The checkable part of a time: its numbers and calendar names.

    "early Wednesday morning" -> {"wednesday"}; "last week" -> set().
    """
    return {t for t in normalise_tokens(text) if t[0].isdigit() or t in _CALENDAR}


def _vague_time(text: str, label: str) -> bool:
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
    # `_same_word` against every present word, by set lookups: a shorter present word is one
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
        counted = _counted_nouns(text, fact_entities, self.settings.models.spacy_model)
        shortened = _defined_acronyms(text)
        pool = _candidate_indices(text, sentences)
        sims = self._embedder.embed([sentences[i] for i in pool]) @ vector
        words = content_words(text)
        if len(words) >= MIN_FOCUSED_WORDS:
            sims = self._focused(sims, words, [sentences[i] for i in pool], vector, threshold)
        closest: Check | None = None
        found: Check | None = None
        named = len(fact_entities) >= MIN_NAMED_FOR_RELAXED
        floor = threshold - RELAXED_MARGIN if named else threshold
        for rank in np.argsort(-sims):
            similarity = float(sims[rank])
            if closest is not None and similarity < floor:
                break
            if found is not None and similarity < found.similarity - EVIDENCE_MARGIN:
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
            abbreviations = _Abbreviations(evidence)  # "the DOB", "Department of Buildings"
            missing = [
                e for e, label in fact_entities
                if not _vague_time(e, label)
                and not _entity_supported(
                    (e, label), named_before if label in NUMERIC_LABELS else around,
                    source_tokens, abbreviations,
                )
                and not any(e in name and s in abbreviations.acronyms for name, s in shortened)
            ]  # fmt: skip
            missing += [
                e for e, noun in counted.items()
                if e not in missing
                and not _entity_supported((noun, "CARDINAL"), named_before, source_tokens)
                and not self._counts_in(e, evidence)
            ]  # fmt: skip
            missing += [q for q in quotes(text) if not _contains_run(tokens, q)]
            covered = coverage(words, present)
            close = similarity >= threshold or (
                named and similarity >= floor and covered >= HIGH_COVERAGE
            )
            # Names found beside the evidence count once the claim's other words are there.
            if close and not missing and covered < MIN_COVERAGE:
                covered = _with_names(words, present, fact_entities)
            verified = close and not missing and covered >= MIN_COVERAGE
            verdict = Check(source, similarity, evidence, tuple(missing), covered, verified)
            closest = closest or verdict
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
        hits += [(at, w) for w in words if any(_same_word(w, t) for t in tokens)]
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


def tokens_of(sentences: Sequence[str]) -> set[str]:
    """Every normalised token of a source's sentences."""
    return {token for sentence in sentences for token in normalise_tokens(sentence)}


def _candidate_indices(text: str, sentences: Sequence[str]) -> list[int]:
    """All sentences of a short source; of a longer one, those sharing the most words."""
    if len(sentences) <= 3 * LEXICAL_PREFILTER:
        return list(range(len(sentences)))
    wanted = set(normalise_tokens(text)) - _ENTITY_FILLERS
    overlaps = [(len(wanted & set(normalise_tokens(s))), -i) for i, s in enumerate(sentences)]
    ranked = sorted(range(len(sentences)), key=lambda i: overlaps[i], reverse=True)
    return sorted(set(ranked[: 2 * LEXICAL_PREFILTER]))
