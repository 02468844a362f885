"""Sharding: the loopback gateway routes guilds by shard, and two bot processes on one database
post every subscribed channel's daily digest exactly once."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.bot import ShardedDigestBot, shard_of
from bot.storage import Storage
from bot.testing.fakediscord import FakeDiscord

from .conftest import DEFAULT_FEEDS, Harness

SHARD_COUNT = 4
GUILDS = 8


def sharded(harness, shards):
    harness.settings = dataclasses.replace(
        harness.settings,
        discord=dataclasses.replace(
            harness.settings.discord, shards=shards, shard_count=SHARD_COUNT
        ),
    )
    return harness


@pytest.fixture
async def many_guilds():
    srv = FakeDiscord(guilds=GUILDS, channels_per_guild=3)
    await srv.start()
    yield srv
    await srv.stop()


def test_guilds_spread_over_the_shards():
    """The loopback's guilds fall on every shard, as Discord's would."""
    server = FakeDiscord(guilds=GUILDS, channels_per_guild=1)
    assert {shard_of(g, SHARD_COUNT) for g in server.guilds} == set(range(SHARD_COUNT))
    assert shard_of(None, SHARD_COUNT) == 0


async def test_a_sharded_bot_sees_only_its_shards_guilds(many_guilds, service, tmp_path):
    """Shards 0,1 of 4: READY brings their guilds only, and a command elsewhere never arrives."""
    harness = sharded(Harness(many_guilds, str(tmp_path / "s.sqlite3"), service), "0,1")
    await harness.start()
    try:
        assert isinstance(harness.bot, ShardedDigestBot)
        assert sorted(harness.bot.shards) == [0, 1]
        mine = {g for g in many_guilds.guilds if shard_of(g, SHARD_COUNT) in (0, 1)}
        assert {g.id for g in harness.bot.guilds} == mine and 0 < len(mine) < GUILDS
        inside = many_guilds.text_channels(next(iter(mine)))[0]
        record = await harness.invoke("feeds", channel_id=inside)
        assert record.finished
        other = next(g for g in many_guilds.guilds if g not in mine)
        stray = many_guilds.interact("feeds", channel_id=many_guilds.text_channels(other)[0])
        await asyncio.sleep(0.5)
        assert not stray.finished  # shard 2 or 3's event went to no connection of this bot
    finally:
        await harness.stop()


def digest_counts(server, channels):
    return {
        c: sum(m["content"].startswith("**Daily digest") for m in server.channel_messages(c))
        for c in channels
    }


@pytest.mark.parametrize(
    "shards",
    [("0,1", "2,3"), ("0,1,2,3", "0,1,2,3")],
    ids=["split", "both-own-every-shard"],
)
async def test_two_processes_post_every_channel_exactly_once(many_guilds, service, db_url, shards):
    """Two bots, shards 0,1 and 2,3 of 4 (or both all four, as in a handover) on one database:
    every channel in every guild gets its digest once; split, each posts only its own guilds."""
    server = many_guilds
    channels = server.text_channels()
    store = await Storage.open(db_url)
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=30)).replace(second=0, microsecond=0)
    for channel in channels:
        guild = int(server.channels[channel]["guild_id"])
        await store.subscribe(
            channel, guild, time(due.hour, due.minute), "UTC", now=now - timedelta(days=1)
        )
    await store.close()
    day: date = due.date()
    harnesses = [sharded(Harness(server, db_url, service), s) for s in shards]
    try:
        await asyncio.gather(*(h.start() for h in harnesses))
        for _ in range(300):
            if all(n >= 1 for n in digest_counts(server, channels).values()):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.5)  # several more ticks in both processes: nothing more is posted
        assert set(digest_counts(server, channels).values()) == {1}
        counts = await harnesses[0].storage.delivery_counts(day)
        assert counts == {"sent": len(channels)}
        posted = [h.bot.get_cog("Schedule").deliveries_posted for h in harnesses]
        assert sum(posted) == len(channels)
        if shards[0] != shards[1]:
            first = {int(g) for g in server.guilds if shard_of(g, SHARD_COUNT) in (0, 1)}
            in_first = [c for c in channels if int(server.channels[c]["guild_id"]) in first]
            assert posted == [len(in_first), len(channels) - len(in_first)]
    finally:
        for harness in harnesses:
            await harness.stop()
    assert server.violations == []


async def subscribe_all_at_one_minute(server, db_url):
    """Every channel subscribed (on the default feeds) for one minute, half an hour ago."""
    channels = server.text_channels()
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=30)).replace(second=0, microsecond=0)
    store = await Storage.open(db_url)
    for channel in channels:
        guild = int(server.channels[channel]["guild_id"])
        await store.subscribe(
            channel, guild, time(due.hour, due.minute), "UTC", now=now - timedelta(days=1)
        )
    await store.close()
    return channels, due


async def wait_posted(server, channels, within=15.0):
    for _ in range(int(within / 0.05)):
        if all(n >= 1 for n in digest_counts(server, channels).values()):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not all posted: {digest_counts(server, channels)}")


def digest_calls(service):
    return sum(1 for call in service.calls if call[0] == "digest")


async def posted_digest_ids(storage, channels, day):
    rows = [await storage.delivery(c, day) for c in channels]
    return {(await storage.post(row.post_id)).digest_id for row in rows}


async def test_two_processes_due_at_one_minute_build_one_digest(many_guilds, db_url):
    """Two bots (shards 0,1 and 2,3 of 4), each with its own summarizer, channels on both due
    at one minute with one feed set: one digest is built, by one of them, and every channel of
    both posts that stored digest once."""
    from bot.testing.fakeservice import FakeService

    server = many_guilds
    channels, due = await subscribe_all_at_one_minute(server, db_url)
    services = [FakeService(work_s=0.3), FakeService(work_s=0.3)]
    harnesses = [
        sharded(Harness(server, db_url, service), shards)
        for service, shards in zip(services, ("0,1", "2,3"), strict=True)
    ]
    try:
        await asyncio.gather(*(h.start() for h in harnesses))
        await wait_posted(server, channels)
        await asyncio.sleep(1.0)  # more ticks in both: nothing built or posted again
        assert set(digest_counts(server, channels).values()) == {1}
        assert [digest_calls(s) for s in services] in ([1, 0], [0, 1])
        built = [h.bot.get_cog("Schedule").digests_built for h in harnesses]
        assert sorted(built) == [0, 1]
        storage = harnesses[0].storage
        assert await storage.digest_count() == 1
        assert len(await posted_digest_ids(storage, channels, due.date())) == 1
        assert (await storage.build(DEFAULT_FEEDS, due)).built_at is not None
        posted = [h.bot.get_cog("Schedule").deliveries_posted for h in harnesses]
        assert all(posted) and sum(posted) == len(channels)  # each posted its own guilds
    finally:
        for harness in harnesses:
            await harness.stop()


async def test_a_dead_builders_claim_is_taken_over_when_it_lapses(many_guilds, db_url):
    """A process claimed the build and died: the bot waits while the claim runs, then builds
    the digest itself and posts every channel once."""
    from bot.testing.fakeservice import FakeService

    server = many_guilds
    channels, due = await subscribe_all_at_one_minute(server, db_url)
    lapses = datetime.now(UTC) + timedelta(seconds=2)
    store = await Storage.open(db_url)
    dead = await store.claim_build(
        DEFAULT_FEEDS, due, owner="dead-host:1", now=datetime.now(UTC), until=lapses
    )
    await store.close()
    assert dead.owner == "dead-host:1"
    service = FakeService()
    harness = Harness(server, db_url, service)
    try:
        await harness.start()
        await asyncio.sleep(1.0)
        assert digest_counts(server, channels) == dict.fromkeys(channels, 0)  # still waiting
        assert digest_calls(service) == 0
        await wait_posted(server, channels)
        assert datetime.now(UTC) >= lapses
        assert set(digest_counts(server, channels).values()) == {1}
        assert digest_calls(service) == 1
        build = await harness.storage.build(DEFAULT_FEEDS, due)
        assert build.owner == harness.bot.process_name and build.digest_id is not None
        assert await posted_digest_ids(harness.storage, channels, due.date()) == {build.digest_id}
    finally:
        await harness.stop()


async def test_a_failed_build_is_let_go_and_built_by_the_other_process(many_guilds, db_url):
    """The process that claimed the build fails to build it: it lets go at once, and the other
    process (waiting on it) builds and posts, long before the claim's lease would lapse."""
    from bot.testing.fakeservice import FakeService

    server = many_guilds
    channels, due = await subscribe_all_at_one_minute(server, db_url)
    failing, working = FakeService(work_s=0.5), FakeService()
    failing.fail_digest = True
    store = await Storage.open(db_url)
    first = sharded(Harness(server, db_url, failing), "0,1")
    second = sharded(Harness(server, db_url, working), "2,3")
    try:
        await first.start()
        for _ in range(100):  # the failing process has claimed the build and is working on it
            build = await store.build(DEFAULT_FEEDS, due)
            if build is not None:
                break
            await asyncio.sleep(0.05)
        assert build.owner == first.bot.process_name
        await second.start()
        mine = [c for c in channels if first.bot.owns_guild(int(server.channels[c]["guild_id"]))]
        theirs = [c for c in channels if c not in mine]
        await wait_posted(server, theirs, within=10.0)  # well within the 60 s lease
        assert digest_calls(working) == 1 and digest_calls(failing) >= 1
        build = await store.build(DEFAULT_FEEDS, due)
        assert build.owner == second.bot.process_name and build.digest_id is not None
        # The failing process's next tick finds the digest built: its channels get it too.
        await wait_posted(server, mine, within=10.0)
        assert set(digest_counts(server, channels).values()) == {1}
        assert await posted_digest_ids(store, channels, due.date()) == {build.digest_id}
    finally:
        await first.stop()
        await second.stop()
        await store.close()
