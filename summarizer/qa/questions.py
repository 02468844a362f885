"""What a question asks: whether it can be asked, its asking sentence, the kind of answer.

Empty or too long is a `QuestionError` (`_check_question`); not English abstains
(`_looks_english`). In a quiz-style question ("X happened this week. Which team ...?") the
last asking sentence asks (`_focus`). The kind of short answer comes from its wh-word and the
head noun spaCy's tagger finds (`_kind`: "which US state" -> a place, "which species" -> a
thing); None asks for a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..config import ModelSettings
from ..errors import InputError
from ..nlp import pos_tags
from ..text import TITLE_ABBREVIATIONS

MAX_QUESTION_CHARS = 1000  # a question, not a document: longer input is refused with the limit


class QuestionError(InputError):
    """A question that cannot be asked: empty or over MAX_QUESTION_CHARS."""

    def __init__(self, question: str, reason: str) -> None:
        self.question = question
        super().__init__("question", reason)


_SPACY_MODEL = ModelSettings().spacy_model  # tags a question read outside any index
_SORT_OF = frozenset({"type", "kind", "sort", "variety"})
_CHUNK = "CHUNK"  # the label of a noun chunk among entities
# What kind of short answer a question asks for: spaCy labels, main then fallback (weighed half).
_KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "person": (frozenset({"PERSON"}), frozenset({"ORG", "NORP"})),
    # Sports teams and firms named after places come out as GPE now and then.
    "org": (frozenset({"ORG"}), frozenset({"PRODUCT", "NORP", "GPE", "PERSON", "FAC"})),
    "place": (frozenset({"GPE", "LOC", "FAC"}), frozenset({"ORG"})),
    "date": (frozenset({"DATE", "TIME"}), frozenset()),
    "number": (frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}), frozenset({"DATE"})),
    "span": (frozenset({"DATE", "TIME", "QUANTITY", "CARDINAL"}), frozenset()),
    "money": (frozenset({"MONEY"}), frozenset({"CARDINAL", "QUANTITY"})),
    "measure": (frozenset({"QUANTITY", "PERCENT", "CARDINAL"}), frozenset({"MONEY"})),
    "percent": (frozenset({"PERCENT"}), frozenset({"CARDINAL", "QUANTITY"})),
    "work": (frozenset({"WORK_OF_ART", "EVENT"}), frozenset({"ORG", "PRODUCT"})),
    "group": (frozenset({"NORP"}), frozenset({"GPE", "ORG"})),
    # Noun phrases (the parser's noun chunks) for "which species?", "which type of filling?".
    "thing": (frozenset({_CHUNK}), frozenset()),
}
_NUMERIC = frozenset({"number", "span", "money", "percent", "date", "measure"})
_HEADS: dict[str, str] = {}
for _kind_of_head, _head_words in {
    "person": "person people man woman actor actress singer rapper player star president leader "
    "politician senator lawmaker congressman congresswoman representative republican democrat "
    "official ceo founder author writer artist athlete musician celebrity candidate judge "
    "minister member king queen prince princess pope coach quarterback figure comedian director "
    "billionaire host journalist spokesperson spokesman spokeswoman chief governor mayor "
    "ambassador envoy executive chairman chair boss manager driver pilot captain scientist "
    "doctor officer suspect victim winner superstar republican democrat rep senator "
    "wrestler boxer golfer skier swimmer gymnast cyclist footballer cricketer drummer "
    "guitarist dancer model designer chef astronaut poet novelist filmmaker producer "
    "composer icon legend",
    "org": "team company firm airline group organization organisation brand chain party agency "
    "network retailer bank club university college band league automaker carmaker "
    "manufacturer startup giant newspaper outlet publication channel studio union committee "
    "department ministry court charity business store restaurant platform app service "
    "observatory institute laboratory lab hospital museum school "
    "broadcaster automaker retailer insurer publisher network opponent rival",
    "place": "country state city town nation region province county island continent capital "
    "part area "
    "place location neighborhood neighbourhood village territory port airport venue stadium "
    "district street river sea destination",
    "date": "year month day date decade century season",
    "work": "book film movie show series song album award awards tournament festival title holiday "
    "sitcom program programme drama musical novel memoir documentary podcast opera painting "
    "poem franchise sequel episode",
    "group": "nationality",
    "percent": "rate",
    "measure": "magnitude temperature",
    "span": "age",
    "number": "number",
}.items():
    for _head in _head_words.split():
        _HEADS[_head] = _kind_of_head

_HOW = [
    (
        re.compile(r"\bhow many (?:more )?(years|months|weeks|days|hours|centuries|decades)\b"),
        "span",
    ),
    (re.compile(r"\bhow (?:many|few)\b|\bwhat number\b|\bthe numbers\b|\bthe figures\b"), "number"),
    (re.compile(r"\bhow much\b|\bhow expensive\b|\bwhat (?:price|cost|amount)\b"), "money"),
    (re.compile(r"\bhow old\b|\bwhat age\b|\bhow long\b"), "span"),
    (re.compile(r"\bwhat (?:percentage|percent|share|proportion)\b"), "percent"),
    (
        re.compile(r"\bhow (?:close|far|big|large|tall|high|deep|heavy|fast|wide|strong)\b"),
        "measure",
    ),
]
# Checked after "which/what <noun>": "Which state is represented by X, whose bid ..." asks a place.
_WH = [
    (re.compile(r"\bwhen\b|\bwhat time\b"), "date"),
    (re.compile(r"\bwhere\b"), "place"),
    (re.compile(r"\b(?:who|whom|whose)\b"), "person"),
    # A quiz statement ending "... previously held by:" asks for someone.
    (re.compile(r"\bby\s*:?\s*$"), "person"),
]
_WHICH_WORD = re.compile(r"\b(?:which|what)\b")
# "Where was the ship going?" asks where it was headed, not where it is now ("bound for
# Kessling", "from Port Anselm to Kessling"); "Where did it sail from?" asks where it started.
_MOVING = (
    r"go(?:ing|es)?|went|head(?:ed|ing)?|bound|sail(?:ed|ing|s)?|travell?(?:ed|ing|s)?|"
    r"fl(?:y|ying|ew|ies)|driv(?:e|ing|en|es)|drove|mov(?:e|ed|ing|es)|"
    r"(?:tak(?:e|en|ing|es)|took)(?! place\b)|br(?:ing|inging|ought|ings)|sen[dt]|"
    r"ship(?:ped|ping|s)?|deliver(?:ed|ing|s)?|return(?:ed|ing|s)?|destined|en route|"
    r"come|came|coming"
)
_LEAVING = r"depart(?:ed|ing|s)?|leav(?:e|ing|es)|left"  # "Where did the ship leave?"
_HEADING_WORD = re.compile(rf"\b(?:{_MOVING}|{_LEAVING}|destination)\b", re.IGNORECASE)
_ORIGIN_QUESTION = re.compile(
    rf"\bwhere\b.*\b(?:{_MOVING}|{_LEAVING})\b.*\bfrom\b|\bwhere\b.*\b(?:{_LEAVING})\b",
    re.IGNORECASE,
)
_DESTINATION_QUESTION = re.compile(
    rf"\bwhere\b.*\b(?:{_MOVING})\b(?!.*\b(?:ashore|aground|from)\b)"
    r"|\bdestination\b",
    re.IGNORECASE,
)
# Words a sentence telling where to or where from uses, searched for beside the question's own.
DIRECTION_WORDS = {
    "to": "bound headed heading sailing travelling traveling destination route",
    "from": "left leaving departed sailing travelling traveling route",
}
_PLACE_NAME = r"[A-Z][\w'’-]*(?: (?:of )?[A-Z][\w'’-]*)*"
_BOUND_FOR = r"(?:bound|headed|heading|destined) for"
# "bound for Kessling", "from Port Anselm to Kessling": a sentence that tells where to; "left
# Port Anselm", "sailing from Port Anselm": where from.
DIRECTION_CUE = {
    "to": re.compile(
        rf"\b(?:{_BOUND_FOR}|making for)\s|\b(?:en route|on (?:its|their|the) "
        r"way|headed|heading|sailing|travell?ing|flying|driving|going|returning|moving) to\s"
        rf"|\bfrom {_PLACE_NAME} to [A-Z]"
    ),
    "from": re.compile(
        r"\b(?:left|leaving|departed|departing|sailed|sailing|travell?ing|flying|driving|came|"
        r"coming|returning|arrived|arriving) from\s"
        r"|\b(?:left|leaving|departed|departing)\s(?=[A-Z])"
    ),
}
# The place itself, which the tagger may not know ("bound for Kessling" read as a person).
DIRECTED_PLACE = {
    "to": re.compile(
        rf"(?:\b{_BOUND_FOR}|\bfrom {_PLACE_NAME} to)\s+(?:the\s+)?"
        rf"({_PLACE_NAME})"
    ),
    "from": re.compile(
        rf"\b(?:left|leaving|departed|departing|from)\s+(?:the\s+)?({_PLACE_NAME})"
        rf"(?=,? (?:on|to|for|bound|in|at)\b)"
    ),
}

# Asked where something went or came from (`direction`), the words right before a place say
# whether it is the answer: "bound for Kessling" or "to Kessling" for where to, "from Port
# Anselm" or "left Port Anselm" for where from; "off Marrowby Point" tells where it was.
HEADING_CUE = {
    "to": re.compile(rf"\b(?:{_BOUND_FOR}|(?:making|left) for|to)\s+(?:the\s+)?$", re.I),
    "from": re.compile(r"\b(?:from|left|leaving|departed|departing)\s+(?:the\s+)?$", re.I),
}
OTHER_PLACE_CUE = {
    "to": re.compile(r"\b(?:from|off|near|at|in|on|outside|leaving|left)\s+(?:the\s+)?$", re.I),
    "from": re.compile(r"\b(?:to|for|off|near|at|in|on|outside|into)\s+(?:the\s+)?$", re.I),
}


def direction(kind: str | None, question: str) -> str | None:
    """Whether a place question asks where something went ("to") or came "from", or neither."""
    if kind != "place":
        return None
    if _ORIGIN_QUESTION.search(question):
        return "from"
    return "to" if _DESTINATION_QUESTION.search(question) else None


def heading_word(term: str) -> bool:
    """Whether a question's term says motion ("going", "destination"): no answer need use it."""
    return _HEADING_WORD.fullmatch(term) is not None


# Words that end the noun phrase after "which": its last word is the head noun.
_VERBS = frozenset(
    """
    is was are were be been did does do has have had will would can could may might won made
    said became become took got left met led hit set saw held gave went came ran fell beat lost
    told sent spent paid bought sold shot broke brought chose drew drove ate flew grew knew
    wore wrote stole sank rose struck plans wants says faces
    """.split()  # noqa: SIM905
)
_MONEY_HINT = re.compile(
    r"\b(?:costs?|prices?|paid|pay|worth|value|spend|spent|funds?|funding|fines?|fined|fees?|"
    r"salary|salaries|wages?|raised?|budget|grants?|revenue|profit|earn(?:ed|s)?|sold for)\b"
)


def _tagged(question: str, model: str) -> tuple[tuple[str, str], ...]:
    """(lowercased word, coarse part of speech) of each token of a question, by spaCy's tagger."""
    return tuple((text.lower(), pos) for text, pos in pos_tags(question, model=model))


def _phrase_head(
    tokens: Sequence[tuple[str, str]],
    at: int,
    *,
    noun_first: bool = False,
    possessed: bool = False,
) -> tuple[str, str] | None:
    """(head noun, noun phrase) of the phrase starting at `tokens[at]`; the head is its last noun.

    "which US state" -> "state"; "which country's prime minister" -> "country"; "which type
    of renewable energy" -> ("energy", "renewable energy"); a verb, preposition or punctuation
    ends the phrase. With `noun_first`, the first word is a noun whatever its tag: after the
    determiner "which" the tagger now and then reads "which states" as a verb. With
    `possessed`, "the ship's destination" -> "destination": "What was the ship's destination?"
    asks for the destination, not the ship (but "the company's name" for the company).
    """
    head = None
    words: list[str] = []
    phrase = ""
    hyphen = False
    owner: tuple[str, str] | None = None  # "the ship" of "the ship's destination"
    for n, (word, tag) in enumerate(tokens[at:]):
        pos = "NOUN" if noun_first and n == 0 and tag in {"VERB", "AUX"} else tag
        if pos in {"DET", "ADV"} and head is None:
            continue  # "what is approximately the average age"
        if word == "-" or hyphen:
            hyphen = word == "-"
            continue  # "three-digit phone number", "three-Michelin-starred restaurant"
        if pos == "PART" and word in {"'s", "’s"}:
            if possessed and head is not None:
                owner, head, words = (head, phrase), None, []
                continue
            break  # "which country's prime minister" asks for the country
        if pos in {"NOUN", "PROPN"}:
            head = word
            words.append(word)
            phrase = " ".join(words)
        elif word == "of" and head in _SORT_OF:
            head = None  # "which type of filling" asks for a filling
            words = []
        elif pos in {"ADJ", "NUM"}:
            words.append(word)
        else:
            break
    if owner is not None and (head is None or _head_kind(head) is None):
        return owner  # "What is the company's name?" asks for the company
    return (head, phrase) if head else None


def _phrases(question: str, model: str = _SPACY_MODEL) -> list[tuple[str, str]]:
    """(head noun, noun phrase) of the question's "which/what <phrase>", then "this <noun>".

    "Which country's prime minister ...?" gives "country"; "What is the new interest rate?"
    gives "rate"; "President Biden held talks with this leader" gives "leader". "Doing what"
    and "what happened" name no head.
    """
    tokens = _tagged(unicodedata.normalize("NFKC", question).replace("’", "'"), model)
    found: list[tuple[str, str]] = []
    for i, (word, pos) in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        got = None
        if word in {"which", "what"}:
            at = i + 1
            copular = False
            if pos == "PRON" and after[1] not in {"NOUN", "PROPN", "ADJ", "NUM"}:
                if after[1] != "AUX" or after[0] not in {"is", "was", "are", "were"}:
                    continue  # "what happened", "doing what": an action, not a thing
                at += 1  # "What is the new interest rate?" asks for a rate
                copular = True
            elif after[0] == "of":
                at += 1  # "Which of these films"
            got = _phrase_head(
                tokens, at, noun_first=pos == "DET" and at == i + 1, possessed=copular
            )
        elif word == "this" and pos == "DET":
            got = _phrase_head(tokens, i + 1)
            # "this week in Iowa" is no question: "this" asks only before a kind of answer,
            # and "this year" sets when the story happens.
            if got and _head_kind(got[0]) in {None, "date"}:
                got = None
        if got:
            found.append(got)
    return found


def _heads(question: str, model: str = _SPACY_MODEL) -> list[str]:
    """Head nouns of the question's "which/what <phrase>" (then "this <noun>"), in order."""
    return [head for head, _ in _phrases(question, model)]


def _head_kind(head: str) -> str | None:
    return _HEADS.get(head) or _HEADS.get(head.removesuffix("s"))


def _kind(question: str, model: str = _SPACY_MODEL) -> str | None:
    """The kind of short answer a question wants, or None for a sentence answer."""
    q = unicodedata.normalize("NFKC", question).lower().replace("’", "'")
    for pattern, kind in _HOW:
        if pattern.search(q):
            if kind == "money" and not _MONEY_HINT.search(q):
                return "number"  # "how much did X rise": an amount, not necessarily money
            return kind
    heads = _heads(question, model)
    for head in heads:
        head_kind = _head_kind(head)
        if head_kind:
            return head_kind
    for pattern, kind in _WH:
        if pattern.search(q):
            return kind
    if heads and _WHICH_WORD.search(q):
        # "Which species ...?", "which type of filling?": a thing no entity type covers.
        return "thing"
    return None


# Words that mark a question as English. Not spaCy's stop words, which hold "a", "me", "no",
# "per", "via", words of Spanish, Italian or French too, so nearly any question would pass.
_ENGLISH_MARKERS = frozenset(
    """
    the of and to in is was were are did does do what who which when where how why he she they
    it for on with about by at from that this has have had say said says many much any anyone
    other next report reported there their his her an be been will would can could
    """.split()  # noqa: SIM905
)


def _check_question(question: str) -> str:
    """The question with whitespace folded; QuestionError when it cannot be asked."""
    if not isinstance(question, str):
        raise TypeError(f"question must be a str, not {type(question).__name__}")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            question,
            f"the question is {len(question):,} characters long; the limit is "
            f"{MAX_QUESTION_CHARS:,}. Ask one short question about the story.",
        )
    text = " ".join(question.split())
    if not text:
        raise QuestionError(question, "the question is empty: ask something about the story")
    return text


# A sentence ends at . ? ! or : before a capital or an opening quote, unless the word before
# is an abbreviation ("U.S.", "Dr.", "Jan.", an initial), which quiz preambles are full of.
_SENTENCE_END = re.compile(r"(?<=[.?!:])\s+(?=[\"“‘'A-Z0-9])")
_ABBREVIATION = re.compile(
    rf"(?:^|\s)(?:[A-Z]|[A-Za-z]\.[A-Za-z]|(?:{'|'.join(TITLE_ABBREVIATIONS)}|Jr|Sr|No|"
    r"Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|vs|Inc|Corp|Co|Ltd))\.$"
)
_ASKING = re.compile(
    r"\b(?:who|whom|whose|what|which|when|where|why|how|this|these)\b|[?:]\s*$", re.IGNORECASE
)


def _focus(question: str) -> tuple[str, str]:
    """(the sentence that asks, the rest): quiz questions lead with a sentence of context.

    "Striker Tomas Varn was hurt in the Harrow cup final this week. He is a loyal member of
    which club?" asks in its last sentence; the first only says what it is about.
    """
    parts: list[str] = []
    for piece in _SENTENCE_END.split(question):
        if parts and _ABBREVIATION.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) < 2:
        return question, ""
    asking = next((k for k in range(len(parts) - 1, -1, -1) if _ASKING.search(parts[k])), None)
    k = len(parts) - 1 if asking is None else asking
    return parts[k], " ".join(parts[:k] + parts[k + 1 :])


def _looks_english(question: str) -> bool:
    """True unless the question is mostly non-Latin script or has no English function word."""
    letters = [c for c in question if c.isalpha()]
    if not letters:
        return False
    if sum(c.isascii() for c in letters) / len(letters) < 0.7:
        return False
    words = re.findall(r"[a-z']+", question.lower().replace("’", "'"))
    # Very short questions ("Numbers?", "Why?") carry too little to judge.
    return len(words) <= 3 or any(w in _ENGLISH_MARKERS for w in words)
