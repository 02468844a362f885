"""The pruning loop: every process prunes the shared database now and then."""

from __future__ import annotations

import logging
from datetime import timedelta

from .helpers import make_digest


async def test_the_running_bot_prunes_what_nothing_reads(harness, caplog):
    """A pass deletes a digest no post shows, older than the retention, and logs the count;
    the pass waits a while after start (it has not run yet)."""
    storage = harness.storage
    old = await storage.add_digest(make_digest(1), now=harness.now() - timedelta(days=200))
    recent = await storage.add_digest(make_digest(1), now=harness.now())
    cog = harness.bot.get_cog("Pruner")
    assert cog.prune.is_running() and cog.prune.current_loop == 0
    assert await storage.digest(old) is not None
    with caplog.at_level(logging.INFO, logger="bot.exts.prune"):
        counts = await cog.run_once()
    assert counts["digests"] == 1
    assert await storage.digest(old) is None and await storage.digest(recent) is not None
    assert any(r.getMessage() == "pruned 1 digests" for r in caplog.records)
    assert (await cog.run_once())["digests"] == 0
