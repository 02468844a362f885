"""/subscribe, /unsubscribe and /feeds end to end: permissions, validation, storage."""

from __future__ import annotations

from datetime import time

import pytest

from bot.testing.fakediscord import MEMBER_PERMISSIONS


def command(server, name):
    return next(c for c in server.commands if c["name"] == name)


async def test_commands_are_global_with_manage_channels_defaults(harness, server):
    """Every command is synced globally; subscribe/unsubscribe default to Manage Channels."""
    names = sorted(c["name"] for c in server.commands)
    assert names == [
        "ask",
        "digest",
        "feeds",
        "story",
        "subscribe",
        "subscriptions",
        "summarize",
        "unsubscribe",
    ]
    assert str(command(server, "subscribe")["default_member_permissions"]) == "16"
    assert str(command(server, "unsubscribe")["default_member_permissions"]) == "16"
    assert command(server, "digest")["default_member_permissions"] is None
    assert command(server, "story")["default_member_permissions"] is None  # everyone
    subs = {o["name"] for o in command(server, "feeds")["options"]}
    assert subs == {"add", "remove", "list"}
    for cmd in server.commands:
        assert cmd["description"]
        for option in cmd.get("options", []):
            assert option["description"], (cmd["name"], option["name"])


async def test_subscribe_is_stored_before_the_acknowledgement(harness, server):
    """The subscription is in the database by the time the reply exists."""
    channel = server.text_channels()[0]
    seen = {}

    async def check_at_reply():
        await server.wait_for(lambda: record.original)
        seen["sub"] = await harness.storage.subscription(channel)

    record = server.interact(
        "subscribe", {"time": "07:45", "timezone": "Europe/Paris"}, channel_id=channel
    )
    await check_at_reply()
    assert seen["sub"] is not None and seen["sub"].local_time == time(7, 45)
    assert seen["sub"].tz == "Europe/Paris" and seen["sub"].guild_id == server.guild_id
    assert "every day at 07:45 (Europe/Paris)" in record.original["content"]
    assert not record.ephemeral


@pytest.mark.parametrize("name", ["subscribe", "unsubscribe"])
async def test_subscription_commands_refuse_without_manage_channels(harness, server, name):
    """Without Manage Channels: an ephemeral refusal, and nothing changes."""
    channel = server.text_channels()[0]
    await harness.storage.subscribe(channel, server.guild_id, time(6, 0), "UTC", now=harness.now())
    options = {"time": "08:00", "timezone": "Asia/Tokyo"} if name == "subscribe" else None
    record = await harness.invoke(name, options, channel_id=channel, permissions=MEMBER_PERMISSIONS)
    assert record.ephemeral and "Manage Channels" in record.original["content"]
    sub = await harness.storage.subscription(channel)
    assert sub is not None and sub.tz == "UTC" and sub.local_time == time(6, 0)


@pytest.mark.parametrize(
    ("time_text", "zone", "expected"),
    [("25:00", "UTC", "not a 24-hour HH:MM"), ("08:00", "Mars/Olympus", "not an IANA time zone")],
)
async def test_subscribe_rejects_bad_values(harness, server, time_text, zone, expected):
    """A bad time or zone: an ephemeral explanation, nothing stored."""
    channel = server.text_channels()[0]
    record = await harness.invoke(
        "subscribe", {"time": time_text, "timezone": zone}, channel_id=channel
    )
    assert record.ephemeral and expected in record.original["content"]
    assert await harness.storage.subscription(channel) is None


async def test_timezone_autocomplete(harness, server):
    """Typing "paris" offers Europe/Paris; at most 25 choices."""
    channel = server.text_channels()[0]
    record = server.interact(
        "subscribe",
        {"time": "08:00", "timezone": "paris"},
        channel_id=channel,
        autocomplete="timezone",
    )
    await server.wait_for(lambda: record.choices is not None)
    assert record.choices[0] == {"name": "Europe/Paris", "value": "Europe/Paris"}
    record = server.interact(
        "subscribe",
        {"time": "08:00", "timezone": "a"},
        channel_id=channel,
        autocomplete="timezone",
    )
    await server.wait_for(lambda: record.choices is not None)
    assert len(record.choices) == 25


async def test_unsubscribe_ends_this_channels_subscription_only(harness, server):
    """/unsubscribe in one channel leaves another channel's subscription alone."""
    a, b = server.text_channels()[:2]
    for channel in (a, b):
        await harness.invoke("subscribe", {"time": "09:00", "timezone": "UTC"}, channel_id=channel)
    record = await harness.invoke("unsubscribe", channel_id=a)
    assert "Unsubscribed" in record.original["content"]
    assert await harness.storage.subscription(a) is None
    assert await harness.storage.subscription(b) is not None
    record = await harness.invoke("unsubscribe", channel_id=a)
    assert "no daily digest" in record.original["content"]


async def test_feeds_add_checks_the_feed_then_lists_and_removes(harness, server, service):
    """A feed is validated before it is stored; list shows it; remove drops it."""
    channel = server.text_channels()[0]
    record = await harness.invoke(
        "feeds", {"url": "https://feeds.example/world.xml"}, channel_id=channel, subcommand="add"
    )
    assert ("check_feed", "https://feeds.example/world.xml") in service.calls
    assert "Added **Example Feed**" in record.messages[0]["content"]
    assert await harness.storage.feeds(channel) == [
        ("https://feeds.example/world.xml", "Example Feed")
    ]
    record = await harness.invoke("feeds", channel_id=channel, subcommand="list")
    assert "Example Feed — <https://feeds.example/world.xml>" in record.original["content"]
    record = await harness.invoke(
        "feeds",
        {"url": "https://feeds.example/world.xml"},
        channel_id=channel,
        subcommand="remove",
    )
    assert "Removed" in record.original["content"] and "default feeds" in record.original["content"]
    assert await harness.storage.feeds(channel) == []


async def test_feeds_add_refuses_a_page_that_is_not_a_feed(harness, server):
    """An unparseable feed is refused with the reason and not stored."""
    channel = server.text_channels()[0]
    record = await harness.invoke(
        "feeds", {"url": "https://example.org/notafeed"}, channel_id=channel, subcommand="add"
    )
    assert "not an RSS or Atom feed" in record.messages[0]["content"]
    assert await harness.storage.feeds(channel) == []


async def test_feeds_add_needs_manage_channels_but_list_does_not(harness, server, service):
    """Add is refused ephemerally without the permission; list works for everyone."""
    channel = server.text_channels()[0]
    record = await harness.invoke(
        "feeds",
        {"url": "https://feeds.example/x.xml"},
        channel_id=channel,
        subcommand="add",
        permissions=MEMBER_PERMISSIONS,
    )
    assert record.ephemeral and "Manage Channels" in record.original["content"]
    assert not any(c[0] == "check_feed" for c in service.calls)
    record = await harness.invoke(
        "feeds", channel_id=channel, subcommand="list", permissions=MEMBER_PERMISSIONS
    )
    assert "default feeds" in record.original["content"]
    assert "<https://default.example/rss>" in record.original["content"]
