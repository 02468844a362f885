"""Digests and answers as Discord messages that fit every limit, for every cog alike.

A story is one embed: headline as title, cited sentences in the description, its numbered
sources as link fields, outlets in the footer. What does not fit is split at sentence
boundaries into continuation embeds and further messages; each embed lists the sources its own
sentences cite, so every [n] resolves in the message that shows it. Nothing is cut silently: a
single sentence too long for any embed is split at a word boundary with a visible "…".

Sentences, citation marks and source names come from `summarizer.render`, the text renderer the
CLI and the console print, so a citation reads `[1][2]` everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import discord

from summarizer.models import Answer, Digest, Source, StoryDigest
from summarizer.render import (
    NOT_TOLD,
    background_line,
    citation_marks,
    clip,
    day_label,
    nothing_new,
    nothing_new_line,
    sentence_line,
    since_line,
    source_label,
    source_line,
    timeline_facts,
    update_facts,
    update_title,
)

__all__ = [
    "CONTENT_LIMIT",
    "MessagePart",
    "digest_header",
    "jump_url",
    "message_of",
    "render_answer",
    "render_digest",
    "render_post",
    "render_story",
    "render_timeline",
    "split_content",
]

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBEDS_PER_MESSAGE = 10
EMBED_CHARS_PER_MESSAGE = 6000  # summed over every embed of one message

SOURCE_TITLE_CHARS = 180  # a source's title in the list; the URL always stays whole
EMBED_COLOUR = 0x2B6CB0
UPDATE_COLOUR = 0x2F855A  # an update stands out from a first telling
CONTINUING_TITLE = "Continuing, nothing new"
_ELLIPSIS = "…"


@dataclass(slots=True)
class MessagePart:
    """One message to send: content, embeds, or both."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)

    @property
    def embed_chars(self) -> int:
        """Characters Discord counts against the 6000 per-message embed budget."""
        return sum(len(e) for e in self.embeds)


def _link_text(text: str) -> str:
    # Square brackets would end the masked link early; backslash-escape markdown specials.
    return discord.utils.escape_markdown(text).replace("[", "(").replace("]", ")")


def _url(url: str) -> str:
    # A ")" inside the URL would close the masked link.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _embed_source_line(source: Source) -> str:
    """`[n] [Title](url) (Outlet)`: the text renderer's source line, as a masked link."""
    title = clip(source_label(source), SOURCE_TITLE_CHARS)
    head = f"[{_link_text(title)}]({_url(source.url)})" if source.url else _escape(title)
    outlet = f" ({_escape(source.outlet)})" if source.outlet and source.outlet != title else ""
    return f"[{source.id}] {head}{outlet}"


def _escape(text: str) -> str:
    return discord.utils.escape_markdown(text)


def _footer(story: StoryDigest) -> str:
    outlets = story.outlet_count
    sources = len(story.sources)
    return (
        f"{outlets} outlet{'s' if outlets != 1 else ''} · "
        f"{sources} source{'s' if sources != 1 else ''}"
    )


def _source_fields(sources: Sequence[Source]) -> list[tuple[str, str]]:
    """Numbered source lines packed into fields of at most 1024 characters."""
    fields: list[tuple[str, str]] = []
    lines: list[str] = []
    for source in sources:
        line = clip(_embed_source_line(source), FIELD_VALUE_LIMIT)
        if lines and len("\n".join([*lines, line])) > FIELD_VALUE_LIMIT:
            fields.append(("Sources" if not fields else "Sources (cont.)", "\n".join(lines)))
            lines = []
        lines.append(line)
    if lines:
        fields.append(("Sources" if not fields else "Sources (cont.)", "\n".join(lines)))
    return fields


def _build_embed(
    story: StoryDigest,
    lines: Sequence[str],
    cited: Sequence[Source],
    *,
    continued: bool,
    title: str | None = None,
) -> discord.Embed:
    title = title or story.headline or "Untitled story"
    if continued:
        title = clip(title, TITLE_LIMIT - len(" (cont.)")) + " (cont.)"
    embed = discord.Embed(
        title=clip(title, TITLE_LIMIT),
        description="\n".join(lines) or None,
        colour=UPDATE_COLOUR if story.continues else EMBED_COLOUR,
    )
    for name, value in _source_fields(cited):
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=_footer(story))
    return embed


def _fits(embed: discord.Embed) -> bool:
    return (
        len(embed.description or "") <= DESCRIPTION_LIMIT
        and len(embed.fields) <= FIELDS_LIMIT
        and len(embed) <= EMBED_CHARS_PER_MESSAGE
    )


def _split_long(text: str, limit: int) -> list[str]:
    """Split one over-long sentence at word boundaries, marking each break with "…"."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest[: limit - 1]
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
        pieces.append(cut.rstrip() + _ELLIPSIS)
        rest = _ELLIPSIS + rest[len(cut) :].lstrip()
    pieces.append(rest)
    return pieces


def jump_url(guild_id: int | None, channel_id: int, message_id: int) -> str:
    """The link Discord opens at a message (`@me` stands for a direct-message channel)."""
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def _units(lines: Iterable[tuple[str, Sequence[int]]]) -> list[tuple[str, list[int]]]:
    """(line, cited ids) units; an over-long line becomes several, its marks on the last."""
    units: list[tuple[str, list[int]]] = []
    budget = DESCRIPTION_LIMIT // 2  # leaves room for the sources of a line's citations
    for line, ids in lines:
        pieces = [line] if len(line) <= budget else _split_long(line, budget - 40)
        units.extend((piece, []) for piece in pieces[:-1])
        units.append((pieces[-1], list(ids)))
    return units


def _sentence_units(story: StoryDigest) -> list[tuple[str, list[int]]]:
    units: list[tuple[str, list[int]]] = []
    budget = DESCRIPTION_LIMIT // 2
    for sentence in story.sentences:
        line = sentence_line(sentence)
        if len(line) <= budget:
            units.append((line, sentence.source_ids))
            continue
        pieces = _split_long(sentence.text, budget - 40)
        units.extend((piece, []) for piece in pieces[:-1])
        marks = citation_marks(sentence.source_ids)
        units.append((f"{pieces[-1]} {marks}".rstrip(), sentence.source_ids))
    return units


def _update_units(story: StoryDigest, link: str | None) -> list[tuple[str, list[int]]]:
    """An update's lines: the link to the earlier post, what is new, the background in one."""
    assert story.continues is not None
    lines: list[tuple[str, list[int]]] = []
    if link:
        lines.append((f"[Earlier post, {day_label(story.continues.date)}]({_url(link)})", []))
    lines.append((f"**{since_line(story)}**", []))
    lines += _units(update_facts(story))
    background, ids = background_line(story)
    if background:
        lines.append((background, ids))
    return lines


def render_story(story: StoryDigest, *, link: str | None = None) -> list[discord.Embed]:
    """One embed for the story, or several "(cont.)" embeds when it is too long for one.

    A story that continues an earlier one (`summarizer.track`) is an update: titled "Update,
    day N: headline", it opens with a link to the earlier post (`link`), then what is new since
    then and the numbers that changed, then the background in one line; it lists only the
    sources those lines cite.
    """
    update = story.continues is not None
    units = _update_units(story, link) if update else _sentence_units(story)
    title = update_title(story) if update else None
    return _pack_embeds(story, units, title=title, all_sources=not update)


def _pack_embeds(
    story: StoryDigest,
    units: Sequence[tuple[str, list[int]]],
    *,
    title: str | None,
    all_sources: bool,
) -> list[discord.Embed]:
    """The units as embeds within every limit, each listing the sources its own lines cite."""

    def sources_for(ids: Iterable[int]) -> list[Source]:
        wanted = set(ids)
        return [s for s in story.sources if s.id in wanted]

    def build(lines: Sequence[str], ids: Sequence[int], *, continued: bool) -> discord.Embed:
        return _build_embed(story, lines, sources_for(ids), continued=continued, title=title)

    chunks: list[tuple[list[str], list[int]]] = []  # (lines, cited ids) per embed
    lines: list[str] = []
    cited: list[int] = []
    for line, ids in units:
        trial_ids = cited + [i for i in ids if i not in cited]
        trial = build([*lines, line], trial_ids, continued=bool(chunks))
        if lines and not _fits(trial):
            chunks.append((lines, cited))
            lines, cited = [], []
            trial_ids = list(ids)
        lines.append(line)
        cited = trial_ids
    if lines or not chunks:
        chunks.append((lines, cited))
    if all_sources:
        # Sources no sentence cites still belong to the story: list them last when they fit.
        all_cited = {i for s in story.sentences for i in s.source_ids}
        uncited = [s.id for s in story.sources if s.id not in all_cited]
        if uncited:
            last_lines, last_ids = chunks[-1]
            widened = build(last_lines, [*last_ids, *uncited], continued=len(chunks) > 1)
            if _fits(widened):
                chunks[-1] = (last_lines, [*last_ids, *uncited])
    return [build(chunk, ids, continued=n > 0) for n, (chunk, ids) in enumerate(chunks)]


def _continuing_embeds(
    stories: Sequence[tuple[StoryDigest, str | None]],
) -> list[discord.Embed]:
    """Updates with nothing new: one line each (with its link), in as few embeds as fit."""
    embeds: list[discord.Embed] = []
    lines: list[str] = []

    def flush() -> None:
        title = CONTINUING_TITLE + (" (cont.)" if embeds else "")
        embeds.append(
            discord.Embed(title=title, description="\n".join(lines), colour=UPDATE_COLOUR)
        )

    for story, link in stories:
        line = f"• {_escape(nothing_new_line(story))}"
        if link:
            line += f" · [earlier post]({_url(link)})"
        line = clip(line, FIELD_VALUE_LIMIT)
        if lines and len("\n".join([*lines, line])) > DESCRIPTION_LIMIT:
            flush()
            lines = []
        lines.append(line)
    if lines:
        flush()
    return embeds


def split_content(text: str, limit: int = CONTENT_LIMIT) -> list[str]:
    """Split text into messages of at most `limit` characters at line, then sentence, breaks."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = [line] if len(line) <= limit else _sentences_within(line, limit)
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    parts.append(current)
                current = piece
    if current.strip():
        parts.append(current)
    return parts


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _sentences_within(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        out.extend(_split_long(sentence, limit) if len(sentence) > limit else [sentence])
    # Re-join short sentences so a paragraph does not become one message per sentence.
    merged: list[str] = []
    for piece in out:
        if merged and len(merged[-1]) + 1 + len(piece) <= limit:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def render_post(
    digest: Digest, *, header: str | None = None, links: Sequence[str | None] = ()
) -> tuple[list[MessagePart], list[discord.Embed]]:
    """The digest as messages, and for each story the embed that shows it.

    Args:
        digest: the digest to show; its updates (`summarizer.track`) are told as updates.
        header: text for the first message (split over several when longer than 2000).
        links: for each story, the earlier post an update links to (None: no link).

    Returns:
        The messages in order (never empty), and per story its first embed, by which the
        message showing it is found once the messages are sent (updates with nothing new share
        one embed, one line each).

    """
    lines = [header] if header else []
    if not digest.stories and digest.filtered_out:
        lines.append(f"No story matched the filters ({digest.filtered_out} left out).")
    elif not digest.stories:
        lines.append("No stories found in these sources for the period covered.")
    if digest.unreadable:
        lines.append("Could not read: " + "; ".join(clip(str(f), 300) for f in digest.unreadable))
    if digest.left_out:
        lines.append("Left out: " + "; ".join(clip(str(f), 300) for f in digest.left_out))
    texts = split_content("\n".join(lines)) if lines else []
    parts = [MessagePart(content=t) for t in texts]
    links = list(links) + [None] * (len(digest.stories) - len(links))
    embeds: list[discord.Embed] = []
    firsts: list[discord.Embed | None] = []
    quiet: list[tuple[StoryDigest, str | None]] = []
    for story, link in zip(digest.stories, links, strict=False):
        if nothing_new(story):
            quiet.append((story, link))
            firsts.append(None)
            continue
        own = render_story(story, link=link)
        firsts.append(own[0])
        embeds += own
    # Stories with nothing new are listed after the others, one line each.
    listed = _continuing_embeds(quiet)
    embeds += listed
    firsts = [f if f is not None else listed[0] for f in firsts]  # listed: the first one
    parts = _pack_messages(parts, embeds)
    return parts or [MessagePart(content="(empty digest)")], [f for f in firsts if f is not None]


def _pack_messages(parts: list[MessagePart], embeds: Sequence[discord.Embed]) -> list[MessagePart]:
    """Embeds packed into messages after the text parts, within the per-message limits."""
    # The last text part rides along with the first embeds; the rest go alone before it.
    parts = list(parts)
    current = parts.pop() if parts else MessagePart()
    for embed in embeds:
        if current.embeds and (
            len(current.embeds) >= EMBEDS_PER_MESSAGE
            or current.embed_chars + len(embed) > EMBED_CHARS_PER_MESSAGE
        ):
            parts.append(current)
            current = MessagePart()
        current.embeds.append(embed)
    if current.content or current.embeds:
        parts.append(current)
    return parts


def render_digest(
    digest: Digest, *, header: str | None = None, links: Sequence[str | None] = ()
) -> list[MessagePart]:
    """The digest as messages: an optional header, then every story's embeds, packed.

    Args:
        digest: the digest to show.
        header: text for the first message (split over several when longer than 2000).
        links: for each update, the earlier post it links to (`render_post`).

    Returns:
        The messages in order; never empty.

    """
    return render_post(digest, header=header, links=links)[0]


def message_of(parts: Sequence[MessagePart], embed: discord.Embed) -> int:
    """The index of the message that carries this very embed."""
    return next(n for n, part in enumerate(parts) if any(e is embed for e in part.embeds))


def render_timeline(
    days: Sequence[StoryDigest],
    *,
    links: Sequence[str | None] = (),
    dates: Sequence[datetime | None] = (),
) -> list[MessagePart]:
    """A story's timeline: one embed per day it was told, with what that day added.

    Args:
        days: the story's tellings in a channel, first to last.
        links: for each day, the post that told it (None: no link).
        dates: when each was told, where its sources give no date.

    Returns:
        The messages: a header naming the story and its days, then the days' embeds, each
        listing the sources its facts cite (each day's digest numbers its own sources).

    """
    if not days:
        return [MessagePart(content="No timeline: this story was not tracked.")]
    headline = days[-1].headline
    header = f"**Timeline** · {_escape(headline)} · {len(days)} day{'s' if len(days) != 1 else ''}"
    links = list(links) + [None] * (len(days) - len(links))
    told = list(dates) + [None] * (len(days) - len(dates))
    embeds: list[discord.Embed] = []
    for story, link, when in zip(days, links, told, strict=False):
        day = story.continues.day if story.continues else 1
        title = f"Day {day} · {day_label(story.date or when)}: {story.headline}"
        units: list[tuple[str, list[int]]] = []
        if link:
            units.append((f"[Posted here]({_url(link)})", []))
        facts = _units(timeline_facts(story))
        units += facts or [("Nothing new that day.", [])]
        embeds += _pack_embeds(story, units, title=title, all_sources=False)
    return _pack_messages([MessagePart(content=clip(header, CONTENT_LIMIT))], embeds)


def _answer_source_line(source: Source) -> str:
    return source_line(source, label_chars=SOURCE_TITLE_CHARS, escape=_escape)


def render_answer(question: str, answer: Answer, sources: Sequence[Source]) -> list[str]:
    """An answer as message contents, each naming the sources it cites (title and URL).

    The source lines are the text renderer's (`summarizer.render.source_line`), markdown escaped.
    """
    by_id = {s.id: s for s in sources}
    if answer.answered:
        body = answer.text.strip()
    else:
        said = answer.text.strip()
        body = NOT_TOLD + (f" {said}" if said and said != NOT_TOLD else "")
    cited = [by_id[i] for i in dict.fromkeys(answer.citations) if i in by_id]
    quote = f"> {clip(question, 300)}"
    if not cited:
        return split_content(f"{quote}\n{body}")
    text = f"{quote}\n{body}\n**Sources**\n" + "\n".join(_answer_source_line(s) for s in cited)
    if len(text) <= CONTENT_LIMIT:
        return [text]
    # Long answer: split the body; every part repeats the sources its own marks cite.
    out: list[str] = []
    room = CONTENT_LIMIT - 600
    for chunk in split_content(f"{quote}\n{body}", room):
        ids = [int(n) for n in _MARK.findall(chunk)]
        mine = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
        lines = [_answer_source_line(s) for s in mine]
        tail = "\n**Sources**\n" + "\n".join(lines) if lines else ""
        out.extend(split_content(chunk + tail))
    return out


_MARK = re.compile(r"\[(\d+)\]")


def digest_header(digest: Digest, *, title: str) -> str:
    """The first line of a posted digest: what it is and how to follow up."""
    stories = len(digest.stories)
    sources = len(digest.sources)
    if not stories and digest.filtered_out:
        return f"**{title}**"  # the one line under it says that the filters matched nothing
    counts = (
        f"{stories} stor{'ies' if stories != 1 else 'y'} from "
        f"{sources} source{'s' if sources != 1 else ''}"
    )
    if digest.filtered_out:
        counts += f" ({digest.filtered_out} left out by the filters)"
    hint = " Follow up with /ask, or mention me in the thread." if stories else ""
    return f"**{title}** · {counts}.{hint}"
