"""Builds once across processes (bot/builds.py): claims, waiting, renewal, takeover."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.builds import Builder
from bot.storage import Storage
from bot.testing.fakeservice import FakeService

FEEDS = ("https://a.example/rss",)
SLOT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def now():
    return datetime.now(UTC)


def builder(storage, service, owner, **options):
    return Builder(storage, service, owner=owner, clock=now, poll_s=0.05, **options)


async def claimed(store):
    """Wait until someone claimed the build."""
    for _ in range(200):
        if await store.build(FEEDS, SLOT) is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("never claimed")


async def collect(run):
    return [item async for item in run]


async def test_a_slow_builder_renews_its_claim_and_the_other_waits(db_url):
    """The build takes three leases: renewed meanwhile, the claim is never taken over; the
    waiting process gets the one digest when it is stored."""
    one, two = await Storage.open(db_url), await Storage.open(db_url)
    slow, other = FakeService(work_s=1.5), FakeService()
    try:
        lease = timedelta(seconds=0.5)
        first = builder(one, slow, "one", lease=lease)
        second = builder(two, other, "two", lease=lease)
        task = asyncio.create_task(collect(first.run({FEEDS: {SLOT}})))
        await claimed(two)
        got = await collect(second.run({FEEDS: {SLOT}}))
        built = await task
        assert (first.built, second.built) == (1, 0)
        assert not any(c[0] == "digest" for c in other.calls)
        ((feeds, slots),) = got
        assert feeds == FEEDS and list(slots) == [SLOT]
        assert slots[SLOT][0] == built[0][1][SLOT][0]  # the same stored digest
        assert await one.digest_count() == 1
    finally:
        await one.close()
        await two.close()


async def test_a_catch_up_over_several_minutes_builds_once(db_url):
    """Channels due at three minutes (after downtime): one build, recorded for every minute;
    a minute another process built already takes that digest."""
    store = await Storage.open(db_url)
    service = FakeService()
    try:
        minutes = [SLOT + timedelta(minutes=n) for n in range(3)]
        earlier = await store.add_digest(await FakeService().digest(FEEDS), now=SLOT)
        await store.claim_build(FEEDS, minutes[0], owner="gone", now=SLOT, until=SLOT)
        await store.finish_build(FEEDS, minutes[0], earlier, now=SLOT)
        got = await collect(builder(store, service, "me").run({FEEDS: set(minutes)}))
        assert sum(1 for c in service.calls if c[0] == "digest") == 1
        ((_, slots),) = got
        assert slots[minutes[0]][0] == earlier
        assert slots[minutes[1]][0] == slots[minutes[2]][0] != earlier
        for minute in minutes[1:]:
            assert (await store.build(FEEDS, minute)).digest_id == slots[minute][0]
    finally:
        await store.close()


async def test_waiting_is_bounded_and_leaves_the_set_to_the_next_tick(db_url, caplog):
    """Another process's claim runs on past the wait: nothing is built or yielded, and a
    warning says the set is left to the next tick."""
    store = await Storage.open(db_url)
    service = FakeService()
    try:
        await store.claim_build(
            FEEDS, SLOT, owner="busy", now=now(), until=now() + timedelta(minutes=5)
        )
        caplog.set_level(logging.WARNING, logger="bot.builds")
        started = asyncio.get_running_loop().time()
        got = await collect(builder(store, service, "me", wait_s=0.5).run({FEEDS: {SLOT}}))
        assert got == [] and service.calls == []
        assert asyncio.get_running_loop().time() - started >= 0.5
        assert "left to the next tick" in caplog.text
    finally:
        await store.close()


async def test_a_stopping_builder_lets_go_of_its_claims(db_url):
    """Cancelled mid-build (the bot stops): `release` lets another process claim at once."""
    store = await Storage.open(db_url)
    try:
        first = builder(store, FakeService(work_s=5.0), "one")
        task = asyncio.create_task(collect(first.run({FEEDS: {SLOT}})))
        await claimed(store)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert (
            await store.claim_build(FEEDS, SLOT, owner="two", now=now(), until=now())
        ).owner == "one"
        await first.release()
        assert (
            await store.claim_build(FEEDS, SLOT, owner="two", now=now(), until=now())
        ).owner == "two"
    finally:
        await store.close()
