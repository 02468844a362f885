"""When a subscription's daily digest falls: local wall-clock time to UTC, DST included."""

from __future__ import annotations

import datetime as dt

from ..storage import Subscription

__all__ = ["last_occurrence", "next_occurrence", "occurrence_on"]


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
