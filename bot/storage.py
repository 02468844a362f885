"""The bot's state in SQLite or PostgreSQL; cogs call these typed methods and write no SQL.

The SQL is written once, in the dialect both engines share; `bot/db.py` carries the few
differences (placeholders, types, the schema version, the migration lock).

Tables:
    subscriptions    one daily digest per channel: local time, IANA zone and story filters
    channel_feeds    the feeds a channel has added (none: the configured default feeds)
    digests          every digest built, stored once with its source texts (so /ask works after
                     a restart), however many channels it is posted in
    posts            a digest as posted in one channel: the stories its filters kept, its
                     messages and follow-up thread
    deliveries       the scheduled-post ledger, one row per channel and local date: the intent is
                     recorded before anything is sent and the message ids after, so a restart
                     neither loses nor repeats a daily digest; a post that failed says why
    turns            the questions and answers about one post (its conversation), for follow-ups
    stories          each story a daily digest told in a channel: as told there (an update marks
                     what is new), the telling it continues, its first and last day, its message
    builds           the claim to build a feed set's digest for one minute, then the digest built:
                     one process builds it, every process posts it (exactly one digest per feed
                     set and minute, however many processes have channels due then)
    shards           each shard's last heartbeat: which process runs it, whether it is connected

Old rows nobody reads any more are pruned (`Storage.prune`, RETENTION says how old).

A database from an earlier schema is migrated when opened, in one transaction under the
migration lock: a crash midway leaves it as it was, the next start migrates again, and processes
starting together migrate once. PostgreSQL support began at schema 3, so the steps before it
only ever run on SQLite; later steps are shared SQL and run on both.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo

from summarizer.filters import StoryFilter, shown_digest
from summarizer.models import Answer, Digest, StoryDigest, Turn

from .db import Database, DatabaseUnavailable, Row, is_postgres_url, open_database, redact

__all__ = [
    "RETENTION",
    "SCHEMA_VERSION",
    "Build",
    "Delivery",
    "DeliveryState",
    "PostedDigest",
    "Retention",
    "ShardBeat",
    "Storage",
    "Subscription",
    "Telling",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 7
MAX_TIMELINE_DAYS = 60  # a timeline longer than this shows its latest days

# intent: being posted (or to be resumed); sent; skipped: missed, never tried (the bot was down
# past the catch-up window); failed: tried and could not be posted (`reason` says why).
DeliveryState = Literal["intent", "sent", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class Retention:
    """How long `Storage.prune` keeps rows that nothing reads any more: the one home of these.

    Each period outlasts every reader of its rows (the why beside each; tests/bot/test_storage.py
    checks them against the readers' own limits). Whatever its age, a row still needed for
    exactly-once is kept: a claim whose lease runs, a delivery not finished and its post.
    """

    # A build is read by the channels due at its minute, posted within [discord] catch_up_hours
    # (6 h); two days leave room for a longer window. The latest is kept for "last build".
    builds: timedelta = timedelta(days=2)
    # The schedule reads a channel's row of today or yesterday, pausing its last few days
    # (PAUSE_AFTER_FAILURES); a month is left to whoever looks into a failure.
    deliveries: timedelta = timedelta(days=30)
    # A post (with its stories and turns, and its digest once no post shows it) is read by
    # /ask and /story in its thread, by tracking for TRACK_DAYS (7) and by a timeline for its
    # last MAX_TIMELINE_DAYS tellings: 90 days covers them all. A channel's latest posted digest
    # is kept whatever its age: /ask there reads it.
    posts: timedelta = timedelta(days=90)
    # A shard silent for a week is of an old shard count or a retired process: the health
    # report reads only the current count's recent heartbeats.
    heartbeats: timedelta = timedelta(days=7)


RETENTION = Retention()
# Rows deleted per table in one transaction: short locks beside the posting processes, and
# under SQLite's limit on bound parameters (999 in old builds).
PRUNE_BATCH = 500
PRUNE_MAX_BATCHES = 20  # per table and call: a long backlog is worked off over several calls

# Schema 6's tables (the whole of its migration from 5).
_BUILDS_AND_SHARDS = """
CREATE TABLE IF NOT EXISTS builds (
    feeds_key   TEXT NOT NULL,           -- feed_set_key(): a hash of the sorted feed URLs
    slot        TEXT NOT NULL,           -- ISO UTC: the minute its channels are due
    owner       TEXT NOT NULL,           -- the process that claimed it last
    claimed_until TEXT,                  -- ISO UTC: being built until then (renewed meanwhile)
    digest_id   INTEGER REFERENCES digests (id),  -- once built; NULL: not yet
    built_at    TEXT,                    -- ISO UTC
    PRIMARY KEY (feeds_key, slot)
);
CREATE INDEX IF NOT EXISTS builds_by_built_at ON builds (built_at);
CREATE TABLE IF NOT EXISTS shards (
    shard_id    INTEGER NOT NULL,
    shard_count INTEGER NOT NULL,        -- 0: the one connection of an unsharded bot
    process     TEXT NOT NULL,           -- host:pid of the process running it
    connected   INTEGER NOT NULL,        -- 1: its gateway connection is open
    latency_ms  INTEGER,                 -- the gateway's heartbeat latency; NULL: not measured
    seen_at     TEXT NOT NULL,           -- ISO UTC of this heartbeat
    PRIMARY KEY (shard_id, shard_count)
);
"""

# A new database: schema 6 as written here, then the migrations from 6 on (columns added by
# ALTER TABLE cannot be written twice, so they live in their migration only).
_BASE_VERSION = 6
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS subscriptions (
    channel_id  INTEGER PRIMARY KEY,
    guild_id    INTEGER,
    local_time  TEXT NOT NULL,           -- HH:MM
    tz          TEXT NOT NULL,           -- IANA name
    created_at  TEXT NOT NULL,           -- ISO UTC; no digest is due before this instant
    filters     TEXT                     -- StoryFilter.to_json(); NULL: every story
);
CREATE TABLE IF NOT EXISTS channel_feeds (
    channel_id  INTEGER NOT NULL,
    url         TEXT NOT NULL,
    title       TEXT,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (channel_id, url)
);
CREATE TABLE IF NOT EXISTS digests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    digest      TEXT NOT NULL,           -- Digest.to_dict(), source texts included
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS posts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    digest_id   INTEGER NOT NULL REFERENCES digests (id),
    channel_id  INTEGER NOT NULL,
    guild_id    INTEGER,
    thread_id   INTEGER,
    message_ids TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    shown       TEXT                     -- JSON indices of the stories shown; NULL: every one
);
CREATE INDEX IF NOT EXISTS posts_by_channel ON posts (channel_id, id);
CREATE INDEX IF NOT EXISTS posts_by_thread ON posts (thread_id);
CREATE TABLE IF NOT EXISTS deliveries (
    channel_id  INTEGER NOT NULL,
    local_date  TEXT NOT NULL,           -- YYYY-MM-DD in the subscription's zone
    state       TEXT NOT NULL,           -- intent | sent | skipped | failed (schema 7)
    post_id     INTEGER,
    message_id  INTEGER,                 -- the first message, once sent
    updated_at  TEXT NOT NULL,
    claimed_until TEXT,                  -- ISO UTC: a process is posting it until then
    PRIMARY KEY (channel_id, local_date)
);
CREATE INDEX IF NOT EXISTS deliveries_by_date ON deliveries (local_date);
CREATE TABLE IF NOT EXISTS turns (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL,    -- posts.id: one conversation per posted digest
    question        TEXT NOT NULL,
    answer          TEXT NOT NULL,       -- Answer.to_json()
    created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation_id, id);
CREATE TABLE IF NOT EXISTS stories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id     INTEGER NOT NULL REFERENCES posts (id),
    channel_id  INTEGER NOT NULL,
    position    INTEGER NOT NULL,        -- its index among the stories the post shows
    story_id    TEXT NOT NULL,           -- StoryDigest.id
    headline    TEXT NOT NULL,
    story       TEXT NOT NULL,           -- StoryDigest.to_dict(with_text=False), as told here
    continues   INTEGER REFERENCES stories (id),  -- the telling it updates; NULL: the first
    first_seen  TEXT NOT NULL,           -- ISO UTC: when the story was first told here
    last_seen   TEXT NOT NULL,           -- ISO UTC: this telling
    message_id  INTEGER                  -- the message that shows it, once sent
);
CREATE INDEX IF NOT EXISTS stories_by_channel ON stories (channel_id, last_seen);
CREATE INDEX IF NOT EXISTS stories_by_post ON stories (post_id, position);
CREATE INDEX IF NOT EXISTS stories_by_continues ON stories (continues);
"""
    + _BUILDS_AND_SHARDS
)

# Version 1 kept a copy of the digest in each channel's row (digests held the post), named the
# feeds `channel_sources`, keyed turns by thread id (or minus the digest id) and stored answers
# as {"text", ...}. Post ids keep the old digest ids, so deliveries and turns keep pointing right.
_FROM_V1 = """
ALTER TABLE channel_sources RENAME TO channel_feeds;
ALTER TABLE digests RENAME TO digests_v1;
DROP INDEX IF EXISTS digests_by_channel;
DROP INDEX IF EXISTS digests_by_thread;
CREATE TABLE digests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    digest      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO digests (id, digest, created_at) SELECT id, digest, created_at FROM digests_v1;
CREATE TABLE posts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    digest_id   INTEGER NOT NULL REFERENCES digests (id),
    channel_id  INTEGER NOT NULL,
    guild_id    INTEGER,
    thread_id   INTEGER,
    message_ids TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL
);
INSERT INTO posts (id, digest_id, channel_id, guild_id, thread_id, message_ids, created_at)
    SELECT id, id, channel_id, guild_id, thread_id, message_ids, created_at FROM digests_v1;
DROP TABLE digests_v1;
ALTER TABLE deliveries RENAME COLUMN digest_id TO post_id;
ALTER TABLE turns RENAME COLUMN thread_id TO conversation_id;
DROP INDEX IF EXISTS turns_by_thread;
UPDATE turns SET conversation_id = CASE
    WHEN conversation_id < 0 THEN -conversation_id
    ELSE (SELECT MAX(p.id) FROM posts p WHERE p.thread_id = turns.conversation_id) END;
DELETE FROM turns WHERE conversation_id IS NULL;
UPDATE turns SET answer = json_set(json_remove(answer, '$.text'), '$.answer',
    json_extract(answer, '$.text')) WHERE json_extract(answer, '$.text') IS NOT NULL;
"""

# Version 2 had no story filters: every subscription and post keeps every story (NULL).
_FROM_V2 = """
ALTER TABLE subscriptions ADD COLUMN filters TEXT;
ALTER TABLE posts ADD COLUMN shown TEXT;
"""

# Version 3 had no delivery claims: several processes share the database from version 4 on, and
# an unfinished delivery is resumed by one of them at a time. The first migration run on both
# engines.
_FROM_V3 = """
ALTER TABLE deliveries ADD COLUMN claimed_until TEXT;
"""

# Version 4 kept no stories per channel: posts made before stay as they are, untracked; the
# first daily digest after the upgrade starts each channel's timelines.
_FROM_V4 = """
CREATE TABLE IF NOT EXISTS stories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id     INTEGER NOT NULL REFERENCES posts (id),
    channel_id  INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    story_id    TEXT NOT NULL,
    headline    TEXT NOT NULL,
    story       TEXT NOT NULL,
    continues   INTEGER REFERENCES stories (id),
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    message_id  INTEGER
);
"""

# Version 5 built each feed set's digest once per process and kept no heartbeats: several
# processes now share one build per feed set and minute, and health reports read the shards'.
_FROM_V5 = _BUILDS_AND_SHARDS

# Version 6 counted a post that failed as late, said nothing of why, and retried an unusable
# channel every day; nothing was pruned. Now a failed delivery keeps its reason and attempts, a
# subscription whose channel keeps refusing posts is paused (kept, not posted to), and the
# indexes serve the pruning (`Storage.prune`) and the health report's recent failures.
_FROM_V6 = """
ALTER TABLE deliveries ADD COLUMN reason TEXT;       -- failed or retrying: the last error
ALTER TABLE deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;  -- posting attempts failed
ALTER TABLE subscriptions ADD COLUMN paused TEXT;    -- why posting stopped; NULL: active
CREATE INDEX IF NOT EXISTS deliveries_by_state ON deliveries (state, updated_at);
CREATE INDEX IF NOT EXISTS posts_by_digest ON posts (digest_id);
CREATE INDEX IF NOT EXISTS builds_by_slot ON builds (slot);
"""

_POST_SELECT = "SELECT p.*, d.digest FROM posts p JOIN digests d ON d.id = p.digest_id "
# A telling with its post's server and thread, and the stored digest that holds its source texts.
_TELLING_SELECT = (
    "SELECT s.*, p.guild_id, p.thread_id, p.digest_id, d.digest FROM stories s "
    "JOIN posts p ON p.id = s.post_id JOIN digests d ON d.id = p.digest_id "
)

# Each schema version's migration to the next; applied in order, each in its own transaction.
_MIGRATIONS: dict[int, str] = {
    1: _FROM_V1,
    2: _FROM_V2,
    3: _FROM_V3,
    4: _FROM_V4,
    5: _FROM_V5,
    6: _FROM_V6,
}


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel's daily digest: at `local_time` in zone `tz`, from `created_at` on.

    `story_filter` picks the stories posted; the empty filter posts every one.
    """

    channel_id: int
    guild_id: int | None
    local_time: time
    tz: str
    created_at: datetime
    story_filter: StoryFilter = field(default_factory=StoryFilter)
    # Why the bot stopped posting here (its channel refused posts day after day); None: active.
    paused: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The subscription's time zone."""
        return ZoneInfo(self.tz)


@dataclass(frozen=True, slots=True)
class PostedDigest:
    """A digest as posted in a channel, with the messages and thread that carry it.

    `id` is the post's; `digest_id` the digest's, shared by every channel it was posted in.
    `digest` is the digest as this post shows it: the stories its filters kept (`shown`, their
    indices in the stored digest; None: every one), the others counted in `filtered_out`.
    """

    id: int
    digest_id: int
    channel_id: int
    guild_id: int | None
    thread_id: int | None
    message_ids: list[int]
    digest: Digest
    created_at: datetime
    shown: tuple[int, ...] | None = None

    @property
    def qa_key(self) -> int | tuple[int, ...]:
        """What names the sources questions about this post are answered from.

        The digest's id when every story is shown, else the id and the stories shown: posts
        showing the same stories of one digest share one QA index, and no others do.
        """
        return self.digest_id if self.shown is None else (self.digest_id, *self.shown)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One row of the scheduled-post ledger.

    `attempts` counts the posting attempts that failed; `reason` is why the last one did (a
    failed row's reason for giving up).
    """

    channel_id: int
    local_date: date
    state: DeliveryState
    post_id: int | None
    message_id: int | None
    updated_at: datetime
    reason: str | None = None
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Build:
    """A feed set's digest for the channels due at one minute: claimed, then built once.

    Built (`digest_id` set): every process posts that digest. Else the process named `owner`
    is building it until `claimed_until` (None: let go, anyone may claim it).
    """

    slot: datetime
    owner: str
    claimed_until: datetime | None
    digest_id: int | None
    built_at: datetime | None


@dataclass(frozen=True, slots=True)
class ShardBeat:
    """One shard's heartbeat, as the process running it last recorded it.

    `shard_count` 0 is an unsharded bot's one connection (shard 0).
    """

    shard_id: int
    shard_count: int
    process: str
    connected: bool
    latency_ms: int | None
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class Telling:
    """A story as a daily digest told it in one channel: one day of its timeline there.

    `story` is the story as shown there: an update (`story.continues`) marks what was new; its
    sources carry their texts (from the stored digest), so the next day can be compared with it.
    `continues` is the telling it updates (None: the story's first telling here).
    """

    id: int
    post_id: int
    channel_id: int
    guild_id: int | None
    thread_id: int | None
    digest_id: int
    position: int
    story: StoryDigest
    continues: int | None
    first_seen: datetime
    last_seen: datetime
    message_id: int | None

    @property
    def day(self) -> int:
        """Which day of the story this telling is (1: its first)."""
        return self.story.continues.day if self.story.continues else 1


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware UTC time")
    return moment.astimezone(UTC).isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _feeds_key(feeds: Sequence[str]) -> str:
    """A feed set's key in `builds`: a hash, as a set of long URLs is too long for an index."""
    joined = "\n".join(sorted(feeds))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


async def _schema_version(db: Database) -> int:
    """The database's schema version; 0 for a new one (SQLite version 1 files may also say 0)."""
    version = await db.schema_version()
    if version == 0 and db.dialect == "sqlite" and await db.table_exists("channel_sources"):
        return 1
    return version


async def _migrate(db: Database, target: str) -> None:
    """Create the schema, or bring an earlier one up to SCHEMA_VERSION; in one transaction.

    Raises:
        DatabaseUnavailable: the database is from a newer version of the bot.

    """
    # The migration lock makes a second process wait here, then find the work done.
    async with db.migration() as tx:
        version = await _schema_version(tx)
        if version > SCHEMA_VERSION:
            raise DatabaseUnavailable(
                f"the database {redact(target)} is schema {version}; this bot knows "
                f"{SCHEMA_VERSION}: run a newer bot"
            )
        if version == SCHEMA_VERSION:
            return
        fresh = version == 0
        if fresh:
            await tx.run_script(_SCHEMA)
            version = _BASE_VERSION
        while 0 < version < SCHEMA_VERSION:
            if not fresh:
                log.info("migrating the database from schema %d to %d", version, version + 1)
            await tx.run_script(_MIGRATIONS[version])
            version += 1
        await tx.set_schema_version(SCHEMA_VERSION)


class Storage:
    """Typed access to the bot's database; open with `await Storage.open(target)`."""

    def __init__(self, db: Database, target: str) -> None:
        self._db = db
        self.target = target

    @classmethod
    async def open(cls, target: str | Path, *, migrate: bool = True) -> Storage:
        """Open the database and bring its schema up to date.

        Args:
            target: a `postgresql://` URL, or a SQLite file (created if needed); ":memory:"
                works for tests.
            migrate: False to only read a database a bot of this version already set up, and
                change nothing (the health report): a missing file is not created, and a
                schema other than this one is refused.

        Raises:
            DatabaseUnavailable: the database cannot be reached or opened (bot/db.py), or a
                newer bot wrote it; not migrating, a missing file or another schema.

        """
        where = str(target)
        if (
            not migrate
            and not is_postgres_url(where)
            and not await asyncio.to_thread(Path(where).is_file)
        ):
            raise DatabaseUnavailable(f"no database at {where}: has the bot run with it?")
        db = await open_database(target)
        try:
            if migrate:
                await _migrate(db, where)
            elif (version := await _schema_version(db)) != SCHEMA_VERSION:
                raise DatabaseUnavailable(
                    f"the database {redact(where)} is schema {version}; this bot knows "
                    f"{SCHEMA_VERSION}: start a bot of this version on it first"
                )
        except BaseException:
            await db.close()
            raise
        return cls(db, where)

    @property
    def dialect(self) -> str:
        """The engine: sqlite or postgresql."""
        return self._db.dialect

    async def close(self) -> None:
        """Close the connection."""
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        # Committed when it returns (bot/db.py): a kill right after loses nothing. The count of
        # rows changed.
        return await self._db.execute(sql, params)

    # -- subscriptions ---------------------------------------------------------------------

    async def subscribe(
        self,
        channel_id: int,
        guild_id: int | None,
        local_time: time,
        tz: str,
        *,
        now: datetime,
        story_filter: StoryFilter | None = None,
    ) -> Subscription:
        """Store (or replace) the channel's daily digest; committed when this returns.

        Replacing a paused subscription resumes it.

        Args:
            channel_id: the channel.
            guild_id: its server.
            local_time: the time of day.
            tz: IANA zone name.
            now: the current aware time; no digest is due before it.
            story_filter: the stories to post; None keeps the filter a subscription being
                replaced has (a new one posts every story).

        """
        ZoneInfo(tz)  # raises on an unknown zone before anything is written
        filters = story_filter.to_json() if story_filter and story_filter.active else None
        await self._write(
            "INSERT INTO subscriptions (channel_id, guild_id, local_time, tz, created_at, "
            "filters) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
            "guild_id = excluded.guild_id, local_time = excluded.local_time, tz = excluded.tz, "
            "created_at = excluded.created_at, paused = NULL, "
            "filters = CASE WHEN ? THEN excluded.filters ELSE subscriptions.filters END",
            (
                channel_id,
                guild_id,
                local_time.strftime("%H:%M"),
                tz,
                _iso(now),
                filters,
                story_filter is not None,
            ),
        )
        found = await self.subscription(channel_id)
        assert found is not None
        return found

    async def set_filter(self, channel_id: int, story_filter: StoryFilter) -> Subscription | None:
        """Replace the story filter of the channel's subscription; None if it has none."""
        filters = story_filter.to_json() if story_filter.active else None
        await self._write(
            "UPDATE subscriptions SET filters = ? WHERE channel_id = ?", (filters, channel_id)
        )
        return await self.subscription(channel_id)

    async def pause(self, channel_id: int, reason: str) -> bool:
        """Stop posting the channel's digest, keeping its subscription; False if none is active.

        `/subscribe` again resumes it (`subscribe` clears the pause).
        """
        paused = await self._write(
            "UPDATE subscriptions SET paused = ? WHERE channel_id = ? AND paused IS NULL",
            (reason, channel_id),
        )
        return paused > 0

    async def unsubscribe(self, channel_id: int) -> bool:
        """End the channel's subscription; False if it had none."""
        removed = await self._write("DELETE FROM subscriptions WHERE channel_id = ?", (channel_id,))
        return removed > 0

    async def subscription(self, channel_id: int) -> Subscription | None:
        """The channel's subscription, if any."""
        row = await self._db.fetchrow(
            "SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,)
        )
        return self._subscription(row) if row else None

    async def subscriptions(self) -> list[Subscription]:
        """Every subscription."""
        rows = await self._db.fetch("SELECT * FROM subscriptions ORDER BY channel_id")
        return [self._subscription(r) for r in rows]

    @staticmethod
    def _subscription(row: Row) -> Subscription:
        return Subscription(
            channel_id=row["channel_id"],
            guild_id=row["guild_id"],
            local_time=time.fromisoformat(row["local_time"]),
            tz=row["tz"],
            created_at=datetime.fromisoformat(row["created_at"]),
            story_filter=StoryFilter.from_json(row["filters"]),
            paused=row["paused"],
        )

    # -- channel feeds ---------------------------------------------------------------------

    async def add_feed(
        self, channel_id: int, url: str, *, title: str | None = None, now: datetime
    ) -> bool:
        """Add a feed to the channel; False if it was already there."""
        added = await self._write(
            "INSERT INTO channel_feeds (channel_id, url, title, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (channel_id, url, title, _iso(now)),
        )
        return added > 0

    async def remove_feed(self, channel_id: int, url: str) -> bool:
        """Remove a feed from the channel; False if it was not there."""
        removed = await self._write(
            "DELETE FROM channel_feeds WHERE channel_id = ? AND url = ?", (channel_id, url)
        )
        return removed > 0

    async def feeds(self, channel_id: int) -> list[tuple[str, str | None]]:
        """The channel's feeds as (url, title), in the order they were added."""
        rows = await self._db.fetch(
            "SELECT url, title FROM channel_feeds WHERE channel_id = ? ORDER BY added_at, url",
            (channel_id,),
        )
        return [(r["url"], r["title"]) for r in rows]

    async def feeds_by_channel(self, channel_ids: Sequence[int]) -> dict[int, list[str]]:
        """Feed URLs of many channels in one query (channels with none are left out)."""
        result: dict[int, list[str]] = {}
        ids = list(channel_ids)
        # SQLite limits bound parameters (999 in old builds): query in chunks.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in await self._db.fetch(
                f"SELECT channel_id, url FROM channel_feeds WHERE channel_id IN ({marks}) "
                "ORDER BY added_at, url",
                chunk,
            ):
                result.setdefault(row["channel_id"], []).append(row["url"])
        return result

    # -- digests and posts -----------------------------------------------------------------

    async def add_digest(self, digest: Digest, *, now: datetime) -> int:
        """Store a digest once, source texts included; returns its id for the posts."""
        return int(
            await self._db.fetchval(
                "INSERT INTO digests (digest, created_at) VALUES (?, ?) RETURNING id",
                (json.dumps(digest.to_dict(with_text=True)), _iso(now)),
            )
        )

    async def add_post(
        self,
        channel_id: int,
        guild_id: int | None,
        digest_id: int,
        *,
        now: datetime,
        message_ids: Sequence[int] = (),
        thread_id: int | None = None,
        shown: Sequence[int] | None = None,
    ) -> int:
        """Record a stored digest as posted (or about to be) in a channel; returns the post id.

        `shown` are the indices of the stories the channel's filters kept (None: every one);
        kept with the post, so a resumed delivery sends the very same stories.
        """
        post_id = await self._db.fetchval(
            "INSERT INTO posts (digest_id, channel_id, guild_id, thread_id, message_ids, "
            "created_at, shown) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                digest_id,
                channel_id,
                guild_id,
                thread_id,
                json.dumps(list(message_ids)),
                _iso(now),
                None if shown is None else json.dumps(list(shown)),
            ),
        )
        return int(post_id)

    async def set_post_messages(
        self, post_id: int, message_ids: Sequence[int], *, thread_id: int | None = None
    ) -> None:
        """Record the messages (and thread) that carry a post."""
        await self._write(
            "UPDATE posts SET message_ids = ?, thread_id = COALESCE(?, thread_id) WHERE id = ?",
            (json.dumps(list(message_ids)), thread_id, post_id),
        )

    async def digest_count(self) -> int:
        """How many digests are stored (each once, however many channels show it)."""
        return int(await self._db.fetchval("SELECT COUNT(*) FROM digests") or 0)

    async def post(self, post_id: int) -> PostedDigest | None:
        """A post, with its digest, by id."""
        row = await self._db.fetchrow(_POST_SELECT + "WHERE p.id = ?", (post_id,))
        return self._posted(row) if row else None

    async def latest_post(self, channel_id: int) -> PostedDigest | None:
        """The latest digest actually posted in the channel."""
        row = await self._db.fetchrow(
            _POST_SELECT + "WHERE p.channel_id = ? AND p.message_ids != '[]' "
            "ORDER BY p.id DESC LIMIT 1",
            (channel_id,),
        )
        return self._posted(row) if row else None

    async def post_for_thread(self, thread_id: int) -> PostedDigest | None:
        """The post whose follow-up thread this is."""
        row = await self._db.fetchrow(
            _POST_SELECT + "WHERE p.thread_id = ? ORDER BY p.id DESC LIMIT 1", (thread_id,)
        )
        return self._posted(row) if row else None

    @staticmethod
    def _posted(row: Row) -> PostedDigest:
        digest = Digest.from_dict(json.loads(row["digest"]))
        shown = None if row["shown"] is None else tuple(int(n) for n in json.loads(row["shown"]))
        return PostedDigest(
            id=row["id"],
            digest_id=row["digest_id"],
            channel_id=row["channel_id"],
            guild_id=row["guild_id"],
            thread_id=row["thread_id"],
            message_ids=[int(m) for m in json.loads(row["message_ids"])],
            digest=shown_digest(digest, shown),
            created_at=datetime.fromisoformat(row["created_at"]),
            shown=shown,
        )

    # -- stories told per channel -----------------------------------------------------------

    async def add_tellings(
        self,
        post_id: int,
        channel_id: int,
        stories: Sequence[StoryDigest],
        continues: Sequence[Telling | None],
        *,
        now: datetime,
    ) -> None:
        """Record the stories a post tells (as told there), each with the telling it continues.

        One transaction: a post has all its tellings or none.
        """
        rows = [
            (
                post_id,
                channel_id,
                position,
                story.id,
                story.headline,
                json.dumps(story.to_dict(with_text=False)),
                earlier.id if earlier else None,
                _iso(earlier.first_seen if earlier else now),
                _iso(now),
            )
            for position, (story, earlier) in enumerate(zip(stories, continues, strict=True))
        ]
        async with self._db.transaction() as tx:
            for row in rows:
                await tx.execute(
                    "INSERT INTO stories (post_id, channel_id, position, story_id, headline, "
                    "story, continues, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )

    async def set_telling_messages(self, post_id: int, message_ids: Sequence[int]) -> None:
        """Record the message that shows each of a post's stories (in the post's order)."""
        async with self._db.transaction() as tx:
            for n, message_id in enumerate(message_ids):
                await tx.execute(
                    "UPDATE stories SET message_id = ? WHERE post_id = ? AND position = ?",
                    (message_id, post_id, n),
                )

    async def tellings(self, post_id: int) -> list[Telling]:
        """The stories a post tells, in its order (none for a post that tracks none)."""
        rows = await self._db.fetch(
            _TELLING_SELECT + "WHERE s.post_id = ? ORDER BY s.position", (post_id,)
        )
        return self._tellings(rows)

    async def telling(self, telling_id: int) -> Telling | None:
        """One telling by id."""
        row = await self._db.fetchrow(_TELLING_SELECT + "WHERE s.id = ?", (telling_id,))
        return self._tellings([row])[0] if row else None

    async def latest_tellings(self, channel_id: int, *, since: datetime) -> list[Telling]:
        """The stories told in the channel since `since`, each at its latest telling.

        Only posts that were sent count (an abandoned post has no messages), and a telling that
        a later sent one continues is left out: that one is the story's latest.
        """
        rows = await self._db.fetch(
            _TELLING_SELECT + "WHERE s.channel_id = ? AND s.last_seen >= ? "
            "AND p.message_ids != '[]' AND NOT EXISTS (SELECT 1 FROM stories later "
            "JOIN posts lp ON lp.id = later.post_id "
            "WHERE later.continues = s.id AND lp.message_ids != '[]') ORDER BY s.id",
            (channel_id, _iso(since)),
        )
        return self._tellings(rows)

    async def timeline(self, telling_id: int) -> list[Telling]:
        """A story's tellings in its channel, first to last, ending with this one."""
        days: list[Telling] = []
        next_id: int | None = telling_id
        while next_id is not None and len(days) < MAX_TIMELINE_DAYS:
            found = await self.telling(next_id)
            if found is None:
                break
            days.append(found)
            next_id = found.continues
        return days[::-1]

    @staticmethod
    def _tellings(rows: Iterable[Row]) -> list[Telling]:
        digests: dict[int, Digest] = {}  # each stored digest parsed once, however many rows
        out: list[Telling] = []
        for row in rows:
            digest = digests.get(row["digest_id"])
            if digest is None:
                digest = digests[row["digest_id"]] = Digest.from_dict(json.loads(row["digest"]))
            story = StoryDigest.from_dict(json.loads(row["story"]))
            # Told without its source texts (one copy per digest is enough): back from there.
            texts = {
                s.id: s.text for told in digest.stories if told.id == story.id for s in told.sources
            }
            story.sources = [
                dataclasses.replace(s, text=texts.get(s.id, s.text)) for s in story.sources
            ]
            out.append(
                Telling(
                    id=row["id"],
                    post_id=row["post_id"],
                    channel_id=row["channel_id"],
                    guild_id=row["guild_id"],
                    thread_id=row["thread_id"],
                    digest_id=row["digest_id"],
                    position=row["position"],
                    story=story,
                    continues=row["continues"],
                    first_seen=datetime.fromisoformat(row["first_seen"]),
                    last_seen=datetime.fromisoformat(row["last_seen"]),
                    message_id=row["message_id"],
                )
            )
        return out

    # -- scheduled-post ledger -------------------------------------------------------------

    async def delivery(self, channel_id: int, local_date: date) -> Delivery | None:
        """The ledger row for a channel and local date, if any."""
        row = await self._db.fetchrow(
            "SELECT * FROM deliveries WHERE channel_id = ? AND local_date = ?",
            (channel_id, local_date.isoformat()),
        )
        return self._delivery(row) if row else None

    async def deliveries_on(
        self, keys: Sequence[tuple[int, date]]
    ) -> dict[tuple[int, date], Delivery]:
        """Ledger rows for many (channel, local date) pairs at once."""
        wanted = set(keys)
        days = sorted({day.isoformat() for _, day in wanted})
        result: dict[tuple[int, date], Delivery] = {}
        if not days:
            return result
        # By date (an index) rather than by pair: a handful of dates cover every channel.
        marks = ",".join("?" * len(days))
        rows = await self._db.fetch(f"SELECT * FROM deliveries WHERE local_date IN ({marks})", days)
        for row in rows:
            key = (row["channel_id"], date.fromisoformat(row["local_date"]))
            if key in wanted:
                result[key] = self._delivery(row)
        return result

    async def delivery_counts(self, local_date: date) -> dict[str, int]:
        """How many ledger rows of a local date are in each state."""
        rows = await self._db.fetch(
            "SELECT state, COUNT(*) AS n FROM deliveries WHERE local_date = ? GROUP BY state",
            (local_date.isoformat(),),
        )
        return {row["state"]: int(row["n"]) for row in rows}

    async def record_intent(
        self,
        channel_id: int,
        local_date: date,
        post_id: int,
        *,
        now: datetime,
        claimed_until: datetime | None = None,
    ) -> Delivery:
        """Record that the post is about to be sent; an existing row wins and is returned.

        The row's key makes this the claim between processes: the caller whose `post_id` the
        returned row holds sends the post; any other backs off. `claimed_until` tells other
        processes not to resume the row before then (`claim_unfinished`).
        """
        until = None if claimed_until is None else _iso(claimed_until)
        await self._write(
            "INSERT INTO deliveries (channel_id, local_date, state, post_id, updated_at, "
            "claimed_until) VALUES (?, ?, 'intent', ?, ?, ?) ON CONFLICT DO NOTHING",
            (channel_id, local_date.isoformat(), post_id, _iso(now), until),
        )
        found = await self.delivery(channel_id, local_date)
        assert found is not None
        return found

    async def claim_unfinished(
        self, channel_id: int, local_date: date, *, now: datetime, until: datetime
    ) -> Delivery | None:
        """Claim an unfinished intent to resume it, unless another process holds it.

        One statement, so atomic on both engines: of several processes claiming at once, one
        gets the row, the others None, until `until` has passed (the holder died) or the holder
        releases it (`release_claim`).
        """
        row = await self._db.fetchrow(
            "UPDATE deliveries SET claimed_until = ? WHERE channel_id = ? AND local_date = ? "
            "AND state = 'intent' AND (claimed_until IS NULL OR claimed_until <= ?) RETURNING *",
            (_iso(until), channel_id, local_date.isoformat(), _iso(now)),
        )
        return self._delivery(row) if row else None

    async def release_claim(self, channel_id: int, local_date: date) -> None:
        """Let any process resume an unfinished delivery at once (this one is stopping)."""
        await self._write(
            "UPDATE deliveries SET claimed_until = NULL WHERE channel_id = ? AND local_date = ? "
            "AND state = 'intent'",
            (channel_id, local_date.isoformat()),
        )

    async def record_sent(
        self, channel_id: int, local_date: date, message_id: int, *, now: datetime
    ) -> None:
        """Record that the day's digest is posted, with its first message."""
        await self._write(
            "UPDATE deliveries SET state = 'sent', message_id = ?, updated_at = ? "
            "WHERE channel_id = ? AND local_date = ?",
            (message_id, _iso(now), channel_id, local_date.isoformat()),
        )

    async def record_skipped(self, channel_id: int, local_date: date, *, now: datetime) -> bool:
        """Record that the day's digest is given up: past the catch-up window, still unsent.

        Never tried, it is skipped (missed); tried and failed before (`record_retry`), it is
        failed, with the last attempt's reason.

        Returns:
            True if this changed the ledger: no row, or an unfinished intent, was given up.

        """
        changed = await self._write(
            "INSERT INTO deliveries (channel_id, local_date, state, updated_at) "
            "VALUES (?, ?, 'skipped', ?) ON CONFLICT (channel_id, local_date) DO UPDATE SET "
            "state = CASE WHEN deliveries.attempts > 0 THEN 'failed' ELSE 'skipped' END, "
            "updated_at = excluded.updated_at, claimed_until = NULL "
            "WHERE deliveries.state = 'intent'",
            (channel_id, local_date.isoformat(), _iso(now)),
        )
        return changed > 0

    async def record_failed(
        self, channel_id: int, local_date: date, reason: str, *, now: datetime
    ) -> bool:
        """Record that the day's digest could not be posted, and why; no retry today.

        Returns:
            True if this changed the ledger: no row, or an unfinished intent, became failed (a
            sent or already given-up row stays as it is).

        """
        changed = await self._write(
            "INSERT INTO deliveries (channel_id, local_date, state, updated_at, reason, attempts) "
            "VALUES (?, ?, 'failed', ?, ?, 1) ON CONFLICT (channel_id, local_date) DO UPDATE SET "
            "state = 'failed', updated_at = excluded.updated_at, reason = excluded.reason, "
            "attempts = deliveries.attempts + 1, claimed_until = NULL "
            "WHERE deliveries.state = 'intent'",
            (channel_id, local_date.isoformat(), _iso(now), reason),
        )
        return changed > 0

    async def record_retry(
        self, channel_id: int, local_date: date, reason: str, *, now: datetime, retry_at: datetime
    ) -> int | None:
        """Record a failed attempt at an unfinished delivery, to be resumed from `retry_at` on.

        The intent stays (nothing is lost): `claim_unfinished` gives it to no process before
        `retry_at`, then to one, which resumes it from the messages already recorded.

        Returns:
            How many attempts have failed, this one included; None if the row is no intent.

        """
        row = await self._db.fetchrow(
            "UPDATE deliveries SET attempts = attempts + 1, reason = ?, claimed_until = ?, "
            "updated_at = ? WHERE channel_id = ? AND local_date = ? AND state = 'intent' "
            "RETURNING attempts",
            (reason, _iso(retry_at), _iso(now), channel_id, local_date.isoformat()),
        )
        return None if row is None else int(row["attempts"])

    async def recent_deliveries(self, channel_id: int, *, limit: int) -> list[Delivery]:
        """The channel's last `limit` ledger rows, latest local date first."""
        rows = await self._db.fetch(
            "SELECT * FROM deliveries WHERE channel_id = ? ORDER BY local_date DESC LIMIT ?",
            (channel_id, limit),
        )
        return [self._delivery(row) for row in rows]

    async def failures_since(self, since: datetime) -> list[Delivery]:
        """The deliveries that failed (were given up) at or after `since`, oldest first."""
        rows = await self._db.fetch(
            "SELECT * FROM deliveries WHERE state = 'failed' AND updated_at >= ? "
            "ORDER BY updated_at",
            (_iso(since),),
        )
        return [self._delivery(row) for row in rows]

    @staticmethod
    def _delivery(row: Row) -> Delivery:
        return Delivery(
            channel_id=row["channel_id"],
            local_date=date.fromisoformat(row["local_date"]),
            state=row["state"],
            post_id=row["post_id"],
            message_id=row["message_id"],
            updated_at=datetime.fromisoformat(row["updated_at"]),
            reason=row["reason"],
            attempts=int(row["attempts"]),
        )

    # -- digests built once across processes ------------------------------------------------

    async def claim_build(
        self, feeds: Sequence[str], slot: datetime, *, owner: str, now: datetime, until: datetime
    ) -> Build:
        """Claim building a feed set's digest for the channels due at `slot`; the row after.

        One statement, so atomic on both engines: of several processes claiming at once, one
        inserts the row (or takes over a claim that lapsed at `now` or was let go); a built
        row is never claimed again. The row returned says what the caller does: built, post
        its digest; claimed by `owner`, build it (`finish_build`); else wait for its owner.
        """
        key = _feeds_key(feeds)
        await self._write(
            "INSERT INTO builds (feeds_key, slot, owner, claimed_until) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (feeds_key, slot) DO UPDATE SET owner = excluded.owner, "
            "claimed_until = excluded.claimed_until WHERE builds.digest_id IS NULL "
            "AND (builds.claimed_until IS NULL OR builds.claimed_until <= ?)",
            (key, _iso(slot), owner, _iso(until), _iso(now)),
        )
        found = await self.build(feeds, slot)
        assert found is not None
        return found

    async def build(self, feeds: Sequence[str], slot: datetime) -> Build | None:
        """The build row of a feed set and minute, if any process claimed it."""
        row = await self._db.fetchrow(
            "SELECT * FROM builds WHERE feeds_key = ? AND slot = ?", (_feeds_key(feeds), _iso(slot))
        )
        return self._build(row) if row else None

    async def renew_build(
        self, feeds: Sequence[str], slot: datetime, *, owner: str, until: datetime
    ) -> bool:
        """Extend `owner`'s claim while it builds; False if the claim is no longer its own."""
        changed = await self._write(
            "UPDATE builds SET claimed_until = ? WHERE feeds_key = ? AND slot = ? AND owner = ? "
            "AND digest_id IS NULL",
            (_iso(until), _feeds_key(feeds), _iso(slot), owner),
        )
        return changed > 0

    async def finish_build(
        self, feeds: Sequence[str], slot: datetime, digest_id: int, *, now: datetime
    ) -> int:
        """Record the stored digest built for a feed set and minute; the id the row holds after.

        The first to finish wins: a builder whose claim lapsed and was taken over may finish
        second, and then gets the winner's id, so every channel due then posts the same digest.
        """
        key, at = _feeds_key(feeds), _iso(slot)
        await self._write(
            "UPDATE builds SET digest_id = ?, built_at = ?, claimed_until = NULL "
            "WHERE feeds_key = ? AND slot = ? AND digest_id IS NULL",
            (digest_id, _iso(now), key, at),
        )
        found = await self._db.fetchval(
            "SELECT digest_id FROM builds WHERE feeds_key = ? AND slot = ?", (key, at)
        )
        return digest_id if found is None else int(found)

    async def release_build(self, feeds: Sequence[str], slot: datetime, *, owner: str) -> None:
        """Let any process claim the build at once (`owner` failed to build it)."""
        await self._write(
            "UPDATE builds SET claimed_until = NULL WHERE feeds_key = ? AND slot = ? "
            "AND owner = ? AND digest_id IS NULL",
            (_feeds_key(feeds), _iso(slot), owner),
        )

    async def digest(self, digest_id: int) -> Digest | None:
        """A stored digest, source texts included, by id."""
        found = await self._db.fetchval("SELECT digest FROM digests WHERE id = ?", (digest_id,))
        return None if found is None else Digest.from_dict(json.loads(found))

    async def last_build(self) -> datetime | None:
        """When the latest scheduled digest was built, by any process."""
        found = await self._db.fetchval("SELECT MAX(built_at) FROM builds")
        return None if found is None else datetime.fromisoformat(found)

    @staticmethod
    def _build(row: Row) -> Build:
        return Build(
            slot=datetime.fromisoformat(row["slot"]),
            owner=row["owner"],
            claimed_until=_moment(row["claimed_until"]),
            digest_id=row["digest_id"],
            built_at=_moment(row["built_at"]),
        )

    # -- shard heartbeats --------------------------------------------------------------------

    async def record_shards(self, beats: Sequence[ShardBeat]) -> None:
        """Record each shard's heartbeat (the latest wins, whichever process sent it)."""
        async with self._db.transaction() as tx:
            for beat in beats:
                await tx.execute(
                    "INSERT INTO shards (shard_id, shard_count, process, connected, latency_ms, "
                    "seen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (shard_id, shard_count) "
                    "DO UPDATE SET process = excluded.process, connected = excluded.connected, "
                    "latency_ms = excluded.latency_ms, seen_at = excluded.seen_at",
                    (
                        beat.shard_id,
                        beat.shard_count,
                        beat.process,
                        int(beat.connected),
                        beat.latency_ms,
                        _iso(beat.seen_at),
                    ),
                )

    async def shard_beats(self) -> list[ShardBeat]:
        """Every shard's latest heartbeat."""
        rows = await self._db.fetch("SELECT * FROM shards ORDER BY shard_count, shard_id")
        return [
            ShardBeat(
                shard_id=row["shard_id"],
                shard_count=row["shard_count"],
                process=row["process"],
                connected=bool(row["connected"]),
                latency_ms=row["latency_ms"],
                seen_at=datetime.fromisoformat(row["seen_at"]),
            )
            for row in rows
        ]

    # -- retention -------------------------------------------------------------------------

    async def prune(
        self,
        *,
        now: datetime,
        retention: Retention = RETENTION,
        batch: int = PRUNE_BATCH,
        max_batches: int = PRUNE_MAX_BATCHES,
    ) -> dict[str, int]:
        """Delete the rows older than `retention` that nothing reads any more.

        Kept whatever their age: a build or delivery whose claim (lease or retry wait) runs
        past `now`, the latest build, an unfinished delivery's post, each channel's latest
        posted digest, and any digest a kept post or build shows. A telling whose earlier
        telling goes starts its timeline there (it keeps its day number).

        Bounded: at most `max_batches` transactions of `batch` rows per table. Safe beside
        other processes pruning or posting: each delete names only rows that stay unneeded
        (nothing new ever refers to an old row), so a row deleted twice is deleted once.

        Returns:
            The rows deleted, by table.

        """
        counts = dict.fromkeys(
            ("builds", "posts", "stories", "turns", "digests", "deliveries", "shards"), 0
        )
        at = _iso(now)
        for _ in range(max_batches):
            deleted = await self._write(
                "DELETE FROM builds WHERE (feeds_key, slot) IN (SELECT feeds_key, slot "
                "FROM builds WHERE slot < ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                "AND (built_at IS NULL OR built_at < (SELECT MAX(built_at) FROM builds)) "
                "LIMIT ?)",
                (_iso(now - retention.builds), at, batch),
            )
            counts["builds"] += deleted
            if deleted < batch:
                break
        for _ in range(max_batches):
            if not await self._prune_posts(now - retention.posts, batch, counts):
                break
        for _ in range(max_batches):
            # After the posts and builds: a digest goes once nothing shows it.
            deleted = await self._write(
                "DELETE FROM digests WHERE id IN (SELECT d.id FROM digests d "
                "WHERE d.created_at < ? "
                "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.digest_id = d.id) "
                "AND NOT EXISTS (SELECT 1 FROM builds b WHERE b.digest_id = d.id) "
                "ORDER BY d.id LIMIT ?)",
                (_iso(now - retention.posts), batch),
            )
            counts["digests"] += deleted
            if deleted < batch:
                break
        for _ in range(max_batches):
            deleted = await self._write(
                "DELETE FROM deliveries WHERE (channel_id, local_date) IN (SELECT channel_id, "
                "local_date FROM deliveries WHERE local_date < ? "
                "AND (claimed_until IS NULL OR claimed_until <= ?) LIMIT ?)",
                ((now - retention.deliveries).date().isoformat(), at, batch),
            )
            counts["deliveries"] += deleted
            if deleted < batch:
                break
        # One row per shard and shard count: a handful, in one statement.
        counts["shards"] = await self._write(
            "DELETE FROM shards WHERE seen_at < ?", (_iso(now - retention.heartbeats),)
        )
        return counts

    async def _prune_posts(self, before: datetime, batch: int, counts: dict[str, int]) -> bool:
        """Delete one batch of old posts nothing reads, with their stories and turns.

        Returns:
            Whether a full batch went (there may be more).

        """
        async with self._db.transaction() as tx:
            rows = await tx.fetch(
                "SELECT id FROM posts WHERE created_at < ? "
                # /ask in a channel reads its latest posted digest, however old.
                "AND id NOT IN (SELECT MAX(id) FROM posts WHERE message_ids != '[]' "
                "GROUP BY channel_id) "
                # An unfinished delivery resumes its post.
                "AND id NOT IN (SELECT post_id FROM deliveries WHERE state = 'intent' "
                "AND post_id IS NOT NULL) ORDER BY id LIMIT ?",
                (_iso(before), batch),
            )
            ids = [int(row["id"]) for row in rows]
            if not ids:
                return False
            marks = ",".join("?" * len(ids))
            # A kept telling that continued a pruned one starts its timeline there.
            await tx.execute(
                "UPDATE stories SET continues = NULL WHERE continues IN "
                f"(SELECT id FROM stories WHERE post_id IN ({marks}))",
                ids,
            )
            counts["stories"] += await tx.execute(
                f"DELETE FROM stories WHERE post_id IN ({marks})", ids
            )
            counts["turns"] += await tx.execute(
                f"DELETE FROM turns WHERE conversation_id IN ({marks})", ids
            )
            counts["posts"] += await tx.execute(f"DELETE FROM posts WHERE id IN ({marks})", ids)
        return len(ids) == batch

    # -- follow-up turns -------------------------------------------------------------------

    async def add_turn(
        self, conversation_id: int, question: str, answer: Answer, *, now: datetime
    ) -> None:
        """Remember a question about a post (`conversation_id` is the post's id) and its answer."""
        await self._write(
            "INSERT INTO turns (conversation_id, question, answer, created_at) VALUES (?, ?, ?, ?)",
            (conversation_id, question, answer.to_json(), _iso(now)),
        )

    async def turns(self, conversation_id: int, *, limit: int) -> list[Turn]:
        """The last `limit` turns of a conversation, oldest first."""
        if limit <= 0:
            return []
        rows = await self._db.fetch(
            "SELECT question, answer FROM turns WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
            (conversation_id, limit),
        )
        return [Turn(r["question"], Answer.from_json(r["answer"])) for r in reversed(rows)]
