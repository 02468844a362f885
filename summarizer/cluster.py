"""Stage 4: drop syndicated near-copies, then group articles into stories.

Two outlets rarely word one event alike (two real reports of one meeting can share under 1% of
their 5-word shingles), so grouping rests on meaning and on who and where: the MiniLM embedding
of each article's title and lead, plus the overlap of its named people, organisations and
places. Articles whose stated dates lie further apart than the time window never share a
story (a date guessed from the text keeps nothing apart).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .config import Settings
from .models import Article, Story
from .nlp import entities, get_embedder
from .sentences import split_text
from .text import words as text_words

__all__ = ["cluster", "dedupe", "shingles", "story_id"]

log = logging.getLogger(__name__)

SHINGLE_WORDS = 5
LEAD_SENTENCES = 6  # title + this many first sentences stand for the article
ENTITY_SENTENCES = 10  # entities are read from the title and this many first sentences
# Which entities say what a story is about (dates and numbers say little).
TOPIC_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT"})
EMBEDDING_WEIGHT = 0.6  # the rest goes to entity overlap
ENTITY_SATURATION = 3  # this many shared topic entities count as full entity overlap


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[int]:
    """Hashes of the overlapping `size`-word windows of a text (lower-cased)."""
    words = text_words(text.lower())
    return {hash(tuple(words[i : i + size])) for i in range(max(0, len(words) - size + 1))}


def dedupe(articles: Sequence[Article], *, threshold: float) -> list[Article]:
    """Drop articles whose 5-word shingles overlap an earlier, longer one above `threshold`.

    Syndicated copies (one wire story on several sites) would otherwise look like agreement
    between independent outlets. The longest copy is kept.
    """
    order = sorted(range(len(articles)), key=lambda i: -len(articles[i].text))
    kept: list[int] = []
    kept_shingles: list[set[int]] = []
    for i in order:
        mine = shingles(articles[i].text)
        copy_of = next(
            (
                k
                for k, theirs in zip(kept, kept_shingles, strict=True)
                if mine and len(mine & theirs) / len(mine | theirs) >= threshold
            ),
            None,
        )
        if copy_of is None:
            kept.append(i)
            kept_shingles.append(mine)
        else:
            log.info("dropping %s: a near-copy of %s", articles[i].key, articles[copy_of].key)
    return [articles[i] for i in sorted(kept)]


def story_id(articles: Sequence[Article]) -> str:
    """A short stable id from the articles' keys."""
    digest = hashlib.sha1("\n".join(sorted(a.key for a in articles)).encode("utf-8"))
    return digest.hexdigest()[:12]


def _lead(article: Article) -> list[str]:
    sentences = split_text(article.text)
    return ([article.title] if article.title else []) + sentences


def _similarity(articles: Sequence[Article], settings: Settings) -> np.ndarray:
    leads = [_lead(a) for a in articles]
    embedder = get_embedder(settings.models)
    vectors = []
    for lead in leads:
        rows = embedder.embed(lead[: LEAD_SENTENCES + 1] or [""])
        mean = rows.mean(axis=0)
        vectors.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
    matrix = np.stack(vectors)
    cosine = matrix @ matrix.T

    found = entities(
        [" ".join(lead[: ENTITY_SENTENCES + 1]) for lead in leads],
        model=settings.models.spacy_model,
    )
    topics = [{t.lower() for t, label in ents if label in TOPIC_LABELS} for ents in found]
    n = len(articles)
    overlap = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            shared = len(topics[i] & topics[j])
            overlap[i, j] = overlap[j, i] = min(1.0, shared / ENTITY_SATURATION)
    combined = EMBEDDING_WEIGHT * cosine + (1 - EMBEDDING_WEIGHT) * overlap

    window = timedelta(hours=settings.summary.time_window_hours)
    for i in range(n):
        for j in range(i + 1, n):
            # Only stated dates keep two articles apart: a year guessed from the text is no
            # publication date.
            if not (articles[i].date_stated and articles[j].date_stated):
                continue
            a, b = articles[i].published, articles[j].published
            if a is not None and b is not None and abs(a - b) > window:
                combined[i, j] = combined[j, i] = 0.0
    return combined


def _average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups whose mean pairwise similarity reaches `threshold`: average linkage (UPGMA).

    scipy merges the two closest groups until the closest pair lies further apart than
    1 - threshold in distance (1 - similarity). Average linkage never merges below an earlier
    merge, so cutting the tree there is the same as stopping the merges.

    Returns:
        The groups, each sorted, in order of their first member.

    """
    # Rounding can put two identical articles' similarity a hair above 1: no distance is negative.
    distance = np.clip(1.0 - sim.astype(np.float64), 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values())


def cluster(articles: Sequence[Article], settings: Settings) -> list[Story]:
    """Group articles into stories by average-linkage agglomeration.

    Args:
        articles: the articles (near-copies already dropped).
        settings: thresholds come from `[summary]`.

    Returns:
        Stories, most outlets first, then by their newest article; articles keep input order.
    """
    if not articles:
        return []
    groups: list[list[int]] = [[i] for i in range(len(articles))]
    if len(articles) > 1:
        groups = _average_linkage(
            _similarity(articles, settings), settings.summary.cluster_threshold
        )
    stories = [Story(story_id([articles[i] for i in g]), [articles[i] for i in g]) for g in groups]

    def newest(story: Story) -> float:
        stamps = [a.published.timestamp() for a in story.articles if a.published]
        return max(stamps, default=0.0)

    stories.sort(key=lambda s: (-len(s.outlets), -len(s.articles), -newest(s)))
    return stories
