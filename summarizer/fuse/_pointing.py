"""Words and shapes by which a wording cannot stand alone in a digest (stage 5, claims).

A wording that points back ("They", "Also", "Which", "If that fails", "otherwise", "most of
these data", a quotation whose speaker another sentence names) reads as a cut when printed
alone; one that addresses the reader ("Think about ...") or speaks in the first person ("We
have shown ...") is no outlet's report of a fact.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from ..nlp import SUBJECT_DEPS
from ..text import PARTS_OF_DAY, SAYING_VERBS, TIME_UNITS
from ._masks import ANY_SUBJECT_DEPS, TIME_BEFORE_THEN
from ._nothing import tells_nothing
from ._speakers import SUBJECT_PRONOUNS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "BARE_QUOTE",
    "bare_comparison",
    "bare_quantity",
    "clause_pronoun",
    "dangling_opener",
    "demonstrative",
    "elided_count",
    "elided_verb",
    "imperative",
    "infinitive_subject",
    "interjection",
    "object_pronoun",
    "personal_voice",
    "pointing_place",
    "quotation_points_back",
]

_DANGLING = re.compile(
    r"^[\"“‘']?(?:also|and|but|nor|however|meanwhile|still|yet|moreover|furthermore|then(?![-–])|so|"
    # "Instead, ..." points back; "Instead of stopping, the driver ..." says of what.
    r"instead(?! of\b)|"
    # "In return, Varn praised ...": for what, the sentence before told; "In return for ..."
    # says.
    r"in return(?=,)|"
    # "Since then, 9,000 have crossed ...", "Back then, ...": since when, the sentence before
    # told.
    rf"(?:{'|'.join(sorted(TIME_BEFORE_THEN))}) then\b|"
    r"he|she|they|it|its|his|her|their|them|him|this|that|these|such|which|whose|"
    # "Another approach came this week", "Other allies have protested": another than the one
    # the sentence before told. "Other than the ferry, ..." says.
    r"another|other(?! than\b)|"
    # "Those with the lowest risk ran less" is anyone so described, as is "Those killed at a
    # checkpoint ..."; "Those are ..." and "Those included two ministers" point.
    r"those(?! (?:who|with|whose|in|at|on|under|over|aged)\b)"
    r"(?! (?:\w+ed|hurt|held|taken) (?:at|in|on|by|during|near|outside|inside)\b)|"
    r"here(?:'s|’s| is| are|(?=,))|except|"
    # "At the time, some feared ...": at what time, the sentence before told; "At the time of
    # the crash, ..." says, and "At the moment, ..." is now.
    r"at (?:the time|that (?:time|point|moment))(?! (?:of|when)\b)|"
    # "Below, the six revelations ...": the page's layout, not the story.
    r"(?:below|above)(?=,)|"
    r"(?:among|of|between|like|for|with|to|from|unlike|besides) (?:them|those|these|him|her)"
    r"(?! (?:who|which|that)\b)|"
    r"the latter|the former|the same|"
    # "Several thousand more have come since": more than those the sentence before counted.
    # ("One more ferry is welcome" names what it adds to; "Two more than last year ..." says
    # than what.)
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|many|some|"
    r"dozens|hundreds|thousands|millions)(?: [a-z]+)? more"
    r"(?= (?:have|has|had|were|was|are|is|will|would|could|can|may|might|\w+ed)\b)"
    r"(?![^.;]*\bthan\b)|"
    # "The 41-year-old died on Wednesday": who, the sentence before named.
    r"the (?:\d{1,3}|[a-z]+(?:-[a-z]+)?)-year-old(?= (?:was|is|had|has|died|said|says|told|"
    r"\w+ed)\b)|"
    # "The rare step by the panel comes as ...": which step, the sentence before told.
    r"the (?:(?:rare|unusual|latest|unprecedented|surprise|bold) )?(?:move|step|decision|"
    r"report|story|news|statement|company|group|"
    # "The carrier is the only one left with ...": which company, the sentence before named.
    r"firm|carrier|airline|automaker|retailer|insurer|startup|"
    r"agency|news agency|official|officials|man|woman|pair|duo|trio|two|three|couple|incident|deal|"
    r"plan|proposal|measure|announcement|comments?|remarks?|reference|"
    # "The problem is not that ...", "The date was just for show.", "The shock came as ...":
    # which one, the sentence before told ("The problem with the quay is ..." and "The
    # question is whether ..." say).
    r"problem|issue|question|idea|date|shock|surprise|result|answer|twist|catch|irony|"
    r"individual|person)\b"
    r"(?! (?:of|by|between|to|that|which|who|in|at|on|for|from|with)\b)"
    r"(?! (?:is|was|remains) (?:that|whether|how|why|what)\b))\b",
    re.IGNORECASE,
)

# Words that point back from inside a clause: "could otherwise take three weeks" means "if the
# refloat the sentence before tells of fails"; alone it reads as a cut, as do "lacked the
# expertise to do so", "sent a similar message" and "nobody knows why".
_POINTING_ADVERBS = re.compile(
    r"\botherwise\b(?! than\b)|\b(?:do|does|did|doing|done) so\b"
    # "... chose a park instead": instead of what, the sentence before told. ("They expected
    # 'Tulowitzki', but the back read 'Tulowizki' instead" tells both itself.)
    r"|^(?!.*(?:\bbut\b|\bnot\b|\bno\b|n't\b|\bnever\b).*\binstead\b).*\binstead\b(?! of\b| than\b)"
    r"|\b(?:think|thinks|thought|hope|hopes|believe|believes|say|says|said) so\b"
    r"|\ba similar \w+\b(?! (?:to|as)\b)"
    # "Nobody knows why, least of all ...": why what, the sentence before told.
    r"|\b(?:why|how)\s*[,.;:!?]"
    # "Rents, too, have risen", "... rose too.": as what else did, the sentence before told.
    r"|,\s*too\s*,|\btoo\s*[.!?]$"
    # "The new film is more of the same": as what, the sentence before told.
    r"|\bmore of the same\b"
    # "doesn't suffer the same fate.", "remained the same.": as what, the sentence before told.
    # ("born on the same day at the same hospital" compares its own subjects.)
    # ("... resolve a battery drain, but updaters see the same issue." compares its own clauses.)
    r"|^(?![^;]*(?:\bbut\b|\bwhile\b|, and\b)[^;]*\bthe same\b)"
    r"[^;]*\bthe same(?: (?!time\b)[\w-]+)?\s*[.!?;]"
    # "... had 'candid' discussions during the gathering": which one, the sentence before told
    # ("the meeting of the board", "the talks in Harrow" say it themselves).
    r"|\b(?:during|at|after|before|since|following) the (?:gathering|meeting|talks|summit|"
    r"session|conference)\b(?! (?:of|in|on|at|with|between|by|for)\b)",
    re.IGNORECASE,
)
# "Other ratings have tumbled as well.", "Nevada isn't inventing the wheel, either.": as what
# else, the sentence before told. "Unions decried the change, and relatives criticised it as
# well" compares its own clauses.
_CLOSING_COMPARISON = re.compile(
    r"^(?![^;]*\b(?:and|but|while|both|nor)\b)[^;]*\b(?:as well|either)\s*[.!?][\"”’']?$",
    re.IGNORECASE,
)
# A condition or time told by the sentence before: "If that fails, ...", "If so, ...", "After
# that, ...". "If that ship sinks" names its own subject and stands alone.
_POINTING_CLAUSE = re.compile(
    r"^[\"“‘']?(?:if|when|after|before|once|unless|until) (?:(?:that|this|it|they|he|she) "
    r"(?:fails?|failed|happens?|happened|does|did|doesn't|didn't|is|was|are|were|works?|worked|"
    r"cannot|can't|could not|couldn't|do not|don't|does not|did not|will not|won't)"
    r"\b|so\b|not\b|that,|this,)"
    # "To investigate, scientists looked at ...": investigate what, the sentence before told.
    r"|^[\"“‘']?to (?!date\b|be\b)\w+,"
    # "Either option would keep ...": of which options, the sentence before told.
    r"|^[\"“‘']?(?:either|neither) (?!of\b)(?![^,.;]*\b(?:or|nor)\b)\w+"
    # "Not only was it cheaper.": the rest of the comparison, the sentence before told.
    r"|^[\"“‘']?not only\b(?![^.;]*\bbut\b)",
    re.IGNORECASE,
)


# A sentence that is one quotation and nothing else: its speaker was named around it.
BARE_QUOTE = re.compile(r'^[“"][^“”"]+[”"]$|^[“"][^“”"]+[.!?,][”"][.]?$')


def dangling_opener(text: str) -> bool:
    """Whether a sentence points back at an earlier one, or tells nothing alone.

    By its first word ("He", "Also", "Which"), by a clause such as "If that fails", by
    "otherwise", or by being a bare quotation whose speaker another sentence names; and a line
    that only promises more ("There was more to the story.") tells nothing alone.
    """
    stripped = text.strip()
    return bool(
        _DANGLING.match(stripped)
        or _POINTING_CLAUSE.match(stripped)
        or _POINTING_ADVERBS.search(stripped)
        or _CLOSING_COMPARISON.match(stripped)
        or BARE_QUOTE.match(stripped)
        or tells_nothing(stripped)
    )


def quotation_points_back(text: str) -> bool:
    """Whether a quotation, bare or after "X said:", opens by pointing back.

    Its speaker named, it still points past them at what the sentence before told ('Lund
    said: "He has to prove ..."': who, the reader cannot tell; 'Cymrot said: "They make me
    blush."'); an opening adverb does not change that ('"Unfortunately, that was not the
    case."').
    """
    stripped = text.strip()
    introduced = _INTRODUCED_QUOTATION.match(stripped)
    if introduced is not None and introduced["verb"] in SAYING_VERBS:
        stripped = stripped[introduced.end() :]
    stripped = _OPENING_ADVERB.sub(r"\1", stripped)
    if not stripped.startswith(('"', "“")):
        return False
    return bool(
        _DANGLING.match(stripped) or _POINTING_CLAUSE.match(stripped) or _REPLY.match(stripped)
    )


# A quotation that answers a question ('"Not that I'm aware of," the spokeswoman said', '"Yes,
# absolutely."'): what was asked, the sentence before told. ('"No one knew" tells itself.)
_REPLY = re.compile(
    r"^[\"“](?:(?:yes|yeah|yep|no|nope|absolutely|definitely|certainly|sure|exactly|correct|"
    r"of course|not yet|not really|not at all|not exactly)[,.!?;—–]|not that (?:i|we)\b)",
    re.IGNORECASE,
)
_INTRODUCED_QUOTATION = re.compile(r"^[^\"“”]*\b(?P<verb>[a-z]+)(?: \w+)?:\s*(?=[\"“])")
_OPENING_ADVERB = re.compile(r"^([\"“‘'])[A-Z][a-z]+ly, ")


# First and second person: outside quotation marks, the digest's "we" or the reader's "you".
_PERSONAL_VOICE = frozenset(
    {"i", "me", "my", "we", "us", "our", "you", "your", "yours", "yourself", "yourselves"}
)


def personal_voice(doc: Doc, mask: list[bool], quoted: AbstractSet[int]) -> bool:
    """Whether someone speaks, or the reader is spoken to, outside quotation marks.

    "We have shown ...", "on our list": in a digest "we" would be the digest's, and the outlet
    or person meant goes unnamed. "You can add location to your posts", "you can bid farewell to
    ...": a page's widget or a columnist's aside, no outlet's report of a fact. `quoted` holds
    the indexes of the tokens inside quotation marks.
    """
    return any(
        mask[t.i]
        and t.i not in quoted
        and t.lower_ in _PERSONAL_VOICE
        and t.tag_ in {"PRP", "PRP$"}
        for t in doc
    )


def interjection(doc: Doc, start: int, quoted: AbstractSet[int]) -> bool:
    """Whether the wording opens with an exclamation: a commenter's voice, not a report.

    "Wow, can't even download apps ..." is what a reader wrote on a forum an outlet quotes.
    """
    # ("Like every year, ..." is tagged so too; an exclamation stands apart by a mark.)
    return (
        start + 1 < len(doc)
        and doc[start].tag_ == "UH"
        and doc[start + 1].is_punct
        and start not in quoted
    )


def imperative(doc: Doc, mask: list[bool], start: int) -> bool:
    """Whether the wording kept by `mask` from `start` addresses the reader.

    "Think about ...", "Don't worry ...", "As for the crews, don't worry ...".
    """
    root = doc[:].root
    if root.tag_ != "VB" or not mask[root.i]:
        return False
    children = list(root.children)
    if any(c.dep_ in ANY_SUBJECT_DEPS for c in children):
        return False
    auxiliaries = [c for c in children if c.dep_ == "aux"]
    if root.i == start:
        return not auxiliaries
    if not auxiliaries or any(c.lower_ != "do" or c.i > root.i for c in auxiliaries):
        return False
    # "Don't worry ..." opens on its "do"; "As for the crews, don't ..." after a phrase and
    # comma, and "If it ain't broke don't fix it" after its condition.
    first = min(c.i for c in auxiliaries)
    condition = any(
        c.dep_ == "advcl" and c.left_edge.i == start and c.right_edge.i == first - 1
        for c in children
    )
    return first == start or condition or (doc[first - 1].text == "," and mask[first - 1])


# Verbs that stand for a verb phrase left out ("too many might not be", "so did she").
_STAND_IN_VERBS = frozenset({"be", "do", "have"})
# What such a verb keeps when it says something of its own: "is out", "is in Kessling", "did
# it", "is simple". Only "too", "so", "either" and the like may hang on one that stands in.
_OWN_WORDS = frozenset(
    {"attr", "acomp", "dobj", "xcomp", "ccomp", "prep", "oprd", "advcl", "agent", "prt",
     "dative", "npadvmod", "acl", "csubj", "expl"}
)  # fmt: skip
_ELIDING_ADVERBS = frozenset({"too", "so", "either", "neither", "also", "still"})


def elided_verb(doc: Doc, mask: list[bool]) -> Token | None:
    """The wording's main verb when it stands for a verb phrase an earlier clause gave.

    "A few ferries are good for Harrow, but too many might not be": the second clause, alone,
    is "Too many might not be." ("be" what, the first clause told). "So did she.", "Others
    were not." and "Many have." point back the same way; "The jury is out." does not.
    """
    for token in doc:
        if not mask[token.i] or (token.dep_ != "ROOT" and mask[token.head.i]):
            continue
        # The shared parse lemmatizes only by rule: "were" is "be", a bare "be" has none.
        if (token.lemma_ or token.lower_) not in _STAND_IN_VERBS and token.tag_ != "MD":
            continue
        kept = [c for c in token.children if mask[c.i]]
        if not any(c.dep_ in SUBJECT_DEPS for c in kept):
            continue
        if any(c.dep_ in _OWN_WORDS for c in kept):
            continue
        if all(c.lower_ in _ELIDING_ADVERBS for c in kept if c.dep_ == "advmod"):
            return token
    return None


def elided_count(doc: Doc, mask: list[bool]) -> bool:
    """Whether a cut clause counts a thing only its sentence's other clause names.

    "Varn is charged with five counts of fraud; Lind is charged with three": alone, the second
    clause is "Lind is charged with three." (three what, the first clause told).
    """
    counted = any(
        not mask[t.i] and t.pos_ == "NOUN" and any(c.dep_ == "nummod" for c in t.children)
        for t in doc
    )
    return counted and any(
        mask[t.i]
        and t.pos_ == "NUM"
        and t.dep_ in {"pobj", "dobj"}
        and not any(t.children)
        and t.ent_type_ in {"", "CARDINAL"}  # not "in 2012"
        for t in doc
    )


def _subject(head: Token) -> set[int]:
    """The tokens of a verb's subject (none when it has no subject of its own)."""
    return {t.i for c in head.children if c.dep_ in SUBJECT_DEPS for t in c.subtree}


# "these days", "this year", "that morning" say when, counted from the day of writing; they
# point at no earlier sentence.
_TIME_NOUNS = TIME_UNITS | PARTS_OF_DAY | {
    "times", "year", "month", "week", "season", "spring", "summer", "fall", "autumn", "winter",
    "decade", "century", "time", "moment",
}  # fmt: skip
_DEMONSTRATIVES = frozenset({"these", "those", "this", "that"})
# A demonstrative standing alone for a noun (tagged DT, unlike the relative "that", WDT, and
# the conjunction, IN).
_PRONOUN_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "dative"})
# "By that point", "of that conversation", "While that record ...": a determiner "that" follows
# a preposition, a conjunction or a comma, or opens the sentence; after a verb or a noun the
# parser's "det" is most often the conjunction ("said that fake news ...").
_THAT_AFTER = frozenset({"ADP", "SCONJ", "CCONJ", "PUNCT"})


def _named_before(
    doc: Doc, mask: list[bool], at: int, skip: AbstractSet[int] = frozenset()
) -> bool:
    """Whether the kept words before token `at`, less `skip`, name a person or thing (no date)."""
    return any(
        t.pos_ in {"NOUN", "PROPN"} and mask[t.i] and t.i not in skip
        and t.ent_type_ not in {"DATE", "TIME"}
        for t in doc[:at]
    )  # fmt: skip


def demonstrative(doc: Doc, mask: list[bool], quoted: AbstractSet[int]) -> bool:
    """Whether a determiner points back at what an earlier sentence named.

    "Most of these data are added ..." and "The answers to these questions won't ..." tell of
    data and questions an earlier sentence named, as "People act on this intention", "By that
    point" and "Like other sites, this one was ..." do anywhere in the sentence. "These" and
    "those" outside the main clause's subject are often named before them in the sentence
    ("acquire nonfood objects ... when these items are free"); "those who stayed" and "this
    kind of loyal following that ..." say which ones themselves; "this year" says when. Alone
    for a noun, "that" and "this" point back too ("confirmed that was the location").
    """
    subject = _subject(doc[:].root)
    for token in doc:
        word = token.lower_
        if word not in _DEMONSTRATIVES or not mask[token.i] or token.i in quoted:
            continue
        # "described that as unusual": the tagger reads a clause's "that" where the object is.
        before = doc[token.i - 1] if token.i > 0 else None
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if (
            word in {"that", "this"} and before is not None and before.pos_ == "VERB"
            and after is not None and after.lower_ == "as" and token.head.i == after.i
        ):  # fmt: skip
            return True
        if token.tag_ == "DT" and token.dep_ in _PRONOUN_DEPS:
            # "Police confirmed that was the location": that what, the sentence before told.
            # "no verification of this" after a clause may mean that clause; "those who
            # stayed" and "that of the crew" say what they mean.
            if any(c.dep_ in {"relcl", "acl", "prep"} for c in token.children):
                continue
            # "Gentry, his friend, described that as ...": a verb's own subject is not what
            # its "that" stands for.
            own_subject = _subject(token.head)
            if token.dep_ in SUBJECT_DEPS or not _named_before(doc, mask, token.i, own_subject):
                return True
            continue
        if token.dep_ != "det":
            continue
        # Inside a clause, "these items" most often names things told earlier in the
        # sentence; with nothing named before it ("According to these reports, ..."), earlier
        # in the story.
        if (
            word in {"these", "those"}
            and token.i not in subject
            and _named_before(doc, mask, token.i)
        ):
            continue
        # "said that police ..." is a clause, whatever the tagger says; "raised that
        # objection" is the verb's object, and points back, as "learned that lesson" does where
        # the tagger reads a clause of it.
        if (
            word == "that" and before is not None and before.pos_ not in _THAT_AFTER
            and not (token.head.dep_ in {"dobj", "ccomp"} and token.head.head.i == before.i)
        ):  # fmt: skip
            continue
        noun = token.head
        told = any(c.dep_ in {"relcl", "acl"} for c in noun.children)
        if not told and noun.lower_ not in _TIME_NOUNS:
            return True
    return False


# Subjects that count or share out people or things named elsewhere: "Half were fed cake",
# "Several thousand more have come".
_QUANTIFIERS = frozenset(
    {"half", "both", "other", "others", "most", "several", "none", "each", "either", "neither",
     "all", "more"}
)  # fmt: skip
_TELLING_CHILDREN = frozenset({"prep", "relcl", "acl", "compound", "amod", "appos"})
# ... but "more" and "several" in "Several thousand more have come" count; they name nothing.
_COUNTING_WORDS = frozenset({"more", "several", "few", "many", "other", "additional"})


def bare_quantity(doc: Doc, mask: list[bool], quoted: AbstractSet[int]) -> bool:
    """Whether the main clause's subject is a bare count or share ("Two were arrested").

    "Half were fed some cake", "Both said ...", "All 23 were rescued", and "Both men" or "All
    three men": of whom, the sentence before said. "Two of the crew", "Three people", "Most
    residents" and "All three crew members aboard" say it themselves.
    """
    root = doc[:].root
    for subject in root.children:
        if subject.dep_ not in SUBJECT_DEPS or not mask[subject.i]:
            continue
        if subject.i in quoted or subject.pos_ == "PROPN":
            continue
        determiners = {c.lower_ for c in subject.children if c.dep_ in {"det", "predet"}}
        all_of_a_count = "all" in determiners and any(c.dep_ == "nummod" for c in subject.children)
        counted = (
            subject.lower_ in _QUANTIFIERS
            or subject.pos_ == "NUM"
            or "both" in determiners
            or all_of_a_count
        )
        telling = [
            c for c in subject.children
            if c.dep_ in _TELLING_CHILDREN and c.lower_ not in _COUNTING_WORDS
        ]  # fmt: skip
        if counted and not telling:
            return True
    return False


_OBJECT_PRONOUNS = frozenset({"him", "her"})
_INFINITIVE_SUBJECTS = frozenset({"it", "them"})
_OBJECT_DEPS = frozenset({"dobj", "dative", "pobj"})


def infinitive_subject(token: Token) -> bool:
    """Whether a token is the subject of an infinitive after "for" ("for it to be sold")."""
    return token.dep_ in {"nsubj", "nsubjpass"} and any(
        c.dep_ == "mark" and c.lower_ == "for" for c in token.head.children
    )


def object_pronoun(
    doc: Doc, mask: list[bool], quoted: AbstractSet[int], replaced: AbstractSet[int] = frozenset()
) -> bool:
    """Whether "him" or "her" as an object stands for someone no earlier word names.

    It cannot stand for the subject of its own clause (that would be "himself"), so in
    "Bergoglio was elected to succeed him" and "Harrow police arrested him" it points at the
    sentence before, as "Hald recalls him saying" does. "Varn said the council would back him"
    names him outside that subject.
    """
    for token in doc:
        # "recalls him saying": the subject of "saying", and the object of "recalls".
        accusative = token.dep_ == "nsubj" and token.lower_ == "him"
        # "called for it to be broken up": the subject of an infinitive after "for", whatever
        # the pronoun, stands for what the sentence before named.
        infinitive = infinitive_subject(token)
        pronouns = _OBJECT_PRONOUNS | _INFINITIVE_SUBJECTS if infinitive else _OBJECT_PRONOUNS
        if token.lower_ not in pronouns or not (
            token.dep_ in _OBJECT_DEPS or accusative or infinitive
        ):
            continue
        if not mask[token.i] or token.i in quoted or token.i in replaced:
            continue
        # The subject of its clause: of the nearest head that has one ("to succeed him" is
        # Bergoglio's, through "was elected").
        clause = token.head.head if accusative or infinitive else token.head
        while clause.head.i != clause.i and not _subject(clause):
            clause = clause.head
        subject = _subject(clause)
        # Words inside a quotation name no one the speaker's "him" may stand for ('"Don't
        # lose weight," Hald recalls him saying').
        if not _named_before(doc, mask, token.i, subject | set(quoted)):
            return True
    return False


def clause_pronoun(
    doc: Doc, mask: list[bool], quoted: AbstractSet[int], replaced: AbstractSet[int]
) -> bool:
    """Whether the kept clause's subject is "he", "she", "they" or "it" that no word names.

    "Obama won women by 11 points; today he leads by one point." cut to its second clause
    leaves "Today he leads by one point.": who, the clause cut off told. A pronoun a name was
    put in for (`replaced`) points nowhere.
    """
    for token in doc:
        pronoun = token.lower_ in SUBJECT_PRONOUNS or _pointing_it(token)
        if not pronoun or token.dep_ not in SUBJECT_DEPS:
            continue
        if not mask[token.i] or token.i in quoted or token.i in replaced:
            continue
        verb = token.head
        if verb.head.i != verb.i and mask[verb.head.i]:
            # A clause inside the kept one: its subject may be named in it, but one person is
            # no "they" ("Varga says they range from ...").
            if token.lower_ == "they" and not _many_before(doc, mask, token.i):
                return True
            continue
        if not _named_before(doc, mask, token.i):
            return True
    return False


# Nouns that a "they" may stand for though they are singular ("The crew said they ...").
_COLLECTIVE_NOUNS = frozenset(
    {"police", "staff", "crew", "team", "family", "government", "company", "group", "board",
     "council", "couple", "pair", "band", "committee", "administration", "agency"}
)  # fmt: skip


def _many_before(doc: Doc, mask: list[bool], at: int) -> bool:
    """Whether the kept words before token `at` name several people or things."""
    return any(
        mask[t.i]
        and (
            t.tag_ in {"NNS", "NNPS"}
            or t.lower_ in _COLLECTIVE_NOUNS
            or t.lower_ in {"and", "&"}  # "Varn and Quill said they", however it parses
        )
        for t in doc[:at]
    )


_CLAUSES = frozenset({"ccomp", "csubj", "xcomp", "acl", "relcl"})


def _pointing_it(token: Token) -> bool:
    """Whether an "it" stands for a thing ("For a year it sailed without a licence").

    "It was announced that ...", "it remains to be seen", "it is hard to say" hold what
    "it" stands for in the sentence.
    """
    if token.lower_ != "it":
        return False
    verb = token.head
    complements = [c for c in verb.children if c.dep_ in {"acomp", "attr"}]
    return not any(c.dep_ in _CLAUSES for c in verb.children) and not any(
        g.dep_ in _CLAUSES for c in complements for g in c.children
    )


def bare_comparison(doc: Doc, mask: list[bool], quoted: AbstractSet[int]) -> bool:
    """Whether the clause compares with nothing it names.

    "Usually the roles are better.": than what, the sentence before told. "Sales were better
    than forecast" says it; "The reality seems different." differs from what, the sentence
    before told. "After a dose, the same rats picked the easier task": the same as
    which, the sentence before told; "the same day" says when, and "the same rule as last year"
    and "the same drug that cured mice" say which.
    """
    return (
        _bare_better(doc, mask, quoted)
        or any(_bare_different(t) and mask[t.i] and t.i not in quoted for t in doc)
        or any(_same_as_before(t) and mask[t.i] and t.i not in quoted for t in doc)
        or any(_bare_superlative(t) and mask[t.i] and t.i not in quoted for t in doc)
    )


def _bare_better(doc: Doc, mask: list[bool], quoted: AbstractSet[int]) -> bool:
    if any(t.lower_ == "than" and mask[t.i] for t in doc):
        return False
    return any(
        t.tag_ == "JJR" and t.dep_ == "acomp" and t.head.lemma_ == "be" and t.head.dep_ == "ROOT"
        and mask[t.i] and t.i not in quoted
        for t in doc
    )  # fmt: skip


def _bare_different(token: Token) -> bool:
    """Whether one thing is said to differ from nothing it names.

    "The reality seems different.": from what, the sentence before told. "The two plans are
    different" compares its own subjects; "different from last year's" names what.
    """
    if token.lower_ not in {"different", "similar"} or token.dep_ != "acomp":
        return False
    if any(c.dep_ == "prep" for c in token.children):
        return False
    verb = token.head
    while verb.dep_ == "xcomp" and verb.head.i != verb.i:
        verb = verb.head  # "seems to be different"
    return any(c.dep_ == "nsubj" and c.tag_ in {"NN", "NNP"} for c in verb.children)


def _bare_superlative(token: Token) -> bool:
    """Whether a token is the subject "the most X" with no noun.

    "The least used is Roding Valley.": of what, the sentence before told. "The oldest of the
    three" says of what.
    """
    if token.dep_ not in {"nsubj", "nsubjpass", "csubj"} or token.head.dep_ != "ROOT":
        return False
    if token.tag_ not in {"JJ", "JJS", "VBN"} or token.doc[token.left_edge.i].lower_ != "the":
        return False
    subtree = list(token.subtree)
    superlative = any(t.tag_ == "JJS" or t.lower_ in {"most", "least"} for t in subtree)
    return superlative and not any(c.dep_ == "prep" for c in token.children)


def _same_as_before(token: Token) -> bool:
    """Whether a token is the "same" of a clause's subject "the same X" that says no more."""
    noun = token.head
    if token.lower_ != "same" or token.dep_ != "amod" or noun.dep_ not in SUBJECT_DEPS:
        return False
    if not any(c.lower_ == "the" and c.dep_ == "det" for c in noun.children):
        return False
    if noun.lower_ in _TIME_NOUNS or any(c.dep_ in {"relcl", "acl"} for c in noun.children):
        return False
    doc = token.doc
    return not any(t.lower_ == "as" for t in doc[token.i : min(len(doc), noun.i + 2)])


_PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})


def pointing_place(doc: Doc, mask: list[bool], quoted: AbstractSet[int]) -> bool:
    """Whether "there" stands for a place no earlier word of the sentence names.

    "Scottish earls were buried there" and "the disease is easier to control there": where,
    the sentence before told. "took the boy to a wooded area and left him there" names it,
    and "There were three ships" points nowhere.
    """
    for token in doc:
        if token.lower_ != "there" or token.dep_ != "advmod":
            continue
        if token.head.lemma_ == "be":
            continue  # "the car wasn't there": present, not a place told before
        if not mask[token.i] or token.i in quoted:
            continue
        named = any(
            mask[t.i]
            and (
                t.ent_type_ in _PLACE_ENTITIES or (t.dep_ == "pobj" and t.pos_ in {"NOUN", "PROPN"})
            )
            for t in doc[: token.i]
        )
        if not named:
            return True
    return False
