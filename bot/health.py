"""What an operator watches: shards connected, deliveries due, late and failed, the last build.

The report covers the whole deployment and is read from the database the processes share:
`python -m bot --health` prints it (one `name: value` line per figure; exit status 3 when
unhealthy), and a bot with `[health] port` serves it at `/health` (HTTP 503 when unhealthy).
Each bot process records its own shards' heartbeats there (bot/exts/health.py).

Every subscription counts once, by its latest occurrence: sent; due (not yet sent, less than
`[health] late_minutes` after its time); late (unsent past that); failed (given up: skipped
because the channel cannot be posted in, or unsent past `[discord] catch_up_hours`). A
subscription made after its latest time is not due yet and not counted.

Unhealthy: a delivery is late, or a shard has not been heard from as connected within
STALE_AFTER.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

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


class HealthUnavailable(Exception):
    """The health endpoint cannot listen where `[health] host` and `port` say."""


@dataclass(frozen=True, slots=True)
class HealthReport:
    """The deployment's figures at `now`."""

    now: dt.datetime
    shards: int  # expected: the shard count (1 for an unsharded bot)
    connected: tuple[int, ...]  # the shards heard from as connected within STALE_AFTER
    sent: int
    due: int
    late: int
    failed: int
    last_build: dt.datetime | None

    @property
    def healthy(self) -> bool:
        """No delivery late and every shard connected."""
        return self.late == 0 and len(self.connected) == self.shards

    def lines(self) -> list[str]:
        """One `name: value` line per figure, for a terminal or a monitoring probe."""
        missing = sorted(set(range(self.shards)) - set(self.connected))
        shards = f"{len(self.connected)}/{self.shards}"
        if missing:
            shards += f" (not connected: {', '.join(str(n) for n in missing)})"
        if self.last_build is None:
            build = "never"
        else:
            ago = (self.now - self.last_build).total_seconds()
            build = f"{self.last_build.isoformat(timespec='seconds')} ({ago:.0f} s ago)"
        return [
            f"status: {'ok' if self.healthy else 'unhealthy'}",
            f"shards connected: {shards}",
            f"deliveries sent: {self.sent}",
            f"deliveries due: {self.due}",
            f"deliveries late: {self.late}",
            f"deliveries failed: {self.failed}",
            f"last build: {build}",
        ]


def latency_ms(seconds: float) -> int | None:
    """A gateway latency in whole milliseconds; None before the first heartbeat is answered."""
    return round(seconds * 1000) if math.isfinite(seconds) else None


async def health_report(
    storage: Storage, settings: BotSettings, *, now: dt.datetime
) -> HealthReport:
    """The deployment's health, read from the database at `now` (aware UTC).

    Args:
        storage: the database every process shares.
        settings: `[discord] shard_count` (the shards expected), `catch_up_hours`, and
            `[health] late_minutes`.
        now: the time the figures are taken at.

    """
    late_after = dt.timedelta(minutes=settings.health.late_minutes)
    give_up = dt.timedelta(hours=settings.discord.catch_up_hours)
    subs = await storage.subscriptions()
    latest = {s.channel_id: last_occurrence(s, now) for s in subs}
    ledger = await storage.deliveries_on([(s.channel_id, latest[s.channel_id][0]) for s in subs])
    counts = {"sent": 0, "due": 0, "late": 0, "failed": 0}
    for sub in subs:
        local_date, at = latest[sub.channel_id]
        if at < sub.created_at:
            continue  # subscribed after its time: the first digest is the next one
        row = ledger.get((sub.channel_id, local_date))
        if row is not None and row.state == "sent":
            counts["sent"] += 1
        elif (row is not None and row.state == "skipped") or now - at > give_up:
            counts["failed"] += 1
        elif now - at > late_after:
            counts["late"] += 1
        else:
            counts["due"] += 1
    count = settings.discord.shard_count
    return HealthReport(
        now=now,
        shards=max(count, 1),
        connected=_connected(await storage.shard_beats(), count, now),
        last_build=await storage.last_build(),
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

    The body is the report's lines; the status 200 when healthy, 503 when not (or when the
    database cannot be read), so a load balancer or an uptime probe can act on it alone.

    Yields:
        The port listened on.

    Raises:
        HealthUnavailable: the address cannot be listened on (in use, not this host's).

    """

    async def health(request: web.Request) -> web.Response:
        try:
            report = await health_report(storage, settings, now=clock())
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
