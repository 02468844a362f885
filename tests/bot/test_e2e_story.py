"""Story tracking end to end: the real summarizer on the fictional three-day flood story.

Day 1 is posted as it is; day 2's Tessary story continues it and is posted as an update (its
mark, a link to day 1's message, what is new and what changed), the Brennock flood of the same
day is a story of its own, and /story in the thread shows the timeline.
"""

from __future__ import annotations

import asyncio
import gc
import re
from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.actions import track_post
from bot.render import jump_url
from bot.service import PipelineService
from bot.storage import Storage

from .conftest import Harness

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "track"
WAIT_S = 240.0  # the real pipeline on 2 shared cores


@pytest.fixture
async def real_harness(server, tmp_path):
    h = Harness(server, str(tmp_path / "bot.sqlite3"), None)
    h.service = PipelineService(h.settings)
    yield h
    await h.stop()
    await h.service.close()
    gc.unfreeze()  # warm-up froze the models' objects; the rest of the session collects as usual
    assert server.violations == []


async def use_day(storage, channel, day, now):
    """The channel's feeds become that day's fictional articles (files, read as articles)."""
    for url, _ in await storage.feeds(channel):
        await storage.remove_feed(channel, url)
    for path in sorted(FIXTURES.glob(f"{day}-*.md")):
        await storage.add_feed(channel, str(path), now=now)


async def wait_sent(harness, channel, day):
    for _ in range(int(WAIT_S / 0.25)):
        row = await harness.storage.delivery(channel, day)
        if row is not None and row.state == "sent":
            return row
        await asyncio.sleep(0.25)
    raise AssertionError(f"not sent: {row}")


def embeds_of(server, channel, first_id):
    """The embeds of the daily digest whose first message is `first_id`, with their message."""
    messages = server.channel_messages(channel)
    start = next(n for n, m in enumerate(messages) if int(m["id"]) == first_id)
    out = []
    for message in messages[start:]:
        if message is not messages[start] and not message["content"].startswith("**Daily"):
            break
        out += [(int(message["id"]), e) for e in message.get("embeds", [])]
    return out


@pytest.mark.models
async def test_three_day_story_is_posted_as_updates_with_a_timeline(real_harness, server):
    """Day 1 posted; day 2 an update linking day 1, new facts and the changed toll; /story."""
    harness = real_harness
    channel, other = server.text_channels()[:2]
    harness.storage = await Storage.open(harness.db_path)
    now = harness.now()
    at = now - timedelta(minutes=30)
    for chan in (channel, other):
        await harness.storage.subscribe(
            chan, server.guild_id, time(at.hour, at.minute), "UTC", now=now - timedelta(days=1)
        )
    await use_day(harness.storage, channel, "day1", now)
    await use_day(harness.storage, other, "day2", now)  # sees day 2 first: nothing to continue
    await harness.storage.close()
    await harness.start()

    day1 = at.date()
    first = await wait_sent(harness, channel, day1)
    (told_day1,) = [
        (mid, e) for mid, e in embeds_of(server, channel, first.message_id) if "Tessary" in str(e)
    ]
    assert not told_day1[1]["title"].startswith("Update")
    other_row = await wait_sent(harness, other, day1)
    assert not any(
        e["title"].startswith("Update") for _, e in embeds_of(server, other, other_row.message_id)
    )

    # The next day: the clock moves on a day and the channel's feeds carry day 2's articles.
    await use_day(harness.storage, channel, "day2", harness.now())
    harness.clock_offset += timedelta(days=1)
    second = await wait_sent(harness, channel, day1 + timedelta(days=1))
    embeds = embeds_of(server, channel, second.message_id)
    (update,) = [e for _, e in embeds if e["title"].startswith("Update, day 2: ")]
    text = update["description"]
    link = f"https://discord.com/channels/{server.guild_id}/{channel}/{told_day1[0]}"
    assert f"[Earlier post, 6 May]({link})" in text
    assert "**New since 6 May:**" in text
    # The toll changed: told once, on the sentence that gives the new figure.
    assert re.search(r"19 people[^\n]*up from at least 12 on 6 May", text), text
    assert "19" in text
    background = [line for line in text.splitlines() if line.startswith("Background: ")]
    assert len(background) == 1
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    listed = {
        int(n) for f in update["fields"] for n in re.findall(r"^\[(\d+)\] ", f["value"], re.M)
    }
    assert cited and cited <= listed  # every [n] resolves in the embed that shows it
    # The Brennock flood the same day is another story: told in full, no update.
    brennock = [e for _, e in embeds if "Brennock" in str(e)]
    assert brennock and not any(e["title"].startswith("Update") for e in brennock)

    # /story in the day-2 thread: the Tessary story's two days, each with its new facts.
    posted = await harness.storage.post(second.post_id)
    tellings = await harness.storage.tellings(posted.id)
    (tracked,) = [t for t in tellings if t.continues is not None]
    record = await harness.invoke(
        "story", {"story": str(tracked.position + 1)}, channel_id=posted.thread_id
    )
    assert not record.ephemeral
    assert record.original["content"].startswith("**Timeline**")
    days = [e for m in record.messages for e in m["embeds"]]
    assert [e["title"][:14] for e in days] == ["Day 1 · 6 May:", "Day 2 · 7 May:"]
    assert "12" in days[0]["description"] and "19" in days[1]["description"]
    assert f"[Posted here]({link})" in days[0]["description"]
    for day in days:
        assert re.search(r"^\[\d+\] ", day["fields"][0]["value"], re.M)  # its own sources


async def test_a_resumed_update_is_the_update_recorded_and_nothing_new_is_one_line(harness, server):
    """Crash after the intent of day 2: the restart sends the recorded update, untracked again."""
    channel = server.text_channels()[0]
    now = harness.now()
    at = now - timedelta(minutes=30)
    await harness.storage.subscribe(
        channel, server.guild_id, time(at.hour, at.minute), "UTC", now=now - timedelta(days=1)
    )
    first = await wait_sent(harness, channel, at.date())
    await harness.stop()

    # Day 2, as a crash right after the intent leaves it: the post, its tellings, the intent.
    harness.clock_offset += timedelta(days=1)
    day2 = at.date() + timedelta(days=1)
    harness.service.mention_text = "Story 1 now says the bridge reopened on Friday."
    digest = await harness.service.digest(["https://default.example/rss"])
    storage = await Storage.open(harness.db_path)
    now = harness.now()
    digest_id = await storage.add_digest(digest, now=now)
    post_id = await storage.add_post(channel, server.guild_id, digest_id, now=now)
    await track_post(
        storage, harness.service, post_id, channel, digest_id, digest, shown=None, now=now
    )
    await storage.record_intent(channel, day2, post_id, now=now)
    await storage.close()
    calls = len(harness.service.calls)

    await harness.start()
    second = await wait_sent(harness, channel, day2)
    assert second.post_id == post_id
    assert harness.service.calls[calls:] == []  # neither digested nor tracked again
    embeds = [e for _, e in embeds_of(server, channel, second.message_id)]
    update, quiet = embeds
    assert update["title"] == "Update, day 2: Headline of story 1"
    link = jump_url(server.guild_id, channel, first.message_id)
    since = f"{first.updated_at.day} {first.updated_at:%B}"
    assert update["description"].splitlines()[:3] == [
        f"[Earlier post, {since}]({link})",
        f"**New since {since}:**",
        "Story 1 now says the bridge reopened on Friday. [1] · 1 outlet",
    ]
    assert update["description"].splitlines()[3].startswith("Background: Story 1 sentence 2")
    assert quiet["title"] == "Continuing, nothing new"
    assert quiet["description"] == (
        f"• Update, day 2: Headline of story 2 · nothing new since {since} · [earlier post]({link})"
    )
    # Each story's message is recorded: tomorrow's updates link there.
    tellings = await harness.storage.tellings(post_id)
    assert [t.message_id for t in tellings] == [second.message_id] * 2
