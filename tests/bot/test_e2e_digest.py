"""/digest and /summarize end to end: the real discord.py client against the loopback server."""

from __future__ import annotations

import asyncio
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def wait_stored(harness, channel, *, messages=1):
    """The channel's latest digest once the bot has recorded its messages and thread."""
    for _ in range(100):
        stored = await harness.storage.latest_post(channel)
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
    assert (
        "[1] [Story 1 report 1](https://news1.example/story-1)"
        in first["embeds"][0]["fields"][0]["value"]
    )
    assert first["embeds"][0]["footer"]["text"] == "2 outlets · 2 sources"
    thread = await server.wait_for(lambda: server.channels.get(int(first["id"])))
    assert thread["type"] == 11 and thread["parent_id"] == str(channel)
    stored = await wait_stored(harness, channel)
    assert stored.thread_id == int(first["id"]) and stored.message_ids == [int(first["id"])]
    assert harness.service.calls[0] == ("digest", ("https://default.example/rss",))


async def test_long_digest_splits_over_messages_within_limits(harness, server, service):
    """Fourteen long stories: several messages, each within limits, citations resolving."""
    import re

    service.stories = 14
    channel = server.text_channels()[0]
    record = await harness.invoke("digest", channel_id=channel)
    await wait_stored(harness, channel, messages=2)
    messages = record.messages
    assert len(messages) >= 2 and not any(m["flags"] & 64 for m in messages)
    titles = [e["title"] for m in messages for e in m["embeds"]]
    assert titles == [f"Headline of story {n}" for n in range(1, 15)]
    for message in messages:
        assert len(message["embeds"]) <= 10
        for embed in message["embeds"]:
            cited = set(re.findall(r"\[(\d+)\]", embed["description"]))
            listed = set(re.findall(r"^\[(\d+)\] ", embed["fields"][0]["value"], re.M))
            assert cited <= listed


async def test_mentions_in_article_text_ping_nobody(harness, server, service):
    """Article text with @everyone and a user mention goes out with allowed_mentions none."""
    service.mention_text = "Officials told @everyone and <@123456789012345678> to leave."
    channel = server.text_channels()[0]
    record = await harness.invoke("digest", channel_id=channel)
    assert "@everyone" in record.original["embeds"][0]["description"]
    # The harness asserts server.violations == [] (allowed_mentions.parse == [] everywhere).


async def test_digest_uses_the_channels_own_feeds(harness, server, service):
    """A channel with feeds added digests those, not the defaults."""
    channel = server.text_channels()[1]
    await harness.storage.add_feed(channel, "https://mine.example/rss", now=harness.now())
    await harness.invoke("digest", channel_id=channel)
    assert ("digest", ("https://mine.example/rss",)) in service.calls


async def test_digest_failure_is_reported_and_logged(harness, server, service, caplog):
    """A pipeline crash edits the deferred reply into a generic message and logs a traceback."""
    service.fail_digest = True
    channel = server.text_channels()[0]
    record = await harness.invoke("digest", channel_id=channel)
    assert "went wrong" in record.original["content"]
    assert any(r.exc_info for r in caplog.records if r.name == "bot.exts.error_handler")


async def test_summarize_fuses_given_urls(harness, server, service):
    """/summarize posts one story whose sources are the given URLs; failures are named."""
    channel = server.text_channels()[0]
    urls = "https://a.example/one https://b.example/two https://c.example/broken"
    record = await harness.invoke("summarize", {"urls": urls}, channel_id=channel)
    original = record.original
    assert original["content"].startswith("**Summary** · 1 story from 2 sources")
    assert "https://c.example/broken: HTTP 404" in original["content"]
    assert len(original["embeds"]) == 1
    assert "https://b.example/two" in original["embeds"][0]["fields"][0]["value"]
    assert service.calls[-1] == ("summarize", tuple(urls.split()[:3]))


async def test_summarize_refuses_non_urls_ephemerally(harness, server, service):
    """A non-URL gets an ephemeral refusal without any work."""
    channel = server.text_channels()[0]
    record = await harness.invoke("summarize", {"urls": "hello world"}, channel_id=channel)
    assert record.callbacks[0]["type"] == 4 and record.ephemeral
    assert "http(s) URLs" in record.original["content"]
    assert not any(c[0] == "summarize" for c in service.calls)


async def test_gateway_resume_uses_resume_gateway_url(harness, server):
    """A dropped gateway connection is resumed (op 6) at READY's resume_gateway_url."""
    await server.drop_connections()
    await server.wait_for(lambda: server.resumes >= 1, 15)
    channel = server.text_channels()[0]
    record = await harness.invoke("digest", channel_id=channel)
    assert record.original["embeds"]


async def test_summarize_in_discord_refuses_paths_on_the_host(harness, server, service):
    """A folder or file that exists on the bot's machine is no input from Discord."""
    examples = EXAMPLES
    channel = server.text_channels()[0]
    for given in (str(examples), str(examples / "valley-wire.md")):
        record = await harness.invoke("summarize", {"urls": given}, channel_id=channel)
        assert record.callbacks[0]["type"] == 4 and record.ephemeral
        assert "http(s) URLs" in record.original["content"]
        assert "files or folders" not in record.original["content"]
    assert not any(c[0] in ("summarize", "digest") for c in service.calls)
