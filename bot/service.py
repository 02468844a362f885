"""The one seam between the bot and the summarizer: what the cogs ask for, and who does it.

`DigestService` is the protocol the cogs call; `PipelineService` runs the real summarizer, with
network I/O on the event loop and every CPU- or model-heavy step on a worker thread, so the
gateway heartbeat never waits on the pipeline. Tests swap in a deterministic fake.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import gc
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from summarizer.config import Settings
from summarizer.errors import FeedError, InputError
from summarizer.models import Answer, Article, Digest, Source, StoryDigest, Turn

if TYPE_CHECKING:  # the QA stack and the tracker load on the worker thread, at warm-up
    from summarizer.qa import QAIndex
    from summarizer.track import Tracker

__all__ = ["DigestService", "FeedInfo", "PipelineService"]

log = logging.getLogger(__name__)

QA_INDEX_CACHE = 16  # stored digests whose QA index stays built; questions favour recent ones
# Tracked digests kept: channels that share a feed set, filters and history share one result.
TRACK_CACHE = 64
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed that fetched and parsed: its title and how many items it has now."""

    url: str
    title: str | None
    items: int


class DigestService(Protocol):
    """What the cogs need from the summarizer."""

    async def digest(self, feeds: Sequence[str]) -> Digest:
        """Digest the recent items of these feeds (none: the configured defaults)."""
        ...

    async def summarize(self, urls: Sequence[str]) -> Digest:
        """Fuse the articles at these URLs into one story (unreadable ones become failures)."""
        ...

    async def answer(
        self, question: str, key: Hashable, sources: Sequence[Source], history: Sequence[Turn]
    ) -> Answer:
        """Answer a question from these sources; `key` (`PostedDigest.qa_key`) names them.

        Every channel's post of one digest (showing the same stories) shares the key, so the QA
        index is built once.

        Raises:
            InputError: the question is empty or too long.

        """
        ...

    async def track(self, key: Hashable, digest: Digest, earlier: Sequence[StoryDigest]) -> Digest:
        """The digest with each story that continues one of `earlier` marked as an update.

        `summarizer.track`: the same event, which sentences are new, which numbers changed.
        `digest` is left as it is (channels share it); the marked copy is returned. `key` names
        the digest and the earlier stories: equal keys give equal results, computed once.
        """
        ...

    async def check_feed(self, url: str) -> FeedInfo:
        """Fetch and parse a feed.

        Raises:
            InputError: it cannot be fetched or is not a feed.

        """
        ...

    async def warm_up(self) -> None:
        """Import and load whatever the first request would, before the bot goes online."""
        ...

    async def close(self) -> None:
        """Release threads and sessions."""
        ...


class PipelineService:
    """The real summarizer behind the `DigestService` protocol."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # One worker: the models are loaded once and two digests at a time on 2 cores only
        # slow each other down; the scheduler already shares one digest per source set.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pipeline")
        self._indexes: OrderedDict[Hashable, QAIndex] = OrderedDict()
        self._index_lock = asyncio.Lock()
        self._tracked: OrderedDict[Hashable, Digest] = OrderedDict()
        self._tracker: Tracker | None = None

    async def warm_up(self) -> None:
        """Import the pipeline and load the models on the worker thread, before going online.

        The first import of torch, spaCy and trafilatura holds the GIL for long stretches
        (hundreds of ms); done here, before the gateway connects, no heartbeat is waiting.
        A failure is logged and left to the first real request to report.
        """
        started = time.perf_counter()
        try:
            await self._offload(_warm, self.settings)
        except Exception:
            log.warning("warming the summarizer up failed; it loads on first use", exc_info=True)
            return
        # The models are ~500,000 Python objects that live as long as the bot. Each full
        # collection walked them all, holding the GIL for 150-200 ms (measured in the load
        # bench): a loop stall. Frozen, the collector never scans them again.
        gc.collect()
        gc.freeze()
        log.info(
            "summarizer warmed up in %.1f s (%d objects frozen)",
            time.perf_counter() - started,
            gc.get_freeze_count(),
        )

    async def _offload(self, func: Callable[..., _T], /, *args: Any, **kwargs: Any) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(func, *args, **kwargs))

    async def digest(self, feeds: Sequence[str]) -> Digest:
        """Digest the recent items of these feeds (none: the configured defaults)."""
        from summarizer import ingest, pipeline

        articles, failures = await ingest.gather(list(feeds), self.settings)
        digest = await self._offload(pipeline.summarize, articles, self.settings)
        digest.failures = [*failures, *digest.failures]
        return digest

    async def summarize(self, urls: Sequence[str]) -> Digest:
        """Fuse the articles at these URLs into one story."""
        from summarizer import ingest, pipeline

        articles, failures = await ingest.gather(list(urls), self.settings)
        if not articles:
            return Digest(stories=[], failures=list(failures))
        story = await self._offload(pipeline.fuse_articles, articles, self.settings)
        return Digest(stories=[story], failures=list(failures))

    async def answer(
        self, question: str, key: Hashable, sources: Sequence[Source], history: Sequence[Turn]
    ) -> Answer:
        """Answer from the sources, building (and caching) their QA index off the loop."""
        from summarizer import qa

        async with self._index_lock:
            index = self._indexes.get(key)
            if index is None:
                index = await self._offload(qa.build_index, list(sources), self.settings)
                self._indexes[key] = index
                while len(self._indexes) > QA_INDEX_CACHE:
                    self._indexes.popitem(last=False)
            else:
                self._indexes.move_to_end(key)
        return await self._offload(
            qa.answer_question, question, index, history=list(history), settings=self.settings
        )

    async def track(self, key: Hashable, digest: Digest, earlier: Sequence[StoryDigest]) -> Digest:
        """Mark the stories that continue earlier ones, on the worker thread; cached by `key`."""
        cached = self._tracked.get(key)
        if cached is not None:
            self._tracked.move_to_end(key)
            return cached
        tracked = await self._offload(self._track, digest, list(earlier))
        self._tracked[key] = tracked
        while len(self._tracked) > TRACK_CACHE:
            self._tracked.popitem(last=False)
        return tracked

    def _track(self, digest: Digest, earlier: list[StoryDigest]) -> Digest:
        """On the worker thread: a marked copy (the shared digest stays as it is)."""
        from summarizer.track import Tracker, track

        if self._tracker is None:
            self._tracker = Tracker(self.settings)
        marked = copy.deepcopy(digest)
        return track(marked, earlier, self.settings, tracker=self._tracker)

    async def check_feed(self, url: str) -> FeedInfo:
        """Fetch and parse a feed before anyone stores it."""
        from summarizer import feeds, fetch

        fetched = await fetch.fetch(url, self.settings.fetch)
        try:
            parsed = await self._offload(feeds.parse_feed, fetched.body, url)
        except InputError:
            raise
        except Exception as exc:  # a parser crash on hostile input is still just a bad feed
            raise FeedError(url, f"not a feed ({type(exc).__name__})") from exc
        return _feed_info(url, parsed)

    async def close(self) -> None:
        """Stop the worker thread (a digest in progress finishes first)."""
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)


_WARM_TEXTS = (
    "The river ferry at Lindholm resumed service on Tuesday after a week of repairs. "
    "Its operator said crossings would run every thirty minutes.",
    "Ferry crossings at Lindholm restarted on Tuesday once repairs were finished. "
    "The operator plans a crossing every thirty minutes.",
)


def _warm(settings: Settings) -> None:
    """Run a tiny digest and question end to end, so every module and model is loaded."""
    from summarizer import extract, feeds, fetch, ingest, pipeline, places, qa  # noqa: F401

    # The gazetteer reads ISO 3166 (~50 ms of pure Python) on first use: not mid-question.
    places.is_state("Ohio")

    page = "".join(f"<p>{text}</p>" for text in _WARM_TEXTS)
    with contextlib.suppress(InputError):
        extract.article_from_html(
            f"<html><head><title>Warm-up</title></head><body><article>{page}</article></body></html>",
            url="https://www.example.com/news/warm-up",
        )
    # trafilatura (through courlan) parses the public-suffix list on first use: ~0.3 s of pure
    # Python that would otherwise compete with the event loop for the GIL mid-digest.
    with contextlib.suppress(Exception):
        import tld.utils

        tld.utils.get_tld_names()

    articles = [
        Article(
            text=text,
            title="Lindholm ferry resumes",
            url=f"https://warm-up.invalid/{n}",
            outlet=f"Warm-up {n}",
        )
        for n, text in enumerate(_WARM_TEXTS)
    ]
    digest = pipeline.summarize(articles, settings)
    sources = digest.sources or [Source(id=1, title="Lindholm ferry resumes", text=_WARM_TEXTS[0])]
    qa.answer_question(
        "When did the ferry resume?", qa.build_index(sources, settings), settings=settings
    )


def _feed_info(url: str, parsed: Any) -> FeedInfo:
    """Title and item count of `parse_feed`'s items (each names the feed as its outlet)."""
    items = list(parsed) if isinstance(parsed, Sequence) else []
    title = next((i.outlet for i in items if getattr(i, "outlet", None)), None)
    return FeedInfo(url=url, title=title, items=len(items))
