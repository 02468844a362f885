"""The loopback Discord and the bots, each in an OS process of its own.

Shared by the load benchmarks (bench/bot_load.py, bench/bot_shards.py) and the two-process test
(tests/bot/test_processes.py):

- `serve_discord`: the loopback Discord and the fictional news site in a server process;
- `loopback_settings`: a bot's settings against them;
- `run_sharded`: every channel subscribed for one minute, one bot process on SQLite or several
  sharded ones on one throwaway PostgreSQL cluster, optionally one killed (SIGKILL) mid-run and
  started again; what reached the loopback Discord says whether every channel was posted
  exactly once.

Processes are spawned, not forked: each starts clean, as a deployed bot process does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import aiohttp

if TYPE_CHECKING:  # the bot loads in the spawned processes, not at import
    from bot.settings import BotSettings, StorageSettings

__all__ = [
    "TOKEN",
    "ShardedResult",
    "ShardedRun",
    "fetch_stats",
    "loopback_settings",
    "run_sharded",
    "serve_discord",
]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "bench-token"
LEAD_S = 3.0  # the bots' clocks start this long before the subscribed minute
START_TIMEOUT_S = 120.0  # a bot process has this long to connect (imports on a busy machine)
SETTLE_S = 3.0  # after the last post: a few more ticks everywhere, so a repeat would show

Backend = Literal["sqlite", "postgresql"]


def serve_discord(conn: Connection, guilds: int, per_guild: int, sets: int) -> None:
    """The server process: loopback Discord plus the fictional news site, until told to stop.

    Discord's limits are on: 50 requests a second globally (per token, so shared by every
    process of the bot) and 5 per 5 s per channel route. Sends back the addresses, channels
    and guilds (`loopback_settings` takes them), then waits for "stop".
    """
    sys.path.insert(0, str(ROOT))
    from bot.testing.fakediscord import FakeDiscord
    from bot.testing.newssite import start_news_site

    async def main() -> None:
        server = FakeDiscord(
            guilds=guilds,
            channels_per_guild=per_guild,
            token=TOKEN,
            global_limit=50,
            bucket_limit=5,
            bucket_window_s=5.0,
        )
        await server.start()

        runner, site = await start_news_site()
        conn.send(
            {
                "api_base": server.api_base,
                "gateway_url": server.gateway_url,
                "stats": f"http://127.0.0.1:{server.port}/_stats",
                "site": site,
                "sets": sets,
                "channels": server.text_channels(),
                "guilds": {str(c): server.channels[c]["guild_id"] for c in server.text_channels()},
            }
        )
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, conn.recv)  # "stop"
        await server.stop()
        await runner.cleanup()

    asyncio.run(main())


def loopback_settings(
    info: dict[str, Any], storage: StorageSettings, *, shards: str = "", shard_count: int = 0
) -> BotSettings:
    """The bot's settings against the loopback Discord and news site described by `info`."""
    from bot.settings import BotSettings, DiscordSettings
    from summarizer.config import FetchSettings, SourcesSettings

    return BotSettings(
        discord=DiscordSettings(
            token_env="BENCH_TOKEN",
            api_base=info["api_base"],
            gateway_url=info["gateway_url"],
            guild_ready_timeout=2.0,
            shards=shards,
            shard_count=shard_count,
        ),
        storage=storage,
        sources=SourcesSettings(feeds=(f"{info['site']}/feed0.xml",)),
        fetch=FetchSettings(allow_private_networks=True, retries=1),
    )


async def fetch_stats(url: str) -> dict[str, Any]:
    """The loopback Discord's counts (requests, statuses, digests per channel)."""
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        stats: dict[str, Any] = json.loads(await resp.text())
        return stats


@dataclass(frozen=True, slots=True)
class _BotOptions:
    info: dict[str, Any]
    target: str
    shards: str
    shard_count: int
    work_s: float
    lease_s: float | None


def _bot(conn: Connection, options: _BotOptions) -> None:
    """One bot process: connect, say "ready", take the clock offset, run until "stop"."""
    sys.path.insert(0, str(ROOT))
    from bot.bot import apply_endpoints, make_bot
    from bot.settings import StorageSettings
    from bot.storage import Storage
    from bot.testing.fakeservice import FakeService

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord").setLevel(logging.ERROR)  # 429s are expected and waited out

    async def main() -> None:
        settings = loopback_settings(
            options.info,
            StorageSettings(url=options.target),
            shards=options.shards,
            shard_count=options.shard_count,
        )
        offset = [timedelta(0)]
        storage = await Storage.open(options.target)
        apply_endpoints(settings.discord)
        bot = make_bot(
            settings,
            storage,
            FakeService(work_s=options.work_s),
            clock=lambda: datetime.now(UTC) + offset[0],
            tick_seconds=1.0,
            lease_seconds=options.lease_s,
            identify_spacing=0.0,
        )
        await bot.login(TOKEN)
        task = asyncio.create_task(bot.connect())
        await asyncio.wait_for(bot.wait_until_ready(), START_TIMEOUT_S)
        conn.send("ready")
        loop = asyncio.get_running_loop()
        offset[0] = timedelta(seconds=await loop.run_in_executor(None, conn.recv))
        await loop.run_in_executor(None, conn.recv)  # "stop"
        schedule = bot.get_cog("Schedule")
        figures = {
            "posted": getattr(schedule, "deliveries_posted", 0),
            "built": getattr(schedule, "digests_built", 0),
        }
        await bot.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)
        await storage.close()
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        conn.send(figures)

    asyncio.run(main())


class _BotProcess:
    """A spawned bot process and the pipe to it."""

    def __init__(self, ctx: Any, options: _BotOptions) -> None:
        self.options = options
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_bot, args=(child, options), daemon=True)
        self.proc.start()
        child.close()

    def wait_ready(self) -> None:
        """Block until the bot is connected; raise if it died first."""
        if not self.conn.poll(START_TIMEOUT_S) or self.conn.recv() != "ready":
            raise RuntimeError(f"bot process (shards {self.options.shards!r}) failed to start")

    def stop(self) -> dict[str, Any]:
        """Stop the bot cleanly; its figures (posted, built, peak RSS)."""
        self.conn.send("stop")
        figures = dict(self.conn.recv()) if self.conn.poll(60) else {}
        self.proc.join(30)
        return figures

    def kill(self) -> None:
        """SIGKILL: no cleanup at all, as a crash or an OOM kill."""
        self.proc.kill()
        self.proc.join()


@dataclass(frozen=True, slots=True)
class ShardedRun:
    """What `run_sharded` runs.

    `backend` sqlite: one unsharded bot on a SQLite file; postgresql: `processes` bots on one
    throwaway PostgreSQL cluster, the `shard_count` shards dealt out between them. `kill`: the
    last process is killed (SIGKILL) once `kill_at` of the channels are posted, and started
    again at once. `lease_s`: the claims' lease in the bots (None: the schedule's own, minutes;
    a test shortens it so the restarted process takes over in seconds).
    """

    backend: Backend
    channels: int = 1000
    guilds: int = 40
    processes: int = 2
    shard_count: int = 4
    work_s: float = 1.0
    kill: bool = False
    kill_at: float = 1 / 3
    lease_s: float | None = None
    timeout_s: float = 600.0


@dataclass(slots=True)
class ShardedResult:
    """What the loopback Discord and the bots saw."""

    layout: list[str]  # each process's shards ("" for the unsharded one)
    channels: int
    sent: int  # delivered according to the ledger
    with_digest: int  # channels where the loopback Discord has a daily digest
    repeated: int  # daily digests posted beyond the first, over every channel
    seconds: float | None  # from the minute until the ledger had every channel; None: timed out
    requests: int
    responses_429: int
    built: int  # digests built, over every process stopped cleanly (not the one killed)
    stored: int  # digests in the database at the end: one per feed set and minute is the goal
    peak_rss_mb: list[int] = field(default_factory=list)
    killed: dict[str, Any] | None = None  # the shards killed and the channels sent by then

    @property
    def lost(self) -> int:
        """Channels that never got their digest."""
        return self.channels - self.with_digest


async def run_sharded(run: ShardedRun) -> ShardedResult:
    """One run: a fresh loopback Discord, a fresh database, the bots, the figures.

    Raises:
        PostgresUnavailable: the postgresql backend without PostgreSQL's binaries (raised
            before any process starts).
        RuntimeError: a bot process failed to start.

    """
    from bot.testing.postgres import PostgresCluster

    cluster: PostgresCluster | None = None
    if run.backend == "sqlite":
        target = os.path.join(tempfile.mkdtemp(prefix="bot_shards_"), "bot.sqlite3")
        layout = [("", 0)]
    else:
        cluster = PostgresCluster()
        try:
            cluster.start()
        except BaseException:
            cluster.stop()
            raise
        ids = list(range(run.shard_count))
        layout = [
            (",".join(str(i) for i in ids[n :: run.processes]), run.shard_count)
            for n in range(run.processes)
        ]
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    per_guild = max(1, run.channels // run.guilds)
    server = ctx.Process(target=serve_discord, args=(child, run.guilds, per_guild, 1), daemon=True)
    bots: list[_BotProcess] = []
    try:
        server.start()
        info = parent.recv()
        if cluster is not None:
            target = await cluster.create_database()
        return await _run(run, ctx, info, target, layout, bots)
    finally:
        for bot in bots:
            if bot.proc.is_alive():
                bot.kill()
        if server.is_alive():
            parent.send("stop")
            server.join(20)
            if server.is_alive():
                server.kill()
        if cluster is not None:
            cluster.stop()


async def _run(
    run: ShardedRun,
    ctx: Any,
    info: dict[str, Any],
    target: str,
    layout: list[tuple[str, int]],
    bots: list[_BotProcess],
) -> ShardedResult:
    from bot.storage import Storage

    channels: list[int] = info["channels"]
    boundary = (datetime.now(UTC) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    storage = await Storage.open(target)
    try:
        for channel in channels:
            await storage.subscribe(
                channel,
                int(info["guilds"][str(channel)]),
                dtime(boundary.hour, boundary.minute),
                "UTC",
                now=boundary - timedelta(hours=1),
            )

        def start(shards: str, count: int) -> _BotProcess:
            options = _BotOptions(info, target, shards, count, run.work_s, run.lease_s)
            return _BotProcess(ctx, options)

        bots.extend(start(shards, count) for shards, count in layout)
        for bot in bots:
            bot.wait_ready()
        offset_s = (boundary - timedelta(seconds=LEAD_S) - datetime.now(UTC)).total_seconds()
        for bot in bots:
            bot.conn.send(offset_s)
        due_at = time.perf_counter() + LEAD_S
        killed: dict[str, Any] | None = None
        sent = 0
        while time.perf_counter() - due_at < run.timeout_s:
            await asyncio.sleep(0.25)
            sent = (await storage.delivery_counts(boundary.date())).get("sent", 0)
            if run.kill and killed is None and sent >= len(channels) * run.kill_at:
                victim = bots[-1]
                victim.kill()
                killed = {"shards": victim.options.shards, "at_sent": sent}
                # The restarted process keeps the same timeline: the minute is already past.
                bots[-1] = start(victim.options.shards, victim.options.shard_count)
                bots[-1].wait_ready()
                bots[-1].conn.send(offset_s)
            if sent == len(channels):
                break
        elapsed = time.perf_counter() - due_at
        await asyncio.sleep(SETTLE_S)
        stats = await fetch_stats(info["stats"])
        figures = [bot.stop() for bot in bots]
        stored = await storage.digest_count()
    finally:
        await storage.close()
    return ShardedResult(
        layout=[shards for shards, _ in layout],
        channels=len(channels),
        sent=sent,
        with_digest=stats["channels_with_digest"],
        repeated=stats["repeated_digests"],
        seconds=round(elapsed, 1) if sent == len(channels) else None,
        requests=stats["requests"],
        responses_429=stats["status_counts"].get("429", 0),
        built=sum(f.get("built", 0) for f in figures),
        stored=stored,
        peak_rss_mb=[f.get("peak_rss_mb", 0) for f in figures],
        killed=killed,
    )
