"""Rendering: every message fits Discord's limits and every [n] resolves in its own message."""

from __future__ import annotations

import re

import pytest

from bot.actions import question_sources
from bot.render import (
    CONTENT_LIMIT,
    render_answer,
    render_digest,
    render_story,
    split_content,
)
from summarizer.models import Answer, Digest, Source
from summarizer.render import citation_marks

from .helpers import make_digest, make_story

MARKER = re.compile(r"\[(\d+)\]")


def check_limits(parts):
    for part in parts:
        assert part.content or part.embeds
        assert part.content is None or len(part.content) <= 2000
        assert len(part.embeds) <= 10
        assert sum(len(e) for e in part.embeds) <= 6000
        for embed in part.embeds:
            assert len(embed.title or "") <= 256
            assert len(embed.description or "") <= 4096
            assert len(embed.fields) <= 25
            assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
            assert len(embed.footer.text or "") <= 2048


def cited_and_listed(embed):
    cited = {int(n) for n in MARKER.findall(embed.description or "")}
    listed = {int(m) for f in embed.fields for m in re.findall(r"^\[(\d+)\] ", f.value, re.M)}
    return cited, listed


@pytest.mark.parametrize(
    ("stories", "sentences", "sources", "text"),
    [
        (1, 3, 2, None),  # the common case: one message
        (14, 4, 3, None),  # more than 10 embeds: several messages
        (3, 60, 30, None),  # long stories: continuation embeds
        (2, 5, 2, "Word " * 1500),  # one sentence longer than a whole embed
        (6, 30, 12, "A fairly long sentence that goes on " * 8 + "and ends."),  # the 6000 budget
    ],
)
def test_digest_fits_limits_and_citations_resolve(stories, sentences, sources, text):
    """Each message fits every limit; each embed lists every source its markers cite."""
    digest = make_digest(stories, sentences=sentences, sources=sources, sentence_text=text)
    parts = render_digest(digest, header="**Digest**")
    check_limits(parts)
    for part in parts:
        for embed in part.embeds:
            cited, listed = cited_and_listed(embed)
            assert cited <= listed
    # Nothing is lost: every sentence's text appears, in order (long ones split with "…").
    shown = " ".join((e.description or "") for p in parts for e in p.embeds)
    for story in digest.stories:
        for sentence in story.sentences:
            first_words = " ".join(sentence.text.split()[:5])
            assert first_words in shown


def test_one_story_one_embed_with_links_and_footer():
    """Headline as title, [n] in the description, sources as links, outlets in the footer."""
    story = make_story(1, sentences=2, sources=3)
    (embed,) = render_story(story)
    assert embed.title == "Headline of story 1"
    assert "[1]" in embed.description and "[2]" in embed.description
    value = embed.fields[0].value
    assert "[1] [Story 1 report 1](https://news1.example/story-1)" in value
    assert "[3] " in value  # an uncited source is still listed
    assert embed.footer.text == "3 outlets · 3 sources"


def test_marks_are_one_bracket_per_source():
    """Several citations read [1][3], as in the CLI and the console; none reads empty."""
    assert citation_marks([1, 3]) == "[1][3]"
    assert citation_marks([]) == ""
    (embed,) = render_story(make_story(1, sentences=1, sources=1))
    assert "[1] · 1 outlet" in embed.description


def test_long_headline_and_long_urls_are_clipped_visibly():
    """A 400-character headline is shortened with an ellipsis; URLs stay whole."""
    story = make_story(1, headline="Very long headline " * 25)
    long_url = "https://example.org/" + "a" * 700
    story.sources[0] = Source(id=1, title="T" * 500, url=long_url, outlet="O")
    parts = render_digest(Digest(stories=[story]))
    check_limits(parts)
    embed = parts[0].embeds[0]
    assert embed.title.endswith("…")
    assert long_url in embed.fields[0].value


def test_empty_digest_and_failures_still_say_something():
    """No stories: a plain message naming what failed."""
    from summarizer.models import InputFailure

    digest = Digest(stories=[], failures=[InputFailure("https://x.example/rss", "HTTP 404")])
    parts = render_digest(digest, header="Digest")
    assert len(parts) == 1 and "No stories" in parts[0].content and "HTTP 404" in parts[0].content


def test_huge_failure_list_splits_over_messages():
    """A header longer than 2000 characters becomes several content messages."""
    from summarizer.models import InputFailure

    failures = [InputFailure(f"https://f{i}.example/rss", "timeout " * 20) for i in range(40)]
    digest = make_digest(1)
    digest.failures = failures
    parts = render_digest(digest, header="Digest")
    check_limits(parts)
    assert parts[-1].embeds


def test_answer_names_sources_with_title_and_url():
    """An answer lists the title and URL of each source it cites, and only those."""
    digest = make_digest(2)
    sources = question_sources(digest)
    answer = Answer("The bridge reopened on Monday [3].", [3], True)
    (content,) = render_answer("When did it reopen?", answer, sources)
    assert "Story 2 report 1" in content and "<https://news1.example/story-2>" in content
    assert "story-1>" not in content
    assert len(content) <= CONTENT_LIMIT


def test_unanswered_says_so_plainly():
    """When the sources don't tell, the reply says it."""
    answer = Answer("", [], False)
    (content,) = render_answer("Who won?", answer, [])
    assert "don't say" in content


def test_long_answer_splits_with_sources_in_each_part():
    """A long answer splits at sentences; each part lists the sources its markers cite."""
    digest = make_digest(2, sources=3)
    sources = question_sources(digest)
    text = " ".join(
        f"Sentence {i} about the harbour and the bridge works [{i % 6 + 1}]." for i in range(120)
    )
    parts = render_answer("Tell me everything", Answer(text, list(range(1, 7)), True), sources)
    assert len(parts) > 1
    for part in parts:
        assert len(part) <= CONTENT_LIMIT
        body, _, tail = part.partition("**Sources**")
        for n in MARKER.findall(body):
            assert f"[{n}] " in tail


def test_digest_sources_renumber_only_on_clash():
    """Digest-wide ids stay; per-story ids that clash are renumbered."""
    digest = make_digest(2)
    assert [s.id for s in question_sources(digest)] == [1, 2, 3, 4]
    clash = Digest(stories=[make_story(1), make_story(2)])
    assert [s.id for s in question_sources(clash)] == [1, 2, 3, 4]


def test_split_content_keeps_sentences_whole():
    """Splitting 5000 characters of sentences cuts only between sentences."""
    text = " ".join(f"This is sentence number {i}." for i in range(300))
    parts = split_content(text)
    assert all(len(p) <= 2000 for p in parts)
    assert all(p.rstrip().endswith(".") for p in parts)
    assert " ".join(parts) == text


def test_discord_shows_the_text_renderers_lines():
    """Embed sentences and answer source lines are summarizer.render's, as the CLI prints them."""
    from summarizer.render import sentence_line, source_line

    story = make_story(1, sentences=2, sources=2)
    (embed,) = render_story(story)
    assert embed.description.splitlines() == [sentence_line(s) for s in story.sentences]
    answer = Answer("It reopened [2].", [2], True)
    (content,) = render_answer("When?", answer, story.sources)
    assert content.splitlines()[-1] == source_line(story.sources[1])
