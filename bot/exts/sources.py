"""/sources add|remove|list: the feeds this channel's digests are built from.

A channel with no feeds of its own uses the configured default feeds. A feed is fetched and
parsed before it is stored, so a typo is refused at once rather than failing every morning.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from summarizer.errors import InputError

from ..posting import ALLOWED_MENTIONS, followup
from ._render import MessagePart, split_content

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["SourcesCog", "normalise_feed_url"]

log = logging.getLogger(__name__)

MAX_FEEDS_PER_CHANNEL = 20  # each digest fetches every feed; more is slow and rarely useful
URL_MAX_CHARS = 2000


def normalise_feed_url(url: str) -> str:
    """A feed URL as stored; raises InputError unless it is http(s)."""
    url = url.strip().strip("<>")
    if not url.lower().startswith(("http://", "https://")) or len(url) > URL_MAX_CHARS:
        raise InputError(url[:100] or "url", "a feed URL starts with http:// or https://")
    return url


@app_commands.guild_only()
class SourcesCog(commands.GroupCog, group_name="sources", group_description="This channel's feeds"):
    """Per-channel feeds."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add")
    @app_commands.checks.has_permissions(manage_channels=True)
    @app_commands.describe(url="The RSS or Atom feed's URL (http or https)")
    async def add(self, interaction: discord.Interaction, url: str) -> None:
        """Add a feed to this channel's digests; it is checked first (needs Manage Channels).

        Args:
            interaction: the command's interaction.
            url: the RSS or Atom feed's URL.

        """
        feed_url = normalise_feed_url(url)
        assert interaction.channel_id is not None
        current = await self.bot.storage.sources(interaction.channel_id)
        if any(u == feed_url for u, _ in current):
            raise InputError(feed_url, "already one of this channel's feeds")
        if len(current) >= MAX_FEEDS_PER_CHANNEL:
            raise InputError(feed_url, f"a channel has at most {MAX_FEEDS_PER_CHANNEL} feeds")
        # Fetching can take seconds (timeouts, retries): acknowledge first.
        await interaction.response.defer(thinking=True)
        info = await self.bot.service.check_feed(feed_url)
        await self.bot.storage.add_source(
            interaction.channel_id, feed_url, title=info.title, now=self.bot.now()
        )
        name = f"**{discord.utils.escape_markdown(info.title)}** " if info.title else ""
        await followup(
            interaction,
            MessagePart(
                content=f"Added {name}<{feed_url}> ({info.items} items now). "
                "This channel's digests use its own feeds from now on."
            ),
        )

    @app_commands.command(name="remove")
    @app_commands.checks.has_permissions(manage_channels=True)
    @app_commands.describe(url="The feed URL to remove, as shown by /sources list")
    async def remove(self, interaction: discord.Interaction, url: str) -> None:
        """Remove a feed from this channel's digests (needs Manage Channels).

        Args:
            interaction: the command's interaction.
            url: the feed URL, as shown by /sources list.

        """
        feed_url = url.strip().strip("<>")
        assert interaction.channel_id is not None
        if not await self.bot.storage.remove_source(interaction.channel_id, feed_url):
            raise InputError(feed_url[:100], "not one of this channel's feeds (see /sources list)")
        left = await self.bot.storage.sources(interaction.channel_id)
        tail = "" if left else " No feeds left: digests here use the default feeds."
        await interaction.response.send_message(
            f"Removed <{feed_url}>.{tail}", allowed_mentions=ALLOWED_MENTIONS
        )

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """List the feeds this channel's digests are built from."""
        assert interaction.channel_id is not None
        feeds = await self.bot.storage.sources(interaction.channel_id)
        if feeds:
            lines = ["**This channel's feeds**"]
            lines += [
                f"{n}. {discord.utils.escape_markdown(t) + ' — ' if t else ''}<{u}>"
                for n, (u, t) in enumerate(feeds, 1)
            ]
        else:
            defaults = self.bot.settings.sources.feeds
            lines = ["No feeds of its own: digests here use the default feeds."]
            lines += [f"{n}. <{u}>" for n, u in enumerate(defaults, 1)]
        parts = split_content("\n".join(lines))
        await interaction.response.send_message(parts[0], allowed_mentions=ALLOWED_MENTIONS)
        for extra in parts[1:]:
            await followup(interaction, MessagePart(content=extra))


async def setup(bot: DigestBot) -> None:
    """Load the /sources group."""
    await bot.add_cog(SourcesCog(bot))
