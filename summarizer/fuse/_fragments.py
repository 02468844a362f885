"""Wordings that are no statement: fragments, remnants and questions (stage 5, for `claims`).

A page's broken line ("Spoke to a union official on ..."), a cut that took a sentence's
subject ("Was edited to ..."), a verb of saying without what was said ("Davis said at the
club."), a quotation's remnant, and a clause that opens on its verb before its subject ("Do
most ferries sail ...", left of "..., nor do most ferries sail") are never printed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..nlp import SUBJECT_DEPS
from ..text import SAYING_VERBS
from ._masks import ANY_SUBJECT_DEPS, FINITE_TAGS, is_finite, quoted_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "headless",
    "inverted",
    "lost_subject",
    "only_described",
    "only_subordinate",
    "quote_and_remnant",
    "says_nothing",
    "subject_cut",
]

# What a verb of saying governs when it reports something: a clause or an object.
_SAID = frozenset({"ccomp", "xcomp", "parataxis", "dobj", "dative", "advcl", "conj"})
# Verbs that report speech only when they have no object ("Graham charged on Sunday." is what
# is left of '"...," Graham charged'; "Police charged him" is no speech).
_SPEECH_WITHOUT_OBJECT = frozenset({"charged", "countered", "quipped"})
# What was said may hang on a preposition: "reported on the payment", "wrote about the trial".
_TOLD_OF = frozenset({"on", "about", "of"})
# Words that make a clause subordinate: a sentence whose main verb opens with one ("At least
# when ...", within its first few tokens) is half a sentence.
_SUBORDINATORS = frozenset(
    {"when", "whenever", "if", "because", "although", "though", "unless", "whereas"}
)
MAX_OPENING_TOKENS = 3


def quote_and_remnant(doc: Doc, mask: list[bool], first: int, quoted: frozenset[int]) -> bool:
    """Whether the wording is a quotation and a remnant with no verb of its own.

    '"No one wants to talk honestly" about the threat.': the only verb is the quotation's, and
    what follows it no longer tells who spoke ('"...," Varn said' does).
    """
    if first + 1 not in quoted or not doc[first].is_quote:
        return False
    closing = next((i for i in range(first + 1, len(doc)) if i not in quoted), len(doc))
    outside = [t for t in doc if mask[t.i] and t.i > closing and not t.is_punct]
    return bool(outside) and not any(t.pos_ in {"VERB", "AUX"} or is_finite(t) for t in outside)


def says_nothing(doc: Doc, mask: list[bool]) -> bool:
    """Whether the wording is a verb of saying without what was said ("Davis said at the club.").

    Left when a splitter cut the quotation off, or a cut took the clause said.
    """
    root = doc[:].root
    return (
        mask[root.i]
        and (
            root.lower_ in SAYING_VERBS
            or (
                root.lower_ in _SPEECH_WITHOUT_OBJECT
                and not any(c.dep_ in {"auxpass", "nsubjpass"} for c in root.children)
            )
        )
        and not any(mask[c.i] and c.dep_ in _SAID for c in root.children)
        and not any(mask[c.i] and _told_of(c, mask) for c in root.children)
        and not any(mask[i] for i in quoted_tokens(doc))
        # "A car park has been confirmed as the meeting place": the subject is what was said.
        and not any(mask[c.i] and c.dep_ == "nsubjpass" and c.lower_ != "it" for c in root.children)
        # "said in a statement that the request would be ...": the parse may hang the clause
        # said on the noun before it.
        and not any(
            mask[t.i] and t.dep_ == "mark" and t.lower_ == "that" and mask[t.head.i]
            for t in root.subtree
        )
    )


def _told_of(token: Token, mask: list[bool]) -> bool:
    """Whether a verb's child tells what was said: "reported on the details of a payment"."""
    return (
        token.dep_ == "prep"
        and token.lower_ in _TOLD_OF
        # "said on Monday" tells when, not what.
        and any(
            mask[c.i] and c.dep_ == "pobj" and c.ent_type_ not in {"DATE", "TIME"}
            for c in token.children
        )
    )


def headless(doc: Doc) -> bool:
    """Whether the sentence lost its subject or its main clause, or has a participle for a verb.

    "The late change preventing her from kneeling, an act she began on Sunday." and the caption
    "A sketch released of a passenger who was struck ..." are fragments, whatever finite verb a
    clause inside them has.
    """
    root = doc[:].root
    first = next((t for t in doc if not (t.is_punct or t.is_space)), root)
    # "At least when it comes to housing.": a subordinate clause with no main one. (A comma
    # after the clause shows a main one the parse missed, "If the ferry sinks, the ...", and
    # a quotation may hold the clause: '"When it sinks, we swim," Varn said'.)
    if not doc.text.rstrip().endswith("?") and any(
        c.lower_ in _SUBORDINATORS and c.dep_ in {"mark", "advmod"}
        and c.i < min(root.i, MAX_OPENING_TOKENS)
        and not any(t.text == "," or t.is_quote for t in doc[: root.i] if t.i != c.i)
        for c in root.children
    ):  # fmt: skip
        return True
    # "Spoke to a union official on November 3 who ...": a note's line, its subject unsaid.
    opening_verb = root.tag_ in {"VBD", "VBZ"} and root.i == first.i
    subjectless = (root.tag_ in {"VBN", "VBG"} or opening_verb) and not any(
        c.dep_ in ANY_SUBJECT_DEPS | {"aux", "auxpass"} for c in root.children
    )
    return (
        subjectless
        or lost_subject(first, [True] * len(doc))
        or (
            root.pos_ in {"NOUN", "PROPN"}
            and any(_participle(c) for c in root.children)
            and not any(is_finite(c) for c in root.children)
        )
    )


def _participle(token: Token) -> bool:
    """Whether a noun's modifier is a participle: "preventing her ...", "released of ...".

    One with an object or a finite verb beside it is a main verb the parse misread: "a man
    confronted Price ... and asked ...".
    """
    if token.dep_ != "acl" or token.tag_ not in {"VBG", "VBN"}:
        return False
    return token.tag_ == "VBG" or not any(
        c.dep_ == "dobj" or (c.dep_ == "conj" and is_finite(c)) for c in token.children
    )


def lost_subject(first: Token, keep: list[bool]) -> bool:
    """Whether a wording opens on the auxiliary of a verb whose subject it does not keep.

    "Was edited to ...": the page cut the subject off, or a cut took it ("footage the lawyers
    say was edited ...").
    """
    finite = first.dep_ in {"aux", "auxpass"} and first.tag_ in FINITE_TAGS  # not "To ..."
    return finite and not any(c.dep_ in ANY_SUBJECT_DEPS and keep[c.i] for c in first.head.children)


def subject_cut(doc: Doc, fuller: list[bool], keep: list[bool]) -> bool:
    """Whether a wording keeps a verb and cuts away the subject a fuller one keeps.

    A misparse can read a clause's subject as an aside ("..., the plan for the quay – another
    big cost – was clear"): cut, it leaves "Despite the rise was clear." A dateline the parser
    took for a subject is off every wording, and no cut. (`lost_subject` reads a wording whose
    verb has no subject at all.)
    """
    return any(
        keep[t.i]
        and (subjects := [c for c in t.children if c.dep_ in ANY_SUBJECT_DEPS])
        and not any(keep[c.i] for c in subjects)
        and any(fuller[c.i] for c in subjects)
        for t in doc
    )


def inverted(first: Token, keep: list[bool]) -> bool:
    """Whether a wording opens on its verb before the verb's subject: it reads as a question.

    "Do most ferries sail in winter." is what is left of "..., nor do most ferries sail in
    winter" once "nor" is off. "Said the harbour master: ..." tells who spoke.
    """
    if first.tag_ not in FINITE_TAGS or first.pos_ not in {"AUX", "VERB"}:
        return False
    verb = first.head if first.dep_ in {"aux", "auxpass"} else first
    # "Had he lost, Quill would have resigned": a condition before the main clause.
    if verb.dep_ not in {"ROOT", "conj"}:
        return False
    if verb.lower_ in SAYING_VERBS or first.lower_ in SAYING_VERBS:
        return False
    return any(c.dep_ in ANY_SUBJECT_DEPS and keep[c.i] and c.i > first.i for c in verb.children)


def only_described(doc: Doc, mask: list[bool]) -> bool:
    """Whether the wording is a noun and what describes it, with no verb of its own.

    A list's item set as a sentence ("Ferry crews who sold the tickets."): its only
    verb is its relative clause's.
    """
    root = doc[:].root
    if root.pos_ not in {"NOUN", "PROPN"} or not mask[root.i]:
        return False
    if any(c.dep_ in SUBJECT_DEPS for c in root.children):
        return False  # a misparse with a subject still tells something of it
    return _every_verb_under(doc, mask, lambda a: a.dep_ == "relcl")


def only_subordinate(doc: Doc, mask: list[bool]) -> bool:
    """Whether the wording's only verbs are a subordinate clause's, hung on no main verb.

    "As for the harbour master, because the storm had just passed.": half a sentence, whose verb
    says why something the outlet went on to say is so.
    """
    root = doc[:].root
    # A noun heading the parse is more often a misparse of a whole sentence ("Talks on the
    # quay ... before the vote could end ...") than half of one.
    if root.pos_ not in {"ADP", "ADV", "SCONJ"} or not mask[root.i]:
        return False
    return _every_verb_under(
        doc, mask, lambda a: a.dep_ == "advcl" and any(c.dep_ == "mark" for c in a.children)
    )


def _every_verb_under(doc: Doc, mask: list[bool], clause: Callable[[Token], bool]) -> bool:
    """Whether the wording has finite verbs and each stands in a clause of the kind given."""
    finite = [t for t in doc if mask[t.i] and is_finite(t)]
    return bool(finite) and all(any(clause(a) for a in [t, *t.ancestors]) for t in finite)
