"""What a question asks, read from its parse: the role of the answer and the relation.

"Who met in Beijing?" asks for the subject of "meet", "Who did Quist meet?" for its object,
"Who is Ivo Brandt?" for what the sources say he is, "born in which country?" for the value
after "in". The asked relation is the verb the question's wh-phrase hangs from ("The mission
failed after the rocket launched from where?" asks about launching), not always the main one.
A yes/no question asks about its main verb (`polar`) and, when it names them, of whom
(`polar_subject`).

This is the package's bottom layer: it imports none of the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Role = Literal["subject", "object", "identity", "value"]

# Verbs that carry no relation of their own ("When did it take place?", "What happened?").
_LIGHT = frozenset({"be", "do", "have", "take", "happen", "occur", "get", "make", "go"})
_WH = frozenset({"who", "whom", "whose", "what", "which", "when", "where", "how", "why"})
# The labels of who does a relation and of what it acts on, in the question and the evidence
# alike: the modules that read the evidence import them from here.
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_OBJECTS = frozenset({"dobj", "attr", "oprd", "dative"})
_SETTINGS = frozenset({"GPE", "LOC", "FAC"})  # where a relation holds
# Verbs whose object is how long their subject went on ("The rescue took four hours").
DURATION_VERBS = frozenset({"take", "last"})


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
    # "How big is the ship?": the thing whose own size, age or length is asked ("ship").
    measured: str | None = None


def _measured(wh: Token) -> str | None:
    """The thing whose own measure "How big is the ship?" asks ("ship"); None for "how much".

    "How long did the rescue take?" asks the rescue's own duration, not the "three weeks"
    removing the wreck may take.
    """
    adjective = wh.head
    # (The tagger reads "long" in "How long is ...?" as an adverb.)
    if adjective.pos_ not in {"ADJ", "ADV"} or adjective.lower_ in {"much", "many"}:
        return None
    verb = adjective.head
    lasting = adjective.lower_ == "long" and verb.lemma_.lower() in DURATION_VERBS
    if adjective.dep_ != "acomp" and not lasting:
        return None
    # (... and may read "rescue" in "did the rescue take" as a compound of the verb.)
    subjects = {"nsubj", "compound"} if lasting else {"nsubj"}
    subject = next((c for c in verb.children if c.dep_ in subjects), None)
    if subject is None or subject.pos_ not in {"NOUN", "PROPN"}:
        return None
    return word_of(subject)


def word_of(token: Token) -> str:
    """The word a token stands for, by its lemma: "ships" is "ship"."""
    return (token.lemma_ or token.lower_).lower()


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
    subjects = _subject_labels(governor)
    # (A name, not a stray part of "Ph.D" the tagger took for one.)
    # "Varn's win brings his tally to how many?" asks about Varn: a name owning the subject
    # or object takes part as well.
    taking_part = [c for c in governor.children if c.dep_ in subjects | _OBJECTS]
    taking_part += [
        g for c in taking_part if c.pos_ == "NOUN" for g in c.children
        if g.dep_ == "poss" and g.pos_ == "PROPN"
    ]  # fmt: skip
    participants = tuple(
        c.text
        for c in taking_part
        if c.pos_ == "PROPN" and c.ent_type_ and len(c.text) > 1 and c.i != target.i
    )
    doer = next(
        (
            c.text for c in governor.children
            if c.dep_ in subjects and c.text in participants
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
        return make(word, "value", verb, None, False, before, names, measured=_measured(wh))
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


def _misread(token: Token) -> bool:
    """Whether a question's verb was tagged a noun: "What does North Korea demand?".

    The tagger may take the verb for a noun and its subject for a compound of it; the
    auxiliary hanging from it says it is the verb.
    """
    return token.pos_ == "NOUN" and any(c.dep_ == "aux" for c in token.children)


def _subject_labels(verb: Token) -> frozenset[str]:
    """The labels a question verb's subject may have (a compound, when the verb was misread)."""
    return _SUBJECTS | {"compound"} if _misread(verb) else _SUBJECTS


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
    if (root.pos_ != "VERB" and not _misread(root)) or root.lemma_ in _LIGHT:
        return None
    return root.lemma_.lower()


def polar_subject(doc: Doc) -> str | None:
    """Who a yes/no question asks about, when it names them ("Has Kessling agreed ...?")."""
    if polar(doc) is None:
        return None
    root = doc[0].sent.root
    # The last of a misread verb's compounds is the name's head ("Ada Quist visit").
    labels = _subject_labels(root)
    subject = next((c for c in reversed(list(root.children)) if c.dep_ in labels), None)
    if subject is None or subject.pos_ != "PROPN":
        return None
    return subject.lower_
