"""/digest and /summarize: build a cited digest off the event loop and post it with a thread."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from summarizer.models import Digest

from ..posting import edit_original, followup, open_thread
from ._render import render_digest
from .error_handler import reply_ephemeral

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["DigestCog", "digest_header", "publish"]

log = logging.getLogger(__name__)

MAX_URLS = 10  # per /summarize: one story, a handful of outlets
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def digest_header(digest: Digest, *, title: str) -> str:
    """The first line of a posted digest: what it is and how to follow up."""
    stories = len(digest.stories)
    sources = sum(len(s.sources) for s in digest.stories)
    counts = (
        f"{stories} stor{'ies' if stories != 1 else 'y'} from "
        f"{sources} source{'s' if sources != 1 else ''}"
    )
    hint = " Follow up with /ask, or mention me in the thread." if stories else ""
    return f"**{title}** · {counts}.{hint}"


async def publish(
    bot: DigestBot, interaction: discord.Interaction, digest: Digest, *, title: str
) -> int:
    """Post a digest as the reply to a deferred interaction, open its thread, store it.

    Returns:
        The stored digest's id.

    """
    channel_id = interaction.channel_id
    assert channel_id is not None
    parts = render_digest(digest, header=digest_header(digest, title=title))
    # Stored first (with its source texts) so /ask finds it the moment it is visible.
    digest_id = await bot.storage.add_digest(
        channel_id, interaction.guild_id, digest, now=bot.now()
    )
    first = await edit_original(interaction, parts[0])
    message_ids = [first.id]
    for part in parts[1:]:
        message = await followup(interaction, part)
        message_ids.append(message.id)
    thread_id = None
    if digest.stories:
        thread_id = await open_thread(first, f"{title}: {digest.stories[0].headline}")
    await bot.storage.set_digest_messages(digest_id, message_ids, thread_id=thread_id)
    log.info(
        "posted %s (%d stories, %d messages) in channel %s",
        title,
        len(digest.stories),
        len(message_ids),
        channel_id,
    )
    return digest_id


class DigestCog(commands.Cog):
    """On-demand digests."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    @app_commands.command(name="digest")
    async def digest(self, interaction: discord.Interaction) -> None:
        """Post a cited digest of this channel's feeds (or the default feeds), last 24 hours."""
        # Fetching and summarising take seconds: acknowledge now, inside Discord's 3 s window.
        await interaction.response.defer(thinking=True)
        assert interaction.channel_id is not None
        feeds = [url for url, _ in await self.bot.storage.sources(interaction.channel_id)]
        feeds = feeds or list(self.bot.settings.sources.feeds)
        digest = await self.bot.service.digest(feeds)
        await publish(self.bot, interaction, digest, title="Digest")

    @app_commands.command(name="summarize")
    @app_commands.describe(urls="One or more article URLs (http or https), separated by spaces")
    async def summarize(self, interaction: discord.Interaction, urls: str) -> None:
        """Fuse the articles at the given URLs into one cited story.

        Args:
            interaction: the command's interaction.
            urls: one or more article URLs (http or https), separated by spaces.

        """
        wanted = list(dict.fromkeys(u.strip("<>") for u in re.split(r"[\s,]+", urls) if u))
        bad = [u for u in wanted if not _URL.match(u)]
        if not wanted or bad:
            shown = ", ".join(bad[:3]) if bad else "nothing"
            await reply_ephemeral(
                interaction, f"Give http(s) URLs separated by spaces (got {shown})."
            )
            return
        if len(wanted) > MAX_URLS:
            await reply_ephemeral(interaction, f"At most {MAX_URLS} URLs at a time.")
            return
        await interaction.response.defer(thinking=True)
        digest = await self.bot.service.summarize(wanted)
        await publish(self.bot, interaction, digest, title="Summary")


async def setup(bot: DigestBot) -> None:
    """Load the digest commands."""
    await bot.add_cog(DigestCog(bot))
