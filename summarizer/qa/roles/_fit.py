"""Fit: whether a short answer stands in the asked role in the evidence sentence.

Voting cannot tell the person who met from the person met; a short answer leads only when
it stands in the asked role in its sentence (`fit`):

- who/what did V: the subject of V (or the agent of its passive, the antecedent of "who V",
  the people "between"/"with" a meeting); "who reported X's pledge": the one whose report
  is X's doing;
- who/what did X V, V for whom: the object of V, or of its preposition;
- when/where/how much: a value inside the clause of V; "V from where", "V at which venue":
  after that preposition;
- who/what is X: what the sources say X is: its appositive, the predicate noun, or the title
  written before the name ("harbour master Ivo Brandt").

A sentence that does not state the asked relation, a title, or a line without a verb leads
with nothing: the answer is then the evidence itself. The parse also names what NER missed
in the asked role (`fillers`), and tells a sentence that answers from one that restates the
question (`fills`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._naming import _name_at, definition
from ._question import _SUBJECTS, DURATION_VERBS, Asked, word_of
from ._relation import (
    _REPORTING,
    Region,
    _named_in,
    _objects,
    _related,
    _relation,
    _span_of,
    _subjects,
    _whole,
    states_something,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MEASURE_STEPS = 3  # "140" -> "metre" -> "ship": how far up an amount may hang on its thing
# How well a short answer fits: its role seen in the parse, not contradicted, or contradicted.
CONFIRMED, UNCONFIRMED, REFUSED = 2, 1, 0

_PEOPLE = frozenset({"PERSON", "ORG"})  # names of those who may take part in an event
# Words that complete a relation ("stay suspended", "was arrested"): a value may hang there.
_COMPLEMENTS = frozenset({"acomp", "xcomp", "oprd", "dobj", "attr", "prt"})


def _reports(doc: Doc, span: Span) -> bool:
    """Whether a name only attributes: "X said", "Y of Z said", "according to X"."""
    for token in doc:
        if token.dep_ in _SUBJECTS and token.head.lemma_ in _REPORTING:
            phrase = (token.left_edge.i, token.right_edge.i)
        elif token.lower_ == "according":
            phrase = (token.i, token.right_edge.i)
        else:
            continue
        if phrase[0] <= span.start and span.end - 1 <= phrase[1]:
            return True
    return False


def _attached(span: Span, token: Token, *, nested: bool = False) -> bool:
    """Whether a value modifies the relation itself, not a phrase or clause inside it.

    "broke out in the engine room, forcing passengers off Brenna": the engine room is where
    the fire broke out, Brenna where the passengers went. With `nested` (a place), a chain of
    prepositions counts too: "ran aground on rocks off Marrowby Point".
    """
    if token.dep_ in {"aux", "auxpass"}:
        token = token.head  # "will stay suspended until March 2"
    points = {token.i} | {c.i for c in token.children if c.dep_ in _COMPLEMENTS}
    node = span.root
    # From "12" in "12 crowns" up to the noun it counts ...
    while node.dep_ in {"nummod", "quantmod", "compound", "amod", "nmod"} and node.head.i != node.i:
        if node.head.i in points:
            return True
        node = node.head
    # ... and from "Monday" in "on Monday" to what the preposition hangs from: one step only.
    if node.dep_ == "pobj":
        node = node.head
    while (
        nested
        and node.dep_ == "prep"
        and node.lower_ in _WHERE
        and node.head.dep_ == "pobj"
        and node.head.head.lower_ in _WHERE
        and node.head.i not in points
    ):
        node = node.head.head  # "off Marrowby Point" -> "rocks" -> "on"
    return node.head.i in points


# Prepositions that say where: a chain of them places the relation ("on rocks off X"), but
# "over the theft of a mask from the museum" does not say where a man was arrested.
_WHERE = frozenset(
    "in at on off near by inside outside along across within beside around".split()  # noqa: SIM905
)


# Prepositions that place a thing alike: "born in Nepal" answers "born at which place?".
_LOCATIVE = frozenset({"in", "at", "on", "inside", "within"})


def _other_preposition(asked: str | None, span: Span) -> bool:
    """Whether the value hangs from another preposition than the one asked ("with", not "at")."""
    if asked is None or span.root.dep_ != "pobj":
        return False
    used = span.root.head.lower_
    return used != asked and not {used, asked} <= _LOCATIVE


def _holds(span: Span, regions: list[Region]) -> bool:
    """Whether the span is what a region names: its head, or a name joined to it by "and".

    "Norvish" in "Norvish President Alder Quist" only qualifies the one who told.
    """
    doc = span.doc
    for left, right, head in regions:
        if not (left <= span.start and span.end - 1 <= right):
            continue
        if head < 0 or span.start <= head < span.end:
            return True
        if any(span.start <= c.i < span.end for c in doc[head].conjuncts):
            return True
        # "the veteran envoy Saul Petrek", "Twitter Inc."; but "Orlan" in "the Orlan city
        # council" or "a Dallas mall owner" only says which.
        named = span.root.dep_ == "appos" or (
            span.root.dep_ == "compound" and doc[head].pos_ == "PROPN"
        )
        if named and span.root.head.i == head and not _bracketed(span):
            return True
    return False


def _bracketed(span: Span) -> bool:
    """Whether a span stands in brackets: 'Yeoh ("Everything Everywhere")' names her film."""
    i = span.start - 1
    while i >= 0 and span.doc[i].is_quote:
        i -= 1
    return i >= 0 and span.doc[i].text in {"(", "["}


def fit(question: Asked, evidence: Doc, answer: str, *, place: bool = False) -> int:
    """Whether the short answer may lead, read from its role in the evidence sentence.

    Where the sentence states the asked relation, the answer must stand in the asked role
    there ("Who met ...?": a subject of the meeting, not the one met). Where it words the
    relation otherwise ("won the contract" / "the contract went to"), the parse cannot tell,
    and the answer stands unless the sentence is about another setting or is no statement.
    `place`: a place is asked for ("at which venue?"), read as strictly as "where".

    A sentence that does not name who the question says took part confirms nothing; one that
    names other people instead ("a meeting in Harrow between Ostrova and Lind" for "Where
    did Quist meet the envoys?") tells of another event.
    """
    held = {t.lower_ for t in evidence}
    level = _fit(question, evidence, answer, held, place=place)
    taking_part = {p.split()[-1].lower().strip(".") for p in question.participants}
    if question.role == "identity" or not taking_part:
        return level
    if not taking_part.isdisjoint({w.strip(".") for w in held}):
        return level
    # (The small model reads many a person's name as an organisation, or even a place.)
    span = _span_of(evidence, answer)
    if any(
        e.label_ in _PEOPLE and (span is None or not span.start <= e.root.i < span.end)
        for e in evidence.ents
    ):
        return REFUSED
    return min(level, UNCONFIRMED)


def _fit(question: Asked, evidence: Doc, answer: str, held: set[str], *, place: bool) -> int:
    if not states_something(evidence):
        return REFUSED
    event = question.role in {"subject", "object"}
    if event and any(name.lower() not in held for name in question.names):
        return REFUSED  # "Who met in Halvik?": a meeting elsewhere is not the one asked
    if question.role == "identity":
        if question.target_is_name:
            return REFUSED  # answered by `definition`
        if question.wh != "who":
            return UNCONFIRMED  # "What is the new rate?": a value, typed by the question
        named = definition(question, evidence)  # "Who is the captain?": the person named so
        return CONFIRMED if named is not None and answer.lower() in named.lower() else REFUSED
    span = _span_of(evidence, answer)
    if span is not None and question.measured is not None:
        # "How big is the ship?": "the 140-metre ship", not the "1,200 tonnes of fuel oil" it
        # holds nor the "23 people" aboard.
        return CONFIRMED if _measures(span, question.measured) else REFUSED
    if span is None or question.verb is None:
        return UNCONFIRMED  # a converted amount ("three centuries"), or no relation asked
    # "Which agency reported ...?" is answered by whoever said it; a date is not asked of
    # whatever was said ("..., she said Thursday").
    saying = question.role == "subject"
    relation = _relation(question, evidence, saying=saying)
    if not relation:
        # Worded otherwise: only who merely reports ("..., director Lotte Vance said") is
        # known not to be who did it.
        if _reports(evidence, span):
            return REFUSED
        # "Harrow said it would not back down": a place doing something is its government,
        # not where anything happened.
        if question.wh == "where" and span.root.dep_ == "nsubj":
            return REFUSED
        # "Ardell" in "the Ardell City Museum" names no one who did anything.
        root = span.root
        modifier = (
            root.dep_ in {"compound", "amod", "nmod"}
            and root.pos_ == "PROPN"
            and root.head.pos_ == "PROPN"
            and question.role != "value"
        )
        return REFUSED if modifier else UNCONFIRMED
    if question.role == "value":
        if question.wh == "when" and span.root.dep_ in {"amod", "compound"}:
            return REFUSED  # "a ten-year restoration" says how long, not when
        where = question.wh == "where" or place
        if any(_attached(span, t, nested=where) for t in relation):
            # "performed at which venue?" is not answered by "performs with Dipset".
            return REFUSED if _other_preposition(question.preposition, span) else CONFIRMED
        # A place elsewhere in the sentence is where something else happened ("off Brenna");
        # where a number or date hangs, the parse is too often wrong to refuse on.
        return REFUSED if where else UNCONFIRMED
    for token in relation:
        if _reported(token, question.verb, relation):
            continue  # "Quist told Ostrova ..., Nordpress reported": Quist did not report
        found = (
            _subjects(token) if question.role == "subject"
            else _objects(token, question.preposition)
        )  # fmt: skip
        if question.wh == "who":
            if _in_quotes(span.root):
                return REFUSED  # "Who won?": not the film "The Fablers" that won
            found = _makers(evidence, found)
        if _holds(span, found) and _about(token, question.owner):
            return CONFIRMED
    return REFUSED


def _measures(span: Span, thing: str) -> bool:
    """Whether an amount is the asked thing's own.

    "the 140-metre ship", "the ship is 140 metres long"; not "1,200 tonnes of fuel oil" in a
    sentence about the ship.
    """
    node = span.root
    for _ in range(MEASURE_STEPS):
        if _is(node, thing) and node.pos_ in {"NOUN", "PROPN"}:
            return True
        verb = node.head
        if node.dep_ in {"attr", "acomp", "npadvmod", "dobj"} and verb.lemma_ == "be":
            return any(_is(c, thing) for c in verb.children if c.dep_ == "nsubj")
        if node.dep_ in {"dobj", "npadvmod"} and verb.lemma_.lower() in DURATION_VERBS:
            # "The rescue took four hours"; "the rescue, which lasted four hours".
            if verb.dep_ == "relcl":
                return _is(verb.head, thing)
            return any(_is(c, thing) for c in verb.children if c.dep_ == "nsubj")
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _is(token: Token, thing: str) -> bool:
    """Whether a word names the thing (by its lemma: "ships" is a "ship")."""
    return word_of(token) == thing


def _in_quotes(token: Token) -> bool:
    """Whether a phrase stands in quotation marks: a title ("The Fablers"), not someone."""
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i
    if doc[left].is_quote and doc[right].is_quote and right > left:
        return True
    return left > 0 and right + 1 < len(doc) and doc[left - 1].is_quote and doc[right + 1].is_quote


def _makers(doc: Doc, regions: list[Region]) -> list[Region]:
    """The regions, a titled work's maker standing in for it ("Ada Lind's film 'X' won")."""
    out = []
    for left, right, head in regions:
        work = doc[head] if head >= 0 else None
        if work is not None and any(c.dep_ == "appos" and _in_quotes(c) for c in work.children):
            out += [(c.left_edge.i, c.right_edge.i, c.i) for c in work.children if c.dep_ == "poss"]
        out.append((left, right, head))
    return out


def _reported(token: Token, verb: str, relation: list[Token]) -> bool:
    """Whether a verb of saying stands only inside what another one reports.

    It counts as the relation only by being a verb of saying ("told" for "reported"); the
    one who reports is the subject of the verb it hangs from.
    """
    own = _related(token.lemma_, verb)
    return not own and token.dep_ == "ccomp" and any(t.i == token.head.i for t in relation)


def _about(token: Token, owner: str | None) -> bool:
    """Whether what a relation acts on is the owner's doing, as the question says.

    "Which agency reported Quist's pledge?": in "Ostrova thanked Quist, Tarpress said" what
    was said is Ostrova's doing, so Tarpress did not report it; in "Quist told Ostrova he
    would work for calm, Nordpress reported" it is Quist's. A clause whose subject is a
    pronoun, or an object that is no clause, is not held against the answer.
    """
    if owner is None:
        return True
    clauses = [c for c in token.children if c.dep_ in {"ccomp", "xcomp"}]
    if token.dep_ == "parataxis" and token.head.pos_ in {"VERB", "AUX"}:
        clauses.append(token.head)  # "Ostrova thanked Quist, Tarpress said" read the other way
    doers = [c for clause in clauses for c in clause.children if c.dep_ in _SUBJECTS]
    if not doers or any(d.pos_ == "PRON" for d in doers):
        return True
    name = owner.lower()
    return any(name in token.doc[d.left_edge.i : d.right_edge.i + 1].text.lower() for d in doers)


def fillers(question: Asked, evidence: Doc, *, place: bool = False) -> list[str]:
    """Proper names standing in the asked role of the asked relation in a sentence.

    The small NER model misses names now and then ("Voss praised the crew", "took off from
    Skarn Point"); the parse still shows who did it, or where. Only a run of proper nouns at
    the head of the role's phrase counts; `place` reads "where" (a name after a preposition
    of the relation, the one asked or one of place).
    """
    if question.verb is None or not states_something(evidence):
        return []
    if question.role == "value" and not place:
        return []
    saying = question.role == "subject"
    found: list[str] = []
    for token in _relation(question, evidence, saying=saying):
        if question.role == "subject":
            heads = [evidence[h] for _, _, h in _subjects(token) if h >= 0]
        elif question.role == "object":
            heads = [evidence[h] for _, _, h in _objects(token, question.preposition) if h >= 0]
        elif question.role == "value":
            asked = question.preposition
            heads = [
                g
                for c in token.children
                if c.dep_ == "prep"
                and (c.lower_ in _LOCATIVE | {"from"} if asked is None else c.lower_ == asked)
                for g in c.children
                if g.dep_ == "pobj"
            ]
        else:
            heads = []
        if question.wh == "who":
            heads = [evidence[h] for _, _, h in _makers(evidence, [(h.i, h.i, h.i) for h in heads])]
        for head in heads:
            name = _name_at(head)
            named = _span_of(evidence, name) if name else None
            if question.wh == "who" and named is not None and _in_quotes(named.root):
                continue
            if name and name not in found:
                found.append(name)
    return found


def fills(question: Asked, evidence: Doc, known: frozenset[str]) -> bool:
    """Whether a sentence fills the asked role with words the question does not hold.

    "Who met the envoy?": a subject of "met" the question does not name; "What could Norvia
    resume?": an object of "resume"; "born in which country?": what follows "in".
    """
    if question.verb is None or question.role == "identity":
        return False
    # "What did Kim say to Xi?" is answered by what Kim told him: any verb of saying, its
    # clause said, and only when the one asked about is the one speaking.
    said = question.role == "object" and question.verb in _REPORTING
    saying = question.role == "subject" or said
    for token in _relation(question, evidence, saying=saying):
        if question.role == "subject":
            regions = _subjects(token)
        elif said:
            if question.doer is not None and not _spoken_by(token, question.doer):
                continue
            regions = [_whole(c) for c in token.children if c.dep_ == "ccomp"]
            regions += _objects(token, question.preposition)
        elif question.role == "object":
            regions = _objects(token, question.preposition)
        elif question.preposition is not None:
            regions = [
                _whole(g)
                for c in token.children
                if c.dep_ == "prep" and c.lower_ == question.preposition
                for g in c.children
                if g.dep_ == "pobj"
            ]
        else:
            continue
        for left, right, _ in regions:
            words = evidence[left : right + 1]
            if any(
                t.pos_ in {"NOUN", "PROPN", "NUM"}
                and t.lower_ not in known
                and t.lemma_.lower() not in known
                for t in words
            ):
                return True
    return False


def _spoken_by(token: Token, speaker: str) -> bool:
    """Whether a verb of saying is the speaker's ("Kim told Xi", "Kim ..., saying")."""
    subjects = [c for c in token.children if c.dep_ in _SUBJECTS]
    if not subjects and token.dep_ in {"advcl", "xcomp", "conj"}:
        subjects = [c for c in token.head.children if c.dep_ in _SUBJECTS]
    return any(_named_in(s, speaker.split()[-1].lower()) for s in subjects)
