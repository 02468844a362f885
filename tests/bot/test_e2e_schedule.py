"""Daily delivery end to end: on time, exactly once across restarts, catch-up, failures."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.exts.schedule import part_label


def digest_messages(server, channel):
    return [
        m for m in server.channel_messages(channel) if m["content"].startswith("**Daily digest")
    ]


def aim_clock(harness, seconds_before: float = 3.0) -> datetime:
    """Shift the bot's clock to just before a minute boundary; returns that boundary (UTC)."""
    real = datetime.now(UTC)
    boundary = real.replace(second=0, microsecond=0) + timedelta(minutes=2)
    harness.clock_offset = boundary - timedelta(seconds=seconds_before) - real
    return boundary


async def wait_sent(harness, channel, day):
    for _ in range(200):
        row = await harness.storage.delivery(channel, day)
        if row is not None and row.state == "sent":
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"not sent: {row}")


async def test_subscription_is_delivered_at_its_local_time(harness, server):
    """/subscribe for the next minute in New York: the digest arrives then, once, with a thread."""
    channel = server.text_channels()[0]
    boundary = aim_clock(harness)
    local = boundary.astimezone(ZoneInfo("America/New_York"))
    await harness.invoke(
        "subscribe",
        {"time": f"{local:%H:%M}", "timezone": "America/New_York"},
        channel_id=channel,
    )
    assert digest_messages(server, channel) == []
    row = await wait_sent(harness, channel, local.date())
    delay = (harness.now() - boundary).total_seconds()
    assert delay < 3.0, f"posted {delay:.1f} s late"
    (message,) = digest_messages(server, channel)
    assert message["content"].startswith(f"**{part_label(local.date(), 0, 1)}**")
    assert int(message["id"]) == row.message_id
    assert int(message["id"]) in server.channels  # its follow-up thread
    await asyncio.sleep(1.2)  # more ticks: still exactly one
    assert len(digest_messages(server, channel)) == 1


async def subscribe_at(
    harness, channel, *, hours_ago: float, created_days_ago: float = 1, tz="UTC"
):
    now = harness.now()
    at = (now - timedelta(hours=hours_ago)).astimezone(ZoneInfo(tz))
    await harness.storage.subscribe(
        channel,
        harness.server.guild_id,
        time(at.hour, at.minute),
        tz,
        now=now - timedelta(days=created_days_ago),
    )
    return at.date()


async def test_missed_digest_within_six_hours_is_posted_once(harness, server):
    """Back 2 h after the time: posted once; later ticks and a restart don't repeat it."""
    channel = server.text_channels()[0]
    day = await subscribe_at(harness, channel, hours_ago=2, tz="Asia/Tokyo")
    await wait_sent(harness, channel, day)
    await harness.restart()
    await asyncio.sleep(1.0)
    assert len(digest_messages(server, channel)) == 1


async def test_missed_digest_after_six_hours_is_skipped_and_logged(harness, server, caplog):
    """Back 7 h after the time: nothing posted, the skip logged and recorded."""
    channel = server.text_channels()[0]
    day = await subscribe_at(harness, channel, hours_ago=7)
    for _ in range(100):
        row = await harness.storage.delivery(channel, day)
        if row is not None:
            break
        await asyncio.sleep(0.05)
    assert row.state == "skipped"
    assert digest_messages(server, channel) == []
    assert any("more than 6 h late; skipped" in r.getMessage() for r in caplog.records)


async def test_new_subscription_gets_no_backlog(harness, server):
    """Subscribing after today's time posts nothing until tomorrow."""
    channel = server.text_channels()[0]
    await subscribe_at(harness, channel, hours_ago=1, created_days_ago=0)
    await asyncio.sleep(1.2)
    assert digest_messages(server, channel) == []
    assert not any(c[0] == "digest" for c in harness.service.calls)


async def test_restart_between_intent_and_send_posts_exactly_once(harness, server):
    """Intent recorded, then the bot dies before sending: after restart it is posted once."""
    channel = server.text_channels()[0]
    await harness.stop()
    # What a crash right after step 1 leaves: the subscription, a stored digest, an intent.
    from bot.storage import Storage

    from .helpers import make_digest

    storage = await Storage.open(harness.db_path)
    now = harness.now()
    day = now.date()
    at = now - timedelta(minutes=30)
    await storage.subscribe(
        channel, server.guild_id, time(at.hour, at.minute), "UTC", now=now - timedelta(days=1)
    )
    day = at.date()
    digest_id = await storage.add_digest(make_digest(1), now=now)
    post_id = await storage.add_post(channel, server.guild_id, digest_id, now=now)
    await storage.record_intent(channel, day, post_id, now=now)
    await storage.close()

    await harness.start()
    row = await wait_sent(harness, channel, day)
    assert len(digest_messages(server, channel)) == 1
    assert row.post_id == post_id
    assert not any(c[0] == "digest" for c in harness.service.calls)  # the stored digest is sent


async def test_crash_after_discord_accepted_but_before_recording_does_not_repeat(harness, server):
    """Discord created the message but the bot died before hearing back: no duplicate."""
    channel = server.text_channels()[0]
    server.hold("POST", rf"/channels/{channel}/messages$")
    day = await subscribe_at(harness, channel, hours_ago=0.5)
    await server.wait_for(lambda: digest_messages(server, channel))
    row = await harness.storage.delivery(channel, day)
    assert row.state == "intent"
    await harness.stop()  # dies waiting for the response
    server.holds.clear()
    server.release.set()
    await harness.start()
    row = await wait_sent(harness, channel, day)
    (message,) = digest_messages(server, channel)
    assert row.message_id == int(message["id"])
    await asyncio.sleep(1.0)
    assert len(digest_messages(server, channel)) == 1


async def test_one_digest_per_distinct_source_set(harness, server):
    """Five channels due at once, two source sets: two digests built, five posted."""
    extra = [server.add_channel(server.guild_id, f"extra-{i}") for i in range(2)]
    await harness.restart()
    channels = server.text_channels()
    assert len(channels) == 5
    for channel in channels[3:]:
        await harness.storage.add_feed(channel, "https://mine.example/rss", now=harness.now())
    harness.service.calls.clear()
    days = [await subscribe_at(harness, c, hours_ago=0.2) for c in channels]
    for channel, day in zip(channels, days, strict=True):
        await wait_sent(harness, channel, day)
    digests = sorted(c[1] for c in harness.service.calls if c[0] == "digest")
    assert digests == [("https://default.example/rss",), ("https://mine.example/rss",)]
    assert extra


async def test_429_500_and_503_while_posting_are_retried(harness, server):
    """A 429 (waited out by discord.py), a 500 and a 503 (retried): posted exactly once."""
    channel = server.text_channels()[0]
    path = rf"/channels/{channel}/messages$"
    server.fail("POST", path, 429, retry_after=0.3)
    server.fail("POST", path, 500)
    server.fail("POST", path, 503)
    day = await subscribe_at(harness, channel, hours_ago=0.2)
    await wait_sent(harness, channel, day)
    assert len(digest_messages(server, channel)) == 1
    assert server.status_counts[429] >= 1 and server.status_counts[500] >= 1
    assert server.status_counts[503] >= 1


async def wait_state(harness, channel, day, state):
    for _ in range(200):
        row = await harness.storage.delivery(channel, day)
        if row is not None and row.state == state:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"not {state}: {row}")


async def test_failing_channel_is_logged_and_others_still_get_theirs(harness, server, caplog):
    """A channel without permission is logged and failed with its reason, not retried that
    day; the other channel is posted."""
    bad, good = server.text_channels()[:2]
    server.forbidden.add(bad)
    days = [await subscribe_at(harness, c, hours_ago=0.2) for c in (bad, good)]
    await wait_sent(harness, good, days[1])
    row = await wait_state(harness, bad, days[0], "failed")
    assert row.reason.startswith("forbidden: 403 Forbidden (error code: 50013)")
    tries = sum(1 for _, path, _ in server.requests if path.endswith(f"/channels/{bad}/messages"))
    await asyncio.sleep(1.2)  # more ticks: the failed day is not tried again
    assert tries == sum(
        1 for _, path, _ in server.requests if path.endswith(f"/channels/{bad}/messages")
    )
    assert any(
        "cannot post the daily digest" in r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING
    )


async def test_a_digest_shared_by_channels_is_stored_once_and_indexed_once(harness, server):
    """Three channels on the default feeds: one stored digest, three posts of it; questions in
    two of them reach the summarizer under the one digest's key (one QA index)."""
    from bot.storage import Storage

    channels = server.text_channels()
    # Subscribed while the bot is down, so that one run finds all three due together.
    await harness.stop()
    harness.storage = await Storage.open(harness.db_path)
    days = [await subscribe_at(harness, c, hours_ago=0.2) for c in channels]
    await harness.storage.close()
    await harness.start()
    rows = [await wait_sent(harness, c, d) for c, d in zip(channels, days, strict=True)]
    assert await harness.storage.digest_count() == 1
    posts = [await harness.storage.post(row.post_id) for row in rows]
    assert len({p.id for p in posts}) == 3 and len({p.digest_id for p in posts}) == 1
    for channel in channels[:2]:
        await harness.invoke("ask", {"question": "When did it reopen?"}, channel_id=channel)
    keys = {c[2] for c in harness.service.calls if c[0] == "answer"}
    assert keys == {posts[0].digest_id}


async def test_a_server_error_past_every_retry_is_tried_again_later_and_posted_once(
    harness, server
):
    """Discord answers 503 to every retry of a send: the intent stays with its reason, nothing
    is tried before the wait is over (several ticks), and once it is the digest goes out once."""
    from bot.posting import POST_ATTEMPTS

    channel = server.text_channels()[0]
    server.fail("POST", rf"/channels/{channel}/messages$", 503, times=POST_ATTEMPTS)
    day = await subscribe_at(harness, channel, hours_ago=0.2)
    for _ in range(400):
        row = await harness.storage.delivery(channel, day)
        if row is not None and row.attempts:
            break
        await asyncio.sleep(0.05)
    assert (row.state, row.attempts) == ("intent", 1)
    assert row.reason.startswith("error: 503 Service Unavailable")
    await asyncio.sleep(1.5)  # three ticks inside the one-minute wait: not tried
    assert server.status_counts[503] == POST_ATTEMPTS
    assert digest_messages(server, channel) == []
    harness.clock_offset += timedelta(minutes=1)
    row = await wait_sent(harness, channel, day)
    assert len(digest_messages(server, channel)) == 1
    assert row.attempts == 1


async def test_a_deleted_channel_fails_each_day_then_is_paused_not_lost(harness, server):
    """A deleted channel: each day failed as gone; after PAUSE_AFTER_FAILURES days the
    subscription is paused (kept, listed), and later days cost no request."""
    from bot.daily import PAUSE_AFTER_FAILURES

    channel = server.text_channels()[0]
    server.deleted.add(channel)

    def sends():
        return sum(
            1 for _, path, _ in server.requests if path.endswith(f"/channels/{channel}/messages")
        )

    first = await subscribe_at(harness, channel, hours_ago=0.2, created_days_ago=10)
    for n in range(PAUSE_AFTER_FAILURES):
        day = first + timedelta(days=n)
        row = await wait_state(harness, channel, day, "failed")
        assert row.reason.startswith("gone: 404 Not Found (error code: 10003)")
        harness.clock_offset += timedelta(days=1)
    for _ in range(100):
        sub = await harness.storage.subscription(channel)
        if sub.paused:
            break
        await asyncio.sleep(0.05)
    assert sub.paused.startswith("gone: ")
    assert sends() == PAUSE_AFTER_FAILURES
    await asyncio.sleep(1.2)  # the next day is due now: not tried
    assert sends() == PAUSE_AFTER_FAILURES
    assert (
        await harness.storage.delivery(channel, first + timedelta(days=PAUSE_AFTER_FAILURES))
        is None
    )
    other = server.text_channels()[1]
    listed = await harness.invoke("subscriptions", channel_id=other, subcommand="list")
    assert f"<#{channel}> · " in listed.original["content"]
    assert "paused (gone: 404 Not Found" in listed.original["content"]
    assert "/subscribe there again to resume" in listed.original["content"]
    # /subscribe there again (say the channel was a thread brought back): resumed.
    await harness.invoke("subscribe", {"time": "08:00", "timezone": "UTC"}, channel_id=channel)
    assert (await harness.storage.subscription(channel)).paused is None
