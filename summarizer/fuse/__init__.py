"""Stage 5: fuse one story's articles into fact groups, one cited sentence each.

1. Split every article into sentences; keep usable candidates (whole statements, no junk, no
   subtitle line that the lead restates) and score them (`_candidates`).
2. Read each candidate's claims (`claims`): wordings without the attribution, connectives and
   asides only one outlet adds, each self-contained.
3. Count, for each wording, the outlets whose sentences or claims verifiably carry it (`verify`):
   the pyramid idea, what more outlets report matters more (`_select`).
4. Select fact groups greedily under the word budget, by what each adds per word: its
   value, the words it shares with the other outlets that are not printed yet, less its
   closeness to what is chosen. A group is the chosen wording plus each
   other outlet's sentence that carries it; none of them, nor a wording that restates a fact
   already told (`_compare`), is told again.
5. For each group, print the wording (of any member) that the most outlets carry, citing all of
   them; a detail only one outlet has cites only it. An outlet whose matching sentence gives
   another number is recorded as disagreeing, with both values (`_rivals`).
6. Order the facts as the articles tell them; where the digest first names someone by surname
   alone, put in the full name their outlet gives (`_introduce`); pick a headline from the
   titles (`_headline`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..config import Settings
from ..models import Source, Story, StoryDigest
from ..nlp import get_embedder
from ..sentences import split_article
from ..verify import Verifier
from ._candidates import MAX_CANDIDATES_PER_ARTICLE, scores, teasers, usable
from ._compare import restates, same_quantity
from ._groups import FactGroup, FusedStory
from ._headline import HEADLINE_MAX_WORDS, make_headline, title_headline
from ._introduce import introduce_names, known_names, name_once
from ._select import Selector

__all__ = [
    "HEADLINE_MAX_WORDS",
    "FactGroup",
    "FusedStory",
    "fuse_story",
    "make_headline",
    "restates",
    "same_quantity",
]

log = logging.getLogger(__name__)


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
        for s in [x for x in sents if usable(x)][:MAX_CANDIDATES_PER_ARTICLE]
    ]
    if not candidates:
        # Short or odd articles: fall back to whatever sentences there are.
        candidates = [s for sents in sentences for s in sents[:MAX_CANDIDATES_PER_ARTICLE]]
    if not candidates:
        digest = StoryDigest(story.id, title_headline(story) or "", [], sources)
        return FusedStory(digest, [], source_sentences)

    embedder = get_embedder(settings.models)
    vectors = embedder.embed([c.text for c in candidates])
    subtitles = teasers(candidates, vectors, sentences, model=settings.models.spacy_model)
    if subtitles and len(subtitles) < len(candidates):
        keep = [i for i in range(len(candidates)) if i not in subtitles]
        candidates = [candidates[i] for i in keep]
        vectors = vectors[keep]
    score, fit = scores(candidates, vectors)
    verifier = Verifier(settings)
    selector = Selector(
        settings, ids, sentences, source_sentences, candidates, score, fit, verifier
    )
    groups = selector.select(budget)

    groups.sort(key=lambda g: g[1])
    fact_groups = [g for g, _ in groups]
    digest_sentences = [g.sentence for g in fact_groups]
    origins = [g.evidence[0][0] for g in fact_groups]
    written = [_as_written(g) for g in fact_groups]
    introduce_names(
        digest_sentences,
        origins,
        source_sentences,
        model=settings.models.spacy_model,
        written=written,
    )
    known_names(digest_sentences, source_sentences, model=settings.models.spacy_model)
    name_once(digest_sentences, written, model=settings.models.spacy_model)
    headline = make_headline(story, digest_sentences, verifier, source_sentences)
    digest = StoryDigest(story.id, headline, digest_sentences, sources)
    return FusedStory(digest, fact_groups, source_sentences)


def _as_written(group: FactGroup) -> str:
    """The sentence a group's printed wording comes from, as its outlet wrote it."""
    origin, wording = group.evidence[0]
    return next(
        (c.evidence for c in group.sentence.citations if c.source == origin and c.evidence),
        wording,
    )
