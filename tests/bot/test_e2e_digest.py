"""/digest and /summarize end to end: the real discord.py client against the loopback server."""

from __future__ import annotations

import asyncio


async def wait_stored(harness, channel, *, messages=1):
    """The channel's latest digest once the bot has recorded its messages and thread."""
    for _ in range(100):
        stored = await harness.storage.latest_digest(channel)
        if stored is not None and stored.thread_id and len(stored.message_ids) >= messages:
            return stored
        await asyncio.sleep(0.05)
    raise AssertionError("digest not stored")


async def test_digest_defers_then_posts_embeds_and_a_thread(harness, server):
    """/digest defers (type 5), edits in one embed per story, opens a thread and stores it."""
    channel = server.text_channels()[0]
    record = await harness.invoke("digest", channel_id=channel)
    assert record.callbacks[0]["type"] == 5
    assert record.callback_times[0] < 3.0
    first = record.original
    assert first["content"].startswith("**Digest** · 2 stories from 4 sources")
    assert [e["title"] for e in first["embeds"]] == ["Headline of story 1", "Headline of story 2"]
    assert "[1](https://" not in first["embeds"][0]["description"]
    assert "[1] [Story 1 report 1](https://news1.example/story-1)" in first["embeds"][0]["fields"][0]["value"]
    assert first["embeds"][0]["footer"]["text"] == "2 outlets · 2 sources"
    thread = await server.wait_for(lambda: server.channels.get(int(first["id"])))
    assert thread["type"] == 11 and thread["parent_id"] == str(channel)
    stored = await wait_stored(harness, channel)
    assert stored.thread_id == int(first["id"]) and stored.message_ids == [int(first["id"])]
    assert harness.service.calls[0] == ("digest", ("https://default.example/rss",))
