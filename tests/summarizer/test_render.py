"""One renderer per thing shown: the CLI, the console and Discord print the same lines."""

from __future__ import annotations

from summarizer import cli
from summarizer.models import (
    Answer,
    Citation,
    Digest,
    DigestSentence,
    Disagreement,
    Source,
    StoryDigest,
)
from summarizer.render import (
    citation_marks,
    render_answer,
    render_digest,
    render_story,
    sentence_line,
    source_line,
)


def story() -> StoryDigest:
    return StoryDigest(
        id="s1",
        headline="Harbour bridge reopens",
        sentences=[
            DigestSentence(
                "The bridge reopened on Monday.",
                citations=[Citation(1), Citation(2)],
                disagreements=[Disagreement("75%", "70%", (2,))],
            ),
            DigestSentence("Tolls stay suspended.", citations=[Citation(2)]),
        ],
        sources=[
            Source(id=1, title="Bridge back", url="https://bay.example/b", outlet="Bay Herald"),
            Source(id=2, path="notes/bridge.txt"),
        ],
    )


def test_marks_read_one_bracket_per_source():
    """[1][2], never [1, 2]."""
    assert citation_marks([1, 2]) == "[1][2]"
    line = sentence_line(story().sentences[0])
    assert line == "The bridge reopened on Monday. [1][2] · 2 outlets; [2] gives 70%"


def test_source_line_names_a_file_once():
    """A title-less file source shows its path once, never "(?)"."""
    first, second = story().sources
    assert source_line(first) == "[1] Bridge back (Bay Herald) <https://bay.example/b>"
    assert source_line(second) == "[2] notes/bridge.txt <notes/bridge.txt>"
    assert "(?)" not in render_story(story())


def test_story_text_lists_facts_then_sources():
    """Headline, a bullet per fact with its marks, a blank line, the numbered sources."""
    lines = render_story(story()).splitlines()
    assert lines[0] == "Harbour bridge reopens" and set(lines[1]) == {"="}
    assert lines[2].startswith("• The bridge reopened on Monday. [1][2]")
    assert lines[-2:] == [source_line(s) for s in story().sources]


def test_the_cli_prints_the_library_renderer():
    """`digest` text output is summarizer.render's, not a copy of its own."""
    assert not hasattr(cli, "render_story")
    assert cli.render_digest is render_digest
    assert render_digest(Digest(stories=[])) == "No stories."


def test_answer_text_cites_each_source_once():
    """An answer's text, then one source line per cited source (repeats folded)."""
    answer = Answer("It reopened on Monday [1][1].", [1, 1], True)
    assert render_answer(answer, story().sources).splitlines() == [
        "It reopened on Monday [1][1].",
        source_line(story().sources[0]),
    ]
    assert render_answer(Answer("", [], False), []) == "The sources don't say."
