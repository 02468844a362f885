"""Stage 5: fuse one story's articles into a short digest whose sentences cite every carrier.

1. Split every article into sentences; keep usable candidates (whole statements, no junk).
2. Embed the candidates once; align each with its closest sentence in every other article.
3. Score each candidate: agreement across outlets (how closely the others state it),
   centrality (closeness to the story's centroid) and lead position, weighted by how well its
   article fits the story (junk documents such as archive notices fit badly).
4. Select greedily under the word budget, skipping sentences too close to one already chosen.
5. For each chosen fact, take the wording that the most sources verifiably carry (stage 6,
   `verify`) and cite all of them; a detail only one outlet has cites only it.
6. Order the facts as the articles tell them; pick a headline from the titles (or the lead).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .config import Settings
from .models import DigestSentence, Sentence, Source, Story, StoryDigest
from .nlp import get_embedder
from .sentences import split_article
from .verify import Verifier, entity_in_text, normalise_tokens

__all__ = ["FactGroup", "FusedStory", "fuse_story", "make_headline"]

log = logging.getLogger(__name__)

# Candidate sentences.
MIN_WORDS = 6  # shorter pieces are captions, bylines or fragments
MAX_WORDS = 70  # longer ones are run-ons from broken markup
MAX_CANDIDATES_PER_ARTICLE = 20  # news puts the story first; this bounds embedding time
# Scoring weights (chosen on half of the Multi-News validation clusters, checked on the rest).
WEIGHT_CENTRALITY = 1.0
WEIGHT_AGREEMENT = 1.0
WEIGHT_POSITION = 0.6
POSITION_DECAY = 8.0  # sentences: the lead prior halves about every 5-6 sentences
REDUNDANCY = 0.72  # cosine above which a candidate repeats a chosen fact
MMR_PENALTY = 0.5  # how much similarity to chosen facts lowers a candidate's score
HEADLINE_MAX_WORDS = 16

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


@dataclass(slots=True)
class FusedStory:
    """A story digest plus the fact groups behind it (the generator rewrites from these)."""

    digest: StoryDigest
    groups: list[FactGroup]
    source_sentences: dict[int, list[str]]


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


def _scores(candidates: list[Sentence], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score candidates; also return their similarity matrix."""
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
    return score, sim


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
    score, sim = _scores(candidates, vectors)
    verifier = Verifier(settings)
    align = settings.summary.align_threshold
    owner = np.array([c.article for c in candidates])

    chosen: list[int] = []
    groups: list[tuple[FactGroup, float]] = []
    used_words = 0
    remaining = set(range(len(candidates)))
    while remaining and used_words < budget:
        closeness = sim[:, chosen].max(axis=1) if chosen else np.zeros(len(candidates))
        best = max(remaining, key=lambda i: score[i] - MMR_PENALTY * closeness[i])
        remaining.discard(best)
        if closeness[best] >= REDUNDANCY:
            continue
        if used_words + len(candidates[best].text.split()) > budget:
            continue  # too long for what is left: a shorter fact may still fit
        # The same fact in the other articles, at most one sentence each.
        members = [best]
        for b in range(len(story.articles)):
            if b == candidates[best].article or not (owner == b).any():
                continue
            idx = np.flatnonzero(owner == b)
            j = int(idx[np.argmax(sim[best, idx])])
            if sim[best, j] >= align:
                members.append(j)
        group = _best_wording([candidates[m] for m in members], verifier, source_sentences, ids)
        words = len(group.sentence.text.split())
        if used_words + words > budget or not group.sentence.citations:
            continue
        chosen.extend(members)
        used_words += words
        order_key = min(
            candidates[m].position / max(1, len(sentences[candidates[m].article])) for m in members
        )
        groups.append((group, order_key))
        if budget - used_words < MIN_WORDS:
            break

    groups.sort(key=lambda g: g[1])
    fact_groups = [g for g, _ in groups]
    digest_sentences = [g.sentence for g in fact_groups]
    headline = make_headline(story, digest_sentences, verifier, source_sentences)
    digest = StoryDigest(story.id, headline, digest_sentences, sources)
    return FusedStory(digest, fact_groups, source_sentences)


def _best_wording(
    members: list[Sentence],
    verifier: Verifier,
    source_sentences: dict[int, list[str]],
    ids: list[int],
) -> FactGroup:
    """Of the sentences stating one fact, the one the most sources verifiably carry."""
    verdicts = verifier.check_many([m.text for m in members], source_sentences)
    # Most citing sources wins; on a tie the highest-scored wording (listed first) does.
    rank = max(range(len(members)), key=lambda r: (len(verdicts[r]), -r))
    sentence = DigestSentence(members[rank].text, verdicts[rank])
    evidence = [(ids[m.article], m.text) for m in members]
    chosen = next(i for i, (_, text) in enumerate(evidence) if text == sentence.text)
    evidence.insert(0, evidence.pop(chosen))
    return FactGroup(sentence, evidence)


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
