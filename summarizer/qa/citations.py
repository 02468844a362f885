"""The answer and the sources that state it.

A typed question's short answer leads, quoted from its best sentence; else the best sentence.
Every source that states it is cited (under any of its names), and when sources give different
numbers, names or dates for the same fact, each is shown with its citations (`disputes`).
Two answers need no retrieval: what a source says next ("What did he say next?") and each
source's figures ("Does anyone report the numbers?").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..config import Settings
from ..models import Answer
from ..nlp import SUBJECT_DEPS, get_embedder
from ..retrieve import Hit, QAIndex, terms
from ..verify import ACRONYM_FORM, is_acronym, spelled_out
from . import roles
from .amounts import _AMOUNTS
from .candidates import (
    RANK_DECAY,
    SCORE_POWER,
    _Candidate,
    _candidates,
    _found,
    _is_group,
    _place_fit,
    _place_gate,
    _placed,
    _type_fit,
    _typed_rerank,
)
from .disputes import disagreement
from .followups import _Query
from .norm import _norm
from .questions import _CHUNK, _KINDS, _NUMERIC, _head_kind
from .quotes import SHORT_QUOTE_CHARS, _clause, _dont_say, _marks, _quote, _told
from .reading import MAX_EVIDENCE_READ, _Reader

SUPPORT_RATIO = 0.35  # a source "states" an answer in a hit scoring this share of the best
ALSO_STATING_SENTENCES = 2  # per uncited source, sentences holding the answer compared


MAX_NUMBER_SOURCES = 3  # "Does anyone report the numbers?": a figure from this many sources
NEXT_LOOKAHEAD = 3  # "what did he say next": look this many sentences on for a quote
MAX_HEADS_TRIED = 5  # candidates whose role is checked before the evidence answers alone
PROMOTE_SHARE = 0.5  # a confirmed role lifts a candidate with this share of the first's votes

if TYPE_CHECKING:
    from spacy.tokens import Doc


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


def _form_in(hit: Hit, candidate: _Candidate) -> str | None:
    """The longest of a candidate's names that a hit holds as words, or None."""
    return _form_in_text(hit.text, candidate)


def _form_in_text(original: str, candidate: _Candidate) -> str | None:
    """The longest of a candidate's names that a text holds as words, or None.

    Not the start of a longer name: "Marrowby" is not in "off Marrowby Point".
    """
    text = original.lower()
    for form in sorted({candidate.text, *candidate.aliases}, key=len, reverse=True):
        at = text.find(form.lower())
        while at >= 0:
            end = at + len(form)
            if (
                (at == 0 or not text[at - 1].isalnum())
                and (end == len(text) or not text[end].isalnum())
                and not _LONGER_NAME.match(original, end)
            ):
                return original[at:end]
            at = text.find(form.lower(), at + 1)
    return None


_LONGER_NAME = re.compile(r" [A-Z][a-z]")  # a capitalised word right after a name goes on with it


def _select(query: _Query, hits: list[Hit], index: QAIndex, settings: Settings) -> Answer:
    """The short answer (for typed questions) or the best sentence, with every citing source.

    A short answer leads only when it stands in the asked role in its sentence (`roles`);
    "Who is X?" leads with what the sources say X is. Otherwise the evidence answers.
    """
    best = hits[0]
    floor = SUPPORT_RATIO * best.score
    ids = [s.id for s in index.sources]
    reader = _Reader(query.text, index, query.kind)
    stands = _STANDS_FOR.search(query.text)
    spelled = _spelled(stands["acronym"], index) if stands else None
    if spelled is not None:
        return spelled
    if reader.asked is not None and roles.naming(reader.asked) is not None:
        # "What is the name of the ship?": the name the sources give it, whatever its kind.
        given = _described(reader, hits, floor, ids, settings)
        if given is not None:
            return given
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
        if reader.asked is not None and reader.asked.target_is_name:
            described = _described(reader, hits, floor, ids, settings) or _spelled(
                reader.asked.target, index
            )
            if described is not None:
                return described
            candidates = []
        elif reader.asked is not None and roles.naming(reader.asked) is not None:
            candidates = []  # no name given: no other noun stands for one ("the route")
        chosen, level = _choose(query, reader, hits, candidates)
        if level < roles.CONFIRMED and reader.asked is not None and query.kind in _NAMED:
            # No name found by NER stands in the asked role: the parse may show one it missed.
            more = _with_fillers(query, reader, hits, candidates)
            if more != candidates:
                candidates = more
                chosen, level = _choose(query, reader, hits, candidates)
        lead_in = None  # the sentence naming what the evidence calls "the film" or "she"
        if level < roles.CONFIRMED and reader.asked is not None and query.kind in _NAMED_AS:
            named = _antecedent(query, reader, hits, candidates, index)
            if named is not None and (
                chosen is None or named[0][0].score >= PROMOTE_SHARE * chosen[0].score
            ):
                (chosen, lead_in), level = named, roles.CONFIRMED
        if chosen is not None:
            top, evidence, said = chosen
            forms = top.aliases or (top.text,)
            sources = {
                h.source
                for h in hits
                if h.score >= floor and any(_states(h, form) for form in forms)
            }
            sources |= {evidence.source}
            sources |= _also_stating(top.text, evidence, sources, index, settings)
            stating = sorted(ids[k] for k in sources)
            split = disagreement(
                query.kind,
                top,
                evidence,
                [c for c in candidates if c is not top],
                hits,
                floor=floor,
                index=index,
                stating=stating,
                fits=lambda hit, value: reader.fit(hit, value, hits),
            )
            if split is not None:
                return split
            # The short answer leads, so its quote only needs the words around it.
            quote = _quote(_clause(evidence.text, said), said, SHORT_QUOTE_CHARS)
            if reader.asked is not None:
                # "Okafor, who leads the inquiry, said ...": the clause around the name may
                # leave out what it answers; then the sentence is quoted around the name.
                stated = roles.relation_words(reader.asked, reader.doc(evidence.text))
                if stated and not any(word in quote for word in stated):
                    quote = _quote(evidence.text, said, SHORT_QUOTE_CHARS)
            if lead_in is not None:
                quote = f"{_quote(lead_in, said, SHORT_QUOTE_CHARS)} … {quote}"
            head = top.text
            if reader.asked is not None and reader.asked.role == "subject":
                # "Who met in Halvik?": the meeting "between Arden and Brandt" has two.
                doc = reader.doc(evidence.text)
                partners = [
                    c.text for c in candidates[1:MAX_HEADS_TRIED + 1]
                    if c.label == top.label
                    and c.text.lower() not in top.text.lower()
                    and top.text.lower() not in c.text.lower()
                    and roles.together(doc, said, c.text)
                ]  # fmt: skip
                if partners:
                    head = f"{top.text} and {partners[0]}"
            if query.kind in _AMOUNTS or query.kind == "date":
                # "12" -> "12 crowns"; "Tuesday" -> "about 3:40 a.m. on Tuesday"
                extend = roles.with_unit if query.kind in _AMOUNTS else roles.with_time
                extended = extend(reader.doc(evidence.text), said)
                if extended != said:
                    head = extended if head == top.text else head
            return Answer(
                text=f"{head} — “{quote}” {_marks(stating)}",
                citations=stating,
                answered=True,
                short_answer=head,
                evidence=[lead_in, evidence.text] if lead_in else [evidence.text],
            )
    statement = reader.evidence(hits)
    if statement is None:
        return _dont_say()
    answer = _quoted(statement, hits, floor, ids, settings)
    earlier = reader.told_before(statement, hits)
    if earlier is None:
        return answer
    first = _quoted(earlier, hits, floor, ids, settings)
    return _told([earlier.text, statement.text], [*first.citations, *answer.citations])


def _choose(
    query: _Query, reader: _Reader, hits: Sequence[Hit], candidates: Sequence[_Candidate]
) -> tuple[tuple[_Candidate, Hit, str] | None, int]:
    """The short answer, its evidence and the name it has there, and how well its role fits.

    The first candidate in the order of the votes whose role no sentence contradicts; a
    later one whose role a sentence confirms, when it has votes enough.
    """
    chosen: tuple[_Candidate, Hit, str] | None = None  # (answer, evidence, form there)
    gate = _place_gate(query) if query.kind == "place" else None
    level = roles.REFUSED
    for top in candidates[:MAX_HEADS_TRIED]:
        # An amount worked out in the unit asked ("three centuries") is in no sentence to read
        # a role from; nothing is promoted over it.
        if chosen is not None and chosen[0].text.lower() not in chosen[1].text.lower():
            break
        # A later candidate needs votes enough, unless it names the chosen one more fully
        # ("Marrowby Point" for "Marrowby").
        if (
            chosen is not None
            and top.score < PROMOTE_SHARE * chosen[0].score
            and chosen[0].text.lower() not in top.text.lower()
        ):
            continue
        if gate is not None and _place_fit(gate, top.text, top.label) < 1.0:
            continue  # "Which city ...?": a country does not lead, whatever its role
        place_named = query.kind == "place" and top.label in _KINDS["place"][0]
        if query.kind == "place" and not place_named and not _placed(top, hits):
            continue  # a firm never written as where something is
        # The hits that hold the answer under one of its names, each with the name it uses
        # there ("Mike Pence" where the best sentence says "former Vice President Mike
        # Pence", though "VP Mike Pence" is shown). Those holding the name shown come first:
        # they are what the answer quotes.
        holding = [(hits[k], form) for k in top.hits if (form := _form_in(hits[k], top))]
        holding.sort(key=lambda held: held[1].lower() != top.text.lower())
        holding = holding or [(hits[top.hits[0]], top.text)]  # "Norwegian" gives "Norway"
        for hit, form in holding[:MAX_EVIDENCE_READ]:
            fit = reader.fit(hit, form, hits)
            if fit > level:
                chosen, level = (top, hit, form), fit
            if fit == roles.CONFIRMED:
                break
        if level == roles.CONFIRMED:
            break
    return chosen, level


_NAMED = frozenset({"person", "org", "place"})  # kinds a proper name answers
ANTECEDENT_SENTENCES = 3  # sentences looked back for the name "the film" or "she" stands for
# The label of the name a word like "the film" or "she" stands for, per kind of answer.
_NAMED_AS = {"person": "PERSON", "org": "ORG", "work": "WORK_OF_ART", "place": "GPE"}
_PRONOUN_KINDS = {
    "he": {"person"},
    "she": {"person"},
    "it": {"org", "work", "place"},
    "they": {"org", "person"},
}


def _antecedent(
    query: _Query,
    reader: _Reader,
    hits: Sequence[Hit],
    candidates: Sequence[_Candidate],
    index: QAIndex,
) -> tuple[tuple[_Candidate, Hit, str], str] | None:
    """The candidate a best sentence calls "the film" or "she" in the asked role, if any.

    "The film scored 11 honors" answers "Which film scored the most nominations?" with the
    nearest film the sentences before it (or the headline) name, when the votes know it:
    ((candidate, the evidence, its name there), the sentence naming it). The nearest name of
    the kind is the one meant; when the votes do not know it, nothing is found.
    """
    assert reader.asked is not None and query.kind is not None
    label = _NAMED_AS[query.kind]
    statements = [h for h in hits[:MAX_EVIDENCE_READ] if reader.statement(h)][:2]
    for hit in statements:
        word = roles.anaphor(reader.asked, reader.doc(hit.text))
        if word is None or query.kind not in _PRONOUN_KINDS.get(word, {_head_kind(word)}):
            continue
        spot: tuple[int, int] | None = (hit.passage, hit.index)
        for _ in range(ANTECEDENT_SENTENCES):
            spot = index.step(spot[0], spot[1], -1) if spot is not None else None
            if spot is None:
                break
            text = index.sentences(spot[0])[spot[1]]
            found = _found(query, [text], index)[0]
            names = [name.strip("\"“”‘’' ") for name, kind in found if kind == label]
            names = [n for n in names if n and not set(terms(n)) <= query.asked]
            if not names:
                continue
            name = _salient(reader.doc(text), names)
            known = next(
                (c for c in candidates if (_form_in_text(name, c) or "").lower() == name.lower()),
                None,
            )
            if known is None:
                rank = list(hits).index(hit)
                weight = (hit.score / (hits[0].score or 1.0)) ** SCORE_POWER
                known = _Candidate(name, label, weight / (1 + RANK_DECAY * rank), [rank], (name,))
            return (known, hit, name), text
    return None


def _salient(doc: Doc, names: Sequence[str]) -> str:
    """Of the names a sentence gives, the one a following "she" or "the film" most likely means.

    Its subject when it is one of them, else the first named.
    """
    for name in names:
        at = doc.text.find(name)
        span = doc.char_span(at, at + len(name), alignment_mode="expand") if at >= 0 else None
        if span is not None and span.root.dep_ in SUBJECT_DEPS:
            return name
    return names[0]


def _with_fillers(
    query: _Query, reader: _Reader, hits: Sequence[Hit], candidates: list[_Candidate]
) -> list[_Candidate]:
    """The candidates, with the names the parse puts in the asked role brought forward.

    A name NER missed ("Voss" in "Voss praised the crew") votes as a candidate found by NER
    in that sentence would. One NER found but voted down ("the state agency Nordpress", under
    names of the wrong people) moves up to be tried, when its label fits the kind asked. A
    name the question gives, or a nationality, is left out.
    """
    assert reader.asked is not None and query.kind is not None
    main = _KINDS[query.kind][0]
    label = sorted(main)[0]
    best = hits[0].score or 1.0
    out = list(candidates)
    added: dict[str, _Candidate] = {}
    for rank, hit in enumerate(hits[:MAX_EVIDENCE_READ]):
        if not reader.statement(hit):
            continue
        doc = reader.doc(hit.text)
        for name in roles.fillers(reader.asked, doc, place=query.kind == "place"):
            low = name.lower()
            if set(terms(name)) <= query.asked or _is_group(name):
                continue  # the question's own name; "the Australian" names no one
            known = next(
                (
                    c
                    for c in out
                    if any(low in f.lower() or f.lower() in low for f in (c.text, *c.aliases))
                ),
                None,
            )
            if known is not None:
                at = out.index(known)
                fits = known.label in main or known.label in {"NORP", _CHUNK}
                if at >= MAX_HEADS_TRIED and fits:
                    out.insert(MAX_HEADS_TRIED - 1, out.pop(at))
                continue
            weight = (hit.score / best) ** SCORE_POWER / (1 + RANK_DECAY * rank)
            if low in added:
                added[low].score += weight
                added[low].hits.append(rank)
            else:
                added[low] = _Candidate(name, label, weight, [rank], (name,))
    if added:
        out = sorted([*out, *added.values()], key=lambda c: (-c.score, c.hits[0]))
    return out


def _quoted(
    best: Hit, hits: Sequence[Hit], floor: float, ids: list[int], settings: Settings
) -> Answer:
    """The evidence itself as the answer, citing every source that states it too."""
    same = {ids[best.source]}
    for hit in hits[1:]:
        if (
            hit.score >= floor
            and float(hit.vector @ best.vector) >= settings.summary.align_threshold
        ):
            same.add(ids[hit.source])
    return _told([best.text], sorted(same))


def _described(
    reader: _Reader, hits: Sequence[Hit], floor: float, ids: list[int], settings: Settings
) -> Answer | None:
    """What the best sentences say the one asked about ("Who is X?") is; None when none says."""
    assert reader.asked is not None
    # A name is given once or twice in a story, seldom in the sentences closest to "name of
    # the ship": every hit is read for it.
    read = hits if roles.naming(reader.asked) is not None else hits[:MAX_EVIDENCE_READ]
    statements = [h for h in read if reader.statement(h)]
    # What is said of X ("X, the envoy to ...") before the title written in front of the name.
    found = (
        (hit, described)
        for titles in (False, True)
        for hit in statements
        if (described := roles.definition(reader.asked, reader.doc(hit.text), titles=titles))
    )  # lazy: read only up to the first sentence that says
    for hit, described in itertools.islice(found, 1):
        answer = _quoted(hit, hits, floor, ids, settings)
        quote = _quote(hit.text, described, SHORT_QUOTE_CHARS)
        return replace(
            answer,
            text=f"{described} — “{quote}” {_marks(answer.citations)}",
            short_answer=described,
        )
    return None


_STANDS_FOR = re.compile(
    rf"\b(?i:what (?:does|do|did) (?:the )?)(?P<acronym>{ACRONYM_FORM})(?i: stands? for)\b"
)


def _spelled(target: str | None, index: QAIndex) -> Answer | None:
    """What an acronym asked about stands for ("What is KCNA?"), where a source spells it out.

    The first sentence to spell it out is quoted; every source that does is cited.
    """
    if target is None or not is_acronym(target):
        return None
    found: dict[int, tuple[str, str]] = {}  # source -> (name, sentence)
    for p, passage in enumerate(index.passages):
        if passage.is_title or passage.source in found:
            continue
        for sentence in index.sentences(p):
            name = spelled_out(sentence, target)
            if name is not None:
                found[passage.source] = (name, sentence)
                break
    if not found:
        return None
    name, sentence = next(iter(found.values()))
    cites = sorted(index.sources[k].id for k in found)
    return Answer(
        text=f"{name} — “{_quote(sentence, name, SHORT_QUOTE_CHARS)}” {_marks(cites)}",
        citations=cites,
        answered=True,
        short_answer=name,
        evidence=[sentence],
    )


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


_QUOTE = re.compile(r"[\"“”]|\b(?:said|says|told|added)\b")


MIN_LEAD_WORDS = 8  # a shorter first line is a teaser or a label, not the report's lead


def _lead(index: QAIndex) -> Answer:
    """What happened, asked of the story as a whole: the first source's lead.

    Its first whole sentence: a teaser line above the report ("Leaders of two towns exchange
    letters") has no closing stop.
    """
    for p, passage in enumerate(index.passages):
        if passage.is_title:
            continue
        for sentence in index.sentences(p):
            if len(sentence.split()) >= MIN_LEAD_WORDS and sentence.rstrip("”’\"')").endswith("."):
                return _told([sentence], [index.sources[passage.source].id])
    return _dont_say()


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
    return _told([sentence], [index.sources[index.passages[pick[0]].source].id])
