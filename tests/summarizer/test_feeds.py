"""Feed parsing: RSS, Atom, JSON Feed, malformed feeds, and every real feed in the shared data
(read as files and served over loopback HTTP)."""

from __future__ import annotations

import html
import json
import logging
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp import web

from summarizer.config import FetchSettings, Settings, SourcesSettings
from summarizer.errors import FeedError
from summarizer.feeds import FeedItem, looks_like_feed, parse_feed
from summarizer.fetch import fetch
from summarizer.ingest import gather

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


def _expected_titles(path: Path) -> list[str | None] | None:
    """Item titles from rss-parser's expected output for this input, when it has one."""
    expected = FEEDS / "rss-parser" / "expected_output" / (path.stem + ".json")
    if not expected.exists():
        return None
    data = json.loads(expected.read_bytes().decode("utf-8", "replace"))
    return [item.get("title") for item in data.get("feed", data).get("items", [])]


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


def _check_real_feed(rel: str, name: str, outcome: list[FeedItem] | FeedError) -> None:
    """The expectations for one real feed, whether read as a file or served over HTTP."""
    path = FEEDS / rel
    data = path.read_bytes()
    meta = _index().get(rel, {})
    if isinstance(outcome, FeedError):
        # Only a document with no items at all may fail, and it must say so on one line.
        assert not re.search(rb"<(item|entry)[\s>]", data), outcome
        assert str(outcome).startswith(name + ": ") and "\n" not in str(outcome)
        return
    items = outcome
    expected_titles = _expected_titles(path)
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
        if expected_titles is not None:
            assert len(items) == len(expected_titles)
    if expected_titles is not None:
        # rss-parser keeps markup and some entities as they stand (so does the feed, escaped
        # twice, now and then); where it lost characters to a wrong charset (U+FFFD) there is
        # nothing to compare.
        for want, got in zip(expected_titles, items, strict=True):
            if want and "\ufffd" not in want:
                plain = " ".join(html.unescape(re.sub(r"<[^>]+>", "", want)).split())
                assert html.unescape(got.title or "") == plain
    assert all(isinstance(i, FeedItem) for i in items)
    assert all(i.published is None or i.published.tzinfo is not None for i in items)
    if meta.get("first_title"):
        # The index keeps raw XML text: entities and markup undecoded, whitespace as is.
        raw = re.sub(r"<[^>]+>", "", meta["first_title"])
        raw = raw.replace("&#x0024;", "$")
        assert items[0].title and " ".join(raw.split())[:60] in items[0].title


def _parse(data: bytes, name: str) -> list[FeedItem] | FeedError:
    try:
        return parse_feed(data, name)
    except FeedError as exc:
        return exc


@pytest.mark.parametrize("rel", _all_feed_files() or ["<absent>"])
def test_real_feeds(rel):
    """Every real feed parses to the right items, or fails with a clear FeedError."""
    if rel == "<absent>":
        pytest.skip(f"shared data not found at {FEEDS} (see ../shared/data/README.md)")
    _check_real_feed(rel, rel, _parse((FEEDS / rel).read_bytes(), rel))


# Right, vague and wrong labels, in turn: the content decides what a response is.
SERVED_AS = (
    "application/rss+xml",
    "text/plain",
    "application/octet-stream",
    "text/html; charset=iso-8859-1",
    "text/xml; charset=utf-8",
    "application/json",
    "",
)
SERVED = FetchSettings(timeout_s=5.0, retries=0)  # the guard on, opened for the test host


@pytest.mark.parametrize("rel", _all_feed_files() or ["<absent>"])
async def test_real_feeds_over_http(rel, serve_public):
    """Every real feed served over HTTP under a rotating, often wrong, Content-Type: the
    same items as from the file, or one error naming the URL."""
    if rel == "<absent>":
        pytest.skip(f"shared data not found at {FEEDS} (see ../shared/data/README.md)")
    data = (FEEDS / rel).read_bytes()
    content_type = SERVED_AS[_all_feed_files().index(rel) % len(SERVED_AS)]

    async def handler(request):
        resp = web.Response(body=data)
        resp.headers["Content-Type"] = content_type  # as given, however wrong
        return resp

    app = web.Application()
    app.router.add_get("/{path:.*}", handler)
    url = f"{await serve_public(app)}/{rel}"
    got = await fetch(url, SERVED)
    assert got.body == data
    if not looks_like_feed(got.body, got.content_type):
        # Read as a page, then; only a document without items may be one.
        assert not re.search(rb"<(item|entry)[\s>]", data), content_type
        return
    _check_real_feed(rel, url, _parse(got.body, url))


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


async def test_real_feeds_in_one_gather(serve_public, offline_session, caplog):
    """All real feeds and a fictional page in one gather over HTTP: each feed gives articles
    (its item pages are out of reach, so the feed's own text stands in) or one failure line
    naming it, and nothing logs a traceback."""
    files = _all_feed_files()
    if not files:
        pytest.skip(f"shared data not found at {FEEDS} (see ../shared/data/README.md)")
    page = (FIXTURES / "page-bare.html").read_bytes()

    async def handler(request):
        rel = request.match_info["path"]
        if rel == "page.html":
            return web.Response(body=page, content_type="text/html")
        content_type = SERVED_AS[files.index(rel) % len(SERVED_AS)]
        resp = web.Response(body=(FEEDS / rel).read_bytes())
        resp.headers["Content-Type"] = content_type
        return resp

    app = web.Application()
    app.router.add_get("/{path:.*}", handler)
    base = await serve_public(app)
    # Items of any age, two a feed: enough to reach the item code without fetching hundreds.
    settings = Settings(
        fetch=SERVED, sources=SourcesSettings(max_age_hours=1e7, max_items_per_feed=2)
    )
    urls = [f"{base}/{rel}" for rel in files] + [f"{base}/page.html"]
    with caplog.at_level(logging.INFO, logger="summarizer"):
        async with offline_session(SERVED) as session:
            articles, failures = await gather(urls, settings, session=session)
    # What each feed should account for: its first two items, each link taken once a gather.
    expected: set[str] = set()
    for rel in files:
        parsed = _parse((FEEDS / rel).read_bytes(), rel)
        for n, item in enumerate([] if isinstance(parsed, FeedError) else parsed[:2]):
            expected.add(item.link.split("#", 1)[0] if item.link else f"{rel} item {n}")
    from_feeds = [a for a in articles if a.origin != f"{base}/page.html"]
    feed_failures = {f.input: f.reason for f in failures if f.input in urls}
    item_failures = [f for f in failures if f.input not in urls]

    assert [a.title for a in articles if a.origin == f"{base}/page.html"] != []
    # The one document without items fails once, naming its URL; no feed with items fails.
    assert list(feed_failures) == [f"{base}/rss-parser/input/unrecognized.rss"]
    assert len(from_feeds) + len(item_failures) == len(expected)
    assert all(a.origin in urls and (a.title or a.url) for a in from_feeds)
    for failure in failures:
        assert "\n" not in failure.reason and "internal error" not in failure.reason
    ours = [r for r in caplog.records if r.name.startswith("summarizer")]
    assert not [r for r in ours if r.exc_info or r.levelno >= logging.ERROR]
