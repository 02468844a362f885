"""Candidate short answers to a typed question, voted on by the retrieved sentences.

Candidates come from the best sentences: spaCy entities of the kind asked (near kinds at half
weight), noun phrases for a thing, quoted titles for a work, "his 23rd season" for how many
seasons. Every retrieved sentence that holds one votes for it (AskMSR-style redundancy),
weighed by the sentence's score, closeness to the question's words and cues ("22 seasons" for
"how many seasons", a length of time in the unit asked, a country for "which country" by the
gazetteer in `places`), with the question's own words penalised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .. import places
from ..nlp import Chunk, entities, get_embedder, noun_chunks
from ..retrieve import Hit, QAIndex, terms
from .amounts import (
    _AMOUNT,
    _AMOUNTS,
    _CALENDAR_YEAR,
    _COUNTS,
    _HEDGE,
    _ORDINAL_COUNT,
    _ORDINAL_WORDS,
    HOW_MANY,
    _amount_key,
    _asked_time_unit,
    _counted,
    _counts,
    _in_time_unit,
    counts_something_else,
    no_count,
)
from .followups import _Query
from .norm import _norm
from .questions import (
    _CHUNK,
    _KINDS,
    DIRECTED_PLACE,
    HEADING_CUE,
    OTHER_PLACE_CUE,
    _heads,
    _phrases,
    direction,
)

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

    The answer to "Which club does Varn play for?" sits next to "Varn", not at the far
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
_PLACE_CUE = re.compile(
    r"\b(?:at|in|to|from|near|into|across|inside|outside|off)\s+(?:the\s+)?$", re.I
)
_DATE_CUE = re.compile(r"\b(?:on|in|since|by|until|before|after|from)\s+$", re.I)
HEADING_BONUS = 3.0  # "bound for X" answers "where was it going?"
OTHER_PLACE_WEIGHT = 0.3  # ... and "off X", "from X" or "near X" tells where it was, not where to
_POINT_IN_TIME = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|day\b|\b(?:week|month|"
    r"year|yesterday|today|tomorrow|tonight|morning|evening|night|spring|summer|autumn|fall|"
    r"winter)\b",
    re.IGNORECASE,
)


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


def _cue(
    kind: str,
    sentence: str,
    entity: str,
    asked: frozenset[str],
    copular: bool,
    *,
    heading: str | None = None,
) -> float:
    """Multiplier from the words around an entity occurrence.

    "at the Old Customs House" reads as a place and "on Tuesday" as a date; in "met the
    ambassador, Pavel Dunaj" the name restates the question's own "ambassador" (an
    appositive), so it is not the answer to "Who met the ambassador?" (it is to "Who is ...?").
    Asked where something was going (`heading` "to"), "bound for Kessling" answers and "off
    Marrowby Point" does not; asked where it came "from", "left Port Anselm" does.
    """
    at = sentence.find(entity)
    if at < 0:
        return 1.0
    before = sentence[max(0, at - 40) : at]
    after = sentence[at + len(entity) : at + len(entity) + 40]
    factor = 1.0
    if kind == "place" and _PLACE_CUE.search(before):
        factor *= 2.0  # "at the Old Customs House": a venue even when spaCy calls it an ORG
    if heading is not None:
        if HEADING_CUE[heading].search(before):
            factor *= HEADING_BONUS
        elif OTHER_PLACE_CUE[heading].search(before):
            factor *= OTHER_PLACE_WEIGHT
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

    For "Which bird does Aviora want to revive?", "the great auk" gives "great auk" and "extinct
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


_POSSESSIVE = re.compile(r"\s*['’]s$")


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
    things: str | None,
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
            # The small model calls a region a group now and then ("from Cornwall"): a NORP
            # that is no nationality, religion or party may be a place, as a near label.
            region = label == "NORP" and query.kind == "place" and not _is_group(text)
            if label not in main and label not in fallback and not region:
                continue
            if label == "NORP" and query.kind == "person" and _is_group(text):
                continue  # "Australian", "Republicans": a group, never the person asked for
            # A quote mark spaCy took into the name ("\"Everything Everywhere ...") is not in it,
            # nor a possessive ("former VP Mike Pence's home").
            text = _POSSESSIVE.sub("", text.strip().strip('"“”‘’').lstrip("'").strip())
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
            if things is not None and no_count(text, things):
                continue  # "three times", "2018" or "75%" is no answer to "how many missiles"
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
    # "How many missiles": a count of things, which a share, a sum or a time never is.
    things = unit if query.kind == "number" and HOW_MANY.search(query.text) else None
    gate = _place_gate(query) if query.kind == "place" else None
    named_countries = (
        places.countries_named_in(query.text) if query.kind == "place" else frozenset()
    )
    asked_time = _asked_time_unit(query.text) if query.kind == "span" else None
    heading = direction(query.kind, query.text)
    # First the forms, then every place a form occurs in the best hits.
    seen = _forms(
        query,
        hits,
        found,
        unit=unit,
        things=things,
        asked_time=asked_time,
        gate=gate,
        named_countries=named_countries,
    )
    forms, surfaces, nationalities = seen.shown, seen.surfaces, seen.nationalities
    if heading is not None:
        # Where it was bound for (or came from), though the tagger missed the name or read it
        # as a person.
        for hit in hits[:ENTITY_SENTENCES]:
            for place in (m.group(1) for m in DIRECTED_PLACE[heading].finditer(hit.text)):
                if not set(terms(place)) <= query.asked:
                    forms.setdefault(_norm(place), (place, "GPE", 1.0))
                    surfaces.setdefault(_norm(place), set()).add(place)
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
            continue  # "About 40 Norwegian pupils will visit which US state?": not Norway
        if named_countries and places.country(text) in named_countries:
            continue  # "US jets shot down a balloon. Which country ...?": not the U.S.
        fit = _place_fit(gate, text, label) if gate else 1.0
        if key in seen.off_unit:
            fit *= UNIT_MISMATCH
        aliases = [text, *sorted(surfaces[key] - {text}, key=len, reverse=True), *demonyms]
        # "... was the first keeper of the light in how many centuries?": the question's own "first"
        # is no count it asks for.
        worded = [a for a in aliases if not any(ch.isdigit() for ch in a)]
        if query.kind in _AMOUNTS and any(set(terms(a)) <= query.asked for a in worded if terms(a)):
            continue
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
            score *= _cue(
                query.kind, hit.text, match.group(), query.asked, copular, heading=heading
            )
            if unit is not None:
                # "how many seasons": "22" in "22 seasons" answers it, "two" in "two for the
                # Buccaneers" does not; "how many centuries": "2013" is no count.
                following = terms(hit.text[match.end() : match.end() + 30])
                # "met Kim three times" and "a two-track solution" count no missiles.
                if things is not None:
                    amount = [*terms(match.group()), *following[:1]]
                    joined = hit.text[match.end() : match.end() + 1] == "-"
                    if counts_something_else(amount, things, named=things in terms(hit.text)) or (
                        joined and following[:1] != (things,)
                    ):
                        continue
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
    main = _KINDS[query.kind][0]
    keys = sorted(pool, key=len)
    for short in keys:
        for long in keys:
            # A title cut short by the tagger ("Everything Everywhere") is the full one too.
            part = long.endswith(" " + short) or (
                query.kind == "work" and long.startswith(short + " ")
            )
            if long != short and part and long in pool and short in pool:
                rare = pool[long].score < LONG_FORM_SHARE * pool[short].score
                # "Mike Pence" (a person) over "VP Mike Pence" (taken for a firm) for "who".
                better_label = pool[short].label in main and pool[long].label not in main
                keep, drop = (
                    (short, long)
                    if (pool[short].label == _CHUNK and rare) or better_label
                    else (long, short)
                )
                pool[keep].score += pool[drop].score
                pool[keep].hits = sorted(set(pool[keep].hits + pool[drop].hits))
                pool[keep].aliases += pool[drop].aliases
                del pool[drop]
                break
    return sorted(pool.values(), key=lambda c: (-c.score, c.hits[0]))


def _placed(candidate: _Candidate, hits: Sequence[Hit]) -> bool:
    """Whether a name is written as a place in one of its sentences: after "at", "in", "from".

    spaCy calls a venue a firm now and then ("at the Apollo Theater"), so a firm may answer
    "where?"; but one never written where something is ("performs with Dipset", "a modified
    Boeing 747") is no place.
    """
    forms = {candidate.text.lower(), *(a.lower() for a in candidate.aliases)}
    for rank in candidate.hits:
        text = hits[rank].text.lower()
        for form in forms:
            at = text.find(form)
            while at >= 0:
                if _PLACE_CUE.search(text[max(0, at - 40) : at]):
                    return True
                at = text.find(form, at + 1)
    return False


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
