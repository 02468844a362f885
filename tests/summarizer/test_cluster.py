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
    """Articles further apart than the time window never share a story."""
    now = datetime(2026, 3, 1, tzinfo=UTC)
    a = dataclasses.replace(BRIDGE_A, published=now)
    b = dataclasses.replace(BRIDGE_B, published=now + timedelta(days=30))
    assert len(cluster([a, b], models)) == 2


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
