"""/subscribe, /unsubscribe and /subscriptions: a daily digest here at a local time, filtered.

Changing anything needs Manage Channels: set as the commands' default permission (so Discord
hides them from others) and checked again here, because server admins can override default
permissions. `/subscriptions list` is for everyone.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from functools import lru_cache
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from summarizer.filters import MAX_MIN_OUTLETS, StoryFilter

from ..actions import CLEAR, edit_filter
from ..daily import next_occurrence, parse_time, parse_zone
from ..posting import ALLOWED_MENTIONS
from ..render import CONTENT_LIMIT
from ..storage import Subscription

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["SubscriptionsCog", "timezone_choices"]

log = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
_FILTER_HELP = {
    "include": 'Only stories with any of these words or "quoted phrases" (none: clear)',
    "exclude": "Leave out stories with any of these words or phrases (none: clear)",
    "include_regex": "Also keep stories matching this regular expression (none: clear)",
    "min_outlets": "Leave out stories fewer outlets than this report (1: every story)",
}


def _filters_line(story_filter: StoryFilter) -> str:
    return f"Filters: {story_filter.describe()}."


def _subscription_line(sub: Subscription, now: dt.datetime) -> str:
    if sub.paused is not None:
        # The channel refused posts for days (bot/daily.py): say why, and how to resume.
        upcoming = f"paused ({sub.paused}): /subscribe there again to resume"
    else:
        upcoming = f"next {discord.utils.format_dt(next_occurrence(sub, now), 'R')}"
    return (
        f"<#{sub.channel_id}> · {sub.local_time:%H:%M} ({sub.tz}), {upcoming} · "
        f"{sub.story_filter.describe()}"
    )


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
        **_FILTER_HELP,
    )
    async def subscribe(
        self,
        interaction: discord.Interaction,
        time: str,
        timezone: str,
        include: str | None = None,
        exclude: str | None = None,
        include_regex: str | None = None,
        min_outlets: app_commands.Range[int, 1, MAX_MIN_OUTLETS] | None = None,
    ) -> None:
        """Post a digest in this channel every day at a local time (needs Manage Channels).

        Filters not given keep their current value when the channel is already subscribed.

        Args:
            interaction: the command's interaction.
            time: local time of day, 24-hour HH:MM.
            timezone: IANA time zone name; daylight saving time is followed.
            include: post only stories with any of these words or quoted phrases.
            exclude: leave out stories with any of these words or phrases.
            include_regex: also post stories matching this regular expression.
            min_outlets: leave out stories fewer outlets report.

        """
        local_time = parse_time(time)
        zone = parse_zone(timezone)
        assert interaction.channel_id is not None
        storage = self.bot.storage
        story_filter = None
        if any(v is not None for v in (include, exclude, include_regex, min_outlets)):
            current = await storage.subscription(interaction.channel_id)
            # Checked before anything is written: a bad filter changes nothing.
            story_filter = edit_filter(
                current.story_filter if current else StoryFilter(),
                include=include,
                exclude=exclude,
                include_regex=include_regex,
                min_outlets=min_outlets,
            )
        now = self.bot.now()
        # Committed before the acknowledgement: a kill right after it loses nothing.
        sub = await storage.subscribe(
            interaction.channel_id,
            interaction.guild_id,
            local_time,
            zone,
            now=now,
            story_filter=story_filter,
        )
        upcoming = next_occurrence(sub, now)
        log.info("channel %s subscribed at %s %s", sub.channel_id, local_time, zone)
        filters = f" {_filters_line(sub.story_filter)}" if sub.story_filter.active else ""
        await interaction.response.send_message(
            f"Subscribed: a digest here every day at {local_time:%H:%M} ({zone}). "
            f"Next one: {discord.utils.format_dt(upcoming, 'F')}.{filters}",
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

    subscriptions = app_commands.Group(
        name="subscriptions",
        description="This server's daily digests and their story filters",
        guild_only=True,
    )

    @subscriptions.command(name="list")
    async def subscriptions_list(self, interaction: discord.Interaction) -> None:
        """Show this server's daily digests: channel, time, next post and story filters."""
        now = self.bot.now()
        subs = [
            s for s in await self.bot.storage.subscriptions() if s.guild_id == interaction.guild_id
        ]
        if not subs:
            text = "No channel here has a daily digest: /subscribe in one to start."
        else:
            lines = ["**Daily digests**", *(_subscription_line(s, now) for s in subs)]
            text = "\n".join(lines)
            if len(text) > CONTENT_LIMIT:
                shown = CONTENT_LIMIT - 40
                text = text[: text.rfind("\n", 0, shown)] + "\n… (more channels not shown)"
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=ALLOWED_MENTIONS
        )

    @subscriptions.command(name="edit")
    # Discord takes default permissions per top-level command only (`list` is for everyone):
    # the check when it runs is what guards this one.
    @app_commands.checks.has_permissions(manage_channels=True)
    @app_commands.describe(**_FILTER_HELP)
    async def subscriptions_edit(
        self,
        interaction: discord.Interaction,
        include: str | None = None,
        exclude: str | None = None,
        include_regex: str | None = None,
        min_outlets: app_commands.Range[int, 1, MAX_MIN_OUTLETS] | None = None,
    ) -> None:
        """Change the story filters of this channel's daily digest (needs Manage Channels).

        Options not given keep their value; a text option set to `none` is cleared.

        Args:
            interaction: the command's interaction.
            include: post only stories with any of these words or quoted phrases.
            exclude: leave out stories with any of these words or phrases.
            include_regex: also post stories matching this regular expression.
            min_outlets: leave out stories fewer outlets report (1: every story).

        """
        assert interaction.channel_id is not None
        storage = self.bot.storage
        current = await storage.subscription(interaction.channel_id)
        if current is None:
            text = "This channel has no daily digest to filter: /subscribe first."
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=ALLOWED_MENTIONS
            )
            return
        if all(v is None for v in (include, exclude, include_regex, min_outlets)):
            text = (
                f"{_filters_line(current.story_filter)} Give include, exclude, include_regex "
                f"or min_outlets to change them ({CLEAR} clears one)."
            )
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=ALLOWED_MENTIONS
            )
            return
        story_filter = edit_filter(
            current.story_filter,
            include=include,
            exclude=exclude,
            include_regex=include_regex,
            min_outlets=min_outlets,
        )
        sub = await storage.set_filter(interaction.channel_id, story_filter)
        assert sub is not None
        log.info("channel %s filters: %s", sub.channel_id, sub.story_filter.describe())
        await interaction.response.send_message(
            f"Updated this channel's daily digest. {_filters_line(sub.story_filter)}",
            allowed_mentions=ALLOWED_MENTIONS,
        )


async def setup(bot: DigestBot) -> None:
    """Load /subscribe, /unsubscribe and /subscriptions."""
    await bot.add_cog(SubscriptionsCog(bot))
