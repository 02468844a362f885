"""Roles: whether a short answer is the thing asked, read from the dependency parse.

Voting picks the name a question's best sentences hold most; it cannot tell the person who
met from the person met, or the outlet that said from the captain it spoke of. This module
reads the question ("Who met in Beijing?" asks for the subject of "meet") and the evidence
sentence with spaCy, and a short answer leads only when it stands in the asked role there:

- who/what did V: the subject of V (or the agent of its passive, the antecedent of "who V",
  the people "between"/"with" a meeting); "who reported X's pledge": the one whose report
  is X's doing;
- who/what did X V, V for whom: the object of V, or of its preposition;
- when/where/how much: a value inside the clause of V; "V from where", "V at which venue":
  after that preposition;
- who/what is X: what the sources say X is: its appositive, the predicate noun, or the title
  written before the name ("harbour master Ivo Brandt").

V is the verb the question's wh-phrase hangs from ("failed after the rocket launched from
where?" asks about launching). A sentence that does not state the asked relation, a title, or
a line without a verb leads with nothing: the answer is then the evidence itself. The parse
also names what NER missed in the asked role (`fillers`), finds the "she" or "the film" that
stands there for a name said before (`anaphor`), and tells a sentence that answers from one
that restates the question (`fills`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "CONFIRMED", "REFUSED", "UNCONFIRMED", "Asked", "anaphor", "asked", "definition", "fillers",
    "fills", "fit", "mentions", "polar",
    "relation_words", "states_something", "together", "with_time", "with_unit",
]  # fmt: skip

Role = Literal["subject", "object", "identity", "value"]
# How well a short answer fits: its role seen in the parse, not contradicted, or contradicted.
CONFIRMED, UNCONFIRMED, REFUSED = 2, 1, 0

# Verbs that carry no relation of their own ("When did it take place?", "What happened?").
_LIGHT = frozenset({"be", "do", "have", "take", "happen", "occur", "get", "make", "go"})
_WH = frozenset({"who", "whom", "whose", "what", "which", "when", "where", "how", "why"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_OBJECTS = frozenset({"dobj", "attr", "oprd", "dative"})
_PEOPLE = frozenset({"PERSON", "ORG"})  # names of those who may take part in an event
_PARTICIPANTS = frozenset({"between", "with", "by", "among"})
# Words that complete a relation ("stay suspended", "was arrested"): a value may hang there.
_COMPLEMENTS = frozenset({"acomp", "xcomp", "oprd", "dobj", "attr", "prt"})
MIN_STEM = 4  # letters two related words share at least ("meet" and "meeting", "open"/"reopen")
MAX_DEFINITION_WORDS = 14  # a longer appositive is a story, not what someone is
_TITLE_POS = frozenset({"ADJ", "NOUN", "PROPN"})
_SETTINGS = frozenset({"GPE", "LOC", "FAC"})  # where a relation holds
_REPORTING = frozenset({"say", "tell", "report", "announce", "state", "write", "add"})
# Verbs of committing to do something: "What did Xi promise?" is answered by "Xi pledged to ...".
_COMMITTING = frozenset({"promise", "pledge", "vow", "commit", "swear"})
# Who does a verb's work, named by a title ("zoo director Anton Vesk runs the zoo").
_AGENTS = {
    "run": ("director", "head", "chief", "manager", "boss", "owner"),
    "lead": ("leader", "head", "chief", "director", "captain"),
    "head": ("head", "chief", "director", "leader"),
    "manage": ("manager", "director"),
    "own": ("owner",),
    "found": ("founder",),
    "coach": ("coach", "manager"),
    "govern": ("governor",),
    "command": ("commander",),
}


@dataclass(frozen=True, slots=True)
class Asked:
    """What a question asks: its wh-word, the role of the answer, and the relation."""

    wh: str
    role: Role
    verb: str | None  # the lemma of the asked relation ("meet", "own"); None when light
    target: str | None  # identity questions: whom or what the question asks about
    target_is_name: bool
    preposition: str | None  # "Who does she work for?": the answer is its object
    names: tuple[str, ...] = ()  # the question's proper names: the evidence must hold them
    # "Who reported Quist's pledge?": whose doing the relation's object is ("Quist").
    owner: str | None = None
    topic: tuple[str, ...] = ()  # content words of the relation's object ("pledge", "quist")
    # Who the question says took part ("Where did Quist meet the envoys?"): a sentence telling
    # of the relation between others names another event.
    participants: tuple[str, ...] = ()
    doer: str | None = None  # the one of them who is the relation's subject ("Kim" said)


def asked(doc: Doc) -> Asked | None:
    """Read a parsed question; None when it has no wh-word to read a role from."""
    # The asking word of the last sentence that has one, not a relative pronoun of the
    # context: "Cindy Williams, who played Shirley, died. She appeared in which film?"
    words = [
        t
        for t in doc
        if t.lower_ in _WH and not (t.head.dep_ == "relcl" and t.tag_ in {"WP", "WDT", "WP$"})
    ]
    wh = next((t for t in words if t.sent == words[-1].sent), None)
    if wh is None:
        return None
    # "Tomas Varn fell ill this week. He plays for which club?": the asking sentence counts.
    sentence = wh.sent
    root = sentence.root
    word = wh.lower_
    # The relation asked about is the verb the wh-word hangs from, not always the main one:
    # "The mission failed after the rocket launched from where?" asks where it launched.
    governor = _governor(wh.head if wh.dep_ in {"det", "amod"} else wh)
    # "take off" and "go out" are relations of their own; "take place" is not.
    phrasal = any(c.dep_ == "prt" for c in governor.children)
    verb = None if governor.lemma_ in _LIGHT and not phrasal else governor.lemma_.lower()
    # The setting of the asked relation ("met in Halvik"): another place is another event.
    names = tuple(
        g.text
        for c in governor.children
        if c.dep_ == "prep"
        for g in c.children
        if g.dep_ == "pobj" and g.pos_ == "PROPN" and g.ent_type_ in _SETTINGS
    )
    target = wh.head if wh.dep_ in {"det", "amod"} else wh
    # (A name, not a stray part of "Ph.D" the tagger took for one.)
    participants = tuple(
        c.text
        for c in governor.children
        if c.dep_ in _SUBJECTS | _OBJECTS and c.pos_ == "PROPN" and c.ent_type_
        and len(c.text) > 1 and c.i != target.i
    )  # fmt: skip
    doer = next(
        (
            c.text for c in governor.children
            if c.dep_ in _SUBJECTS and c.text in participants
        ),
        None,
    )  # fmt: skip
    make = partial(Asked, participants=participants, doer=doer)
    # "Which country was Pip born in?": a preposition left at the end governs the wh-phrase.
    stranded = next(
        (t for t in sentence if t.dep_ == "prep" and not any(t.children) and t.i > target.i),
        None,
    )
    if stranded is not None and word in {"what", "which"}:
        return make(word, "value", verb, None, False, stranded.lower_, names)
    if stranded is not None and word in {"who", "whom"}:
        return make(word, "object", verb, None, False, stranded.lower_, names)
    if word in {"when", "where", "how", "why"}:
        # "launched from where?", "Where did it take off from?": the value is what follows
        # "from" in the evidence.
        before = wh.head.lower_ if wh.dep_ == "pobj" and wh.head.dep_ == "prep" else None
        before = before or (stranded.lower_ if stranded is not None else None)
        return make(word, "value", verb, None, False, before, names)
    if root.lemma_ == "be" and target.dep_ in {"attr", "nsubj"}:
        other = next(
            (c for c in root.children if c.dep_ in {"nsubj", "attr"} and c.i != target.i), None
        )
        if other is not None:
            phrase = sentence[
                other.left_edge.i - sentence.start : other.right_edge.i + 1 - sentence.start
            ]
            return make(
                word, "identity", None, phrase.text.strip(" ?"), other.pos_ == "PROPN", None, names
            )
    if target.dep_ in _SUBJECTS:
        owner = next(
            (
                p.text
                for o in governor.children
                if o.dep_ in _OBJECTS
                for p in o.children
                if p.dep_ == "poss" and p.pos_ == "PROPN"
            ),
            None,
        )
        topic = tuple(
            w
            for o in governor.children
            if o.dep_ in _OBJECTS | {"ccomp"}
            for t in o.subtree
            if t.pos_ in {"NOUN", "PROPN"}
            for w in {t.lemma_.lower(), t.lower_}
        )
        return make(word, "subject", verb, None, False, None, names, owner, topic)
    if target.dep_ in _OBJECTS:
        return make(word, "object", verb, None, False, None, names)
    preposition = target.head.lower_ if target.dep_ == "pobj" else None
    subject = next((c for c in root.children if c.dep_ in _SUBJECTS), None)
    if verb == "work" and preposition in {"for", "at"} and subject is not None:
        # "Who does Pell Arden work for?" asks what the sources say Pell Arden is.
        text = doc[subject.left_edge.i : subject.right_edge.i + 1].text
        return make(word, "identity", None, text, subject.pos_ == "PROPN", None, names)
    if word in {"who", "whom"}:
        return make(word, "object", verb, None, False, preposition, names)
    return make(word, "value", verb, None, False, preposition, names)


def _governor(token: Token) -> Token:
    """The verb a phrase hangs from (through a preposition and noun), else the sentence's root.

    "Which awards show aired?": the walk starts from the phrase's noun, which the tagger may
    take for a verb ("show").
    """
    node = token
    while node.head.i != node.i:
        node = node.head
        if node.pos_ == "VERB":
            return node
    return node


_POLAR = frozenset(
    "did does do is was are were has have had will would can could should may might".split()  # noqa: SIM905
)


def polar(doc: Doc) -> str | None:
    """The relation a yes/no question asks about ("Did the ship leak oil?" -> "leak"), or None.

    A question led by an auxiliary, with no wh-word; a light verb ("Is it open?") asks none.
    """
    if not len(doc) or doc[0].lower_ not in _POLAR or any(t.lower_ in _WH for t in doc):
        return None
    root = doc[0].sent.root
    if root.pos_ != "VERB" or root.lemma_ in _LIGHT:
        return None
    return root.lemma_.lower()


def polar_subject(doc: Doc) -> str | None:
    """Who a yes/no question asks about, when it names them ("Has Kessling agreed ...?")."""
    if polar(doc) is None:
        return None
    root = doc[0].sent.root
    subject = next((c for c in root.children if c.dep_ in _SUBJECTS), None)
    if subject is None or subject.pos_ != "PROPN":
        return None
    return subject.lower_


def mentions(verb: str, evidence: Doc, *, subject: str | None = None) -> bool:
    """Whether a sentence words a relation: "leak" in "no sign of a leak".

    With `subject` ("kessling"), a verb of it must be theirs: "Harrow agreed with Lind"
    does not tell whether Kessling agreed.
    """
    return any(
        _related(t.lemma_, verb) and (subject is None or _done_by(t, subject)) for t in evidence
    )


def acts(subject: str, evidence: Doc) -> bool:
    """Whether the one a question names does something in a sentence ("Kessling pledged")."""
    return any(t.dep_ in _SUBJECTS and _named_in(t, subject) for t in evidence)


def _done_by(token: Token, subject: str) -> bool:
    """Whether a verb's subject, if it has one, names `subject`; a noun ("a leak") has none."""
    subjects = [c for c in token.children if c.dep_ in _SUBJECTS]
    if not subjects and token.dep_ in {"xcomp", "conj"}:
        subjects = [c for c in token.head.children if c.dep_ in _SUBJECTS]
    if not subjects:
        return token.pos_ != "VERB" or any(t.lower_ == subject for t in token.doc)
    return any(_named_in(s, subject) for s in subjects)


def _named_in(subject: Token, name: str) -> bool:
    """Whether a subject is the one named ("Kessling and Harrow"; not "Kessling's plan")."""
    named = [subject, *(c for c in subject.children if c.dep_ in {"compound", "conj", "appos"})]
    return any(t.lower_ == name for t in named)


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


def _relation(question: Asked, evidence: Doc, *, saying: bool) -> list[Token]:
    """The words of a sentence that state the asked relation.

    With `saying`, another verb of saying counts ("said" for "reported"), but only where the
    sentence holds a word of what the question says was reported: "Romero said the CDC is
    considering ..." does not report "a 200% increase in membership".
    """
    assert question.verb is not None
    held = {t.lemma_.lower() for t in evidence} | {t.lower_ for t in evidence}
    topical = not question.topic or any(w in held for w in question.topic)
    return [
        t
        for t in evidence
        if _related(t.lemma_, question.verb)
        or (topical and _related(t.lemma_, question.verb, saying=saying))
    ]


def _related(lemma: str, verb: str, *, saying: bool = False) -> bool:
    """Whether two words state one relation.

    'meet' and 'meeting', 'open' and 'reopen', 'run' and 'director', 'promise' and 'pledge';
    with `saying`, any two verbs of saying ('report' and 'say').
    """
    if saying and verb in _REPORTING and lemma.lower() in _REPORTING:
        return True
    if lemma.lower() in _AGENTS.get(verb, ()):
        return True
    if verb in _COMMITTING and lemma.lower() in _COMMITTING:
        return True
    a, b = sorted((lemma.lower(), verb), key=len)
    return a == b or (len(a) >= MIN_STEM and a in b)


def _span_of(doc: Doc, text: str) -> Span | None:
    start = doc.text.lower().find(text.lower())
    if start < 0:
        return None
    return doc.char_span(start, start + len(text), alignment_mode="expand")


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


# A phrase in the evidence: first and last token index, and its head (-1: any word of it).
Region = tuple[int, int, int]


def _phrase(token: Token) -> Region:
    """The token's phrase: its appositive too ("the director, Pia Lunde,"), not its relative.

    "Varga, who led the rescue": the relative clause is no part of who Varga is.
    """
    right = token.i
    for child in token.rights:
        if child.dep_ == "punct":
            continue  # the comma before an appositive
        if child.dep_ not in {"compound", "flat", "conj", "cc", "prep", "pobj", "nummod", "appos"}:
            break
        right = max(right, child.right_edge.i)
    return token.left_edge.i, right, token.i


def _whole(token: Token) -> Region:
    return token.left_edge.i, token.right_edge.i, token.i


def _subjects(token: Token) -> list[Region]:
    """Who does what the token says.

    Its subject, its passive's agent, its relative's noun, or whoever stands after "between"
    or "with" a noun such as "a meeting".
    """
    out: list[Region] = []
    passive = any(c.dep_ == "nsubjpass" for c in token.children)
    for child in token.children:
        if child.dep_ in {"nsubj", "csubj"}:
            if child.tag_ in {"WP", "WDT"} and token.dep_ == "relcl":
                out.append(_phrase(token.head))  # "Varga, who led the rescue"
            else:
                out.append(_phrase(child))
        elif child.dep_ == "agent" or (passive and child.lower_ == "by"):
            out += [_whole(g) for g in child.children if g.dep_ == "pobj"]
        elif token.pos_ == "NOUN" and child.lower_ in _PARTICIPANTS:
            # The small parser often hangs the second participant elsewhere in the phrase.
            out.append((child.i + 1, token.right_edge.i, -1))
    if token.pos_ == "NOUN":
        # "union leader Tomas Brandt", "Brandt, the union leader", "the leader, Brandt"
        if token.dep_ in {"compound", "appos"}:
            out.append(_phrase(token.head))
        out += [_phrase(c) for c in token.children if c.dep_ == "appos"]
    if token.dep_ == "acl" and token.tag_ == "VBG":
        out.append(_phrase(token.head))  # "the ships carrying timber"
    if not out and token.dep_ == "conj" and token.head.i != token.i:
        return _subjects(token.head)  # "Lund apologised and promised refunds"
    return out


def _objects(token: Token, preposition: str | None) -> list[Region]:
    """What the token acts on: its object, its passive subject, its preposition's object.

    The preposition is the one the question leaves at its end ("work for"), else "with".
    """
    out: list[Region] = []
    for child in token.children:
        if child.dep_ in _OBJECTS or child.dep_ == "nsubjpass":
            out.append(_whole(child))
        elif child.dep_ == "prep" and child.lower_ == (preposition or "with"):
            # "met with the envoy" is met; "bring back the tiger after extinction" does not
            # bring back extinction.
            out += [_whole(g) for g in child.children if g.dep_ == "pobj"]
        elif child.dep_ in {"xcomp", "ccomp"}:
            out += [_whole(g) for g in child.children if g.dep_ in _OBJECTS]
    if token.dep_ == "acl" and token.tag_ == "VBN":
        out.append(_phrase(token.head))  # "the ship owned by ..."
    return out


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


def states_something(doc: Doc) -> bool:
    """Whether a sentence states something: it has a verb (titles and captions often don't)."""
    return any(t.pos_ in {"VERB", "AUX"} for t in doc)


def relation_words(question: Asked, evidence: Doc) -> list[str]:
    """The words of a sentence that state the asked relation ("led" for "Who leads ...?")."""
    if question.verb is None:
        return []
    return [t.text for t in evidence if _related(t.lemma_, question.verb)]


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
        if _holds(span, found) and _about(token, question.owner):
            return CONFIRMED
    return REFUSED


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
        for head in heads:
            name = _name_at(head)
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
