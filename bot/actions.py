"""What a command does, whoever typed it: the Discord cogs and the console share these.

A cog reads its interaction, calls one of these and renders the result; the console does the
same from a line of text. Neither imports the other, and no cog imports another.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from summarizer.config import Settings
from summarizer.errors import InputError
from summarizer.filters import StoryFilter, parse_filter, shown_digest
from summarizer.models import Answer, Digest, Source

from .service import DigestService, FeedInfo
from .storage import PostedDigest, Storage, Telling

__all__ = [
    "FEED_URL_MAX_CHARS",
    "MAX_FEEDS_PER_CHANNEL",
    "MAX_INPUTS",
    "TRACK_DAYS",
    "add_feed",
    "answer_about",
    "channel_feeds",
    "earlier_tellings",
    "edit_filter",
    "feed_sets",
    "new_feed_url",
    "normalise_feed_url",
    "parse_inputs",
    "publish_digest",
    "question_sources",
    "shown_stories",
    "story_timeline",
    "told_digest",
    "track_post",
]

MAX_FEEDS_PER_CHANNEL = 20  # each digest fetches every feed; more is slow and rarely useful
FEED_URL_MAX_CHARS = 2000
MAX_INPUTS = 10  # per /summarize: one story, a handful of outlets
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
CLEAR = "none"  # a filter option set to this is cleared (Discord cannot send an empty option)
# A story not told in a channel for this long is a new story there when it comes back.
TRACK_DAYS = 7


async def channel_feeds(storage: Storage, settings: Settings, channel_id: int) -> list[str]:
    """The feeds a channel's digests are built from: its own, else the configured defaults."""
    own = [url for url, _ in await storage.feeds(channel_id)]
    return own or list(settings.sources.feeds)


async def feed_sets(
    storage: Storage, settings: Settings, channel_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """`channel_feeds` for many channels in one query, each as a sorted tuple (a set's key)."""
    own = await storage.feeds_by_channel(channel_ids)
    defaults = tuple(sorted(settings.sources.feeds))
    return {c: tuple(sorted(own[c])) if own.get(c) else defaults for c in channel_ids}


def normalise_feed_url(url: str) -> str:
    """A feed URL as stored.

    Raises:
        InputError: it is not an http(s) URL.

    """
    url = url.strip().strip("<>")
    if not url.lower().startswith(("http://", "https://")) or len(url) > FEED_URL_MAX_CHARS:
        raise InputError(url[:100] or "url", "a feed URL starts with http:// or https://")
    return url


async def new_feed_url(storage: Storage, channel_id: int, url: str) -> str:
    """The feed URL as stored, once it is known the channel may add it (no fetch yet).

    Raises:
        InputError: not an http(s) URL, already there, or one feed too many.

    """
    feed_url = normalise_feed_url(url)
    current = await storage.feeds(channel_id)
    if any(u == feed_url for u, _ in current):
        raise InputError(feed_url, "already one of this channel's feeds")
    if len(current) >= MAX_FEEDS_PER_CHANNEL:
        raise InputError(feed_url, f"a channel has at most {MAX_FEEDS_PER_CHANNEL} feeds")
    return feed_url


async def add_feed(
    storage: Storage, service: DigestService, channel_id: int, url: str, *, now: datetime
) -> FeedInfo:
    """Check a feed (fetched and parsed) and add it to the channel's feeds.

    Raises:
        InputError: as `new_feed_url`, or it is not a feed.

    """
    feed_url = await new_feed_url(storage, channel_id, url)
    info = await service.check_feed(feed_url)
    await storage.add_feed(channel_id, feed_url, title=info.title, now=now)
    return info


def parse_inputs(text: str, *, local_paths: bool = False) -> list[str]:
    """The inputs of a /summarize: http(s) URLs separated by spaces or commas.

    Args:
        text: what the user typed.
        local_paths: also accept files and folders on this machine. Only the console, run by
            the machine's owner, may; in Discord a path would read the host's files.

    Raises:
        InputError: nothing given, too many, or one that is neither.

    """
    wanted = list(dict.fromkeys(u.strip("<>") for u in re.split(r"[\s,]+", text) if u))
    bad = [u for u in wanted if not _URL.match(u) and not (local_paths and Path(u).exists())]
    if not wanted or bad:
        shown = ", ".join(bad[:3]) if bad else "nothing"
        what = "http(s) URLs, files or folders" if local_paths else "http(s) URLs"
        raise InputError("urls", f"give {what} separated by spaces (got {shown})")
    if len(wanted) > MAX_INPUTS:
        raise InputError("urls", f"at most {MAX_INPUTS} at a time")
    return wanted


def edit_filter(
    current: StoryFilter,
    *,
    include: str | None = None,
    exclude: str | None = None,
    include_regex: str | None = None,
    min_outlets: int | None = None,
) -> StoryFilter:
    """A filter with the options given replaced; options not given keep their value.

    A text option set to `none` is cleared; `min_outlets` 1 counts every story.

    Raises:
        FilterError: a given option is bad (nothing is changed).

    """

    def text(value: str | None) -> str | None:
        return None if value is None or value.strip().casefold() == CLEAR else value

    given = parse_filter(
        include=text(include),
        exclude=text(exclude),
        include_regex=text(include_regex),
        min_outlets=min_outlets,
    )
    return StoryFilter(
        include=current.include if include is None else given.include,
        exclude=current.exclude if exclude is None else given.exclude,
        include_regex=current.include_regex if include_regex is None else given.include_regex,
        min_outlets=current.min_outlets if min_outlets is None else given.min_outlets,
    )


async def shown_stories(story_filter: StoryFilter | None, digest: Digest) -> list[int] | None:
    """Indices of the digest's stories a filter keeps; None without a filter (every story)."""
    if story_filter is None or not story_filter.active:
        return None
    # A pattern may take up to its time limit on each story: off the event loop.
    return await asyncio.to_thread(story_filter.kept, digest.stories)


async def publish_digest(
    storage: Storage,
    channel_id: int,
    guild_id: int | None,
    digest: Digest,
    *,
    now: datetime,
    story_filter: StoryFilter | None = None,
) -> tuple[int, Digest]:
    """Store a digest and a post of it in the channel (before sending: /ask finds it at once).

    Args:
        storage: the bot's state.
        channel_id: where it is posted.
        guild_id: the channel's server.
        digest: the digest, stored whole.
        now: the current aware time.
        story_filter: the stories this post shows (None: every one).

    Returns:
        The post's id, and the digest as the post shows it (the stories the filter kept).

    """
    shown = await shown_stories(story_filter, digest)
    digest_id = await storage.add_digest(digest, now=now)
    post_id = await storage.add_post(channel_id, guild_id, digest_id, now=now, shown=shown)
    return post_id, shown_digest(digest, shown)


async def track_post(
    storage: Storage,
    service: DigestService,
    post_id: int,
    channel_id: int,
    digest_id: int,
    digest: Digest,
    *,
    shown: Sequence[int] | None,
    now: datetime,
) -> Digest:
    """Tell a post's stories against what the channel was told before; record the tellings.

    A story that continues one told in the channel in the last `TRACK_DAYS` days becomes an
    update (`summarizer.track`, off the event loop). The digest is shared by every channel of
    its feed set, so this is done per channel, when its post is made, and recorded with the
    post: a resumed delivery sends the very same update.

    Args:
        storage: the bot's state.
        service: the summarizer (`DigestService.track`).
        post_id: the post, already recorded.
        channel_id: its channel.
        digest_id: the stored digest it shows.
        digest: that digest as the post shows it (its filters applied).
        shown: the indices the filters kept (None: every story), part of the tracking's key.
        now: the current aware time.

    Returns:
        The digest as the post tells it, updates marked.

    """
    earlier = await storage.latest_tellings(channel_id, since=now - timedelta(days=TRACK_DAYS))
    told = digest
    continues: list[Telling | None] = [None] * len(digest.stories)
    if earlier and digest.stories:
        # What tracking depends on: the digest, the stories shown, and each earlier story
        # (its digest, its id, its day): channels with the same history share one result.
        key = (
            "track",
            digest_id,
            None if shown is None else tuple(shown),
            tuple((t.digest_id, t.story.id, t.story.continues) for t in earlier),
        )
        told = await service.track(key, digest, [t.story for t in earlier])
        by_story = {t.story.id: t for t in earlier}  # the latest telling of each story id
        continues = [
            by_story.get(story.continues.id) if story.continues else None for story in told.stories
        ]
        # Undated sources leave the days unknown: the channel's own days stand in ("New since
        # 6 May"). Copies: the tracked digest may be shared with other channels.
        stories = []
        for story, telling in zip(told.stories, continues, strict=True):
            if telling is not None and story.continues is not None:
                mark = story.continues
                mark = dataclasses.replace(
                    mark,
                    date=mark.date or telling.last_seen,
                    first_date=mark.first_date or telling.first_seen,
                )
                story = dataclasses.replace(story, continues=mark)
            stories.append(story)
        told = dataclasses.replace(told, stories=stories)
    await storage.add_tellings(post_id, channel_id, told.stories, continues, now=now)
    return told


def told_digest(posted: PostedDigest, tellings: Sequence[Telling]) -> Digest:
    """The digest as the post told it: its recorded tellings (updates marked), else as stored."""
    if not tellings:
        return posted.digest
    return dataclasses.replace(posted.digest, stories=[t.story for t in tellings])


async def earlier_tellings(storage: Storage, tellings: Sequence[Telling]) -> list[Telling | None]:
    """For each telling, the one it continues (its link points there); None for a first one."""
    return [await storage.telling(t.continues) if t.continues else None for t in tellings]


async def story_timeline(
    storage: Storage, channel_id: int, choice: str | None = None, *, now: datetime
) -> list[Telling]:
    """A story's days in the channel, first to last: the timeline `/story` shows.

    In a daily digest's thread the story is one of that post's; elsewhere one of the stories
    the channel was told in the last `TRACK_DAYS` days.

    Args:
        storage: the bot's state.
        channel_id: the thread or channel asked in.
        choice: which story: its number in the post, or words of its headline; None: the first.
        now: the current aware time.

    Raises:
        InputError: no tracked story here, or none that `choice` names.

    """
    posted = await storage.post_for_thread(channel_id)
    if posted is not None:
        stories = await storage.tellings(posted.id)
    else:
        stories = await storage.latest_tellings(channel_id, since=now - timedelta(days=TRACK_DAYS))
    if not stories:
        raise InputError("story", "no daily digest story has been posted here yet")
    chosen = _choose(stories, choice)
    return await storage.timeline(chosen.id)


def _choose(stories: Sequence[Telling], choice: str | None) -> Telling:
    text = (choice or "").strip()
    if not text:
        return stories[0]
    if text.isdigit():
        if 1 <= int(text) <= len(stories):
            return stories[int(text) - 1]
        raise InputError("story", f"give a number from 1 to {len(stories)}")
    words = text.casefold().split()
    for telling in stories:
        if all(w in telling.story.headline.casefold() for w in words):
            return telling
    raise InputError("story", f"no story here has {text!r} in its headline")


def question_sources(digest: Digest) -> list[Source]:
    """The digest's sources as questions cite them: ids unique across it.

    Digests stored before ids were unique across a digest numbered each story from 1; those
    are renumbered, so an answer's [n] names one source.
    """
    sources = digest.sources
    if len({s.id for s in sources}) == len(sources):
        return sources
    return [dataclasses.replace(s, id=n) for n, s in enumerate(sources, start=1)]


async def answer_about(
    storage: Storage,
    service: DigestService,
    posted: PostedDigest,
    question: str,
    *,
    history_turns: int,
    now: datetime,
) -> tuple[Answer, list[Source]]:
    """Answer a question about a posted digest, with the conversation so far; remember the turn.

    The conversation is the post's, whether asked in its thread or its channel; the answer
    draws on the stories the post shows. The QA index is keyed by the digest and those stories,
    so every channel that got the same digest (with the same stories) shares one.

    Returns:
        The answer and the digest's sources (ids as the answer cites them).

    Raises:
        InputError: the question is empty or too long (the QA layer's limit).

    """
    history = await storage.turns(posted.id, limit=history_turns)
    sources = question_sources(posted.digest)
    answer = await service.answer(question, posted.qa_key, sources, history)
    await storage.add_turn(posted.id, question, answer, now=now)
    return answer, sources
