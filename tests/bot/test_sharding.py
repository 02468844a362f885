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

from .conftest import Harness

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
