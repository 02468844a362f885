"""Token masks over a sentence's parse: what a claim keeps of it (stage 5, for `claims`).

Each function reads one spaCy parse and turns off the tokens of one kind of wrapping (a
connective, an outlet's attribution, an aside) in a keep-mask, or splits the mask in two where
the sentence makes two statements. Nothing here renders text; `claims` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..clean import LEADING_DATELINE
from ..nlp import SUBJECT_DEPS
from ..text import TIME_UNITS, fold
from ..verify import POINTERS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "ANY_SUBJECT_DEPS",
    "FINITE_TAGS",
    "MIN_CLAIM_WORDS",
    "MIN_MAIN_CLAUSE_WORDS",
    "TIME_BEFORE_THEN",
    "bracket_spans",
    "drop_asides",
    "drop_connectives",
    "drop_dateline",
    "drop_with_commas",
    "first_kept",
    "is_finite",
    "quoted_tokens",
    "split_coordination",
    "split_semicolon",
]

MAX_ASIDE_TOKENS = 25  # a longer appositive or relative clause carries the sentence's news
MIN_CLAIM_WORDS = 5  # a shorter remnant is no statement ...
# ... unless it is the sentence's whole main clause, with a named subject, once what opened it
# is off ("Weeks later Trump fired Comey." -> "Trump fired Comey."): a cut inside leaves "The
# foot was wide.", and "Meanwhile, 56 percent think not." leaves a line that points back.
MIN_MAIN_CLAUSE_WORDS = 3
MIN_SPLIT_TOKENS = 20  # a shorter sentence is read whole: its clauses make one statement
# Words that open a sentence by pointing back at the one before it.
_CONNECTIVES = frozenset(
    {"also", "and", "but", "however", "meanwhile", "still", "yet", "moreover", "furthermore",
     "instead", "then", "so", "additionally", "besides", "nonetheless", "nevertheless",
     "separately", "likewise", "similarly", "thus", "therefore", "hence", "plus", "indeed",
     "finally", "rather", "accordingly", "consequently", "again", "regardless"}
)  # fmt: skip
_CONNECTIVE_PHRASES = (
    ("for", "his", "part"), ("for", "her", "part"), ("for", "its", "part"),
    ("for", "their", "part"), ("in", "addition"), ("on", "the", "other", "hand"),
    ("at", "the", "same", "time"), ("in", "turn"), ("by", "contrast"), ("in", "contrast"),
    ("as", "a", "result"), ("even", "so"), ("moments", "later"), ("seconds", "later"),
    ("an", "instant", "later"), ("a", "moment", "later"),
    ("minutes", "later"), ("shortly", "after"), ("soon", "after"), ("earlier",), ("later",),
    ("later", "on"), ("as", "it", "turns", "out"), ("as", "it", "turned", "out"),
    # A speaker's "Well," or "Yes," opening the writer's own line.
    ("well",), ("yes",), ("okay",),
    ("in", "particular"), ("what", "'s", "more"),
    ("after", "all"), ("once", "again"), ("yet", "again"),
)  # fmt: skip
# ... and phrases that do so only at its start ("In a 1998 case, for example, a court ...":
# without it, the commas around it would go too).
_OPENING_PHRASES = (
    ("in", "fact"), ("of", "course"), ("that", "said"), ("all", "things", "considered"),
    ("for", "instance"), ("for", "example"), ("sure",),
    # "Fourth, Trump then misled ...": an item of a list the digest does not print whole.
    ("first",), ("second",), ("third",), ("fourth",), ("fifth",), ("lastly",),
    # "Worse, Varn has ...": worse than what, the sentence before told.
    ("worse",), ("even", "worse"), ("worse", "still"), ("better", "still"), ("better", "yet"),
    ("more", "importantly"), ("most", "importantly"), ("worst", "of", "all"),
    ("best", "of", "all"),
    # The writer's own comment on what follows ("Obviously, the database will grow").
    ("obviously",), ("clearly",), ("certainly",), ("naturally",), ("admittedly",),
    ("interestingly",), ("ironically",), ("surprisingly",), ("fortunately",),
    ("unfortunately",), ("sadly",), ("not", "surprisingly"), ("thankfully",), ("luckily",),
    ("hopefully",), ("impressively",), ("remarkably",), ("notably",), ("curiously",),
    ("oddly",), ("strangely",), ("predictably",), ("tellingly",),
    # ... or the writer summing up: "In short, the new brewer isn't the hit the old one was."
    ("in", "short"), ("in", "sum"), ("in", "other", "words"), ("simply", "put"),
    ("put", "simply"), ("to", "be", "sure"),
)  # fmt: skip
# "Just days later,", "A few hours earlier,": the words that may count the time ...
_COUNTING = frozenset(
    {"just", "only", "barely", "nearly", "almost", "about", "some", "a", "an", "few", "several",
     "many", "couple", "of", "little", "over", "more", "than", "less", "under"}
)  # fmt: skip
MAX_COUNT_TOKENS = 4
_SINCE_BEFORE = frozenset({"later", "earlier", "afterward", "afterwards"})  # ... and its link
_QUOTED = "newsdigest.quoted"  # the parse's user_data key of `quoted_tokens`
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Any subject a verb may have: a noun, a clause ("What she said was ..."), an "it" or "there".
ANY_SUBJECT_DEPS = SUBJECT_DEPS | {"csubj", "expl"}
# A list the parser read as a noun and its appositive shows by its plural verb.
_PLURAL_VERBS = frozenset({"are", "were", "have", "do"})


def is_finite(token: Token) -> bool:
    """Whether a token is a finite verb, also where the tagger read a past tense as a participle.

    "A sell-off accelerated Monday": "accelerated" tagged VBN, but with its own subject and no
    auxiliary it is the past tense.
    """
    if token.tag_ in FINITE_TAGS:
        return True
    # Right after its subject: "a pile of bodies, still fitted with armour" is a fragment.
    return (
        token.tag_ == "VBN"
        and any(c.dep_ == "nsubj" and c.right_edge.i + 1 == token.i for c in token.children)
        and not any(c.dep_ in {"aux", "auxpass"} for c in token.children)
    )


def first_kept(keep: list[bool]) -> int:
    """The index of the first token a wording keeps (its length when it keeps none)."""
    return next((i for i, k in enumerate(keep) if k), len(keep))


def quoted_tokens(doc: Doc) -> frozenset[int]:
    """Indexes of the tokens between an opening and a closing quotation mark.

    Double marks, and British single ones ('‘We did not know,’ she said'): a lone "’" token is
    a closing mark only after an opening "‘" (else an apostrophe, as in "Jones’ car"). Read
    once per parse: every cut, split and check of its wordings asks.
    """
    cached = doc.user_data.get(_QUOTED)
    if cached is None:
        cached = doc.user_data[_QUOTED] = _quoted(doc)
    return cached


def _quoted(doc: Doc) -> frozenset[int]:
    inside: set[int] = set()
    opened: dict[str, int] = {}
    for token in doc:
        text = token.text
        if text in {"“", '"'} and '"' not in opened:
            opened['"'] = token.i
        elif text in {"”", '"'} and '"' in opened:
            inside.update(range(opened.pop('"') + 1, token.i))
        elif text == "‘" and "'" not in opened:
            opened["'"] = token.i
        elif text == "’" and "'" in opened:
            inside.update(range(opened.pop("'") + 1, token.i))
    return frozenset(inside)


_VERB_PARTS = frozenset({"aux", "auxpass", "neg"})  # words that open a verb group ("has not said")


def drop_with_commas(doc: Doc, keep: list[bool], start: int, end: int) -> None:
    """Drop tokens [start, end) and the commas that set them off.

    A comma on one side only stays where it separates what is left: "gusted, forecasters
    said" keeps it; an opening "According to police," or a closing ", police said" does not.
    """
    opening = start == first_kept(keep)
    for i in range(start, end):
        keep[i] = False
    marks = {",", "—", "–"}
    before = start - 1 if start > 0 and doc[start - 1].text in marks else None
    after = end if end < len(doc) and doc[end].text in marks else None
    closing = all(not keep[i] or doc[i].is_punct for i in range(end, len(doc)))
    if before is not None and (after is not None or closing):
        keep[before] = False
    if after is not None and (before is not None or opening or _parts_subject(doc, start, end)):
        keep[after] = False


def _parts_subject(doc: Doc, start: int, end: int) -> bool:
    """Whether the comma after a cut would stand between a subject and its verb.

    "A statement released by the ministry, said ...": cut of "released by the ministry", the
    comma its outlet put there would be left between "A statement" and "said".
    """
    cut = next((doc[i] for i in range(start, end) if not start <= doc[i].head.i < end), None)
    if cut is None or cut.head.dep_ not in SUBJECT_DEPS or cut.head.i >= start:
        return False
    verb = cut.head.head
    following = doc[end + 1] if end + 1 < len(doc) else None
    return following is not None and (
        following.i == verb.i or (following.head.i == verb.i and following.dep_ in _VERB_PARTS)
    )


def drop_dateline(doc: Doc, keep: list[bool]) -> None:
    """'VIENNA — The house ...' and 'NEW DELHI: Their ...' lose the place the story was filed in.

    Cleaning takes it off scraped text; an HTML extractor's text keeps it.
    """
    match = LEADING_DATELINE.match(doc.text)
    if match is None:
        return
    for token in doc:
        if token.idx < match.end():
            keep[token.i] = False


def _time_since_opener(doc: Doc, lowered: list[str], start: int) -> int | None:
    """Where an opening "Three years later," or "Just days later" ends; else None.

    The time is counted from what the sentence before told.
    """
    at = start
    while (
        at < len(doc)
        and at - start < MAX_COUNT_TOKENS
        and (lowered[at] in _COUNTING or doc[at].like_num)
    ):
        at += 1
    unit = lowered[at] if at < len(doc) else ""
    if not (unit in TIME_UNITS or f"{unit}s" in TIME_UNITS):
        return None
    if at + 2 >= len(doc) or lowered[at + 1] not in _SINCE_BEFORE:
        return None
    if doc[at + 2].text == ",":
        return at + 2
    # Unmarked ("Weeks later Trump fired Comey."): the clause's subject follows right after.
    # Not where the span is the subject ("Three years later is too long.") or goes on ("Two
    # years later than planned, ...").
    verb = doc[at + 1].head
    subject_next = any(c.dep_ in SUBJECT_DEPS and c.left_edge.i == at + 2 for c in verb.children)
    return at + 2 if doc[at + 1].dep_ == "advmod" and subject_next else None


def drop_connectives(doc: Doc, keep: list[bool]) -> None:
    """'Also, ...', 'For his part, ...', '..., however, ...', 'She also found' lose the link.

    Inside a direct quotation only an opening connective goes ('"However I believe ..."'): what
    someone said is not rewritten mid-quote ('"not just a piece of history, but also ..."').
    """
    start = first_kept(keep)
    quoted = quoted_tokens(doc)
    lowered = [fold(t.text) for t in doc]  # "What’s more" is "what's more"
    for phrase in _CONNECTIVE_PHRASES + _OPENING_PHRASES:
        for i in range(len(doc) - len(phrase)):
            if tuple(lowered[i : i + len(phrase)]) != phrase:
                continue
            end = i + len(phrase)
            at_start = i == start and end < len(doc) and doc[end].text == ","
            inside = (
                phrase in _CONNECTIVE_PHRASES
                and i not in quoted
                and i > 0
                and doc[i - 1].text == ","
                and end < len(doc)
                and doc[end].text == ","
            )
            if at_start or inside:
                drop_with_commas(doc, keep, i, end)
    start = first_kept(keep)
    opener_end = _time_since_opener(doc, lowered, start)
    if opener_end is not None:
        drop_with_commas(doc, keep, start, opener_end)
        start = first_kept(keep)
    if start < len(doc) and lowered[start] in _CONNECTIVES and doc[start].pos_ != "PROPN":
        nxt = start + 1
        # "Still photographs ..." and "So far, ..." open with no connective: it must be an
        # adverb or conjunction of the clause itself here.
        token = doc[start]
        linked = token.head.dep_ == "ROOT" or token.head == token or token.pos_ == "CCONJ"
        if token.pos_ in {"ADV", "CCONJ", "SCONJ"} and linked and nxt < len(doc):
            keep[start] = False
            if doc[nxt].text == ",":
                keep[nxt] = False
    _drop_opening_now(doc, keep, lowered, first_kept(keep), quoted)
    # A quotation opening the sentence may lose its first word ('"However I believe ...').
    opening_word = start + 1 if start < len(doc) and doc[start].text in {'"', "“", "‘"} else None
    for token in doc:
        if token.i in quoted and token.i != opening_word:
            continue
        # "Goettler then called Anker" points back at what happened before; "then-president"
        # (glued to its hyphen) and "since then" do not, and "back then" or "only then" would
        # leave "back" or "only" alone.
        sequel = (
            token.lower_ == "then"
            and token.head.pos_ == "VERB"
            and token.i > 0
            and doc[token.i - 1].pos_ not in {"ADP", "SCONJ"}
            and doc[token.i - 1].lower_ not in TIME_BEFORE_THEN
            and (token.i + 1 >= len(doc) or doc[token.i + 1].text not in {"-", "–"})
        )
        if sequel and token.dep_ == "advmod" and keep[token.i]:
            keep[token.i] = False
            continue
        if token.lower_ in {"also", "however"} and token.dep_ == "advmod" and keep[token.i]:
            keep[token.i] = False
            if token.lower_ == "however":
                for near in (token.i - 1, token.i + 1):
                    if 0 <= near < len(doc) and doc[near].text == ",":
                        keep[near] = False


def _drop_opening_now(
    doc: Doc, keep: list[bool], lowered: list[str], start: int, quoted: frozenset[int]
) -> None:
    """'Now Streep has been cast ...' loses the word that points back.

    "Now" sets the sentence against a past the sentence before told; without it the sentence
    still says what it said. Not "Now 45, she ..." nor "Now that ...".
    """
    if start + 1 >= len(doc) or start in quoted:
        return
    token, following = doc[start], doc[start + 1]
    if lowered[start] != "now" or token.dep_ != "advmod" or token.head.dep_ != "ROOT":
        return
    if following.text == ",":
        keep[start] = keep[start + 1] = False
    elif following.pos_ in {"DET", "PROPN", "NOUN"} and following.lower_ != "that":
        keep[start] = False


# "since then", "back then", "only then": a time counted from what the sentence before told.
TIME_BEFORE_THEN = frozenset({"since", "back", "only", "even", "just", "right", "until", "by"})


def drop_asides(doc: Doc, keep: list[bool]) -> None:
    """Appositives, non-restrictive relative clauses, parentheses and dashed asides.

    Never inside a direct quotation: what someone said is quoted whole or not at all.
    """
    quoted = quoted_tokens(doc)
    for token in doc:
        # (A participle set off by commas is no aside here: measured on Multi-News at 250 words,
        # cutting it, even mid-sentence, lost ROUGE-2 (15.41 -> 15.34) and no pyramid recall.)
        if token.dep_ not in {"appos", "relcl"} and not (
            token.like_num and token.dep_ in {"npadvmod", "amod", "appos"}
        ):
            continue
        span = list(token.subtree)
        first, last = span[0].i, span[-1].i
        if any(i in quoted for i in range(first, last + 1)):
            continue
        # "called for a 'two-track plan', under which Harrow would ...": a clause that says how
        # a plan or deal would go is what it is; without it the plan tells nothing.
        if token.dep_ == "relcl" and _how_it_goes(span):
            continue
        set_off = first > 0 and doc[first - 1].text == ","
        # "... with Mr. Smith, who told them: '...'": a colon opens what the clause says.
        closed = last + 1 >= len(doc) or (doc[last + 1].is_punct and doc[last + 1].text != ":")
        # "After talking with Varn, Hald, a mother of three, noticed ...": a name "in
        # apposition" to a name is the parser's reading of the next clause's subject.
        if token.dep_ == "appos" and token.pos_ == "PROPN" and token.head.pos_ == "PROPN":
            continue
        # ", where the band played on tour, featuring Onyx": the participle after it tells of
        # the aside, whatever the parse says; without the aside it would tell of the subject.
        told_on = last + 2 < len(doc) and doc[last + 1].text == "," and doc[last + 2].tag_ in {
            "VBG", "VBN"
        }  # fmt: skip
        # "..., which span trade to rights in Tibet, Hong Kong, and Xinjiang, as well as ...": a
        # list that goes on after it may be the aside's own, or the aside one of its items.
        listed = any(doc[i].dep_ == "cc" for i in range(last + 1, min(last + 3, len(doc))))
        # "to become a pilot, a doctor, and a singer": the parser reads the list's second item
        # as the first's appositive, with the rest coordinated under it.
        listed = listed or (token.dep_ == "appos" and any(c.dep_ == "conj" for c in token.children))
        # "sailed to Kessling, where she met her counterpart, Tomas Varn, and ...": two names
        # would be glued ("Kessling Tomas Varn").
        before = next((t for t in reversed(doc[:first]) if not t.is_punct), None)
        after = next((t for t in doc[last + 1 :] if not t.is_punct), None)
        glued = before is not None and after is not None and before.pos_ == after.pos_ == "PROPN"
        # "a road, a ditch and an aqueduct ... were built": a list the parser read as a noun
        # and its appositive; the plural verb needs all of it.
        separable = not told_on and not listed and not glued and not _plural_subject(token)
        if set_off and closed and separable and len(span) <= MAX_ASIDE_TOKENS:
            drop_with_commas(doc, keep, first, last + 1)
    for start, end in bracket_spans(doc):
        if end - start <= MAX_ASIDE_TOKENS:
            for i in range(start, end + 1):
                keep[i] = False
    # A hyphen with a space on each side is a dash too: "hungry – whose score ... group - spent"
    # closes its aside with one.
    dashes = [
        t.i for t in doc
        if t.text in {"—", "–", "--"}
        or (t.text == "-" and t.whitespace_ and t.i > 0 and doc[t.i - 1].whitespace_)
    ]  # fmt: skip
    root = doc[:].root.i
    for a, b in zip(dashes[::2], dashes[1::2], strict=False):
        # Dashes that pair wrongly ("hungry – whose score ... - spent 64% more – even") would
        # take the main verb with them.
        if b - a <= MAX_ASIDE_TOKENS and not a < root < b:
            for i in range(a, b + 1):
                keep[i] = False


def bracket_spans(doc: Doc) -> list[tuple[int, int]]:
    """The index of each opening round bracket and of the one closing it."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for token in doc:
        if token.text == "(":
            opened = token.i
        elif token.text == ")" and opened is not None:
            spans.append((opened, token.i))
            opened = None
    return spans


def _how_it_goes(span: list[Token]) -> bool:
    """Whether a relative clause says how a plan would go: "under which Harrow would pay".

    (Not "in which three people died": an event's detail may go.)
    """
    opening = [t.lower_ for t in span[:2]]
    prepositional = opening[0] == "whereby" or (
        len(opening) == 2 and span[0].pos_ == "ADP" and opening[1] == "which"
    )
    return prepositional and any(t.tag_ == "MD" for t in span)


def _plural_subject(appositive: Token) -> bool:
    """Whether an appositive of a singular subject is an item of a list its plural verb needs."""
    head = appositive.head
    if appositive.dep_ != "appos" or head.dep_ not in SUBJECT_DEPS or head.tag_ != "NN":
        return False
    verb = head.head
    forms = [verb, *(c for c in verb.children if c.dep_ in {"aux", "auxpass"})]
    return any(t.lower_ in _PLURAL_VERBS for t in forms)


def split_semicolon(doc: Doc, keep: list[bool]) -> list[list[bool]] | None:
    """'A happened; B followed' -> masks for 'A happened' and 'B followed'.

    Only where each side is a clause of its own (a subject, a finite verb, enough words) and the
    semicolon stands outside quotation marks and brackets; a list "a; b; c" is no such split.
    """
    quoted = quoted_tokens(doc)
    depth = 0
    marks: list[int] = []
    for token in doc:
        depth += token.text == "("
        depth -= token.text == ")"
        if token.text == ";" and depth == 0 and token.i not in quoted and keep[token.i]:
            marks.append(token.i)
    if len(marks) != 1:
        return None
    mark = marks[0]
    parts = [
        [keep[i] and i < mark for i in range(len(doc))],
        [keep[i] and i > mark for i in range(len(doc))],
    ]
    last = len(doc) - 1
    for part in parts:
        finite = any(part[t.i] for t in doc if is_finite(t))
        subject = any(part[t.i] for t in doc if t.dep_ in ANY_SUBJECT_DEPS)
        if not (finite and subject) or sum(part) < MIN_CLAIM_WORDS:
            return None
        if doc[last].is_punct:
            part[last] = True
    return parts


_TIME_LINKS = frozenset({"before", "after", "since", "until"})


def split_coordination(doc: Doc, keep: list[bool]) -> list[list[bool]] | None:
    """'S did A and did B' -> masks for 'S did A' and 'S did B' (the subject shared)."""
    root = doc[:].root
    if len(doc) < MIN_SPLIT_TOKENS:
        return None
    verbs = [
        c for c in root.children
        if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"} and keep[c.i]
    ]  # fmt: skip
    if len(verbs) != 1:
        return None
    second = verbs[0]
    # "found and rescued a person": the first verb shares the second's object; alone it would
    # read "The crew found."
    if not any(root.i < c.i < second.i and c.dep_ not in {"cc", "punct"} for c in root.children):
        return None
    # "... and offered words of comfort: "..."": what a colon after the second clause opens
    # tells of that clause, though the parser may hang it on the first verb.
    if any(t.text == ":" and keep[t.i] for t in doc[second.right_edge.i + 1 :]):
        return None
    # What someone said is quoted whole or not at all.
    quoted = quoted_tokens(doc)
    if root.i in quoted or second.i in quoted:
        return None
    # Predicates are joined by a conjunction of their own ("did A and did B", "went, entered
    # and found"); with only an "and" between nouns ("allowed for mood and time spent
    # shopping") the second verb is a misparse.
    verbs_joined = {root.i, second.i} | {c.i for c in second.subtree if c.dep_ == "conj"}
    if not any(
        t.dep_ == "cc" and t.head.i in verbs_joined and t.head.pos_ in {"VERB", "AUX"}
        for t in doc[root.i : second.right_edge.i + 1]
    ):
        return None
    # A verb inside brackets the root is not in belongs to the aside, not to the subject.
    opened = doc[root.i : second.i].text.count("(") - doc[root.i : second.i].text.count(")")
    if opened > 0:
        return None
    subject = [c for c in root.children if c.dep_ in SUBJECT_DEPS]
    # "Axelrod, asked about the poll, turned ...": a participle set off after its subject is
    # an aside the parser took for the main verb, not a clause of its own.
    between = doc[subject[0].i + 1 : root.i] if subject else doc[0:0]
    if (
        root.tag_ in {"VBD", "VBN"}
        and len(between) > 0
        and all(t.is_punct for t in between)
        and doc[root.i - 1].text == ","
    ):
        return None
    own_subject = any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in second.children)
    if not subject and not own_subject:
        return None
    # "X comes as ..., and a day before the panel is expected to vote": a subordinate clause
    # (its "before" read as a mark or as a preposition of "a day"), which alone would lack
    # the verb it hangs from.
    if any(
        (c.dep_ == "mark" and c.lower_ not in {"that", "whether"} and c.i < second.i)
        or (
            c.dep_ == "npadvmod" and c.i < second.i
            and any(g.dep_ == "prep" and g.lower_ in _TIME_LINKS for g in c.children)
        )
        for c in second.children
    ):  # fmt: skip
        return None
    # "was charged with luring and attempting to ...": a gerund after a finite verb is more
    # likely a misparsed list item than a second predicate of the subject.
    if not own_subject and second.tag_ != root.tag_:
        return None
    # "X closed its schools as a gale drove waves, flooded the town and ...": a verb with a
    # subject of its own stands between, and the second predicate may be its subject's.
    if not own_subject and any(
        t.dep_ in SUBJECT_DEPS and root.i < t.head.i < second.i for t in doc[root.i : second.i]
    ):
        return None
    tail = set(t.i for t in second.subtree)
    # The conjunction and comma joining the clauses belong to neither.
    joints = {c.i for c in root.children if c.dep_ in {"cc", "punct"} and c.i < second.left_edge.i}
    joints = {i for i in joints if i > max((t.i for t in root.lefts), default=-1)}
    # ... but not the comma that opens an aside of the first ("a stay, her third this year,
    # but said"): only one right before the conjunction or the second clause.
    links = {i for i in joints if doc[i].dep_ == "cc"} | {second.left_edge.i}
    joints = {i for i in joints if doc[i].dep_ == "cc" or i + 1 in links}
    first = [keep[i] and i not in tail and i not in joints for i in range(len(doc))]
    if own_subject:
        second_mask = [keep[i] and i in tail for i in range(len(doc))]
        # "..., and all 23 of its crew were rescued": the pronoun points into the first clause.
        if any(doc[i].lower_ in POINTERS for i in tail):
            return None
    else:
        shared = {t.i for s in subject for t in s.subtree}
        auxiliaries = {c.i for c in root.children if c.dep_ in {"aux", "auxpass"}}
        # "has not paid and will not pay" keeps its own; "did not pay and leave" shares "did
        # not". A copula's "not" is its own: "was not in the lineup and came on" came on.
        if auxiliaries and not any(c.dep_ in {"aux", "auxpass"} for c in second.children):
            shared |= auxiliaries | {c.i for c in root.children if c.dep_ == "neg"}
        second_mask = [keep[i] and (i in tail or i in shared) for i in range(len(doc))]
        # "... where he met his rival, Tomas Varn, and appeared on his boat": the pronoun
        # may point at a person the first clause names, who would be gone.
        named = any(
            e.label_ == "PERSON" and e.start not in shared and e.start not in tail for e in doc.ents
        )
        if named and any(doc[i].lower_ in POINTERS for i in tail):
            return None
    # The final full stop ends both.
    last = len(doc) - 1
    if doc[last].is_punct:
        first[last] = second_mask[last] = True
    if sum(first) < MIN_CLAIM_WORDS or sum(second_mask) < MIN_CLAIM_WORDS:
        return None
    return [first, second_mask]
