"""Follow-up questions answered from a story's sources, with citations, or "the sources don't say".

`answer_question` runs these stages:

1. check the question: empty or too long is a `QuestionError`; not English abstains;
2. read what it asks: in a quiz-style question ("X happened this week. Which team ...?") the
   last asking sentence; the kind of answer from its wh-word and the head noun spaCy's tagger
   finds ("which US state" -> a place, "which species" -> a thing); resolve a follow-up
   against the thread's last turns ("What did he say next?", "And the other outlet?", a
   pronoun standing for the last answer);
3. retrieve sentences of the sources: BM25 over paragraphs, then BM25 with the neighbouring
   sentence as context plus MiniLM similarity over their sentences, an article well behind
   the story's newest weighing less (`retrieve`);
4. abstain when the best evidence scores under a threshold calibrated on questions paired with
   another story's articles (`bench/qa_calibrate.py`);
5. pick the answer: for a typed question, candidates (spaCy entities of the kind, near kinds
   at half weight; noun phrases for a thing; quoted titles for a work; "his 23rd season" for
   how many seasons) from the best sentences, voted on by every retrieved sentence that holds
   them (AskMSR-style redundancy), weighed by the sentence's score, closeness to the
   question's words and cues ("22 seasons" for "how many seasons", a length of time in the
   unit asked, a country for "which country" by the gazetteer in `places`), with the
   question's own words penalised; the short answer leads, then the clause of its best
   sentence. Else the best sentence. Cite every source that states it (under any of its
   names), and when sources give different numbers for the same fact, show each with its
   citation;
6. when a phraser (the optional generator) is given, let it word the answer from the selected
   evidence only, and keep its text only when `verify.Verifier` (the digest's check) passes it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import places
from .config import ModelSettings, Settings
from .errors import InputError
from .models import Answer, Digest, Source, StoryDigest, Turn
from .nlp import Chunk, entities, get_embedder, noun_chunks, pos_tags
from .retrieve import Hit, QAIndex, coverage, query_terms, terms
from .verify import Verifier, normalise_tokens

__all__ = [
    "ABSTAIN_THRESHOLD",
    "DONT_SAY",
    "MAX_QUESTION_CHARS",
    "Phraser",
    "QAIndex",
    "QuestionError",
    "Turn",
    "answer_digest",
    "answer_question",
    "answer_with_confidence",
    "build_index",
    "evidence_scores",
    "remember",
    "strongest",
]

log = logging.getLogger(__name__)

DONT_SAY = "The sources don't say."
MAX_QUESTION_CHARS = 1000  # a question, not a document: longer input is refused with the limit
# Confidence = W_CONFIDENCE_DENSE * cosine(question, best sentence)
#            + (1 - W_CONFIDENCE_DENSE) * IDF-weighted share of the question's terms found in
#              that sentence, its neighbours and its headline (`evidence_scores`).
# Calibrated by `python -m bench.qa_calibrate`: each question paired with its own articles (when
# they hold the answer) against the same question paired with another question's articles, on
# realtimeqa dev (82 answerable / 160 mismatched) and on the fictional stories of
# tests/fixtures/qa (29 / 145); the threshold with the best balanced accuracy among those keeping
# abstention precision >= 0.9 on both. At 0.32: precision 0.99 / 1.00, recall 0.98 / 1.00,
# answerable questions answered 0.99 / 1.00 (realtimeqa, articles dated by their URLs / fixtures).
W_CONFIDENCE_DENSE = 0.5
ABSTAIN_THRESHOLD = 0.32
ENTITY_SENTENCES = 12  # best hits whose entities are candidate short answers (spaCy ~4 ms each)
VOTE_SENTENCES = 24  # best hits in which a candidate's every occurrence votes
TYPED_BONUS = 0.05  # hybrid-score lift for a top hit holding an entity of the asked kind
RANK_DECAY = 0.3  # an entity in the 4th-best hit weighs half one in the best
SCORE_POWER = 2.0  # a vote weighs (hit score / best hit score) to this power
PLACE_MISMATCH = 0.2  # "which state?" answered by a country (or a city by a country) weighs this
NEAR_TYPE_WEIGHT = 0.5  # a near-miss label (a team tagged PERSON) votes with this weight
ASKED_PENALTY = 2.0  # a candidate's vote * (share of its words the question lacks) ** this
LONG_FORM_SHARE = 0.5  # a longer noun phrase with this share of the shorter's votes is shown
TYPE_FIT_CANDIDATES = 8  # "which species?": the best noun phrases checked against "species"
TYPE_FIT_POWER = 1.0  # a noun phrase's votes * (cosine with the question's phrase) ** this
MIN_TYPE_FIT = 0.35  # a noun phrase less similar than this to what is asked is no answer
UNIT_BONUS = 2.0  # "how many seasons": a number followed by "seasons" counts this many times
YEAR_AS_SPAN = 0.3  # "how many years": a bare calendar year ("2013") is rarely the answer
UNIT_MISMATCH = 0.3  # "how many centuries": "95 years" counts in another unit
PROXIMITY_SCALE = 4.0  # tokens: an entity this far from the question's words weighs half
COMMON_WORD_DISTANCE = 1.5  # a common question word counts as this many times further than a name
PROXIMITY_FAR = 12.0  # distance assumed when no question word is in the sentence
SUPPORT_RATIO = 0.35  # a source "states" an answer in a hit scoring this share of the best
DISAGREE_RATIO = 0.85  # a conflicting number counts only from a hit this close to the best
SAME_FACT_COSINE = 0.7  # two sentences giving different numbers must be about the same thing
DISAGREE_SUPPORT = 0.5  # the second value needs at least half the first one's support
ALSO_STATING_SENTENCES = 2  # per uncited source, sentences holding the answer compared
MAX_QUOTE_CHARS = 280  # longer evidence is cut to a window around the answer
SHORT_QUOTE_CHARS = 220  # the quote after a short answer: the words around it
MIN_CLAUSE_CHARS = 60  # a shorter clause quoted after a short answer keeps the one before it
MAX_NUMBER_SOURCES = 3  # "Does anyone report the numbers?": a figure from this many sources
NEXT_LOOKAHEAD = 3  # "what did he say next": look this many sentences on for a quote

Phraser = Callable[[str, list[tuple[int, str]]], str | None]
"""The generator seam: (question, [(source id, evidence sentence), ...]) -> text or None."""


class QuestionError(InputError):
    """A question that cannot be asked: empty or over MAX_QUESTION_CHARS."""

    def __init__(self, question: str, reason: str) -> None:
        self.question = question
        super().__init__("question", reason)


def remember(history: Sequence[Turn], turn: Turn, settings: Settings | None = None) -> list[Turn]:
    """The thread's history with `turn` added, keeping the last `settings.qa.history_turns`."""
    keep = max(1, (settings or Settings()).qa.history_turns)
    return [*history, turn][-keep:]


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
for _head_kind, _head_words in {
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
    "district street river sea",
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
        _HEADS[_head] = _head_kind

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
_BOOST = {
    "number": re.compile(
        r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|"
        r"hundreds?|thousands?|millions?|billions?)\b",
        re.IGNORECASE,
    ),
    "money": re.compile(
        r"[$€£¥]|\d|\b(?:dollars?|euros?|pounds?|yen|million|billion)\b", re.IGNORECASE
    ),
    "percent": re.compile(r"%|\bper ?cent\b", re.IGNORECASE),
    "measure": re.compile(r"\d|%|\bper ?cent\b", re.IGNORECASE),
    "span": re.compile(
        r"\d|\b(?:years?|months?|days?|hours?|centur(?:y|ies)|decades?)\b", re.IGNORECASE
    ),
    "date": re.compile(
        r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
        r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
        re.IGNORECASE,
    ),
}


def _tagged(question: str, model: str) -> tuple[tuple[str, str], ...]:
    """(lowercased word, coarse part of speech) of each token of a question, by spaCy's tagger."""
    return tuple((text.lower(), pos) for text, pos in pos_tags(question, model=model))


def _phrase_head(
    tokens: Sequence[tuple[str, str]], at: int, *, noun_first: bool = False
) -> tuple[str, str] | None:
    """(head noun, noun phrase) of the phrase starting at `tokens[at]`; the head is its last noun.

    "which US state" -> "state"; "which country's prime minister" -> "country"; "which type
    of renewable energy" -> ("energy", "renewable energy"); a verb, preposition or punctuation
    ends the phrase. With `noun_first`, the first word is a noun whatever its tag: after the
    determiner "which" the tagger now and then reads "which states" as a verb.
    """
    head = None
    words: list[str] = []
    phrase = ""
    hyphen = False
    for n, (word, tag) in enumerate(tokens[at:]):
        pos = "NOUN" if noun_first and n == 0 and tag in {"VERB", "AUX"} else tag
        if pos in {"DET", "ADV"} and head is None:
            continue  # "what is approximately the average age"
        if word == "-" or hyphen:
            hyphen = word == "-"
            continue  # "three-digit phone number", "three-Michelin-starred restaurant"
        if pos == "PART" and word in {"'s", "’s"}:
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
            if pos == "PRON" and after[1] not in {"NOUN", "PROPN", "ADJ", "NUM"}:
                if after[1] != "AUX" or after[0] not in {"is", "was", "are", "were"}:
                    continue  # "what happened", "doing what": an action, not a thing
                at += 1  # "What is the new interest rate?" asks for a rate
            elif after[0] == "of":
                at += 1  # "Which of these films"
            got = _phrase_head(tokens, at, noun_first=pos == "DET" and at == i + 1)
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
        kind = _head_kind(head)
        if kind:
            return kind
    for pattern, kind in _WH:
        if pattern.search(q):
            return kind
    if heads and _WHICH_WORD.search(q):
        # "Which species ...?", "which type of filling?": a thing no entity type covers.
        return "thing"
    return None


# --- the question -------------------------------------------------------------------------

_FUNCTION_WORDS = frozenset(
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
    r"(?:^|\s)(?:[A-Z]|[A-Za-z]\.[A-Za-z]|(?:Mr|Mrs|Ms|Dr|St|Sen|Rep|Gov|Gen|Lt|Sgt|Jr|Sr|No|"
    r"Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|vs|Inc|Corp|Co|Ltd))\.$"
)
_ASKING = re.compile(
    r"\b(?:who|whom|whose|what|which|when|where|why|how|this|these)\b|[?:]\s*$", re.IGNORECASE
)


def _focus(question: str) -> tuple[str, str]:
    """(the sentence that asks, the rest): quiz questions lead with a sentence of context.

    "NFL player Damar Hamlin suffered an on-field emergency this week. He is a valued member
    of which team?" asks in its last sentence; the first only says what it is about.
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
    return len(words) <= 3 or any(w in _FUNCTION_WORDS for w in words)


# --- follow-ups -----------------------------------------------------------------------------

_NEXT = re.compile(
    r"\b(?:next|after that|afterwards|then|go on to|went on to|continue[sd]?|else|add|added)\b",
    re.IGNORECASE,
)
_SAY = re.compile(r"\b(?:say|said|says|add|added|tell|told|write|wrote|state|stated)\b", re.I)
_OTHER = re.compile(
    r"\b(?:(?:the )?other (?:outlets?|sources?|articles?|papers?|reports?|sites?|newspapers?|one)"
    r"|the others|elsewhere|anyone else)\b",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(r"^\s*(?:and|what about|how about|but)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their|it|its|that|this)\b", re.I)
_QUOTE = re.compile(r"[\"“”]|\b(?:said|says|told|added)\b")


@dataclass(slots=True)
class _Query:
    """A question resolved against its thread, ready for retrieval."""

    text: str  # what is embedded and typed
    terms: dict[str, float]
    kind: str | None
    asked: frozenset[str]  # terms already in the question: their entities are not answers
    heads: frozenset[str] = frozenset()  # the type word asked for ("which state"): not an anchor
    model: str = _SPACY_MODEL  # the spaCy pipeline that tags the question
    sources: frozenset[int] | None = None  # source indexes to search
    after: tuple[int, int] | None = None  # answer with what follows this sentence
    notes: list[str] = field(default_factory=list)


def _resolve(question: str, history: Sequence[Turn], index: QAIndex, keep: int) -> _Query:
    """Turn a question that leans on the previous turn into one that stands alone."""
    # The asking sentence says what kind of answer is wanted. Its words are not weighed above
    # the context's: on realtimeqa dev, context words at 0.5 or 0.7 retrieved worse than 1.0
    # (names that find the story, "Damar Hamlin", sit in the context).
    focus, _ = _focus(question)
    own = query_terms(question)
    model = index.settings.models.spacy_model
    heads = frozenset(t for h in _heads(focus, model) + _heads(question, model) for t in terms(h))
    kind = _kind(focus, model) or _kind(question, model)
    query = _Query(question, own, kind, frozenset(own), heads=heads, model=model)
    turns = [t for t in history[-keep:] if t.answer.answered]
    if not turns:
        return query
    prev = turns[-1]
    prev_terms = query_terms(prev.question, 0.5)
    prev_kind = _kind(prev.question, model)
    referent = prev.answer.short_answer or ""
    by_id = {s.id: i for i, s in enumerate(index.sources)}
    cited = frozenset(by_id[c] for c in prev.answer.citations if c in by_id)

    if _NEXT.search(question) and (_SAY.search(question) or len(own) <= 2) and prev.answer.evidence:
        spot = index.locate(prev.answer.evidence[-1], cited)
        if spot is not None:
            query.after = spot
            return query
    outlet = _named_outlet(question, index)
    if outlet is not None or _OTHER.search(question):
        # "And the other outlet?": the previous question, asked of the sources it did not cite.
        wanted = (
            frozenset({outlet})
            if outlet is not None
            else frozenset(range(len(index.sources))) - cited
        )
        merged = {**query_terms(prev.question), **{t: 0.5 for t in own}}
        return _Query(
            f"{prev.question} {question}",
            merged,
            query.kind or prev_kind,
            frozenset(merged),
            sources=wanted or None,
            model=model,
        )
    few = len(own) <= 1
    elliptic = bool(_ELLIPSIS.match(question))
    if elliptic or (_PRONOUN.search(question) and (few or not _has_name(question))):
        # The referent (the last short answer) stands in for the pronoun; the previous
        # question's words help only when this one has almost none of its own.
        extra = dict(prev_terms) if (few or elliptic) else {}
        if referent:
            extra.update(query_terms(referent, 0.5))
        merged = {**extra, **own}
        text = f"{question} ({referent or prev.question})"
        kind = query.kind or (prev_kind if elliptic else None)
        return _Query(text, merged, kind, frozenset(merged), model=model)
    return query


def _named_outlet(question: str, index: QAIndex) -> int | None:
    """The source whose outlet the question names ("What does the Valley Wire say?")."""
    q = question.lower()
    for i, source in enumerate(index.sources):
        if source.outlet and len(source.outlet) > 2 and source.outlet.lower() in q:
            return i
    return None


def _has_name(question: str) -> bool:
    """True when the question names someone or something (a capitalised word past the first)."""
    words = question.split()
    return any(w[:1].isupper() for w in words[1:] if w.lower() not in {"i", "i'm"})


# --- answers --------------------------------------------------------------------------------


def build_index(sources: Sequence[Source], settings: Settings | None = None) -> QAIndex:
    """Index a story's sources for questions; build once per story and reuse it.

    Args:
        sources: the story's sources, with their article text (`Source.text`).
        settings: model and QA settings; defaults when None.

    Returns:
        The index. Paragraphs are split and sentences embedded on first use, then kept.

    Raises:
        TypeError: an item is not a `Source`.

    """
    for source in sources:
        if not isinstance(source, Source):
            raise TypeError(f"sources must be Source objects, not {type(source).__name__}")
    return QAIndex(sources, settings or Settings())


def answer_question(
    question: str,
    sources: Sequence[Source] | QAIndex,
    *,
    history: Sequence[Turn] = (),
    settings: Settings | None = None,
    phrase: Phraser | None = None,
) -> Answer:
    """Answer a question from a story's sources, citing them, or say the sources don't tell.

    Args:
        question: the user's question (at most MAX_QUESTION_CHARS characters).
        sources: the story's sources, or an index built from them by `build_index`.
        history: the thread's earlier turns, oldest first; the last few resolve follow-ups.
        settings: settings; defaults when None.
        phrase: optional generator that words the answer from the evidence; kept only if it
            verifies against that evidence.

    Returns:
        The answer. `answered` False means the text starts with DONT_SAY and cites nothing.

    Raises:
        QuestionError: the question is empty or too long.

    """
    configured = settings or (sources.settings if isinstance(sources, QAIndex) else None)
    if phrase is None and configured is not None and configured.generator.backend is not None:
        # [generator] is set: let it word the answer (imported lazily, as pipeline._finish does).
        from .generate import answer_phraser

        phrase = answer_phraser(configured)
    return answer_with_confidence(
        question, sources, history=history, settings=settings, phrase=phrase
    )[0]


def answer_with_confidence(
    question: str,
    sources: Sequence[Source] | QAIndex,
    *,
    history: Sequence[Turn] = (),
    settings: Settings | None = None,
    phrase: Phraser | None = None,
) -> tuple[Answer, float]:
    """`answer_question`, plus the confidence that the abstention threshold is compared with.

    Raises:
        QuestionError: the question is empty or too long.

    """
    text = _check_question(question)
    index = sources if isinstance(sources, QAIndex) else build_index(sources, settings)
    settings = settings or index.settings
    if index.empty:
        return _dont_say("there is no article text to answer from"), 0.0
    if not any(c.isalnum() for c in text):
        return _dont_say("the question has no words to look for"), 0.0
    if not _looks_english(text):
        return _dont_say("the question does not look like English; ask in English"), 0.0
    query = _resolve(text, history, index, settings.qa.history_turns)
    if query.after is not None:
        return _answer_next(index, query.after), 1.0
    if not query.terms:
        return _dont_say(), 0.0
    boost = _BOOST.get(query.kind or "")
    hits = index.search(query.terms, query.text, sources=query.sources, boost=boost)
    if not hits:
        if query.kind in _NUMERIC and _ANY_NUMBERS.search(text):
            return _numbers(index, query.sources)
        return _dont_say(), 0.0
    dense, covered = evidence_scores(query.terms, strongest(hits), index)
    confidence = W_CONFIDENCE_DENSE * dense + (1 - W_CONFIDENCE_DENSE) * covered
    threshold = settings.qa.abstain_threshold
    if confidence < (ABSTAIN_THRESHOLD if threshold is None else threshold):
        return _dont_say(), confidence
    answer = _select(query, hits, index, settings)
    if answer.answered and phrase is not None:
        answer = _phrased(answer, text, phrase, index, settings)
    return answer, confidence


def strongest(hits: Sequence[Hit]) -> Hit:
    """The hit that best matches the question, however old its article: the abstention's evidence.

    Whether the sources answer at all does not depend on how recent they are.
    """
    return max(hits, key=lambda h: h.relevance)


def evidence_scores(query: dict[str, float], best: Hit, index: QAIndex) -> tuple[float, float]:
    """The two parts of the confidence: (cosine of the best sentence, share of terms covered).

    Coverage is the IDF-weighted share of the question's terms found in the best sentence,
    its neighbours and its headline; a term no source uses weighs the most, so a question
    about another story covers little. `bench/qa_calibrate.py` weighs the two parts.
    """
    covered = coverage(query, index.window_terms(best), index.idf(query))
    return max(0.0, best.dense), covered


def answer_digest(
    question: str,
    digest: Digest,
    *,
    history: Sequence[Turn] = (),
    settings: Settings | None = None,
) -> tuple[StoryDigest | None, Answer]:
    """Answer a question about a whole digest: the story whose sources answer it best.

    Citations are that story's source ids. Build-once reuse is the caller's when it asks many
    questions: use `build_index` per story and `answer_with_confidence`.

    Returns:
        (the story answered from, or None when none could; the answer).

    Raises:
        QuestionError: the question is empty or too long.

    """
    text = _check_question(question)
    best: tuple[float, StoryDigest | None, Answer] = (
        -1.0,
        None,
        _dont_say("the digest holds no article text to answer from"),
    )
    for story in digest.stories:
        if not any(s.text.strip() for s in story.sources):
            continue
        answer, confidence = answer_with_confidence(
            text, story.sources, history=history, settings=settings
        )
        if confidence > best[0] and (answer.answered or best[1] is None):
            best = (confidence, story if answer.answered else None, answer)
    return best[1], best[2]


_ANY_NUMBERS = re.compile(r"\b(?:the )?(?:numbers|figures|statistics|stats)\b", re.IGNORECASE)
_HAS_NUMBER = re.compile(r"\d")


def _numbers(index: QAIndex, sources: frozenset[int] | None) -> tuple[Answer, float]:
    """Answer "Does anyone report the numbers?": each source's first sentence with a figure."""
    picked: list[tuple[int, str]] = []
    for p, passage in enumerate(index.passages):
        if passage.is_title or (sources is not None and passage.source not in sources):
            continue
        if any(source == passage.source for source, _ in picked):
            continue
        for sentence in index.sentences(p):
            if _HAS_NUMBER.search(sentence):
                picked.append((passage.source, sentence))
                break
        if len(picked) >= MAX_NUMBER_SOURCES:
            break
    if not picked:
        return _dont_say("no source gives a figure"), 0.0
    ids = [index.sources[source].id for source, _ in picked]
    text = "; ".join(
        f"“{_quote(sentence)}” [{i}]" for i, (_, sentence) in zip(ids, picked, strict=False)
    )
    return Answer(
        text=text, citations=sorted(set(ids)), answered=True, evidence=[s for _, s in picked]
    ), 1.0


def _dont_say(reason: str | None = None) -> Answer:
    text = f"{DONT_SAY} ({reason[:1].upper()}{reason[1:]}.)" if reason else DONT_SAY
    return Answer(text=text, citations=[], answered=False)


def _marks(ids: Sequence[int]) -> str:
    return "".join(f"[{i}]" for i in sorted(set(ids)))


def _quote(sentence: str, around: str | None = None, limit: int = MAX_QUOTE_CHARS) -> str:
    """The sentence, cut to a window around `around` (or its start) when over `limit`."""
    if len(sentence) <= limit:
        return sentence
    at = sentence.lower().find(around.lower()) if around else -1
    start = max(0, at - limit // 3) if at >= 0 else 0
    end = min(len(sentence), start + limit)
    start = max(0, end - limit)
    # Cut at spaces so no word is halved.
    if start > 0:
        start = sentence.find(" ", start) + 1 or start
    if end < len(sentence):
        end = sentence.rfind(" ", start, end) if sentence.rfind(" ", start, end) > start else end
    return (
        ("…" if start > 0 else "")
        + sentence[start:end].strip()
        + ("…" if end < len(sentence) else "")
    )


# Where a sentence may be cut without losing its sense: between clauses.
_CLAUSE_BREAK = re.compile(
    r"\s*;\s+|\s+[—–]\s+|\s+--\s+|,\s+(?=(?:though|although|but|while|whereas|and|as|"
    r"which|who|after|before|when|according|including|with|even|despite|since|amid)\b)"
)


def _clause(sentence: str, answer: str) -> str:
    """The clause of a sentence that holds the answer, with the clause before it when short.

    "Harry Styles won album of the year, the biggest prize, though it was Beyoncé who made
    history" quotes only what supports "Harry Styles"; cut ends are marked with "…".
    """
    at = sentence.lower().find(answer.lower())
    if at < 0:
        return sentence
    cuts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence) + 1]
    k = max(i for i in range(len(cuts) - 1) if cuts[i] <= at)
    start = cuts[k]
    nxt = _CLAUSE_BREAK.search(sentence, at + len(answer))
    end = nxt.start() if nxt else len(sentence)
    if end - start < MIN_CLAUSE_CHARS and k > 0:
        start = cuts[k - 1]  # "…, as Japan's Suga ..." needs what comes before to make sense
    piece = sentence[start:end].strip(" ,;")
    return ("…" if start > 0 else "") + piece + ("…" if end < len(sentence) else "")


def _answer_next(index: QAIndex, spot: tuple[int, int]) -> Answer:
    """What the source says after the previous answer's evidence, preferring a quote."""
    found: list[tuple[int, int]] = []
    here: tuple[int, int] | None = spot
    for _ in range(NEXT_LOOKAHEAD):
        here = index.step(here[0], here[1], 1) if here else None
        if here is None:
            break
        found.append(here)
    if not found:
        return _dont_say("the article says nothing after that")
    pick = next((f for f in found if _QUOTE.search(index.sentences(f[0])[f[1]])), found[0])
    sentence = index.sentences(pick[0])[pick[1]]
    source = index.sources[index.passages[pick[0]].source]
    return Answer(
        text=f"{_quote(sentence)} {_marks([source.id])}",
        citations=[source.id],
        answered=True,
        evidence=[sentence],
    )


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = re.sub(r"^(?:the|a|an)\s+|'s$", "", text.strip())
    return " ".join(re.sub(r"[^\w$€£%.\s-]", " ", text).split()).strip(" .-")


@dataclass(slots=True)
class _Candidate:
    text: str  # the longest form seen
    label: str
    score: float
    hits: list[int]  # ranks of the hits stating it, best first
    aliases: tuple[str, ...] = ()  # every form it was found in ("UK", "Britain", "British")


_TOKEN = re.compile(r"[\w'’]+")


def _proximity(
    sentence: str, entity: str, asked: frozenset[str], names: frozenset[str] = frozenset()
) -> float:
    """How close an entity stands to the question's words in a sentence: 1 beside them, toward 0.

    The answer to "Which team does Hamlin play for?" sits next to "Hamlin", not at the far
    end of the sentence where another team is named. Names the question gives anchor the
    answer better than its common words ("game", "Monday"), so those count for less.
    """
    spans = [(m.start(), terms(m.group())) for m in _TOKEN.finditer(sentence)]
    at = sentence.lower().find(entity.lower())
    if at < 0:
        return 0.5
    inside = [k for k, (start, _) in enumerate(spans) if at <= start < at + len(entity)]
    if not inside:
        return 0.5
    first, last = inside[0], inside[-1]
    near = [
        min(abs(k - first), abs(k - last)) * (1.0 if words[0] in names else COMMON_WORD_DISTANCE)
        for k, (_, words) in enumerate(spans)
        if (k < first or k > last) and words and words[0] in asked
    ]
    return 1.0 / (1.0 + (min(near) if near else PROXIMITY_FAR) / PROXIMITY_SCALE)


_COPULAR = re.compile(r"^\s*(?:who|what|which(?:\s+\w+)?)\s+(?:is|was|are|were)\b", re.I)
_PLACE_CUE = re.compile(r"\b(?:at|in|to|from|near|into|across|inside|outside)\s+(?:the\s+)?$", re.I)
_DATE_CUE = re.compile(r"\b(?:on|in|since|by|until|before|after|from)\s+$", re.I)
_POINT_IN_TIME = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|day\b|\b(?:week|month|"
    r"year|yesterday|today|tomorrow|tonight|morning|evening|night|spring|summer|autumn|fall|"
    r"winter)\b",
    re.IGNORECASE,
)
_AMOUNTS = frozenset({"number", "span", "money", "percent", "measure"})
_COUNTS = frozenset({"number", "span", "measure"})  # money and percent keep their symbols
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_AGE_WORDS = frozenset({"year", "years", "old", "age", "aged"})
_AMOUNT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|several)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"^(?:nearly|roughly|almost|about|around|approximately|some|just|more than|over|at least|"
    r"less than|under|up to)\s+",
    re.IGNORECASE,
)
_CALENDAR_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
_COUNTED = re.compile(
    r"\bhow (?:many|much)\s+((?:[\w'-]+\s+){0,2}[\w'-]+)|\bhow (old)\b|\bwhat (age)\b"
)


def _amount_key(text: str) -> str:
    """One key for the forms of a count: "116", "116-year-old" and "age 116" give "116"."""
    match = _NUMBER.search(text)
    if match is None:
        return _norm(text)
    units = [w for w in _unit(text) if w not in _AGE_WORDS]
    return " ".join([match.group().replace(",", ""), *units])


_TIME_UNIT_DAYS = {
    "second": 1 / 86400,
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 365.25 / 12,
    "year": 365.25,
    "decade": 3652.5,
    "century": 36525.0,
}
_TIME_WORD = re.compile(
    r"\b(second|minute|hour|day|week|month|year|decade|centur)(?:y|ies|s)?\b", re.IGNORECASE
)
_HOW_MANY_UNITS = re.compile(r"\bhow many (?:more )?([a-z]+)", re.IGNORECASE)
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_ORDINAL_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(),  # noqa: SIM905
        1,
    )
}
_ORDINAL_COUNT = re.compile(
    rf"\b(\d+)(?:st|nd|rd|th)\b|\b({'|'.join(_ORDINAL_WORDS)})\b", re.IGNORECASE
)
_ORDINAL = re.compile(
    r"\d(?:st|nd|rd|th)\b|\b(?:first|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b",
    re.IGNORECASE,
)


def _counts(unit: str, following: Sequence[str], ordinal: bool) -> bool:
    """True when the words after a number name what is counted ("22 seasons" for "seasons").

    After an ordinal, "his 23rd NFL season" or "for the fifth time" count too.
    """
    if ordinal:
        return unit in following[:3] or list(following[:1]) == ["time"]
    return unit in following[:2]


def _time_unit(word: str) -> str | None:
    match = _TIME_WORD.fullmatch(word.strip())
    if match is None:
        return None
    unit = match.group(1).lower()
    return "century" if unit == "centur" else unit


def _asked_time_unit(question: str) -> str | None:
    """The unit a "how many years/centuries ..." question counts in, or None."""
    match = _HOW_MANY_UNITS.search(question)
    return _time_unit(match.group(1)) if match else None


def _in_time_unit(text: str, asked: str, key: str) -> tuple[str, bool, bool]:
    """A length of time keyed in the unit asked: (key, converted, fits the unit asked).

    "six centuries" keys as "6 century"; for "how many centuries", "600 years" converts to the
    same key, while "95 years" (not a whole number of centuries) keeps its own and does not fit.
    A bare count ("95") is left alone.
    """
    unit = _TIME_WORD.search(text)
    if unit is None:
        return key, False, True
    before = text[: unit.start()]
    if _ORDINAL.search(before):
        return key, False, False  # "the 11th century" is a time, not a length of time
    numbers = [t for t in normalise_tokens(before) if _DIGITS.fullmatch(t)]
    if not numbers:
        return key, False, True
    value, found = float(numbers[-1]), _time_unit(unit.group()) or asked
    if found != asked:
        value = value * _TIME_UNIT_DAYS[found] / _TIME_UNIT_DAYS[asked]
        if value < 1 or abs(value - round(value)) > 0.02 * value:
            return key, False, False
    return f"{round(value):d} {asked}", found != asked, True


def _counted(question: str) -> str | None:
    """The stemmed noun a "how many" question counts ("seasons" -> "season"); "age" for how old."""
    match = _COUNTED.search(question.lower())
    if match is None:
        return None
    if match.group(2) or match.group(3):
        return "age"
    for word in match.group(1).split():
        if word in _VERBS or word in {"more", "fewer", "less"}:
            break
        found = terms(word)
        if found:
            return found[0]  # "how many US states": "us" is a stopword, "states" is counted
    return None


_DATE_UNITS = {
    "month": re.compile(
        r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
    ),
    "year": re.compile(r"\b\d{4}\b"),
}
# "each day" is not an answer to "when", nor is "the 42-year-old" (an age spaCy calls a DATE).
_FREQUENCY = re.compile(
    r"^(?:each|every|per|a)\s|\bdaily\b|\bweekly\b|\byears?[- ]old\b|^(?:age|aged)\b",
    re.IGNORECASE,
)


def _cue(kind: str, sentence: str, entity: str, asked: frozenset[str], copular: bool) -> float:
    """Multiplier from the words around an entity occurrence.

    "at the Old Customs House" reads as a place and "on Tuesday" as a date; in "met the
    ambassador, Pavel Dunaj" the name restates the question's own "ambassador" (an
    appositive), so it is not the answer to "Who met the ambassador?" (it is to "Who is ...?").
    """
    at = sentence.find(entity)
    if at < 0:
        return 1.0
    before = sentence[max(0, at - 40) : at]
    after = sentence[at + len(entity) : at + len(entity) + 40]
    factor = 1.0
    if kind == "place" and _PLACE_CUE.search(before):
        factor *= 2.0  # "at the Old Customs House": a venue even when spaCy calls it an ORG
    if kind == "date" and _DATE_CUE.search(before):
        factor *= 1.3
    if not copular:
        prev = re.findall(r"[\w'’]+", before)[-1:]
        nxt = re.findall(r"[\w'’]+", after)
        appositive = (prev and terms(prev[0]) and terms(prev[0])[0] in asked) or (
            after.lstrip().startswith(",")
            and any(terms(w) and terms(w)[0] in asked for w in nxt[:3])
        )
        if appositive:
            factor *= 0.3
    return factor


_CHUNK_EDGE = frozenset(
    """
    a an the this that these those its his her their our my your some any many more most all
    each every another such other no several few new latest last first next
    """.split()  # noqa: SIM905
)
_NOMINAL = frozenset({"NOUN", "PROPN"})
# Heads whose answer is a modifier: "Which color is it?" -> "green" in "a rare green comet".
_ATTRIBUTE_HEADS = frozenset({"color", "colour", "shade", "flavor", "flavour", "shape"})


def _chunk_answer(chunk: Chunk, asked: frozenset[str], attribute: bool) -> str:
    """A noun chunk as an answer: determiners and the question's own words cut from its ends.

    For "Which species does Colossal want to revive?", "the dodo" gives "dodo" and "extinct
    species" gives nothing (no noun is left); with `attribute` ("which color?") an adjective
    left alone is an answer: "a rare green comet" gives "green".
    """
    tokens = list(chunk)

    def drop(token: tuple[str, str], edge: bool) -> bool:
        text, pos = token
        words = terms(text)
        return (edge and (text.strip().lower() in _CHUNK_EDGE or pos in {"DET", "PRON"})) or (
            not words or set(words) <= asked
        )

    while tokens and drop(tokens[0], edge=True):
        tokens.pop(0)
    while tokens and drop(tokens[-1], edge=False):
        tokens.pop()
    if not any(pos in _NOMINAL or (attribute and pos == "ADJ") for _, pos in tokens):
        return ""
    return "".join(text for text, _ in tokens).strip(" ,.;:\"“”‘’'")


@dataclass(slots=True)
class _Forms:
    """The answers found in the best hits, before they are voted on."""

    shown: dict[str, tuple[str, str, float]]  # key -> (form shown, label, label weight)
    surfaces: dict[str, set[str]]  # key -> every form it was found in
    nationalities: set[str]  # nationality words seen ("Chinese"), for a place question
    off_unit: set[str]  # keys of lengths of time in another unit than asked


def _forms(
    query: _Query,
    hits: Sequence[Hit],
    found: Sequence[Sequence[tuple[str, str]]],
    *,
    unit: str | None,
    asked_time: str | None,
    gate: str | None,
    named_countries: frozenset[str],
) -> _Forms:
    """Every entity of the asked kind spaCy finds in the best hits, keyed by answer.

    The forms of one answer meet under one key ("116" / "116-year-old", "UK" / "Britain",
    "600 years" / "six centuries"), each with the best label weight it gets anywhere.
    """
    assert query.kind is not None
    main, fallback = _KINDS[query.kind]
    heads = (
        {h.removesuffix("s") for h in _heads(query.text, query.model)[:1]}
        if query.kind == "date"
        else set()
    )
    forms: dict[str, tuple[str, str, float]] = {}
    surfaces: dict[str, set[str]] = {}  # every form spaCy gave one answer ("116", "116-year-old")
    nationalities: set[str] = set()
    off_unit: set[str] = set()  # lengths of time in another unit than asked, not convertible
    shown_converted: set[str] = set()  # keys whose shown form is in another unit than asked
    for ents in found:
        for text, label in ents:
            if label == "NORP" and query.kind == "place":
                nationalities.add(text.strip())
                nation = places.country_of_nationality(text.strip())
                if gate == "country" and nation and nation not in (named_countries or ()):
                    # "the Chinese spy balloon" answers "which country?" with China.
                    forms.setdefault(_norm(nation), (nation, "GPE", 1.0))
                    surfaces.setdefault(_norm(nation), set()).add(nation)
            if label not in main and label not in fallback:
                continue
            if label == "NORP" and query.kind == "person" and _is_group(text):
                continue  # "Australian", "Republicans": a group, never the person asked for
            # A quote mark spaCy took into the name ("\"Everything Everywhere ...") is not in it.
            text = text.strip().strip('"“”‘’').lstrip("'").strip()
            if query.kind in _AMOUNTS:
                # "nearly 600 years", "roughly 600 years" and "almost 600 years" are one answer.
                text = _HEDGE.sub("", text) or text
            key = _amount_key(text) if query.kind in _COUNTS else _norm(text)
            if query.kind == "place" and (nation := places.country(text)):
                key = _norm(nation)  # "the UK", "Britain" and "the United Kingdom" are one
            converted = False
            if asked_time is not None:
                # "how many centuries": "six centuries" and "600 years" are one answer; "95
                # years" is none.
                key, converted, in_unit = _in_time_unit(text, asked_time, key)
                if not in_unit:
                    off_unit.add(key)
            words = terms(text)
            if not key or not words or set(words) <= query.asked:
                continue  # the question's own names are not its answer
            if query.kind == "date" and (
                not _POINT_IN_TIME.search(text) or _FREQUENCY.search(text)
            ):
                continue  # "each day" or "the 42-year-old" is no answer to "when"
            if query.kind in _AMOUNTS and not _AMOUNT.search(text):
                continue  # "Thursday" is no answer to "how many years"
            if any(
                named.search(text) is None for head, named in _DATE_UNITS.items() if head in heads
            ):
                continue  # "which month" wants a month, "which year" a year
            label_weight = 1.0 if label in main else NEAR_TYPE_WEIGHT
            if key in forms and not converted and key in shown_converted:
                # Shown in the unit asked: "six centuries", not "600 years".
                forms[key] = (text, label, max(label_weight, forms[key][2]))
                shown_converted.discard(key)
            elif key not in forms or label_weight > forms[key][2]:
                forms[key] = (text, label, label_weight)
                if converted:
                    shown_converted.add(key)
            surfaces.setdefault(key, set()).add(text)
    if unit is not None and query.kind in {"number", "span"}:
        # "How many seasons did he play?": "his 23rd season" says 23.
        for hit in hits[:ENTITY_SENTENCES]:
            for match in _ORDINAL_COUNT.finditer(hit.text):
                if not _counts(unit, terms(hit.text[match.end() : match.end() + 30]), True):
                    continue
                number = match.group(1) or _ORDINAL_WORDS[match.group(2).lower()]
                key = _amount_key(number)
                forms.setdefault(key, (number, "CARDINAL", 1.0))
                surfaces.setdefault(key, {number}).add(match.group())
    return _Forms(forms, surfaces, nationalities, off_unit)


def _candidates(
    query: _Query, hits: Sequence[Hit], found: Sequence[Sequence[tuple[str, str]]]
) -> list[_Candidate]:
    """Entities of the asked kind in the best hits, merged and voted on (AskMSR-style).

    Quiz answers recur: the name several good sentences (and sources) give beats the one
    the single best sentence gives. Each occurrence votes with its sentence's score, scaled
    by how well its label fits the kind asked and how close it stands to the question's words,
    and decayed by the sentence's rank. Forms come from `found` (per hit; empty for hits spaCy
    did not read), votes from every hit.
    """
    assert query.kind is not None
    best_score = hits[0].score or 1.0
    copular = bool(_COPULAR.search(query.text))
    names = frozenset(t for w in query.text.split()[1:] if w[:1].isupper() for t in terms(w))
    # The question's type word ("which state") says what the answer is, not where it stands.
    anchors = query.asked - query.heads
    unit = _counted(query.text) if query.kind in _AMOUNTS else None
    gate = _place_gate(query) if query.kind == "place" else None
    named_countries = (
        places.countries_named_in(query.text) if query.kind == "place" else frozenset()
    )
    asked_time = _asked_time_unit(query.text) if query.kind == "span" else None
    # First the forms, then every place a form occurs in the best hits.
    seen = _forms(
        query,
        hits,
        found,
        unit=unit,
        asked_time=asked_time,
        gate=gate,
        named_countries=named_countries,
    )
    forms, surfaces, nationalities = seen.shown, seen.surfaces, seen.nationalities
    # Then every place a form occurs in the best hits, found by spaCy there or not: the small
    # model misses or mislabels a name in one sentence that it gets right in the next.
    pool: dict[str, _Candidate] = {}
    for key, (text, label, label_weight) in forms.items():
        # "the Chinese spy balloon" votes for "China" when the hits name China too.
        nation = places.country(text) if label == "GPE" else None
        demonyms = [
            n for n in nationalities if nation and places.country_of_nationality(n) == nation
        ]
        if any(set(terms(n)) <= query.asked for n in demonyms):
            continue  # "About 100 Ukrainians will travel to which US state?": not Ukraine
        if named_countries and places.country(text) in named_countries:
            continue  # "US jets shot down a balloon. Which country ...?": not the U.S.
        fit = _place_fit(gate, text, label) if gate else 1.0
        if key in seen.off_unit:
            fit *= UNIT_MISMATCH
        aliases = [text, *sorted(surfaces[key] - {text}, key=len, reverse=True), *demonyms]
        pattern = re.compile(
            "|".join(rf"(?<!\w){re.escape(a)}(?!\w)" for a in aliases), re.IGNORECASE
        )
        words = terms(text)
        # "Pope Benedict XVI" for "Which former pope ...": half its words are the question's.
        # A count names the unit the question asks in ("600 years" for "how many years").
        fresh = (
            1.0 if query.kind in _AMOUNTS else sum(w not in query.asked for w in words) / len(words)
        )
        for rank, hit in enumerate(hits):
            match = pattern.search(hit.text)
            if match is None:
                continue
            weight = (hit.score / best_score) ** SCORE_POWER / (1 + RANK_DECAY * rank)
            near = _proximity(hit.text, match.group(), anchors, names)
            score = weight * label_weight * fit * fresh**ASKED_PENALTY
            score *= near
            score *= _cue(query.kind, hit.text, match.group(), query.asked, copular)
            if unit is not None:
                # "how many seasons": "22" in "22 seasons" answers it, "two" in "two for the
                # Buccaneers" does not; "how many centuries": "2013" is no count.
                following = terms(hit.text[match.end() : match.end() + 30])
                in_asked = asked_time is not None and key.endswith(" " + asked_time)
                ordinal = _ORDINAL_COUNT.fullmatch(match.group()) is not None
                counts = in_asked or unit in words or _counts(unit, following, ordinal)
                score *= UNIT_BONUS if counts else 1.0
                if query.kind == "span" and _CALENDAR_YEAR.fullmatch(text):
                    score *= YEAR_AS_SPAN
            cand = pool.get(key)
            if cand is None:
                pool[key] = _Candidate(text, label, score, [rank], tuple(aliases))
            else:
                cand.score += score
                cand.hits.append(rank)
    # "Bills" and "Buffalo Bills", "McCarthy" and "Kevin McCarthy" are one answer: credit the
    # longer form, which a reader recognises. A noun phrase keeps its longer form only when
    # that is common too: "red panda" over "panda", but "great white shark" over "six-foot
    # long great white shark".
    keys = sorted(pool, key=len)
    for short in keys:
        for long in keys:
            # A title cut short by the tagger ("Everything Everywhere") is the full one too.
            part = long.endswith(" " + short) or (
                query.kind == "work" and long.startswith(short + " ")
            )
            if long != short and part and long in pool and short in pool:
                rare = pool[long].score < LONG_FORM_SHARE * pool[short].score
                keep, drop = (
                    (short, long) if pool[short].label == _CHUNK and rare else (long, short)
                )
                pool[keep].score += pool[drop].score
                pool[keep].hits = sorted(set(pool[keep].hits + pool[drop].hits))
                pool[keep].aliases += pool[drop].aliases
                del pool[drop]
                break
    return sorted(pool.values(), key=lambda c: (-c.score, c.hits[0]))


_PLACE_GATES = {
    "country": "country",
    "nation": "country",
    "state": "state",
    "province": "state",
    "city": "city",
    "town": "city",
    "capital": "city",
    "village": "city",
}


def _place_gate(query: _Query) -> str | None:
    """The kind of place a question asks for ("which US state?" -> state), else None."""
    for head in _heads(query.text, query.model)[:1]:
        return _PLACE_GATES.get(head.removesuffix("s"))
    return None


def _place_fit(gate: str, name: str, label: str) -> float:
    """1 when a place name can be what the question asks for, PLACE_MISMATCH when not.

    spaCy tags states, cities and countries alike (GPE); the gazetteer tells them apart. No
    gazetteer lists every city: a city is a GPE that is no country (it may share a state's
    name, "New York"), and a firm tagged ORG near the question's words is no city.
    """
    if gate == "country":
        ok = places.is_country(name)
    elif gate == "state":
        ok = places.is_state(name)
    else:
        ok = label == "GPE" and not places.is_country(name)
    return 1.0 if ok else PLACE_MISMATCH


_GROUPS = re.compile(
    r"^(?:the\s+)?(?:republican|democrat|democratic|conservative|liberal|labour|catholic|"
    r"protestant|christian|muslim|jewish|hindu|buddhist|sikh|latino|latina|latinx|hispanic|"
    r"black|white|asian|african|european|arab|indigenous|native american|evangelical|"
    r"sunni|shia|shiite|communist|socialist|nazi)s?$",
    re.IGNORECASE,
)


def _is_group(text: str) -> bool:
    """True for a nationality, religion or party word ("Chinese", "Catholics", "Democrats")."""
    return bool(_GROUPS.match(text.strip())) or places.country_of_nationality(text) is not None


def _typed_rerank(
    query: _Query, hits: list[Hit], index: QAIndex
) -> tuple[list[Hit], list[list[tuple[str, str]]]]:
    """The hits that vote on a short answer, their candidate answers and ranks.

    The best ENTITY_SENTENCES hits are re-ranked (one holding an entity of the asked kind
    gains a little) and read by spaCy; the rest up to VOTE_SENTENCES are not read, but vote
    for the names found in the first. (The sentences beside the best hits were tried as
    voters too: no gain on realtimeqa dev for spaCy's time.)

    Returns:
        (voters, best first; candidate answers per voter, empty for the unread).

    """
    top = hits[:ENTITY_SENTENCES]
    found = _found(query, [h.text for h in top], index)
    main = _KINDS[query.kind][0] if query.kind else frozenset()
    bonus = [
        TYPED_BONUS
        if any(label in main and not set(terms(text)) <= query.asked for text, label in ents)
        else 0.0
        for ents in found
    ]
    order = sorted(range(len(top)), key=lambda k: -(top[k].score + bonus[k]))
    voters = [top[k] for k in order] + hits[len(top) : VOTE_SENTENCES]
    found = [found[k] for k in order] + [[] for _ in voters[len(top) :]]
    return voters, found


# A title in quotes: “Everything Everywhere All at Once”, "Laverne & Shirley", ‘Spare’.
_QUOTED = re.compile(r"[\"“‘']([A-Z0-9][^\"“”‘’]{0,80}?)[\"”’'](?!\w)")
_MINOR = frozenset(
    "a an and at by for from in into of on or the to with & vs".split()  # noqa: SIM905
)


def _quoted_titles(text: str) -> list[tuple[str, str]]:
    """Titles of works quoted in a text: short, and every main word capitalised.

    spaCy's small model cuts long titles short ("Everything Everywhere") or misses them;
    news style quotes them. A quoted remark ("We will not back down") is no title.
    """
    found = []
    for match in _QUOTED.finditer(text):
        title = match.group(1).strip()
        words = title.split()
        if not 1 <= len(words) <= 8 or title[-1] in ".,;:!?":
            continue
        if all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _MINOR for w in words):
            found.append((title, "WORK_OF_ART"))
    return found


def _found(query: _Query, texts: list[str], index: QAIndex) -> list[list[tuple[str, str]]]:
    """Candidate answers spaCy finds in each text: entities, or noun phrases for a "thing".

    A question about a work also gets the titles the text quotes.
    """
    model = index.settings.models.spacy_model
    if query.kind == "work":
        return [
            [*_quoted_titles(text), *ents]
            for text, ents in zip(texts, entities(texts, model=model), strict=True)
        ]
    if query.kind != "thing":
        return entities(texts, model=model)
    attribute = bool(_ATTRIBUTE_HEADS & set(_heads(query.text, query.model)))
    return [
        [(a, _CHUNK) for c in chunks if (a := _chunk_answer(c, query.asked, attribute))]
        for chunks in noun_chunks(texts, model=model)
    ]


def _type_fit(query: _Query, candidates: list[_Candidate], index: QAIndex) -> list[_Candidate]:
    """Noun-phrase candidates re-weighed by how well they fit the kind of thing asked for.

    Votes alone favour what every sentence mentions ("prices", "customers"); the cosine of a
    candidate with the question's phrase ("popular food", "severe weather event") favours
    what is one ("eggs", "tornadoes"). Candidates fitting less than MIN_TYPE_FIT are dropped,
    so a question none fits gets the best sentence instead.
    """
    phrases = _phrases(query.text, query.model)
    top = candidates[:TYPE_FIT_CANDIDATES]
    if not phrases or not top:
        return candidates
    vectors = get_embedder(index.settings.models).embed([phrases[0][1]] + [c.text for c in top])
    fits = vectors[1:] @ vectors[0]
    kept = []
    for cand, fit in zip(top, fits, strict=True):
        if fit >= MIN_TYPE_FIT:
            cand.score *= float(fit) ** TYPE_FIT_POWER
            kept.append(cand)
    return sorted(kept, key=lambda c: (-c.score, c.hits[0]))


def _also_stating(
    answer: str, evidence: Hit, cited: set[int], index: QAIndex, settings: Settings
) -> set[int]:
    """Other sources that state the short answer in words retrieval did not match.

    "Trade Minister Ilse Moravec met the ambassador ... at the Old Customs House" shares no
    word with "Where were the talks held?" yet states the answer: a sentence of another source
    holding the answer and as close to the evidence as two sentences stating one fact (the
    digest's `align_threshold`) counts. Only paragraphs holding the answer are split.
    """
    needle = _norm(answer)
    found: list[tuple[int, str]] = []
    for p, passage in enumerate(index.passages):
        if passage.source in cited or not needle or needle not in _norm(passage.text):
            continue
        # Each sentence checked is one more to embed: a few per source are enough.
        if sum(source == passage.source for source, _ in found) >= ALSO_STATING_SENTENCES:
            continue
        found += [(passage.source, t) for t in index.sentences(p) if needle in _norm(t)][
            :ALSO_STATING_SENTENCES
        ]
    if not found:
        return set()
    vectors = get_embedder(index.settings.models).embed([evidence.text] + [t for _, t in found])
    similar = vectors[1:] @ vectors[0]
    return {
        source
        for (source, _), cos in zip(found, similar, strict=True)
        if cos >= settings.summary.align_threshold
    }


def _states(hit: Hit, answer: str) -> bool:
    return _norm(answer) in _norm(hit.text)


def _select(query: _Query, hits: list[Hit], index: QAIndex, settings: Settings) -> Answer:
    """The short answer (for typed questions) or the best sentence, with every citing source."""
    best = hits[0]
    floor = SUPPORT_RATIO * best.score
    ids = [s.id for s in index.sources]
    if query.kind is not None:
        hits, found = _typed_rerank(query, hits, index)
        best = hits[0]
        candidates = _candidates(query, hits, found)
        if query.kind == "thing":
            candidates = _type_fit(query, candidates, index)
        numeric = query.kind in _NUMERIC
        if not candidates and numeric:
            # Asked for a number or a date and no strong sentence gives one: don't guess.
            return _dont_say()
        if candidates:
            top = candidates[0]
            # The best hit that holds the answer as shown (merged forms may differ).
            evidence = next(
                (hits[k] for k in top.hits if top.text.lower() in hits[k].text.lower()),
                hits[top.hits[0]],
            )
            forms = top.aliases or (top.text,)
            sources = {
                h.source
                for h in hits
                if h.score >= floor and any(_states(h, form) for form in forms)
            }
            sources |= {evidence.source}
            sources |= _also_stating(top.text, evidence, sources, index, settings)
            stating = sorted(ids[k] for k in sources)
            if numeric:
                split = _disagreement(top, candidates[1:], hits, floor, index)
                if split is not None:
                    return split
            # The short answer leads, so its quote only needs the words around it.
            quote = _quote(_clause(evidence.text, top.text), top.text, SHORT_QUOTE_CHARS)
            return Answer(
                text=f"{top.text} — “{quote}” {_marks(stating)}",
                citations=stating,
                answered=True,
                short_answer=top.text,
                evidence=[evidence.text],
            )
    same = {ids[best.source]}
    for hit in hits[1:]:
        if (
            hit.score >= floor
            and float(hit.vector @ best.vector) >= settings.summary.align_threshold
        ):
            same.add(ids[hit.source])
    cites = sorted(same)
    return Answer(
        text=f"{_quote(best.text)} {_marks(cites)}",
        citations=cites,
        answered=True,
        evidence=[best.text],
    )


_NUMBER_WORDS = frozenset(
    """
    zero one two three four five six seven eight nine ten eleven twelve dozen hundred thousand
    about around nearly some almost more than over under at least
    """.split()  # noqa: SIM905
)


def _unit(value: str) -> tuple[str, ...]:
    """What a number counts, without the number: '$27.5 billion' -> ('billion',)."""
    return tuple(w for w in re.findall(r"[a-z]+", _norm(value)) if w not in _NUMBER_WORDS)


def _disagreement(
    top: _Candidate, rest: Sequence[_Candidate], hits: Sequence[Hit], floor: float, index: QAIndex
) -> Answer | None:
    """Both sides when another source gives a different number for the same fact, else None.

    Strict on purpose: both values must be well supported, count the same unit, come from
    near-equal sentences in different sources, and neither source may also state the other's.
    """
    ids = [s.id for s in index.sources]
    first = hits[top.hits[0]]
    near = DISAGREE_RATIO * hits[0].score
    for other in rest:
        if other.label != top.label or other.score < DISAGREE_SUPPORT * top.score:
            continue
        if _unit(other.text) != _unit(top.text):
            continue
        for rank in other.hits:
            hit = hits[rank]
            if hit.source == first.source or hit.score < near or _states(hit, top.text):
                continue
            if float(hit.vector @ first.vector) < SAME_FACT_COSINE:
                continue
            if any(
                h.source == hit.source and h.score >= floor and _states(h, top.text) for h in hits
            ):
                continue
            if any(
                h.source == first.source and h.score >= floor and _states(h, other.text)
                for h in hits
            ):
                continue
            a, b = ids[first.source], ids[hit.source]
            return Answer(
                text=(
                    f"The sources differ: {top.text} — “{_quote(first.text, top.text)}” [{a}]; "
                    f"{other.text} — “{_quote(hit.text, other.text)}” [{b}]"
                ),
                citations=sorted({a, b}),
                answered=True,
                evidence=[first.text, hit.text],
            )
    return None


def _phrased(
    answer: Answer, question: str, phrase: Phraser, index: QAIndex, settings: Settings
) -> Answer:
    """The generator's wording of the answer, if it keeps to the evidence; else the answer."""
    cited = [s for s in index.sources if s.id in answer.citations]
    evidence = [
        (
            next(
                (s.id for s in cited if " ".join(e.split()) in " ".join(s.text.split())),
                answer.citations[0],
            ),
            e,
        )
        for e in answer.evidence
    ]
    try:
        text = phrase(question, evidence)
    except Exception:  # a generator failure must never lose the extractive answer
        log.exception("the answer phraser failed; keeping the extractive answer")
        return answer
    if not text or not text.strip():
        return answer
    text = " ".join(text.split())
    if answer.short_answer and _norm(answer.short_answer) not in _norm(text):
        return answer  # the wording dropped the answer itself
    # The digest's own check: a source is cited only if one of its evidence sentences is
    # similar enough and holds every name, number, date and quotation of the text.
    by_source: dict[int, list[str]] = {}
    for source_id, sentence in evidence:
        by_source.setdefault(source_id, []).append(sentence)
    passed = sorted({c.source for c in Verifier(settings).check(text, by_source)})
    if not passed:
        log.info("phrased answer failed verification; keeping the extractive answer")
        return answer
    return Answer(
        text=f"{text} {_marks(passed)}",
        citations=passed,
        answered=True,
        short_answer=answer.short_answer,
        evidence=answer.evidence,
        generated=True,
    )
