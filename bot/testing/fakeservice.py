"""A deterministic summarizer behind the `DigestService` protocol: known digests and answers."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import time
from collections.abc import Hashable, Sequence
from typing import Any

from summarizer.errors import FeedError, InputError
from summarizer.models import (
    Answer,
    Continuation,
    Digest,
    InputFailure,
    Source,
    StoryDigest,
    Turn,
)
from summarizer.qa import MAX_QUESTION_CHARS

from ..service import FeedInfo
from .digests import make_digest, make_story

__all__ = ["FakeService"]


class FakeService:
    """A summarizer with known answers; `work_s` of pure-Python CPU per digest, in a thread.

    Every call is recorded in `calls`. A URL containing "broken" fails, a feed URL containing
    "notafeed" is no feed, a question containing "unknowable" is not answered.
    """

    def __init__(
        self, *, stories: int = 2, work_s: float = 0.0, headlines: Sequence[str] = ()
    ) -> None:
        self.stories = stories
        self.work_s = work_s
        self.headlines = list(headlines)  # the digest's first headlines (to test filters)
        self.calls: list[tuple[Any, ...]] = []
        self.mention_text = ""
        self.fail_digest = False

    def _burn(self) -> None:
        # Pure Python holds the GIL like the real pipeline's tokenising and clustering do.
        end = time.perf_counter() + self.work_s
        n = 0
        while time.perf_counter() < end:
            n += sum(i * i for i in range(200))

    async def digest(self, feeds: Sequence[str]) -> Digest:
        """A digest of `stories` stories, whatever the feeds."""
        self.calls.append(("digest", tuple(feeds)))
        if self.fail_digest:
            raise RuntimeError("pipeline exploded")
        if self.work_s:
            await asyncio.to_thread(self._burn)
        digest = make_digest(self.stories)
        for story, headline in zip(digest.stories, self.headlines, strict=False):
            story.headline = headline
        if self.mention_text:
            digest.stories[0].sentences[0].text = self.mention_text
        return digest

    async def summarize(self, urls: Sequence[str]) -> Digest:
        """One story whose sources are the URLs; those containing "broken" fail."""
        self.calls.append(("summarize", tuple(urls)))
        good = [u for u in urls if "broken" not in u]
        failures = [InputFailure(u, "HTTP 404") for u in urls if "broken" in u]
        if not good:
            return Digest(stories=[], failures=failures)
        story = make_story(1, sources=len(good))
        story.sources = [
            dataclasses.replace(s, url=u) for s, u in zip(story.sources, good, strict=True)
        ]
        return Digest(stories=[story], failures=failures)

    async def answer(
        self, question: str, key: Hashable, sources: Sequence[Source], history: Sequence[Turn]
    ) -> Answer:
        """The last source's outlet says it reopened on Monday; questions checked as qa does."""
        self.calls.append(("answer", question, key, len(history)))
        if not question.strip():
            raise InputError("question", "empty question")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError("question", f"the limit is {MAX_QUESTION_CHARS:,} characters")
        if "unknowable" in question:
            return Answer("", [], False)
        cited = sources[-1]
        return Answer(f"It reopened on Monday, says {cited.outlet} [{cited.id}].", [cited.id], True)

    async def track(self, key: Hashable, digest: Digest, earlier: Sequence[StoryDigest]) -> Digest:
        """A story continues an earlier one with its headline; a sentence it told is not new."""
        self.calls.append(("track", key))
        marked = copy.deepcopy(digest)
        for story in marked.stories:
            old = next((e for e in reversed(earlier) if e.headline == story.headline), None)
            if old is None:
                continue
            told = {s.text for s in old.sentences}
            for sentence in story.sentences:
                sentence.new = sentence.text not in told
            first = old.continues.first_date if old.continues else old.date
            day = old.continues.day + 1 if old.continues else 2
            story.continues = Continuation(old.id, old.headline, old.date, first, day)
        return marked

    async def check_feed(self, url: str) -> FeedInfo:
        """A feed titled "Example Feed" with 3 items, unless the URL says "notafeed"."""
        self.calls.append(("check_feed", url))
        if "notafeed" in url:
            raise FeedError(url, "not an RSS or Atom feed")
        return FeedInfo(url=url, title="Example Feed", items=3)

    async def warm_up(self) -> None:
        """Nothing to load."""
        return None

    async def close(self) -> None:
        """Nothing to release."""
        return None
