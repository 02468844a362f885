"""Storage: every table round-trips model objects and survives reopening."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfoNotFoundError

import pytest

from bot.storage import Storage
from summarizer.models import Answer

from .helpers import make_digest

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def storage(tmp_path):
    store = await Storage.open(tmp_path / "state.sqlite3")
    yield store
    await store.close()


async def test_subscription_roundtrip_and_replace(storage):
    """A subscription is stored, replaced by a second /subscribe, and removed."""
    sub = await storage.subscribe(10, 1, time(8, 30), "Europe/Paris", now=NOW)
    assert sub.local_time == time(8, 30)
    assert await storage.subscription(10) == sub
    await storage.subscribe(10, 1, time(9, 0), "Asia/Tokyo", now=NOW)
    again = await storage.subscription(10)
    assert again is not None and again.tz == "Asia/Tokyo" and again.local_time == time(9, 0)
    assert [s.channel_id for s in await storage.subscriptions()] == [10]
    assert await storage.unsubscribe(10) is True
    assert await storage.unsubscribe(10) is False
    assert await storage.subscription(10) is None


async def test_unknown_zone_is_refused_before_writing(storage):
    """An unknown zone raises and stores nothing."""
    with pytest.raises(ZoneInfoNotFoundError):
        await storage.subscribe(10, 1, time(8, 0), "Mars/Olympus", now=NOW)
    assert await storage.subscriptions() == []


async def test_sources_per_channel(storage):
    """Feeds are per channel, deduplicated, and removable."""
    assert await storage.add_source(1, "https://a.example/rss", title="A", now=NOW)
    assert not await storage.add_source(1, "https://a.example/rss", now=NOW)
    assert await storage.add_source(1, "https://b.example/rss", now=NOW)
    assert await storage.add_source(2, "https://c.example/rss", now=NOW)
    assert await storage.sources(1) == [
        ("https://a.example/rss", "A"),
        ("https://b.example/rss", None),
    ]
    assert await storage.sources_by_channel([1, 2, 3]) == {
        1: ["https://a.example/rss", "https://b.example/rss"],
        2: ["https://c.example/rss"],
    }
    assert await storage.remove_source(1, "https://a.example/rss")
    assert not await storage.remove_source(1, "https://a.example/rss")


async def test_digest_survives_reopen_with_source_texts(tmp_path):
    """A posted digest, its thread and its source texts are there after a restart."""
    path = tmp_path / "state.sqlite3"
    store = await Storage.open(path)
    digest = make_digest(2)
    digest_id = await store.add_digest(5, 1, digest, now=NOW)
    assert await store.latest_digest(5) is None  # stored but not yet posted
    await store.set_digest_messages(digest_id, [100, 101], thread_id=100)
    await store.close()

    store = await Storage.open(path)
    posted = await store.latest_digest(5)
    assert posted is not None and posted.message_ids == [100, 101] and posted.thread_id == 100
    assert posted.digest.stories[0].sources[0].text.startswith("Story 1 text")
    assert (await store.digest_for_thread(100)).id == digest_id
    assert await store.digest_for_thread(999) is None
    await store.close()


async def test_ledger_intent_then_sent(storage):
    """The first intent wins; sent is final; skipped only fills empty or intent rows."""
    day = date(2026, 3, 1)
    d1 = await storage.add_digest(5, 1, make_digest(1), now=NOW)
    d2 = await storage.add_digest(5, 1, make_digest(1), now=NOW)
    row = await storage.record_intent(5, day, d1, now=NOW)
    assert row.state == "intent" and row.digest_id == d1
    row = await storage.record_intent(5, day, d2, now=NOW)
    assert row.digest_id == d1  # the existing intent is kept
    await storage.record_sent(5, day, 777, now=NOW)
    rows = await storage.deliveries_on([(5, day), (6, day)])
    assert list(rows) == [(5, day)] and rows[(5, day)].state == "sent"
    assert rows[(5, day)].message_id == 777
    assert not await storage.record_skipped(5, day, now=NOW)
    assert (await storage.delivery(5, day)).state == "sent"
    assert await storage.record_skipped(6, day, now=NOW)
    assert await storage.delivery_counts(day) == {"sent": 1, "skipped": 1}


async def test_turns_keep_the_last_few(storage):
    """Only the last turns of a thread are kept, oldest first."""
    for i in range(12):
        await storage.add_turn(7, f"q{i}", Answer(f"a{i}", [1], True), now=NOW)
    turns = await storage.turns(7, limit=3)
    assert [t.question for t in turns] == ["q9", "q10", "q11"]
    assert turns[-1].answer.citations == [1] and turns[-1].answer.answered
    assert await storage.turns(8, limit=3) == []


async def test_unfinished_intent_can_be_given_up(storage):
    """An intent left by a crash long ago becomes skipped; a sent row never does."""
    day = date(2026, 3, 2)
    d1 = await storage.add_digest(5, 1, make_digest(1), now=NOW)
    await storage.record_intent(5, day, d1, now=NOW)
    assert await storage.record_skipped(5, day, now=NOW)
    assert (await storage.delivery(5, day)).state == "skipped"
    assert not await storage.record_skipped(5, day, now=NOW)
