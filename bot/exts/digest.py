"""/digest and /summarize: build a cited digest off the event loop and post it with a thread."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from summarizer.filters import MAX_MIN_OUTLETS, StoryFilter, parse_filter
from summarizer.models import Digest

from ..actions import channel_feeds, parse_inputs, publish_digest
from ..posting import edit_original, followup, open_thread
from ..render import digest_header, render_digest

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["DigestCog"]

log = logging.getLogger(__name__)


class DigestCog(commands.Cog):
    """On-demand digests."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    async def _publish(
        self,
        interaction: discord.Interaction,
        digest: Digest,
        *,
        title: str,
        story_filter: StoryFilter | None = None,
    ) -> int:
        """Post a digest as the reply to a deferred interaction, open its thread, store it.

        Returns:
            The post's id.

        """
        channel_id = interaction.channel_id
        assert channel_id is not None
        # Stored first (with its source texts) so /ask finds it the moment it is visible.
        post_id, digest = await publish_digest(
            self.bot.storage,
            channel_id,
            interaction.guild_id,
            digest,
            now=self.bot.now(),
            story_filter=story_filter,
        )
        parts = render_digest(digest, header=digest_header(digest, title=title))
        first = await edit_original(interaction, parts[0])
        message_ids = [first.id]
        for part in parts[1:]:
            message = await followup(interaction, part)
            message_ids.append(message.id)
        thread_id = None
        if digest.stories:
            thread_id = await open_thread(first, f"{title}: {digest.stories[0].headline}")
        await self.bot.storage.set_post_messages(post_id, message_ids, thread_id=thread_id)
        log.info(
            "posted %s (%d stories, %d messages) in channel %s",
            title,
            len(digest.stories),
            len(message_ids),
            channel_id,
        )
        return post_id

    @app_commands.command(name="digest")
    @app_commands.describe(
        include='Only stories with any of these words or "quoted phrases", e.g. climate, wildfire',
        exclude="Leave out stories with any of these words or phrases, e.g. celebrity",
        include_regex="Also keep stories matching this regular expression (case-insensitive)",
        min_outlets="Leave out stories fewer outlets than this report (2: no single-outlet ones)",
    )
    async def digest(
        self,
        interaction: discord.Interaction,
        include: str | None = None,
        exclude: str | None = None,
        include_regex: str | None = None,
        min_outlets: app_commands.Range[int, 1, MAX_MIN_OUTLETS] | None = None,
    ) -> None:
        """Post a cited digest of this channel's feeds (or the default feeds), last 24 hours.

        Args:
            interaction: the command's interaction.
            include: keep only stories with any of these words or quoted phrases.
            exclude: leave out stories with any of these words or phrases.
            include_regex: also keep stories matching this regular expression.
            min_outlets: leave out stories fewer outlets report.

        """
        # Checked before deferring: a bad filter gets an ephemeral error and nothing is posted.
        story_filter = parse_filter(
            include=include, exclude=exclude, include_regex=include_regex, min_outlets=min_outlets
        )
        # Fetching and summarising take seconds: acknowledge now, inside Discord's 3 s window.
        await interaction.response.defer(thinking=True)
        assert interaction.channel_id is not None
        feeds = await channel_feeds(self.bot.storage, self.bot.settings, interaction.channel_id)
        digest = await self.bot.service.digest(feeds)
        await self._publish(interaction, digest, title="Digest", story_filter=story_filter)

    @app_commands.command(name="summarize")
    @app_commands.describe(urls="One or more article URLs (http or https), separated by spaces")
    async def summarize(self, interaction: discord.Interaction, urls: str) -> None:
        """Fuse the articles at the given URLs into one cited story.

        Args:
            interaction: the command's interaction.
            urls: one or more article URLs (http or https), separated by spaces.

        """
        # URLs only: a path would read files on the bot's host (the console alone takes them).
        wanted = parse_inputs(urls)
        await interaction.response.defer(thinking=True)
        digest = await self.bot.service.summarize(wanted)
        await self._publish(interaction, digest, title="Summary")


async def setup(bot: DigestBot) -> None:
    """Load the digest commands."""
    await bot.add_cog(DigestCog(bot))
