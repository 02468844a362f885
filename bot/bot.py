"""The bot: a `commands.Bot` holding settings, storage and the summarizer service for the cogs."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import discord
import yarl
from discord.ext import commands

from .monitor import LoopMonitor
from .service import DigestService
from .settings import BotSettings, DiscordSettings
from .storage import Storage

__all__ = ["EXTENSIONS", "DigestBot", "ShardedDigestBot", "apply_endpoints", "make_bot", "shard_of"]

log = logging.getLogger(__name__)

IDENTIFY_SPACING = 5.0  # seconds between shards' IDENTIFYs: Discord's max_concurrency 1 rate

# One extension per feature; the error handler first so it is in place for the others.
EXTENSIONS: tuple[str, ...] = (
    "bot.exts.error_handler",
    "bot.exts.digest",
    "bot.exts.ask",
    "bot.exts.subscriptions",
    "bot.exts.feeds",
    "bot.exts.schedule",
    "bot.exts.story",
    "bot.exts.health",
    "bot.exts.prune",
)


def apply_endpoints(settings: DiscordSettings) -> None:
    """Point discord.py at `api_base` and `gateway_url` through its own hooks.

    Both are class attributes, so this is process-wide: every route built afterwards (webhook
    follow-ups included) uses the new base, and the first gateway connection the new URL; on a
    resume discord.py itself uses READY's `resume_gateway_url`.
    """
    discord.http.Route.BASE = settings.api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard Discord sends a guild's events to; direct messages go to shard 0."""
    if guild_id is None:
        return 0
    return (guild_id >> 22) % shard_count


class DigestBot(commands.Bot):
    """Slash commands over the summarizer; every feature lives in an extension under bot/exts."""

    def __init__(
        self,
        settings: BotSettings,
        storage: Storage,
        service: DigestService,
        *,
        clock: Callable[[], datetime] = _utcnow,
        tick_seconds: float | None = None,
        lease_seconds: float | None = None,
        sync_commands: bool = True,
        **options: Any,
    ) -> None:
        """Build the bot.

        Args:
            settings: every section; the bot uses [discord], [storage], [sources], [qa].
            storage: the open state database.
            service: the summarizer behind the commands.
            clock: the current aware UTC time; tests shift it to reach a subscription's minute.
            tick_seconds: check subscriptions this often instead of at each minute (tests).
            lease_seconds: how long this process's claims (deliveries, builds) last unrenewed,
                instead of the schedule's leases: tests that kill a process shorten them so
                that another takes over in seconds.
            sync_commands: register the slash commands globally on start.
            **options: passed on to discord.py (the sharded bot's shard ids and count).

        """
        # The bot has no voice: discord.py's warnings that voice libraries are missing (PyNaCl,
        # davey) would only mislead whoever reads the log.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        # Default intents: guilds and guild messages. Message content is privileged and not
        # needed: Discord includes the content of messages that mention the bot regardless.
        intents = discord.Intents.default()
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            # The client-wide default; every write also passes it explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=settings.discord.guild_ready_timeout,
            chunk_guilds_at_startup=False,
            max_messages=None,  # no message cache: the bot never reads old messages from it
            **options,
        )
        self.settings = settings
        self.storage = storage
        self.service = service
        self.clock = clock
        self.tick_seconds = tick_seconds
        self.lease_seconds = lease_seconds
        # Names this bot in its build claims and heartbeats: the host and process, and a tag
        # that tells apart two bots in one process (the tests run several).
        self.process_name = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"
        self.loop_monitor = LoopMonitor(interval=0.02)
        self._sync_commands = sync_commands

    async def setup_hook(self) -> None:
        """Load the extensions and register the commands globally (in every guild)."""
        # Before the gateway connects: the one-off import and model-load stalls harm nothing.
        await self.service.warm_up()
        self.loop_monitor.start()
        for name in EXTENSIONS:
            await self.load_extension(name)
        if self._sync_commands:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    async def on_ready(self) -> None:
        """Log where the bot is."""
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        """Prefix commands are not used: mentions are answered by the ask extension."""

    async def close(self) -> None:
        """Stop the loop monitor, then disconnect."""
        await self.loop_monitor.stop()
        await super().close()

    def now(self) -> datetime:
        """The bot's clock (aware UTC)."""
        return self.clock()

    def owns_guild(self, guild_id: int | None) -> bool:
        """Whether this process handles the guild: it runs the guild's shard (or is unsharded)."""
        shard_ids = self.settings.discord.shard_ids
        if shard_ids is None:
            return True
        return shard_of(guild_id, self.settings.discord.shard_count) in shard_ids


class ShardedDigestBot(DigestBot, commands.AutoShardedBot):
    """The bot over the shards `[discord] shards` of `shard_count`, one gateway connection each.

    Several processes, each running some of the shards, share one PostgreSQL database; each
    handles the guilds of its own shards (`owns_guild`), schedules included.
    """

    def __init__(
        self,
        settings: BotSettings,
        storage: Storage,
        service: DigestService,
        *,
        identify_spacing: float = IDENTIFY_SPACING,
        **options: Any,
    ) -> None:
        """Build the bot; `identify_spacing` as in `make_bot`, the rest as `DigestBot`'s."""
        shard_ids = settings.discord.shard_ids
        if shard_ids is None:
            raise ValueError("ShardedDigestBot needs [discord] shard_count")
        super().__init__(
            settings,
            storage,
            service,
            shard_ids=list(shard_ids),
            shard_count=settings.discord.shard_count,
            **options,
        )
        self.identify_spacing = identify_spacing

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Space the shards' IDENTIFYs as Discord asks (one per 5 s at the lowest tier)."""
        if not initial:
            await asyncio.sleep(self.identify_spacing)


def make_bot(
    settings: BotSettings,
    storage: Storage,
    service: DigestService,
    *,
    identify_spacing: float = IDENTIFY_SPACING,
    **options: Any,
) -> DigestBot:
    """The bot the settings ask for: sharded when `[discord] shard_count` is set.

    Args:
        settings: every section.
        storage: the open state database.
        service: the summarizer behind the commands.
        identify_spacing: seconds between two shards' IDENTIFYs (tests against the loopback
            Discord pass 0).
        **options: as `DigestBot` takes them (clock, tick_seconds, sync_commands).

    """
    if settings.discord.shard_ids is None:
        return DigestBot(settings, storage, service, **options)
    return ShardedDigestBot(
        settings, storage, service, identify_spacing=identify_spacing, **options
    )
