"""Names and numbers in evidence: initials, short forms, part of a person's name, counts.

An outlet may name the "Department of Buildings" as "DOB", "James B. Comey" as "James Comey",
and, once it has named "Nadia Pell" in full, as "Pell"; "some 2,400" is "2,400", and "15" in
"guilty of 15 charges" counts charges, not a day of December.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cached_property

from ..nlp import NUMERIC_LABELS, Entity, pos_tags
from ._words import CALENDAR, ENTITY_FILLERS, entity_in_text, normalise_tokens, same_word

__all__ = [
    "POINTERS",
    "POINTER_OPENING",
    "Abbreviations",
    "counted_nouns",
    "defined_acronyms",
    "entity_supported",
    "initials",
]

MAX_COUNTED_GAP = 4  # words between a count and its noun ("four surviving and original members")
_BEFORE_COUNTED = frozenset({"ADJ", "CCONJ", "ADV", "VERB"})

MIN_NAME_WITHOUT_INITIAL = 2  # "James Comey" stands for "James B. Comey"; "Comey" alone does not
# A run of capitalised words, with the small words a name may hold ("Department of Buildings").
_NAME_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|on|&)\s+)?[A-Z][\w'’-]*)+")
_NAME_SMALL_WORDS = frozenset({"of", "and", "for", "the", "on", "&"})
ACRONYM_FORM = r"[A-Z]{2,6}"  # "KCNA", "DOB": how an acronym is written
_ACRONYM = re.compile(rf"\b{ACRONYM_FORM}\b")
# A name the sentence itself shortens: "the Harrow Water Authority (NORWA)".
_DEFINED_ACRONYM = re.compile(_NAME_RUN.pattern + rf"\s+\(({ACRONYM_FORM})\)")


def is_acronym(text: str) -> bool:
    """Whether a text is an acronym as written ("KCNA")."""
    return _ACRONYM.fullmatch(text.strip()) is not None


def _named_initials(text: str) -> Iterator[tuple[str, frozenset[str]]]:
    """Each name of a text, from any of its words on, with the initials it may go by.

    Read with and without its small words: "Department of Buildings" -> {"dob", "db"}.
    """
    for run in _NAME_RUN.finditer(text):
        words = run.group(0).split()
        for start in range(len(words)):
            part = words[start:]
            if len(part) < 2 or part[0].lower() in _NAME_SMALL_WORDS:
                continue
            big = [w for w in part if w.lower() not in _NAME_SMALL_WORDS]
            found = {"".join(w[0] for w in part).lower(), "".join(w[0] for w in big).lower()}
            yield " ".join(part), frozenset(a for a in found if len(a) >= 2)


def initials(text: str) -> set[str]:
    """The initials a text's names may go by, lower-cased.

    "The Department of Buildings said" -> {"dob", "db"}.
    """
    return {a for _, found in _named_initials(text) for a in found}


def spelled_out(text: str, acronym: str) -> str | None:
    """The name in a text that an acronym stands for ("Korean Central News Agency", "KCNA")."""
    wanted = acronym.strip().lower()
    return next((name for name, found in _named_initials(text) if wanted in found), None)


def defined_acronyms(text: str) -> list[tuple[str, str]]:
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


class Abbreviations:
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
        if is_acronym(entity):
            return entity.strip().lower() in self.initials
        return not initials(entity).isdisjoint(self.acronyms)


def entity_supported(
    entity: Entity,
    present: set[str],
    source: set[str],
    abbreviations: Abbreviations | None = None,
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
    parts = set(normalise_tokens(name)) - ENTITY_FILLERS
    return any(len(p) >= MIN_NAME_PART and p in present for p in parts)


def counted_nouns(text: str, fact_entities: Sequence[Entity], model: str) -> dict[str, str]:
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
        if token[0].isdigit() or token in CALENDAR:
            needed.add(token)
            unit = tokens[i + 1] if i + 1 < len(tokens) else ""
            if unit.isalpha() and unit not in ENTITY_FILLERS:
                needed.add(unit)  # "weeks", "meter", "points"
    if not needed:
        return False
    if "1" in needed and "1" not in present and {"a", "an"} & present:
        needed.discard("1")  # "a meter", "an hour"
    return all(any(same_word(word, t) for t in present) for word in needed)
