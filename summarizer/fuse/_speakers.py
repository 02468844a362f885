"""Who a pronoun or a lone quotation stands for, read from the sentences before (stage 5).

A name is put in only when the sentence before leaves no doubt: a quotation or statement given
to the wrong person is worse than one left unprinted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from ..nlp import SUBJECT_DEPS
from ..text import SAYING_VERBS
from ._masks import bracket_spans, quoted_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "PERSON_PRONOUNS",
    "SPEAKER_LABELS",
    "SUBJECT_PRONOUNS",
    "Reader",
    "resolve_pronoun",
    "speaker_before",
]

# Reads one sentence with the full parse; the caller memoises (a sentence before is often one
# of the candidates it parsed already).
Reader = Callable[[str], "Doc"]

_PERSON_PRONOUNS = {"he": "", "she": "", "his": "'s", "her": "'s"}
PERSON_PRONOUNS = frozenset(_PERSON_PRONOUNS)  # a pronoun that stands for one person
# What a person named may be tagged: the small model often reads a name as an organisation.
SPEAKER_LABELS = frozenset({"PERSON", "ORG"})
SUBJECT_PRONOUNS = frozenset({"he", "she", "they"})  # a clause's subject that points at someone
# Nouns for someone unnamed ("the woman", "the suspect"): a "she" or "his" after them may be
# theirs.
_PERSON_NOUNS = frozenset(
    {"man", "men", "woman", "women", "boy", "girl", "child", "baby", "mother", "father",
     "wife", "husband", "son", "daughter", "brother", "sister", "suspect", "victim", "driver",
     "officer", "teenager", "patient", "gunman", "passenger", "student", "worker"}
)  # fmt: skip
_NO_NAME_POS = frozenset({"NOUN", "PRON", "DET", "NUM", "ADJ"})  # a capitalised subject not a name
_NAMED = frozenset({"PERSON", "ORG", "NORP", "GPE"})  # what a pronoun after it may stand for
# Speakers who are never the "he" or "she" they tell of.
_GROUP_SPEAKERS = frozenset(
    {"police", "officials", "authorities", "sources", "investigators", "prosecutors",
     "detectives", "witnesses", "reports", "documents", "records"}
)  # fmt: skip


def pointing_pronoun(
    doc: Doc, keep: list[bool], *, start: int, quoted: AbstractSet[int]
) -> int | None:
    """The index of a pronoun that points back at someone the sentence does not name.

    The pronoun either opens what the wording keeps ("He ...", "His ..."), speaks a quotation
    ('"...," he said') or a statement it breaks ("Traffic, he said, is down") that names no one
    else, or is the main clause's subject after an
    opening phrase with no name before it ("In a call to action, he said ...", "With hits like
    these, they became ...").

    Args:
        doc: the sentence's parse.
        keep: the tokens the wording keeps.
        start: the first token it keeps.
        quoted: the indexes of the tokens inside quotation marks.
    """
    if start < len(doc) and doc[start].lower_ in _PERSON_PRONOUNS:
        return start
    named = any(e.label_ == "PERSON" and not any(t.i in quoted for t in e) for e in doc.ents)
    speaker = next(
        (
            t for t in doc
            if t.lower_ in {"he", "she"} and t.dep_ == "nsubj" and t.i not in quoted
            and t.head.lower_ in SAYING_VERBS and keep[t.i]
            and (
                any(doc[i].text in {"”", '"', "’"} for i in range(max(0, t.i - 3), t.i))
                or t.head.dep_ == "parataxis"  # "Traffic, he said, is down"
            )
        ),
        None,
    )  # fmt: skip
    if speaker is not None and not named:
        return speaker.i
    # "In a call to action, he said ...", "With hits like these, they became ...": the main
    # clause's subject is a pronoun that no name before it in the sentence stands for.
    subject = _main_pronoun(doc, quoted, keep)
    if subject is None:
        return _reported_pronoun(doc, keep, quoted)
    # A "he" or "she" stands for a person, whom the tagger may call an organisation, never a
    # nationality or a place: "the Danish captain's route ..., he said" names neither.
    labels = _NAMED - {"NORP", "GPE"} if subject.lower_ in {"he", "she"} else _NAMED
    named_before = any(
        e.label_ in labels and e.end <= subject.i and not any(t.i in quoted for t in e)
        for e in doc.ents
    )
    return None if named_before else subject.i


def _main_pronoun(
    doc: Doc, quoted: AbstractSet[int], keep: list[bool] | None = None
) -> Token | None:
    """The main clause's "he", "she" or "they" subject outside quotation marks (and kept)."""
    return next(
        (
            t for t in doc
            if t.lower_ in SUBJECT_PRONOUNS and t.dep_ in SUBJECT_DEPS
            and t.head.dep_ == "ROOT" and t.i not in quoted and (keep is None or keep[t.i])
        ),
        None,
    )  # fmt: skip


def _reported_pronoun(doc: Doc, keep: list[bool], quoted: AbstractSet[int]) -> int | None:
    """A "he" or "she" that speakers who cannot be them tell of, named nowhere before it.

    "Police said he had no criminal record", "Pageant officials say she ...": who, the
    sentence before told. "A neighbour said he ..." may be the neighbour speaking of himself,
    and "Ines Hald said she would appeal" names her.
    """
    root = doc[:].root
    if root.lower_ not in SAYING_VERBS:
        return None
    reported = next(
        (
            t for t in doc
            if t.lower_ in {"he", "she"} and t.dep_ in SUBJECT_DEPS
            and t.head.dep_ == "ccomp" and t.head.head.i == root.i
            and t.i not in quoted and keep[t.i]
        ),
        None,
    )  # fmt: skip
    if reported is None or not any(_group_speaker(c) for c in root.children if c.dep_ == "nsubj"):
        return None
    # "Police said in addition to Alcorn showing up, she ...": someone is named before it.
    named = any(
        (t.pos_ == "PROPN" or t.ent_type_ == "PERSON" or t.lower_ in _PERSON_NOUNS)
        and t.i not in quoted
        for t in doc[: reported.i]
    )
    return None if named else reported.i


def _group_speaker(subject: Token) -> bool:
    """Whether a speaking subject is a group or body ("Police", "Pageant officials").

    A bare capitalised plural may be a surname the tagger took for a noun ("Banks said").
    """
    if subject.lower_ in _GROUP_SPEAKERS:
        return True
    return subject.tag_ == "NNS" and (
        not subject.is_title or any(c.dep_ in {"det", "amod", "compound"} for c in subject.children)
    )


def resolve_pronoun(doc: Doc, at: int, previous: Sequence[str], read: Reader) -> str | None:
    """What to print for the pronoun at `at`: the person the sentence before names, if one.

    Args:
        doc: the sentence's parse.
        at: the pronoun's index (`pointing_pronoun`).
        previous: the article's sentences before this one.
        read: the parse of a sentence before.
    """
    pronoun = doc[at].lower_
    person = _one_person(previous, read) if previous and pronoun in _PERSON_PRONOUNS else None
    if person is None:
        return None
    # "Her paint was found on his boat, Varn said": a pronoun never stands for a person
    # the sentence names itself.
    if person.split()[-1] in {t.text for t in doc}:
        return None
    return person + _PERSON_PRONOUNS[pronoun]


def _one_person(previous: Sequence[str], read: Reader) -> str | None:
    """The one person the nearest sentence naming people names; None when it names several.

    "He" after "... killed Ambassador Chris Stevens" is not Stevens when the sentence's speaker
    went unnamed: with two people (or an unnamed one) in play, no name is put in.
    """
    for text in reversed(previous[-2:]):
        doc = read(text)
        quoted = quoted_tokens(doc)
        # "the Trump administration" names no one in play: a name qualifying a common noun;
        # nor does a name someone speaks of inside quotation marks ('"Matt has my endorsement"').
        people = [
            e.text for e in doc.ents
            if e.label_ == "PERSON"
            and not (e.root.dep_ == "compound" and e.root.head.pos_ == "NOUN")
            and not any(t.i in quoted for t in e)
        ]  # fmt: skip
        # "... the boat of the man who was later found drowned", "Ines Hald, an aunt of the
        # girl's mother, said the school called the girl's father": someone unnamed is in
        # play, and the "she" after it may be them.
        if any(t.lower_ in _PERSON_NOUNS and t.i not in quoted for t in doc):
            return None
        if not people:
            # "Trump sent a similar message": a name the tagger did not read as a person may be
            # the one meant; looking further back would find someone else. So may a name in
            # a quotation ('"Colbert can't serve." His contract ...'), not its speaker before.
            if any(_may_be_someone(t) and t.i not in quoted for t in doc) or any(
                doc[i].pos_ == "PROPN" for i in quoted
            ):
                return None
            continue
        # "He noted that the consulate failed to protect Ambassador Chris Stevens." The "he" after
        # it is the same unnamed speaker, not Stevens.
        if _main_pronoun(doc, quoted) is not None:
            return None
        # "van der Hald" read as the person "van der" and the place "Hald": half a name.
        if any(e.label_ == "PERSON" and _runs_on(e) for e in doc.ents):
            return None
        # "Ines Hald" and "Hald" are one person.
        surnames = {p.split()[-1].removesuffix("'s").removesuffix("’s") for p in people}
        if len(surnames) != 1:
            return None
        # ... and only the one the sentence is about: its subject, not an object or aside.
        for ent in doc.ents:
            root = ent.root
            if ent.label_ == "PERSON" and (
                root.dep_ in SUBJECT_DEPS
                or (root.dep_ in {"appos", "compound"} and root.head.dep_ in SUBJECT_DEPS)
                or _introduced(root)
            ):
                # "Brandt and Varn left": either may be "she", whatever the tagger made of Varn.
                paired = any(c.dep_ == "conj" for c in root.children)
                # "Quist (real name Harald Quist) had ...": the name in brackets is an aside,
                # not what the outlet calls him.
                bracketed = {i for a, b in bracket_spans(doc) for i in range(a + 1, b)}
                named = [
                    _as_called(e) for e in doc.ents
                    if e.text in people and not any(t.i in bracketed for t in e)
                ]  # fmt: skip
                if not named and bracketed:
                    # ... and where the tagger saw only the bracketed name, the outlet's own
                    # word for him is its surname outside the brackets, if it is there.
                    outside = {t.text for t in doc if t.i not in bracketed}
                    named = [p.split()[-1] for p in people if p.split()[-1] in outside]
                    if not named:
                        return None
                return None if paired else max(named or people, key=len)
        return None
    return None


def _as_called(name: Span) -> str:
    """A name as it stands for someone: "the Queen" (a title) with its article."""
    before = name.doc[name.start - 1] if name.start > 0 else None
    return f"the {name.text}" if before is not None and before.lower_ == "the" else name.text


def _runs_on(name: Span) -> bool:
    """Whether a name is the first part of a longer one: it qualifies the proper noun after it."""
    head = name.root.head
    return name.root.dep_ == "compound" and head.pos_ == "PROPN" and head.i == name.end


def _may_be_someone(token: Token) -> bool:
    """Whether a name the tagger read as no person may still be the one a "he" stands for.

    A subject ("Trump sent a similar message"), even one the tagger took for no noun ("Varn,
    whose ..., runs the board": an adverb); or a name that opens the sentence or owns its
    subject, which a parser misled by "whose family's" reads as a possessive ("Kushner, whose
    family's ... , wields power").
    """
    if token.dep_ in SUBJECT_DEPS and (
        token.pos_ == "PROPN" or (token.is_title and token.pos_ not in _NO_NAME_POS)
    ):
        return True
    if token.pos_ != "PROPN":
        return False
    if token.dep_ == "poss" and token.head.dep_ in SUBJECT_DEPS:
        return True
    return token.i == 0 and token.ent_type_ in {"", "ORG"}


def _introduced(name: Token) -> bool:
    """Whether a name is introduced by pointing at it ("That's Opal Quist.").

    The story's subject is named this way in a broadcast transcript; the "she" after it is her.
    """
    head = name.head
    return (
        name.dep_ == "attr"
        and head.dep_ == "ROOT"
        and any(c.dep_ == "nsubj" and c.lower_ in {"that", "this"} for c in head.children)
    )


# Verbs that hand a quotation to its speaker, and the form the added "X said:" takes.
_SPEAKING = {"said": "said", "says": "says", "wrote": "wrote", "writes": "writes",
             "added": "added", "adds": "adds", "tweeted": "tweeted", "told": "said",
             "continued": "said", "explained": "said"}  # fmt: skip


def speaker_before(previous: Sequence[str], read: Reader) -> tuple[str, str] | None:
    """The person who speaks in the sentence just before, and the verb they speak by.

    Only a named subject of a verb of saying ('..., Trump wrote in a tweet'), or a 'he'/'she'
    there when the sentence before that names exactly one person: a quotation given to the
    wrong speaker is worse than one left out.
    """
    if not previous:
        return None
    doc = read(previous[-1])
    for token in doc:
        if token.lower_ not in _SPEAKING or token.pos_ not in {"VERB", "AUX"}:
            continue
        # "Hidden Message: WROTE THIS INSTEAD" is a label in capitals, not someone writing.
        if not token.is_lower:
            continue
        subjects = [c for c in token.children if c.dep_ == "nsubj"]
        if len(subjects) != 1:
            continue
        subject = subjects[0]
        # The small model often reads a person's name as an organisation; either may speak.
        person = next(
            (
                e.text for e in doc.ents
                if e.label_ in SPEAKER_LABELS and e.start <= subject.i < e.end
            ),
            None,
        )  # fmt: skip
        if person is None and subject.lower_ in {"he", "she"}:
            person = _one_person(previous[:-1], read)
        if person is not None:
            return person, _SPEAKING[token.lower_]
    return None
