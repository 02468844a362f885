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


def _day(when: datetime | None) -> str:
    return f"{when.day} {when:%B}" if when else "before"


def update_mark(story: StoryDigest) -> str:
    """`Update, day 3` for a story that continues an earlier one; empty for a first telling."""
    return f"Update, day {story.continues.day}" if story.continues else ""


def change_line(change: Change, *, when: datetime | None = None) -> str:
    """`up from at least 12 on 6 May`: what the earlier digest said, and when.

    The earlier digest's citation numbers are left out: they count that digest's sources, not
    this one's (JSON keeps them).
    """
    old, new = _first_number(change.old), _first_number(change.new)
    direction = "changed"
    if old is not None and new is not None and old != new:
        direction = "up" if new > old else "down"
    earlier = f" on {_day(when)}" if when is not None else ""
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
    assert story.continues is not None
    since = _day(story.continues.date)
    fresh = [s for s in story.sentences if s.new]
    title = f"{update_mark(story)}: {story.headline}"
    if not fresh and not story.changed:
        return f"{title} · nothing new since {since}"
    lines = [title, "=" * min(width, len(title)), f"New since {since}:"]
    # A number that changed rides on the sentence that gives its new value: told once.
    told: set[int] = set()
    for sentence in fresh:
        line = sentence_line(sentence)
        for n, change in enumerate(story.changed):
            if change.text == sentence.text:
                line += f" · {change_line(change, when=story.continues.date)}"
                told.add(n)
        lines += _wrapped(line, width)
    for n, change in enumerate(story.changed):
        if n not in told:
            marks = citation_marks(change.sources)
            line = f"{change.new} {marks} · {change_line(change, when=story.continues.date)}"
            lines += _wrapped(line, width)
    if (background := story.background) is not None:
        lines.append(clip(f"Background: {sentence_line(background)}", width))
    lines.append("")
    cited = {i for s in [*fresh, *([background] if background else [])] for i in s.source_ids}
    cited |= {i for c in story.changed for i in c.sources}
    lines += [source_line(source) for source in story.sources if source.id in cited]
    return "\n".join(lines)


def render_digest(digest: Digest, *, width: int = 88) -> str:
    """Every story of the digest as terminal text, or one line saying there is none."""
    return "\n\n".join(render_story(s, width=width) for s in digest.stories) or NO_STORIES


def render_answer(answer: Answer, sources: Sequence[Source]) -> str:
    """An answer as terminal text: the answer, then a line for each source it cites."""
    by_id = {s.id: s for s in sources}
    text = answer.text.strip()
    if not answer.answered:
        text = f"{NOT_TOLD} {text}".strip() if text != NOT_TOLD else text
    cited = [by_id[i] for i in dict.fromkeys(answer.citations) if i in by_id]
    return "\n".join([text, *(source_line(s) for s in cited)])
