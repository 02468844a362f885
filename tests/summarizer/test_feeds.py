"""Feed parsing: RSS, Atom, JSON Feed, malformed feeds, and every real feed in the shared data."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from summarizer.errors import FeedError
from summarizer.feeds import FeedItem, looks_like_feed, parse_feed

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
FEEDS = ROOT.parent / "shared" / "data" / "feeds"


def load(name):
    return (FIXTURES / name).read_bytes()


def test_rss():
    """RSS 2.0: titles as text, full content, relative links, dates, a bad date kept as None."""
    items = parse_feed(load("feed-rss.xml"), "https://harborherald.example/rss")
    assert [i.title for i in items] == [
        "Cargo ship runs aground off Marrowby Point",
        "Ferry timetable changes for the winter",
        "Lighthouse keeper retires",
    ]
    first, second, third = items
    assert first.outlet == "The Harbor Herald - Maritime"
    assert first.author == "Ines Calloway"
    assert first.published == datetime(2025, 3, 4, 9, 15, tzinfo=UTC)
    assert first.summary.startswith("All 23 crew were rescued")
    assert first.content.split("\n\n")[1].startswith("All 23 crew members were rescued")
    assert second.link == "https://harborherald.example/news/ferry-timetable"
    assert second.published == datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
    assert second.summary == "Crossings to Calder Bay will run every 90 minutes from November."
    assert second.content == ""
    assert third.published is None


def test_bad_date_is_logged(caplog):
    """An unreadable item date is logged, naming the feed."""
    with caplog.at_level(logging.WARNING, logger="summarizer.feeds"):
        parse_feed(load("feed-rss.xml"), "https://harborherald.example/rss")
    assert any("sometime last week" in r.getMessage() for r in caplog.records)


def test_atom():
    """Atom: xml:base links, published before updated, authors, html content."""
    items = parse_feed(load("feed-atom.xml"), "https://valleywire.example/atom")
    assert len(items) == 2
    assert items[0].link == "https://valleywire.example/2025/03/04/freighter"
    assert items[0].published == datetime(2025, 3, 4, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert items[0].author == "Rafael Osterholm"
    assert items[0].content == "All 23 people aboard the Northern Larkspur were rescued on Tuesday."
    assert items[1].published == datetime(2025, 3, 3, 8, tzinfo=UTC)  # updated, no published
    assert all(i.outlet == "Valley Wire" for i in items)


def test_json_feed():
    """JSON Feed: parsed by hand; a bad item is skipped, a bad date kept as None."""
    items = parse_feed(load("feed.json"), "https://coastline.example/feed.json")
    assert len(items) == 2
    assert items[0] == FeedItem(
        title="23 sailors rescued as timber ship hits reef",
        link="https://coastline.example/2025/03/04/reef",
        published=datetime(2025, 3, 4, 10, 2, tzinfo=UTC),
        summary="Rescue near Marrowby Point",
        content="Coast guard helicopters winched 23 sailors off a timber freighter.\n\n"
        "The ship left Port Anselm on Sunday.",
        author="Lena Morrow",
        outlet="Coastline Daily",
    )
    assert items[1].link == "https://coastline.example/2025/03/03/tides"
    assert items[1].published is None
    assert items[1].content == "The highest tides of the year arrive on Thursday."


def test_malformed_feed_recovered():
    """Whitespace before the declaration and junk after the root: items still come through."""
    items = parse_feed(load("feed-malformed.xml"), "https://broken.example/rss")
    assert [i.link for i in items] == ["https://broken.example/1", "https://broken.example/2"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (load("feed-empty.xml"), "no items"),
        (load("page-bare.html"), "not an RSS/Atom feed"),
        (b"", "empty response"),
        (b"\x00\x01\x02binary", "not an RSS/Atom feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "x"}', "without an items"),
        (b"{not json", "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": []}', "no items"),
    ],
)
def test_not_feeds(data, reason):
    """Non-feeds and empty feeds raise FeedError naming the feed and a short reason."""
    with pytest.raises(FeedError) as info:
        parse_feed(data, "https://x.example/feed")
    assert str(info.value).startswith("https://x.example/feed: ")
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("feed-rss.xml", "text/xml", True),
        ("feed-atom.xml", "application/octet-stream", True),
        ("feed.json", "application/json", True),
        ("feed-malformed.xml", None, True),
        ("page-bare.html", "text/html", False),
        ("page-jsonld.html", None, False),
        ("feed-empty.xml", "application/rss+xml", True),
    ],
)
def test_looks_like_feed(name, content_type, expected):
    """Feeds are told from pages by content type and by sniffing the body."""
    assert looks_like_feed(load(name), content_type) is expected


def _index():
    path = FEEDS / "index.jsonl"
    if not path.exists():
        return {}
    return {
        json.loads(line)["path"]: json.loads(line)
        for line in path.read_text().splitlines()
        if line.strip()
    }


def _expected_count(path: Path) -> int | None:
    """Item count from rss-parser's expected output for this input, when it has one."""
    expected = FEEDS / "rss-parser" / "expected_output" / (path.stem + ".json")
    if not expected.exists():
        return None
    data = json.loads(expected.read_bytes().decode("utf-8", "replace"))
    return len(data.get("feed", data).get("items", []))


def _all_feed_files():
    if not FEEDS.exists():
        return []
    return sorted(
        str(p.relative_to(FEEDS))
        for p in FEEDS.rglob("*")
        if p.is_file()
        and p.name not in ("index.jsonl", "LICENSE")
        and "expected_output" not in p.parts
    )


@pytest.mark.parametrize("rel", _all_feed_files() or ["<absent>"])
def test_real_feeds(rel):
    """Every real feed parses to the right number of items, or fails with a clear FeedError."""
    if rel == "<absent>":
        pytest.skip(f"shared data not found at {FEEDS} (see ../shared/data/README.md)")
    path = FEEDS / rel
    data = path.read_bytes()
    meta = _index().get(rel, {})
    try:
        items = parse_feed(data, rel)
    except FeedError as exc:
        # Only a document with no items at all may fail, and it must say so on one line.
        assert not re.search(rb"<(item|entry)[\s>]", data), exc
        assert str(exc).startswith(rel + ": ") and "\n" not in str(exc)
        return
    if "n_items" in meta:
        # Well-formed feeds: the count a strict XML parser found.
        assert len(items) == meta["n_items"]
    elif path.suffix == ".json":
        assert len(items) == len(json.loads(data)["items"])
    else:
        # Malformed feeds (index lists only the XML error): as many items as the document
        # opens, and as many as rss-parser's expected output where there is one.
        opened = len(re.findall(rb"<(?:item|entry)[\s>]", data))
        assert len(items) == opened
        expected = _expected_count(path)
        if expected is not None:
            assert len(items) == expected
    assert all(isinstance(i, FeedItem) for i in items)
    assert all(i.published is None or i.published.tzinfo is not None for i in items)
    if meta.get("first_title"):
        # The index keeps raw XML text: entities and markup undecoded, whitespace as is.
        raw = re.sub(r"<[^>]+>", "", meta["first_title"])
        raw = raw.replace("&#x0024;", "$")
        assert items[0].title and " ".join(raw.split())[:60] in items[0].title


def test_real_feed_dates_in_other_languages():
    """A Portuguese RFC 822 date ('Seg, 24 Set 2018') still gives the item a date."""
    path = FEEDS / "rss-parser" / "input" / "uolNoticias.rss"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    items = parse_feed(path.read_bytes(), "uolNoticias.rss")
    assert all(i.published is not None for i in items)
    assert "ç" in " ".join(i.title or "" for i in items)  # Latin-1 without a declaration


def test_wrong_type():
    """str is refused: feeds are parsed from bytes so their declared encoding counts."""
    with pytest.raises(TypeError):
        parse_feed("<rss/>", "x")  # type: ignore[arg-type]
