"""Candidate sentences of a story and their scores (stage 5, before claims are read).

A candidate is a whole statement (no caption, byline, junk or run-on), not a subtitle line that
the lead restates; its score adds how closely the other outlets state it (agreement), how
central it is to the story, and a lead-position prior, weighted by how well its article fits
the story (junk documents such as archive notices fit badly).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from ..clean import is_caption_sentence, is_page_note
from ..models import Sentence
from ..nlp import parse

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["MAX_CANDIDATES_PER_ARTICLE", "MIN_WORDS", "scores", "teasers", "usable"]

MIN_WORDS = 6  # shorter pieces are captions, bylines or fragments
MAX_WORDS = 70  # longer ones are run-ons from broken markup
MAX_CANDIDATES_PER_ARTICLE = 20  # news puts the story first; this bounds embedding time
TEASER_MAX_WORDS = 20  # a lone opening line this short may be a subtitle
TEASER_SIMILARITY = 0.65  # ... and is one when a longer lead sentence restates it this closely
TEASER_LEAD = 4  # the sentences after it that may restate it
_PAST_OR_MODAL = frozenset({"VBD", "MD"})
# Scoring weights (chosen on half of the Multi-News validation clusters, checked on the rest).
WEIGHT_CENTRALITY = 1.0
WEIGHT_AGREEMENT = 1.0
WEIGHT_POSITION = 0.6
POSITION_DECAY = 8.0  # sentences: the lead prior halves about every 5-6 sentences

_JUNK = re.compile(
    r"https?://|www\.|@\w|\bclick\b|\bsign up\b|\bsubscribe\b|\bnewsletter\b|\bcookies?\b"
    r"|\ball rights reserved\b|\bfollow us\b|\bread more\b|\bshare this\b|\bdownload\b.*\bapp\b"
    r"|\badvertisement\b|\bsponsored\b|\bphoto:|\bimage:|\bcaption\b|\bjavascript\b"
    # A bracketed link or editor's label ("[Video Link] ...", "[Rapinoe responds: ...]"), a
    # share button's text ("Email This, ...").
    r"|^\[|\bemail this\b"
    # A byline glued to the first sentence: "By Ada Quill and Tomas Varn Sure, the film ...".
    # (Case matters here: "By late afternoon, the river ..." is no byline.)
    r"|(?-i:^By [A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]+(?:,| and [A-Z]))"
    # A video's teaser with its running time: "Wedding costs soar to new highs (3:40) As ...".
    r"|\(\d{1,2}:\d{2}\)"
    # A pipe between words is page furniture: "| AP Photo ...", "Video | Politics".
    r"|(?:^|\s)\|(?:\s|$)"
    # A sponsor's line in a newsletter: "A message from the Lark Ferry Company: ...".
    r"|^a message from [^:]{1,60}:"
    # Text addressed to a machine, not a reader: fake citation markers, prompt injections.
    r"|\[\d+\]|<@[!&]?\d+>|\bignore\b.{0,40}\binstructions\b|\bsystem prompt\b",
    re.IGNORECASE,
)
# An exclamation is a statement only inside a quotation: a page's own "Any help would be so
# appreciated!" is a plea to its reader, no outlet's report.
_ENDS_STATEMENT = re.compile(r"\.['\"”’)\]]*$|!['\"”’]['\"”’)\]]*$")
# A teaser cut short ("The researchers are investigating whether..."), a sentence whose first
# word the page lost ("S role in spreading ..." of "Facebook's role") or whose subject a split
# took ("King Features, was directed by ..."), or two run together ('... Betty White."If she').
_CUT_SHORT = re.compile(
    r"(?:\.\.\.|…)\.?['\"”’)\]]*\.?$|^[B-HJ-Z] [a-z]"
    r"|^(?:[A-Z][\w'’-]* ){0,3}[A-Z][\w'’-]*, (?:was|were|is|are|has|have|had)\b"
    r"|[a-z][.!?][\"”][A-Z]"
    # The rest of a sentence a page broke in two ("in Jammu and Kashmir agreed upon by ..."):
    # its first word in lower case, which no brand ("iPhone", "eBay") shares.
    r"|^[a-z]+\s"
)
# A deck in headline style: a bare singular noun says it ("Jogging an hour a week lengthens life,
# researcher contends."); a reporter writes "a researcher contends" or "the study finds".
_HEADLINE_ATTRIBUTION = re.compile(
    r",\s+(?:new\s+)?(?:study|survey|poll|report|research|review|paper|researcher|scientist|"
    r"expert|doctor|official|analyst)\s+(?:says|finds|contends|suggests|warns|shows|claims|"
    r"argues|reports)\.$"
)


def usable(sentence: Sentence) -> bool:
    """Whether a sentence is a whole statement: not a caption, byline, junk line or run-on."""
    text = sentence.text
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        return False
    if not _ENDS_STATEMENT.search(text) or _JUNK.search(text) or _CUT_SHORT.search(text):
        return False
    if _HEADLINE_ATTRIBUTION.search(text):
        return False
    if is_caption_sentence(text) or is_page_note(text):
        return False
    letters = [c for c in text if c.isalpha()]
    return not letters or sum(c.isupper() for c in letters) / len(letters) < 0.5


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)


def scores(candidates: list[Sentence], vectors: np.ndarray) -> tuple[np.ndarray, dict[int, float]]:
    """Score candidates; also return how well each article fits the story (0..1)."""
    sim = vectors @ vectors.T
    owner = np.array([c.article for c in candidates])
    present = sorted(set(owner.tolist()))
    centroids = _normalise_rows(np.stack([vectors[owner == a].mean(axis=0) for a in present]))
    # How well each article fits the others: boilerplate documents fit badly.
    if len(present) > 1:
        fit_matrix = centroids @ centroids.T
        fit = (fit_matrix.sum(axis=1) - 1.0) / (len(present) - 1)
    else:
        fit = np.ones(1)
    fit = np.clip(fit, 0.0, 1.0)
    weight = {a: float(f) for a, f in zip(present, fit, strict=True)}
    centre = (centroids * fit[:, None]).sum(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-9)
    centrality = vectors @ centre

    agreement = np.zeros(len(candidates), dtype=np.float32)
    if len(present) > 1:
        for a in present:
            mine = owner == a
            others = [b for b in present if b != a]
            best = np.stack([sim[np.ix_(mine, owner == b)].max(axis=1) for b in others])
            agreement[mine] = best.mean(axis=0)
    positions = np.array([c.position for c in candidates], dtype=np.float32)
    lead = np.exp(-positions / POSITION_DECAY)
    score = WEIGHT_CENTRALITY * centrality + WEIGHT_AGREEMENT * agreement + WEIGHT_POSITION * lead
    score *= np.array([weight[a] for a in owner.tolist()]) ** 0.5
    return score, weight


def teasers(
    candidates: list[Sentence],
    vectors: np.ndarray,
    sentences: list[list[Sentence]],
    *,
    model: str,
) -> set[int]:
    """Subtitle and teaser lines: a lone short opening line that a longer lead sentence restates.

    A real lead sentence is kept however close the title is: only a restatement by the text
    right after marks a teaser, and the fact survives in the sentence that restates it. A line
    in the past or future tense ("A baby died Thursday when ...") is a lead, however alone in
    its paragraph: a subtitle tells in the headline's present ("Dam gate fails as ...").
    """
    alone = {
        (s.article, s.paragraph)
        for sents in sentences
        for s in sents
        if sum(1 for o in sents if o.paragraph == s.paragraph) == 1
    }
    out: set[int] = set()
    for i, c in enumerate(candidates):
        words = len(c.text.split())
        if c.position > 1 or (c.article, c.paragraph) not in alone or words > TEASER_MAX_WORDS:
            continue
        restated = any(
            o.article == c.article
            and c.position < o.position <= c.position + TEASER_LEAD
            and len(o.text.split()) > words
            and float(vectors[i] @ vectors[j]) >= TEASER_SIMILARITY
            for j, o in enumerate(candidates)
        )
        if restated:
            out.add(i)
    found = sorted(out)
    docs = parse([candidates[i].text for i in found], model=model)
    return {i for i, doc in zip(found, docs, strict=True) if not _told_in_past_or_future(doc)}


def _told_in_past_or_future(doc: Doc) -> bool:
    """Whether a line's main verb, or an auxiliary of it, is in the past tense or a modal."""
    root = doc[:].root
    verbs = [root, *(c for c in root.children if c.dep_ in {"aux", "auxpass"})]
    return any(t.tag_ in _PAST_OR_MODAL for t in verbs)
