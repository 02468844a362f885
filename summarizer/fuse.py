"""Stage 5: fuse one story's articles into fact groups, one cited sentence each.

1. Split every article into sentences; keep usable candidates (whole statements, no junk, no
   teaser line that restates the headline or the lead).
2. Read each candidate's claims (`claims`): wordings without the attribution, connectives and
   asides only one outlet adds, each self-contained.
3. Embed candidates and wordings once. Score each candidate by agreement across outlets,
   centrality and lead position, weighted by how well its article fits the story (junk
   documents such as archive notices fit badly); score each wording by how many outlets
   verifiably carry it (`verify` against their candidate sentences): the pyramid idea, what
   more outlets report matters more.
4. Select fact groups greedily under the word budget. A group is the chosen wording plus each
   other outlet's sentence that carries it; those sentences, and wordings too close to a chosen
   one, are not stated again.
5. For each group, print the wording (of any member) that the most sources verifiably carry
   against their full text (stage 6), citing all of them; a detail only one outlet has cites
   only it. A source whose matching sentence differs only in a number or date is recorded as
   disagreeing, with both values.
6. Order the facts as the articles tell them; pick a headline from the titles (or the lead).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .claims import Claim, Wording, claims_of
from .config import Settings
from .models import Citation, DigestSentence, Disagreement, Sentence, Source, Story, StoryDigest
from .nlp import entities, get_embedder
from .sentences import split_article
from .verify import (
    MIN_COVERAGE,
    RELAXED_MARGIN,
    Verifier,
    content_words,
    entity_in_text,
    normalise_tokens,
    tokens_of,
)

__all__ = ["FactGroup", "FusedStory", "fuse_story", "make_headline"]

log = logging.getLogger(__name__)

# Candidate sentences.
MIN_WORDS = 6  # shorter pieces are captions, bylines or fragments
MAX_WORDS = 70  # longer ones are run-ons from broken markup
MAX_CANDIDATES_PER_ARTICLE = 20  # news puts the story first; this bounds embedding time
MAX_CLAIM_CANDIDATES = 60  # per story: those read for claims (a digest prints a few of them)
TEASER_MAX_WORDS = 20  # a lone opening line this short may be a subtitle
TEASER_SIMILARITY = 0.65  # ... and is one when a longer lead sentence restates it this closely
TEASER_LEAD = 4  # the sentences after it that may restate it
# Scoring weights (chosen on the labelled fusion dev clusters, checked on Multi-News ROUGE).
WEIGHT_CENTRALITY = 1.0
WEIGHT_AGREEMENT = 1.0
WEIGHT_POSITION = 0.6
WEIGHT_SUPPORT = 1.0  # all other outlets carrying a wording adds this much
POSITION_DECAY = 8.0  # sentences: the lead prior halves about every 5-6 sentences
REDUNDANCY = 0.72  # cosine above which a wording repeats a chosen fact
MAX_CHECKED_ALTERNATIVES = 2  # wordings of one fact checked against the outlets' full text
MAX_PRUNING_ROUNDS = 3  # cuts tried one after another, each for one more outlet
MAX_PRUNED_NAMES = 3  # names an outlet may lack for a modifier holding them to be cut
SAME_FACT = 0.5  # an evidence sentence's wordings this close to the chosen one state its fact
RESTATED_WORDS = 0.55  # share of the shorter wording's words that makes it a restatement
RESTATED_NUMBER_SIMILARITY = 0.45  # ... or this similarity with a telling number in common
RESTATED_NAMES_SIMILARITY = 0.55  # ... or this similarity with two names in common
RESTATED_CLOSE_SIMILARITY = 0.6  # ... or this similarity
RESTATED_CLOSE_WORDS = 0.4  # ... with this share of the shorter one's words
COMMON_NAME_SHARE = 0.2  # a name in this share of a story's claims is no telling name
MIN_TELLING_NUMBER = 10  # smaller counts ("three weeks", "two outlets") recur across facts
MMR_PENALTY = 0.5  # how much similarity to chosen facts lowers a wording's score
HEADLINE_MAX_WORDS = 16
# Words around a number that do not change what it counts.
_HEDGES = frozenset(
    {"about", "around", "roughly", "some", "nearly", "almost", "approximately", "more", "than",
     "less", "over", "under", "up", "to", "at", "least", "the"}
)  # fmt: skip
_COUNTED = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"})
_NUMERIC_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "DATE", "TIME"})

_JUNK = re.compile(
    r"https?://|www\.|@\w|\bclick\b|\bsign up\b|\bsubscribe\b|\bnewsletter\b|\bcookies?\b"
    r"|\ball rights reserved\b|\bfollow us\b|\bread more\b|\bshare this\b|\bdownload\b.*\bapp\b"
    r"|\badvertisement\b|\bsponsored\b|\bphoto:|\bimage:|\bcaption\b|\bjavascript\b"
    # Text addressed to a machine, not a reader: fake citation markers, prompt injections.
    r"|\[\d+\]|<@[!&]?\d+>|\bignore\b.{0,40}\binstructions\b|\bsystem prompt\b",
    re.IGNORECASE,
)
_ENDS_STATEMENT = re.compile(r"[.!]['\"”’)\]]*$")
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]{2,40}$")


@dataclass(slots=True)
class FactGroup:
    """One chosen fact: the digest sentence and every source sentence that states it."""

    sentence: DigestSentence
    evidence: list[tuple[int, str]]  # (source id, source sentence), the chosen wording first
    wording: Wording | None = None  # the claim wording printed (None: not from a claim)


@dataclass(slots=True)
class FusedStory:
    """A story digest plus the fact groups behind it (the generator rewrites from these)."""

    digest: StoryDigest
    groups: list[FactGroup]
    source_sentences: dict[int, list[str]]


@dataclass(slots=True)
class _Unit:
    """One printable wording of one claim of one candidate sentence."""

    candidate: int
    claim: Claim
    wording: Wording
    level: int  # 0 = the claim's fullest wording


def _usable(sentence: Sentence) -> bool:
    text = sentence.text
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        return False
    if not _ENDS_STATEMENT.search(text) or _JUNK.search(text):
        return False
    letters = [c for c in text if c.isalpha()]
    return not letters or sum(c.isupper() for c in letters) / len(letters) < 0.5


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)


def _scores(candidates: list[Sentence], vectors: np.ndarray) -> tuple[np.ndarray, dict[int, float]]:
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


def _teasers(
    candidates: list[Sentence], vectors: np.ndarray, sentences: list[list[Sentence]]
) -> set[int]:
    """Subtitle and teaser lines: a lone short opening line that a longer lead sentence restates.

    A real lead sentence is kept however close the title is: only a restatement by the text
    right after marks a teaser, and the fact survives in the sentence that restates it.
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
    return out


def fuse_story(
    story: Story,
    settings: Settings,
    *,
    source_ids: Sequence[int] | None = None,
    max_words: int | None = None,
) -> FusedStory:
    """Fuse one story into a cited digest.

    Args:
        story: the story's articles.
        settings: models and thresholds.
        source_ids: the citation number of each article (default 1..n).
        max_words: the word budget (default `[summary] max_words`).

    Returns:
        The digest, its fact groups and each source's sentences.
    """
    budget = max_words or settings.summary.max_words
    ids = list(source_ids) if source_ids is not None else list(range(1, len(story.articles) + 1))
    sentences = [split_article(a, i) for i, a in enumerate(story.articles)]
    source_sentences = {ids[i]: [s.text for s in sents] for i, sents in enumerate(sentences)}
    sources = [Source.of_article(ids[i], a) for i, a in enumerate(story.articles)]

    candidates = [
        s
        for sents in sentences
        for s in [x for x in sents if _usable(x)][:MAX_CANDIDATES_PER_ARTICLE]
    ]
    if not candidates:
        # Short or odd articles: fall back to whatever sentences there are.
        candidates = [s for sents in sentences for s in sents[:MAX_CANDIDATES_PER_ARTICLE]]
    if not candidates:
        digest = StoryDigest(story.id, _title_headline(story) or "", [], sources)
        return FusedStory(digest, [], source_sentences)

    embedder = get_embedder(settings.models)
    vectors = embedder.embed([c.text for c in candidates])
    teasers = _teasers(candidates, vectors, sentences)
    if teasers and len(teasers) < len(candidates):
        keep = [i for i in range(len(candidates)) if i not in teasers]
        candidates = [candidates[i] for i in keep]
        vectors = vectors[keep]
    score, fit = _scores(candidates, vectors)
    verifier = Verifier(settings)
    selector = _Selector(story, settings, ids, sentences, candidates, score, fit, verifier)
    groups = selector.select(budget)

    groups.sort(key=lambda g: g[1])
    fact_groups = [g for g, _ in groups]
    digest_sentences = [g.sentence for g in fact_groups]
    headline = make_headline(story, digest_sentences, verifier, source_sentences)
    digest = StoryDigest(story.id, headline, digest_sentences, sources)
    return FusedStory(digest, fact_groups, source_sentences)


class _Selector:
    """Greedy selection of fact groups over the wordings of the candidates' claims."""

    def __init__(
        self,
        story: Story,
        settings: Settings,
        ids: list[int],
        sentences: list[list[Sentence]],
        candidates: list[Sentence],
        score: np.ndarray,
        fit: dict[int, float],
        verifier: Verifier,
    ) -> None:
        self.settings = settings
        self.ids = ids
        self.sentences = sentences
        self.candidates = candidates
        self.verifier = verifier
        self.source_sentences = {
            ids[i]: [s.text for s in sents] for i, sents in enumerate(sentences)
        }
        self.vocabulary = {sid: tokens_of(sents) for sid, sents in self.source_sentences.items()}
        texts = [[s.text for s in sents] for sents in sentences]
        # Only the best-scored candidates are read for claims (the parse is the costly part);
        # the rest still serve as evidence that an outlet carries a fact.
        read = sorted(np.argsort(-score)[:MAX_CLAIM_CANDIDATES].tolist())
        claims = claims_of([candidates[c] for c in read], texts, model=settings.models.spacy_model)
        self.units = [
            _Unit(c, claim, wording, level)
            for c, found in zip(read, claims, strict=True)
            for claim in found
            for level, wording in enumerate(claim.wordings)
            if not wording.dangling
        ]
        self.by_candidate: dict[int, list[int]] = {}
        self.by_article: dict[int, list[int]] = {}
        for u, unit in enumerate(self.units):
            self.by_candidate.setdefault(unit.candidate, []).append(u)
            self.by_article.setdefault(candidates[unit.candidate].article, []).append(u)
        embedder = get_embedder(settings.models)
        self.vectors = embedder.embed([u.wording.text for u in self.units])
        # What may carry a claim: each candidate sentence and each of its claims' wordings.
        self.evidence = [(c, s.text) for c, s in enumerate(candidates)]
        self.evidence += [
            (u.candidate, u.wording.text) for u in self.units
            if u.wording.text != candidates[u.candidate].text
        ]  # fmt: skip
        self.evidence_vectors = embedder.embed([text for _, text in self.evidence])
        self.evidence_by_article: dict[int, list[int]] = {}
        for e, (c, _) in enumerate(self.evidence):
            self.evidence_by_article.setdefault(candidates[c].article, []).append(e)
        self.value = self._values(score, fit)
        # Names in a large share of the story's claims say little about which fact one states.
        counts: dict[str, int] = {}
        for claim in {id(u.claim): u.claim for u in self.units}.values():
            for name in {e.casefold() for e, _ in claim.wordings[0].entities}:
                counts[name] = counts.get(name, 0) + 1
        claims_read = max(1, len({id(u.claim) for u in self.units}))
        self.common_names = frozenset(
            n for n, k in counts.items() if k / claims_read >= COMMON_NAME_SHARE
        )

    def _support(self, u: int) -> dict[int, int]:
        """Articles that verifiably carry unit u: article -> the candidate that carries it.

        The evidence is the other articles' candidate sentences and their claim wordings: a
        claim matches a claim even where one outlet wraps it in attribution or a second clause.
        """
        unit = self.units[u]
        own = self.candidates[unit.candidate].article
        found = {own: unit.candidate}
        floor = self.verifier.threshold - RELAXED_MARGIN
        sims = self.evidence_vectors @ self.vectors[u]
        for article, pool in self.evidence_by_article.items():
            if article == own:
                continue
            near = [e for e in pool if sims[e] >= floor]
            if not near:
                continue
            check = self.verifier.check_source(
                unit.wording.text,
                self.ids[article],
                [self.evidence[e][1] for e in near],
                vector=self.vectors[u],
                fact_entities=unit.wording.entities,
                source_tokens=self.vocabulary[self.ids[article]],
            )
            if check.verified:
                found[article] = next(c for c, text in self.evidence if text == check.evidence)
        return found

    def _values(self, score: np.ndarray, fit: dict[int, float]) -> np.ndarray:
        others = max(1, len({c.article for c in self.candidates}) - 1)
        self.supports = [self._support(u) for u in range(len(self.units))]
        value = np.zeros(len(self.units), dtype=np.float32)
        for u, unit in enumerate(self.units):
            own = self.candidates[unit.candidate].article
            carried = sum(fit.get(a, 0.0) for a in self.supports[u] if a != own)
            # No bonus for brevity: measured on the labelled clusters, a longer sentence states
            # more of the facts outlets share, and the budget check keeps it in bounds.
            value[u] = score[unit.candidate] + WEIGHT_SUPPORT * carried / others
        return value

    def _similarity(self, u: int, v: int) -> float:
        return float(self.vectors[u] @ self.vectors[v])

    def select(self, budget: int) -> list[tuple[FactGroup, float]]:
        remaining = set(range(len(self.units)))
        chosen: list[int] = []
        printed: list[int] = []
        groups: list[tuple[FactGroup, float]] = []
        used_words = 0
        while remaining and used_words < budget:
            if chosen:
                closeness = (self.vectors @ self.vectors[chosen].T).max(axis=1)
            else:
                closeness = np.zeros(len(self.units))
            best = max(remaining, key=lambda i: self.value[i] - MMR_PENALTY * closeness[i])
            remaining.discard(best)
            if closeness[best] >= REDUNDANCY or any(
                _restates(
                    self.units[best].wording,
                    self.units[p].wording,
                    self._similarity(best, p),
                    self.common_names,
                )
                for p in printed
            ):
                continue
            if used_words + self.units[best].wording.words > budget:
                continue  # too long for what is left: a shorter fact may still fit
            group = self._group(best, budget - used_words, remaining)
            if group is None:
                continue
            fact, members, evidence_units, shown = group
            chosen += [best, shown]
            printed.append(shown)
            remaining -= evidence_units
            used_words += len(fact.sentence.text.split())
            order_key = min(
                self.candidates[m].position
                / max(1, len(self.sentences[self.candidates[m].article]))
                for m in members
            )
            groups.append((fact, order_key))
            if budget - used_words < MIN_WORDS:
                break
        return groups

    def _group(
        self, best: int, room: int, open_units: set[int]
    ) -> tuple[FactGroup, list[int], set[int], int] | None:
        """The fact group of a chosen wording.

        Returns:
            The group, the candidates that carry it, the units it covers and the unit printed.
        """
        unit = self.units[best]
        members = sorted(set(self.supports[best].values()))
        # The same fact as worded by the other members; the chosen claim's own wordings first.
        alternatives = [
            u
            for u in self.by_candidate.get(unit.candidate, [])
            if self.units[u].claim is unit.claim
        ]
        same = set(alternatives)
        # ... and the other members' wordings of it, and the claim's own clauses ("X did A and
        # pledged B": the clause the others carry may be B alone).
        for m in members:
            for u in self.by_candidate.get(m, []):
                if float(self.vectors[u] @ self.vectors[best]) >= SAME_FACT:
                    same.add(u)
                    if u not in alternatives:
                        alternatives.append(u)
        # Another outlet's closest wording may be the one every outlet carries.
        own = self.candidates[unit.candidate].article
        closeness = self.vectors @ self.vectors[best]
        for article in range(len(self.sentences)):
            theirs = [
                u for u in range(len(self.units))
                if self.candidates[self.units[u].candidate].article == article and article != own
            ]  # fmt: skip
            if theirs:
                nearest = max(theirs, key=lambda u: closeness[u])
                # ... when it states the same fact: the chosen wording's outlet carries it.
                carried = own in self.supports[nearest]
                if closeness[nearest] >= SAME_FACT and carried and nearest not in alternatives:
                    alternatives.append(nearest)
        # A wording of a fact already told is no alternative, however many outlets carry it.
        order = list(alternatives)
        alternatives = [
            u for u in alternatives
            if self.units[u].wording.words <= room and (u == best or u in open_units)
        ]  # fmt: skip
        if not alternatives:
            return None
        # Checked against every sentence of every outlet (costly): the wordings most outlets'
        # candidates carry, in the order above.
        alternatives = sorted(
            alternatives, key=lambda u: (-len(self.supports[u]), alternatives.index(u))
        )[:MAX_CHECKED_ALTERNATIVES]
        alternatives.sort(key=lambda u: order.index(u))
        # Carriers: the articles whose claims verify a wording (a claim matches a claim more
        # closely than a whole sentence), and any other whose full text does (a carrying
        # sentence may lie beyond the candidates).
        carriers: list[dict[int, Citation]] = []
        for u in alternatives:
            by_source = {
                self.ids[article]: Citation(self.ids[article], self.candidates[carrier].text)
                for article, carrier in self.supports[u].items()
            }
            rest = {sid: s for sid, s in self.source_sentences.items() if sid not in by_source}
            wording = self.units[u].wording
            (checked,) = self.verifier.check_many(
                [wording.text], rest, fact_entities=[wording.entities]
            )
            by_source.update({c.source: c for c in checked})
            carriers.append(by_source)

        # Most carriers wins. Between wordings several outlets carry, the one closest to what
        # each of them says (a wording with one outlet's extra clause goes beyond the others),
        # and never one outlet's attribution ("..., police said") over several. Otherwise the
        # earlier, the chosen claim's fullest, wording.
        def rank(r: int) -> tuple[int, bool, float, int]:
            several = len(carriers[r]) > 1
            attributed = several and self.units[alternatives[r]].wording.attributed
            closeness = self._closeness(alternatives[r], carriers[r]) if several else 0.0
            return len(carriers[r]), not attributed, round(closeness, 1), -r

        pick = max(range(len(alternatives)), key=rank)
        chosen = self.units[alternatives[pick]]
        wording = chosen.wording
        citations = [carriers[pick][sid] for sid in sorted(carriers[pick])]
        wording, citations = self._pruned(chosen, citations, room)
        origin = self.candidates[chosen.candidate]
        sentence = DigestSentence(wording.text, citations)
        sentence.disagreements = self._disagreements(wording, citations)
        evidence = [(self.ids[origin.article], wording.text)]
        evidence += [(c.source, c.evidence) for c in citations if c.evidence != wording.text]
        # Covered: every wording of the same fact, and any wording close to the one chosen or the
        # one printed (a syndicated copy of the printed sentence in a third article, too).
        nearest = np.maximum(
            self.vectors @ self.vectors[best], self.vectors @ self.vectors[alternatives[pick]]
        )
        covered = same | {int(u) for u in np.flatnonzero(nearest >= REDUNDANCY)}
        return FactGroup(sentence, evidence, wording), members, covered, alternatives[pick]

    def _pruned(
        self, unit: _Unit, citations: list[Citation], room: int
    ) -> tuple[Wording, list[Citation]]:
        """Cut a modifier only the printed outlet has, when that lets more outlets verify it.

        "The Rockies handed out 15,000 jerseys ... Saturday night at Coors Field": an outlet that
        names no stadium verifies the sentence once "at Coors Field" is cut.
        """
        wording = unit.wording
        origin = self.candidates[unit.candidate]
        own = Citation(self.ids[origin.article], origin.text, 1.0)
        for _ in range(MAX_PRUNING_ROUNDS):
            cited = {c.source for c in citations}
            better = self._prune_once(unit, wording, cited, room, own)
            if better is None:
                break
            wording, citations = better
        return wording, citations

    def _prune_once(
        self, unit: _Unit, wording: Wording, cited: set[int], room: int, own: Citation
    ) -> tuple[Wording, list[Citation]] | None:
        for sid, sents in self.source_sentences.items():
            if sid in cited:
                continue
            check = self.verifier.check_source(
                wording.text, sid, sents, fact_entities=wording.entities,
                source_tokens=self.vocabulary[sid],
            )  # fmt: skip
            near = check.similarity >= self.verifier.threshold - RELAXED_MARGIN
            if not near or not check.missing or len(check.missing) > MAX_PRUNED_NAMES:
                continue
            # Only what the outlet leaves out may be cut, never what it states otherwise: a
            # number is the fact itself, and another date or name of the same kind there may
            # be a disagreement to show, not to hide.
            labels = {e: label for e, label in wording.entities}
            if any(labels.get(e) in _COUNTED for e in check.missing):
                continue
            theirs = {label for _, label in self._entities(check.evidence)}
            if any(labels.get(e) in theirs for e in check.missing):
                continue
            shorter = unit.claim.without(wording, check.missing)
            if shorter is None or shorter.words > room or shorter.dangling:
                continue
            (verified,) = self.verifier.check_many(
                [shorter.text], self.source_sentences, fact_entities=[shorter.entities]
            )
            # The cut wording still comes from its own outlet's sentence.
            by_source = {c.source: c for c in verified} | {own.source: own}
            if set(by_source) > cited:
                return shorter, [by_source[s] for s in sorted(by_source)]
        return None

    def _closeness(self, u: int, carriers: dict[int, Citation]) -> float:
        """How close a wording is to its least close carrier's evidence (cosine)."""
        own = self.ids[self.candidates[self.units[u].candidate].article]
        evidence = [c.evidence for sid, c in carriers.items() if sid != own and c.evidence]
        if not evidence:
            return 1.0
        vectors = get_embedder(self.settings.models).embed(evidence)
        return float((vectors @ self.vectors[u]).min())

    def _entities(self, text: str) -> list[tuple[str, str]]:
        return entities([text], model=self.settings.models.spacy_model)[0]

    def _disagreements(self, wording: Wording, citations: list[Citation]) -> list[Disagreement]:
        """Sources not cited whose closest sentence differs only in one number or date."""
        numeric = [(e, label) for e, label in wording.entities if label in _NUMERIC_LABELS]
        if not numeric:
            return []
        cited = {c.source for c in citations}
        found: dict[tuple[str, str], list[int]] = {}
        for sid, sents in self.source_sentences.items():
            if sid in cited:
                continue
            check = self.verifier.check_source(
                wording.text, sid, sents, fact_entities=wording.entities,
                source_tokens=self.vocabulary[sid],
            )  # fmt: skip
            if check.similarity < self.verifier.threshold or check.coverage < MIN_COVERAGE:
                continue
            if len(check.missing) != 1:
                continue
            (value,) = check.missing
            label = next((lb for e, lb in numeric if e == value), None)
            if label is None:
                continue
            mine = set(normalise_tokens(wording.text))
            theirs = [
                e for e, lb in entities([check.evidence], model=self.settings.models.spacy_model)[0]
                if lb == label and not entity_in_text(e, mine)
            ]  # fmt: skip
            rivals = [e for e in theirs if _same_quantity(value, e)]
            if len(rivals) == 1:
                found.setdefault((value, rivals[0]), []).append(sid)
        return [Disagreement(v, o, tuple(s)) for (v, o), s in found.items()]


def _restates(a: Wording, b: Wording, similarity: float, common: frozenset[str]) -> bool:
    """Whether two wordings state one fact in other words.

    The embedding alone misses many such pairs: "plan to seal the gate with steel panels by
    Wednesday" and "expect to close the gap with steel panels by Wednesday" are only 0.5 apart
    in MiniLM. They do state one fact when
    1. they share a telling number (not a year, not a small count) and are somewhat alike;
    2. they share two or more names and are alike, or two names the story seldom uses ("Port
       Anselm" and "Kessling", not the "Xi" and "Kim" of every sentence) and are somewhat
       alike; or
    3. they are close and share many words; or
    4. one's names and numbers are all the other's and they share most of the shorter one's
       words.
    """
    numbers = _telling_numbers(a) & _telling_numbers(b)
    if numbers and similarity >= RESTATED_NUMBER_SIMILARITY:
        return True
    names_a = {e for e, label in a.entities if label not in _NUMERIC_LABELS}
    names_b = {e for e, label in b.entities if label not in _NUMERIC_LABELS}
    shared = {
        e for e in names_a if entity_in_text(e, {t for n in names_b for t in normalise_tokens(n)})
    }
    rare = {e for e in shared if e.casefold() not in common}
    if len(rare) >= 2 and similarity >= RESTATED_NUMBER_SIMILARITY:
        return True
    if len(shared) >= 2 and similarity >= RESTATED_NAMES_SIMILARITY:
        return True
    words_a, words_b = content_words(a.text), content_words(b.text)
    overlap = len(words_a & words_b) / max(1, min(len(words_a), len(words_b)))
    if similarity >= RESTATED_CLOSE_SIMILARITY and overlap >= RESTATED_CLOSE_WORDS:
        return True
    everything_a = {e for e, _ in a.entities}
    everything_b = {e for e, _ in b.entities}
    if not everything_a or not everything_b:
        return False
    shorter, longer = sorted((everything_a, everything_b), key=len)
    tokens = {t for e in longer for t in normalise_tokens(e)}
    return all(entity_in_text(e, tokens) for e in shorter) and overlap >= RESTATED_WORDS


def _telling_numbers(wording: Wording) -> set[str]:
    """Numbers that identify a fact: "2,400", "71", "$130,000"; not "2019", "two", "1"."""
    out: set[str] = set()
    for text, label in wording.entities:
        if label not in _COUNTED:
            continue
        for token in normalise_tokens(text):
            digits = token.split(".")[0]
            year = len(digits) == 4 and digits[:2] in {"19", "20"}
            if digits.isdigit() and not year and int(digits) >= MIN_TELLING_NUMBER:
                out.add(token)
    return out


def _same_quantity(value: str, other: str) -> bool:
    """Whether two values count one thing in one unit, so that they disagree.

    "75%" and "70%" disagree; "3:40 a.m." and "the early hours", or "140-metre" and "70 km",
    state different things.
    """
    a, b = normalise_tokens(value), normalise_tokens(other)
    numbers_a = [t for t in a if t[0].isdigit()]
    numbers_b = [t for t in b if t[0].isdigit()]
    if not numbers_a or not numbers_b or numbers_a == numbers_b:
        return False
    units_a = {t for t in a if not t[0].isdigit()} - _HEDGES
    units_b = {t for t in b if not t[0].isdigit()} - _HEDGES
    return units_a == units_b


def _clean_title(title: str) -> str:
    # "Talks resume in Geneva | The Daily Planet" -> "Talks resume in Geneva"
    return _TITLE_SUFFIX.sub("", title.strip()) if len(title.split()) > 4 else title.strip()


def _title_headline(story: Story) -> str | None:
    titles = [_clean_title(a.title) for a in story.articles if a.title and a.title.strip()]
    return titles[0] if titles else None


def make_headline(
    story: Story,
    sentences: Sequence[DigestSentence],
    verifier: Verifier,
    source_sentences: dict[int, list[str]],
) -> str:
    """The story's headline: the outlet title closest to the digest, else the lead, shortened.

    Titles are source text, but a title can promise more than the article states ("ten-year"
    where the text says "a decade" is fine; a name found nowhere in the text is not), so titles
    whose names and numbers all appear in the article bodies are preferred.
    """
    titles = list(
        dict.fromkeys(_clean_title(a.title) for a in story.articles if a.title and a.title.strip())
    )
    if not titles:
        return _shorten(sentences[0].text) if sentences else "Untitled story"
    if sentences:
        embedder = get_embedder(verifier.settings.models)
        centre = embedder.embed([s.text for s in sentences]).mean(axis=0)
        closeness = embedder.embed(titles) @ centre
        titles = [titles[i] for i in np.argsort(-closeness)]
    body = {t for sents in source_sentences.values() for s in sents for t in normalise_tokens(s)}
    grounded = (
        t for t in titles if all(entity_in_text(e, body) for e, _ in verifier.fact_entities(t))
    )
    return next(grounded, titles[0])


def _shorten(text: str) -> str:
    """A headline from a sentence: its first clause when that says enough, else its start."""
    words = text.rstrip(".!").split()
    if len(words) <= HEADLINE_MAX_WORDS:
        return " ".join(words)
    clause = re.split(r",\s|;\s|\s[—–-]\s", text)[0].split()
    if 6 <= len(clause) <= HEADLINE_MAX_WORDS:
        return " ".join(clause)
    return " ".join(words[:HEADLINE_MAX_WORDS]) + "…"
