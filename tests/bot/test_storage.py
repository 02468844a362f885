"""Storage: every table round-trips model objects and survives reopening."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfoNotFoundError

import pytest

from bot.db import DatabaseUnavailable
from bot.storage import SCHEMA_VERSION, Storage
from summarizer.filters import StoryFilter, parse_filter
from summarizer.models import Answer, Continuation

from .helpers import make_digest

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def storage(db_url):
    store = await Storage.open(db_url)
    yield store
    await store.close()


async def test_subscription_roundtrip_and_replace(storage):
    """A subscription is stored, replaced by a second /subscribe, and removed."""
    sub = await storage.subscribe(10, 1, time(8, 30), "Europe/Paris", now=NOW)
    assert sub.local_time == time(8, 30)
    assert await storage.subscription(10) == sub
    await storage.subscribe(10, 1, time(9, 0), "Asia/Tokyo", now=NOW)
    again = await storage.subscription(10)
    assert again is not None and again.tz == "Asia/Tokyo" and again.local_time == time(9, 0)
    assert [s.channel_id for s in await storage.subscriptions()] == [10]
    assert await storage.unsubscribe(10) is True
    assert await storage.unsubscribe(10) is False
    assert await storage.subscription(10) is None


async def test_unknown_zone_is_refused_before_writing(storage):
    """An unknown zone raises and stores nothing."""
    with pytest.raises(ZoneInfoNotFoundError):
        await storage.subscribe(10, 1, time(8, 0), "Mars/Olympus", now=NOW)
    assert await storage.subscriptions() == []


async def test_feeds_per_channel(storage):
    """Feeds are per channel, deduplicated, and removable."""
    assert await storage.add_feed(1, "https://a.example/rss", title="A", now=NOW)
    assert not await storage.add_feed(1, "https://a.example/rss", now=NOW)
    assert await storage.add_feed(1, "https://b.example/rss", now=NOW)
    assert await storage.add_feed(2, "https://c.example/rss", now=NOW)
    assert await storage.feeds(1) == [
        ("https://a.example/rss", "A"),
        ("https://b.example/rss", None),
    ]
    assert await storage.feeds_by_channel([1, 2, 3]) == {
        1: ["https://a.example/rss", "https://b.example/rss"],
        2: ["https://c.example/rss"],
    }
    assert await storage.remove_feed(1, "https://a.example/rss")
    assert not await storage.remove_feed(1, "https://a.example/rss")


async def test_digest_survives_reopen_with_source_texts(db_url):
    """A posted digest, its thread and its source texts are there after a restart."""
    path = db_url
    store = await Storage.open(path)
    digest = make_digest(2)
    digest_id = await store.add_digest(digest, now=NOW)
    post_id = await store.add_post(5, 1, digest_id, now=NOW)
    assert await store.latest_post(5) is None  # stored but not yet posted
    await store.set_post_messages(post_id, [100, 101], thread_id=100)
    await store.close()

    store = await Storage.open(path)
    posted = await store.latest_post(5)
    assert posted is not None and posted.message_ids == [100, 101] and posted.thread_id == 100
    assert posted.digest.stories[0].sources[0].text.startswith("Story 1 text")
    assert (await store.post_for_thread(100)).id == post_id
    assert posted.digest_id == digest_id
    assert await store.post_for_thread(999) is None
    await store.close()


async def test_ledger_intent_then_sent(storage):
    """The first intent wins; sent is final; skipped only fills empty or intent rows."""
    day = date(2026, 3, 1)
    digest_id = await storage.add_digest(make_digest(1), now=NOW)
    d1 = await storage.add_post(5, 1, digest_id, now=NOW)
    d2 = await storage.add_post(5, 1, digest_id, now=NOW)
    row = await storage.record_intent(5, day, d1, now=NOW)
    assert row.state == "intent" and row.post_id == d1
    row = await storage.record_intent(5, day, d2, now=NOW)
    assert row.post_id == d1  # the existing intent is kept
    await storage.record_sent(5, day, 777, now=NOW)
    rows = await storage.deliveries_on([(5, day), (6, day)])
    assert list(rows) == [(5, day)] and rows[(5, day)].state == "sent"
    assert rows[(5, day)].message_id == 777
    assert not await storage.record_skipped(5, day, now=NOW)
    assert (await storage.delivery(5, day)).state == "sent"
    assert await storage.record_skipped(6, day, now=NOW)
    assert await storage.delivery_counts(day) == {"sent": 1, "skipped": 1}


async def test_turns_read_the_last_few(storage):
    """The last turns of a conversation come back oldest first, answers whole."""
    for i in range(12):
        answer = Answer(f"a{i}", [1], True, short_answer=f"s{i}", evidence=[f"e{i}"])
        await storage.add_turn(7, f"q{i}", answer, now=NOW)
    turns = await storage.turns(7, limit=3)
    assert [t.question for t in turns] == ["q9", "q10", "q11"]
    assert turns[-1].answer == Answer("a11", [1], True, short_answer="s11", evidence=["e11"])
    assert await storage.turns(8, limit=3) == []


async def test_unfinished_intent_can_be_given_up(storage):
    """An intent left by a crash long ago becomes skipped; a sent row never does."""
    day = date(2026, 3, 2)
    digest_id = await storage.add_digest(make_digest(1), now=NOW)
    d1 = await storage.add_post(5, 1, digest_id, now=NOW)
    await storage.record_intent(5, day, d1, now=NOW)
    assert await storage.record_skipped(5, day, now=NOW)
    assert (await storage.delivery(5, day)).state == "skipped"
    assert not await storage.record_skipped(5, day, now=NOW)


# The schema this bot wrote before posts and digests were split (user_version 1), verbatim.
V1_SCHEMA = """
CREATE TABLE subscriptions (channel_id INTEGER PRIMARY KEY, guild_id INTEGER,
    local_time TEXT NOT NULL, tz TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE channel_sources (channel_id INTEGER NOT NULL, url TEXT NOT NULL, title TEXT,
    added_at TEXT NOT NULL, PRIMARY KEY (channel_id, url));
CREATE TABLE digests (id INTEGER PRIMARY KEY AUTOINCREMENT, channel_id INTEGER NOT NULL,
    guild_id INTEGER, thread_id INTEGER, message_ids TEXT NOT NULL DEFAULT '[]',
    digest TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX digests_by_channel ON digests (channel_id, id);
CREATE INDEX digests_by_thread ON digests (thread_id);
CREATE TABLE deliveries (channel_id INTEGER NOT NULL, local_date TEXT NOT NULL,
    state TEXT NOT NULL, digest_id INTEGER, message_id INTEGER, updated_at TEXT NOT NULL,
    PRIMARY KEY (channel_id, local_date));
CREATE INDEX deliveries_by_date ON deliveries (local_date);
CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER NOT NULL,
    question TEXT NOT NULL, answer TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX turns_by_thread ON turns (thread_id, id);
PRAGMA user_version=1;
"""


def write_v1_database(path):
    """A version-1 file: a subscription, a feed, two posted digests, a delivery, three turns."""
    import json
    import sqlite3

    stamp = NOW.isoformat()
    old_answer = json.dumps({"text": "On Monday [1].", "citations": [1], "answered": True})
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.execute("INSERT INTO subscriptions VALUES (5, 1, '08:30', 'Europe/Paris', ?)", (stamp,))
    db.execute("INSERT INTO channel_sources VALUES (5, 'https://a.example/rss', 'A', ?)", (stamp,))
    for digest_id, thread in ((1, 100), (2, None)):
        db.execute(
            "INSERT INTO digests VALUES (?, 5, 1, ?, ?, ?, ?)",
            (
                digest_id,
                thread,
                json.dumps([100 + digest_id]),
                json.dumps(make_digest(1).to_dict()),
                stamp,
            ),
        )
    db.execute("INSERT INTO deliveries VALUES (5, '2026-03-01', 'sent', 1, 101, ?)", (stamp,))
    for conversation in (100, 100, -2):  # thread 100 is digest 1's; -2 is digest 2 (no thread)
        db.execute(
            "INSERT INTO turns (thread_id, question, answer, created_at) VALUES (?, 'q', ?, ?)",
            (conversation, old_answer, stamp),
        )
    db.commit()
    db.close()


async def test_a_version_1_database_opens_with_everything_kept(tmp_path):
    """Subscriptions, feeds, posts, the ledger and conversations survive the migration."""
    path = tmp_path / "old.sqlite3"
    write_v1_database(path)
    store = await Storage.open(path)
    try:
        assert (await store.subscription(5)).tz == "Europe/Paris"
        assert await store.feeds(5) == [("https://a.example/rss", "A")]
        threaded = await store.post_for_thread(100)
        assert threaded.id == 1 and threaded.digest_id == 1 and threaded.message_ids == [101]
        assert threaded.digest.stories[0].headline == "Headline of story 1"
        assert (await store.latest_post(5)).id == 2
        assert (await store.delivery(5, date(2026, 3, 1))).post_id == 1
        first = await store.turns(1, limit=5)
        assert [t.answer for t in first] == [Answer("On Monday [1].", [1], True)] * 2
        assert len(await store.turns(2, limit=5)) == 1
        new_digest = await store.add_digest(make_digest(1), now=NOW)
        assert new_digest == 3  # ids continue after the migrated ones
    finally:
        await store.close()
    store = await Storage.open(path)  # and a second open changes nothing
    assert (await store.post_for_thread(100)).id == 1
    await store.close()


async def test_a_failed_migration_loses_nothing(tmp_path, monkeypatch):
    """A migration that dies midway rolls back: the file is still version 1, whole."""
    import sqlite3

    from bot import storage as storage_module

    path = tmp_path / "old.sqlite3"
    write_v1_database(path)
    broken = storage_module._MIGRATIONS[1] + "\nINSERT INTO no_such_table VALUES (1);"
    monkeypatch.setitem(storage_module._MIGRATIONS, 1, broken)
    with pytest.raises(sqlite3.OperationalError):
        await Storage.open(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.execute("SELECT tz FROM subscriptions").fetchall() == [("Europe/Paris",)]
    assert db.execute("SELECT COUNT(*) FROM channel_sources").fetchone()[0] == 1
    db.close()
    monkeypatch.undo()
    store = await Storage.open(path)
    assert (await store.subscription(5)) is not None
    await store.close()


V2_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    channel_id  INTEGER PRIMARY KEY,
    guild_id    INTEGER,
    local_time  TEXT NOT NULL,           -- HH:MM
    tz          TEXT NOT NULL,           -- IANA name
    created_at  TEXT NOT NULL            -- ISO UTC; no digest is due before this instant
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
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS posts_by_channel ON posts (channel_id, id);
CREATE INDEX IF NOT EXISTS posts_by_thread ON posts (thread_id);
CREATE TABLE IF NOT EXISTS deliveries (
    channel_id  INTEGER NOT NULL,
    local_date  TEXT NOT NULL,           -- YYYY-MM-DD in the subscription's zone
    state       TEXT NOT NULL,           -- intent | sent | skipped
    post_id     INTEGER,
    message_id  INTEGER,                 -- the first message, once sent
    updated_at  TEXT NOT NULL,
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
PRAGMA user_version=2;
"""


async def test_a_version_2_database_keeps_its_subscriptions_and_posts(tmp_path):
    """A file from before filters opens: its subscription and post are kept, every story shown."""
    import json
    import sqlite3

    path = tmp_path / "v2.sqlite3"
    stamp = NOW.isoformat()
    db = sqlite3.connect(path)
    db.executescript(V2_SCHEMA)
    db.execute("INSERT INTO subscriptions VALUES (5, 1, '08:30', 'Europe/Paris', ?)", (stamp,))
    db.execute(
        "INSERT INTO digests VALUES (1, ?, ?)", (json.dumps(make_digest(3).to_dict()), stamp)
    )
    db.execute("INSERT INTO posts VALUES (1, 1, 5, 1, 100, '[101]', ?)", (stamp,))
    db.execute("INSERT INTO deliveries VALUES (5, '2026-03-01', 'intent', 1, NULL, ?)", (stamp,))
    db.commit()
    db.close()
    store = await Storage.open(path)
    try:
        sub = await store.subscription(5)
        assert sub.tz == "Europe/Paris" and sub.local_time == time(8, 30)
        assert sub.story_filter == StoryFilter()
        posted = await store.post(1)
        assert len(posted.digest.stories) == 3 and posted.shown is None
        assert posted.qa_key == 1
        assert (await store.delivery(5, date(2026, 3, 1))).state == "intent"
        updated = await store.set_filter(5, parse_filter(include="harbour"))
        assert updated.story_filter.include == ("harbour",)
    finally:
        await store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


async def test_subscription_filters_are_stored_kept_and_cleared(storage):
    """/subscribe stores a filter; a second /subscribe without one keeps it; set_filter clears."""
    wanted = parse_filter(include='climate, "sea level"', exclude="celebrity", min_outlets=2)
    sub = await storage.subscribe(10, 1, time(8, 30), "UTC", now=NOW, story_filter=wanted)
    assert sub.story_filter == wanted
    await storage.subscribe(10, 1, time(9, 0), "UTC", now=NOW)  # a new time, filter untouched
    again = await storage.subscription(10)
    assert again.local_time == time(9, 0) and again.story_filter == wanted
    assert (await storage.set_filter(10, StoryFilter())).story_filter == StoryFilter()
    assert await storage.set_filter(99, wanted) is None  # no subscription there
    await storage.subscribe(11, 1, time(8, 0), "UTC", now=NOW, story_filter=wanted)
    assert (await storage.subscriptions())[1].story_filter == wanted


async def test_a_post_shows_the_stories_its_filter_kept(storage):
    """A post stores the stories shown; it reads back as that digest, the rest counted out."""
    digest_id = await storage.add_digest(make_digest(3), now=NOW)
    all_id = await storage.add_post(5, 1, digest_id, now=NOW)
    some_id = await storage.add_post(6, 1, digest_id, now=NOW, shown=[0, 2])
    none_id = await storage.add_post(7, 1, digest_id, now=NOW, shown=[])
    every, some, nothing = [await storage.post(i) for i in (all_id, some_id, none_id)]
    assert [s.id for s in every.digest.stories] == ["s1", "s2", "s3"]
    assert [s.id for s in some.digest.stories] == ["s1", "s3"] and some.digest.filtered_out == 1
    assert nothing.digest.stories == [] and nothing.digest.why_empty.startswith("no story matched")
    assert len({every.qa_key, some.qa_key, nothing.qa_key}) == 3
    assert await storage.digest_count() == 1  # one digest, however each post filters it


# Version 3: version 2 with story filters (what `_FROM_V2` adds), before stories were tracked.
V3_SCHEMA = (
    V2_SCHEMA.replace("PRAGMA user_version=2;", "")
    + """
ALTER TABLE subscriptions ADD COLUMN filters TEXT;
ALTER TABLE posts ADD COLUMN shown TEXT;
PRAGMA user_version=3;
"""
)


async def test_a_version_3_database_keeps_everything_and_starts_tracking(tmp_path):
    """A file from before story tracking opens with its rows kept; its posts track nothing."""
    import json
    import sqlite3

    path = tmp_path / "v3.sqlite3"
    stamp = NOW.isoformat()
    db = sqlite3.connect(path)
    db.executescript(V3_SCHEMA)
    db.execute(
        "INSERT INTO subscriptions VALUES (5, 1, '08:30', 'UTC', ?, ?)",
        (stamp, StoryFilter(include=("harbour",)).to_json()),
    )
    db.execute("INSERT INTO channel_feeds VALUES (5, 'https://a.example/rss', 'A', ?)", (stamp,))
    db.execute(
        "INSERT INTO digests VALUES (1, ?, ?)", (json.dumps(make_digest(2).to_dict()), stamp)
    )
    db.execute("INSERT INTO posts VALUES (1, 1, 5, 1, 100, '[101]', ?, '[1]')", (stamp,))
    db.execute("INSERT INTO deliveries VALUES (5, '2026-03-01', 'sent', 1, 101, ?)", (stamp,))
    db.execute(
        "INSERT INTO turns (conversation_id, question, answer, created_at) VALUES (1, 'q', ?, ?)",
        (Answer("On Monday [1].", [1], True).to_json(), stamp),
    )
    db.commit()
    db.close()
    store = await Storage.open(path)
    try:
        assert (await store.subscription(5)).story_filter.include == ("harbour",)
        assert await store.feeds(5) == [("https://a.example/rss", "A")]
        posted = await store.post_for_thread(100)
        assert [s.id for s in posted.digest.stories] == ["s2"] and posted.message_ids == [101]
        assert (await store.delivery(5, date(2026, 3, 1))).state == "sent"
        assert len(await store.turns(1, limit=5)) == 1
        assert await store.tellings(1) == []  # posted before tracking: nothing to continue
        assert await store.latest_tellings(5, since=NOW - timedelta(days=7)) == []
        # The new table works on the migrated file.
        post = await store.add_post(5, 1, 1, now=NOW, message_ids=[102])
        await store.add_tellings(post, 5, posted.digest.stories, [None], now=NOW)
        assert [t.story.id for t in await store.tellings(post)] == ["s2"]
    finally:
        await store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


async def test_tellings_chain_into_a_timeline_and_only_sent_posts_count(storage):
    """Day 1 told, day 2 continues it: the latest telling is day 2's; a post never sent is not."""
    day1 = make_digest(2)
    d1 = await storage.add_digest(day1, now=NOW)
    p1 = await storage.add_post(5, 1, d1, now=NOW)
    await storage.add_tellings(p1, 5, day1.stories, [None, None], now=NOW)
    since = NOW - timedelta(days=7)
    assert await storage.latest_tellings(5, since=since) == []  # not sent yet
    await storage.set_post_messages(p1, [101, 102])
    await storage.set_telling_messages(p1, [101, 102])
    first = await storage.latest_tellings(5, since=since)
    assert [(t.story.id, t.message_id, t.day) for t in first] == [("s1", 101, 1), ("s2", 102, 1)]
    # Source texts come back from the stored digest (the telling is stored without them).
    assert first[0].story.sources[0].text.startswith("Story 1 text")

    later = NOW + timedelta(days=1)
    day2 = make_digest(1)
    day2.stories[0].continues = Continuation("s1", "Headline of story 1", NOW, NOW, 2)
    d2 = await storage.add_digest(day2, now=later)
    p2 = await storage.add_post(5, 1, d2, now=later, message_ids=[201])
    await storage.add_tellings(p2, 5, day2.stories, [first[0]], now=later)
    # An abandoned post (no messages) of the same day: it continues nothing anyone saw.
    p3 = await storage.add_post(5, 1, d2, now=later)
    await storage.add_tellings(p3, 5, day2.stories, [first[0]], now=later)

    latest = await storage.latest_tellings(5, since=since)
    assert [(t.post_id, t.story.id) for t in latest] == [(p1, "s2"), (p2, "s1")]
    (update,) = await storage.tellings(p2)
    assert update.continues == first[0].id and update.day == 2
    assert update.first_seen == NOW and update.last_seen == later
    timeline = await storage.timeline(update.id)
    assert [(t.post_id, t.day) for t in timeline] == [(p1, 1), (p2, 2)]
    assert await storage.latest_tellings(6, since=since) == []  # per channel
    assert await storage.latest_tellings(5, since=later + timedelta(days=1)) == []


async def test_processes_starting_together_create_the_schema_once(db_url, monkeypatch):
    """Four opens at once on a new database: every one succeeds, the schema is made once."""
    import asyncio

    from bot import storage as storage_module

    # Without IF NOT EXISTS: a second run of the script would fail, a second insert would count.
    marked = storage_module._SCHEMA + (
        "\nCREATE TABLE made_once (n INTEGER);\nINSERT INTO made_once (n) VALUES (1);\n"
    )
    monkeypatch.setattr(storage_module, "_SCHEMA", marked)
    stores = await asyncio.gather(*(Storage.open(db_url) for _ in range(4)))
    try:
        assert await stores[0]._db.fetchval("SELECT COUNT(*) FROM made_once") == 1
        assert await stores[3]._db.schema_version() == storage_module.SCHEMA_VERSION
        await stores[1].subscribe(10, 1, time(8, 0), "UTC", now=NOW)
        assert (await stores[2].subscription(10)).tz == "UTC"
    finally:
        for store in stores:
            await store.close()


async def test_a_newer_schema_is_refused(db_url):
    """A database a newer bot wrote is refused, not half-read."""
    store = await Storage.open(db_url)
    await store._db.set_schema_version(99)
    await store.close()
    with pytest.raises(DatabaseUnavailable, match="schema 99"):
        await Storage.open(db_url)


async def test_discord_sized_ids_round_trip(storage):
    """Snowflakes past 2**53 and up to 2**63-1 are kept exactly on both backends."""
    big = 1_234_567_890_123_456_789
    await storage.subscribe(big, big - 1, time(8, 0), "UTC", now=NOW)
    sub = await storage.subscription(big)
    assert sub.channel_id == big and sub.guild_id == big - 1
    digest_id = await storage.add_digest(make_digest(1), now=NOW)
    post_id = await storage.add_post(big, big - 1, digest_id, now=NOW, message_ids=[2**63 - 1])
    await storage.set_post_messages(post_id, [2**63 - 1], thread_id=2**63 - 2)
    assert (await storage.post_for_thread(2**63 - 2)).message_ids == [2**63 - 1]


async def test_two_processes_claim_one_delivery_once(db_url):
    """Two stores on one database race for the same channel and day: exactly one wins each step."""
    import asyncio
    from datetime import timedelta

    one, two = await Storage.open(db_url), await Storage.open(db_url)
    try:
        day, later = date(2026, 3, 1), NOW + timedelta(minutes=2)
        digest_id = await one.add_digest(make_digest(1), now=NOW)
        posts = [await s.add_post(5, 1, digest_id, now=NOW) for s in (one, two)]
        rows = await asyncio.gather(
            *(
                s.record_intent(5, day, p, now=NOW, claimed_until=later)
                for s, p in zip((one, two), posts, strict=True)
            )
        )
        assert rows[0].post_id == rows[1].post_id  # one row, one winner
        assert sum(row.post_id == p for row, p in zip(rows, posts, strict=True)) == 1
        # The holder's claim stands until it lapses; then exactly one resumer gets it.
        assert await two.claim_unfinished(5, day, now=NOW, until=later) is None
        after = later + timedelta(seconds=1)
        claims = await asyncio.gather(
            *(s.claim_unfinished(5, day, now=after, until=after + timedelta(minutes=2))
              for s in (one, two, one, two))
        )  # fmt: skip
        assert sum(c is not None for c in claims) == 1
        await one.release_claim(5, day)
        assert await two.claim_unfinished(5, day, now=after, until=after) is not None
        await one.record_sent(5, day, 777, now=after)
        assert await two.claim_unfinished(5, day, now=NOW + timedelta(days=1), until=after) is None
    finally:
        await one.close()
        await two.close()


async def test_a_version_3_database_gains_delivery_claims(db_url):
    """A schema-3 database (either engine) is migrated in place: its ledger rows are kept."""
    from bot import storage as storage_module
    from bot.db import open_database

    db = await open_database(db_url)
    async with db.migration() as tx:
        v3 = re.sub(r"\n\s*claimed_until TEXT,[^\n]*", "", storage_module._SCHEMA)
        assert v3 != storage_module._SCHEMA
        await tx.run_script(v3)
        await tx.set_schema_version(3)
        await tx.execute(
            "INSERT INTO deliveries (channel_id, local_date, state, updated_at) "
            "VALUES (5, '2026-03-01', 'intent', ?)",
            (NOW.isoformat(),),
        )
    await db.close()
    store = await Storage.open(db_url)
    try:
        assert await store._db.schema_version() == storage_module.SCHEMA_VERSION
        assert (await store.delivery(5, date(2026, 3, 1))).state == "intent"
        day = date(2026, 3, 1)
        assert await store.claim_unfinished(5, day, now=NOW, until=NOW) is not None
    finally:
        await store.close()


FEEDS = ("https://a.example/rss", "https://b.example/rss")
SLOT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_two_processes_build_a_feed_set_once(db_url):
    """Two stores race to claim one feed set's build for one minute: one builds, the other
    finds the claim taken, then the digest built; other minutes and feed sets are apart."""
    import asyncio

    one, two = await Storage.open(db_url), await Storage.open(db_url)
    try:
        until = NOW + timedelta(minutes=1)
        rows = await asyncio.gather(
            one.claim_build(FEEDS, SLOT, owner="one", now=NOW, until=until),
            two.claim_build(FEEDS[::-1], SLOT, owner="two", now=NOW, until=until),
        )
        assert rows[0] == rows[1] and rows[0].owner in ("one", "two")  # one row, one winner
        builder, waiter = (one, two) if rows[0].owner == "one" else (two, one)
        owner = rows[0].owner
        again = await waiter.claim_build(FEEDS, SLOT, owner="late", now=NOW, until=until)
        assert again.owner == owner and again.digest_id is None and again.claimed_until == until
        later = until + timedelta(minutes=1)
        assert await builder.renew_build(FEEDS, SLOT, owner=owner, until=later)
        assert not await waiter.renew_build(FEEDS, SLOT, owner="late", until=later)
        digest_id = await builder.add_digest(make_digest(2), now=NOW)
        assert await builder.finish_build(FEEDS, SLOT, digest_id, now=NOW) == digest_id
        done = await waiter.claim_build(FEEDS, SLOT, owner="late", now=later, until=later)
        assert done.digest_id == digest_id and done.claimed_until is None and done.built_at == NOW
        assert [s.id for s in (await waiter.digest(done.digest_id)).stories] == ["s1", "s2"]
        assert (await waiter.digest(done.digest_id)).stories[0].sources[0].text
        assert await waiter.last_build() == NOW
        # Another minute, another feed set: claims of their own.
        other_slot = await waiter.claim_build(
            FEEDS, SLOT + timedelta(minutes=1), owner="late", now=NOW, until=until
        )
        other_feeds = await waiter.claim_build(FEEDS[:1], SLOT, owner="late", now=NOW, until=until)
        assert other_slot.owner == other_feeds.owner == "late"
        assert await waiter.digest(10_000) is None
    finally:
        await one.close()
        await two.close()


async def test_a_lapsed_or_released_build_claim_is_taken_over(db_url):
    """A builder that died (its claim lapsed) is taken over; if it finishes after all, the
    taker's digest stands; a builder that failed lets go at once."""
    one, two = await Storage.open(db_url), await Storage.open(db_url)
    try:
        until = NOW + timedelta(seconds=30)
        assert (
            await one.claim_build(FEEDS, SLOT, owner="one", now=NOW, until=until)
        ).owner == "one"
        longer = until + timedelta(minutes=1)
        early = await two.claim_build(
            FEEDS, SLOT, owner="two", now=until - timedelta(seconds=1), until=longer
        )
        assert early.owner == "one"  # not lapsed yet
        taken = await two.claim_build(FEEDS, SLOT, owner="two", now=until, until=longer)
        assert taken.owner == "two"
        assert not await one.renew_build(FEEDS, SLOT, owner="one", until=until)
        d2 = await two.add_digest(make_digest(1), now=until)
        assert await two.finish_build(FEEDS, SLOT, d2, now=until) == d2
        d1 = await one.add_digest(make_digest(2), now=until)
        assert await one.finish_build(FEEDS, SLOT, d1, now=until) == d2  # the first one stands
        # Released: claimable at once, long before the lease would lapse.
        slot = SLOT + timedelta(days=1)
        await one.claim_build(FEEDS, slot, owner="one", now=NOW, until=NOW + timedelta(hours=1))
        await two.release_build(FEEDS, slot, owner="two")  # not its claim: nothing happens
        assert (await two.claim_build(FEEDS, slot, owner="two", now=NOW, until=NOW)).owner == "one"
        await one.release_build(FEEDS, slot, owner="one")
        assert (await two.claim_build(FEEDS, slot, owner="two", now=NOW, until=NOW)).owner == "two"
    finally:
        await one.close()
        await two.close()


async def test_shard_heartbeats_round_trip(storage):
    """Each shard's latest heartbeat is kept, whichever process sent it."""
    from bot.storage import ShardBeat

    beats = [ShardBeat(n, 4, "host-a:1", n != 1, 42 if n else None, NOW) for n in (0, 1)]
    await storage.record_shards(beats)
    later = NOW + timedelta(seconds=20)
    await storage.record_shards([ShardBeat(1, 4, "host-b:2", True, 7, later)])
    assert await storage.shard_beats() == [beats[0], ShardBeat(1, 4, "host-b:2", True, 7, later)]


async def test_a_version_5_database_gains_builds_and_heartbeats(db_url):
    """A schema-5 database (either engine) is migrated in place: its rows are kept, and the
    build claims and heartbeats work on it."""
    from bot import storage as storage_module
    from bot.db import open_database

    db = await open_database(db_url)
    async with db.migration() as tx:
        v5 = storage_module._SCHEMA.replace(storage_module._BUILDS_AND_SHARDS, "")
        assert v5 != storage_module._SCHEMA
        await tx.run_script(v5)
        await tx.set_schema_version(5)
        await tx.execute(
            "INSERT INTO digests (digest, created_at) VALUES (?, ?)",
            (json.dumps(make_digest(1).to_dict()), NOW.isoformat()),
        )
    await db.close()
    store = await Storage.open(db_url)
    try:
        assert await store._db.schema_version() == storage_module.SCHEMA_VERSION
        assert await store.digest_count() == 1
        assert await store.last_build() is None
        claim = await store.claim_build(FEEDS, SLOT, owner="me", now=NOW, until=NOW)
        assert claim.owner == "me"
        assert await store.finish_build(FEEDS, SLOT, 1, now=NOW) == 1
        assert await store.shard_beats() == []
    finally:
        await store.close()


async def test_a_failed_attempt_keeps_the_intent_until_its_retry(storage):
    """A failed attempt keeps the intent with its reason; no process resumes it before its
    retry time, one does after; a second failure counts 2."""
    day = date(2026, 3, 3)
    digest_id = await storage.add_digest(make_digest(1), now=NOW)
    post = await storage.add_post(5, 1, digest_id, now=NOW)
    await storage.record_intent(5, day, post, now=NOW, claimed_until=NOW + timedelta(minutes=2))
    retry_at = NOW + timedelta(minutes=1)
    assert await storage.record_retry(5, day, "error: 503 down", now=NOW, retry_at=retry_at) == 1
    row = await storage.delivery(5, day)
    assert (row.state, row.reason, row.attempts, row.post_id) == (
        "intent",
        "error: 503 down",
        1,
        post,
    )
    later = retry_at + timedelta(minutes=2)
    assert (
        await storage.claim_unfinished(5, day, now=retry_at - timedelta(seconds=1), until=later)
        is None
    )
    assert await storage.claim_unfinished(5, day, now=retry_at, until=later) is not None
    assert await storage.record_retry(5, day, "error: reset", now=NOW, retry_at=later) == 2
    await storage.record_sent(5, day, 99, now=NOW)
    assert await storage.record_retry(5, day, "error: late", now=NOW, retry_at=later) is None
    assert (await storage.delivery(5, day)).state == "sent"


async def test_a_failed_delivery_is_final_with_its_reason(storage):
    """record_failed fills an empty or intent row with its reason, never a sent one; a
    given-up intent that failed before becomes failed, one never tried skipped."""
    day = date(2026, 3, 3)
    assert await storage.record_failed(6, day, "gone: 404 Unknown Channel", now=NOW)
    row = await storage.delivery(6, day)
    assert (row.state, row.reason, row.attempts) == ("failed", "gone: 404 Unknown Channel", 1)
    assert not await storage.record_failed(6, day, "forbidden: again", now=NOW)
    assert not await storage.record_skipped(6, day, now=NOW)
    assert (await storage.delivery(6, day)).reason == "gone: 404 Unknown Channel"
    digest_id = await storage.add_digest(make_digest(1), now=NOW)
    for channel in (7, 8):
        post = await storage.add_post(channel, 1, digest_id, now=NOW)
        await storage.record_intent(channel, day, post, now=NOW)
    await storage.record_retry(7, day, "error: 502 bad gateway", now=NOW, retry_at=NOW)
    assert await storage.record_skipped(7, day, now=NOW)
    assert await storage.record_skipped(8, day, now=NOW)
    seven, eight = await storage.delivery(7, day), await storage.delivery(8, day)
    assert (seven.state, seven.reason) == ("failed", "error: 502 bad gateway")
    assert (eight.state, eight.reason) == ("skipped", None)
    post = await storage.add_post(9, 1, digest_id, now=NOW)
    await storage.record_intent(9, day, post, now=NOW)
    await storage.record_sent(9, day, 5, now=NOW)
    assert not await storage.record_failed(9, day, "forbidden: x", now=NOW)
    assert (await storage.delivery(9, day)).state == "sent"
    failed = await storage.failures_since(NOW - timedelta(hours=1))
    assert sorted(r.channel_id for r in failed) == [6, 7]
    assert await storage.failures_since(NOW + timedelta(seconds=1)) == []
    await storage.record_failed(6, day + timedelta(days=1), "forbidden: y", now=NOW)
    recent = await storage.recent_deliveries(6, limit=5)
    assert [r.local_date for r in recent] == [day + timedelta(days=1), day]


async def test_a_paused_subscription_is_kept_and_resumed_by_subscribing(storage):
    """pause keeps the subscription, marked with its reason; /subscribe again resumes it."""
    await storage.subscribe(10, 1, time(8, 0), "UTC", now=NOW)
    assert await storage.pause(10, "gone: 404 Unknown Channel")
    assert not await storage.pause(10, "gone: again")  # already paused: the first reason stays
    assert not await storage.pause(11, "gone: never subscribed")
    (sub,) = await storage.subscriptions()
    assert sub.paused == "gone: 404 Unknown Channel" and sub.local_time == time(8, 0)
    await storage.subscribe(10, 1, time(9, 0), "UTC", now=NOW)
    assert (await storage.subscription(10)).paused is None


async def test_a_version_6_database_gains_failure_reasons_and_pauses(db_url):
    """A schema-6 database (either engine) is migrated in place: its ledger and subscriptions
    are kept, with no reason, no attempts and nothing paused."""
    from bot import storage as storage_module
    from bot.db import open_database

    db = await open_database(db_url)
    async with db.migration() as tx:
        await tx.run_script(storage_module._SCHEMA)
        await tx.set_schema_version(6)
        await tx.execute(
            "INSERT INTO subscriptions (channel_id, guild_id, local_time, tz, created_at) "
            "VALUES (5, 1, '08:00', 'UTC', ?)",
            (NOW.isoformat(),),
        )
        await tx.execute(
            "INSERT INTO deliveries (channel_id, local_date, state, updated_at) "
            "VALUES (5, '2026-03-01', 'skipped', ?)",
            (NOW.isoformat(),),
        )
    await db.close()
    store = await Storage.open(db_url)
    try:
        assert await store._db.schema_version() == SCHEMA_VERSION == 7
        (sub,) = await store.subscriptions()
        assert sub.paused is None
        row = await store.delivery(5, date(2026, 3, 1))
        assert (row.state, row.reason, row.attempts) == ("skipped", None, 0)
        assert await store.record_failed(5, date(2026, 3, 2), "forbidden: x", now=NOW)
        assert await store.pause(5, "forbidden: x")
    finally:
        await store.close()


def test_retention_outlasts_every_reader():
    """Each period is longer than its readers look back: tracking and timelines (posts),
    pausing (the ledger), the catch-up window (builds), a health report's heartbeats."""
    from bot.actions import TRACK_DAYS
    from bot.daily import PAUSE_AFTER_FAILURES
    from bot.health import STALE_AFTER
    from bot.settings import DiscordSettings
    from bot.storage import MAX_TIMELINE_DAYS, RETENTION

    assert RETENTION.posts > timedelta(days=max(TRACK_DAYS, MAX_TIMELINE_DAYS))
    assert RETENTION.deliveries > timedelta(days=PAUSE_AFTER_FAILURES + 2)
    assert RETENTION.builds > timedelta(hours=DiscordSettings().catch_up_hours)
    assert RETENTION.heartbeats > STALE_AFTER


async def add_sent_post(store, channel, digest_id, *, days_ago, continues=None):
    """A post sent `days_ago`, telling one story (continuing `continues`); its telling."""
    at = NOW - timedelta(days=days_ago)
    post = await store.add_post(channel, 1, digest_id, now=at)
    await store.set_post_messages(post, [1000 + post], thread_id=2000 + post)
    digest = await store.digest(digest_id)
    await store.add_tellings(post, channel, digest.stories[:1], [continues], now=at)
    (telling,) = await store.tellings(post)
    return post, telling


async def test_prune_deletes_only_what_nothing_reads(db_url):
    """Old posts (with stories and turns), digests, builds, ledger rows and heartbeats go;
    each channel's latest posted digest, a live claim's rows, an unfinished delivery's post,
    the latest build and every recent row stay; a kept story's timeline starts where its
    earlier days went. A second prune finds nothing."""
    from bot.storage import ShardBeat

    store = await Storage.open(db_url)
    try:
        old = NOW - timedelta(days=100)
        digests = {
            name: await store.add_digest(make_digest(1), now=old)
            for name in ("a", "b", "c", "d", "e", "x", "y")
        }
        # Channel 1: a story told 100 and 95 days ago, and yesterday: the two old days go.
        post_a, day_a = await add_sent_post(store, 1, digests["a"], days_ago=100)
        post_b, day_b = await add_sent_post(store, 1, digests["b"], days_ago=95, continues=day_a)
        post_c, day_c = await add_sent_post(store, 1, digests["c"], days_ago=1, continues=day_b)
        answer = Answer("a", [1], True)
        await store.add_turn(post_a, "old question", answer, now=old)
        await store.add_turn(post_c, "new question", answer, now=NOW)
        # Channel 2: its only digest, 120 days old: /ask there still reads it.
        post_d, _ = await add_sent_post(store, 2, digests["d"], days_ago=120)
        # Channel 3: an old post whose delivery is being posted right now (a live claim).
        post_e = await store.add_post(3, 1, digests["e"], now=old)
        busy = date(2025, 11, 1)
        await store.record_intent(
            3, busy, post_e, now=old, claimed_until=NOW + timedelta(minutes=1)
        )
        # The ledger: a month-old row goes, a recent one stays.
        await store.record_failed(4, (NOW - timedelta(days=40)).date(), "gone: x", now=NOW)
        await store.record_failed(4, (NOW - timedelta(days=2)).date(), "gone: x", now=NOW)
        # Builds: an old built one (its digest x goes with it), the latest built (its digest y
        # stays), an old unbuilt one with a live claim (stays) and a lapsed one (goes).
        feeds = ("https://f.example/rss",)
        for slot, digest in ((NOW - timedelta(days=5), "x"), (NOW - timedelta(days=3), "y")):
            await store.claim_build(feeds, slot, owner="p", now=slot, until=slot)
            await store.finish_build(feeds, slot, digests[digest], now=slot)
        await store.claim_build(
            feeds, NOW - timedelta(days=4), owner="p", now=NOW, until=NOW + timedelta(minutes=1)
        )
        lapsed = NOW - timedelta(days=4, hours=1)
        await store.claim_build(feeds, lapsed, owner="p", now=lapsed, until=lapsed)
        await store.record_shards(
            [
                ShardBeat(0, 2, "gone:1", True, 5, NOW - timedelta(days=8)),
                ShardBeat(0, 4, "here:1", True, 5, NOW - timedelta(seconds=5)),
            ]
        )

        counts = await store.prune(now=NOW)
        assert counts == {
            "builds": 2,
            "posts": 2,
            "stories": 2,
            "turns": 1,
            "digests": 3,
            "deliveries": 1,
            "shards": 1,
        }
        assert await store.post(post_a) is None and await store.post(post_b) is None
        assert await store.digest(digests["a"]) is None and await store.digest(digests["x"]) is None
        for post in (post_c, post_d, post_e):
            assert await store.post(post) is not None
        assert (await store.latest_post(2)).id == post_d
        assert (await store.delivery(3, busy)).state == "intent"
        assert await store.digest(digests["y"]) is not None
        assert await store.last_build() == NOW - timedelta(days=3)
        assert await store.build(feeds, NOW - timedelta(days=4)) is not None
        assert await store.build(feeds, lapsed) is None
        # The story told yesterday still reads whole: its timeline starts with it now.
        assert [t.id for t in await store.timeline(day_c.id)] == [day_c.id]
        assert len(await store.turns(post_c, limit=5)) == 1
        assert [b.shard_count for b in await store.shard_beats()] == [4]
        assert await store.digest_count() == 4

        again = await store.prune(now=NOW)
        assert set(again.values()) == {0}
    finally:
        await store.close()


async def test_prune_is_bounded_and_two_processes_prune_each_row_once(db_url):
    """A call deletes at most max_batches x batch rows per table; two processes pruning the
    rest at once delete each row once, and never fail on each other."""
    import asyncio

    store = await Storage.open(db_url)
    other = await Storage.open(db_url)
    try:
        digest_id = await store.add_digest(make_digest(1), now=NOW)
        for _ in range(9):
            await store.add_post(1, 1, digest_id, now=NOW - timedelta(days=100))
        await add_sent_post(store, 1, digest_id, days_ago=1)  # the channel's latest
        first = await store.prune(now=NOW, batch=2, max_batches=2)
        assert first["posts"] == 4
        both = await asyncio.gather(
            store.prune(now=NOW, batch=2, max_batches=5),
            other.prune(now=NOW, batch=2, max_batches=5),
        )
        assert sum(counts["posts"] for counts in both) == 5
        assert await store.latest_post(1) is not None
    finally:
        await store.close()
        await other.close()
