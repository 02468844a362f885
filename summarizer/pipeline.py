"""The whole pipeline, stage by stage.

1. ingest   -- files, article URLs and feeds to Articles (fetch, feeds, extract, clean)
2. clean    -- web junk stripped from text that arrives without HTML
3. sentences-- news-aware sentence splitting
4. cluster  -- near-copies dropped, articles grouped into stories
5. fuse     -- facts aligned across outlets, selected, ordered and cited
6. verify   -- every citation checked against its source; unsupported ones removed
7. generate -- optional: fluent rewording, verified the same way, else the extractive sentence
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from .cluster import cluster, dedupe, story_id
from .config import Settings
from .fuse import FusedStory, fuse_story
from .models import Article, Digest, Story, StoryDigest

__all__ = ["digest_inputs", "fuse_articles", "summarize"]

log = logging.getLogger(__name__)

# Progress stages of `summarize`, told as (stage, done, total) to a `progress` callback.
GROUPING = "grouping stories"  # embedding titles and leads, clustering
FUSING = "fusing stories"  # one step per story


def _finish(fused: FusedStory, settings: Settings) -> StoryDigest:
    """Apply the optional generator; without one the extractive digest stands."""
    if settings.generator.backend is None or not fused.groups:
        return fused.digest
    from .generate import rewrite_story  # imported lazily: most runs have no generator

    return rewrite_story(fused, settings)


def summarize(
    articles: Sequence[Article],
    settings: Settings | None = None,
    *,
    max_words: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Digest:
    """Group articles into stories and fuse each into a cited digest.

    CPU- and model-bound (seconds): async callers run it in a worker thread.

    Args:
        articles: extracted articles, from any mix of outlets and stories.
        settings: models and thresholds (defaults when None).
        max_words: word budget per story (default `[summary] max_words`).
        progress: told (GROUPING, 0, 1), (GROUPING, 1, 1), then (FUSING, n, stories) as each
            story is fused (the CLI draws it on a terminal).

    Returns:
        The digest: stories with the most outlets first. Source ids are unique across it.
    """
    settings = settings or Settings()
    tell = progress or (lambda stage, done, total: None)
    tell(GROUPING, 0, 1)
    kept = dedupe(articles, threshold=settings.summary.dedupe_jaccard)
    grouped = cluster(kept, settings)
    tell(GROUPING, 1, 1)
    limit = settings.summary.max_stories
    if limit and len(grouped) > limit:
        # Stories come most-covered first; fusing the tail would only lengthen the digest.
        log.info("digesting the top %d of %d stories", limit, len(grouped))
        grouped = grouped[:limit]
    stories: list[StoryDigest] = []
    next_id = 1
    for done, story in enumerate(grouped):
        tell(FUSING, done, len(grouped))
        ids = list(range(next_id, next_id + len(story.articles)))
        digest = _finish(fuse_story(story, settings, source_ids=ids, max_words=max_words), settings)
        if digest.sentences:
            stories.append(digest)
            next_id += len(story.articles)
        else:
            log.info("story %s yielded no verifiable sentence", story.id)
    tell(FUSING, len(grouped), len(grouped))
    return Digest(stories, articles_read=len(articles))


def fuse_articles(
    articles: Sequence[Article], settings: Settings | None = None, *, max_words: int | None = None
) -> StoryDigest:
    """Fuse articles known to cover one story (no clustering, no de-duplication).

    Source ids are the articles' 1-based positions, so callers can map citations back.
    """
    settings = settings or Settings()
    story = Story(story_id(articles), list(articles))
    return _finish(fuse_story(story, settings, max_words=max_words), settings)


async def digest_inputs(
    inputs: Sequence[str], settings: Settings, *, max_words: int | None = None
) -> Digest:
    """Gather inputs (files, URLs, feeds; none = the configured feeds) and digest them.

    Fetching runs on the event loop; the model work runs in a worker thread. Inputs that fail
    are listed in `Digest.failures` and the rest is still digested.
    """
    from .ingest import gather

    articles, failures = await gather(inputs, settings)
    digest = await asyncio.to_thread(summarize, articles, settings, max_words=max_words)
    digest.failures = list(failures)
    return digest
