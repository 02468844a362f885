"""What an operator watches: shards connected, deliveries due, late and failed, the last build.

The report is read from the database the processes share: `python -m bot --health` prints it
(one `name: value` line per figure; exit status 3 when unhealthy), and a bot with `[health]
port` serves it at `/health` (HTTP 503 when unhealthy). Each bot process records its own
shards' heartbeats there (bot/exts/health.py).

It covers the whole deployment, or some of its shards: those `--shards` names for the command,
the serving process's own for `/health` (so each container's health check says whether that
process works, not whether another one does). A scoped report counts the shards named and the
subscriptions in their guilds.

Every active subscription counts once, by its latest occurrence: sent; due (not yet sent, less
than `[health] late_minutes` after its time); late (unsent past that; some of them retrying
after a failed attempt); failed (tried and given up: the channel refused the post, Discord
rejected it, or errors went on past `[discord] catch_up_hours`); missed (never tried within
the catch-up window: the bot was down). A subscription made after its latest time is not due
yet and not counted; a paused one (its channel refused posts for days) is counted apart. The
failures of the last 24 hours are counted by kind, whatever day they were for.

Unhealthy: a delivery is late, or a shard has not been heard from as connected within
STALE_AFTER. Failed deliveries and paused subscriptions are the channels' (a deleted channel, a
permission taken away), not the deployment's: shown, never unhealthy.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from .bot import shard_of
from .daily import last_occurrence
from .settings import BotSettings
from .storage import ShardBeat, Storage

__all__ = [
    "HEARTBEAT_S",
    "STALE_AFTER",
    "HealthReport",
    "HealthUnavailable",
    "health_report",
    "latency_ms",
    "serve_health",
]

log = logging.getLogger(__name__)

HEARTBEAT_S = 20.0  # how often each process records its shards' state
# A shard not heard from for three heartbeats counts as not connected: its process is gone or
# stuck (one missed write is not enough to say so).
STALE_AFTER = dt.timedelta(seconds=3 * HEARTBEAT_S)
# Failures are counted over the last day: every subscription's time comes round once in it.
FAILURES_WINDOW = dt.timedelta(hours=24)


class HealthUnavailable(Exception):
    """The health endpoint cannot listen where `[health] host` and `port` say."""


@dataclass(frozen=True, slots=True)
class HealthReport:
    """The figures at `now`, for the whole deployment or the shards `scope` names."""

    now: dt.datetime
    shards: tuple[int, ...]  # expected: every shard (shard 0 alone unsharded), or the scope's
    connected: tuple[int, ...]  # of those, the ones heard from as connected within STALE_AFTER
    sent: int
    due: int
    late: int
    failed: int
    missed: int
    paused: int
    last_build: dt.datetime | None
    retrying: int = 0  # of the late, those whose last attempt failed: to be tried again
    failures: Mapping[str, int] = field(default_factory=dict)  # last 24 h, by kind
    scope: tuple[tuple[int, ...], int] | None = None  # (shard ids, shard count); None: all

    @property
    def healthy(self) -> bool:
        """No delivery late and every expected shard connected."""
        return self.late == 0 and set(self.shards) <= set(self.connected)

    def lines(self) -> list[str]:
        """One `name: value` line per figure, for a terminal or a monitoring probe."""
        missing = sorted(set(self.shards) - set(self.connected))
        shards = f"{len(set(self.shards) & set(self.connected))}/{len(self.shards)}"
        if missing:
            shards += f" (not connected: {', '.join(str(n) for n in missing)})"
        if self.last_build is None:
            build = "never"
        else:
            ago = (self.now - self.last_build).total_seconds()
            build = f"{self.last_build.isoformat(timespec='seconds')} ({ago:.0f} s ago)"
        late = f"{self.late}"
        if self.retrying:
            late += f" ({self.retrying} retrying after errors)"
        failures = f"{sum(self.failures.values())}"
        if self.failures:
            kinds = sorted(self.failures.items(), key=lambda item: (-item[1], item[0]))
            failures += f" ({', '.join(f'{kind} {n}' for kind, n in kinds)})"
        lines = [f"status: {'ok' if self.healthy else 'unhealthy'}"]
        if self.scope is not None:
            ids, count = self.scope
            lines.append(f"scope: shards {','.join(str(n) for n in ids)} of {count}")
        return [
            *lines,
            f"shards connected: {shards}",
            f"deliveries sent: {self.sent}",
            f"deliveries due: {self.due}",
            f"deliveries late: {late}",
            f"deliveries failed: {self.failed}",
            f"deliveries missed: {self.missed}",
            f"failures in the last 24 h: {failures}",
            f"subscriptions paused: {self.paused}",
            f"last build: {build}",
        ]


def latency_ms(seconds: float) -> int | None:
    """A gateway latency in whole milliseconds; None before the first heartbeat is answered."""
    return round(seconds * 1000) if math.isfinite(seconds) else None


async def health_report(
    storage: Storage,
    settings: BotSettings,
    *,
    now: dt.datetime,
    shards: Collection[int] | None = None,
) -> HealthReport:
    """The deployment's health, read from the database at `now` (aware UTC).

    Args:
        storage: the database every process shares.
        settings: `[discord] shard_count` (the shards expected), `catch_up_hours`, and
            `[health] late_minutes`.
        now: the time the figures are taken at.
        shards: only these shards and their guilds' subscriptions (a process's own); None:
            the whole deployment. Ignored by an unsharded bot (it is one shard).

    """
    late_after = dt.timedelta(minutes=settings.health.late_minutes)
    give_up = dt.timedelta(hours=settings.discord.catch_up_hours)
    count = settings.discord.shard_count
    scope = None if count == 0 or shards is None else tuple(sorted(set(shards)))
    if scope == tuple(range(count)):
        scope = None  # every shard: the whole deployment
    expected = scope if scope is not None else tuple(range(max(count, 1)))

    def in_scope(guild_id: int | None) -> bool:
        return scope is None or shard_of(guild_id, count) in scope

    subs = [s for s in await storage.subscriptions() if in_scope(s.guild_id)]
    active = [s for s in subs if s.paused is None]
    latest = {s.channel_id: last_occurrence(s, now) for s in active}
    ledger = await storage.deliveries_on([(s.channel_id, latest[s.channel_id][0]) for s in active])
    counts = {"sent": 0, "due": 0, "late": 0, "failed": 0, "missed": 0, "retrying": 0}
    for sub in active:
        local_date, at = latest[sub.channel_id]
        if at < sub.created_at:
            continue  # subscribed after its time: the first digest is the next one
        row = ledger.get((sub.channel_id, local_date))
        tried = row is not None and row.attempts > 0
        if row is not None and row.state == "sent":
            counts["sent"] += 1
        elif (row is not None and row.state == "failed") or (now - at > give_up and tried):
            counts["failed"] += 1
        elif (row is not None and row.state == "skipped") or now - at > give_up:
            counts["missed"] += 1
        else:
            is_late = now - at > late_after
            counts["late" if is_late else "due"] += 1
            counts["retrying"] += is_late and tried
    guild_of = {s.channel_id: s.guild_id for s in subs}
    failures: dict[str, int] = {}
    for row in await storage.failures_since(now - FAILURES_WINDOW):
        # A channel no longer subscribed has no known guild: counted by the whole report only.
        if scope is None or (row.channel_id in guild_of and in_scope(guild_of[row.channel_id])):
            kind = (row.reason or "unknown").split(":", 1)[0]
            failures[kind] = failures.get(kind, 0) + 1
    return HealthReport(
        now=now,
        shards=expected,
        connected=_connected(await storage.shard_beats(), count, now),
        paused=len(subs) - len(active),
        last_build=await storage.last_build(),
        failures=failures,
        scope=None if scope is None else (scope, count),
        **counts,
    )


def _connected(beats: list[ShardBeat], count: int, now: dt.datetime) -> tuple[int, ...]:
    """The shards of this shard count last heard from as connected, recently enough."""
    return tuple(
        sorted(
            beat.shard_id
            for beat in beats
            if beat.shard_count == count and beat.connected and now - beat.seen_at <= STALE_AFTER
        )
    )


@asynccontextmanager
async def serve_health(
    storage: Storage, settings: BotSettings, *, clock: Callable[[], dt.datetime]
) -> AsyncIterator[int]:
    """Serve the report at `GET /health` on `[health] host:port` while the block runs.

    The report covers this process's shards (`[discord] shards`; every shard if it names
    none): what a container's health check asks about its own process. The body is the
    report's lines; the status 200 when healthy, 503 when not (or when the database cannot be
    read), so a load balancer or an uptime probe can act on it alone.

    Yields:
        The port listened on.

    Raises:
        HealthUnavailable: the address cannot be listened on (in use, not this host's).

    """

    async def health(request: web.Request) -> web.Response:
        try:
            report = await health_report(
                storage, settings, now=clock(), shards=settings.discord.shard_ids
            )
        except Exception as exc:
            log.warning("the health report could not be read", exc_info=True)
            return web.Response(status=503, text=f"status: unknown ({type(exc).__name__})\n")
        return web.Response(
            status=200 if report.healthy else 503, text="\n".join(report.lines()) + "\n"
        )

    app = web.Application()
    app.router.add_get("/health", health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    host, port = settings.health.host, settings.health.port
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise HealthUnavailable(
            f"cannot serve the health report on {host}:{port} ([health] host, port): "
            f"{exc.strerror or exc}"
        ) from exc
    log.info("serving the health report at http://%s:%d/health", host, port)
    try:
        yield port
    finally:
        await runner.cleanup()
