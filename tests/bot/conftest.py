"""Fixtures: the loopback Discord, a deterministic fake summarizer, the real bot between."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.bot import DigestBot, apply_endpoints, make_bot
from bot.settings import BotSettings, DiscordSettings, StorageSettings
from bot.storage import Storage
from bot.testing.fakediscord import FakeDiscord
from bot.testing.fakeservice import FakeService
from bot.testing.postgres import PostgresCluster, PostgresUnavailable
from summarizer.config import SourcesSettings

DEFAULT_FEEDS = ("https://default.example/rss",)


class Harness:
    """Starts and restarts the real bot against the loopback server, one storage file."""

    def __init__(self, server: FakeDiscord, db_path: str, service: FakeService) -> None:
        self.server = server
        self.db_path = db_path
        self.service = service
        self.clock_offset = timedelta(0)
        self.tick_seconds: float | None = 0.5
        self.lease_seconds: float | None = None
        self.bot: DigestBot | None = None
        self.storage: Storage | None = None
        self._task: asyncio.Task | None = None
        self.settings = BotSettings(
            discord=DiscordSettings(
                token_env="TEST_DISCORD_TOKEN",
                api_base=server.api_base,
                gateway_url=server.gateway_url,
                guild_ready_timeout=0.2,
            ),
            storage=StorageSettings(path=db_path),
            sources=SourcesSettings(feeds=DEFAULT_FEEDS),
        )

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    async def start(self) -> DigestBot:
        apply_endpoints(self.settings.discord)
        self.storage = await Storage.open(self.db_path)
        self.bot = make_bot(
            self.settings,
            self.storage,
            self.service,
            clock=self.now,
            tick_seconds=self.tick_seconds,
            lease_seconds=self.lease_seconds,
            identify_spacing=0.0,  # the loopback gateway has no IDENTIFY rate limit
        )
        await self.bot.login(self.server.token)
        self._task = asyncio.create_task(self.bot.connect(reconnect=True))
        await asyncio.wait_for(self.bot.wait_until_ready(), 10)
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 5)
        if self.storage is not None:
            await self.storage.close()
        self.bot = self.storage = self._task = None

    async def restart(self) -> DigestBot:
        await self.stop()
        return await self.start()

    async def invoke(self, name: str, options=None, *, channel_id: int, within: float = 10.0, **kw):
        """Run a slash command and wait for its final response."""
        record = self.server.interact(name, options, channel_id=channel_id, **kw)
        await self.server.wait_for(lambda: record.finished, within)
        return record


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the whole run; skips its tests without the binaries."""
    cluster = PostgresCluster()
    try:
        cluster.start()
    except PostgresUnavailable as exc:
        cluster.stop()
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request, tmp_path):
    """A fresh empty database on each backend: a SQLite file, a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    cluster = request.getfixturevalue("postgres_cluster")
    return await cluster.create_database()


@pytest.fixture
async def server():
    srv = FakeDiscord(guilds=1, channels_per_guild=3)
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
def service():
    return FakeService()


@pytest.fixture
async def harness(server, service, tmp_path):
    h = Harness(server, str(tmp_path / "bot.sqlite3"), service)
    await h.start()
    yield h
    await h.stop()
    assert server.violations == [], server.violations
    assert server.callbacks_without_with_response == 0


@pytest.fixture(autouse=True)
def _quiet_discord_logs(caplog):
    caplog.set_level(logging.INFO, logger="bot")
    logging.getLogger("discord").setLevel(logging.WARNING)
