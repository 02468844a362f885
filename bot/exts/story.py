"""/story: a tracked story's timeline, each day's new facts with their sources.

In a daily digest's thread the story is one of that digest's (the first unless `story` names
another); elsewhere one of the stories the channel was told lately. The tellings come from
storage (`bot/actions.py`, `story_timeline`); the cog only reads the interaction and replies.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ..actions import story_timeline
from ..posting import edit_original, followup
from ..render import jump_url, render_timeline

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["StoryCog"]

log = logging.getLogger(__name__)


class StoryCog(commands.Cog):
    """Timelines of the stories daily digests tracked."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    @app_commands.command(name="story")
    @app_commands.describe(
        story="Which story: its number in the digest, or words of its headline (default: first)"
    )
    async def story(
        self, interaction: discord.Interaction, story: app_commands.Range[str, 1, 200] | None = None
    ) -> None:
        """Show a story's timeline: each day it was told here, with that day's new facts.

        Args:
            interaction: the command's interaction.
            story: its number in the digest, or words of its headline; default the first.

        """
        assert interaction.channel_id is not None
        # Raises InputError (an ephemeral reply, by the error handler) before anything is sent.
        days = await story_timeline(
            self.bot.storage, interaction.channel_id, story, now=self.bot.now()
        )
        await interaction.response.defer(thinking=True)
        links = [
            jump_url(d.guild_id, d.channel_id, d.message_id) if d.message_id else None for d in days
        ]
        parts = render_timeline(
            [d.story for d in days], links=links, dates=[d.last_seen for d in days]
        )
        await edit_original(interaction, parts[0])
        for part in parts[1:]:
            await followup(interaction, part)


async def setup(bot: DigestBot) -> None:
    """Load /story."""
    await bot.add_cog(StoryCog(bot))
