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

import discord

from summarizer.models import Answer, Digest, Source, StoryDigest
from summarizer.render import (
    NOT_TOLD,
    citation_marks,
    clip,
    sentence_line,
    source_label,
    source_line,
)

__all__ = [
    "CONTENT_LIMIT",
    "MessagePart",
    "digest_header",
    "render_answer",
    "render_digest",
    "render_story",
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
    story: StoryDigest, lines: Sequence[str], cited: Sequence[Source], *, continued: bool
) -> discord.Embed:
    title = story.headline or "Untitled story"
    if continued:
        title = clip(title, TITLE_LIMIT - len(" (cont.)")) + " (cont.)"
    embed = discord.Embed(
        title=clip(title, TITLE_LIMIT),
        description="\n".join(lines) or None,
        colour=EMBED_COLOUR,
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


def render_story(story: StoryDigest) -> list[discord.Embed]:
    """One embed for the story, or several "(cont.)" embeds when it is too long for one."""
    # (line, cited ids) units; an over-long sentence becomes several units, the marker on the last.
    units: list[tuple[str, list[int]]] = []
    budget = DESCRIPTION_LIMIT // 2  # leaves room for the sources of a sentence's citations
    for sentence in story.sentences:
        line = sentence_line(sentence)
        if len(line) <= budget:
            units.append((line, sentence.source_ids))
            continue
        pieces = _split_long(sentence.text, budget - 40)
        units.extend((piece, []) for piece in pieces[:-1])
        marks = citation_marks(sentence.source_ids)
        units.append((f"{pieces[-1]} {marks}".rstrip(), sentence.source_ids))

    def sources_for(ids: Iterable[int]) -> list[Source]:
        wanted = set(ids)
        return [s for s in story.sources if s.id in wanted]

    chunks: list[tuple[list[str], list[int]]] = []  # (lines, cited ids) per embed
    lines: list[str] = []
    cited: list[int] = []
    for line, ids in units:
        trial_ids = cited + [i for i in ids if i not in cited]
        trial = _build_embed(story, [*lines, line], sources_for(trial_ids), continued=bool(chunks))
        if lines and not _fits(trial):
            chunks.append((lines, cited))
            lines, cited = [], []
            trial_ids = list(ids)
        lines.append(line)
        cited = trial_ids
    if lines or not chunks:
        chunks.append((lines, cited))
    # Sources no sentence cites still belong to the story: list them last when they fit.
    all_cited = {i for s in story.sentences for i in s.source_ids}
    uncited = [s.id for s in story.sources if s.id not in all_cited]
    if uncited:
        last_lines, last_ids = chunks[-1]
        widened = _build_embed(
            story, last_lines, sources_for([*last_ids, *uncited]), continued=len(chunks) > 1
        )
        if _fits(widened):
            chunks[-1] = (last_lines, [*last_ids, *uncited])
    return [
        _build_embed(story, chunk_lines, sources_for(ids), continued=n > 0)
        for n, (chunk_lines, ids) in enumerate(chunks)
    ]


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


def render_digest(digest: Digest, *, header: str | None = None) -> list[MessagePart]:
    """The digest as messages: an optional header, then every story's embeds, packed.

    Args:
        digest: the digest to show.
        header: text for the first message (split over several when longer than 2000).

    Returns:
        The messages in order; never empty.

    """
    lines = [header] if header else []
    if not digest.stories and digest.filtered_out:
        lines.append(f"No story matched the filters ({digest.filtered_out} left out).")
    elif not digest.stories:
        lines.append("No stories found in these sources for the period covered.")
    failed = [f for f in digest.failures if not f.skipped]
    skipped = [f for f in digest.failures if f.skipped]
    if failed:
        lines.append("Could not read: " + "; ".join(clip(str(f), 300) for f in failed))
    if skipped:
        lines.append("Left out: " + "; ".join(clip(str(f), 300) for f in skipped))
    texts = split_content("\n".join(lines)) if lines else []
    parts = [MessagePart(content=t) for t in texts]
    embeds = [e for story in digest.stories for e in render_story(story)]
    # The last header text rides along with the first embeds; the rest go alone before it.
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
    return parts or [MessagePart(content="(empty digest)")]


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
