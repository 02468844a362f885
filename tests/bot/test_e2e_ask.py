"""/ask and thread mentions end to end."""

from __future__ import annotations

from .test_e2e_digest import wait_stored


async def post_digest(harness, server, channel):
    record = await harness.invoke("digest", channel_id=channel)
    return record, await wait_stored(harness, channel)


async def test_ask_without_a_digest_says_how_to_get_one(harness, server):
    """No digest in the channel: a plain hint, no model call."""
    channel = server.text_channels()[2]
    record = await harness.invoke("ask", {"question": "What happened?"}, channel_id=channel)
    assert record.callbacks[0]["type"] == 5
    assert "run /digest first" in record.messages[0]["content"]
    assert not any(c[0] == "answer" for c in harness.service.calls)


async def test_ask_in_channel_names_sources_with_title_and_url(harness, server):
    """/ask answers about the latest digest, naming each cited source by title and URL."""
    channel = server.text_channels()[0]
    await post_digest(harness, server, channel)
    record = await harness.invoke("ask", {"question": "When did it reopen?"}, channel_id=channel)
    await server.wait_for(lambda: record.finished)
    content = record.messages[0]["content"]
    assert "It reopened on Monday" in content and "[4]" in content
    assert "[4] Story 2 report 2 (Outlet 2) <https://news2.example/story-2>" in content


async def test_ask_in_thread_uses_that_digest_and_keeps_history(harness, server):
    """Inside a digest's thread, /ask answers about that digest and carries earlier turns."""
    channel = server.text_channels()[0]
    _, first = await post_digest(harness, server, channel)
    await post_digest(harness, server, channel)  # a newer digest in the channel
    thread = first.thread_id
    await harness.invoke("ask", {"question": "What reopened?"}, channel_id=thread)
    record = await harness.invoke("ask", {"question": "And when?"}, channel_id=thread)
    await server.wait_for(lambda: record.finished)
    answers = [c for c in harness.service.calls if c[0] == "answer"]
    assert answers[0][2] == first.id and answers[1][2] == first.id
    assert [a[3] for a in answers] == [0, 1]  # the second question sees the first turn


async def test_unanswerable_question_says_the_sources_dont_tell(harness, server):
    """When the sources don't tell, the reply says so plainly."""
    channel = server.text_channels()[0]
    await post_digest(harness, server, channel)
    record = await harness.invoke("ask", {"question": "Something unknowable?"}, channel_id=channel)
    await server.wait_for(lambda: record.finished)
    assert "don't say" in record.messages[0]["content"]


async def test_mention_in_thread_is_answered_with_sources(harness, server):
    """Mentioning the bot in a digest's thread gets a cited reply there, pinging no one."""
    channel = server.text_channels()[0]
    _, posted = await post_digest(harness, server, channel)
    server.user_says(posted.thread_id, "when did the bridge reopen?")
    reply = await server.wait_for(
        lambda: [m for m in server.channel_messages(posted.thread_id) if m["author"].get("bot")]
    )
    assert "It reopened on Monday" in reply[0]["content"]
    assert "<https://news2.example/story-2>" in reply[0]["content"]
    assert reply[0]["message_reference"]["message_id"]
    assert ("answer", "when did the bridge reopen?", posted.digest_id, 0) in harness.service.calls


async def test_mention_outside_a_digest_thread_is_ignored(harness, server):
    """A mention in an ordinary channel gets no reply."""
    import asyncio

    channel = server.text_channels()[1]
    server.user_says(channel, "hello?")
    await asyncio.sleep(0.3)
    assert [m for m in server.channel_messages(channel) if m["author"].get("bot")] == []


async def test_ask_after_restart_uses_stored_source_texts(harness, server):
    """After a restart, /ask still answers from the digest's stored sources."""
    channel = server.text_channels()[0]
    await post_digest(harness, server, channel)
    await harness.restart()
    record = await harness.invoke("ask", {"question": "When did it reopen?"}, channel_id=channel)
    await server.wait_for(lambda: record.finished)
    assert "<https://news2.example/story-2>" in record.messages[0]["content"]


async def test_question_length_is_the_qa_layers_limit(harness, server):
    """A 700-character mention is answered (the QA layer allows 1,000); a longer one is refused
    with that limit; /ask declares the same maximum to Discord."""
    from summarizer.qa import MAX_QUESTION_CHARS

    channel = server.text_channels()[0]
    _, posted = await post_digest(harness, server, channel)

    def replies():
        return [m for m in server.channel_messages(posted.thread_id) if m["author"].get("bot")]

    server.user_says(posted.thread_id, "when did it reopen " + "really " * 100 + "?")
    first = await server.wait_for(replies)
    assert "It reopened on Monday" in first[0]["content"]
    server.user_says(posted.thread_id, "why " * (MAX_QUESTION_CHARS // 4 + 1))
    both = await server.wait_for(lambda: len(replies()) >= 2 and replies())
    assert f"{MAX_QUESTION_CHARS:,}" in both[1]["content"]
    (ask,) = [c for c in server.commands if c["name"] == "ask"]
    (option,) = ask["options"]
    assert option["max_length"] == MAX_QUESTION_CHARS
