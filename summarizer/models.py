"""The one data model every stage passes along.

Article -> (clean, split) -> Sentence -> (cluster) -> Story -> (fuse, verify) -> StoryDigest,
and StoryDigests -> Digest.
Citations are 1-based source ids, unique across one digest, the way they are printed ([1][2]).
A story that continues one told before (`track`) says which (`Continuation`), which of its
sentences are new and which numbers changed (`Change`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from .dates import parse_datetime

__all__ = [
    "STATED_DATES",
    "Answer",
    "Article",
    "Change",
    "Citation",
    "Continuation",
    "DatedBy",
    "Digest",
    "DigestSentence",
    "Disagreement",
    "InputFailure",
    "Sentence",
    "Source",
    "Story",
    "StoryDigest",
    "Turn",
]

DatedBy = Literal["feed", "metadata", "url", "record", "guess"]
# A feed's pubDate, a page's date metadata (meta tags, JSON-LD, <time>), a date in the URL and
# a batch record's "published" state when an article came out; a date found in the text is a
# guess ("in June 2019" is no publication date).
STATED_DATES: frozenset[str] = frozenset({"feed", "metadata", "url", "record"})

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _dated_by(value: Any) -> DatedBy | None:
    """A `dated_by` read back from JSON; anything unknown is no statement."""
    return next((k for k in get_args(DatedBy) if k == value), None)


def _datetime(value: Any) -> datetime | None:
    """An ISO 8601 value read back from JSON; anything unreadable is no date (it is optional)."""
    return parse_datetime(value) if isinstance(value, str) else None


@dataclass(slots=True)
class Article:
    """One article from one outlet after extraction: plain text, blank lines between paragraphs."""

    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    path: str | None = None
    published: datetime | None = None
    # Where the date comes from: a statement ("feed", "metadata", "url", "record") or a "guess"
    # from the text; only a statement may drop an article as old or keep two apart in time.
    dated_by: DatedBy | None = None
    # Where the article came from (a feed URL, a file path): lets the bot show which input failed.
    origin: str | None = None

    @property
    def date_stated(self) -> bool:
        """Whether the article's date is stated (not guessed from its text, not missing)."""
        return self.published is not None and self.dated_by in STATED_DATES

    @property
    def key(self) -> str:
        """A stable identity: the URL or path when there is one, else a hash of the text."""
        if self.url:
            return self.url
        if self.path:
            return self.path
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()[:16]

    @property
    def paragraphs(self) -> list[str]:
        """Non-empty paragraphs of the text."""
        return [p.strip() for p in _PARAGRAPH_BREAK.split(self.text) if p.strip()]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of one article, with where it stands (lead sentences carry the news)."""

    text: str
    article: int  # index of the article within its story
    position: int  # index of the sentence within the article
    paragraph: int = 0


@dataclass(slots=True)
class Story:
    """Articles from one or more outlets about one event."""

    id: str
    articles: list[Article]

    @property
    def outlets(self) -> list[str]:
        """Distinct outlet names, in article order (falls back to the article key)."""
        seen: dict[str, None] = {}
        for article in self.articles:
            seen.setdefault(article.outlet or article.key, None)
        return list(seen)


@dataclass(frozen=True, slots=True)
class Source:
    """A numbered source of a story digest, as shown under it."""

    id: int
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    path: str | None = None
    # The article text travels with the digest so follow-up questions can be answered offline.
    text: str = ""
    # When the article came out: questions weigh a stale article below this week's news.
    published: datetime | None = None
    dated_by: DatedBy | None = None  # as `Article.dated_by`

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """JSON form; `with_text=False` leaves the article body out."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "path": self.path,
            "published": self.published.isoformat() if self.published else None,
            "dated_by": self.dated_by,
        }
        if with_text:
            data["text"] = self.text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        """Inverse of `to_dict`."""
        return cls(
            id=int(data["id"]),
            title=data.get("title"),
            url=data.get("url"),
            outlet=data.get("outlet"),
            path=data.get("path"),
            text=data.get("text") or "",
            published=_datetime(data.get("published")),
            dated_by=_dated_by(data.get("dated_by")),
        )

    @classmethod
    def of_article(cls, source_id: int, article: Article) -> Source:
        """The numbered source standing for an article."""
        return cls(
            id=source_id,
            title=article.title,
            url=article.url,
            outlet=article.outlet,
            path=article.path,
            text=article.text,
            published=article.published,
            dated_by=article.dated_by,
        )


@dataclass(frozen=True, slots=True)
class Citation:
    """One source backing one digest sentence, with the source sentence that carries it."""

    source: int  # 1-based source id, unique across one digest (as printed: [1][2])
    evidence: str = ""  # the closest sentence of that source
    score: float = 0.0  # verifier similarity to the evidence


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Sources that state one fact with another number, date or name than the sentence."""

    value: str  # as the sentence (and the sources it cites) state it
    other: str  # as these sources state it
    sources: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"value": self.value, "other": self.other, "citations": list(self.sources)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Disagreement:
        """Inverse of `to_dict`."""
        return cls(str(data["value"]), str(data["other"]), tuple(int(c) for c in data["citations"]))


@dataclass(slots=True)
class DigestSentence:
    """A sentence of a digest, every source that carries it and any that state it otherwise."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    generated: bool = False
    disagreements: list[Disagreement] = field(default_factory=list)
    # False when the earlier story this one continues already told it (`track`); with nothing
    # to compare against, everything is new.
    new: bool = True
    # It points back at the sentence before it ("He was 91."), which its outlet wrote just
    # before it: never shown without that sentence.
    reads_on: bool = False

    @property
    def source_ids(self) -> list[int]:
        """Sorted distinct source ids."""
        return sorted({c.source for c in self.citations})

    @property
    def support(self) -> int:
        """How many sources verifiably carry the sentence."""
        return len(self.source_ids)

    @property
    def support_note(self) -> str:
        """What a reader sees after the citations: how many outlets carry it, who differs.

        "3 outlets", "1 outlet", "2 outlets; [3] gives 70%".
        """
        note = f"{self.support} outlet{'s' if self.support != 1 else ''}"
        for d in self.disagreements:
            note += f"; {''.join(f'[{i}]' for i in d.sources)} gives {d.other}"
        return note

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "text": self.text,
            "citations": self.source_ids,
            "support": self.support,
            "disagreements": [d.to_dict() for d in self.disagreements],
            "generated": self.generated,
            "new": self.new,
            "reads_on": self.reads_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DigestSentence:
        """Inverse of `to_dict`."""
        return cls(
            text=str(data["text"]),
            citations=[Citation(int(c)) for c in data.get("citations", [])],
            generated=bool(data.get("generated", False)),
            disagreements=[Disagreement.from_dict(d) for d in data.get("disagreements", [])],
            new=bool(data.get("new", True)),
            reads_on=bool(data.get("reads_on", False)),
        )


@dataclass(frozen=True, slots=True)
class Continuation:
    """The earlier story a story continues: the same event, told before."""

    id: str  # the earlier story's id
    headline: str  # ... its headline
    date: datetime | None  # when it was told
    first_date: datetime | None  # when the story was first told (its day 1)
    day: int  # which day of the story this one is (2: the day after the first)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "headline": self.headline,
            "date": self.date.isoformat() if self.date else None,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "day": self.day,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Continuation:
        """Inverse of `to_dict`."""
        return cls(
            id=str(data["id"]),
            headline=str(data.get("headline", "")),
            date=_datetime(data.get("date")),
            first_date=_datetime(data.get("first_date")),
            day=int(data.get("day", 2)),
        )


@dataclass(frozen=True, slots=True)
class Change:
    """A quantity the earlier story gave one value and this one another: 12 [1], now 19 [4]."""

    old: str  # as the earlier story stated it
    old_sources: tuple[int, ...]  # the earlier story's citations (its own source ids)
    new: str  # as this story states it
    sources: tuple[int, ...]  # this story's citations
    text: str  # this story's sentence that gives the new value

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "old": self.old,
            "old_citations": list(self.old_sources),
            "new": self.new,
            "citations": list(self.sources),
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        """Inverse of `to_dict`."""
        return cls(
            old=str(data["old"]),
            old_sources=tuple(int(c) for c in data.get("old_citations", [])),
            new=str(data["new"]),
            sources=tuple(int(c) for c in data.get("citations", [])),
            text=str(data.get("text", "")),
        )


@dataclass(slots=True)
class StoryDigest:
    """One story fused into a headline and cited sentences."""

    id: str
    headline: str
    sentences: list[DigestSentence]
    sources: list[Source]
    headline_generated: bool = False
    continues: Continuation | None = None  # the earlier story this one continues (`track`)
    changed: list[Change] = field(default_factory=list)  # numbers changed since then

    @property
    def date(self) -> datetime | None:
        """When the story was told: its latest source's date, None when no source has one."""
        return max((s.published for s in self.sources if s.published), default=None)

    @property
    def background(self) -> DigestSentence | None:
        """What an update already told: its first sentence that is not new, if any.

        A sentence that reads on from the one before it is no line alone.
        """
        return next((s for s in self.sentences if not (s.new or s.reads_on)), None)

    @property
    def text(self) -> str:
        """The sentences joined with [n] markers, as plain text."""
        return " ".join(s.text + "".join(f"[{i}]" for i in s.source_ids) for s in self.sentences)

    @property
    def outlet_count(self) -> int:
        """How many distinct outlets the story's sources come from (one without counts alone)."""
        return len({s.outlet or s.url or s.path or str(s.id) for s in self.sources})

    @property
    def cited_sources(self) -> list[Source]:
        """Sources that at least one sentence cites."""
        cited = {i for s in self.sentences for i in s.source_ids}
        return [s for s in self.sources if s.id in cited]

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """JSON form (the `digest --json` STORY object)."""
        return {
            "id": self.id,
            "headline": self.headline,
            "headline_generated": self.headline_generated,
            "sentences": [s.to_dict() for s in self.sentences],
            "sources": [s.to_dict(with_text=with_text) for s in self.sources],
            "continues": self.continues.to_dict() if self.continues else None,
            "changed": [c.to_dict() for c in self.changed],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryDigest:
        """Inverse of `to_dict`."""
        return cls(
            id=str(data["id"]),
            headline=str(data.get("headline", "")),
            sentences=[DigestSentence.from_dict(s) for s in data.get("sentences", [])],
            sources=[Source.from_dict(s) for s in data["sources"]],
            headline_generated=bool(data.get("headline_generated", False)),
            continues=Continuation.from_dict(continues)
            if (continues := data.get("continues"))
            else None,
            changed=[Change.from_dict(c) for c in data.get("changed", [])],
        )


@dataclass(frozen=True, slots=True)
class InputFailure:
    """An input that yielded nothing, and why (one line, naming the input)."""

    input: str
    reason: str
    skipped: bool = False  # left out on purpose (another language), not a failure to read

    def __str__(self) -> str:
        return f"{self.input}: {self.reason}"


@dataclass(slots=True)
class Digest:
    """Every story digest of one run, plus the inputs that failed."""

    stories: list[StoryDigest]
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    failures: list[InputFailure] = field(default_factory=list)
    articles_read: int = 0  # articles gathered and digested (0 with no stories: nothing came in)
    filtered_out: int = 0  # stories a reader's filter left out (summarizer.filters)

    @property
    def unreadable(self) -> list[InputFailure]:
        """The inputs that could not be read."""
        return [f for f in self.failures if not f.skipped]

    @property
    def left_out(self) -> list[InputFailure]:
        """The inputs left out on purpose (another language)."""
        return [f for f in self.failures if f.skipped]

    @property
    def why_empty(self) -> str | None:
        """Why a digest has no story, in one line; None when it has one."""
        if self.stories:
            return None
        if self.filtered_out:
            return f"no story matched the filters ({self.filtered_out} left out)"
        if self.articles_read:
            return (
                f"the {self.articles_read} article{'s' if self.articles_read != 1 else ''} "
                "read formed no story with a sentence their sources verifiably carry"
            )
        if self.failures:
            return "every input failed (see the errors above)"
        return (
            "no recent article: feed items older than [sources] max_age_hours are left out "
            "(raise it in the config, or digest files and article URLs)"
        )

    @property
    def sources(self) -> list[Source]:
        """Every story's sources, in story order (ids are unique across the digest)."""
        return [source for story in self.stories for source in story.sources]

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """JSON form (the `digest --json` document)."""
        data: dict[str, Any] = {
            "generated_at": self.generated_at.isoformat(),
            "stories": [s.to_dict(with_text=with_text) for s in self.stories],
        }
        if self.filtered_out:
            data["filtered_out"] = self.filtered_out
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Digest:
        """Inverse of `to_dict`."""
        generated = data.get("generated_at")
        return cls(
            stories=[StoryDigest.from_dict(s) for s in data["stories"]],
            generated_at=_datetime(generated) or datetime.now(UTC),
            filtered_out=int(data.get("filtered_out", 0)),
        )


@dataclass(slots=True)
class Answer:
    """A follow-up answer: text, the sources it cites, and whether the sources told at all."""

    text: str
    citations: list[int]
    answered: bool
    short_answer: str | None = None
    evidence: list[str] = field(default_factory=list)
    generated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the `ask --json` document)."""
        return {"answer": self.text, "citations": self.citations, "answered": self.answered}

    def to_json(self) -> str:
        """The whole answer as JSON: the `ask --json` document plus what led to it."""
        return json.dumps(
            {
                **self.to_dict(),
                "short_answer": self.short_answer,
                "evidence": self.evidence,
                "generated": self.generated,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> Answer:
        """Inverse of `to_json` (an `ask --json` document reads too)."""
        data = json.loads(raw)
        return cls(
            text=str(data["answer"]),
            citations=[int(c) for c in data.get("citations", [])],
            answered=bool(data.get("answered")),
            short_answer=data.get("short_answer"),
            evidence=[str(e) for e in data.get("evidence", [])],
            generated=bool(data.get("generated", False)),
        )


@dataclass(frozen=True, slots=True)
class Turn:
    """One exchange of a conversation: a question and the answer it got."""

    question: str
    answer: Answer
