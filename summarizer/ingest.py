"""Stage 1 of the pipeline: turn inputs (files, directories, article URLs, feeds) into Articles.

`gather` takes everything at once and never fails as a whole: each input that yields nothing
becomes one `InputFailure` with a one-line reason, and the rest still comes through.

1. expand inputs: a directory gives its files (sorted, not recursive, no hidden or README files);
   no inputs means the configured feeds; repeated inputs and URLs are taken once;
2. files by kind (.txt, .md/.markdown, .html/.htm, anything else sniffed) become articles in
   `documents` (titles, front matter, bylines); `-` is the standard input the caller read;
3. URLs are fetched (`fetch.fetch`: retries, size cap, SSRF guard); a feed (by content type or
   its first bytes) gives its recent items, whose pages are fetched concurrently and extracted,
   falling back to the feed's own text when a page fails;
4. parsing and extraction run in worker threads, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import aiohttp

from .clean import clean_text
from .config import Settings
from .dates import as_utc, parse_datetime, url_date
from .documents import SNIFF_BYTES, document, is_binary, load_bytes, load_file, token_count
from .errors import ExtractionError, FeedError, InputError, LanguageSkipped, SummarizerError
from .extract import article_from_html, decode_bytes, html_fragment_text
from .feeds import FeedItem, looks_like_feed, parse_feed
from .fetch import fetch, make_session
from .language import foreign_language, language_name
from .models import Article, InputFailure
from .sentences import split_text

__all__ = ["STDIN", "Progress", "articles_from_records", "gather", "gather_sync", "load_one"]

log = logging.getLogger(__name__)

STDIN = "-"  # the input that stands for the standard input (its bytes are given to `gather`)
FALLBACK_MIN_SENTENCES = 3  # feed text shorter than this is a teaser, not an article
_MEDIA_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")
_READMES = frozenset({"readme", "readme.md", "readme.txt", "readme.markdown", "readme.rst"})
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def _fresh(published: datetime | None, settings: Settings) -> bool:
    """True for a date within max_age_hours, or no date (nothing says it is old)."""
    if published is None:
        return True
    return as_utc(published) >= datetime.now(UTC) - timedelta(hours=settings.sources.max_age_hours)


def _recent(items: list[FeedItem], settings: Settings) -> list[FeedItem]:
    """Items within max_age_hours (undated ones kept), at most max_items_per_feed."""
    fresh = [i for i in items if _fresh(i.published, settings)]
    return fresh[: max(0, settings.sources.max_items_per_feed)]


def _feed_fallback(item: FeedItem) -> str | None:
    """The feed's own text for an item, when it is long enough to stand for the article."""
    text = max((item.content, item.summary), key=token_count)
    text = clean_text(text, light=True)
    if len(split_text(text)) >= FALLBACK_MIN_SENTENCES:
        return text
    return None


def _short(exc: BaseException) -> str:
    """One line of an error's reason."""
    reason = exc.reason if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
    return " ".join(str(reason).split())[:300]


# Told (stage, done, total) as work finishes, e.g. ("reading inputs", 3, 40); the total grows
# as feeds turn into items. The CLI draws it as a progress bar; the library never prints.
Progress = Callable[[str, int, int], None]
READING = "reading inputs"  # the progress stage of `gather`: files read, pages fetched, extracted


@dataclass
class _Run:
    """State shared by the inputs of one gather: session, fetch slots, URLs already taken."""

    settings: Settings
    session: aiohttp.ClientSession | None
    limit: asyncio.Semaphore
    seen_urls: set[str] = field(default_factory=set)
    failures: list[InputFailure] = field(default_factory=list)
    own_session: bool = False
    allow_feeds: bool = True  # load_one wants one article, not a feed's items
    stdin: bytes | None = None  # what the caller read from the standard input, for STDIN
    progress: Progress | None = None
    done: int = 0
    total: int = 0

    @classmethod
    def start(
        cls,
        settings: Settings,
        session: aiohttp.ClientSession | None,
        *,
        allow_feeds: bool = True,
        stdin: bytes | None = None,
        progress: Progress | None = None,
    ) -> _Run:
        """A run with its fetch slots: `[fetch] concurrency` requests at a time."""
        slots = asyncio.Semaphore(max(1, settings.fetch.concurrency))
        return cls(
            settings, session, slots, allow_feeds=allow_feeds, stdin=stdin, progress=progress
        )

    def expect(self, count: int) -> None:
        """`count` more pieces of work (inputs, feed items) to report progress on."""
        self.total += count
        if self.progress is not None:
            self.progress(READING, self.done, self.total)

    def finished(self, count: int = 1) -> None:
        """`count` pieces of work done."""
        self.done += count
        if self.progress is not None:
            self.progress(READING, self.done, self.total)

    def claim(self, url: str) -> bool:
        """Take a URL once; False when another input or feed item already has it."""
        key = url.split("#", 1)[0]
        if key in self.seen_urls:
            return False
        self.seen_urls.add(key)
        return True

    def fail(self, source: str, exc: BaseException) -> None:
        reason = _short(exc)
        # Returned to the caller, which reports it once (the CLI as one error line).
        log.info("%s: %s", source, reason)
        self.failures.append(InputFailure(source, reason, isinstance(exc, LanguageSkipped)))

    async def get(self, url: str) -> tuple[str, str | None, bytes, str]:
        """Fetch with a slot held only for the request itself (feeds wait on their items)."""
        if self.session is None:
            self.session = make_session(self.settings.fetch)
            self.own_session = True
        async with self.limit:
            got = await fetch(url, self.settings.fetch, session=self.session)
        return got.final_url, got.charset, got.body, got.content_type


async def _page(run: _Run, url: str, *, outlet: str | None = None) -> Article | list[FeedItem]:
    """An article page, or a feed's items, from a URL."""
    final_url, charset, body, content_type = await run.get(url)
    if looks_like_feed(body, content_type):
        return await asyncio.to_thread(parse_feed, body, url)
    if content_type.startswith("text/plain"):
        text = decode_bytes(body, charset, sniff_meta=False)
        now = datetime.now(UTC)
        article = await asyncio.to_thread(document, text, url, "text", written=now)
        article.url = final_url
        return article
    # Servers mislabel pages as octet-stream often enough: judge by the bytes, not the label,
    # except for media types that are never pages.
    if content_type.startswith(_MEDIA_TYPES) or is_binary(body[:SNIFF_BYTES]):
        raise ExtractionError(url, f"not an HTML page ({content_type or 'no content type'})")
    return await asyncio.to_thread(
        article_from_html, body, url=final_url, encoding=charset, default_outlet=outlet
    )


async def _item(run: _Run, item: FeedItem, feed: str) -> Article | None:
    """One feed item: its page extracted, else the feed's own text, else a failure."""
    link = item.link
    article: Article | None = None
    error: BaseException | None = None
    if link:
        try:
            page = await _page(run, link, outlet=item.outlet)
            if isinstance(page, Article):
                article = page
            else:
                error = InputError(link, "item link is itself a feed")
        except InputError as exc:
            error = exc
        except Exception as exc:  # one item's bug must not sink its feed
            log.exception("%s: unexpected error", link)
            error = InputError(link, f"internal error ({type(exc).__name__})")
    if article is None:
        text = _feed_fallback(item)
        if text is None:
            run.fail(link or f"{feed} item {item.title!r}", error or InputError(feed, "no link"))
            return None
        if error is not None:
            log.info("%s: page failed (%s); using the feed's text", link, _short(error))
        article = Article(text=text, url=link)
    article.title = article.title or item.title
    article.outlet = article.outlet or item.outlet
    _date_from_feed(article, item, link or feed)
    article.url = article.url or link
    article.origin = feed
    return article


async def _feed_articles(run: _Run, items: list[FeedItem], feed: str) -> list[Article]:
    if not run.allow_feeds:
        raise FeedError(feed, "is a feed, not an article; use digest for feeds")
    recent = _recent(items, run.settings)
    claimed = [i for i in recent if not i.link or run.claim(i.link)]
    log.info("%s: %d items, %d recent, %d new", feed, len(items), len(recent), len(claimed))
    run.expect(len(claimed))

    async def counted(item: FeedItem) -> Article | None:
        try:
            return await _item(run, item, feed)
        finally:
            run.finished()

    results = await asyncio.gather(*(counted(i) for i in claimed))
    articles = [a for a in results if a is not None]
    # An undated item whose page states an old date is old news too; a date guessed from the
    # page's text ("in June 2019") drops nothing.
    kept: list[Article] = []
    for article in articles:
        if article.date_stated and not _fresh(article.published, run.settings):
            assert article.published is not None
            log.warning(
                "%s: skipped, its page is dated %s (%s), older than max_age_hours",
                article.url or feed,
                article.published.date().isoformat(),
                article.dated_by,
            )
            continue
        kept.append(article)
    return kept


def _date_from_feed(article: Article, item: FeedItem, name: str) -> None:
    """The feed's pubDate is a statement: it outranks a date guessed from the page's text.

    When the page's own metadata or URL gives another day, the item keeps the feed's date (the
    feed says it is news now) and the conflict is logged in one line.
    """
    if item.published is None:
        return
    if not article.date_stated:
        article.published, article.dated_by = item.published, "feed"
        return
    assert article.published is not None
    page, feed = as_utc(article.published), as_utc(item.published)
    if abs(page - feed) > timedelta(days=1):
        log.info(
            "%s: the feed dates it %s, its page (%s) %s; the feed's date is kept",
            name, feed.date().isoformat(), article.dated_by, page.date().isoformat(),
        )  # fmt: skip
        article.published, article.dated_by = item.published, "feed"


async def _from_url(run: _Run, url: str) -> list[Article]:
    page = await _page(run, url)
    if isinstance(page, Article):
        page.origin = url
        return [page]
    return await _feed_articles(run, page, url)


async def _from_stdin(run: _Run) -> list[Article]:
    if run.stdin is None:
        raise InputError(STDIN, "the standard input is not available here; give a file or URL")
    written = datetime.now(UTC)
    loaded = await asyncio.to_thread(load_bytes, run.stdin, STDIN, path=None, written=written)
    if isinstance(loaded, Article):
        loaded.origin = STDIN
        return [loaded]
    items = await asyncio.to_thread(parse_feed, loaded[1], STDIN)
    return await _feed_articles(run, items, STDIN)


async def _from_file(run: _Run, path: Path, origin: str) -> list[Article]:
    loaded = await asyncio.to_thread(load_file, path, run.settings.fetch.max_bytes)
    if isinstance(loaded, Article):
        loaded.origin = origin
        return [loaded]
    items = await asyncio.to_thread(parse_feed, loaded[1], str(path))
    return await _feed_articles(run, items, origin)


def _directory_files(path: Path) -> list[Path]:
    """A directory's files, sorted; hidden files and READMEs left out; not recursive."""
    return sorted(
        p
        for p in path.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name.lower() not in _READMES
    )


def _expand(source: str, run: _Run) -> list[tuple[str, Callable[[], Awaitable[list[Article]]]]]:
    """The jobs one input stands for: (name for failures, job). Touches the file system."""
    if source == STDIN:
        return [(source, lambda: _from_stdin(run))]
    if _URL.match(source):
        parsed = urlparse(source)
        scheme = parsed.scheme.lower()
        if scheme not in ("http", "https"):
            raise InputError(source, f"only http and https URLs are supported, not {scheme}:")
        if not parsed.hostname:
            raise InputError(source, "the URL names no host (e.g. https://example.org/news/1)")
        if not run.claim(source):
            return []
        return [(source, lambda: _from_url(run, source))]
    path = Path(source).expanduser()
    if path.is_dir():
        if not run.allow_feeds:
            raise InputError(source, "is a directory; give one file or URL")
        files = _directory_files(path)
        if not files:
            raise InputError(source, "directory has no article files")
        return [(str(f), partial(_from_file, run, f, source)) for f in files]
    if path.is_file():
        return [(source, lambda: _from_file(run, path, source))]
    if path.exists():
        raise InputError(source, "not a regular file")
    raise InputError(source, "no such file or directory (URLs need http:// or https://)")


def _in_english(articles: list[Article], name: str, run: _Run) -> list[Article]:
    """The articles in English; each other one becomes a failure naming its language."""
    kept: list[Article] = []
    for article in articles:
        code = foreign_language(f"{article.title or ''}\n\n{article.text}")
        if code is None:
            kept.append(article)
            continue
        where = article.url or article.path or name
        reason = f"written in {language_name(code)} ({code}), not English: left out of the digest"
        run.fail(where, LanguageSkipped(where, reason))
    return kept


def _dedupe(articles: list[Article]) -> list[Article]:
    """Articles in order, the first of each URL (redirects and canonical links can meet)."""
    seen: set[str] = set()
    out: list[Article] = []
    for article in articles:
        if article.url:
            if article.url in seen:
                continue
            seen.add(article.url)
        out.append(article)
    return out


async def gather(
    inputs: Sequence[str],
    settings: Settings,
    *,
    session: aiohttp.ClientSession | None = None,
    stdin: bytes | None = None,
    progress: Progress | None = None,
) -> tuple[list[Article], list[InputFailure]]:
    """Load every input, concurrently; bad inputs become failures, never exceptions.

    An article that is surely not in English is left out as a failure naming its language:
    the models downstream read English only.

    Args:
        inputs: file paths, directories, article URLs and feed URLs, and STDIN ("-") for
            `stdin`; empty means the configured `settings.sources.feeds`.
        settings: fetch limits, feed age and size limits.
        session: an HTTP session to reuse (best from `fetch.make_session`); None opens one.
        stdin: the bytes the caller read from the standard input, when "-" is an input (the
            library never reads the process's standard input itself).
        progress: told (READING, done, total) as inputs and feed items are finished.

    Returns:
        The articles in input order (each feed's items in feed order), and one failure per
        input, file or feed item that gave nothing, with a one-line reason.

    """
    if isinstance(inputs, str):
        raise TypeError("inputs must be a sequence of strings, not one string")
    sources = list(dict.fromkeys(inputs)) or list(settings.sources.feeds)
    run = _Run.start(settings, session, stdin=stdin, progress=progress)
    jobs: list[tuple[str, Callable[[], Awaitable[list[Article]]]]] = []
    for source in sources:
        try:
            jobs.extend(await asyncio.to_thread(_expand, source, run))
        except InputError as exc:
            run.fail(source, exc)
    run.expect(len(jobs))

    async def guarded(name: str, job: Callable[[], Awaitable[list[Article]]]) -> list[Article]:
        try:
            return await asyncio.to_thread(_in_english, await job(), name, run)
        except InputError as exc:
            run.fail(name, exc)
        except Exception as exc:  # a bug must not sink the other inputs
            log.exception("%s: unexpected error", name)
            run.fail(name, InputError(name, f"internal error ({type(exc).__name__})"))
        finally:
            run.finished()
        return []

    try:
        results = await asyncio.gather(*(guarded(name, job) for name, job in jobs))
    finally:
        if run.own_session and run.session is not None:
            await run.session.close()
    articles = _dedupe([a for batch in results for a in batch])
    log.info("gathered %d articles, %d failures", len(articles), len(run.failures))
    return articles, run.failures


def gather_sync(
    inputs: Sequence[str], settings: Settings
) -> tuple[list[Article], list[InputFailure]]:
    """`gather` for callers without an event loop."""
    return asyncio.run(gather(inputs, settings))


async def load_one(source: str, settings: Settings, *, stdin: bytes | None = None) -> Article:
    """Load a single article (a file, an article URL, or STDIN).

    Args:
        source: a file path, an http(s) URL of an article page, or STDIN ("-").
        settings: fetch settings.
        stdin: the bytes the caller read from the standard input, for STDIN.

    Returns:
        The article.

    Raises:
        InputError: the input is missing, unreadable, a directory or feed, or has no article
            text (FetchError, UnsafeURLError and ExtractionError are subclasses).

    """
    run = _Run.start(settings, None, allow_feeds=False, stdin=stdin)
    try:
        jobs = await asyncio.to_thread(_expand, source, run)
        articles = await jobs[0][1]()
        if not articles:
            raise InputError(source, "no article")
        return articles[0]
    finally:
        if run.own_session and run.session is not None:
            await run.session.close()


def articles_from_records(records: Sequence[Any], *, where: str) -> list[Article]:
    """Articles from batch records: {"text" or "html", "title"?, "url"?, "source"?, "published"?}.

    "published" is an ISO 8601 date; without it, the page's own date or its URL's is used.

    Raises:
        SummarizerError: a record has neither text nor html.
    """
    articles: list[Article] = []
    for n, record in enumerate(records, 1):
        if not isinstance(record, dict) or not (record.get("text") or record.get("html")):
            raise SummarizerError(f"{where}: article {n} has neither 'text' nor 'html'")
        if record.get("html"):
            try:
                article = article_from_html(record["html"], url=record.get("url"))
            except ExtractionError:
                # A short snippet is no page to extract from, but its text is still the article.
                text = html_fragment_text(str(record["html"]))
                if not text.strip():
                    raise SummarizerError(f"{where}: article {n} has no text") from None
                article = Article(text=text, url=record.get("url"))
            article.title = record.get("title") or article.title
            article.outlet = record.get("source") or article.outlet
        else:
            article = Article(
                text=clean_text(str(record["text"])),
                title=record.get("title"),
                url=record.get("url"),
                outlet=record.get("source"),
            )
        given = record.get("published")
        stated = parse_datetime(given) if isinstance(given, str) else None
        if stated is not None:
            article.published, article.dated_by = stated, "record"
        elif not article.date_stated and (from_url := url_date(article.url)):
            article.published, article.dated_by = from_url, "url"
        articles.append(article)
    return articles
