"""Builders of small digests with known shapes, for the tests and the fake summarizer."""

from __future__ import annotations

from typing import Any

from summarizer.models import Citation, Digest, DigestSentence, Source, StoryDigest


def make_story(
    n: int = 1,
    *,
    sentences: int = 3,
    sources: int = 2,
    first_id: int = 1,
    sentence_text: str | None = None,
    headline: str | None = None,
) -> StoryDigest:
    """A story whose sentence i cites source (i mod sources) + first_id."""
    srcs = [
        Source(
            id=first_id + k,
            title=f"Story {n} report {k + 1}",
            url=f"https://news{k + 1}.example/story-{n}",
            outlet=f"Outlet {k + 1}",
            text=f"Story {n} text from outlet {k + 1}. It says the harbour bridge reopened.",
        )
        for k in range(sources)
    ]
    sents = [
        DigestSentence(
            text=sentence_text or f"Story {n} sentence {i + 1} says something plain.",
            citations=[Citation(first_id + (i % sources))],
        )
        for i in range(sentences)
    ]
    return StoryDigest(
        id=f"s{n}", headline=headline or f"Headline of story {n}", sentences=sents, sources=srcs
    )


def make_digest(stories: int = 2, **kwargs: Any) -> Digest:
    """A digest with ids unique across stories."""
    out = []
    next_id = 1
    for n in range(1, stories + 1):
        story = make_story(n, first_id=next_id, **kwargs)
        next_id += len(story.sources)
        out.append(story)
    return Digest(stories=out)
