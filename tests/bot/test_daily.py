"""What a failed post leaves: a retry later, a failed day, a paused subscription."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.daily import PAUSE_AFTER_FAILURES, RETRY_MAX, collect_due, record_failure, retry_delay
from bot.posting import PostFailure
from bot.storage import Storage

from .helpers import make_digest

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = date(2026, 3, 10)
GONE = PostFailure("gone", "404 Not Found (error code: 10003): Unknown Channel")
FORBIDDEN = PostFailure("forbidden", "403 Forbidden (error code: 50013): Missing Permissions")
SERVER = PostFailure("error", "503 Service Unavailable (error code: 0): down")
REJECTED = PostFailure("rejected", "400 Bad Request (error code: 50035): Invalid Form Body")


@pytest.fixture
async def storage(db_url):
    store = await Storage.open(db_url)
    yield store
    await store.close()


async def subscribe(storage, channel=5):
    return await storage.subscribe(channel, 1, time(11, 0), "UTC", now=NOW - timedelta(days=30))


async def intent(storage, channel, day):
    digest_id = await storage.add_digest(make_digest(1), now=NOW)
    post = await storage.add_post(channel, 1, digest_id, now=NOW)
    await storage.record_intent(channel, day, post, now=NOW)
    return post


def test_retries_wait_longer_each_time_up_to_a_bound():
    """1, 2, 4 … minutes, never more than RETRY_MAX."""
    delays = [retry_delay(n) for n in range(1, 10)]
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert delays == sorted(delays) and max(delays) == RETRY_MAX


async def test_a_server_error_keeps_the_intent_and_waits_before_the_next_try(storage):
    """A retryable failure: still an intent (nothing lost), its reason and attempts kept, and
    no process may resume it before the wait is over; the wait doubles."""
    sub = await subscribe(storage)
    await intent(storage, 5, DAY)
    assert await record_failure(storage, sub, DAY, SERVER, now=NOW) == "retry"
    row = await storage.delivery(5, DAY)
    assert (row.state, row.attempts, row.reason) == ("intent", 1, SERVER.reason)
    until = NOW + timedelta(minutes=10)
    assert (
        await storage.claim_unfinished(5, DAY, now=NOW + timedelta(seconds=59), until=until) is None
    )
    again = NOW + timedelta(minutes=1)
    assert await storage.claim_unfinished(5, DAY, now=again, until=until) is not None
    assert await record_failure(storage, sub, DAY, SERVER, now=again) == "retry"
    early = again + timedelta(minutes=1, seconds=59)
    assert await storage.claim_unfinished(5, DAY, now=early, until=until) is None
    assert await storage.claim_unfinished(5, DAY, now=again + retry_delay(2), until=until)
    assert (await storage.subscription(5)).paused is None


async def test_retries_end_with_the_catch_up_window_as_failed(storage):
    """An intent still failing when the catch-up window ends is failed with its last reason,
    not skipped as if never tried; the subscription stays active."""
    sub = await subscribe(storage)
    day = (NOW - timedelta(hours=1)).date()
    await intent(storage, 5, day)
    await record_failure(storage, sub, day, SERVER, now=NOW - timedelta(minutes=50))
    due = await collect_due(storage, NOW + timedelta(hours=6), catch_up=timedelta(hours=6))
    assert due == []
    row = await storage.delivery(5, day)
    assert (row.state, row.reason) == ("failed", SERVER.reason)
    assert (await storage.subscription(5)).paused is None


async def test_a_refusing_channel_is_paused_after_days_running_and_no_longer_due(storage):
    """Gone or forbidden on PAUSE_AFTER_FAILURES days running: the subscription is paused
    (kept) and no longer due; any day between that went through starts the count again."""
    sub = await subscribe(storage)
    days = [DAY - timedelta(days=n) for n in range(PAUSE_AFTER_FAILURES + 1)][::-1]
    assert await record_failure(storage, sub, days[0], GONE, now=NOW) == "failed"
    await intent(storage, 5, days[1])
    await storage.record_sent(5, days[1], 1, now=NOW)
    outcomes = [
        await record_failure(storage, sub, day, failure, now=NOW)
        for day, failure in zip(days[2:], [FORBIDDEN, GONE], strict=True)
    ]
    assert outcomes[-1] == "failed"  # a sent day broke the run
    later = DAY + timedelta(days=1)
    assert await record_failure(storage, sub, later, GONE, now=NOW) == "paused"
    paused = await storage.subscription(5)
    assert paused is not None and paused.paused == GONE.reason
    tomorrow = datetime.combine(later + timedelta(days=1), time(11, 30), tzinfo=UTC)
    assert await collect_due(storage, tomorrow, catch_up=timedelta(hours=6)) == []
    await subscribe(storage)  # /subscribe again: resumed
    assert len(await collect_due(storage, tomorrow, catch_up=timedelta(hours=6))) == 1


async def test_passing_errors_and_rejections_never_pause(storage):
    """Days failed by server errors or by Discord rejecting the message (a bug on our side)
    fail those days but never pause the subscription."""
    sub = await subscribe(storage)
    for n in range(PAUSE_AFTER_FAILURES + 2):
        day = DAY - timedelta(days=n)
        await storage.record_failed(5, day, SERVER.reason, now=NOW)
    for n in range(PAUSE_AFTER_FAILURES):
        day = DAY + timedelta(days=n + 1)
        assert await record_failure(storage, sub, day, REJECTED, now=NOW) == "failed"
    assert (await storage.subscription(5)).paused is None
    assert (await storage.delivery(5, DAY + timedelta(days=1))).reason == REJECTED.reason
