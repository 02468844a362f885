"""Daily digests: when each falls (local time to UTC, DST included) and which are due now.

The schedule cog posts them to Discord; the console's /tick prints them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from summarizer.errors import InputError

from .storage import Delivery, Storage, Subscription

__all__ = [
    "Due",
    "collect_due",
    "last_occurrence",
    "next_occurrence",
    "occurrence_on",
    "parse_time",
    "parse_zone",
]

log = logging.getLogger(__name__)

_HHMM = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


def parse_time(text: str) -> dt.time:
    """`HH:MM` (24-hour) as a time.

    Raises:
        InputError: anything else.

    """
    match = _HHMM.match(text)
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise InputError("time", f"{text!r} is not a 24-hour HH:MM time, like 08:30")


def parse_zone(name: str) -> str:
    """A valid IANA zone name.

    Raises:
        InputError: unknown zone.

    """
    name = name.strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputError(
            "timezone", f"{name!r} is not an IANA time zone, like Europe/Paris"
        ) from None
    return name


@dataclass(frozen=True, slots=True)
class Due:
    """A subscription whose digest for `local_date` is due (or resumed after a restart)."""

    sub: Subscription
    local_date: dt.date
    at: dt.datetime
    delivery: Delivery | None

    @property
    def started(self) -> bool:
        """Whether a post was already made for it (a delivery resumed after a restart)."""
        return self.delivery is not None and self.delivery.post_id is not None


def occurrence_on(sub: Subscription, local_date: dt.date) -> dt.datetime:
    """The UTC instant of the subscription's time on a local date.

    A time skipped by a spring-forward gap falls an hour later (zoneinfo's fold=0 reading);
    a time repeated at fall-back is its first occurrence.
    """
    local = dt.datetime.combine(local_date, sub.local_time, tzinfo=sub.zone)
    return local.astimezone(dt.UTC)


def last_occurrence(sub: Subscription, now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """The latest (local date, UTC instant) at or before `now`."""
    today = now.astimezone(sub.zone).date()
    for day in (today, today - dt.timedelta(days=1), today - dt.timedelta(days=2)):
        moment = occurrence_on(sub, day)
        # Compare in UTC: aware datetimes sharing a tzinfo compare by wall time alone.
        if moment <= now:
            return day, moment
    raise AssertionError("unreachable: yesterday's occurrence is always in the past")


def next_occurrence(sub: Subscription, now: dt.datetime) -> dt.datetime:
    """The next UTC instant strictly after `now`."""
    today = now.astimezone(sub.zone).date()
    for offset in range(3):
        moment = occurrence_on(sub, today + dt.timedelta(days=offset))
        if moment > now:
            return moment
    raise AssertionError("unreachable: tomorrow's occurrence is always in the future")


async def collect_due(
    storage: Storage,
    now: dt.datetime,
    *,
    catch_up: dt.timedelta,
    channel_ids: frozenset[int] | None = None,
    owns_guild: Callable[[int | None], bool] | None = None,
) -> list[Due]:
    """Subscriptions due now; missed ones past the catch-up window are skipped and logged.

    Due: the local time has passed today, the subscription is older than that moment (a new
    one never gets a backlog), and the ledger has no row for the day or an unfinished intent.

    Args:
        storage: the bot's state.
        now: the current aware UTC time.
        catch_up: how late a digest may still be posted.
        channel_ids: only these channels (the console); None for all.
        owns_guild: only subscriptions in guilds this tells true (this process's shards);
            None for all.

    """
    subs = [
        s
        for s in await storage.subscriptions()
        if (channel_ids is None or s.channel_id in channel_ids)
        and (owns_guild is None or owns_guild(s.guild_id))
    ]
    occurrences = {s.channel_id: last_occurrence(s, now) for s in subs}
    ledger = await storage.deliveries_on(
        [(s.channel_id, occurrences[s.channel_id][0]) for s in subs]
    )
    due: list[Due] = []
    for sub in subs:
        local_date, at = occurrences[sub.channel_id]
        if at < sub.created_at:
            continue  # subscribed after today's time: the first digest is the next one
        row = ledger.get((sub.channel_id, local_date))
        if row is not None and row.state != "intent":
            continue
        if now - at > catch_up:
            if await storage.record_skipped(sub.channel_id, local_date, now=now):
                log.warning(
                    "channel %s: the digest for %s (due %s) is more than %.0f h late; skipped",
                    sub.channel_id,
                    local_date,
                    at.isoformat(),
                    catch_up.total_seconds() / 3600,
                )
            continue
        due.append(Due(sub, local_date, at, row))
    return due
