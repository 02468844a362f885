"""Two bot processes (OS processes, two shards each of four) on a throwaway PostgreSQL, against
the loopback Discord in a third: one is killed mid-run and started again, and every channel
is still posted exactly once, from one digest built once.

The run is bench/bot_shards.py's (bot/testing/processes.py), smaller: 96 channels in 8 guilds
(two per shard), Discord's rate limits on, the claims' lease cut to 3 s so that the restarted
process resumes the killed one's deliveries in seconds rather than minutes.
"""

from __future__ import annotations

import pytest

from bot.testing.postgres import PostgresUnavailable
from bot.testing.processes import ShardedRun, run_sharded


async def test_a_killed_process_restarted_leaves_every_channel_posted_once():
    """SIGKILL one of two processes once a third of the channels are posted, start it again:
    every channel has its digest once, none lost, one digest stored for the minute."""
    run = ShardedRun(
        backend="postgresql",
        channels=96,
        guilds=8,
        processes=2,
        shard_count=4,
        work_s=0.2,
        kill=True,
        lease_s=3.0,
        timeout_s=120.0,
    )
    try:
        result = await run_sharded(run)
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    assert result.layout == ["0,2", "1,3"]
    assert result.killed is not None and result.killed["shards"] == "1,3"
    assert 0 < result.killed["at_sent"] < result.channels  # killed mid-run
    assert result.seconds is not None and result.sent == result.channels == 96
    assert result.lost == 0 and result.repeated == 0
    assert result.stored == 1  # built once, for both processes and the restarted one
    assert len(result.peak_rss_mb) == 2
