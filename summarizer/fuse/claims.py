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
marked dangling and is never printed. A direct quotation keeps its speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_field
from typing import TYPE_CHECKING

from ..nlp import FACT_LABELS, NUMERIC_LABELS, Entity, parse
from ..verify import POINTERS
from ._pointing import BARE_QUOTE, dangling_opener, first_person, imperative
from ._speakers import REPORTING, Reader, pointing_pronoun, resolve_pronoun, speaker_before

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..models import Sentence

__all__ = ["Claim", "Wording", "claims_of", "dangling_opener"]

MAX_ATTRIBUTION_TOKENS = 14  # ", the regional water authority's press office said on Monday."
MAX_ASIDE_TOKENS = 25  # a longer appositive or relative clause carries the sentence's news
MIN_CLAIM_WORDS = 5  # a shorter remnant is no statement
MAX_PRUNED_SHARE = 0.4  # a modifier longer than this share of the sentence is its news
# Dependencies of modifiers that a claim can lose and still say its news; and of the parts it
# cannot lose (a name there is what the claim is about).
_PRUNABLE = frozenset(
    {"prep", "npadvmod", "advmod", "appos", "advcl", "acl", "relcl", "amod", "nmod", "tmod"}
)
_CORE = frozenset({"nsubj", "nsubjpass", "ROOT", "ccomp", "xcomp", "attr", "csubj"})
MIN_SPLIT_TOKENS = 20  # a shorter sentence is read whole: its clauses make one statement
# Words that open a sentence by pointing back at the one before it.
_CONNECTIVES = frozenset(
    {"also", "and", "but", "however", "meanwhile", "still", "yet", "moreover", "furthermore",
     "instead", "then", "so", "additionally", "besides", "nonetheless", "nevertheless",
     "separately", "likewise", "similarly", "thus", "therefore", "hence", "plus", "indeed"}
)  # fmt: skip
_CONNECTIVE_PHRASES = (
    ("for", "his", "part"), ("for", "her", "part"), ("for", "its", "part"),
    ("for", "their", "part"), ("in", "addition"), ("on", "the", "other", "hand"),
    ("at", "the", "same", "time"), ("in", "turn"), ("by", "contrast"), ("in", "contrast"),
    ("as", "a", "result"), ("even", "so"), ("moments", "later"), ("seconds", "later"),
    ("minutes", "later"), ("shortly", "after"), ("soon", "after"),
)  # fmt: skip
_QUOTE_CHARS = '"“”'
# A quotation closed by its own punctuation ('..., "it is the largest ever found," X told Y') is
# speech, whose speaker's verb stays; a quoted phrase ('charged with "luring"') is not.
_REPORTED_SPEECH = re.compile(r"[,.?!][\"”]\s")
_ENDS = frozenset({",", ".", ";", ":", "!", "?", ")", "”", '"', "’"})
_OPEN_PUNCT = ",;:—–-"


@dataclass(frozen=True, slots=True)
class Wording:
    """One self-contained way to state a claim, with the names and numbers it holds."""

    text: str
    entities: tuple[Entity, ...]
    dangling: bool
    attributed: bool = False  # ends in its outlet's attribution (", police said")

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
        quoted = _quoted_tokens(doc)
        for span in doc.ents:
            if span.text not in names or not all(mask[t.i] for t in span):
                continue
            # "an NBC/WSJ poll" would leave "an /WSJ poll" or "an poll".
            left = doc[span.start - 1] if span.start > 0 else None
            right = doc[span.end] if span.end < len(doc) else None
            glued = any(t is not None and t.text in {"/", "-", "&"} for t in (left, right))
            named = span.label_ not in NUMERIC_LABELS  # "90 km/h" loses its "/h" with it
            if named and (glued or (left is not None and left.lower_ == "an")):
                return None
            node = span.root
            if (
                node.dep_ == "compound"
                and node.head.pos_ == "NOUN"
                and not span.start <= node.head.i < span.end
            ):
                # A name that only qualifies a common noun: "an iconic Harrow rap duo".
                if any(i in quoted for i in range(span.start, span.end)):
                    return None
                for i in range(span.start, span.end):
                    mask[i] = False
                continue
            while node.dep_ not in _PRUNABLE:
                if node.head.i == node.i or node.dep_ in _CORE:
                    return None
                node = node.head
            # "up to 70 km/h": the word the modifier hangs from goes with it.
            while (
                node.head.pos_ in {"ADP", "ADV", "PART"}
                and node.head.dep_ in _PRUNABLE | {"prt"}
                and all(c.i == node.i or c.is_punct for c in node.head.children)
            ):
                node = node.head
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
            _drop_with_commas(doc, mask, start, end)
        if sum(mask) == before:
            return None
        return _wording(doc, mask, self._replace, self._extra)


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
    _drop_connectives(doc, keep)
    start = _first_kept(keep)
    pronoun = pointing_pronoun(doc, keep, start=start, quoted=_quoted_tokens(doc))
    name = None if pronoun is None else resolve_pronoun(doc, pronoun, previous, read)
    if pronoun is not None and name is not None:
        replace[pronoun] = name
        extra.append((name.removesuffix("'s"), "PERSON"))
    elif pronoun is not None and pronoun != start:
        # '"...," he said' or "In a call to action, they said" with no one to put in: who it
        # is stays unknown. (An opening "He" marks the wordings dangling; a clause after it may
        # still stand alone.)
        return [_unprintable(sentence, doc)]
    elif BARE_QUOTE.match(doc.text.strip()):
        # A quotation alone continues the one before it: its speaker is named there.
        found = speaker_before(previous, read)
        if found is not None:
            speaker, verb = found
            first = _first_kept(keep)
            replace[first] = f"{speaker} {verb}: {doc[first].text}"
            extra.append((speaker, "PERSON"))  # checked as a name, whatever its label
    quoted = any(c in doc.text for c in _QUOTE_CHARS)
    # A sentence that opens with a quotation is speech and needs its speaker; a quoted phrase
    # inside a clause ('was charged with "child luring"') leaves the outlet's tail separable.
    speech = doc.text.lstrip().startswith(tuple(_QUOTE_CHARS + "‘'")) or bool(
        _REPORTED_SPEECH.search(doc.text)
    )
    written = list(keep)
    _drop_tail_attribution(doc, keep, quoted=speech)
    full = list(keep)
    plain = list(full)
    _drop_asides(doc, plain)
    unattributed = list(plain)
    if not quoted:
        _drop_head_attribution(doc, unattributed)

    masks = [written, full, plain, unattributed]
    claims = [_claim(sentence, doc, masks, replace, extra)]
    split = _split_semicolon(doc, full) or _split_coordination(doc, full)
    if split is not None:
        claims += [
            _claim(sentence, doc, [_and(m, part) for m in masks], replace, extra, clause=True)
            for part in split
        ]
    return [c for c in claims if c.wordings] or [_unprintable(sentence, doc)]


def _unprintable(sentence: Sentence, doc: Doc) -> Claim:
    """The sentence as one claim never printed alone (still evidence that its outlet tells it)."""
    return Claim(sentence, [Wording(sentence.text, _fact_entities(doc, [True] * len(doc)), True)])


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
) -> Claim:
    claim = Claim(sentence, clause=clause, _doc=doc, _replace=replace, _extra=extra)
    seen: set[str] = set()
    for n, mask in enumerate(masks):
        wording = _wording(doc, mask, replace, extra)
        if wording is None or wording.text in seen:
            continue
        if n == 0 and len(masks) > 1 and mask != masks[1]:
            wording = replace_field(wording, attributed=True)
        seen.add(wording.text)
        claim.wordings.append(wording)
        claim._masks.append(mask)
    return claim


def _wording(
    doc: Doc, mask: list[bool], replace: dict[int, str], extra: list[Entity]
) -> Wording | None:
    text = _render(doc, mask, replace)
    if text is None:
        return None
    # Without a finite verb it is a fragment: a cut that took the last one ("Competition to land
    # the booking."), or a caption, teaser or broken line ("Part of the $25 level.").
    if not any(mask[t.i] for t in doc if t.tag_ in _FINITE_TAGS):
        return None
    ents = _fact_entities(doc, mask) + tuple(e for e in extra if e[0] in text)
    dangling = (
        dangling_opener(text)
        or imperative(doc, mask, _first_kept(mask))
        or first_person(doc, mask, _quoted_tokens(doc))
    )
    return Wording(text, ents, dangling)


def _fact_entities(doc: Doc, keep: list[bool]) -> tuple[Entity, ...]:
    return tuple(
        (e.text, e.label_)
        for e in doc.ents
        if e.label_ in FACT_LABELS and all(keep[t.i] for t in e)
    )


# ------------------------------------------------------------------------------- the edits


def _first_kept(keep: list[bool]) -> int:
    """The index of the first token a wording keeps (its length when it keeps none)."""
    return next((i for i, k in enumerate(keep) if k), len(keep))


def _quoted_tokens(doc: Doc) -> set[int]:
    """Indexes of the tokens between an opening and a closing quotation mark.

    Double marks, and British single ones ('‘We did not know,’ she said'): a lone "’" token is
    a closing mark only after an opening "‘" (else an apostrophe, as in "Jones’ car").
    """
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
    return inside


def _drop_with_commas(doc: Doc, keep: list[bool], start: int, end: int) -> None:
    """Drop tokens [start, end) and the commas that set them off.

    A comma on one side only stays where it separates what is left: "gusted, forecasters
    said" keeps it; an opening "According to police," or a closing ", police said" does not.
    """
    opening = start == _first_kept(keep)
    for i in range(start, end):
        keep[i] = False
    marks = {",", "—", "–"}
    before = start - 1 if start > 0 and doc[start - 1].text in marks else None
    after = end if end < len(doc) and doc[end].text in marks else None
    closing = all(not keep[i] or doc[i].is_punct for i in range(end, len(doc)))
    if before is not None and (after is not None or closing):
        keep[before] = False
    if after is not None and (before is not None or opening):
        keep[after] = False


def _drop_connectives(doc: Doc, keep: list[bool]) -> None:
    """'Also, ...', 'For his part, ...', '..., however, ...', 'She also found' lose the link."""
    start = _first_kept(keep)
    lowered = [t.lower_ for t in doc]
    for phrase in _CONNECTIVE_PHRASES:
        for i in range(len(doc) - len(phrase)):
            if tuple(lowered[i : i + len(phrase)]) != phrase:
                continue
            end = i + len(phrase)
            at_start = i == start and end < len(doc) and doc[end].text == ","
            inside = i > 0 and doc[i - 1].text == "," and end < len(doc) and doc[end].text == ","
            if at_start or inside:
                _drop_with_commas(doc, keep, i, end)
    start = _first_kept(keep)
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
    for token in doc:
        # "Goettler then called Anker" points back at what happened before; "then-president"
        # (glued to its hyphen) and "since then" do not.
        sequel = (
            token.lower_ == "then"
            and token.head.pos_ == "VERB"
            and token.i > 0
            and doc[token.i - 1].pos_ not in {"ADP", "SCONJ"}
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


def _drop_tail_attribution(doc: Doc, keep: list[bool], *, quoted: bool) -> None:
    """'X happened, police said.' -> 'X happened.'; 'according to Y' goes wherever it stands.

    A direct quotation keeps its tail: "'We will stay,' she said" needs its speaker.
    """
    for token in doc:
        if (
            token.lower_ == "according"
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ == "to"
        ):
            span = list(token.subtree)
            if len(span) <= MAX_ATTRIBUTION_TOKENS:
                _drop_with_commas(doc, keep, span[0].i, span[-1].i + 1)
    if quoted:
        return
    commas = [t.i for t in doc if t.text == "," and keep[t.i]]
    if not commas:
        return
    tail = [t for t in doc[commas[-1] + 1 :] if not t.is_punct]
    # "water-borne" or "state-owned" is an adjective here, not a second clause.
    verbs = [t for t in tail if t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"amod", "compound"}]
    if (
        tail
        and len(tail) <= MAX_ATTRIBUTION_TOKENS
        and len(verbs) == 1
        and verbs[0].lower_ in REPORTING
    ):
        for i in range(commas[-1], len(doc)):
            if not doc[i].is_punct or doc[i].text == ",":
                keep[i] = False


def _drop_head_attribution(doc: Doc, keep: list[bool]) -> None:
    """Drop head attribution: 'Police said (that) X.' becomes 'X.'."""
    root = doc[:].root
    if root.lower_ not in REPORTING:
        return
    said = [c for c in root.children if c.dep_ == "ccomp" and c.i > root.i]
    if not said:
        return
    clause = said[0]
    if clause.right_edge.i < len(doc) - 2:
        return  # more follows the clause: not a plain "X said Y"
    for i in range(clause.left_edge.i):
        keep[i] = False
    first = next((t for t in clause.subtree if keep[t.i]), None)
    if first is not None and first.dep_ == "mark" and first.lower_ == "that":
        keep[first.i] = False


def _drop_asides(doc: Doc, keep: list[bool]) -> None:
    """Appositives, non-restrictive relative clauses, parentheses and dashed asides.

    Never inside a direct quotation: what someone said is quoted whole or not at all.
    """
    quoted = _quoted_tokens(doc)
    for token in doc:
        if token.dep_ not in {"appos", "relcl"} and not (
            token.like_num and token.dep_ in {"npadvmod", "amod", "appos"}
        ):
            continue
        span = list(token.subtree)
        first, last = span[0].i, span[-1].i
        if any(i in quoted for i in range(first, last + 1)):
            continue
        set_off = first > 0 and doc[first - 1].text == ","
        closed = last + 1 >= len(doc) or doc[last + 1].is_punct
        # ", where the band played on tour, featuring Onyx": the participle after it tells of
        # the aside, whatever the parse says; without the aside it would tell of the subject.
        told_on = last + 2 < len(doc) and doc[last + 1].text == "," and doc[last + 2].tag_ in {
            "VBG", "VBN"
        }  # fmt: skip
        if set_off and closed and not told_on and len(span) <= MAX_ASIDE_TOKENS:
            _drop_with_commas(doc, keep, first, last + 1)
    opened: int | None = None
    for token in doc:
        if token.text == "(":
            opened = token.i
        elif token.text == ")" and opened is not None:
            if token.i - opened <= MAX_ASIDE_TOKENS:
                for i in range(opened, token.i + 1):
                    keep[i] = False
            opened = None
    dashes = [t.i for t in doc if t.text in {"—", "–", "--"}]
    root = doc[:].root.i
    for a, b in zip(dashes[::2], dashes[1::2], strict=False):
        # Dashes that pair wrongly ("hungry – whose score ... - spent 64% more – even") would
        # take the main verb with them.
        if b - a <= MAX_ASIDE_TOKENS and not a < root < b:
            for i in range(a, b + 1):
                keep[i] = False


def _split_semicolon(doc: Doc, keep: list[bool]) -> list[list[bool]] | None:
    """'A happened; B followed' -> masks for 'A happened' and 'B followed'.

    Only where each side is a clause of its own (a subject, a finite verb, enough words) and the
    semicolon stands outside quotation marks and brackets; a list "a; b; c" is no such split.
    """
    quoted = _quoted_tokens(doc)
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
        finite = any(part[t.i] for t in doc if t.tag_ in _FINITE_TAGS)
        subject = any(part[t.i] for t in doc if t.dep_ in _SUBJECTS)
        if not (finite and subject) or sum(part) < MIN_CLAIM_WORDS:
            return None
        if doc[last].is_punct:
            part[last] = True
    return parts


def _split_coordination(doc: Doc, keep: list[bool]) -> list[list[bool]] | None:
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
    # A verb inside brackets the root is not in belongs to the aside, not to the subject.
    opened = doc[root.i : second.i].text.count("(") - doc[root.i : second.i].text.count(")")
    if opened > 0:
        return None
    subject = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}]
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
    # "was charged with luring and attempting to ...": a gerund after a finite verb is more
    # likely a misparsed list item than a second predicate of the subject.
    if not own_subject and second.tag_ != root.tag_:
        return None
    tail = set(t.i for t in second.subtree)
    # The conjunction and comma joining the clauses belong to neither.
    joints = {c.i for c in root.children if c.dep_ in {"cc", "punct"} and c.i < second.left_edge.i}
    joints = {i for i in joints if i > max((t.i for t in root.lefts), default=-1)}
    first = [keep[i] and i not in tail and i not in joints for i in range(len(doc))]
    if own_subject:
        second_mask = [keep[i] and i in tail for i in range(len(doc))]
        # "..., and all 23 of its crew were rescued": the pronoun points into the first clause.
        if any(doc[i].lower_ in POINTERS for i in tail):
            return None
    else:
        shared = {t.i for s in subject for t in s.subtree}
        if not any(c.dep_ in {"aux", "auxpass"} for c in second.children):
            shared |= {c.i for c in root.children if c.dep_ in {"aux", "auxpass", "neg"}}
        second_mask = [keep[i] and (i in tail or i in shared) for i in range(len(doc))]
    # The final full stop ends both.
    last = len(doc) - 1
    if doc[last].is_punct:
        first[last] = second_mask[last] = True
    if sum(first) < MIN_CLAIM_WORDS or sum(second_mask) < MIN_CLAIM_WORDS:
        return None
    return [first, second_mask]


# ------------------------------------------------------------------------------ rendering

_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})

_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)”’%])")
_REPEATED_COMMA = re.compile(r"(?:\s*,){2,}")
_COMMA_BEFORE_END = re.compile(r"[,;:\s—–-]+([.!?][\"”’)]*)$")


def _render(doc: Doc, keep: list[bool], replace: dict[int, str]) -> str | None:
    """The kept tokens as a sentence: punctuation tidied, capitalised, ended; None if broken."""
    if not any(keep):
        return None
    # A token glued to punctuation that is dropped ("Hald" in "Hald, for her part,") needs a space.
    parts = [
        replace.get(t.i, t.text)
        + (t.whitespace_ or ("" if t.i + 1 >= len(doc) or keep[t.i + 1] else " "))
        for t in doc
        if keep[t.i]
    ]
    text = "".join(parts).strip()
    text = re.sub(r"\s*\(\s*\)", "", text)  # brackets whose content was cut
    text = _REPEATED_COMMA.sub(",", text)
    text = text.lstrip(_OPEN_PUNCT + " ")
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _COMMA_BEFORE_END.sub(r"\1", text)
    text = re.sub(r"(\.[a-z]\.)\.$", r"\1", text)  # "at 4 a.m." keeps one full stop
    text = re.sub(r"[,;:]([”\"’])\.$", r".\1", text)  # '... "hostile forces,".' -> '... forces."'
    text = text.rstrip(_OPEN_PUNCT + " ")
    if not text:
        return None
    if not re.search(r"[.!?][\"”’)]*$", text):
        text = text.rstrip('"”’') + "."
        if text.count('"') % 2 or text.count("“") != text.count("”"):
            return None
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return None
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return None
    if len(text.split()) < MIN_CLAIM_WORDS:
        return None
    lead = next((i for i, c in enumerate(text) if c.isalnum()), 0)
    return text[:lead] + text[lead].upper() + text[lead + 1 :]
