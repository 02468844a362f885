"""Fixtures: the loopback Discord, a deterministic fake summarizer, the real bot between."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.bot import DigestBot, apply_endpoints
from bot.service import FeedInfo
from bot.storage import Storage
from summarizer.config import DiscordSettings, Settings, SourcesSettings, StorageSettings
from summarizer.errors import FeedError, InputError
from summarizer.models import Answer, Digest, InputFailure, Source, Turn

from .fakediscord import FakeDiscord
from .helpers import make_digest, make_story

DEFAULT_FEEDS = ("https://default.example/rss",)


class FakeService:
    """A summarizer with known answers; `work_s` of pure-Python CPU per digest, in a thread."""

    def __init__(self, *, stories: int = 2, work_s: float = 0.0) -> None:
        self.stories = stories
        self.work_s = work_s
        self.calls: list[tuple] = []
        self.mention_text = ""
        self.fail_digest = False

    def _burn(self) -> None:
        # Pure Python holds the GIL like the real pipeline's tokenising and clustering do.
        end = time.perf_counter() + self.work_s
        n = 0
        while time.perf_counter() < end:
            n += sum(i * i for i in range(200))

    async def digest(self, feeds: Sequence[str]) -> Digest:
        self.calls.append(("digest", tuple(feeds)))
        if self.fail_digest:
            raise RuntimeError("pipeline exploded")
        if self.work_s:
            await asyncio.to_thread(self._burn)
        digest = make_digest(self.stories)
        if self.mention_text:
            digest.stories[0].sentences[0].text = self.mention_text
        return digest

    async def summarize(self, urls: Sequence[str]) -> Digest:
        self.calls.append(("summarize", tuple(urls)))
        good = [u for u in urls if "broken" not in u]
        failures = [InputFailure(u, "HTTP 404") for u in urls if "broken" in u]
        if not good:
            return Digest(stories=[], failures=failures)
        story = make_story(1, sources=len(good))
        story.sources = [
            dataclasses.replace(s, url=u) for s, u in zip(story.sources, good, strict=True)
        ]
        return Digest(stories=[story], failures=failures)

    async def answer(
        self, question: str, key: int, sources: Sequence[Source], history: Sequence[Turn]
    ) -> Answer:
        self.calls.append(("answer", question, key, len(history)))
        if not question.strip():
            raise InputError("question", "empty question")
        if "unknowable" in question:
            return Answer("", [], False)
        cited = sources[-1]
        return Answer(f"It reopened on Monday, says {cited.outlet} [{cited.id}].", [cited.id], True)

    async def check_feed(self, url: str) -> FeedInfo:
        self.calls.append(("check_feed", url))
        if "notafeed" in url:
            raise FeedError(url, "not an RSS or Atom feed")
        return FeedInfo(url=url, title="Example Feed", items=3)

    async def warm_up(self) -> None:
        return None

    async def close(self) -> None:
        return None


class Harness:
    """Starts and restarts the real bot against the loopback server, one storage file."""

    def __init__(self, server: FakeDiscord, db_path: str, service: FakeService) -> None:
        self.server = server
        self.db_path = db_path
        self.service = service
        self.clock_offset = timedelta(0)
        self.tick_seconds: float | None = 0.5
        self.bot: DigestBot | None = None
        self.storage: Storage | None = None
        self._task: asyncio.Task | None = None
        self.settings = Settings(
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
        self.bot = DigestBot(
            self.settings,
            self.storage,
            self.service,
            clock=self.now,
            tick_seconds=self.tick_seconds,
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
