"""The health report: the figures from the database, heartbeats, `--health` and `/health`."""

from __future__ import annotations

import dataclasses
import socket
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.health import STALE_AFTER, HealthUnavailable, health_report, serve_health
from bot.settings import BotSettings, DiscordSettings, HealthSettings
from bot.storage import SCHEMA_VERSION, ShardBeat, Storage

from .helpers import make_digest
from .test_main import run_bot

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FEEDS = ("https://a.example/rss",)
COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "compose.yaml"


def sharded(count, **health):
    return BotSettings(discord=DiscordSettings(shard_count=count), health=HealthSettings(**health))


async def subscribe(store, channel, minutes_ago, *, created_days_ago=1):
    at = NOW - timedelta(minutes=minutes_ago)
    await store.subscribe(
        channel, 1, time(at.hour, at.minute), "UTC", now=NOW - timedelta(days=created_days_ago)
    )
    return at.date()


async def test_every_subscription_counts_once_by_its_latest_time(db_url):
    """Sent, due, late (past late_minutes; retrying or not), failed (with its reason), missed
    (past the catch-up window untried), paused, and not yet due; the failures of the last day by
    kind; shards heard from recently as connected; the last build."""
    store = await Storage.open(db_url)
    try:
        day = await subscribe(store, 1, 30)
        digest_id = await store.add_digest(make_digest(1), now=NOW)
        post = await store.add_post(1, 1, digest_id, now=NOW)
        await store.record_intent(1, day, post, now=NOW)
        await store.record_sent(1, day, 101, now=NOW)
        await subscribe(store, 2, 3)  # due 3 min ago: still on time
        await subscribe(store, 3, 20)  # 20 min, nothing recorded: late
        day4 = await subscribe(store, 4, 25)  # an intent left unfinished: late
        await store.record_intent(4, day4, post, now=NOW)
        day5 = await subscribe(store, 5, 40)  # the channel refused the post
        await store.record_failed(5, day5, "forbidden: 403 Forbidden", now=NOW)
        await subscribe(store, 6, 7 * 60)  # past the 6 h catch-up, never tried: missed
        await subscribe(store, 7, 10, created_days_ago=0)  # subscribed after its time
        day8 = await subscribe(store, 8, 15)  # late, its last attempt failed: retrying
        await store.record_intent(8, day8, post, now=NOW)
        await store.record_retry(8, day8, "error: 503", now=NOW, retry_at=NOW)
        await subscribe(store, 9, 30)  # paused: counted apart, never late
        await store.pause(9, "gone: 404 Unknown Channel")
        # Failed yesterday, for another channel: among the failures of the last 24 h.
        await store.record_failed(9, day - timedelta(days=1), "gone: 404", now=NOW)
        await store.record_failed(4, day - timedelta(days=2), "old: x", now=NOW - timedelta(days=2))
        await store.record_shards(
            [
                ShardBeat(0, 4, "a:1", True, 40, NOW - timedelta(seconds=10)),
                ShardBeat(1, 4, "a:1", False, None, NOW - timedelta(seconds=10)),
                ShardBeat(2, 4, "b:2", True, 35, NOW - STALE_AFTER - timedelta(seconds=1)),
                ShardBeat(3, 4, "b:2", True, 38, NOW),
                ShardBeat(0, 2, "old:3", True, 30, NOW),  # another shard count: not ours
            ]
        )
        await store.claim_build(FEEDS, NOW, owner="a:1", now=NOW, until=NOW)
        await store.finish_build(FEEDS, NOW, digest_id, now=NOW - timedelta(seconds=90))

        report = await health_report(store, sharded(4), now=NOW)
        figures = (report.sent, report.due, report.late, report.failed, report.missed)
        assert figures == (1, 1, 3, 1, 1)
        assert report.shards == (0, 1, 2, 3) and report.connected == (0, 3)
        assert report.last_build == NOW - timedelta(seconds=90)
        assert not report.healthy
        assert report.lines() == [
            "status: unhealthy",
            "shards connected: 2/4 (not connected: 1, 2)",
            "deliveries sent: 1",
            "deliveries due: 1",
            "deliveries late: 3 (1 retrying after errors)",
            "deliveries failed: 1",
            "deliveries missed: 1",
            "failures in the last 24 h: 2 (forbidden 1, gone 1)",
            "subscriptions paused: 1",
            "last build: 2026-03-02T11:58:30+00:00 (90 s ago)",
        ]
        relaxed = await health_report(store, sharded(2, late_minutes=60), now=NOW)
        assert (relaxed.due, relaxed.late) == (4, 0) and relaxed.connected == (0,)
        assert relaxed.healthy is False  # shard 1 of 2 was never heard from
        unsharded = await health_report(store, BotSettings(), now=NOW)
        assert unsharded.shards == (0,) and unsharded.connected == ()
    finally:
        await store.close()


def guild_on(shard):
    """A guild id Discord routes to `shard` of 4: (id >> 22) % 4."""
    return (4 + shard) << 22


async def test_a_report_scoped_to_some_shards_counts_their_guilds_and_shards_only(db_url):
    """Shards 0,1 of 4 are fine and 2 is down with a late delivery in its guild: the report
    for 0,1 is healthy (what that process's container checks), those for 2,3 and the whole
    deployment are not."""
    store = await Storage.open(db_url)
    try:
        created = NOW - timedelta(days=1)
        at = NOW - timedelta(minutes=30)
        for channel, shard in ((1, 0), (2, 1), (3, 2)):
            await store.subscribe(
                channel, guild_on(shard), time(at.hour, at.minute), "UTC", now=created
            )
        digest_id = await store.add_digest(make_digest(1), now=NOW)
        for channel in (1, 2):
            post = await store.add_post(channel, guild_on(0), digest_id, now=NOW)
            await store.record_intent(channel, at.date(), post, now=NOW)
            await store.record_sent(channel, at.date(), 10 + channel, now=NOW)
        await store.record_failed(2, at.date() - timedelta(days=1), "forbidden: x", now=NOW)
        await store.record_failed(3, at.date() - timedelta(days=1), "gone: y", now=NOW)
        await store.record_shards(
            [ShardBeat(n, 4, "a:1", True, 5, NOW) for n in (0, 1)]
            + [ShardBeat(3, 4, "b:1", True, 5, NOW)]
        )
        mine = await health_report(store, sharded(4), now=NOW, shards=(1, 0))
        assert mine.healthy and (mine.sent, mine.late) == (2, 0)
        assert mine.lines()[:3] == ["status: ok", "scope: shards 0,1 of 4", "shards connected: 2/2"]
        assert "failures in the last 24 h: 1 (forbidden 1)" in mine.lines()
        theirs = await health_report(store, sharded(4), now=NOW, shards=(2, 3))
        assert not theirs.healthy and (theirs.sent, theirs.late) == (0, 1)
        assert "shards connected: 1/2 (not connected: 2)" in theirs.lines()
        assert "failures in the last 24 h: 1 (gone 1)" in theirs.lines()
        whole = await health_report(store, sharded(4), now=NOW)
        assert not whole.healthy and (whole.sent, whole.late) == (2, 1)
        assert not any(line.startswith("scope:") for line in whole.lines())
        # An unsharded bot is one shard: a scope changes nothing.
        alone = await health_report(store, BotSettings(), now=NOW, shards=(0,))
        assert alone.scope is None and alone.late == 1
    finally:
        await store.close()


async def test_an_empty_deployment_reports_nothing_built(db_url):
    """No subscriptions, no heartbeat, nothing built: zero figures, 'never', unhealthy."""
    store = await Storage.open(db_url)
    try:
        report = await health_report(store, BotSettings(), now=NOW)
        assert report.lines()[1:] == [
            "shards connected: 0/1 (not connected: 0)",
            "deliveries sent: 0",
            "deliveries due: 0",
            "deliveries late: 0",
            "deliveries failed: 0",
            "deliveries missed: 0",
            "failures in the last 24 h: 0",
            "subscriptions paused: 0",
            "last build: never",
        ]
    finally:
        await store.close()


async def test_the_bot_records_its_shards_while_it_runs(many_guilds_server, service, db_url):
    """A sharded bot (shards 1,3 of 4) writes both as connected once ready, and as
    disconnected when it stops; the report then counts them, and no others."""
    from .conftest import Harness

    harness = Harness(many_guilds_server, db_url, service)
    harness.settings = dataclasses.replace(
        harness.settings,
        discord=dataclasses.replace(harness.settings.discord, shards="1,3", shard_count=4),
    )
    await harness.start()
    try:
        store = harness.storage
        beats = await wait_for_beats(store, 2)
        assert [(b.shard_id, b.shard_count, b.connected) for b in beats] == [
            (1, 4, True),
            (3, 4, True),
        ]
        assert {b.process for b in beats} == {harness.bot.process_name}
        report = await health_report(store, harness.settings, now=datetime.now(UTC))
        assert report.connected == (1, 3) and report.shards == (0, 1, 2, 3)
    finally:
        await harness.stop()
    store = await Storage.open(db_url)
    try:
        assert [b.connected for b in await store.shard_beats()] == [False, False]
    finally:
        await store.close()


async def test_an_unsharded_bot_is_shard_0(harness):
    """The one connection of an unsharded bot is recorded as shard 0 (count 0)."""
    (beat,) = await wait_for_beats(harness.storage, 1)
    assert (beat.shard_id, beat.shard_count, beat.connected) == (0, 0, True)
    report = await health_report(harness.storage, harness.settings, now=datetime.now(UTC))
    assert report.connected == (0,) and report.healthy


async def wait_for_beats(store, n):
    import asyncio

    for _ in range(200):
        beats = await store.shard_beats()
        if len(beats) >= n and all(b.connected for b in beats):
            return beats
        await asyncio.sleep(0.05)
    raise AssertionError(f"heartbeats: {await store.shard_beats()}")


@pytest.fixture
async def many_guilds_server():
    from bot.testing.fakediscord import FakeDiscord

    srv = FakeDiscord(guilds=8, channels_per_guild=1)
    await srv.start()
    yield srv
    await srv.stop()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_the_endpoint_serves_the_report_with_its_status(db_url):
    """GET /health: the report's lines, 503 while a shard is missing, 200 once all are in."""
    store = await Storage.open(db_url)
    settings = sharded(2, port=free_port())
    try:
        async with serve_health(store, settings, clock=lambda: NOW) as port:
            url = f"http://127.0.0.1:{port}/health"
            async with aiohttp.ClientSession() as session:
                await store.record_shards([ShardBeat(0, 2, "a:1", True, 5, NOW)])
                async with session.get(url) as resp:
                    assert resp.status == 503
                    text = await resp.text()
                assert "status: unhealthy\nshards connected: 1/2 (not connected: 1)\n" in text
                await store.record_shards([ShardBeat(1, 2, "b:1", True, 5, NOW)])
                async with session.get(url) as resp:
                    assert resp.status == 200
                    assert (await resp.text()).startswith("status: ok\nshards connected: 2/2\n")
    finally:
        await store.close()


async def test_the_endpoint_answers_for_its_own_process_shards(db_url):
    """A process running shard 0 of 2 serves the report of shard 0 and its guilds: 200 while
    shard 1's process is down (that container is the unhealthy one), 503 when shard 0 drops."""
    store = await Storage.open(db_url)
    settings = BotSettings(
        discord=DiscordSettings(shards="0", shard_count=2), health=HealthSettings(port=free_port())
    )
    try:
        await store.record_shards([ShardBeat(0, 2, "a:1", True, 5, NOW)])
        async with serve_health(store, settings, clock=lambda: NOW) as port:
            url = f"http://127.0.0.1:{port}/health"
            async with aiohttp.ClientSession() as session:
                async with session.get(url) as resp:
                    assert resp.status == 200
                    text = await resp.text()
                assert text.startswith("status: ok\nscope: shards 0 of 2\nshards connected: 1/1\n")
                await store.record_shards([ShardBeat(0, 2, "a:1", False, None, NOW)])
                async with session.get(url) as resp:
                    assert resp.status == 503
    finally:
        await store.close()


def test_health_command_for_some_shards_checks_those_alone(tmp_path):
    """`--health --shards 0 --shard-count 2`: exit 0 with shard 0 connected though shard 1 is
    not; the whole deployment's report exits 3."""
    import asyncio

    db = tmp_path / "bot.sqlite3"

    async def setup():
        store = await Storage.open(db)
        await store.record_shards([ShardBeat(0, 2, "a:1", True, 5, datetime.now(UTC))])
        await store.close()

    asyncio.run(setup())
    config = health_config(tmp_path, f'path = "{db}"')
    mine = run_bot(["--health", "--config", str(config), "--shards", "0", "--shard-count", "2"])
    assert mine.returncode == 0, mine.stdout + mine.stderr
    assert mine.stdout.splitlines()[:3] == [
        "status: ok",
        "scope: shards 0 of 2",
        "shards connected: 1/1",
    ]
    whole = run_bot(["--health", "--config", str(config), "--shard-count", "2"])
    assert whole.returncode == 3, whole.stdout + whole.stderr
    assert "shards connected: 1/2 (not connected: 1)" in whole.stdout.splitlines()


async def test_the_compose_health_check_passes_only_while_its_own_shards_are_fine(db_url):
    """deploy/compose.yaml's health check command, pointed at a process running shard 0 of 2:
    exit 0 though shard 1 is down; non-zero once shard 0 drops, and with no process there."""
    import asyncio
    import sys

    yaml = pytest.importorskip("yaml")
    service = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]["bot-a"]
    code = service["healthcheck"]["test"][3]
    port = free_port()
    code = code.replace("127.0.0.1:8080", f"127.0.0.1:{port}")

    async def check():
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            code,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        return await proc.wait()

    store = await Storage.open(db_url)
    settings = BotSettings(
        discord=DiscordSettings(shards="0", shard_count=2), health=HealthSettings(port=port)
    )
    try:
        await store.record_shards([ShardBeat(0, 2, "a:1", True, 5, NOW)])
        async with serve_health(store, settings, clock=lambda: NOW):
            assert await check() == 0
            await store.record_shards([ShardBeat(0, 2, "a:1", False, None, NOW)])
            assert await check() != 0
        assert await check() != 0  # the process is gone: nothing answers
    finally:
        await store.close()


async def test_a_port_in_use_is_one_clear_error():
    """[health] port taken by another program: HealthUnavailable naming the address and keys."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            HealthUnavailable, match=rf"127\.0\.0\.1:{port} \(\[health\] host, port\)"
        ):
            async with serve_health(None, sharded(0, port=port), clock=lambda: NOW):
                pass


def health_config(tmp_path, target_line):
    config = tmp_path / "c.toml"
    config.write_text(f"[discord]\nshard_count = 0\n[storage]\n{target_line}\n")
    return config


async def test_health_command_prints_the_figures_and_exits_3_when_late(tmp_path):
    """`python -m bot --health`: one line per figure on stdout; exit 3 with a late delivery,
    0 once it is sent and the shard is connected."""
    db = tmp_path / "bot.sqlite3"
    store = await Storage.open(db)
    now = datetime.now(UTC)
    at = now - timedelta(minutes=30)
    await store.subscribe(5, 1, time(at.hour, at.minute), "UTC", now=now - timedelta(days=1))
    await store.close()
    config = health_config(tmp_path, f'path = "{db}"')
    result = run_bot(["--health", "--config", str(config)])
    assert result.returncode == 3, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "status: unhealthy" and "deliveries late: 1" in lines
    assert result.stderr == ""
    store = await Storage.open(db)
    digest_id = await store.add_digest(make_digest(1), now=now)
    post = await store.add_post(5, 1, digest_id, now=now)
    day: date = at.date()
    await store.record_intent(5, day, post, now=now)
    await store.record_sent(5, day, 7, now=now)
    await store.record_shards([ShardBeat(0, 0, "a:1", True, 5, datetime.now(UTC))])
    await store.close()
    result = run_bot(["--health", "--config", str(config)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[:3] == [
        "status: ok",
        "shards connected: 1/1",
        "deliveries sent: 1",
    ]


def test_health_command_on_a_missing_file_creates_nothing(tmp_path):
    """A SQLite path no bot has used: one line, exit 2, and no file left behind."""
    db = tmp_path / "nothing-here.sqlite3"
    result = run_bot(["--health", "--config", str(health_config(tmp_path, f'path = "{db}"'))])
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert f"no database at {db}" in lines[0]
    assert not db.exists()


def test_health_command_with_the_database_unreachable_is_one_line_and_exit_1(tmp_path):
    """Nothing listens at the PostgreSQL URL: one line (password hidden), exit 1."""
    url = f"postgresql://bot:hunter2@127.0.0.1:{free_port()}/news"
    result = run_bot(["--health", "--config", str(health_config(tmp_path, f'url = "{url}"'))])
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert "cannot connect to the PostgreSQL database" in lines[0] and "hunter2" not in lines[0]


async def test_health_command_refuses_an_older_schema_without_migrating(tmp_path):
    """A database of an older schema is not migrated by a probe: one line, exit 2, unchanged."""
    import sqlite3

    db = tmp_path / "old.sqlite3"
    store = await Storage.open(db)
    await store._db.set_schema_version(5)
    await store.close()
    result = run_bot(["--health", "--config", str(health_config(tmp_path, f'path = "{db}"'))])
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert f"is schema 5; this bot knows {SCHEMA_VERSION}" in lines[0]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    conn.close()


def test_a_health_port_in_use_stops_the_bot_with_one_line(tmp_path):
    """[health] port taken: the bot says so in one line and exits 2, before Discord."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "c.toml"
        config.write_text(
            '[discord]\ntoken_env = "MY_BOT_TOKEN"\napi_base = "https://discord.invalid/api/v10"\n'
            f'[storage]\npath = "{tmp_path / "x.sqlite3"}"\n[health]\nport = {port}\n'
        )
        result = run_bot(["--config", str(config)], env_extra={"MY_BOT_TOKEN": "not-a-token"})
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert f"cannot serve the health report on 127.0.0.1:{port}" in lines[0]
