"""Daily delivery: each subscribed channel gets its digest once per local date.

Each minute (a `tasks.loop` at every minute of the day) the due subscriptions are collected:
those whose local time has passed today, that were subscribed before that time (so a new
subscription never gets a backlog), and whose ledger row is not yet `sent`. Due channels are
grouped by feed set and each set is digested and stored once, however many channels share it;
with several processes, once among them all for the channels due at one minute (bot/builds.py:
one process claims the build, the others wait for it and post the same stored digest). Each
set's channels are posted as soon as its digest exists. Then, per channel, the exactly-once
protocol:

1. a post of the stored digest is recorded, and the intent in the ledger, before anything is
   sent;
2. each message goes out with a nonce derived from (channel, date, part), and its id is stored
   as soon as Discord returns it;
3. the thread is opened and the ledger marked `sent`.

After a restart, an `intent` row resumes from step 2 with its post's digest (so the same
messages): parts already recorded are skipped, and parts sent but not yet recorded are found in
the channel's recent history by their label, or deduplicated by Discord through the nonce.
A digest missed by more than `[discord] catch_up_hours` (6 h) is skipped and logged.

A post that fails is recorded in the ledger with its reason (bot/daily.py, `record_failure`):
a server error after every retry is resumed later, with growing pauses, until the catch-up
window ends; a channel that refuses the post (deleted, permission lost) is failed for the day
at once, and paused after a few days of it.

Several processes may share the database (sharding, or a restart overlapping the old process):
each handles only the guilds of its own shards, and the ledger is the claim besides. A fresh
delivery belongs to the process whose post the ledger row records (its primary key lets one
insert win); an unfinished one is resumed by the process that claims it (`claim_unfinished`,
one atomic update) until DELIVERY_LEASE passes, so a process that died mid-post is taken over
and two processes never post one channel's digest twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from contextlib import aclosing
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from summarizer.filters import shown_digest

from ..actions import earlier_tellings, feed_sets, shown_stories, told_digest, track_post
from ..builds import BUILD_LEASE, Builder, Built
from ..daily import Due, collect_due, record_failure
from ..posting import Pacer, PostFailure, nonce_for, open_thread, post_failure, send
from ..render import MessagePart, digest_header, jump_url, message_of, render_post, split_content

if TYPE_CHECKING:
    from ..bot import DigestBot

__all__ = ["Schedule", "part_label"]

log = logging.getLogger(__name__)

# Every minute of the day, in UTC: the loop wakes on each minute boundary, not drifting.
EVERY_MINUTE = [dt.time(h, m, tzinfo=dt.UTC) for h in range(24) for m in range(60)]
POST_CONCURRENCY = 20  # channels posted at once; discord.py paces each route's bucket
POSTS_PER_SECOND = 40.0  # under Discord's global 50 requests/s, leaving room for commands
HISTORY_SCAN = 50  # recent messages searched for parts sent just before a crash
LABELLED_CONTENT_LIMIT = 1900  # content under a part label; the label takes < 100 characters
# How long a claimed delivery is left to its process before another may resume it: far longer
# than posting one channel's few messages takes, short enough that a crash delays it little.
DELIVERY_LEASE = dt.timedelta(minutes=2)


def part_label(local_date: dt.date, index: int, count: int) -> str:
    """The first line of every message of a daily digest: it identifies the part."""
    label = f"Daily digest for {local_date:%A %d %B %Y}"
    return f"{label} ({index + 1}/{count})" if count > 1 else label


def _label_parts(parts: list[MessagePart], local_date: dt.date) -> list[MessagePart]:
    """Put the part label on the first line of every message."""
    pieces: list[MessagePart] = []
    for part in parts:
        if part.content and len(part.content) > LABELLED_CONTENT_LIMIT:
            texts = split_content(part.content, LABELLED_CONTENT_LIMIT)
            pieces.extend(MessagePart(content=t) for t in texts[:-1])
            pieces.append(MessagePart(content=texts[-1], embeds=part.embeds))
        else:
            pieces.append(part)
    labelled: list[MessagePart] = []
    for index, piece in enumerate(pieces):
        label = f"**{part_label(local_date, index, len(pieces))}**"
        content = f"{label}\n{piece.content}" if piece.content else label
        labelled.append(MessagePart(content=content, embeds=piece.embeds))
    return labelled


class _Unpostable(Exception):
    """The channel is gone or is not one the bot can post in."""


class Schedule(commands.Cog):
    """Posts subscribed channels' daily digests."""

    def __init__(self, bot: DigestBot) -> None:
        self.bot = bot
        self._run_lock = asyncio.Lock()
        lease = bot.lease_seconds
        self.delivery_lease = DELIVERY_LEASE if lease is None else dt.timedelta(seconds=lease)
        self.builder = Builder(
            bot.storage,
            bot.service,
            owner=bot.process_name,
            clock=bot.now,
            lease=BUILD_LEASE if lease is None else dt.timedelta(seconds=lease),
        )
        self.deliveries_posted = 0  # channels this process posted in, for the benchmark and tests
        self.pacer = Pacer(POSTS_PER_SECOND)
        # Deliveries this process has claimed and not finished: let go when it stops, so a
        # restart resumes them at once rather than after DELIVERY_LEASE.
        self._claimed: set[tuple[int, dt.date]] = set()

    async def cog_load(self) -> None:
        """Start the loop (tests may ask for a faster tick)."""
        if self.bot.tick_seconds:
            self.tick.change_interval(seconds=self.bot.tick_seconds)
        self.tick.start()

    async def cog_unload(self) -> None:
        """Stop the loop; let go of the deliveries and builds it claimed and did not finish."""
        self.tick.cancel()
        for channel_id, local_date in list(self._claimed):
            await self.bot.storage.release_claim(channel_id, local_date)
        self._claimed.clear()
        await self.builder.release()

    @property
    def digests_built(self) -> int:
        """Feed sets this process digested, for the benchmark and tests."""
        return self.builder.built

    @tasks.loop(time=EVERY_MINUTE)
    async def tick(self) -> None:
        """Deliver whatever is due."""
        await self.run_due()

    @tick.before_loop
    async def _before_tick(self) -> None:
        await self.bot.wait_until_ready()
        # Catch up at once after downtime rather than at the next minute.
        await self.run_due()

    @tick.error
    async def _tick_error(self, error: BaseException) -> None:
        log.error("the schedule loop failed; restarting it", exc_info=error)
        self.tick.restart()

    async def run_due(self) -> int:
        """Deliver every due digest; returns how many channels got theirs."""
        async with self._run_lock:
            settings = self.bot.settings.discord
            due = await collect_due(
                self.bot.storage,
                self.bot.now(),
                catch_up=dt.timedelta(hours=settings.catch_up_hours),
                owns_guild=self.bot.owns_guild,
            )
            if not due:
                return 0
            resumed = [item for item in due if item.started]
            fresh = [item for item in due if not item.started]
            feeds_of = await feed_sets(
                self.bot.storage, self.bot.settings, [d.sub.channel_id for d in fresh]
            )
            groups: dict[tuple[str, ...], list[Due]] = defaultdict(list)
            for item in fresh:
                groups[feeds_of[item.sub.channel_id]].append(item)
            log.info(
                "%d digests due (%d resumed), %d distinct feed sets",
                len(due),
                len(resumed),
                len(groups),
            )
            semaphore = asyncio.Semaphore(POST_CONCURRENCY)
            slots = {feeds: {item.at for item in items} for feeds, items in groups.items()}
            # A task group: the posts start as each set's digest exists, and a stop cancels them.
            async with asyncio.TaskGroup() as posting, aclosing(self.builder.run(slots)) as ready:
                jobs = [posting.create_task(self._deliver(i, None, semaphore)) for i in resumed]
                async for feeds, built in ready:
                    jobs.extend(
                        posting.create_task(self._deliver(item, built[item.at], semaphore))
                        for item in groups[feeds]
                        if item.at in built
                    )
            return sum(job.result() for job in jobs)

    async def _deliver(self, item: Due, built: Built | None, semaphore: asyncio.Semaphore) -> bool:
        async with semaphore:
            key = (item.sub.channel_id, item.local_date)
            try:
                return await self._deliver_one(item, built)
            except Exception as exc:
                # Other channels go on whatever happened to this one.
                await self._failed(item, exc)
            finally:
                self._claimed.discard(key)
            return False

    async def _failed(self, item: Due, exc: Exception) -> None:
        """Log a failed post and record it in the ledger (bot/daily.py: retry, fail or pause)."""
        channel_id = item.sub.channel_id
        failure = (
            PostFailure("unusable", str(exc)) if isinstance(exc, _Unpostable) else post_failure(exc)
        )
        if failure.retryable:
            # Server errors after every retry, or a bug: the traceback says which.
            log.error(
                "channel %s: posting the daily digest failed; retried later",
                channel_id,
                exc_info=exc,
            )
        else:
            log.warning(
                "channel %s: cannot post the daily digest (%s); failed for %s",
                channel_id,
                failure.reason,
                item.local_date,
            )
        try:
            await record_failure(
                self.bot.storage, item.sub, item.local_date, failure, now=self.bot.now()
            )
        except Exception:
            # The database is failing too: the intent's claim lapses, and it is resumed then.
            log.exception("channel %s: recording the failed post failed", channel_id)

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            channel = await self.bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise _Unpostable(f"{type(channel).__name__} is not a text channel")
        return channel

    async def _deliver_one(self, item: Due, built: Built | None) -> bool:
        storage = self.bot.storage
        sub, local_date = item.sub, item.local_date
        row = item.delivery
        lease = self.bot.now() + self.delivery_lease
        if row is not None and row.post_id is not None:
            # Claimed before the channel is looked up: a delivery waiting out a retry's pause
            # (or posted by another process) costs no request.
            claimed = await storage.claim_unfinished(
                sub.channel_id, local_date, now=self.bot.now(), until=lease
            )
            if claimed is None:
                return False  # another process is posting it, it waits to be retried, or done
            row = claimed
            self._claimed.add((sub.channel_id, local_date))
            channel = await self._channel(sub.channel_id)
        else:
            channel = await self._channel(sub.channel_id)
            assert built is not None
            digest_id, digest = built
            # The channel's post refers to the digest stored once for its whole feed set, and
            # records which stories this channel's filters keep: filtered here, per channel.
            shown = await shown_stories(sub.story_filter, digest)
            post_id = await storage.add_post(
                sub.channel_id, sub.guild_id, digest_id, now=self.bot.now(), shown=shown
            )
            # Stories this channel was told before become updates: tracked here, per channel,
            # and recorded with the post before the intent, so a resumed delivery tells them so.
            await track_post(
                storage,
                self.bot.service,
                post_id,
                sub.channel_id,
                digest_id,
                shown_digest(digest, shown),
                shown=shown,
                now=self.bot.now(),
            )
            row = await storage.record_intent(
                sub.channel_id, local_date, post_id, now=self.bot.now(), claimed_until=lease
            )
            if row.state != "intent" or row.post_id != post_id:
                return False  # another run or process won the row: it posts this one
            self._claimed.add((sub.channel_id, local_date))
        assert row.post_id is not None
        posted = await storage.post(row.post_id)
        assert posted is not None
        # Rendered from the stored digest and the stories the post recorded (updates marked),
        # so a resumed delivery sends the very same parts even if the channel's filters or
        # stories changed meanwhile.
        tellings = await storage.tellings(posted.id)
        told = told_digest(posted, tellings)
        links = [
            jump_url(e.guild_id, e.channel_id, e.message_id) if e and e.message_id else None
            for e in await earlier_tellings(storage, tellings)
        ]
        body, firsts = render_post(told, header=digest_header(told, title="Digest"), links=links)
        parts = _label_parts(body, local_date)
        message_ids = list(posted.message_ids)
        if item.delivery is not None and len(message_ids) < len(parts):
            message_ids = await self._recover(channel, local_date, parts, message_ids)
        first: discord.Message | None = None
        for index in range(len(message_ids), len(parts)):
            await self.pacer.wait()
            message = await send(
                channel, parts[index], nonce=nonce_for(sub.channel_id, local_date, index)
            )
            message_ids.append(message.id)
            first = first or (message if index == 0 else None)
            await storage.set_post_messages(posted.id, message_ids)
        thread_id = posted.thread_id
        if thread_id is None and posted.digest.stories:
            if first is None:
                try:
                    first = await channel.fetch_message(message_ids[0])
                except discord.NotFound:
                    # Posted before a restart and deleted since: the digest is posted all the
                    # same, without its thread.
                    log.info("channel %s: the digest's first message is gone", sub.channel_id)
            if first is not None:
                headline = posted.digest.stories[0].headline
                await self.pacer.wait()
                thread_id = await open_thread(first, f"{local_date:%d %b}: {headline}")
        await storage.set_post_messages(posted.id, message_ids, thread_id=thread_id)
        if tellings:
            # Where each story is shown: tomorrow's update of it links there.
            shown_in = [message_ids[message_of(parts, embed)] for embed in firsts]
            await storage.set_telling_messages(posted.id, shown_in)
        await storage.record_sent(sub.channel_id, local_date, message_ids[0], now=self.bot.now())
        self.deliveries_posted += 1
        log.info("channel %s: daily digest for %s posted", sub.channel_id, local_date)
        return True

    async def _recover(
        self,
        channel: discord.abc.Messageable,
        local_date: dt.date,
        parts: list[MessagePart],
        known: list[int],
    ) -> list[int]:
        """Parts sent before a crash but not recorded: found by their label in recent history."""
        me = self.bot.user
        labels = {f"**{part_label(local_date, i, len(parts))}**": i for i in range(len(parts))}
        found: dict[int, int] = dict(enumerate(known))
        # The labels carry the date, so the newest messages are enough; no time filter, which
        # would trust the clocks of this host and of Discord to agree.
        async for message in channel.history(limit=HISTORY_SCAN):
            if me is None or message.author.id != me.id:
                continue
            index = labels.get(message.content.split("\n", 1)[0])
            if index is not None:
                found.setdefault(index, message.id)
        recovered: list[int] = []
        for index in range(len(parts)):
            if index not in found:
                break
            recovered.append(found[index])
        if len(recovered) > len(known):
            log.info(
                "channel %s: %d part(s) of the %s digest were already posted before a restart",
                getattr(channel, "id", "?"),
                len(recovered) - len(known),
                local_date,
            )
        return recovered


async def setup(bot: DigestBot) -> None:
    """Load the daily delivery loop."""
    await bot.add_cog(Schedule(bot))
