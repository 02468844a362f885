"""Naming: what the evidence calls the asked one, and the answer in the words around it.

The parse finds the "she" or "the film" that stands in the asked role for a name said before
(`anaphor`); the run of proper nouns NER missed at the head of a role's phrase (`_name_at`,
read by `fillers`); what the sources say X is (`definition`: its appositive, the predicate
noun, or the title written before the name, "harbour master Ivo Brandt"); whether two names
are one answer (`together`); and a number's unit or a day's hour written beside it
(`with_unit`, `with_time`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._question import Asked
from ._relation import _objects, _relation, _span_of, _subjects, states_something

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MAX_DEFINITION_WORDS = 14  # a longer appositive is a story, not what someone is
_TITLE_POS = frozenset({"ADJ", "NOUN", "PROPN"})
_PRONOUNS = frozenset({"he", "she", "it", "they"})
_POINTING = frozenset({"the", "this", "that"})


def anaphor(question: Asked, evidence: Doc) -> str | None:
    """The word standing in the asked role for a name said before: "the film", "she".

    "The film scored 11 honors" answers "Which film scored the most nominations?" with the
    film the sentences before it name. Returns the pronoun, or the noun's lemma ("film");
    None when a name stands in the role, or nothing does.
    """
    if question.verb is None or question.role not in {"subject", "object"}:
        return None
    for token in _relation(question, evidence, saying=question.role == "subject"):
        regions = (
            _subjects(token) if question.role == "subject"
            else _objects(token, question.preposition)
        )  # fmt: skip
        for left, right, head in regions:
            if head < 0 or any(t.pos_ == "PROPN" for t in evidence[left : right + 1]):
                continue
            word = evidence[head]
            if word.tag_ == "PRP" and word.lower_ in _PRONOUNS:
                return word.lower_
            if word.pos_ == "NOUN" and any(
                c.dep_ == "det" and c.lower_ in _POINTING for c in word.children
            ):
                return word.lemma_.lower()
    return None


def _name_at(token: Token) -> str | None:
    """The run of proper nouns a phrase's head ends ("Skarn Point"), or None.

    A capitalised singular noun with no determiner is a name the tagger took for a noun
    ("Voss praised the crew").
    """
    if token.ent_type_ in {"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY"}:
        return None
    bare = (
        token.tag_ == "NN"
        and token.text[:1].isupper()
        and not any(c.dep_ in {"det", "poss"} for c in token.children)
    )
    if token.pos_ != "PROPN" and not bare:
        # "the state agency Nordpress": the name set beside the noun.
        named = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        return _name_at(named) if named is not None else None
    left = token.i
    while left > 0 and (
        token.doc[left - 1].pos_ == "PROPN"
        or (token.doc[left - 1].text == "&" and left > 1 and token.doc[left - 2].pos_ == "PROPN")
    ):
        left -= 1
    right = token.i
    while right + 1 < len(token.doc) and token.doc[right + 1].pos_ == "PROPN":
        right += 1
    return token.doc[left : right + 1].text


def together(evidence: Doc, first: str, second: str) -> bool:
    """Whether two names are one answer in the sentence: "Arden and Brandt", "between A and B"."""
    a, b = _span_of(evidence, first), _span_of(evidence, second)
    if a is None or b is None:
        return False
    pair = a.root.conjuncts
    if len(pair) == 1 and pair[0].i == b.root.i:
        return True  # two names, not two of a list of six
    between = [t for t in evidence if t.lower_ == "between"]
    return any(
        t.i < a.start and t.i < b.start and t.head.right_edge.i >= max(a.end, b.end) - 1
        for t in between
    )


def definition(question: Asked, evidence: Doc, *, titles: bool = True) -> str | None:
    """What the evidence says the asked one is: appositive, predicate noun or written title.

    "Who is Ivo Brandt?" over "..., said harbour master Ivo Brandt" -> "harbour master";
    "Who is the captain?" wants a name: the person the captain is, if the sentence names one.
    `titles=False` reads only what is said of the name (appositive, predicate), the fuller kind.
    """
    if question.target is None or not states_something(evidence):
        return None
    target = question.target.removeprefix("the ").removeprefix("The ")
    thing = naming(question)
    if thing is not None:
        return _name_given(evidence, thing)
    span = _span_of(evidence, target)
    if span is None and not question.target_is_name:
        # A role is worded many ways ("the bank's governor"): its head noun is enough.
        head_noun = target.split(" of ")[0].split()[-1].lower()
        word = next((t for t in evidence if t.lower_ == head_noun), None)
        span = evidence[word.i : word.i + 1] if word is not None else None
    if span is None:
        return None
    root = span.root
    if question.target_is_name:
        for child in root.children:
            if child.dep_ == "appos":
                return _short(evidence[child.left_edge.i : child.right_edge.i + 1].text)
        if root.dep_ == "nsubj" and root.head.lemma_ == "be":
            attr = next((c for c in root.head.children if c.dep_ == "attr"), None)
            if attr is not None:
                return _short(evidence[attr.left_edge.i : attr.right_edge.i + 1].text)
        if root.dep_ == "appos":
            head = root.head
            return _short(evidence[head.left_edge.i : head.i + 1].text)
        return _title_before(evidence, span) if titles else None
    # A role ("the captain"): the person named beside it.
    # The small tagger often calls a person an ORG; the parse around the role says who it is.
    people = [e for e in evidence.ents if e.label_ in {"PERSON", "ORG"}]
    for person in people:
        if root.dep_ == "compound" and root.head.i == person.root.i:
            return person.text  # "Governor Lidia Marsh"
        if person.root.dep_ == "appos" and person.root.head.i == root.i:
            return person.text
        if root.dep_ == "appos" and root.head.i == person.root.i:
            return person.text
        if person.start == span.end or (
            person.start == span.end + 1
            and root.i + 1 < len(evidence)
            and evidence[root.i + 1].text == ","
        ):
            return person.text  # "captain Ivo Brandt", "the captain, Ivo Brandt"
    return None


_NAME_OF = re.compile(
    r"^(?:the )?name of (?:the |a |an |this |that )?(?P<thing>[\w -]+)$"
    r"|^(?:the |this |that )?(?P<owner>[\w -]+?)['’]s name$",
    re.IGNORECASE,
)


def naming(question: Asked) -> str | None:
    """The thing whose name a question asks for ("What is the name of the ship?"), or None."""
    if question.role != "identity" or question.target is None:
        return None
    match = _NAME_OF.match(question.target.strip())
    return (match["thing"] or match["owner"]).lower() if match else None


def _name_given(evidence: Doc, thing: str) -> str | None:
    """The proper name the evidence gives a thing it calls so.

    "the cargo ship Northern Larkspur", "the ship, the Northern Larkspur,", "the Northern
    Larkspur, a cargo ship", "a ship called the Northern Larkspur", "the Tallow Hill
    Observatory".
    """
    head_noun = thing.split()[-1]
    for word in evidence:
        if word.lower_ != head_noun and (word.lemma_ or "").lower() != head_noun:
            continue
        if word.pos_ == "PROPN":
            # The thing's own word ends its name: "the Tallow Hill Observatory".
            found = _name_at(word)
            if found and found.lower() != head_noun:
                return found
            continue
        if word.pos_ != "NOUN":
            continue
        beside = [c for c in word.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
        beside += [
            g for c in word.children if c.dep_ == "acl" and c.lower_ in {"called", "named"}
            for g in c.children if g.dep_ in {"oprd", "attr", "dobj"} and g.pos_ == "PROPN"
        ]  # fmt: skip
        if word.dep_ in {"appos", "compound"} and word.head.pos_ == "PROPN":
            beside.append(word.head)
        # Right after it, however the parser hung it ("the passenger ferry Grey Heron ran").
        after = word.i + 1
        if (
            after < len(evidence)
            and evidence[after].pos_ == "PROPN"
            and evidence[after].ent_type_ not in {"DATE", "TIME"}
        ):
            beside.append(evidence[after])
        for name in beside:
            found = _name_at(name)
            if found:
                return found
    return None


def _title_before(doc: Doc, span: Span) -> str | None:
    """'North Sea envoy to Halvik Ivo Brandt' -> 'North Sea envoy to Halvik'."""
    i = span.start - 1
    words: list[Token] = []
    while i >= 0:
        token = doc[i]
        if token.pos_ in _TITLE_POS or (token.lower_ in {"of", "to", "for"} and words):
            words.append(token)
            i -= 1
            continue
        break
    while words and words[-1].pos_ not in _TITLE_POS:
        words.pop()
    words.reverse()
    if not any(w.pos_ == "NOUN" or (w.pos_ == "PROPN" and not w.ent_type_) for w in words):
        return None
    return " ".join(w.text for w in words) or None


def _short(text: str) -> str | None:
    text = text.strip(" ,;")
    return text if 0 < len(text.split()) <= MAX_DEFINITION_WORDS else None


def with_unit(evidence: Doc, answer: str) -> str:
    """'12' -> '12 crowns' when the number counts the noun right after it."""
    span = _span_of(evidence, answer)
    if span is None or span.end >= len(evidence):
        return answer
    after = evidence[span.end]
    counts = any(t.dep_ == "nummod" and t.head.i == after.i for t in span)
    if counts and after.pos_ == "NOUN":
        return f"{answer} {after.text}"
    return answer


def with_time(evidence: Doc, answer: str) -> str:
    """'Tuesday' -> 'about 3:40 a.m. on Tuesday' when the evidence gives the hour beside the day.

    And the other way round: an hour gets the day written next to it.
    """
    span = _span_of(evidence, answer)
    if span is None:
        return answer
    own = next((e for e in evidence.ents if e.start <= span.start < e.end), None)
    if own is None or own.label_ not in {"DATE", "TIME"}:
        return answer
    other_label = "TIME" if own.label_ == "DATE" else "DATE"
    for entity in evidence.ents:
        if entity.label_ != other_label:
            continue
        if entity.end <= span.start:
            gap = evidence[entity.end : span.start]
        else:
            gap = evidence[span.end : entity.start]
        if len(gap) <= 1 and all(t.lower_ in {"on", "at", ","} for t in gap):
            start, end = min(entity.start, span.start), max(entity.end, span.end)
            return evidence[start:end].text
    return answer
