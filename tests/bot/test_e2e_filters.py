"""Story filters end to end: /digest, /subscribe, /subscriptions and the daily post, per channel."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

import pytest

from bot.testing.fakediscord import MEMBER_PERMISSIONS
from bot.testing.fakeservice import FakeService
from summarizer.filters import StoryFilter, parse_filter

from .helpers import make_digest

# Fictional headlines; each story has two outlets (the fake summarizer's shape).
HEADLINES = (
    "Wildfire crews hold the line near Tarrow Ridge",
    "Celebrity chef opens a bistro on Brindle Street",
    "Climate panel meets in Osterby",
)


@pytest.fixture
def service():
    return FakeService(stories=3, headlines=HEADLINES)


def titles(messages):
    return [e["title"] for m in messages for e in m.get("embeds", [])]


def daily_messages(server, channel):
    return [
        m for m in server.channel_messages(channel) if m["content"].startswith("**Daily digest")
    ]


async def wait_sent(harness, channel, day):
    for _ in range(200):
        row = await harness.storage.delivery(channel, day)
        if row is not None and row.state == "sent":
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"not sent: {row}")


async def subscribe_due(harness, channel, story_filter=None):
    """A subscription whose time passed half an hour ago today (created yesterday)."""
    now = harness.now()
    at = now - timedelta(minutes=30)
    await harness.storage.subscribe(
        channel,
        harness.server.guild_id,
        time(at.hour, at.minute),
        "UTC",
        now=now - timedelta(days=1),
        story_filter=story_filter,
    )
    return at.date()


async def test_digest_posts_only_the_stories_its_filters_keep(harness, server):
    """/digest include/exclude: only matching stories are posted; the header counts the rest."""
    channel = server.text_channels()[0]
    record = await harness.invoke(
        "digest",
        {"include": "climate, wildfire, chef", "exclude": "celebrity"},
        channel_id=channel,
    )
    assert titles(record.messages) == [HEADLINES[0], HEADLINES[2]]
    assert "2 stories from 4 sources (1 left out by the filters)" in record.original["content"]
    for _ in range(100):  # the post's messages are recorded just after the reply is edited
        posted = await harness.storage.latest_post(channel)
        if posted is not None:
            break
        await asyncio.sleep(0.05)
    assert [s.headline for s in posted.digest.stories] == [HEADLINES[0], HEADLINES[2]]
    # Questions are answered from the stories shown: the last source is the third story's.
    asked = await harness.invoke("ask", {"question": "When did it open?"}, channel_id=channel)
    assert "[6]" in asked.original["content"]
    assert posted.qa_key == (posted.digest_id, 0, 2)


async def test_digest_filtered_to_nothing_says_so_in_one_line(harness, server):
    """A filter no story passes: one line says so; no embed, no thread."""
    channel = server.text_channels()[0]
    record = await harness.invoke("digest", {"min_outlets": 3}, channel_id=channel)
    assert record.original["embeds"] == []
    assert record.original["content"].splitlines() == [
        "**Digest**",
        "No story matched the filters (3 left out).",
    ]
    assert int(record.original["id"]) not in server.channels  # no thread for nothing


@pytest.mark.parametrize(
    ("name", "subcommand", "options", "words"),
    [
        ("digest", None, {"include": '"sea level, flood'}, "include: unbalanced quote"),
        ("digest", None, {"include_regex": "(flood"}, "not a valid regular expression"),
        (
            "subscribe",
            None,
            {"time": "09:00", "timezone": "Asia/Tokyo", "include_regex": "(a|aa)+$"},
            "include_regex: '(a|aa)+$' is too slow",
        ),
        ("subscriptions", "edit", {"exclude": 'chef "'}, "exclude: unbalanced quote"),
    ],
)
async def test_a_bad_filter_is_an_ephemeral_error_that_changes_nothing(
    harness, server, name, subcommand, options, words
):
    """An unbalanced quote, an invalid or too slow regex: ephemeral, named, nothing changed."""
    channel = server.text_channels()[0]
    kept = parse_filter(include="wildfire")
    await harness.storage.subscribe(
        channel, server.guild_id, time(6, 0), "UTC", now=harness.now(), story_filter=kept
    )
    record = await harness.invoke(name, options, channel_id=channel, subcommand=subcommand)
    assert record.ephemeral and words in record.original["content"]
    sub = await harness.storage.subscription(channel)
    assert sub.local_time == time(6, 0) and sub.tz == "UTC" and sub.story_filter == kept
    assert not any(c[0] == "digest" for c in harness.service.calls)
    assert server.channel_messages(channel) == []


async def test_subscribe_stores_filters_and_subscriptions_shows_and_edits_them(harness, server):
    """/subscribe sets filters; /subscriptions edit changes only what it is given; list shows."""
    channel = server.text_channels()[0]
    record = await harness.invoke(
        "subscribe",
        {
            "time": "07:30",
            "timezone": "Europe/Paris",
            "include": "climate, wildfire",
            "exclude": "celebrity",
            "min_outlets": 2,
        },
        channel_id=channel,
    )
    expected = "include: climate, wildfire · exclude: celebrity · at least 2 outlets"
    assert f"Filters: {expected}." in record.original["content"]
    sub = await harness.storage.subscription(channel)
    assert sub.story_filter == parse_filter(
        include="climate, wildfire", exclude="celebrity", min_outlets=2
    )
    # A new time alone keeps the filters.
    await harness.invoke("subscribe", {"time": "08:00", "timezone": "UTC"}, channel_id=channel)
    assert (await harness.storage.subscription(channel)).story_filter == sub.story_filter

    listed = await harness.invoke("subscriptions", channel_id=channel, subcommand="list")
    assert listed.ephemeral
    assert f"<#{channel}> · 08:00 (UTC)" in listed.original["content"]
    assert expected in listed.original["content"]

    edited = await harness.invoke(
        "subscriptions",
        {"include": '"sea level"', "exclude": "none", "include_regex": r"flood\w*"},
        channel_id=channel,
        subcommand="edit",
    )
    now = (await harness.storage.subscription(channel)).story_filter
    assert now == StoryFilter(include=("sea level",), include_regex=r"flood\w*", min_outlets=2)
    assert (
        'Filters: include: "sea level" · include_regex: flood\\w* · at least 2 outlets.'
        in (edited.original["content"])
    )


async def test_subscriptions_edit_needs_manage_channels_and_a_subscription(harness, server):
    """Without Manage Channels: refused; without a subscription: told to subscribe first."""
    first, second = server.text_channels()[:2]
    await harness.storage.subscribe(first, server.guild_id, time(6, 0), "UTC", now=harness.now())
    refused = await harness.invoke(
        "subscriptions",
        {"include": "wildfire"},
        channel_id=first,
        subcommand="edit",
        permissions=MEMBER_PERMISSIONS,
    )
    assert refused.ephemeral and "Manage Channels" in refused.original["content"]
    assert (await harness.storage.subscription(first)).story_filter == StoryFilter()
    missing = await harness.invoke(
        "subscriptions", {"include": "wildfire"}, channel_id=second, subcommand="edit"
    )
    assert missing.ephemeral and "/subscribe first" in missing.original["content"]
    assert await harness.storage.subscription(second) is None


async def test_daily_digest_is_built_once_and_filtered_per_channel(harness, server):
    """Three channels on one feed set: one digest built, each channel shown what it asked for."""
    wild, everything, nothing = server.text_channels()[:3]
    await harness.stop()  # all three due at once, not one per tick
    from bot.storage import Storage

    harness.storage = await Storage.open(harness.db_path)
    day = await subscribe_due(harness, wild, parse_filter(include="wildfire"))
    await subscribe_due(harness, everything)
    await subscribe_due(harness, nothing, parse_filter(exclude="crews, chef, panel"))
    await harness.storage.close()
    await harness.start()
    for channel in (wild, everything, nothing):
        await wait_sent(harness, channel, day)
    assert titles(daily_messages(server, wild)) == [HEADLINES[0]]
    assert titles(daily_messages(server, everything)) == list(HEADLINES)
    (empty,) = daily_messages(server, nothing)
    assert empty["embeds"] == [] and empty["content"].splitlines()[1:] == [
        "**Digest**",
        "No story matched the filters (3 left out).",
    ]
    assert sum(1 for c in harness.service.calls if c[0] == "digest") == 1
    assert await harness.storage.digest_count() == 1
    # One thread per posted digest with stories; none under the empty one.
    assert int(daily_messages(server, wild)[0]["id"]) in server.channels
    assert int(empty["id"]) not in server.channels
    await asyncio.sleep(1.2)  # later ticks: still exactly one each
    assert [len(daily_messages(server, c)) for c in (wild, everything, nothing)] == [1, 1, 1]


async def test_resumed_delivery_shows_the_stories_recorded_before_the_crash(harness, server):
    """Intent recorded with the stories kept, filters edited, bot restarted: the same post."""
    channel = server.text_channels()[0]
    await harness.stop()
    from bot.storage import Storage

    storage = await Storage.open(harness.db_path)
    now = harness.now()
    at = now - timedelta(minutes=30)
    await storage.subscribe(
        channel, server.guild_id, time(at.hour, at.minute), "UTC", now=now - timedelta(days=1)
    )
    digest_id = await storage.add_digest(make_digest(3), now=now)
    post_id = await storage.add_post(channel, server.guild_id, digest_id, now=now, shown=[1])
    await storage.record_intent(channel, at.date(), post_id, now=now)
    # The filters change after the intent: the post already says which stories it shows.
    await storage.set_filter(channel, parse_filter(include="nothing-matches-this"))
    await storage.close()

    await harness.start()
    row = await wait_sent(harness, channel, at.date())
    assert row.post_id == post_id
    assert titles(daily_messages(server, channel)) == ["Headline of story 2"]
    assert not any(c[0] == "digest" for c in harness.service.calls)
    await harness.restart()
    await asyncio.sleep(1.0)
    assert len(daily_messages(server, channel)) == 1
