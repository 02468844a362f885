"""Story tracking on a fictional three-day flood story (tests/fixtures/track)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from summarizer.ingest import gather_sync
from summarizer.models import (
    Change,
    Continuation,
    Digest,
    DigestSentence,
    Source,
    StoryDigest,
)
from summarizer.pipeline import summarize
from summarizer.render import change_line, render_story
from summarizer.track import Tracker, track

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "track"


def _digest(settings, day: str) -> Digest:
    articles, failures = gather_sync(sorted(str(p) for p in FIXTURES.glob(f"{day}-*.md")), settings)
    assert not failures
    return summarize(articles, settings)


def _story(digest: Digest, word: str) -> StoryDigest:
    (story,) = [s for s in digest.stories if word in s.text]
    return story


@pytest.fixture(scope="module")
def days(models):
    """The three days digested; day 2 tracked against day 1, day 3 against day 2's JSON."""
    day1, day2, day3 = (_digest(models, d) for d in ("day1", "day2", "day3"))
    tracker = Tracker(models)
    track(day2, day1, models, tracker=tracker)
    saved = Digest.from_dict(json.loads(json.dumps(day2.to_dict())))
    track(day3, saved, models, tracker=tracker)
    return day1, day2, day3


def test_the_next_day_continues_the_story(days):
    """Day 2's Tessary story continues day 1's, as day 2 of it."""
    day1, day2, _ = days
    story = _story(day2, "Tessary")
    assert story.continues is not None
    assert story.continues.id == _story(day1, "Tessary").id
    assert story.continues.day == 2
    assert story.continues.date is not None and story.continues.date.day == 6


def test_another_flood_the_same_day_is_not_matched(days):
    """A flood in another town, other river and people, is not the Tessary story."""
    _, day2, _ = days
    brennock = _story(day2, "Brennock")
    assert brennock.continues is None
    assert brennock.changed == []
    assert all(s.new for s in brennock.sentences)


def test_relation_needs_the_names_not_just_the_topic(days, models):
    """Both floods are alike in embedding space; only the Tessary one shares the names."""
    day1, day2, _ = days
    tracker = Tracker(models)
    first = _story(day1, "Tessary")
    same = tracker.relate(first, _story(day2, "Tessary"))
    other = tracker.relate(first, _story(day2, "Brennock"))
    assert same.continues and not other.continues
    assert other.similarity >= 0.5  # the same topic
    assert other.names_shared == 0 and same.names_shared >= 2


def test_what_is_new_on_day_two(days):
    """The dam and the water plant are new; the flood itself is not."""
    _, day2, _ = days
    story = _story(day2, "Tessary")
    new = " ".join(s.text for s in story.sentences if s.new)
    old = [s.text for s in story.sentences if not s.new]
    assert "sandbag dam" in new
    assert "water plant" in new
    assert any("Monday" in text for text in old)
    assert not any("sandbag" in text or "water plant" in text for text in old)
    assert story.background is not None and "Monday" in story.background.text


def test_the_death_toll_change_is_reported_with_both_citations(days):
    """12 (day 1, cited there) became 19 (day 2, cited here); the sentence giving it is new."""
    day1, day2, _ = days
    story = _story(day2, "Tessary")
    (change,) = story.changed
    assert "12" in change.old and "19" in change.new
    earlier = _story(day1, "Tessary")
    stated_12 = next(s for s in earlier.sentences if "12" in s.text)
    assert list(change.old_sources) == stated_12.source_ids
    stated_19 = next(s for s in story.sentences if "19" in s.text)
    assert list(change.sources) == stated_19.source_ids and stated_19.new
    line = change_line(change, when=story.continues.date)
    assert line.startswith("up from at least 12") and line.endswith("on 6 May")
    text = render_story(story)
    facts = " ".join(text.split("\n\n")[0].split())  # the update, before its sources
    assert facts.count(" 19 ") == 1  # the new toll is told once, with where it came from
    assert "died" in stated_19.text and "up from at least 12 on 6 May" in facts


def test_day_three_counts_from_day_one_through_a_saved_digest(days):
    """Tracked against day 2's JSON, day 3 is day 3 of a story first told on 6 May."""
    _, day2, day3 = days
    story = _story(day3, "Tessary")
    assert story.continues is not None
    assert story.continues.id == _story(day2, "Tessary").id
    assert story.continues.day == 3
    assert story.continues.first_date is not None and story.continues.first_date.day == 6
    assert [("19" in c.old, "23" in c.new) for c in story.changed] == [(True, True)]
    new = " ".join(s.text for s in story.sentences if s.new)
    assert "40 million crowns" in new and "fall on Thursday" in new
    assert any("Monday" in s.text for s in story.sentences if not s.new)


def test_update_text_puts_what_is_new_first(days):
    """An update opens with its mark, tells the new facts, then one line of background."""
    _, day2, _ = days
    text = render_story(_story(day2, "Tessary"))
    lines = text.splitlines()
    assert lines[0].startswith("Update, day 2: ")
    background = [i for i, line in enumerate(lines) if line.startswith("Background: ")]
    assert len(background) == 1
    assert background[0] > next(i for i, line in enumerate(lines) if "sandbag dam" in line)
    assert not any("Monday" in line for line in lines[: background[0]])


def test_a_new_line_reading_on_is_told_with_the_line_before_it(models):
    """ "It was refloated ..." is news, the grounding before it is not: the grounding is told
    again with it, and the background is never a line that reads on."""
    when = datetime(2025, 5, 6, tzinfo=UTC)
    grounding = "The ferry Lark Star ran aground on a sandbank off Harrow on Tuesday."
    sources = [Source(1, outlet="Harrow Courier", text=grounding, published=when)]
    told = [DigestSentence(grounding)]
    earlier = StoryDigest("s1", "Lark Star aground off Harrow", told, sources)
    refloat = "It was refloated by two tugs at high tide on Wednesday."
    tanks = "The Lark Star's fuel tanks were emptied before the tow, the coastguard said."
    story = StoryDigest(
        "s2",
        "Lark Star refloated off Harrow",
        [DigestSentence(grounding), DigestSentence(refloat, reads_on=True), DigestSentence(tanks)],
        [Source(2, outlet="Lowland Post", text=f"{grounding} {refloat}", published=when)],
    )
    Tracker(models).mark(earlier, story)
    assert [s.new for s in story.sentences] == [True, True, True]
    story.sentences[2].new = False
    story.sentences[2].reads_on = True
    assert story.background is None


def test_a_story_with_nothing_new_is_one_line():
    """An update whose every sentence was told before is listed in one line."""
    story = StoryDigest(
        "s2",
        "Floods in Tessary",
        [DigestSentence("The Orlan River flooded Tessary on Monday.", new=False)],
        [],
        continues=Continuation("s1", "Tessary floods", datetime(2025, 5, 6, tzinfo=UTC), None, 2),
    )
    assert render_story(story) == "Update, day 2: Floods in Tessary · nothing new since 6 May"


def test_tracking_fields_survive_json_and_old_json_reads():
    """continues, changed and new round-trip; a digest saved before them reads with defaults."""
    story = StoryDigest(
        "s2",
        "h",
        [DigestSentence("a", new=False), DigestSentence("b")],
        [],
        continues=Continuation("s1", "old", datetime(2025, 5, 6, tzinfo=UTC), None, 2),
        changed=[Change("12", (1,), "19", (4, 5), "19 died.")],
    )
    again = StoryDigest.from_dict(json.loads(json.dumps(story.to_dict())))
    assert again.continues == story.continues
    assert again.changed == story.changed
    assert [s.new for s in again.sentences] == [False, True]
    data = story.to_dict()
    for key in ("continues", "changed"):
        del data[key]
    for sentence in data["sentences"]:
        del sentence["new"]
    old = StoryDigest.from_dict(data)
    assert old.continues is None and old.changed == []
    assert all(s.new for s in old.sentences)
