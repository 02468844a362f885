"""The bot's state in one SQLite file (aiosqlite); cogs call these typed methods and write no SQL.

Tables:
    subscriptions    one daily digest per channel: local time and IANA zone
    channel_sources  the feeds a channel has added (none: the configured default feeds)
    digests          every digest posted: channel, messages, thread, and the digest itself with
                     its source texts, so /ask works after a restart
    deliveries       the scheduled-post ledger, one row per channel and local date: the intent is
                     recorded before anything is sent and the message ids after, so a restart
                     neither loses nor repeats a daily digest
    turns            the last few questions and answers per thread, for follow-ups
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo

import aiosqlite

from summarizer.models import Answer, Digest, Turn

__all__ = [
    "Delivery",
    "DeliveryState",
    "PostedDigest",
    "Storage",
    "Subscription",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
TURNS_KEPT = 8  # per thread; the QA history uses the last [qa] history_turns of them

DeliveryState = Literal["intent", "sent", "skipped"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    channel_id  INTEGER PRIMARY KEY,
    guild_id    INTEGER,
    local_time  TEXT NOT NULL,           -- HH:MM
    tz          TEXT NOT NULL,           -- IANA name
    created_at  TEXT NOT NULL            -- ISO UTC; no digest is due before this instant
);
CREATE TABLE IF NOT EXISTS channel_sources (
    channel_id  INTEGER NOT NULL,
    url         TEXT NOT NULL,
    title       TEXT,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (channel_id, url)
);
CREATE TABLE IF NOT EXISTS digests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id  INTEGER NOT NULL,
    guild_id    INTEGER,
    thread_id   INTEGER,
    message_ids TEXT NOT NULL DEFAULT '[]',
    digest      TEXT NOT NULL,           -- Digest.to_dict(), source texts included
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS digests_by_channel ON digests (channel_id, id);
CREATE INDEX IF NOT EXISTS digests_by_thread ON digests (thread_id);
CREATE TABLE IF NOT EXISTS deliveries (
    channel_id  INTEGER NOT NULL,
    local_date  TEXT NOT NULL,           -- YYYY-MM-DD in the subscription's zone
    state       TEXT NOT NULL,           -- intent | sent | skipped
    digest_id   INTEGER,
    message_id  INTEGER,                 -- the first message, once sent
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (channel_id, local_date)
);
CREATE INDEX IF NOT EXISTS deliveries_by_date ON deliveries (local_date);
CREATE TABLE IF NOT EXISTS turns (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id   INTEGER NOT NULL,
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL,           -- Answer as JSON
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_thread ON turns (thread_id, id);
"""


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel's daily digest: at `local_time` in zone `tz`, from `created_at` on."""

    channel_id: int
    guild_id: int | None
    local_time: time
    tz: str
    created_at: datetime

    @property
    def zone(self) -> ZoneInfo:
        """The subscription's time zone."""
        return ZoneInfo(self.tz)


@dataclass(frozen=True, slots=True)
class PostedDigest:
    """A digest as posted in a channel, with the messages and thread that carry it."""

    id: int
    channel_id: int
    guild_id: int | None
    thread_id: int | None
    message_ids: list[int]
    digest: Digest
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One row of the scheduled-post ledger."""

    channel_id: int
    local_date: date
    state: DeliveryState
    digest_id: int | None
    message_id: int | None
    updated_at: datetime


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware UTC time")
    return moment.astimezone(UTC).isoformat()


def _answer_to_json(answer: Answer) -> str:
    return json.dumps(
        {
            "text": answer.text,
            "citations": answer.citations,
            "answered": answer.answered,
            "short_answer": answer.short_answer,
            "evidence": answer.evidence,
            "generated": answer.generated,
        }
    )


def _answer_from_json(raw: str) -> Answer:
    data = json.loads(raw)
    return Answer(
        text=data["text"],
        citations=[int(c) for c in data.get("citations", [])],
        answered=bool(data.get("answered")),
        short_answer=data.get("short_answer"),
        evidence=list(data.get("evidence", [])),
        generated=bool(data.get("generated", False)),
    )


class Storage:
    """Typed access to the bot's SQLite file; open with `await Storage.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        self._db = db
        self.path = path

    @classmethod
    async def open(cls, path: str | Path) -> Storage:
        """Open (creating if needed) the database at `path`; ":memory:" works for tests."""
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path)
        db.row_factory = aiosqlite.Row
        # WAL: readers never block the writer, and a commit survives a kill of the process.
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.executescript(_SCHEMA)
        await db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        await db.commit()
        return cls(db, path)

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

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Cursor:
        cursor = await self._db.execute(sql, params)
        # Committed before the caller acknowledges anything: a kill right after loses nothing.
        await self._db.commit()
        return cursor

    # -- subscriptions ---------------------------------------------------------------------

    async def subscribe(
        self, channel_id: int, guild_id: int | None, local_time: time, tz: str, *, now: datetime
    ) -> Subscription:
        """Store (or replace) the channel's daily digest; committed when this returns."""
        ZoneInfo(tz)  # raises on an unknown zone before anything is written
        await self._write(
            "INSERT INTO subscriptions (channel_id, guild_id, local_time, tz, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
            "guild_id = excluded.guild_id, local_time = excluded.local_time, tz = excluded.tz, "
            "created_at = excluded.created_at",
            (channel_id, guild_id, local_time.strftime("%H:%M"), tz, _iso(now)),
        )
        return Subscription(channel_id, guild_id, local_time.replace(second=0), tz, now)

    async def unsubscribe(self, channel_id: int) -> bool:
        """End the channel's subscription; False if it had none."""
        cursor = await self._write("DELETE FROM subscriptions WHERE channel_id = ?", (channel_id,))
        return cursor.rowcount > 0

    async def subscription(self, channel_id: int) -> Subscription | None:
        """The channel's subscription, if any."""
        async with self._db.execute(
            "SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return self._subscription(row) if row else None

    async def subscriptions(self) -> list[Subscription]:
        """Every subscription."""
        async with self._db.execute("SELECT * FROM subscriptions ORDER BY channel_id") as cursor:
            rows = await cursor.fetchall()
        return [self._subscription(r) for r in rows]

    @staticmethod
    def _subscription(row: aiosqlite.Row) -> Subscription:
        return Subscription(
            channel_id=row["channel_id"],
            guild_id=row["guild_id"],
            local_time=time.fromisoformat(row["local_time"]),
            tz=row["tz"],
            created_at=datetime.fromisoformat(row["created_at"]),
        )

    # -- channel sources -------------------------------------------------------------------

    async def add_source(
        self, channel_id: int, url: str, *, title: str | None = None, now: datetime
    ) -> bool:
        """Add a feed to the channel; False if it was already there."""
        cursor = await self._write(
            "INSERT OR IGNORE INTO channel_sources (channel_id, url, title, added_at) "
            "VALUES (?, ?, ?, ?)",
            (channel_id, url, title, _iso(now)),
        )
        return cursor.rowcount > 0

    async def remove_source(self, channel_id: int, url: str) -> bool:
        """Remove a feed from the channel; False if it was not there."""
        cursor = await self._write(
            "DELETE FROM channel_sources WHERE channel_id = ? AND url = ?", (channel_id, url)
        )
        return cursor.rowcount > 0

    async def sources(self, channel_id: int) -> list[tuple[str, str | None]]:
        """The channel's feeds as (url, title), in the order they were added."""
        async with self._db.execute(
            "SELECT url, title FROM channel_sources WHERE channel_id = ? ORDER BY added_at, url",
            (channel_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [(r["url"], r["title"]) for r in rows]

    async def sources_by_channel(self, channel_ids: Sequence[int]) -> dict[int, list[str]]:
        """Feed URLs of many channels in one query (channels with none are left out)."""
        result: dict[int, list[str]] = {}
        ids = list(channel_ids)
        # SQLite limits bound parameters (999 in old builds): query in chunks.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            async with self._db.execute(
                f"SELECT channel_id, url FROM channel_sources WHERE channel_id IN ({marks}) "
                "ORDER BY added_at, url",
                chunk,
            ) as cursor:
                for row in await cursor.fetchall():
                    result.setdefault(row["channel_id"], []).append(row["url"])
        return result

    # -- posted digests --------------------------------------------------------------------

    async def add_digest(
        self,
        channel_id: int,
        guild_id: int | None,
        digest: Digest,
        *,
        now: datetime,
        message_ids: Sequence[int] = (),
        thread_id: int | None = None,
    ) -> int:
        """Store a digest (before or after posting it); returns its id."""
        cursor = await self._write(
            "INSERT INTO digests (channel_id, guild_id, thread_id, message_ids, digest, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                channel_id,
                guild_id,
                thread_id,
                json.dumps(list(message_ids)),
                json.dumps(digest.to_dict(with_text=True)),
                _iso(now),
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def set_digest_messages(
        self, digest_id: int, message_ids: Sequence[int], *, thread_id: int | None = None
    ) -> None:
        """Record the messages (and thread) that carry a stored digest."""
        await self._write(
            "UPDATE digests SET message_ids = ?, thread_id = COALESCE(?, thread_id) WHERE id = ?",
            (json.dumps(list(message_ids)), thread_id, digest_id),
        )

    async def digest(self, digest_id: int) -> PostedDigest | None:
        """A stored digest by id."""
        async with self._db.execute("SELECT * FROM digests WHERE id = ?", (digest_id,)) as cursor:
            row = await cursor.fetchone()
        return self._posted(row) if row else None

    async def latest_digest(self, channel_id: int) -> PostedDigest | None:
        """The latest digest actually posted in the channel."""
        async with self._db.execute(
            "SELECT * FROM digests WHERE channel_id = ? AND message_ids != '[]' "
            "ORDER BY id DESC LIMIT 1",
            (channel_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return self._posted(row) if row else None

    async def digest_for_thread(self, thread_id: int) -> PostedDigest | None:
        """The digest whose follow-up thread this is."""
        async with self._db.execute(
            "SELECT * FROM digests WHERE thread_id = ? ORDER BY id DESC LIMIT 1", (thread_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return self._posted(row) if row else None

    @staticmethod
    def _posted(row: aiosqlite.Row) -> PostedDigest:
        return PostedDigest(
            id=row["id"],
            channel_id=row["channel_id"],
            guild_id=row["guild_id"],
            thread_id=row["thread_id"],
            message_ids=[int(m) for m in json.loads(row["message_ids"])],
            digest=Digest.from_dict(json.loads(row["digest"])),
            created_at=datetime.fromisoformat(row["created_at"]),
        )

    # -- scheduled-post ledger -------------------------------------------------------------

    async def delivery(self, channel_id: int, local_date: date) -> Delivery | None:
        """The ledger row for a channel and local date, if any."""
        async with self._db.execute(
            "SELECT * FROM deliveries WHERE channel_id = ? AND local_date = ?",
            (channel_id, local_date.isoformat()),
        ) as cursor:
            row = await cursor.fetchone()
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
        async with self._db.execute(
            f"SELECT * FROM deliveries WHERE local_date IN ({marks})", days
        ) as cursor:
            rows = await cursor.fetchall()
        for row in rows:
            key = (row["channel_id"], date.fromisoformat(row["local_date"]))
            if key in wanted:
                result[key] = self._delivery(row)
        return result

    async def delivery_counts(self, local_date: date) -> dict[str, int]:
        """How many ledger rows of a local date are in each state."""
        async with self._db.execute(
            "SELECT state, COUNT(*) AS n FROM deliveries WHERE local_date = ? GROUP BY state",
            (local_date.isoformat(),),
        ) as cursor:
            return {row["state"]: row["n"] for row in await cursor.fetchall()}

    async def record_intent(
        self, channel_id: int, local_date: date, digest_id: int, *, now: datetime
    ) -> Delivery:
        """Record that the digest is about to be sent; an existing row wins and is returned."""
        await self._write(
            "INSERT OR IGNORE INTO deliveries (channel_id, local_date, state, digest_id, "
            "updated_at) VALUES (?, ?, 'intent', ?, ?)",
            (channel_id, local_date.isoformat(), digest_id, _iso(now)),
        )
        found = await self.delivery(channel_id, local_date)
        assert found is not None
        return found

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
        """Record that the day's digest is given up (missed, or channel unusable).

        Returns:
            True if this changed the ledger: no row, or an unfinished intent, became skipped.

        """
        cursor = await self._write(
            "INSERT INTO deliveries (channel_id, local_date, state, updated_at) "
            "VALUES (?, ?, 'skipped', ?) ON CONFLICT (channel_id, local_date) DO UPDATE SET "
            "state = 'skipped', updated_at = excluded.updated_at WHERE state = 'intent'",
            (channel_id, local_date.isoformat(), _iso(now)),
        )
        return cursor.rowcount > 0

    @staticmethod
    def _delivery(row: aiosqlite.Row) -> Delivery:
        return Delivery(
            channel_id=row["channel_id"],
            local_date=date.fromisoformat(row["local_date"]),
            state=row["state"],
            digest_id=row["digest_id"],
            message_id=row["message_id"],
            updated_at=datetime.fromisoformat(row["updated_at"]),
        )

    # -- follow-up turns -------------------------------------------------------------------

    async def add_turn(
        self, thread_id: int, question: str, answer: Answer, *, now: datetime
    ) -> None:
        """Remember a question and its answer in a thread, keeping the last few."""
        await self._db.execute(
            "INSERT INTO turns (thread_id, question, answer, created_at) VALUES (?, ?, ?, ?)",
            (thread_id, question, _answer_to_json(answer), _iso(now)),
        )
        await self._write(
            "DELETE FROM turns WHERE thread_id = ? AND id NOT IN "
            "(SELECT id FROM turns WHERE thread_id = ? ORDER BY id DESC LIMIT ?)",
            (thread_id, thread_id, TURNS_KEPT),
        )

    async def turns(self, thread_id: int, *, limit: int) -> list[Turn]:
        """The last `limit` turns of a thread, oldest first."""
        if limit <= 0:
            return []
        async with self._db.execute(
            "SELECT question, answer FROM turns WHERE thread_id = ? ORDER BY id DESC LIMIT ?",
            (thread_id, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [Turn(r["question"], _answer_from_json(r["answer"])) for r in reversed(rows)]
