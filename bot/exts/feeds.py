"""/feeds add|remove|list: the feeds this channel's digests are built from.

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

from ..actions import add_feed, new_feed_url
from ..posting import ALLOWED_MENTIONS, followup
from ..render import MessagePart, split_content

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["FeedsCog"]

log = logging.getLogger(__name__)


@app_commands.guild_only()
class FeedsCog(commands.GroupCog, group_name="feeds", group_description="This channel's feeds"):
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
        assert interaction.channel_id is not None
        # Refused at once (and only to the user) when the channel cannot take it.
        feed_url = await new_feed_url(self.bot.storage, interaction.channel_id, url)
        # Fetching can take seconds (timeouts, retries): acknowledge first.
        await interaction.response.defer(thinking=True)
        info = await add_feed(
            self.bot.storage, self.bot.service, interaction.channel_id, feed_url, now=self.bot.now()
        )
        name = f"**{discord.utils.escape_markdown(info.title)}** " if info.title else ""
        await followup(
            interaction,
            MessagePart(
                content=f"Added {name}<{info.url}> ({info.items} items now). "
                "This channel's digests use its own feeds from now on."
            ),
        )

    @app_commands.command(name="remove")
    @app_commands.checks.has_permissions(manage_channels=True)
    @app_commands.describe(url="The feed URL to remove, as shown by /feeds list")
    async def remove(self, interaction: discord.Interaction, url: str) -> None:
        """Remove a feed from this channel's digests (needs Manage Channels).

        Args:
            interaction: the command's interaction.
            url: the feed URL, as shown by /feeds list.

        """
        feed_url = url.strip().strip("<>")
        assert interaction.channel_id is not None
        if not await self.bot.storage.remove_feed(interaction.channel_id, feed_url):
            raise InputError(feed_url[:100], "not one of this channel's feeds (see /feeds list)")
        left = await self.bot.storage.feeds(interaction.channel_id)
        tail = "" if left else " No feeds left: digests here use the default feeds."
        await interaction.response.send_message(
            f"Removed <{feed_url}>.{tail}", allowed_mentions=ALLOWED_MENTIONS
        )

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """List the feeds this channel's digests are built from."""
        assert interaction.channel_id is not None
        feeds = await self.bot.storage.feeds(interaction.channel_id)
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
    """Load the /feeds group."""
    await bot.add_cog(FeedsCog(bot))
