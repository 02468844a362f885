"""The shared data model's JSON forms."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from summarizer.models import Answer, Article, Digest, Source, StoryDigest


def test_source_round_trips_with_its_date():
    """A digest file keeps each source's date, so questions can weigh old against new."""
    source = Source(
        id=3,
        title="Ferry resumes",
        url="https://news.example/ferry",
        outlet="Harbour Times",
        text="The ferry resumed on Monday.",
        published=datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
    )
    assert Source.from_dict(source.to_dict()) == source
    assert source.to_dict()["published"] == "2025-03-04T09:30:00+00:00"


def test_source_from_dict_tolerates_missing_or_bad_dates():
    """The date is optional: absent, empty or unreadable reads as no date, naive as UTC."""
    base = {"id": 1, "text": "x"}
    assert Source.from_dict(base).published is None
    assert Source.from_dict({**base, "published": ""}).published is None
    assert Source.from_dict({**base, "published": "last Tuesday"}).published is None
    assert Source.from_dict({**base, "published": 20250304}).published is None
    naive = Source.from_dict({**base, "published": "2025-03-04T09:30:00"})
    assert naive.published == datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def test_source_of_article_carries_every_field():
    when = datetime(2025, 3, 4, tzinfo=UTC)
    article = Article(
        text="Body.", title="T", url="https://u.example/a", outlet="O", path="a.txt", published=when
    )
    source = Source.of_article(2, article)
    assert (source.id, source.title, source.url, source.outlet, source.path) == (
        2,
        "T",
        "https://u.example/a",
        "O",
        "a.txt",
    )
    assert source.text == "Body." and source.published == when


def test_digest_sources_flattens_every_story_in_order():
    """Digest.sources lists each story's sources, story by story."""
    a, b = Source(id=1, title="A"), Source(id=2, title="B")
    c = Source(id=3, title="C")
    digest = Digest(
        stories=[
            StoryDigest(id="s1", headline="H1", sentences=[], sources=[a, b]),
            StoryDigest(id="s2", headline="H2", sentences=[], sources=[c]),
        ]
    )
    assert digest.sources == [a, b, c]
    assert Digest(stories=[]).sources == []


def test_answer_json_round_trips_whole_and_extends_the_ask_document():
    """to_json keeps every field; it is the `ask --json` document plus what led to it."""
    answer = Answer("Monday [2].", [2], True, short_answer="Monday", evidence=["It reopened."])
    assert Answer.from_json(answer.to_json()) == answer
    assert json.loads(answer.to_json()).items() >= answer.to_dict().items()
    plain = Answer("The sources don't say.", [], False)
    assert Answer.from_json(json.dumps(plain.to_dict())) == plain
