"""/ask, and mentions of the bot inside a digest's thread: answers cited to the digest's sources.

The question goes to the latest digest posted in the channel, or, inside a digest's thread, to
that digest. The last few questions of the conversation travel along, so "and why?" works.
Answers name their sources in full (title and URL): the digest may be far up the channel.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from summarizer.errors import InputError
from summarizer.qa import MAX_QUESTION_CHARS

from ..actions import answer_about
from ..posting import followup, send
from ..render import MessagePart, render_answer
from ..storage import PostedDigest

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["AskCog"]

log = logging.getLogger(__name__)

NO_DIGEST = "No digest has been posted here yet: run /digest first, then ask."


class AskCog(commands.Cog):
    """Follow-up questions about posted digests."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    async def _digest_for(self, channel_id: int) -> PostedDigest | None:
        """This thread's digest, else the latest digest posted in this channel."""
        storage = self.bot.storage
        return await storage.post_for_thread(channel_id) or await storage.latest_post(channel_id)

    async def answer(self, posted: PostedDigest, question: str) -> list[str]:
        """Answer a question about a posted digest; the reply's message contents.

        Raises:
            InputError: the question is empty or too long (the QA layer checks).

        """
        bot = self.bot
        answer, sources = await answer_about(
            bot.storage,
            bot.service,
            posted,
            question,
            history_turns=bot.settings.qa.history_turns,
            now=bot.now(),
        )
        return render_answer(question, answer, sources)

    @app_commands.command(name="ask")
    @app_commands.describe(question="Your question about the latest digest here (or this thread's)")
    async def ask(
        self,
        interaction: discord.Interaction,
        # Discord refuses a longer question in the client; the QA layer's own limit.
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    ) -> None:
        """Ask about the latest digest in this channel (in a digest's thread: that digest).

        Args:
            interaction: the command's interaction.
            question: your question; the answer cites the digest's sources.

        """
        await interaction.response.defer(thinking=True)
        assert interaction.channel_id is not None
        posted = await self._digest_for(interaction.channel_id)
        if posted is None:
            await followup(interaction, MessagePart(content=NO_DIGEST))
            return
        for content in await self.answer(posted, question):
            await followup(interaction, MessagePart(content=content))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot inside a digest's thread."""
        me = self.bot.user
        if me is None or message.author.bot or me.id not in message.raw_mentions:
            return
        posted = await self.bot.storage.post_for_thread(message.channel.id)
        if posted is None:
            return
        question = re.sub(rf"<@!?{me.id}>", " ", message.content).strip()
        try:
            if not question:
                raise InputError("question", "ask me something about this digest")
            async with message.channel.typing():
                contents = await self.answer(posted, question)
        except InputError as exc:
            contents = [f"{exc.reason[:1].upper()}{exc.reason[1:]}."]
        except Exception:
            log.exception("answering a mention in thread %s failed", message.channel.id)
            contents = ["Something went wrong on my side; it has been logged."]
        reference: discord.Message | None = message
        for content in contents:
            try:
                await send(message.channel, MessagePart(content=content), reference=reference)
            except discord.HTTPException:
                log.warning("thread %s: could not reply", message.channel.id, exc_info=True)
                return
            reference = None  # only the first part replies; the rest follow it


async def setup(bot: DigestBot) -> None:
    """Load /ask and the thread mention listener."""
    await bot.add_cog(AskCog(bot))
