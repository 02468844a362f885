"""Retention: every process prunes what nothing reads any more, once an hour.

`Storage.prune` holds the periods (storage.RETENTION) and the rules of what is kept whatever
its age; here only the when. Every process prunes, so the work goes on while any one of them
runs; the deletes are idempotent, so two pruning at once delete each row once. The first pass
waits a random while after start, so processes started together do not prune together and a
process restarting in a loop never prunes at all.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING

from discord.ext import commands, tasks

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["Pruner"]

log = logging.getLogger(__name__)

PRUNE_EVERY_H = 1.0  # a day's rows (one post per channel) go in a few passes of bounded batches
FIRST_PASS_S = (60.0, 600.0)  # the first pass comes at a random time in this range after start


class Pruner(commands.Cog):
    """Deletes the old rows of the bot's database now and then."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Start the loop."""
        self.prune.start()

    async def cog_unload(self) -> None:
        """Stop it (a pass under way is cut between two batches: each is one transaction)."""
        self.prune.cancel()

    @tasks.loop(hours=PRUNE_EVERY_H)
    async def prune(self) -> None:
        """One pass; a failure is logged and the next pass tries again."""
        try:
            await self.run_once()
        except Exception:
            log.warning("pruning the database failed; trying again next time", exc_info=True)

    @prune.before_loop
    async def _before_prune(self) -> None:
        # Only the database is needed, not the gateway: no wait for ready. The random wait
        # spreads the processes' passes apart (no secret hangs on it).
        await asyncio.sleep(random.uniform(*FIRST_PASS_S))

    async def run_once(self) -> dict[str, int]:
        """Prune now; the rows deleted, by table."""
        counts = await self.bot.storage.prune(now=self.bot.now())
        if any(counts.values()):
            log.info("pruned %s", ", ".join(f"{n} {table}" for table, n in counts.items() if n))
        return counts


async def setup(bot: DigestBot) -> None:
    """Load the pruning loop."""
    await bot.add_cog(Pruner(bot))
