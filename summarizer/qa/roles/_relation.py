"""Where a sentence states the asked relation, and who stands in its roles there.

A word states the relation when it is related to the asked verb: "meet" and "meeting", "open"
and "reopen", "run" and "director", "promise" and "pledge" (`relation_words`). From that word
the parse gives who does it and what it acts on, as phrases of the sentence (`Region`), which
fitting an answer (`_fit`) and naming (`_naming`) read. For a yes/no question: whether a
sentence words its relation (`mentions`) and whether the one it names does something there
(`acts`). A line without a verb (a title, a caption) states nothing (`states_something`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._question import _OBJECTS, _SUBJECTS, Asked

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_PARTICIPANTS = frozenset({"between", "with", "by", "among"})
MIN_STEM = 4  # letters two related words share at least ("meet" and "meeting", "open"/"reopen")
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

# A phrase in the evidence: first and last token index, and its head (-1: any word of it).
Region = tuple[int, int, int]


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


def acted_on(subject: str, evidence: Doc) -> bool:
    """Whether a sentence names the one a question asks about only as someone else's object.

    "Harrow met with Varn three times" tells nothing Varn said or did. A pronoun subject may
    be that one ("he said"), and so may a subject the name owns ("Varn's letter said").
    """
    if not any(t.lower_ == subject for t in evidence) or acts(subject, evidence):
        return False
    return not any(
        t.dep_ in _SUBJECTS
        and (t.pos_ == "PRON" or any(c.dep_ == "poss" and c.lower_ == subject for c in t.children))
        for t in evidence
    )


def _done_by(token: Token, subject: str) -> bool:
    """Whether a verb's subject, if it has one, names `subject`; a noun ("a leak") has none.

    A noun's owner is its doer: "Blinken's visits" are no visit of Kessling's.
    """
    subjects = [c for c in token.children if c.dep_ in _SUBJECTS]
    if not subjects and token.dep_ in {"xcomp", "conj"}:
        subjects = [c for c in token.head.children if c.dep_ in _SUBJECTS]
    if not subjects and token.pos_ == "NOUN":
        subjects = [c for c in token.children if c.dep_ == "poss" and c.pos_ == "PROPN"]
    if not subjects:
        return token.pos_ != "VERB" or any(t.lower_ == subject for t in token.doc)
    return any(_named_in(s, subject) for s in subjects)


def _named_in(subject: Token, name: str) -> bool:
    """Whether a subject is the one named ("Kessling and Harrow"; not "Kessling's plan")."""
    named = [subject, *(c for c in subject.children if c.dep_ in {"compound", "conj", "appos"})]
    return any(t.lower_ == name for t in named)


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
                if token.head.dep_ == "appos":
                    out.append(_phrase(token.head.head))  # "Lind, the engineer who led it"
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


def states_something(doc: Doc) -> bool:
    """Whether a sentence states something: it has a verb (titles and captions often don't)."""
    return any(t.pos_ in {"VERB", "AUX"} for t in doc)


def adds_on(question: Asked, evidence: Doc) -> bool:
    """Whether the sentence tells the asked relation as one more ("Quist also pledged ...")."""
    return any(
        c.lower_ == "also" and c.dep_ == "advmod"
        for t in evidence
        if question.verb is not None and _related(t.lemma_, question.verb)
        for c in t.children
    )


def relation_words(question: Asked, evidence: Doc) -> list[str]:
    """The words of a sentence that state the asked relation ("led" for "Who leads ...?")."""
    if question.verb is None:
        return []
    return [t.text for t in evidence if _related(t.lemma_, question.verb)]
