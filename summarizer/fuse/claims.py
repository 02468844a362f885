"""Claims: what a sentence states, apart from the words only its outlet wraps it in (stage 5).

Two outlets rarely write one fact in the same sentence. One adds "the regional water authority
said", the other opens with "For his part," or "He"; one names a man's age in an appositive,
the other does not. Read with spaCy's dependency parse, each candidate sentence yields claims
(coordinated clauses sharing a subject are separate claims), and each claim comes in wordings
from the fullest to the barest, every one self-contained:

0. `written`: the sentence with a leading connective ("Also", "However", "For his part") and a
   mid-sentence "also" dropped, and a leading "He"/"She"/"His"/"Her" replaced by the person
   the sentence before names;
1. `full`: also without tail attribution (", police said", "according to the agency");
2. `plain`: also without separable detail: appositives, non-restrictive relative clauses,
   parentheses and dashed asides;
3. `unattributed`: also without head attribution ("Police said that ..." -> "...").

The fuse stage prints the fullest wording that the most outlets verifiably carry; a fact it
cites to several outlets loses the attribution only one of them gives. A wording
that still opens with a word pointing back at an earlier sentence ("They", "The move") is
marked dangling and is never printed. A direct quotation keeps its speaker, and so does a
view (`_attribution`). The parse is cut into wordings by keep-masks (`_masks`); a fragment, a
remnant or a question is no wording (`_fragments`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_field
from typing import TYPE_CHECKING

from ..nlp import FACT_LABELS, NUMERIC_LABELS, SUBJECT_DEPS, Entity, parse
from ..text import PARTS_OF_DAY, SAYING_VERBS
from ..verify import content_words, normalise_tokens
from ._attribution import drop_head_attribution, drop_tail_attribution, reported_clause
from ._fragments import (
    headless,
    inverted,
    lost_subject,
    only_described,
    only_subordinate,
    quote_and_remnant,
    says_nothing,
    subject_cut,
)
from ._masks import (
    MIN_CLAIM_WORDS,
    MIN_MAIN_CLAUSE_WORDS,
    drop_asides,
    drop_connectives,
    drop_dateline,
    drop_with_commas,
    first_kept,
    is_finite,
    quoted_tokens,
    split_coordination,
    split_semicolon,
)
from ._nothing import tells_nothing
from ._pointing import (
    BARE_QUOTE,
    bare_comparison,
    bare_quantity,
    clause_pronoun,
    dangling_opener,
    demonstrative,
    elided_count,
    elided_verb,
    imperative,
    infinitive_subject,
    interjection,
    object_pronoun,
    personal_voice,
    pointing_place,
    quotation_points_back,
)
from ._render import QUOTE_CHARS, render
from ._speakers import Reader, pointing_pronoun, resolve_pronoun, speaker_before

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..models import Sentence

__all__ = ["Claim", "Wording", "claims_of", "dangling_opener"]

MAX_PRUNED_SHARE = 0.4  # a modifier longer than this share of the sentence is its news
# Dependencies of modifiers that a claim can lose and still say its news; and of the parts it
# cannot lose (a name there is what the claim is about).
_PRUNABLE = frozenset(
    {"prep", "npadvmod", "advmod", "appos", "advcl", "acl", "relcl", "amod", "nmod", "tmod"}
)
_PARTITIVE_NOUNS = frozenset(
    {"half", "part", "rest", "most", "majority", "share", "percent", "bulk"}
)
_CORE = frozenset({"nsubj", "nsubjpass", "ROOT", "ccomp", "xcomp", "attr", "csubj"})
# A quotation closed by its own punctuation ('..., "it is the largest ever found," X told Y') is
# speech, whose speaker's verb stays; a quoted phrase ('charged with "luring"') is not.
_REPORTED_SPEECH = re.compile(r"[,.?!][\"”]\s")
_ORDINAL_NUMBER = re.compile(r"\d+(?:st|nd|rd|th)")
_ENDS = frozenset({",", ".", ";", ":", "!", "?", ")", "”", '"', "’"})


@dataclass(frozen=True, slots=True)
class Wording:
    """One self-contained way to state a claim, with the names and numbers it holds."""

    text: str
    entities: tuple[Entity, ...]
    dangling: bool
    attributed: bool = False  # ends in its outlet's attribution (", police said")
    # Cut of who said it ("Shah said ...", "..., police said") or of who a person named is
    # ("Odile Franck, the astronomer who led the work"): from one outlet alone, the first states
    # as fact what someone said, the second names a stranger.
    drops_who: bool = False
    # ... of the second kind: who a person named is, which no outlet's attribution makes up for.
    drops_role: bool = False
    # Dangling only because it points back: it reads on right after the sentence its article
    # puts before it ("He was 91."), where a reader finds what it points at.
    reads_on: bool = False

    @property
    def words(self) -> int:
        """Its length in words."""
        return len(self.text.split())


@dataclass(slots=True)
class Claim:
    """One claim of one source sentence, in wordings from the fullest to the barest."""

    sentence: Sentence
    wordings: list[Wording] = field(default_factory=list)
    clause: bool = False  # one of the sentence's coordinated clauses, not all it states
    # How each wording was cut from the parse: kept tokens, and words put in for pronouns.
    _doc: Doc | None = None
    _masks: list[list[bool]] = field(default_factory=list)
    _replace: dict[int, str] = field(default_factory=dict)
    _extra: list[Entity] = field(default_factory=list)

    def told_words(self, wording: Wording) -> set[str]:
        """The content words of what a wording reports someone said, less names and numbers.

        "Varga said her teams had reached the ship" tells {teams, reached, ship}: the speaker
        and the verb say who spoke, not what. Empty when the sentence reports no one's words.
        """
        clause = reported_clause(self._doc) if self._doc is not None else None
        if clause is None:
            return set()
        said = content_words(" ".join(t.text for t in clause.subtree))
        named = {t for e, _ in wording.entities for t in normalise_tokens(e)}
        return (said & content_words(wording.text)) - named - SAYING_VERBS

    def without(self, wording: Wording, names: Sequence[str]) -> Wording | None:
        """The wording with the modifiers that hold these names cut out, when that is possible.

        Only a modifier goes ("at Harrow Stadium", "on Saturday night", "honoring the captain");
        a name that is the subject or an object of the main clause cannot be cut, and nor can a
        modifier that carries most of the sentence. None when nothing could be cut.
        """
        if self._doc is None or wording not in self.wordings:
            return None
        doc = self._doc
        mask = list(self._masks[self.wordings.index(wording)])
        before = sum(mask)
        quoted = quoted_tokens(doc)
        for span in doc.ents:
            if span.text not in names or not all(mask[t.i] for t in span):
                continue
            # "the first officer to be killed" is not "the officer ...", nor is "the 265th
            # keeper" (which the tagger may call a building) "the keeper".
            if span.label_ == "ORDINAL" or _ORDINAL_NUMBER.fullmatch(span.text):
                return None
            # "an NBC/WSJ poll" would leave "an /WSJ poll" or "an poll".
            left = doc[span.start - 1] if span.start > 0 else None
            right = doc[span.end] if span.end < len(doc) else None
            glued = any(t is not None and t.text in {"/", "-", "&"} for t in (left, right))
            named = span.label_ not in NUMERIC_LABELS  # "90 km/h" loses its "/h" with it
            # Cut alone, the name would leave "an /WSJ poll" or "an meeting".
            inseparable = named and (glued or (left is not None and left.lower_ == "an"))
            node = span.root
            compound = (
                node.dep_ == "compound"
                and node.head.pos_ == "NOUN"
                and not span.start <= node.head.i < span.end
            )
            if compound and span.label_ in {"DATE", "TIME"}:
                node = node.head  # "on Monday evening" goes whole, not "on evening"
            elif compound and not inseparable:
                # A name that only qualifies a common noun: "an iconic Harrow rap duo".
                if any(i in quoted for i in range(span.start, span.end)):
                    return None
                for i in range(span.start, span.end):
                    mask[i] = False
                continue
            elif compound:
                node = node.head  # "in an Oval Office meeting" goes whole
            elif inseparable:
                return None
            # "wiping all of 2018's gains" is not "wiping all": a part goes with its whole.
            while node.dep_ not in _PRUNABLE or _partitive_of(node):
                if node.head.i == node.i or node.dep_ in _CORE:
                    return None
                node = node.head
            # "up to 70 km/h": the word the modifier hangs from goes with it.
            # ... and so does a participle left with nothing ("a new series starting in May",
            # "formerly known as the Lark Ferry Company").
            while (
                (
                    node.head.pos_ in {"ADP", "ADV", "PART"}
                    or (node.head.tag_ in {"VBG", "VBN"} and node.head.dep_ in {"acl", "advcl"})
                )
                and node.head.dep_ in _PRUNABLE | {"prt"}
                and all(
                    c.i == node.i or c.is_punct or c.dep_ in {"advmod", "neg"}
                    for c in node.head.children
                )
            ):
                node = node.head
            # "on the evening of Nov. 23": "on the evening" alone says no evening.
            part_of_day = node.head.lower_ in PARTS_OF_DAY and node.lower_ == "of"
            if part_of_day and node.head.dep_ == "pobj" and node.head.head.dep_ in _PRUNABLE:
                node = node.head.head
            # "is based in Harrow", "was born in 1990": the passive says nothing without it.
            if _sole_complement(node) or _place_of_living(node):
                return None
            subtree = list(node.subtree)
            if len(subtree) > MAX_PRUNED_SHARE * before:
                return None
            start, end = subtree[0].i, subtree[-1].i + 1
            # What is glued on in writing goes too: the "/h" of "90 km/h".
            while end < len(doc) and not doc[end - 1].whitespace_ and doc[end].text not in _ENDS:
                end += 1
            # ", just 72 days into their marriage": the phrase hanging from the cut goes too.
            while (
                start > 0
                and doc[start - 1].text == ","
                and end < len(doc)
                and doc[end].dep_ == "prep"
                and not start <= doc[end].head.i < end
            ):
                end = doc[end].right_edge.i + 1
            if any(i in quoted for i in range(start, end)):
                return None  # a direct quotation is never cut into
            drop_with_commas(doc, mask, start, end)
        if sum(mask) == before:
            return None
        return _wording(doc, mask, self._replace, self._extra)


def _sole_complement(token: Token) -> bool:
    """Whether a phrase is all a passive verb says besides itself ("is based in Harrow")."""
    verb = token.head
    return (
        token.dep_ == "prep"
        and verb.tag_ == "VBN"
        and any(c.dep_ == "auxpass" for c in verb.children)
        and not any(
            c.i != token.i and c.dep_ in {"prep", "dobj", "attr", "oprd", "xcomp", "ccomp", "agent"}
            for c in verb.children
        )
    )


# Verbs that say little without where: "an Algerian who had lived for several years" is not
# "... who had lived in France for several years".
# (The parser runs without a lemmatizer: the forms are listed.)
_PLACE_VERBS = frozenset(
    {
        "live", "lives", "lived", "living", "reside", "resides", "resided", "residing",
        "settled", "dwell", "dwells", "dwelt", "stay", "stays", "stayed", "staying", "based",
        "located",
    }
)  # fmt: skip
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "on", "inside", "outside", "around"})


def _place_of_living(token: Token) -> bool:
    """Whether a phrase is where a verb of living or being based is ("lived in France")."""
    return (
        token.dep_ == "prep"
        and token.lower_ in _PLACE_PREPOSITIONS
        and token.head.lower_ in _PLACE_VERBS
    )


def _partitive_of(token: Token) -> bool:
    """Whether a token is the "of" of a word that counts out part of it ("all of", "half of")."""
    head = token.head
    partitive = head.pos_ in {"PRON", "DET", "NUM"} or head.lower_ in _PARTITIVE_NOUNS
    return token.dep_ == "prep" and token.lower_ == "of" and partitive


def claims_of(
    sentences: Sequence[Sentence],
    article_sentences: Sequence[Sequence[str]],
    *,
    model: str,
) -> list[list[Claim]]:
    """The claims of each sentence, read from one batch of spaCy parses.

    Args:
        sentences: the candidate sentences.
        article_sentences: every sentence of each article in reading order (for the person a
            leading pronoun stands for).
        model: the spaCy pipeline.

    Returns:
        Per sentence, its claims (one, or one per coordinated clause); each has at least one
        wording, possibly dangling.
    """
    docs = parse([s.text for s in sentences], model=model)
    # A sentence before a pronoun or a lone quotation is often a candidate parsed here already.
    known = {s.text: d for s, d in zip(sentences, docs, strict=True)}

    def read(text: str) -> Doc:
        if text not in known:
            (known[text],) = parse([text], model=model)
        return known[text]

    out: list[list[Claim]] = []
    for sentence, doc in zip(sentences, docs, strict=True):
        previous = article_sentences[sentence.article][: sentence.position]
        out.append(_claims(sentence, doc, previous, read))
    return out


def _claims(sentence: Sentence, doc: Doc, previous: Sequence[str], read: Reader) -> list[Claim]:
    keep = [True] * len(doc)
    replace: dict[int, str] = {}
    extra: list[Entity] = []
    if headless(doc):
        return [_unprintable(sentence, doc)]
    drop_dateline(doc, keep)
    drop_connectives(doc, keep)
    start = first_kept(keep)
    pronoun = pointing_pronoun(doc, keep, start=start, quoted=quoted_tokens(doc))
    name = None if pronoun is None else resolve_pronoun(doc, pronoun, previous, read)
    if pronoun is not None and name is not None:
        replace[pronoun] = name
        extra.append((name.removesuffix("'s"), "PERSON"))
    elif pronoun is not None and pronoun != start:
        # '"...," he said' or "In a call to action, they said" with no one to put in: who it
        # is stays unknown. (An opening "He" marks the wordings dangling; a clause after it may
        # still stand alone.)
        return [_unprintable(sentence, doc, reads_on=True)]
    elif BARE_QUOTE.match(doc.text.strip()):
        # A quotation alone continues the one before it: its speaker is named there.
        # What is left once an opening "However" is off.
        kept = "".join(t.text_with_ws for t in doc if keep[t.i])
        found = None if quotation_points_back(kept) else speaker_before(previous, read)
        if found is not None:
            speaker, verb = found
            first = first_kept(keep)
            replace[first] = f"{speaker} {verb}: {doc[first].text}"
            extra.append((speaker, "PERSON"))  # checked as a name, whatever its label
    elif quotation_points_back(doc.text):
        # 'Cymrot said: "They make me blush."': what "they" are, the sentence before told.
        return [_unprintable(sentence, doc, reads_on=True)]
    quoted = any(c in doc.text for c in QUOTE_CHARS)
    # A sentence that opens with a quotation is speech and needs its speaker; a quoted phrase
    # inside a clause ('was charged with "child luring"') leaves the outlet's tail separable.
    speech = doc.text.lstrip().startswith(tuple(QUOTE_CHARS + "‘'")) or bool(
        _REPORTED_SPEECH.search(doc.text)
    )
    written = list(keep)
    drop_tail_attribution(doc, keep, quoted=speech)
    full = list(keep)
    plain = list(full)
    drop_asides(doc, plain)
    unattributed = list(plain)
    if not quoted:
        drop_head_attribution(doc, unattributed)

    masks = [written, full, plain, unattributed]
    claims = [_claim(sentence, doc, masks, replace, extra)]
    split = split_semicolon(doc, full) or split_coordination(doc, full)
    if split is not None:
        # "..., but first, the lingerie will be sold ...": the clause loses its link too.
        for part in split:
            drop_connectives(doc, part)
        # A clause is read from the wording without the tail attribution: it has lost who
        # said it whenever the sentence had one.
        speaker_cut = written != full
        for part in split:
            # "... described the harbour board as a relic and called for it to be broken up":
            # alone, the second clause says what "it" is.
            named, named_extra = _object_cut_away(doc, part)
            claims.append(
                _claim(
                    sentence, doc, [_and(m, part) for m in masks], replace | named,
                    extra + named_extra, clause=True, speaker_cut=speaker_cut,
                )
            )  # fmt: skip
    return [c for c in claims if c.wordings] or [_unprintable(sentence, doc)]


_OBJECT_REFERENT = {"it": frozenset({"NN", "NNP"}), "them": frozenset({"NNS", "NNPS"})}
# Parts of a noun phrase before its noun that may stand for it; what follows it is cut.
_NOUN_PHRASE_DEPS = frozenset({"det", "compound", "amod", "nummod", "poss", "case"})


def _object_cut_away(doc: Doc, part: list[bool]) -> tuple[dict[int, str], list[Entity]]:
    """What "it" or "them" in a clause stands for: the object of the clause it was cut from.

    "The board described the pier as a relic and called for it to be broken up": the clause
    "The board called for it to be broken up" reads "... for the pier to be broken up". Only
    where the main verb has one object, of the pronoun's number and no person, that the clause
    leaves out, and the pronoun is an object or the subject of "for ... to"; "made it clear"
    keeps its "it".
    """
    root = doc[:].root
    objects = [c for c in root.children if c.dep_ == "dobj"]
    if len(objects) != 1 or part[objects[0].i]:
        return {}, []
    noun = objects[0]
    if noun.pos_ not in {"NOUN", "PROPN"} or noun.ent_type_ in {"PERSON", "NORP"}:
        return {}, []
    pronouns = [
        t for t in doc
        if part[t.i] and t.lower_ in _OBJECT_REFERENT and noun.tag_ in _OBJECT_REFERENT[t.lower_]
        and (
            (t.dep_ in {"dobj", "pobj"} and not any(
                c.dep_ in {"xcomp", "ccomp", "acomp", "oprd"} for c in t.head.children
            ))
            or infinitive_subject(t)
        )
    ]  # fmt: skip
    if len(pronouns) != 1 or pronouns[0].i in quoted_tokens(doc):
        return {}, []
    start = noun.i
    while start > 0 and doc[start - 1].dep_ in _NOUN_PHRASE_DEPS and doc[start - 1].head.i >= start:
        start -= 1
    phrase = doc[start : noun.i + 1]
    if any(t.is_punct for t in phrase):
        return {}, []
    names = [(e.text, e.label_) for e in doc.ents if start <= e.start and e.end <= noun.i + 1]
    # "bought two ferries and sold them": "sold the two ferries", not any two.
    first = phrase[0]
    text = phrase.text
    if first.dep_ == "det" and first.lower_ in {"a", "an", "some", "another"}:
        text = "the " + phrase[1:].text
    elif first.dep_ not in {"det", "poss"} and noun.pos_ == "NOUN":
        text = "the " + text
    return {pronouns[0].i: text}, names


def _unprintable(sentence: Sentence, doc: Doc, *, reads_on: bool = False) -> Claim:
    """The sentence as one claim never printed alone (still evidence that its outlet tells it).

    `reads_on`: it may still follow the sentence before it (`Wording.reads_on`).
    """
    ents = _fact_entities(doc, [True] * len(doc))
    return Claim(sentence, [Wording(sentence.text, ents, True, reads_on=reads_on)])


def _and(a: list[bool], b: list[bool]) -> list[bool]:
    return [x and y for x, y in zip(a, b, strict=True)]


def _claim(
    sentence: Sentence,
    doc: Doc,
    masks: list[list[bool]],
    replace: dict[int, str],
    extra: list[Entity],
    *,
    clause: bool = False,
    speaker_cut: bool = False,
) -> Claim:
    claim = Claim(sentence, clause=clause, _doc=doc, _replace=replace, _extra=extra)
    seen: set[str] = set()
    for n, mask in enumerate(masks):
        wording = _wording(doc, mask, replace, extra)
        if wording is None or wording.text in seen or subject_cut(doc, masks[0], mask):
            continue
        if n == 0 and len(masks) > 1 and mask != masks[1]:
            wording = replace_field(wording, attributed=True)
        # Cut of its tail attribution, of a role or name beside a name, or of its speaker.
        cut_tail = n >= 1 and masks[0] != masks[1]
        cut_head = n == 3 and mask != masks[2]
        role_cut = n >= 1 and _drops_role(doc, masks[1], mask)
        if speaker_cut or cut_tail or cut_head or role_cut:
            wording = replace_field(wording, drops_who=True, drops_role=role_cut)
        seen.add(wording.text)
        claim.wordings.append(wording)
        claim._masks.append(mask)
    return claim


def _drops_role(doc: Doc, fuller: list[bool], mask: list[bool]) -> bool:
    """Whether a mask cuts, of what a fuller one keeps, an aside saying who or what one is."""
    return any(
        fuller[t.i] and not mask[t.i] and t.dep_ == "appos" and _names(t.head, t)
        for t in doc
    )  # fmt: skip


def _names(head: Token, appositive: Token) -> bool:
    """Whether an appositive says who or what its head is.

    A role for a name ("Ada Quill, the coxswain"), a name for a description ("the country's
    highest peak, Mount Harl").
    """
    named = head.ent_type_ == "PERSON" or head.pos_ == "PROPN"  # the tagger errs on names
    return (named and appositive.pos_ == "NOUN") or (
        head.pos_ == "NOUN" and appositive.pos_ == "PROPN"
    )


def _wording(
    doc: Doc, mask: list[bool], replace: dict[int, str], extra: list[Entity]
) -> Wording | None:
    first = first_kept(mask)
    # Only an opening cut off ("Weeks later", "Police said"): the main clause, short or not,
    # when someone named does something ("Trump fired Comey."; not "56 percent think not.").
    whole_rest = (
        first < len(doc)
        and all(mask[first:])
        and any(t.dep_ in SUBJECT_DEPS and t.pos_ == "PROPN" and mask[t.i] for t in doc)
    )
    min_words = MIN_MAIN_CLAUSE_WORDS if whole_rest and first > 0 else MIN_CLAIM_WORDS
    text = render(doc, mask, replace, min_words=min_words)
    if text is None:
        return None
    # Without a finite verb it is a fragment: a cut that took the last one ("Competition to land
    # the booking."), or a caption, teaser or broken line ("Part of the $25 level.").
    if not any(mask[t.i] for t in doc if is_finite(t)):
        return None
    quoted = quoted_tokens(doc)
    if quote_and_remnant(doc, mask, first, quoted) or says_nothing(doc, mask):
        return None
    if lost_subject(doc[first], mask) or inverted(doc[first], mask):
        return None
    if only_described(doc, mask) or only_subordinate(doc, mask):
        return None
    ents = _fact_entities(doc, mask) + tuple(e for e in extra if e[0] in text)
    # "Too many might not be." cut from "A few ferries are good, but too many might not be":
    # what it leaves out is in its own sentence's other clause, which no reading brings back.
    elided = elided_verb(doc, mask)
    # The reader addressed, the writer speaking, a promise of more: never a digest's line.
    alone_never = (
        imperative(doc, mask, first)
        or interjection(doc, first, quoted)
        or personal_voice(doc, mask, quoted)
        or tells_nothing(text)
        or (elided is not None and elided.dep_ == "conj")
    )
    pointing = (
        dangling_opener(text)
        or demonstrative(doc, mask, quoted)
        or bare_quantity(doc, mask, quoted)
        or object_pronoun(doc, mask, quoted, replace.keys())
        or pointing_place(doc, mask, quoted)
        or clause_pronoun(doc, mask, quoted, replace.keys())
        or bare_comparison(doc, mask, quoted)
        or elided is not None
        or elided_count(doc, mask)
    )
    return Wording(text, ents, alone_never or pointing, reads_on=pointing and not alone_never)


def _fact_entities(doc: Doc, keep: list[bool]) -> tuple[Entity, ...]:
    return tuple(
        (e.text, e.label_)
        for e in doc.ents
        if e.label_ in FACT_LABELS and all(keep[t.i] for t in e)
    )
