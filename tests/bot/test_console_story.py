"""The console tells the daily digest's continuing stories as updates at /tick, and /story."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from bot.console import Console
from bot.settings import BotSettings
from bot.storage import Storage
from bot.testing.fakeservice import FakeService
from summarizer.config import SourcesSettings

NEWS = "Story 1 now says the bridge reopened on Friday."


class TwoDays(FakeService):
    """The same two stories each day; from the second day on, story 1 has a new fact."""

    async def digest(self, feeds):
        if any(call[0] == "digest" for call in self.calls):
            self.mention_text = NEWS
        return await super().digest(feeds)


async def test_console_tick_posts_updates_and_story_shows_the_timeline(tmp_path):
    """Day 2 at /tick: story 1 an update with what is new, story 2 one line; /story: both days."""
    settings = BotSettings(sources=SourcesSettings(feeds=("https://default.example/rss",)))
    storage = await Storage.open(tmp_path / "c.sqlite3")
    out = io.StringIO()
    lines = ["/subscribe 07:00 UTC", "/tick", "/tick", "/story 1", "/story headline 2", "/story 9"]
    console = Console(
        settings,
        storage,
        TwoDays(),
        stdin=io.StringIO("\n".join([*lines, "/quit"]) + "\n"),
        stdout=out,
        clock=lambda: datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
    )
    try:
        await console.run()
    finally:
        await storage.close()
    text = out.getvalue()
    first, second = text.split("Daily digest for ")[1:3]
    assert "Update" not in first and "Headline of story 1\n" in first
    update = second.split("\n\n")[1]
    assert update.splitlines()[:4] == [
        "Update, day 2: Headline of story 1",
        "==================================",
        "New since 2 March:",
        f"• {NEWS} [1] · 1 outlet",
    ]
    assert "Update, day 2: Headline of story 2 · nothing new since 2 March" in second
    timeline = text.split("Daily digest for ")[2].split("\n> ", 1)[1]
    assert "Day 1 · 2 March\n• Story 1 sentence 1 says something plain. [1]" in timeline
    assert f"Day 2 · 3 March\n• {NEWS} [1] · 1 outlet" in timeline
    assert "Headline of story 2\n===================\n\nDay 1 · 2 March" in timeline
    assert "error: story: give a number from 1 to 2" in text
