"""One place that turns command errors into replies.

User mistakes get a short ephemeral message, bugs a logged traceback and a generic one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from summarizer.errors import InputError

from ..posting import ALLOWED_MENTIONS

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["ErrorHandler", "reply_ephemeral"]

log = logging.getLogger(__name__)

GENERIC = "Something went wrong on my side; it has been logged. Please try again later."


async def reply_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Answer only the user who invoked: a fresh response, or the deferred one edited."""
    if not interaction.response.is_done():
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=ALLOWED_MENTIONS
        )
    elif interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
        # A deferred reply can only be completed in the visibility it was deferred with.
        await interaction.edit_original_response(
            content=text, embeds=[], allowed_mentions=ALLOWED_MENTIONS
        )
    else:
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=ALLOWED_MENTIONS)


def describe(error: BaseException) -> str | None:
    """The message for a user mistake, or None for a bug."""
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {names} permission to do that. Nothing was changed."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server channel."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here. Nothing was changed."
    if isinstance(error, app_commands.TransformerError):
        return f"That value doesn't work here: {error.value!r}."
    if isinstance(error, InputError):
        return f"{error.source}: {error.reason}" if error.source else error.reason
    return None


class ErrorHandler(commands.Cog):
    """Maps application-command errors to replies."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        """Install the handler on the command tree."""
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        """Put the tree's default handler back."""
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Reply to the user; log a traceback when it is our bug."""
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        text = describe(original)
        command = interaction.command.qualified_name if interaction.command else "?"
        if text is None:
            log.error(
                "/%s failed in channel %s", command, interaction.channel_id, exc_info=original
            )
            text = GENERIC
        else:
            log.info("/%s refused in channel %s: %s", command, interaction.channel_id, text)
        try:
            await reply_ephemeral(interaction, text)
        except discord.HTTPException:
            log.warning("could not tell the user about the error in /%s", command, exc_info=True)


async def setup(bot: DigestBot) -> None:
    """Load the error handler."""
    await bot.add_cog(ErrorHandler(bot))
