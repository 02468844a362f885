"""Exactly once past one process: one bot on SQLite against sharded bots on PostgreSQL.

`python -m bench.bot_shards [--channels 1000] [--guilds 40] [--processes 2] [--shard-count 4]
[--kill] [--work-s 1.0]`

Both runs use the loopback Discord of the tests (bot/testing/fakediscord.py) in its own process,
with Discord's limits on (50 requests a second globally, shared by every process of the bot as
Discord shares it per token; 5 per 5 s per channel route), every channel subscribed for the same
minute and the fake summarizer (`--work-s` seconds of CPU per digest: the real one would load
its models once per process, ~600 MB each). Each bot runs in its own OS process:

- sqlite: one unsharded bot on a SQLite file;
- postgresql: `--processes` bots on one throwaway PostgreSQL cluster (bot/testing/postgres.py),
  the `--shard-count` shards split between them. With `--kill`, the last process is killed
  (SIGKILL) once a third of the channels are posted and started again at once; its claimed
  deliveries wait out the claim's lease (bot/exts/schedule.py DELIVERY_LEASE) before another
  tick takes them over.

Printed side by side: seconds from the minute until every channel had its digest, channels
posted, lost (never posted), repeated (posted twice or more), requests and 429s, digests built,
peak RSS per process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from bench.bot_load import TOKEN, bench_settings, fetch_stats, serve_discord

ROOT = Path(__file__).resolve().parents[1]
LEAD_S = 3.0  # the bots' clocks start this long before the subscribed minute


def _bot(conn: Any, info: dict, target: str, shards: str, shard_count: int, work_s: float) -> None:
    """One bot process: run until told to stop, then send back its figures."""
    sys.path.insert(0, str(ROOT))
    from bot.bot import apply_endpoints, make_bot
    from bot.settings import StorageSettings
    from bot.storage import Storage
    from bot.testing.fakeservice import FakeService

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord").setLevel(logging.ERROR)  # 429s are expected and waited out

    async def main() -> None:
        settings = bench_settings(
            info, StorageSettings(url=target), shards=shards, shard_count=shard_count
        )
        offset = [timedelta(0)]
        storage = await Storage.open(target)
        apply_endpoints(settings.discord)
        bot = make_bot(
            settings,
            storage,
            FakeService(work_s=work_s),
            clock=lambda: datetime.now(UTC) + offset[0],
            tick_seconds=1.0,
            identify_spacing=0.0,
        )
        await bot.login(TOKEN)
        task = asyncio.create_task(bot.connect())
        await asyncio.wait_for(bot.wait_until_ready(), 120)
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
    def __init__(
        self, ctx: Any, info: dict, target: str, shards: str, count: int, work: float
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_bot, args=(child, info, target, shards, count, work))
        self.proc.start()
        self.shards = shards

    def wait_ready(self) -> None:
        if self.conn.recv() != "ready":
            raise RuntimeError("bot process failed to start")

    def stop(self) -> dict:
        self.conn.send("stop")
        figures = dict(self.conn.recv())
        self.proc.join(30)
        return figures


async def run_one(args: argparse.Namespace, backend: str) -> dict:
    """One run: a fresh loopback Discord, a fresh database, the bots, the figures."""
    from bot.storage import Storage
    from bot.testing.postgres import PostgresCluster

    ctx = mp.get_context("spawn")
    per_guild = max(1, args.channels // args.guilds)
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve_discord, args=(child, args.guilds, per_guild, 1))
    server.start()
    info = parent.recv()
    cluster: PostgresCluster | None = None
    if backend == "sqlite":
        target = os.path.join(tempfile.mkdtemp(prefix="bot_shards_"), "bot.sqlite3")
        layout = [("", 0)]
    else:
        cluster = PostgresCluster()
        cluster.start()
        target = await cluster.create_database()
        ids = list(range(args.shard_count))
        layout = [
            (",".join(str(i) for i in ids[n :: args.processes]), args.shard_count)
            for n in range(args.processes)
        ]
    channels: list[int] = info["channels"]
    boundary = (datetime.now(UTC) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    storage = await Storage.open(target)
    for channel in channels:
        await storage.subscribe(
            channel,
            int(info["guilds"][str(channel)]),
            dtime(boundary.hour, boundary.minute),
            "UTC",
            now=boundary - timedelta(hours=1),
        )
    bots = [_BotProcess(ctx, info, target, s, c, args.work_s) for s, c in layout]
    for bot in bots:
        bot.wait_ready()
    offset_s = (boundary - timedelta(seconds=LEAD_S) - datetime.now(UTC)).total_seconds()
    for bot in bots:
        bot.conn.send(offset_s)
    due_at = time.perf_counter() + LEAD_S
    killed: list[dict] = []
    sent = 0
    while time.perf_counter() - due_at < args.timeout:
        await asyncio.sleep(0.5)
        sent = (await storage.delivery_counts(boundary.date())).get("sent", 0)
        if args.kill and backend != "sqlite" and not killed and sent >= len(channels) // 3:
            victim = bots[-1]
            victim.proc.kill()
            victim.proc.join()
            killed.append({"shards": victim.shards, "at_sent": sent})
            # The restarted process keeps the same timeline: the minute is already past.
            bots[-1] = _BotProcess(ctx, info, target, victim.shards, layout[-1][1], args.work_s)
            bots[-1].wait_ready()
            bots[-1].conn.send(offset_s)
        if sent == len(channels):
            break
    elapsed = time.perf_counter() - due_at
    await asyncio.sleep(3.0)  # a few more ticks everywhere: anything posted twice shows now
    stats = await fetch_stats(info["stats"])
    figures = [bot.stop() for bot in bots]
    await storage.close()
    parent.send("stop")
    server.join(20)
    if cluster is not None:
        cluster.stop()
    return {
        "processes": f"{len(bots)} ({', '.join(s or 'unsharded' for s, _ in layout)})",
        "seconds_until_all_posted": round(elapsed, 1) if sent == len(channels) else None,
        "channels": len(channels),
        "posted (ledger sent)": sent,
        "lost": len(channels) - stats["channels_with_digest"],
        "repeated": stats["repeated_digests"],
        "requests / 429": f"{stats['requests']} / {stats['status_counts'].get('429', 0)}",
        "digests built": sum(f["built"] for f in figures),
        "peak RSS per process (MB)": ", ".join(str(f["peak_rss_mb"]) for f in figures),
        "killed and restarted": killed[0] if killed else "no",
    }


def main() -> None:
    """Parse options, run both backends, print the figures side by side."""
    parser = argparse.ArgumentParser(prog="python -m bench.bot_shards", description=__doc__)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--guilds", type=int, default=40)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--shard-count", type=int, default=4)
    parser.add_argument("--work-s", type=float, default=1.0, help="fake CPU seconds per digest")
    parser.add_argument("--kill", action="store_true", help="kill and restart one process")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after (s)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one backend")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    results = {b: asyncio.run(run_one(args, b)) for b in backends}
    keys = list(next(iter(results.values())))
    width = max(len(k) for k in keys)
    print(f"{'':<{width}}  " + "  |  ".join(backends))
    for key in keys:
        print(f"{key:<{width}}  " + "  |  ".join(str(results[b][key]) for b in backends))


if __name__ == "__main__":
    main()
