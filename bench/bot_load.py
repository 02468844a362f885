"""Load benchmark for the bot: many channels subscribed at the same minute.

`python -m bench.bot_load [--channels 1000] [--source-sets 4] [--fake-pipeline]`

The loopback Discord server the tests use (bot/testing/fakediscord.py) runs in a separate process
with Discord's limits switched on: 50 requests a second globally and 5 per 5 s per channel
route, answering 429 with `retry_after` and a `Via` header past them. It also serves a small
fictional news site (bot/testing/fixtures) with one feed per source set. The bot process runs the
real DigestBot, storage and (unless --fake-pipeline) the real summarizer; every channel is
subscribed for the same minute, the bot's clock is set a few seconds before it, and the script
reports how long until every channel has its digest, how many requests got 429, the bot's peak
memory and its event loop's longest stall, and how many digests were built (one per distinct
source set is the goal, however many channels share it).
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

ROOT = Path(__file__).resolve().parents[1]


async def run(args: argparse.Namespace) -> dict:
    """Start the server process, subscribe every channel, run the bot, measure."""
    sys.path.insert(0, str(ROOT))
    from bot.bot import DigestBot, apply_endpoints
    from bot.monitor import LoopMonitor
    from bot.service import PipelineService
    from bot.settings import StorageSettings
    from bot.storage import Storage
    from bot.testing.processes import TOKEN, fetch_stats, loopback_settings, serve_discord

    guilds = max(1, args.channels // 100)
    per_guild = args.channels // guilds
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=serve_discord, args=(child, guilds, per_guild, args.source_sets))
    proc.start()
    info = parent.recv()
    channels: list[int] = info["channels"]
    tmp = tempfile.mkdtemp(prefix="bot_load_")
    db = os.path.join(tmp, "bot.sqlite3")
    settings = loopback_settings(info, StorageSettings(path=db))
    offset = timedelta(0)
    boundary = (datetime.now(UTC) + timedelta(minutes=2)).replace(second=0, microsecond=0)

    storage = await Storage.open(db)
    created = boundary - timedelta(hours=1)
    started = time.perf_counter()
    for n, channel in enumerate(channels):
        guild = int(info["guilds"][str(channel)])
        await storage.subscribe(
            channel, guild, dtime(boundary.hour, boundary.minute), "UTC", now=created
        )
        k = n % args.source_sets
        if k:  # set 0 is the default feeds; the others add their own feed
            await storage.add_feed(channel, f"{info['site']}/feed{k}.xml", now=created)
    print(f"subscribed {len(channels)} channels in {time.perf_counter() - started:.1f} s")

    if args.fake_pipeline:
        from bot.testing.fakeservice import FakeService

        service = FakeService(work_s=1.0)
    else:
        service = PipelineService(settings)
    apply_endpoints(settings.discord)
    bot = DigestBot(
        settings,
        storage,
        service,
        clock=lambda: datetime.now(UTC) + offset,
        tick_seconds=1.0,
    )
    logging.getLogger("bot.exts.schedule").setLevel(logging.WARNING)
    await bot.login(TOKEN)
    task = asyncio.create_task(bot.connect())
    await asyncio.wait_for(bot.wait_until_ready(), 120)
    # The bot's clock now reads 3 s before the minute every channel is subscribed for.
    offset = boundary - timedelta(seconds=3) - datetime.now(UTC)
    monitor = LoopMonitor(interval=0.005, warn_after=10.0)
    monitor.start()
    t0 = time.perf_counter()
    due_at = t0 + 3.0
    done = 0
    while time.perf_counter() - t0 < args.timeout:
        await asyncio.sleep(0.5)
        done = (await storage.delivery_counts(boundary.date())).get("sent", 0)
        if done == len(channels):
            break
    elapsed = time.perf_counter() - due_at
    await monitor.stop()
    stats = await fetch_stats(info["stats"])
    schedule = bot.get_cog("Schedule")
    built = getattr(schedule, "digests_built", None)
    await bot.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(task, 10)
    await service.close()
    await storage.close()
    parent.send("stop")
    proc.join(20)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "channels": len(channels),
        "posted": done,
        "source_sets": args.source_sets,
        "digests_built": built,
        "seconds_until_all_posted": round(elapsed, 1),
        "requests": stats["requests"],
        "responses_429": stats["status_counts"].get("429", 0),
        "peak_rss_mb": round(peak_mb),
        "longest_loop_stall_ms": round(monitor.max_stall_ms, 1),
        "channel_messages": stats["channel_messages"],
        "threads": stats["threads"],
        "mention_violations": len(stats["violations"]),
        "pipeline": "fake (1 s of CPU per digest)" if args.fake_pipeline else "real",
    }


def main() -> None:
    """Parse options, run, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.bot_load", description=__doc__)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--source-sets", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after (s)")
    parser.add_argument("--fake-pipeline", action="store_true", help="no models: 1 s per digest")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = asyncio.run(run(args))
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
