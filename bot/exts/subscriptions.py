"""/subscribe and /unsubscribe: a daily digest in this channel at a local time.

Both need Manage Channels: set as the commands' default permission (so Discord hides them from
others) and checked again here, because server admins can override default permissions.
"""

from __future__ import annotations

import logging
import zoneinfo
from functools import lru_cache
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ..daily import next_occurrence, parse_time, parse_zone
from ..posting import ALLOWED_MENTIONS

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["SubscriptionsCog", "timezone_choices"]

log = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    # Legacy aliases ("US/Pacific", "Etc/GMT+5") still work when typed; suggest the canonical.
    names = zoneinfo.available_timezones()
    return tuple(sorted(n for n in names if "/" in n and not n.startswith(("Etc/", "SystemV/"))))


def timezone_choices(current: str) -> list[str]:
    """Zone names for what the user has typed: exact, then prefix, then substring matches."""
    needle = current.strip().replace(" ", "_").casefold()
    zones = _zones()
    if not needle:
        return list(zones[:AUTOCOMPLETE_LIMIT])
    exact = [z for z in zones if z.casefold() == needle]
    prefix = [
        z
        for z in zones
        if z not in exact
        and (z.casefold().startswith(needle) or z.split("/")[-1].casefold().startswith(needle))
    ]
    inside = [z for z in zones if needle in z.casefold() and z not in exact and z not in prefix]
    return [*exact, *prefix, *inside][:AUTOCOMPLETE_LIMIT]


class SubscriptionsCog(commands.Cog):
    """Daily digest subscriptions, one per channel."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot

    @app_commands.command(name="subscribe")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.checks.has_permissions(manage_channels=True)
    @app_commands.describe(
        time="Local time of day for the digest, 24-hour HH:MM (e.g. 08:30)",
        timezone="IANA time zone, e.g. Europe/Paris or America/New_York (start typing)",
    )
    async def subscribe(self, interaction: discord.Interaction, time: str, timezone: str) -> None:
        """Post a digest in this channel every day at a local time (needs Manage Channels).

        Args:
            interaction: the command's interaction.
            time: local time of day, 24-hour HH:MM.
            timezone: IANA time zone name; daylight saving time is followed.

        """
        local_time = parse_time(time)
        zone = parse_zone(timezone)
        assert interaction.channel_id is not None
        now = self.bot.now()
        # Committed before the acknowledgement: a kill right after it loses nothing.
        sub = await self.bot.storage.subscribe(
            interaction.channel_id, interaction.guild_id, local_time, zone, now=now
        )
        upcoming = next_occurrence(sub, now)
        log.info("channel %s subscribed at %s %s", sub.channel_id, local_time, zone)
        await interaction.response.send_message(
            f"Subscribed: a digest here every day at {local_time:%H:%M} ({zone}). "
            f"Next one: {discord.utils.format_dt(upcoming, 'F')}.",
            allowed_mentions=ALLOWED_MENTIONS,
        )

    @subscribe.autocomplete("timezone")
    async def _timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]

    @app_commands.command(name="unsubscribe")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.checks.has_permissions(manage_channels=True)
    async def unsubscribe(self, interaction: discord.Interaction) -> None:
        """Stop this channel's daily digest (needs Manage Channels)."""
        assert interaction.channel_id is not None
        removed = await self.bot.storage.unsubscribe(interaction.channel_id)
        text = (
            "Unsubscribed: no more daily digests here."
            if removed
            else "This channel has no daily digest to stop."
        )
        await interaction.response.send_message(text, allowed_mentions=ALLOWED_MENTIONS)


async def setup(bot: DigestBot) -> None:
    """Load /subscribe and /unsubscribe."""
    await bot.add_cog(SubscriptionsCog(bot))
