"""The console takes filters as Discord does: /digest, /subscribe, /subscriptions, /tick."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from bot.console import CONSOLE_CHANNEL, Console
from bot.settings import BotSettings
from bot.storage import Storage
from bot.testing.fakeservice import FakeService
from summarizer.config import SourcesSettings
from summarizer.filters import parse_filter

# Fictional headlines; each story has two outlets (the fake summarizer's shape).
HEADLINES = (
    "Wildfire crews hold the line near Tarrow Ridge",
    "Celebrity chef opens a bistro on Brindle Street",
    "Climate panel meets in Osterby",
)


async def run_console(tmp_path, lines):
    settings = BotSettings(sources=SourcesSettings(feeds=("https://default.example/rss",)))
    storage = await Storage.open(tmp_path / "c.sqlite3")
    service = FakeService(stories=3, headlines=HEADLINES)
    out = io.StringIO()
    console = Console(
        settings,
        storage,
        service,
        stdin=io.StringIO("\n".join([*lines, "/quit"]) + "\n"),
        stdout=out,
        clock=lambda: datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
    )
    await console.run()
    return out.getvalue(), storage, service


async def test_console_digest_with_filters(tmp_path):
    """/digest include: and exclude: print only the matching stories and count the rest."""
    text, storage, _ = await run_console(
        tmp_path,
        [
            '/digest include:"climate, wildfire, chef" exclude:celebrity',
            "/digest min_outlets:3",
        ],
    )
    assert HEADLINES[0] in text and HEADLINES[2] in text and HEADLINES[1] not in text
    assert "note: the filters left out 1 of the stories" in text
    assert "note: no stories: no story matched the filters (3 left out)" in text
    assert (await storage.latest_post(CONSOLE_CHANNEL)).digest.filtered_out == 3
    await storage.close()


async def test_console_subscription_filters_apply_at_tick(tmp_path):
    """/subscribe with filters, /subscriptions edit, then /tick posts only what they keep."""
    text, storage, service = await run_console(
        tmp_path,
        [
            "/subscribe 08:30 UTC include:wildfire min_outlets:2",
            "/subscriptions",
            # As in a shell: the option's value in double quotes, a phrase inside in single ones.
            "/subscriptions edit include:'\"climate panel\"' exclude:none",
            "/tick",
        ],
    )
    assert "Filters: include: wildfire · at least 2 outlets." in text
    assert 'Filters: include: "climate panel" · at least 2 outlets.' in text
    sub = await storage.subscription(CONSOLE_CHANNEL)
    assert sub.story_filter == parse_filter(include='"climate panel"', min_outlets=2)
    daily = text.split("Daily digest for", 1)[1]
    assert HEADLINES[2] in daily and HEADLINES[0] not in daily and HEADLINES[1] not in daily
    assert sum(1 for c in service.calls if c[0] == "digest") == 1
    await storage.close()


async def test_console_bad_filter_changes_nothing(tmp_path):
    """A bad filter is one error line naming it; the subscription stays as it was."""
    text, storage, service = await run_console(
        tmp_path,
        [
            "/subscribe 08:30 UTC include:wildfire",
            "/subscriptions edit include_regex:(flood",
            "/digest include:'\"sea level'",
            "/subscribe 09:00 UTC exclude:'chef \"'",
        ],
    )
    assert "error: include_regex: '(flood' is not a valid regular expression" in text
    assert "error: include: unbalanced quote" in text
    assert "error: exclude: unbalanced quote" in text
    sub = await storage.subscription(CONSOLE_CHANNEL)
    assert sub.story_filter == parse_filter(include="wildfire") and sub.local_time.hour == 8
    assert not any(c[0] == "digest" for c in service.calls)
    await storage.close()
