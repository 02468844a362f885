"""Grouping: near-copies dropped, one event's articles together, unrelated ones apart."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from summarizer.cluster import cluster, dedupe, story_id
from summarizer.models import Article

from .conftest import BRIDGE_A, BRIDGE_B, UNRELATED


def test_dedupe_drops_syndicated_copy():
    """A wire copy with a different footer is dropped; the longest copy is kept."""
    copy = dataclasses.replace(
        BRIDGE_A, url="https://copy.example/x", text=BRIDGE_A.text + "\n\nMore at 11."
    )
    kept = dedupe([BRIDGE_A, copy, BRIDGE_B], threshold=0.8)
    assert [a.url for a in kept] == [copy.url, BRIDGE_B.url]


def test_dedupe_keeps_different_wording():
    """Two outlets' own reports of one event are not copies."""
    assert len(dedupe([BRIDGE_A, BRIDGE_B], threshold=0.8)) == 2


def test_one_event_one_story_and_unrelated_apart(models):
    """Two reports of one event share a story; an unrelated article stands alone."""
    stories = cluster([UNRELATED, BRIDGE_A, BRIDGE_B], models)
    assert [sorted(a.outlet for a in s.articles) for s in stories] == [
        ["Dunmore Ledger", "River Post"],
        ["Valley Times"],
    ]


def test_time_window_separates(models):
    """Articles whose stated dates lie further apart than the time window never share a story."""
    now = datetime(2026, 3, 1, tzinfo=UTC)
    a = dataclasses.replace(BRIDGE_A, published=now, dated_by="metadata")
    b = dataclasses.replace(BRIDGE_B, published=now + timedelta(days=30), dated_by="feed")
    assert len(cluster([a, b], models)) == 2


def test_guessed_date_keeps_nothing_apart(models):
    """A year guessed from an article's text (eight years off) does not split a story."""
    now = datetime(2026, 3, 1, tzinfo=UTC)
    a = dataclasses.replace(BRIDGE_A, published=now, dated_by="feed")
    b = dataclasses.replace(BRIDGE_B, published=datetime(2018, 1, 1, tzinfo=UTC), dated_by="guess")
    assert len(cluster([a, b], models)) == 1


def test_story_id_is_stable():
    """The id depends on the articles, not their order."""
    assert story_id([BRIDGE_A, BRIDGE_B]) == story_id([BRIDGE_B, BRIDGE_A])
    assert story_id([BRIDGE_A]) != story_id([BRIDGE_B])


def test_empty_input():
    """No articles, no stories (and no model load)."""
    assert cluster([], None) == []  # type: ignore[arg-type]


def test_single_article(models):
    """One article is one story."""
    stories = cluster([Article(text="Just one sentence here about a thing.")], models)
    assert len(stories) == 1


def test_average_linkage_merges_by_mean_similarity():
    """Groups merge while their mean pairwise similarity reaches the threshold."""
    import numpy as np

    from summarizer.cluster import _average_linkage

    sim = np.array(
        [
            [1.0, 0.9, 0.6, 0.0],
            [0.9, 1.0, 0.3, 0.1],
            [0.6, 0.3, 1.0, 0.0],
            [0.0, 0.1, 0.0, 1.0],
        ]
    )
    # {0,1} merge at 0.9; {0,1}+{2} averages (0.6+0.3)/2 = 0.45: below 0.5, so 2 stays apart.
    assert _average_linkage(sim, 0.5) == [[0, 1], [2], [3]]
    assert _average_linkage(sim, 0.4) == [[0, 1, 2], [3]]
    assert _average_linkage(sim, 0.95) == [[0], [1], [2], [3]]


def test_average_linkage_takes_similarity_rounded_above_one():
    """Two identical articles may score 1.0000001 in float32: still one group, no error."""
    import numpy as np

    from summarizer.cluster import _average_linkage

    sim = np.array([[1.0, 1.0000001, 0.1], [1.0000001, 1.0, 0.2], [0.1, 0.2, 1.0]], np.float32)
    assert _average_linkage(sim, 0.5) == [[0, 1], [2]]


def test_max_stories_keeps_the_most_covered(models):
    """With max_stories = 1 only the two-outlet story is digested."""
    import dataclasses

    from summarizer.pipeline import summarize

    settings = dataclasses.replace(
        models, summary=dataclasses.replace(models.summary, max_stories=1)
    )
    digest = summarize([UNRELATED, BRIDGE_A, BRIDGE_B], settings)
    assert len(digest.stories) == 1
    assert len(digest.stories[0].sources) == 2
