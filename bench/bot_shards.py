"""Exactly once past one process: one bot on SQLite against sharded bots on PostgreSQL.

`python -m bench.bot_shards [--channels 1000] [--guilds 40] [--processes 2] [--shard-count 4]
[--kill] [--lease-s S] [--work-s 1.0]`

Both runs use the loopback Discord of the tests (bot/testing/fakediscord.py) in its own process,
with Discord's limits on (50 requests a second globally, shared by every process of the bot as
Discord shares it per token; 5 per 5 s per channel route), every channel subscribed for the same
minute and the fake summarizer (`--work-s` seconds of CPU per digest: the real one would load
its models once per process, ~600 MB each). Each bot runs in its own OS process:

- sqlite: one unsharded bot on a SQLite file;
- postgresql: `--processes` bots on one throwaway PostgreSQL cluster (bot/testing/postgres.py),
  the `--shard-count` shards split between them. With `--kill`, the last process is killed
  (SIGKILL) once a third of the channels are posted and started again at once; its claimed
  deliveries wait out the claim's lease (bot/exts/schedule.py DELIVERY_LEASE, or `--lease-s`)
  before another tick takes them over.

The runs themselves are bot/testing/processes.py's `run_sharded`, which the two-process test
(tests/bot/test_processes.py) runs too, smaller.

Printed side by side: seconds from the minute until every channel had its digest, channels
posted, lost (never posted), repeated (posted twice or more), requests and 429s, digests built
(one per feed set and minute is the goal, over every process), peak RSS per process.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
from typing import Any

from bot.testing.processes import ShardedResult, ShardedRun, run_sharded


def figures(result: ShardedResult) -> dict[str, Any]:
    """One column of the table."""
    shards = ", ".join(s or "unsharded" for s in result.layout)
    return {
        "processes": f"{len(result.layout)} ({shards})",
        "seconds_until_all_posted": result.seconds,
        "channels": result.channels,
        "posted (ledger sent)": result.sent,
        "lost": result.lost,
        "repeated": result.repeated,
        "requests / 429": f"{result.requests} / {result.responses_429}",
        "digests built (stored)": f"{result.built} ({result.stored})",
        "peak RSS per process (MB)": ", ".join(str(n) for n in result.peak_rss_mb),
        "killed and restarted": result.killed or "no",
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
    parser.add_argument(
        "--lease-s", type=float, help="the claims' lease in the bots (default: the bot's own)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after (s)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one backend")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    run = ShardedRun(
        backend="sqlite",
        channels=args.channels,
        guilds=args.guilds,
        processes=args.processes,
        shard_count=args.shard_count,
        work_s=args.work_s,
        lease_s=args.lease_s,
        timeout_s=args.timeout,
    )
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    results = {}
    for backend in backends:
        # Killing applies to the sharded processes; one SQLite process has no other to take over.
        this = dataclasses.replace(run, backend=backend, kill=args.kill and backend != "sqlite")
        results[backend] = figures(asyncio.run(run_sharded(this)))
    keys = list(next(iter(results.values())))
    width = max(len(k) for k in keys)
    print(f"{'':<{width}}  " + "  |  ".join(backends))
    for key in keys:
        print(f"{key:<{width}}  " + "  |  ".join(str(results[b][key]) for b in backends))


if __name__ == "__main__":
    main()
