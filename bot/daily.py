"""Daily digests: when each falls (local time to UTC, DST included), which are due, failures.

The schedule cog posts them to Discord; the console's /tick prints them.

A post that fails (`record_failure`) is never lost to a passing error and never posted twice:

- a retryable failure (a server error after every retry, a dropped connection, a bug) keeps the
  intent, and the delivery is resumed after a pause that doubles each time (RETRY_FIRST up to
  RETRY_MAX), until the catch-up window ends: then it is failed, with the last reason;
- any other failure ends the day's delivery at once: failed, with its reason;
- a channel that refused the post itself (deleted, permission lost, not a text channel) on
  PAUSE_AFTER_FAILURES days running has its subscription paused: kept, shown as paused, not
  posted to, until `/subscribe` there resumes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from summarizer.errors import InputError

from .posting import PostFailure, channel_refused
from .storage import Delivery, Storage, Subscription

__all__ = [
    "PAUSE_AFTER_FAILURES",
    "Due",
    "collect_due",
    "last_occurrence",
    "next_occurrence",
    "occurrence_on",
    "parse_time",
    "parse_zone",
    "record_failure",
    "retry_delay",
]

log = logging.getLogger(__name__)

_HHMM = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")

# A channel that refuses posts this many days running is paused rather than tried every day:
# each try is a wasted request (and Discord bans a client that makes too many 403s and 404s),
# while three days leave its admins time to fix a permission before the digest stops.
PAUSE_AFTER_FAILURES = 3
# The first wait after a retryable failure, doubled after each further one up to RETRY_MAX:
# a passing server error is retried within minutes, a long outage about twice an hour.
RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(minutes=30)

FailureOutcome = Literal["retry", "failed", "paused"]


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

    Due: the subscription is not paused, the local time has passed today, the subscription is
    older than that moment (a new one never gets a backlog), and the ledger has no row for the
    day or an unfinished intent.

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
        if s.paused is None
        and (channel_ids is None or s.channel_id in channel_ids)
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
                given_up = "failed" if row is not None and row.attempts else "skipped"
                log.warning(
                    "channel %s: the digest for %s (due %s) is more than %.0f h late; %s",
                    sub.channel_id,
                    local_date,
                    at.isoformat(),
                    catch_up.total_seconds() / 3600,
                    given_up,
                )
            continue
        due.append(Due(sub, local_date, at, row))
    return due


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a delivery waits after its `attempts`-th failed attempt (1 for the first)."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MAX)


async def record_failure(
    storage: Storage,
    sub: Subscription,
    local_date: dt.date,
    failure: PostFailure,
    *,
    now: dt.datetime,
) -> FailureOutcome:
    """Record that posting a subscription's digest for `local_date` failed, and why.

    Args:
        storage: the bot's state.
        sub: the subscription whose post failed.
        local_date: the day of the digest.
        failure: what went wrong (bot/posting.py sorts it).
        now: the current aware UTC time.

    Returns:
        retry: the intent stays and is resumed after `retry_delay` (or, with no intent yet, at
        the next tick); failed: given up for the day; paused: given up, and the subscription
        paused (its channel refused posts PAUSE_AFTER_FAILURES days running).

    """
    channel_id = sub.channel_id
    if failure.retryable:
        row = await storage.delivery(channel_id, local_date)
        attempts = (row.attempts if row is not None else 0) + 1
        retry_at = now + retry_delay(attempts)
        await storage.record_retry(
            channel_id, local_date, failure.reason, now=now, retry_at=retry_at
        )
        return "retry"
    await storage.record_failed(channel_id, local_date, failure.reason, now=now)
    if not channel_refused(failure.reason):
        return "failed"
    recent = await storage.recent_deliveries(channel_id, limit=PAUSE_AFTER_FAILURES)
    if len(recent) < PAUSE_AFTER_FAILURES or not all(
        row.state == "failed" and channel_refused(row.reason) for row in recent
    ):
        return "failed"
    if await storage.pause(channel_id, failure.reason):
        log.warning(
            "channel %s: paused after %d days the channel refused the digest (%s); "
            "/subscribe there resumes it",
            channel_id,
            PAUSE_AFTER_FAILURES,
            failure.reason,
        )
    return "paused"
