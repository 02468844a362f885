"""Heartbeats: each process records its shards' state in the database for the health report.

Every HEARTBEAT_S seconds, and at once when a shard connects or drops, each shard this process
runs is written with whether its gateway connection is open and its latency; a process that
stops writes its shards as disconnected. `python -m bot --health` (bot/health.py) reads them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from discord.ext import commands, tasks

from ..health import HEARTBEAT_S, latency_ms
from ..storage import ShardBeat

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["Heartbeat"]

log = logging.getLogger(__name__)


class Heartbeat(commands.Cog):
    """Records this process's shards in the database."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        # One write at a time, in order, and none after the stopping one: a heartbeat or a
        # shard event still running when the process stops must not record it connected.
        self._writing = asyncio.Lock()
        self._stopped = False

    async def cog_load(self) -> None:
        """Start the heartbeat."""
        self.beat.start()

    async def cog_unload(self) -> None:
        """Stop it, and record the shards as disconnected: the process is stopping."""
        self.beat.cancel()
        await self.record(stopping=True)

    @tasks.loop(seconds=HEARTBEAT_S)
    async def beat(self) -> None:
        """Record the shards now."""
        await self.record()

    @beat.before_loop
    async def _before_beat(self) -> None:
        await self.bot.wait_until_ready()

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        """A shard connected: say so now, not at the next heartbeat."""
        await self.record()

    @commands.Cog.listener()
    async def on_shard_disconnect(self, shard_id: int) -> None:
        """A shard dropped: say so now."""
        await self.record()

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        """The unsharded connection dropped: say so now."""
        if not isinstance(self.bot, commands.AutoShardedBot):
            await self.record()

    def beats(self, *, stopping: bool = False) -> list[ShardBeat]:
        """This process's shards as they are now (all disconnected when `stopping`)."""
        bot = self.bot
        now, process = bot.now(), bot.process_name
        count = bot.settings.discord.shard_count
        if not isinstance(bot, commands.AutoShardedBot):
            ws = bot.ws
            is_open = ws is not None and ws.open and not stopping
            latency = latency_ms(bot.latency) if is_open else None
            return [ShardBeat(0, count, process, is_open, latency, now)]
        running = bot.shards
        beats: list[ShardBeat] = []
        for shard_id in bot.settings.discord.shard_ids or ():
            info = running.get(shard_id)
            is_open = info is not None and not info.is_closed() and not stopping
            latency = latency_ms(info.latency) if info is not None and is_open else None
            beats.append(ShardBeat(shard_id, count, process, is_open, latency, now))
        return beats

    async def record(self, *, stopping: bool = False) -> None:
        """Write the heartbeats; a failure is logged and the next heartbeat tries again."""
        async with self._writing:
            if self._stopped:
                return
            self._stopped = stopping
            try:
                await self.bot.storage.record_shards(self.beats(stopping=stopping))
            except Exception:
                log.warning("recording the shards' heartbeat failed", exc_info=True)


async def setup(bot: DigestBot) -> None:
    """Load the heartbeat."""
    await bot.add_cog(Heartbeat(bot))
