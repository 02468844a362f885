"""Ingest: files, directories, article URLs and feeds to Articles; bad inputs to failures."""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from aiohttp import web

from summarizer.config import FetchSettings, Settings, SourcesSettings
from summarizer.errors import ExtractionError, FeedError, InputError, UnsafeURLError
from summarizer.ingest import gather, gather_sync, load_one

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
EXAMPLES = ROOT / "examples"

# Loopback servers need private networks allowed; waits stay tiny.
LOCAL = Settings(
    fetch=FetchSettings(timeout_s=2.0, retries=1, backoff_max_s=0.01, allow_private_networks=True)
)

PAGE = (
    "<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
    "<p>{lead} The pier will be 40 metres long and built of reinforced concrete, the harbour "
    "board said on Monday.</p><p>Work is due to start in June and should take about "
    "14 months, board chair Nadia Pell told reporters in Calder Bay.</p></article></body></html>"
)


def page(title="Calder Bay approves new pier", lead="", head=""):
    return PAGE.format(title=title, lead=lead, head=head)


def reasons(failures):
    return {f.input: f.reason for f in failures}


# --- files -------------------------------------------------------------------------------


async def test_examples_directory():
    """The demo folder gives four articles, README skipped, titles and paths set."""
    articles, failures = await gather([str(EXAMPLES)], Settings())
    assert failures == []
    names = [Path(a.path).name for a in articles]
    assert names == [
        "coastline-daily.txt",
        "harbor-herald.html",
        "unrelated-observatory.txt",
        "valley-wire.md",
    ]
    by_name = dict(zip(names, articles, strict=True))
    assert by_name["coastline-daily.txt"].title == (
        "23 sailors rescued as timber ship hits reef near Marrowby"
    )
    assert by_name["harbor-herald.html"].outlet == "The Harbor Herald"
    assert by_name["valley-wire.md"].title.startswith("Freighter stranded on Marrowby reef")
    assert all(a.origin == str(EXAMPLES) for a in articles)
    for article in articles:
        for junk in ["Sponsored", "Download our app", "Subscribe", "Share this", "©", "Icon"]:
            assert junk not in article.text, (article.path, junk)


async def test_markdown_file():
    """Markdown: '# ' title (emphasis stripped), links to text, images/comments/front matter go."""
    articles, failures = await gather([str(FIXTURES / "story.md")], Settings())
    assert failures == []
    (article,) = articles
    assert article.title == "Tram line to Lissop opens two months early"
    assert article.paragraphs[0] == (
        "The new tram line between Orrin and Lissop opened on Saturday, two months ahead of "
        "schedule, the city's transport office said."
    )
    assert "according to the timetable." in article.text
    assert article.paragraphs[-1].startswith('"We built it for the people')
    for junk in ["](", "**", "_eight", "<!--", "layout:", "tram.jpg", "Follow us", "[tt]"]:
        assert junk not in article.text


@pytest.mark.parametrize(
    ("name", "title", "first"),
    [
        (
            "sentence-first.txt",
            "The harbour will close for dredging from June 3 to June 17, the port authority "
            "said on Friday, and ferries…",
            "The harbour will close for dredging",
        ),
        ("notes-no-extension", "Council approves new cycle lanes", "The Orrin city council"),
        ("page-jsonld.html", "Orrin County abolishes library fines", "Orrin County libraries"),
        ("scraped-junk.txt", "Rail strike halts trains across Wendmoor for a second day", "Comm"),
    ],
)
async def test_files(name, title, first):
    """A headline line is the title, else the first sentence; files without suffix are sniffed."""
    article = await load_one(str(FIXTURES / name), Settings())
    assert article.title == title
    assert article.text.startswith(first)
    assert article.path == str(FIXTURES / name)
    assert article.origin == str(FIXTURES / name)


async def test_bad_files(tmp_path):
    """Empty, binary, missing and too-large files fail one by one; good files still load."""
    (tmp_path / "empty.txt").write_text("  \n\n ")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    (tmp_path / "latin1.txt").write_bytes(
        "Café owners in Orrin welcomed the decision on Friday, saying the square would draw "
        "more visitors in summer and help the town’s shops.".encode("cp1252")
    )
    (tmp_path / "tiny.txt").write_text("Just a note.")
    (tmp_path / ".hidden.txt").write_text("should never be read")
    (tmp_path / "README.md").write_text("# About this folder")
    big = tmp_path / "big.txt"
    big.write_text("word " * 3000)
    settings = replace(Settings(), fetch=FetchSettings(max_bytes=10_000))
    articles, failures = await gather([str(tmp_path), str(tmp_path / "nope.txt")], settings)
    assert [Path(a.path).name for a in articles] == ["latin1.txt"]
    assert "Café" in articles[0].text and "town’s" in articles[0].text
    got = reasons(failures)
    assert got[str(tmp_path / "empty.txt")] == "empty file"
    assert got[str(tmp_path / "image.txt")] == "binary file, not text or HTML"
    assert "under 15 words" in got[str(tmp_path / "tiny.txt")]
    assert "10000-byte cap" in got[str(big)]
    assert "no such file" in got[str(tmp_path / "nope.txt")]
    assert len(failures) == 5


async def test_empty_directory(tmp_path):
    """A directory with nothing to read is one failure."""
    (tmp_path / ".DS_Store").write_text("x")
    articles, failures = await gather([str(tmp_path)], Settings())
    assert articles == []
    assert reasons(failures) == {str(tmp_path): "directory has no article files"}


# --- URLs and feeds ----------------------------------------------------------------------


def rss(base, items, title="Calder Bay Gazette"):
    body = "".join(
        f"<item><title>{t}</title><link>{base}{link}</link>"
        + (f"<pubDate>{format_datetime(when)}</pubDate>" if when else "")
        + f"<description>{desc}</description></item>"
        for t, link, when, desc in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>{base}/</link>{body}</channel></rss>"
    )


LONG_SUMMARY = (
    "The lighthouse at Marrowby Point will be repainted this spring. Work starts on April 2. "
    "The keeper's cottage will open as a museum in July."
)


@pytest.fixture
async def site(serve):
    """A loopback news site: pages, a feed, and every way a page can go wrong."""
    now = datetime.now(UTC)
    hits = {"in_flight": 0, "max_in_flight": 0}

    async def slow_page(request):
        hits["in_flight"] += 1
        hits["max_in_flight"] = max(hits["max_in_flight"], hits["in_flight"])
        await asyncio.sleep(0.05)
        hits["in_flight"] -= 1
        n = request.match_info["n"]
        return web.Response(
            text=page(f"Story number {n} from the bay", lead=f"Story {n}."),
            content_type="text/html",
        )

    async def handler(request):
        base = f"http://{request.host}"
        name = request.match_info["name"]
        if name == "article":
            return web.Response(
                text=page(head='<meta property="og:site_name" content="Bay Times">'),
                content_type="text/html",
            )
        if name == "bare":
            return web.Response(
                body=(FIXTURES / "page-bare.html").read_bytes(), content_type="text/html"
            )
        if name == "latin1":
            text = page(title="Café reopens", lead="Zoë Pellé reopened her café on Monday.")
            return web.Response(
                body=text.encode("cp1252"), content_type="text/html", charset="cp1252"
            )
        if name == "plain":
            return web.Response(text=(FIXTURES / "notes-no-extension").read_text())
        if name == "octet":
            return web.Response(body=page().encode(), content_type="application/octet-stream")
        if name == "zip":
            return web.Response(body=b"PK\x03\x04" + bytes(range(256)) * 4, content_type="")
        if name == "huge":
            return web.Response(body=b"<p>" + b"x" * 20_000_000, content_type="text/html")
        if name == "image":
            return web.Response(body=b"\x89PNG" + b"\x00" * 500, content_type="image/png")
        if name == "slow":
            await asyncio.sleep(5)
        if name == "notxml":
            return web.Response(text="this is not xml at all {", content_type="application/rss+xml")
        if name == "feed":
            items = [
                ("Pier approved", "/article", now - timedelta(hours=1), "Short teaser."),
                ("Bare page", "/bare", now - timedelta(hours=2), "Short teaser."),
                ("Old story", "/article-old", now - timedelta(days=5), "Too old."),
                # Undated in the feed, but its page (here: its URL) says 2019: old news too.
                ("Old page", "/2019/03/04/harbour", None, "Short teaser."),
                ("Lighthouse repaint", "/gone-1", None, LONG_SUMMARY),
                ("Gone for good", "/gone-2", now - timedelta(hours=3), "Short teaser."),
                ("Pier approved again", "/article", now, "Duplicate link."),
            ]
            return web.Response(text=rss(base, items), content_type="application/rss+xml")
        if name == "bigfeed":
            items = [(f"S{i}", f"/s/{i}", now - timedelta(minutes=i), "x") for i in range(12)]
            return web.Response(text=rss(base, items), content_type="text/xml")
        raise web.HTTPNotFound()

    async def dated_page(request):
        return web.Response(text=page(), content_type="text/html")

    app = web.Application()
    app.router.add_get("/2019/03/04/harbour", dated_page)
    app.router.add_get("/s/{n}", slow_page)
    app.router.add_get("/{name}", handler)
    base = await serve(app)
    return base, hits


async def test_article_url(site):
    """An article URL gives its text, outlet, url and origin."""
    base, _ = site
    articles, failures = await gather([base + "/article"], LOCAL)
    assert failures == []
    (article,) = articles
    assert article.outlet == "Bay Times"
    assert article.url == base + "/article"
    assert article.origin == base + "/article"
    assert article.path is None
    assert "40 metres long" in article.text


async def test_feed(site):
    """A feed: recent items fetched, old ones dropped (by the feed's date or the page's),
    failed pages fall back to feed text.
    """
    base, _ = site
    articles, failures = await gather([base + "/feed"], LOCAL)
    urls = [a.url for a in articles]
    assert urls == [base + "/article", base + "/bare", base + "/gone-1"]
    by_url = {a.url: a for a in articles}
    assert all(a.origin == base + "/feed" for a in articles)
    # The bare page names no outlet: the feed's title stands in (not the domain).
    assert by_url[base + "/bare"].outlet == "Calder Bay Gazette"
    assert by_url[base + "/article"].outlet == "Bay Times"
    assert by_url[base + "/bare"].title == "Bare page"
    # The 404 item with a long summary is kept from the feed's own text, undated as the feed.
    fallback = by_url[base + "/gone-1"]
    assert fallback.text.startswith("The lighthouse at Marrowby Point")
    assert fallback.published is None
    assert fallback.title == "Lighthouse repaint"
    # The 404 item with a teaser only is a failure; the duplicate link is taken once.
    assert reasons(failures) == {base + "/gone-2": "HTTP 404 Not Found"}


async def test_feed_limits_and_concurrency(site):
    """max_items_per_feed caps the items; fetch.concurrency caps requests in flight."""
    base, hits = site
    settings = replace(
        LOCAL,
        fetch=replace(LOCAL.fetch, concurrency=2),
        sources=SourcesSettings(max_items_per_feed=5),
    )
    articles, failures = await gather([base + "/bigfeed"], settings)
    assert failures == []
    assert [a.title for a in articles] == [f"Story number {i} from the bay" for i in range(5)]
    assert hits["max_in_flight"] == 2


async def test_no_inputs_uses_configured_feeds(site):
    """No inputs: the configured feeds are digested."""
    base, _ = site
    settings = replace(LOCAL, sources=SourcesSettings(feeds=(base + "/bigfeed",)))
    articles, _ = await gather([], settings)
    assert len(articles) == 12


async def test_every_bad_input_is_one_failure(site):
    """Each bad input gives one one-line failure; good inputs around them still load."""
    base, _ = site
    settings = replace(LOCAL, fetch=replace(LOCAL.fetch, timeout_s=0.3, retries=0))
    inputs = [
        base + "/article",
        base + "/huge",
        base + "/latin1",
        base + "/notxml",
        base + "/slow",
        base + "/missing",
        base + "/image",
        base + "/plain",
        base + "/octet",
        base + "/zip",
        "ftp://example.com/file.txt",
        str(FIXTURES / "story.md"),
        base + "/article",  # duplicate: taken once
    ]
    articles, failures = await gather(inputs, settings)
    assert [a.origin for a in articles] == [
        base + "/article",
        base + "/latin1",
        base + "/plain",
        base + "/octet",
        str(FIXTURES / "story.md"),
    ]
    latin = articles[1]
    assert "Zoë Pellé reopened her café" in latin.text
    assert articles[2].title == "Council approves new cycle lanes"
    got = reasons(failures)
    assert "5000000-byte cap" in got[base + "/huge"]
    assert got[base + "/notxml"].startswith("not an RSS/Atom feed")
    assert got[base + "/slow"].startswith("timed out after 0.3 s")
    assert got[base + "/missing"] == "HTTP 404 Not Found"
    assert got[base + "/image"] == "not an HTML page (image/png)"
    assert got[base + "/zip"].startswith("not an HTML page")
    assert "only http and https" in got["ftp://example.com/file.txt"]
    assert len(failures) == 7
    assert all("\n" not in f.reason for f in failures)


async def test_unsafe_url_refused(site):
    """With default settings a loopback URL is refused as unsafe, naming the address."""
    base, _ = site
    articles, failures = await gather([base + "/article"], Settings())
    assert articles == []
    assert "non-public address 127.0.0.1" in reasons(failures)[base + "/article"]
    with pytest.raises(UnsafeURLError):
        await load_one(base + "/article", Settings())


async def test_load_one(site, tmp_path):
    """load_one returns one article or raises an InputError naming the input."""
    base, _ = site
    article = await load_one(base + "/article", LOCAL)
    assert article.outlet == "Bay Times"
    with pytest.raises(FeedError, match="is a feed"):
        await load_one(base + "/feed", LOCAL)
    with pytest.raises(InputError, match="is a directory"):
        await load_one(str(EXAMPLES), LOCAL)
    with pytest.raises(InputError, match="no such file"):
        await load_one("no/such/file.txt", LOCAL)
    with pytest.raises(FeedError, match="no items"):
        await load_one(str(FIXTURES / "feed-empty.xml"), LOCAL)
    (tmp_path / "short.txt").write_text("Too short.")
    with pytest.raises(ExtractionError, match="under 15 words"):
        await load_one(str(tmp_path / "short.txt"), LOCAL)


def test_gather_sync(tmp_path):
    """The sync wrapper runs its own event loop."""
    shutil.copy(FIXTURES / "sentence-first.txt", tmp_path / "a.txt")
    articles, failures = gather_sync([str(tmp_path / "a.txt")], Settings())
    assert len(articles) == 1 and failures == []


async def test_one_string_is_refused():
    """A bare string (not a list) is a caller bug and fails at once."""
    with pytest.raises(TypeError):
        await gather("examples/", Settings())  # type: ignore[arg-type]


# --- dates: a statement outranks a guess ----------------------------------------------------

# Two outlets' pages on one fictional event, with no date metadata; their text names old years,
# which a date search of the text takes for the publication date.
UNDATED = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{lead}</p><p>The Calder Bay harbour board first proposed the pier in June 2017, "
    "and the town has argued about its cost since the storms of late 2014.</p>"
    "<p>Board chair Nadia Pell said work on the 40-metre pier would start in June.</p>"
    "</article></body></html>"
)
OLD_META = (
    "<html><head><title>Harbour board reshuffle</title>"
    '<meta property="article:published_time" content="{when}"></head><body><article>'
    "<h1>Harbour board reshuffle</h1><p>The Calder Bay harbour board named three new members "
    "on Tuesday, including a retired ferry captain and two local business owners.</p>"
    "<p>The board meets monthly in the town hall and oversees the port's budget.</p>"
    "</article></body></html>"
)


@pytest.fixture
async def dated_site(serve):
    now = datetime.now(UTC)
    two_years_ago = (now - timedelta(days=730)).isoformat()

    async def handler(request):
        base = f"http://{request.host}"
        name = request.match_info["name"]
        pages = {
            "ledger-pier": UNDATED.format(
                title="Calder Bay approves 40-metre pier",
                lead="The Calder Bay harbour board approved a 40-metre concrete pier on Monday.",
            ),
            "gazette-pier": UNDATED.format(
                title="Harbour board backs new Calder Bay pier",
                lead="Calder Bay's harbour board voted on Monday to build a 40-metre pier.",
            ),
            "reshuffle": OLD_META.format(when=two_years_ago),
        }
        if name in pages:
            return web.Response(text=pages[name], content_type="text/html")
        if name == "feed":
            items = [
                ("Pier approved", "/ledger-pier", now - timedelta(hours=1), "Teaser."),
                ("Pier backed", "/gazette-pier", now - timedelta(hours=2), "Teaser."),
                ("Board reshuffle", "/reshuffle", None, "Teaser."),
            ]
            return web.Response(text=rss(base, items), content_type="application/rss+xml")
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_get("/{name}", handler)
    return await serve(app)


async def test_feed_date_outranks_a_year_in_the_text(dated_site, caplog, models):
    """Pages without date metadata, listed with today's pubDate, are kept with the feed's date
    and make one story; an undated item whose page metadata says two years ago is dropped with
    one line naming it."""
    from summarizer.cluster import cluster

    base = dated_site
    with caplog.at_level("WARNING", logger="summarizer.ingest"):
        articles, failures = await gather([base + "/feed"], LOCAL)
    assert failures == []
    by_url = {a.url: a for a in articles}
    assert set(by_url) == {base + "/ledger-pier", base + "/gazette-pier"}
    for article in by_url.values():
        assert article.dated_by == "feed"
        assert article.published is not None
        assert article.published > datetime.now(UTC) - timedelta(days=1)
    (line,) = [r.getMessage() for r in caplog.records if "reshuffle" in r.getMessage()]
    assert "older than max_age_hours" in line
    assert len(cluster(articles, models)) == 1


async def test_guessed_dates_do_not_split_one_story(dated_site, models):
    """The same two pages fetched as article URLs: their dates are guesses from the text, and
    the two outlets' reports still make one story."""
    from summarizer.cluster import cluster

    base = dated_site
    articles, _ = await gather([base + "/ledger-pier", base + "/gazette-pier"], LOCAL)
    assert len(articles) == 2
    assert all(not a.date_stated for a in articles)
    assert len(cluster(articles, models)) == 1


@pytest.mark.parametrize("name", ["gazette.rss", "gazette.html", "gazette"])
async def test_local_feed_file_is_read_as_a_feed(tmp_path, name):
    """A feed file is told by its content: its <title> tags do not make it an HTML page."""
    now = datetime.now(UTC)
    items = "".join(
        f"<item><title>Story {n}</title><pubDate>{format_datetime(now)}</pubDate>"
        f"<description>{LONG_SUMMARY} Item {n}.</description></item>"
        for n in (1, 2)
    )
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Calder Bay Gazette</title>'
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    articles, failures = await gather([str(path)], LOCAL)
    assert failures == []
    assert [a.title for a in articles] == ["Story 1", "Story 2"]


# --- untitled text, front matter, bylines, stdin (issue 11) ---------------------------------


async def test_untitled_text_is_named_by_its_first_line_not_its_path():
    """A .txt starting with a byline and a sentence: the sentence names it; no outlet, no path."""
    article = await load_one(str(FIXTURES / "byline-untitled.txt"), Settings())
    assert article.title == "Ferry crews in Halvik walked off the job on Tuesday morning"
    assert article.text.startswith("Ferry crews in Halvik walked off the job")
    assert article.outlet is None
    assert article.published == datetime(2021, 3, 22, tzinfo=UTC)
    assert article.dated_by == "guess"


async def test_front_matter_outlet_heading_title_and_relative_byline(tmp_path):
    """Markdown: a '##' heading titles it, front matter names the outlet, 'Updated 2 hours ago'
    counts back from the file's time."""
    path = tmp_path / "courier.md"
    shutil.copy(FIXTURES / "front-matter.md", path)
    written = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    os.utime(path, (written.timestamp(), written.timestamp()))
    article = await load_one(str(path), Settings())
    assert article.title == "Halvik ferry strike enters second day"
    assert article.outlet == "The Tessel Courier"
    assert article.published == written - timedelta(hours=2)
    assert article.dated_by == "guess"
    assert "outlet:" not in article.text and "tags" not in article.text


async def test_front_matter_date_is_stated(tmp_path):
    """A date in the front matter is the file's own statement, and its title key wins."""
    path = tmp_path / "note.txt"
    path.write_text(
        "---\ntitle: Halvik ferries run again\nsource: Halvik Post\ndate: 2026-03-05\n---\n"
        + (FIXTURES / "english-article.txt").read_text()
    )
    article = await load_one(str(path), Settings())
    assert (article.title, article.outlet) == ("Halvik ferries run again", "Halvik Post")
    assert (article.published, article.dated_by) == (datetime(2026, 3, 5, tzinfo=UTC), "metadata")


async def test_dash_reads_the_given_standard_input():
    """'-' is an article read from the bytes the caller took from stdin, sniffed like a file."""
    text = (FIXTURES / "english-article.txt").read_bytes()
    articles, failures = await gather(["-"], Settings(), stdin=text)
    assert failures == []
    (article,) = articles
    assert article.title == "Halvik ferry strike goes on"
    assert article.origin == "-" and article.path is None
    articles, failures = await gather(["-"], Settings())
    assert articles == [] and "standard input" in reasons(failures)["-"]


@pytest.mark.parametrize("url", ["https://", "http:///news/1", "https://:8080/x"])
async def test_url_without_host_is_named(url):
    """A URL with no host says so, not a connection error."""
    articles, failures = await gather([url], Settings())
    assert articles == []
    assert "names no host" in reasons(failures)[url]


async def test_non_english_article_is_left_out_with_one_note():
    """A German article is a failure naming its language; the English one is kept."""
    german = str(FIXTURES / "german-article.txt")
    english = str(FIXTURES / "english-article.txt")
    articles, failures = await gather([german, english], Settings())
    assert [a.path for a in articles] == [english]
    assert reasons(failures) == {
        german: "written in German (de), not English: left out of the digest"
    }
    assert [f.skipped for f in failures] == [True]  # left out on purpose: a note, not an error


async def test_progress_reports_inputs_done():
    """The progress callback ends with every input done."""
    seen = []
    files = [str(FIXTURES / "english-article.txt"), str(FIXTURES / "story.md"), "nope.txt"]
    await gather(files, Settings(), progress=lambda *event: seen.append(event))
    assert seen[-1] == ("reading inputs", 2, 2)
    assert all(done <= total for _, done, total in seen)


async def test_text_between_rules_is_not_front_matter(tmp_path):
    """A text opening with a rule keeps the paragraph under it; no key there, no outlet."""
    path = tmp_path / "ruled.txt"
    lead = "Ferry crews in Halvik walked off the job on Tuesday morning, the operator said."
    path.write_text(f"---\n{lead}\n---\n" + (FIXTURES / "english-article.txt").read_text())
    article = await load_one(str(path), Settings())
    assert lead in article.text
    assert article.outlet is None
