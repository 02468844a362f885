"""A person the digest first names by surname alone gets the full name their outlet gives.

"The talks came after Blinken visited Seoul" is how an outlet writes its fifth paragraph, having
named "Secretary of State Antony Blinken" in its first; a digest that prints only the fifth
names a stranger. The first time the digest names someone by one word, that word becomes the
full name the printed sentence's own outlet gives them elsewhere (or, where it gives none, the
one the outlets cited with it agree on), when it gives only that one
(two Trumps, or a "President Obama" beside a "Michelle Obama", leave the surname as it is) and
any "he" or "she" beside it is the one the outlet uses for that full name; outside quotations,
and within the word budget. A name put in the way of a wrong person is worse than a surname
left bare.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

from ..models import DigestSentence
from ..nlp import Entity, entities
from ..text import QUOTATION, TITLE_ABBREVIATIONS

__all__ = ["introduce", "introduce_names", "known_names", "name_in_full", "name_once", "people"]

MAX_NAME_WORDS = 4  # a longer "name" is a title the tagger took in ("Defense Secretary Lloyd ...")
MIN_SPELLING_LETTERS = 5  # a given name this long, one letter other, is one name misspelt
_POSSESSIVE = re.compile(r"['’]s$")
_WORD = re.compile(r"[\w.'’-]+")
# Tags that leave no untagged surname: a person `people` reads already, or a place.
_NO_SURNAME = frozenset({"PERSON", "GPE", "LOC", "NORP", "FAC"})
_MASCULINE = frozenset({"he", "him", "his", "himself", "he's", "he'd"})
_FEMININE = frozenset({"she", "her", "hers", "herself", "she's", "she'd"})
# Words before a surname that are no given name ("Lady Thor", "Judge Minehart", "Sen. Hald").
_TITLES = frozenset(
    {"Lady", "Lord", "Sir", "Dame", "King", "Queen", "Prince", "Princess", "Saint", "Pope",
     "President", "Judge", "Senator", "Governor", "Mayor", "General", "Captain", "Officer",
     *(f"{title}." for title in TITLE_ABBREVIATIONS)}
)  # fmt: skip
_HONORIFICS = {"Mr.": _MASCULINE, "Mr": _MASCULINE, "Ms.": _FEMININE, "Ms": _FEMININE,
               "Mrs.": _FEMININE, "Mrs": _FEMININE, "Miss": _FEMININE}  # fmt: skip


def people(text: str, *, model: str) -> list[str]:
    """The people a text names, as written there (without a possessive "'s")."""
    (found,) = entities([text], model=model)
    return [_POSSESSIVE.sub("", e).strip() for e, label in found if label == "PERSON"]


def introduce(
    text: str,
    source: Sequence[str],
    named: AbstractSet[str],
    *,
    model: str,
    carriers: Sequence[Sequence[str]] = (),
) -> tuple[list[tuple[str, str]], set[str]]:
    """Who a text names by one word only, each with the full name `source` gives them.

    Where `source` (the text's own outlet) gives none, the one full name the other outlets
    carrying the text give, if they agree: they tell the same fact of the same person.

    Returns:
        (surname, full name) for each person `named` lacks, and every word of the names the
        text holds.
    """
    out: list[tuple[str, str]] = []
    held: set[str] = set()
    # "Obama told her he thought ...", the outlet's "Obama" after its "Michelle Obama": a "he" or
    # "she" beside the surname may say the outlet means someone its full name is not.
    gendered = _genders(text)
    for person in _mentions(text, source, model):
        words = person.split()
        if len(words) == 1 and words[0] not in named and words[0][:1].isupper():
            found = _full_name_told(words[0], [source, *carriers], model)
            if (
                found is not None
                and _replace_first(text, words[0], found[0]) is not None
                and (not gendered or gendered == _genders_beside(*found))
            ):
                out.append((words[0], found[0]))
        held.update(words)
    return out, held


def _full_name_told(
    surname: str, outlets: Sequence[Sequence[str]], model: str
) -> tuple[str, Sequence[str]] | None:
    """The full name the first outlet gives a surname, with that outlet's sentences.

    Failing that, the one the others give, when every one of them that gives one gives it.
    """
    if not outlets:
        return None
    own = _full_name(surname, outlets[0], model)
    if own is not None:
        return own, outlets[0]
    given = [(full, o) for o in outlets[1:] if (full := _full_name(surname, o, model))]
    if not given or len({full for full, _ in given}) != 1:
        return None
    return given[0]


def _mentions(text: str, source: Sequence[str], model: str) -> list[str]:
    """The people a text names, with the surnames the tagger missed (`_untagged_surnames`)."""
    return people(text, model=model) + _untagged_surnames(text, source, model)


def _untagged_surnames(text: str, source: Sequence[str], model: str) -> list[str]:
    """Lone capitalised words the source gives a person as surname, the tagger's no person.

    It misses a bare surname now and then ("Alcorn is accused of ...", "Fenwick" as an
    organisation). Not a word of a longer name ("Alcorn Street", "Geraldine Alcorn"), nor a
    place ("Jordan" is the country, whatever Michael Jordan the story names), nor a model's
    name after its number ("the Lark 11 and 11 Pro").
    """
    (found,) = entities([text], model=model)
    tagged = {
        w for e, label in found if label in _NO_SURNAME or " " in e for w in _WORD.findall(e)
    }  # fmt: skip
    words = [_POSSESSIVE.sub("", w.rstrip(".")) for w in _WORD.findall(text)]
    capitalised = [w[:1].isupper() for w in words]
    return [
        word for at, word in enumerate(words)
        if re.fullmatch(r"[A-Z][a-z]+", word)
        and word not in tagged
        and not (at > 0 and (capitalised[at - 1] or any(c.isdigit() for c in words[at - 1])))
        and not (at + 1 < len(words) and capitalised[at + 1])
        and _full_name(word, source, model) is not None
    ]  # fmt: skip


def _genders(text: str) -> set[frozenset[str]]:
    """Which of "he" and "she" a text uses."""
    words = {w.lower().replace("’", "'") for w in re.findall(r"[\w'’]+", text)}
    return {kind for kind in (_MASCULINE, _FEMININE) if not kind.isdisjoint(words)}


def _genders_beside(name: str, sentences: Sequence[str]) -> set[frozenset[str]]:
    """Which of "he" and "she" the source uses where it names someone in full, and just after.

    Both, when it tells of others there too: then it says nothing of who the name is.
    """
    found: set[frozenset[str]] = set()
    for at, sentence in enumerate(sentences):
        if name in sentence:
            found |= _genders(" ".join(sentences[at : at + 2]))
    return found if len(found) == 1 else set()


def name_in_full(sentence: DigestSentence, names: Sequence[tuple[str, str]]) -> None:
    """Put each (surname, full name) in the sentence where it first names the surname."""
    for surname, full in names:
        changed = _replace_first(sentence.text, surname, full)
        if changed is not None:
            sentence.text = changed


def introduce_names(
    sentences: Sequence[DigestSentence],
    origins: Sequence[int],
    source_sentences: Mapping[int, Sequence[str]],
    *,
    model: str,
    written: Sequence[str] = (),
) -> None:
    """Name each person in full where the printed digest first names them (in place).

    The full name may stand in a later sentence (chosen first, printed after): it moves to the
    first mention when that sentence's outlet gives that one full name for the surname (a
    "Trump" is not moved a "Melania Trump" another outlet names); the later one keeps the
    surname. The digest's words stay as many. A full name put into a later sentence (for a
    surname or a "his": one the sentence as its outlet `written` it lacks) where an earlier one
    already gives that full name goes back to the surname: "Maria Fenwick closed ..." is
    followed by "Fenwick had warned ...", not by "Maria Fenwick had warned ...".
    """
    mentions: dict[str, list[tuple[int, str]]] = {}  # surname -> (sentence, name as written)
    for i, sentence in enumerate(sentences):
        source = source_sentences.get(origins[i], ())
        for person in _mentions(sentence.text, source, model):
            mentions.setdefault(person.split()[-1], []).append((i, person))
    for surname, found in mentions.items():
        named = next(((i, n) for i, n in found if len(n.split()) > 1), None)
        if len({n for _, n in found if len(n.split()) > 1}) > 1:
            named = None  # two people of one surname: each keeps the name that tells which
        for i, name in found:
            # Only the same full name again: "Michelle Obama" before an "Obama" put in as
            # "Barack Obama" is another person.
            if named is None or i <= named[0] or name != named[1] or i >= len(written):
                continue
            if name not in written[i]:
                shortened = _replace_first(sentences[i].text, name, surname)
                if shortened is not None:
                    sentences[i].text = shortened
        first, first_written = found[0]
        later, fuller = next(((i, n) for i, n in found[1:] if len(n.split()) > 1), (-1, ""))
        if len(first_written.split()) > 1 or not fuller or later == first:
            continue
        source = source_sentences.get(origins[first], ())
        if _full_name(surname, source, model) != fuller:
            continue
        moved = _replace_first(sentences[first].text, surname, fuller)
        # The later one gives up the full name only outside a quotation: what someone said is
        # quoted as said.
        shortened = _replace_first(sentences[later].text, fuller, surname)
        if moved is not None and shortened is not None:
            sentences[first].text = moved
            sentences[later].text = shortened


_NAME = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}"
# "Albert Quist, better known to his fans as Prodigal", "Prodigal, whose real name is Albert
# Quist", "Prodigal (real name Albert Quist)".
_KNOWN_AS = re.compile(
    rf"(?P<full>{_NAME}),? (?:who is |who's )?(?:better |also |professionally |popularly )?"
    rf"known(?: to [^,;.]{{1,40}})? as (?P<alias>{_NAME})"
)
_REAL_NAME = re.compile(
    rf"(?P<alias>{_NAME}),? (?:whose real name (?:is|was)|\((?:real name|born)) (?P<full>{_NAME})"
)


def known_names(
    sentences: Sequence[DigestSentence],
    source_sentences: Mapping[int, Sequence[str]],
    *,
    model: str,
) -> None:
    """Call a person by the name the digest knows them by (in place).

    An outlet may call a rapper by his legal name ("Quist battled the disease") where the rest
    of the digest says "Prodigal": when an outlet gives that name as the other one ("Albert
    Quist, better known as Prodigal"), no outlet gives another, and another sentence of the
    digest uses it, the legal name or its surname becomes the known name.
    """
    aliases: dict[str, set[str]] = {}
    for text in (t for sents in source_sentences.values() for t in sents):
        for pattern in (_KNOWN_AS, _REAL_NAME):
            for m in pattern.finditer(text):
                if len(m["full"].split()) > 1:
                    aliases.setdefault(m["full"], set()).add(m["alias"])
    for full, known in aliases.items():
        if len(known) != 1:
            continue
        (alias,) = known
        using = [
            i for i, s in enumerate(sentences) if re.search(rf"\b{re.escape(alias)}\b", s.text)
        ]
        for i, sentence in enumerate(sentences):
            if i in using or not any(k != i for k in using):
                continue
            # The person the sentence names, not a word of another name ("Secretary of State").
            named = people(sentence.text, model=model)
            for name in (full, full.split()[-1]):
                changed = _replace_first(sentence.text, name, alias) if name in named else None
                if changed is not None:
                    sentence.text = changed
                    break


def name_once(sentences: Sequence[DigestSentence], written: Sequence[str], *, model: str) -> None:
    """Name a person once across two clauses of one sentence printed one after the other.

    "Flamboyant former star Ada Quist arrived in Harrow ..." and "Flamboyant former star Ada
    Quist said ..." are one sentence of their outlet, split: the second says "Quist said ...".
    """
    for i in range(1, min(len(sentences), len(written))):
        if written[i] != written[i - 1]:
            continue
        before, text = sentences[i - 1].text.split(), sentences[i].text.split()
        shared = 0
        while shared < min(len(before), len(text)) - 1 and before[shared] == text[shared]:
            shared += 1
        if shared < 2:
            continue
        opening = " ".join(text[:shared])
        person = next(
            (p for p in people(sentences[i - 1].text, model=model)
             if len(p.split()) > 1 and opening.endswith(p)),
            None,
        )  # fmt: skip
        if person is not None:
            sentences[i].text = " ".join([person.split()[-1], *text[shared:]])


def _full_name(surname: str, sentences: Sequence[str], model: str) -> str | None:
    """The one full name ending in `surname` that the source gives, if it gives only that one.

    Not where the source also puts another capitalised word before the surname: a title or
    another first name may be another person ("President Obama" beside "Michelle Obama").
    """
    holding = [s for s in sentences if re.search(rf"\b{re.escape(surname)}\b", s)]
    found = entities(holding, model=model)
    names = {
        _POSSESSIVE.sub("", e).strip() for ents in found for e, label in ents if label == "PERSON"
    }
    full = [
        n for n in sorted(names, key=lambda n: _first_at(n, holding))
        if 1 < len(n.split()) <= MAX_NAME_WORDS and n.split()[-1] == surname
        and all(w[:1].isupper() for w in n.split())
    ]  # fmt: skip
    if not full:
        full = _untagged_full_names(surname, holding, found, sentences)
    # "Peter Madsen" in the tenth paragraph is the first paragraph's "Peder Madsen" misspelt.
    spellings = [n for n in full if _spelling_of(n, full[0])] if full else []
    if not full or len(spellings) != len(full):
        return None
    name = full[0]
    given = name.split()[-2]
    if given in _TITLES or given in _HONORIFICS:
        return None  # "Lady Thor", "Judge Minehart": a title, no given name
    # "President Obama" or "Mr. Obama" beside "Michelle Obama": the outlet calls someone by the
    # surname with another word before it, maybe someone else. A "Ms." or "Mr." is her or him
    # when the outlet's "she" or "he" beside the full name says so.
    for sentence in holding:
        for match in re.finditer(rf"([\w.'’-]+)\s+{re.escape(surname)}\b", sentence):
            word = match.group(1)
            if not word[:1].isupper() or _spelling_of(word, given):
                continue
            if word not in _HONORIFICS or {_HONORIFICS[word]} != _genders_beside(name, sentences):
                return None
    return name


def _untagged_full_names(
    surname: str,
    holding: Sequence[str],
    found: Sequence[Sequence[Entity]],
    sentences: Sequence[str],
) -> list[str]:
    """Full names the tagger missed ("next to Cannes vet Cate Blanchett"), as they come first.

    The surname is a person's where the tagger reads it (`found`, the entities of `holding`),
    and a capitalised word before it, after a lower-case one, is the given name when the source
    writes it nowhere else, in lower case or alone ("said Late Wednesday", "Russian Roulette"),
    and the tagger takes it for nothing else ("on Monday Kalder said").
    """
    if not any(label == "PERSON" and surname in e.split() for ents in found for e, label in ents):
        return []
    tagged = {
        w for ents in found for e, label in ents if label != "PERSON" and surname not in e
        for w in e.split()
    }  # fmt: skip
    text = " ".join(sentences)
    names: list[str] = []
    for sentence in holding:
        for match in re.finditer(rf"\b[a-z]+,? ([A-Z][a-z]+) {re.escape(surname)}\b", sentence):
            given = match.group(1)
            alone = len(re.findall(rf"\b{given}\b", text)) > len(
                re.findall(rf"\b{given} {re.escape(surname)}\b", text)
            )
            lowered = re.search(rf"\b{given.lower()}\b", text) is not None
            if given in tagged | _TITLES | _HONORIFICS.keys() or alone or lowered:
                continue
            names.append(f"{given} {surname}")
    return list(dict.fromkeys(names))


def _first_at(name: str, sentences: Sequence[str]) -> int:
    """Where a source first writes a name: the number of its sentence."""
    return next((at for at, s in enumerate(sentences) if name in s), len(sentences))


def _spelling_of(name: str, other: str) -> bool:
    """Whether a name is another (or the same) spelling of another: one letter put for one.

    "Peder" and "Peter"; not "Mark" and "Mary", who may be a couple (short given names differ
    by one letter too often), nor "Peter" and "Pieter".
    """
    if name == other:
        return True
    words, others = name.split(), other.split()
    if len(words) != len(others):
        return False
    differing = [(a, b) for a, b in zip(words, others, strict=True) if a != b]
    if len(differing) != 1:
        return False
    ((a, b),) = differing
    return (
        len(a) == len(b) >= MIN_SPELLING_LETTERS
        and a[0] == b[0]
        and sum(x != y for x, y in zip(a, b, strict=True)) == 1
    )


def _replace_first(text: str, name: str, other: str) -> str | None:
    """The text with the first mention of `name` outside quotations made `other`.

    None when there is none, or when `name` is a surname already written after the rest of
    `other` ("Lloyd Austin": nothing to put in).
    """
    inside = [m.span() for m in QUOTATION.finditer(text)]
    for match in re.finditer(rf"\b{re.escape(name)}\b", text):
        if any(a <= match.start() < b for a, b in inside):
            continue
        given = other.rsplit(" ", 1)[0]
        before = text[: match.start()].rstrip()
        if other.endswith(name) and before.endswith(given):
            return None
        start = match.start()
        honorific = before.rsplit(" ", 1)[-1]
        if other.endswith(f" {name}") and honorific in _HONORIFICS:
            start = len(before) - len(honorific)  # "Ms. Murphy" is "Virginia Murphy" at first
        head = _with_article(text[:start], other)
        return head + other + text[match.end() :]
    return None


def _with_article(before: str, name: str) -> str:
    """The text before a name put in, its "a" or "an" made to fit the name's first letter.

    "an Orrin administration official" -> "a Dana Orrin administration official".
    """
    article = re.search(r"\b([Aa]n?) $", before)
    if article is None:
        return before
    vowel = name[:1].lower() in "aeiou"
    word = article.group(1)
    fitting = (word[0] + "n") if vowel else word[0]
    return before[: article.start(1)] + fitting + " "
