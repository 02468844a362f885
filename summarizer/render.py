"""Digests and answers as plain text: the one place that decides how a citation looks.

The CLI's text output and the bot's console print these; the bot's Discord embeds are built from
the same pieces (`citation_marks`, `sentence_line`, `source_label`), so `[1][2]` and a source's
name read the same in a terminal and in Discord.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from .models import Answer, Change, Digest, DigestSentence, Source, StoryDigest

__all__ = [
    "NOT_TOLD",
    "NO_STORIES",
    "change_line",
    "citation_marks",
    "clip",
    "render_answer",
    "render_digest",
    "render_story",
    "sentence_line",
    "source_label",
    "source_line",
    "update_mark",
]

NO_STORIES = "No stories."
BACKGROUND_CHARS = 200  # an update's background: one line, whatever the width
NOT_TOLD = "The sources don't say."
_ELLIPSIS = "…"


def _same(text: str) -> str:
    return text


def clip(text: str, limit: int) -> str:
    """Collapse whitespace and shorten to `limit` characters at a word, with a visible "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + _ELLIPSIS


def citation_marks(ids: Iterable[int]) -> str:
    """`[1][3]` for the ids, in the order given; empty when there is nothing to cite."""
    return "".join(f"[{i}]" for i in ids)


def sentence_line(sentence: DigestSentence) -> str:
    """A digest sentence with its marks and how many outlets carry it: `Text [1][2] · 2 outlets`."""
    marks = citation_marks(sentence.source_ids)
    return f"{sentence.text} {marks} · {sentence.support_note}" if marks else sentence.text


def source_label(source: Source) -> str:
    """What names a source: its title, else its outlet, file path or URL."""
    return source.title or source.outlet or source.path or source.url or "(untitled)"


def source_line(
    source: Source, *, label_chars: int | None = None, escape: Callable[[str], str] = _same
) -> str:
    """`[n] Title (Outlet) <url or path>`; the outlet only when the title is not already it.

    Args:
        source: the numbered source.
        label_chars: clip the title to this many characters (the URL always stays whole).
        escape: applied to the title and outlet (the bot escapes Discord markdown).

    Returns:
        One line; `<…>` also keeps Discord from unfurling a preview of every cited page.

    """
    label = source_label(source)
    if label_chars is not None:
        label = clip(label, label_chars)
    outlet = f" ({escape(source.outlet)})" if source.outlet and source.outlet != label else ""
    where = source.url or source.path
    return f"[{source.id}] {escape(label)}{outlet}" + (f" <{where}>" if where else "")


def day_label(when: datetime | None) -> str:
    """`6 May`: how updates and timelines name a day ("before" when none is known)."""
    return f"{when.day} {when:%B}" if when else "before"


def update_mark(story: StoryDigest) -> str:
    """`Update, day 3` for a story that continues an earlier one; empty for a first telling."""
    return f"Update, day {story.continues.day}" if story.continues else ""


def update_title(story: StoryDigest) -> str:
    """`Update, day 2: headline` for an update; the headline alone for a first telling."""
    mark = update_mark(story)
    return f"{mark}: {story.headline}" if mark else story.headline


def nothing_new(story: StoryDigest) -> bool:
    """Whether an update has no new fact and no changed number: it is listed, not retold."""
    return (
        story.continues is not None
        and not story.changed
        and not any(s.new for s in story.sentences)
    )


def since_line(story: StoryDigest) -> str:
    """`New since 6 May:`, the heading of what an update adds."""
    assert story.continues is not None
    return f"New since {day_label(story.continues.date)}:"


def nothing_new_line(story: StoryDigest) -> str:
    """`Update, day 3: headline · nothing new since 7 May`: an update with nothing to tell."""
    assert story.continues is not None
    return f"{update_title(story)} · nothing new since {day_label(story.continues.date)}"


def update_facts(story: StoryDigest) -> list[tuple[str, list[int]]]:
    """What an update adds, as (line, cited ids): its new facts, then the numbers that changed."""
    assert story.continues is not None
    when = story.continues.date
    lines: list[tuple[str, list[int]]] = []
    # A number that changed rides on the sentence that gives its new value: told once.
    told: set[int] = set()
    for sentence in story.sentences:
        if not sentence.new:
            continue
        line = sentence_line(sentence)
        for n, change in enumerate(story.changed):
            if change.text == sentence.text:
                line += f" · {change_line(change, when=when)}"
                told.add(n)
        lines.append((line, sentence.source_ids))
    for n, change in enumerate(story.changed):
        if n not in told:
            marks = citation_marks(change.sources)
            line = f"{change.new} {marks} · {change_line(change, when=when)}"
            lines.append((line, list(change.sources)))
    return lines


def background_line(story: StoryDigest, *, limit: int = BACKGROUND_CHARS) -> tuple[str, list[int]]:
    """What an update already told, cut to one line, and the ids it cites; ("", []) if none."""
    background = story.background
    if background is None:
        return "", []
    return clip(f"Background: {sentence_line(background)}", limit), background.source_ids


def timeline_facts(story: StoryDigest) -> list[tuple[str, list[int]]]:
    """One day of a story's timeline as (line, cited ids).

    A first telling gives every fact; an update what it added (new facts, changed numbers).
    """
    if story.continues is None:
        return [(sentence_line(s), s.source_ids) for s in story.sentences]
    return update_facts(story)


def change_line(change: Change, *, when: datetime | None = None) -> str:
    """`up from at least 12 on 6 May`: what the earlier digest said, and when.

    The earlier digest's citation numbers are left out: they count that digest's sources, not
    this one's (JSON keeps them).
    """
    old, new = _first_number(change.old), _first_number(change.new)
    direction = "changed"
    if old is not None and new is not None and old != new:
        direction = "up" if new > old else "down"
    earlier = f" on {day_label(when)}" if when is not None else ""
    value = change.old[:1].lower() + change.old[1:]
    return f"{direction} from {value}{earlier}"


def _first_number(text: str) -> float | None:
    for token in text.replace(",", "").split():
        try:
            return float(token.rstrip("%"))
        except ValueError:
            continue
    return None


def _wrapped(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent="• ", subsequent_indent="  ")


def render_story(story: StoryDigest, *, width: int = 88) -> str:
    """A story digest as terminal text: headline, one cited fact a line, numbered sources.

    Each fact shows how many outlets carry it and any that give another number or date. A story
    that continues an earlier one (`summarizer.track`) is an update: what is new since then
    first, numbers that changed, the background it already gave in one line; with nothing new
    it is one line.
    """
    if story.continues is not None:
        return _render_update(story, width)
    lines = [story.headline, "=" * min(width, len(story.headline))]
    for sentence in story.sentences:
        lines += _wrapped(sentence_line(sentence), width)
    lines.append("")
    lines += [source_line(source) for source in story.sources]
    return "\n".join(lines)


def _render_update(story: StoryDigest, width: int) -> str:
    if nothing_new(story):
        return nothing_new_line(story)
    title = update_title(story)
    lines = [title, "=" * min(width, len(title)), since_line(story)]
    cited: set[int] = set()
    for line, ids in update_facts(story):
        lines += _wrapped(line, width)
        cited.update(ids)
    background, ids = background_line(story, limit=width)
    if background:
        lines.append(background)
        cited.update(ids)
    lines.append("")
    lines += [source_line(source) for source in story.sources if source.id in cited]
    return "\n".join(lines)


def render_digest(digest: Digest, *, width: int = 88) -> str:
    """Every story of the digest as terminal text, or one line saying there is none."""
    return "\n\n".join(render_story(s, width=width) for s in digest.stories) or NO_STORIES


def render_timeline(
    days: Sequence[StoryDigest], *, dates: Sequence[datetime | None] = (), width: int = 88
) -> str:
    """A story's timeline as terminal text: each day it was told, with what that day added.

    Args:
        days: the story's tellings, first to last (each after the first continues the one
            before it, `summarizer.track`).
        dates: when each was told, where its sources give no date.
        width: wrap width.

    Returns:
        The headline, then per day `Day N · 6 May`, its facts with their marks and its sources
        (each day's digest numbers its own sources).
    """
    if not days:
        return NO_STORIES
    headline = days[-1].headline
    lines = [headline, "=" * min(width, len(headline))]
    told = list(dates) + [None] * (len(days) - len(dates))
    for story, when in zip(days, told, strict=False):
        day = story.continues.day if story.continues else 1
        lines += ["", f"Day {day} · {day_label(story.date or when)}"]
        facts = timeline_facts(story)
        cited = {i for _, ids in facts for i in ids}
        for line, _ in facts:
            lines += _wrapped(line, width)
        if not facts:
            lines.append("  nothing new")
        lines += [f"  {source_line(s)}" for s in story.sources if s.id in cited]
    return "\n".join(lines)


def render_answer(answer: Answer, sources: Sequence[Source]) -> str:
    """An answer as terminal text: the answer, then a line for each source it cites."""
    by_id = {s.id: s for s in sources}
    text = answer.text.strip()
    if not answer.answered:
        text = f"{NOT_TOLD} {text}".strip() if text != NOT_TOLD else text
    cited = [by_id[i] for i in dict.fromkeys(answer.citations) if i in by_id]
    return "\n".join([text, *(source_line(s) for s in cited)])
