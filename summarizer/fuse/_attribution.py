"""Who said it: the outlet's attribution a claim may lose, and when it must keep it (stage 5).

"The ship had sunk, police said" reports an event on the police's word: cited to the outlets
that carry it, "The ship had sunk." says what they report. "A passenger said ferry workers
were cheats" reports a view: without its speaker the digest would state it as fact. A clause
that says what a whole class is ("workers were cheats"), what may or ought to be ("can be",
"must answer"), or that draws a conclusion ("proves that ...") keeps who said it; so does what
someone alleges or claims, which the outlet does not say is so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..nlp import SUBJECT_DEPS
from ..text import SAYING_VERBS
from ..verify import POINTERS
from ._masks import ANY_SUBJECT_DEPS, drop_with_commas

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "drop_head_attribution",
    "drop_tail_attribution",
    "reported_clause",
    "states_a_view",
]

MAX_ATTRIBUTION_TOKENS = 14  # ", the regional water authority's press office said on Monday."
# Modals of what ought to be, anywhere in what was said ("... the council that must answer").
_OBLIGATION = frozenset({"must", "should", "ought", "shall"})
# ... and of what may be, in the verb group of what was said ("the process can be slow").
_POSSIBILITY = frozenset({"can", "could", "may", "might"})
# Verbs by which a speaker draws a conclusion: "the finding proves that ...". (In forms: the
# parse runs without spaCy's lemmatizer.)
_CONCLUDING_VERBS = frozenset(
    {"prove", "proves", "proved", "proven", "show", "shows", "showed", "shown", "mean", "means",
     "meant", "suggest", "suggests", "suggested", "indicate", "indicates", "indicated",
     "demonstrate", "demonstrates", "demonstrated"}
)  # fmt: skip
_LINKING_VERBS = frozenset(
    {"be", "is", "are", "was", "were", "been", "being", "'s", "’s", "'re", "’re", "seem", "seems",
     "seemed", "appear", "appears", "appeared", "remain", "remains", "remained", "become",
     "becomes", "became"}
)  # fmt: skip
# Verbs that report a contested assertion: "prosecutors alleged he took the money" does not
# say that he took it, nor "an MP claimed support is rising" that it is.
_CONTESTING_VERBS = frozenset(
    {"claim", "claims", "claimed", "claiming", "allege", "alleges", "alleged", "alleging",
     "insist", "insists", "insisted", "insisting", "contend", "contends", "contended",
     "assert", "asserts", "asserted"}
)  # fmt: skip
# Adjectives that judge rather than tell ("the call was inappropriate", "the report is false"):
# said of anything, they are the speaker's verdict.
_JUDGING_ADJECTIVES = frozenset(
    {"inappropriate", "appropriate", "unacceptable", "acceptable", "improper", "proper",
     "wrong", "unfair", "unjust", "outrageous", "disgraceful", "shameful", "shocking",
     "ridiculous", "absurd", "irresponsible", "reckless", "disgusting", "despicable",
     "horrible", "terrible", "awful", "appalling", "deplorable", "inexcusable", "troubling",
     "disturbing", "alarming", "concerning", "unconstitutional", "illegal", "unlawful",
     "false", "untrue", "baseless", "unfounded", "misleading", "bogus", "fake", "excellent",
     "wonderful", "brilliant", "great", "perfect", "fantastic", "amazing", "incredible"}
)  # fmt: skip
# A person pointed at ("it" is as often the weather or the time).
_PERSONAL_PRONOUNS = POINTERS - {"it", "its"}


def states_a_view(clause: Token) -> bool:
    """Whether what a clause says is its speaker's view, not an event told on their word.

    "the rebuilding can be slow", "ferry workers were cheats", "the finding proves that ...":
    views. "the ship had sunk", "the wreck is the Kessling", "the quay was a smuggling depot",
    "the captain was 53": events and facts. What a class is, where it names or counts
    something ("workers were the 40 hired in 2019"), is left to the outlets that carry it.
    """
    if any(t.tag_ == "MD" and t.lower_ in _OBLIGATION for t in clause.subtree):
        return True
    # Its verb, the verbs coordinated with it, and those of what it states (the parser may
    # hang "the finding proves that ..." under a later "that the wreck is ...").
    verbs = [
        clause,
        *(c for c in clause.children if c.dep_ in {"conj", "ccomp"} and c.pos_ in {"VERB", "AUX"}),
    ]
    for verb in verbs:
        group = [verb, *(c for c in verb.children if c.dep_ in {"aux", "auxpass", "neg"})]
        if any(t.tag_ == "MD" and t.lower_ in _POSSIBILITY for t in group):
            return True
        if verb.lower_ in _CONCLUDING_VERBS:
            return True
        if verb.lower_ not in _LINKING_VERBS:
            continue
        # A verdict on anything: "the call was unusual and inappropriate".
        judged = [c for c in verb.children if c.dep_ == "acomp"]
        judged += [c for a in judged for c in a.conjuncts]
        if any(a.lower_ in _JUDGING_ADJECTIVES for a in judged):
            return True
        # (Any adjective said of one thing, "the driver was drunk", kept its speaker too:
        # measured on Multi-News at 250 words, ROUGE-2 15.37 -> 15.31, under the floor.)
        if not _generic_subject(verb):
            continue
        for complement in verb.children:
            judging = complement.dep_ == "attr" and complement.pos_ == "NOUN"
            if judging and not any(t.ent_type_ or t.like_num for t in complement.subtree):
                return True
    return False


def _generic_subject(verb: Token) -> bool:
    """Whether a verb's subject is a whole class: a plural noun with no determiner.

    "Ferry workers were cheats" says what a class is: a view. "The quay was a smuggling
    depot" says what one thing was.
    """
    return any(
        c.dep_ in SUBJECT_DEPS and c.tag_ == "NNS"
        and not any(d.dep_ in {"det", "poss", "nummod"} for d in c.children)
        for c in verb.children
    )  # fmt: skip


def _statement(doc: Doc) -> Token:
    """The clause an attributed sentence states: what was said, else its main clause."""
    return reported_clause(doc) or doc[:].root


def drop_tail_attribution(doc: Doc, keep: list[bool], *, quoted: bool) -> None:
    """'X happened, police said.' -> 'X happened.'; 'according to Y' goes wherever it stands.

    A direct quotation keeps its tail: "'We will stay,' she said" needs its speaker; so do a
    view (`states_a_view`) and a contested claim ("..., prosecutors alleged").
    """
    if states_a_view(_statement(doc)):
        return
    for token in doc:
        if (
            token.lower_ == "according"
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ == "to"
        ):
            span = list(token.subtree)
            if len(span) <= MAX_ATTRIBUTION_TOKENS:
                drop_with_commas(doc, keep, span[0].i, span[-1].i + 1)
    if quoted:
        return
    commas = [t.i for t in doc if t.text == "," and keep[t.i]]
    if not commas:
        return
    tail = [t for t in doc[commas[-1] + 1 :] if not t.is_punct]
    # "water-borne" or "state-owned" is an adjective here, not a second clause; nor is the verb
    # of a clause that says who the speaker is ("one of the climbers who found them said").
    verbs = [
        t
        for t in tail
        if t.pos_ in {"VERB", "AUX"}
        and t.dep_ not in {"amod", "compound"}
        and not _inside_speaker(t, tail[0].i)
    ]
    if (
        tail
        and len(tail) <= MAX_ATTRIBUTION_TOKENS
        and len(verbs) == 1
        and verbs[0].lower_ in SAYING_VERBS
        and verbs[0].lower_ not in _CONTESTING_VERBS
    ):
        for i in range(commas[-1], len(doc)):
            if not doc[i].is_punct or doc[i].text == ",":
                keep[i] = False


def _inside_speaker(token: Token, start: int) -> bool:
    """Whether a verb belongs to a clause modifying a noun of the tail that starts at `start`."""
    node = token
    while node.head.i != node.i and node.head.i >= start:
        if node.dep_ in {"relcl", "acl"}:
            return True
        node = node.head
    return node.dep_ in {"relcl", "acl"}


def reported_clause(doc: Doc) -> Token | None:
    """The clause a sentence reports someone said: the object clause of its main verb of saying.

    "Varga said her teams had reached the ship" and "The ship had sunk, police said" report
    "her teams had reached the ship" and "The ship had sunk".
    """
    root = doc[:].root
    if root.lower_ not in SAYING_VERBS:
        return None
    return next((c for c in root.children if c.dep_ == "ccomp"), None)


def drop_head_attribution(doc: Doc, keep: list[bool]) -> None:
    """Drop head attribution: 'Police said (that) X.' becomes 'X.'."""
    clause = reported_clause(doc)
    if clause is None or clause.i < clause.head.i:
        return
    if clause.right_edge.i < len(doc) - 2:
        return  # more follows the clause: not a plain "X said Y"
    # "The agency said the rising strains – A and B – aren't new": misparsed, the strains are
    # the verb's object and the clause has no subject of its own to stand on.
    if not any(c.dep_ in ANY_SUBJECT_DEPS for c in clause.children):
        return
    # "Demoski told reporters that when he woke up, he checked ...": without the speaker, "he"
    # would point at whoever the digest named before.
    if any(t.lower_ in _PERSONAL_PRONOUNS for t in clause.subtree):
        return
    # "The Courier reported Hald was selling the quay, citing council papers": whose papers,
    # the speaker told, though the parser may hang "citing" on the clause.
    if any(t.lower_ in {"citing", "quoting"} for t in clause.subtree):
        return
    # "He said the administration must answer for its failings": what someone thinks ought
    # to be, or is, is their view; without them it would read as the digest's.
    if states_a_view(clause) or clause.head.lower_ in _CONTESTING_VERBS:
        return
    # "Police said X, and that Y": without "Police said" the second "that" hangs.
    if any(
        t.dep_ == "mark" and t.lower_ == "that" and t.head.dep_ == "conj" for t in clause.subtree
    ):
        return
    for i in range(clause.left_edge.i):
        keep[i] = False
    first = next((t for t in clause.subtree if keep[t.i]), None)
    # (The tagger reads "that" before a name now and then as an adverb: "announced that Sasha
    # the cat was found" is no "that Sasha".)
    if first is not None and first.lower_ == "that" and first.dep_ in {"mark", "advmod"}:
        keep[first.i] = False
