"""Story filters: parsing what a reader typed, matching stories, applying them to a digest."""

from __future__ import annotations

import pytest

from summarizer.errors import InputError, SummarizerError
from summarizer.filters import (
    FilterError,
    StoryFilter,
    parse_filter,
    parse_terms,
)
from summarizer.models import Citation, Digest, DigestSentence, Source, StoryDigest


def make_story(headline: str, *sentences: str, outlets: int = 1, sid: str = "s") -> StoryDigest:
    sources = [
        Source(id=n, title=f"{headline} {n}", url=f"https://o{n}.example/a", outlet=f"Outlet {n}")
        for n in range(1, outlets + 1)
    ]
    return StoryDigest(
        id=sid,
        headline=headline,
        sentences=[DigestSentence(s, citations=[Citation(1)]) for s in sentences],
        sources=sources,
    )


# Fictional stories written for these tests.
FIRE = make_story(
    "Wildfire crews hold the line near Tarrow Ridge",
    "Crews contained the blaze on the eastern slope on Sunday.",
    "Rising sea\nlevel worries were raised at the same meeting.",
    outlets=3,
    sid="fire",
)
GALA = make_story(
    "Celebrity chef opens Brindle Street bistro",
    "The opening drew a crowd of 300.",
    sid="gala",
)
CLIMATE = make_story(
    "Climate panel meets in Osterby",
    "Delegates from 14 towns discussed flood barriers.",
    outlets=2,
    sid="climate",
)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("climate, wildfire", ("climate", "wildfire")),
        ("Climate  WILDFIRE", ("climate", "wildfire")),
        ('"sea level", flood', ("sea level", "flood")),
        ("“Sea   Level” flood", ("sea level", "flood")),  # curly quotes, as phones type them
        ('"a, b" c', ("a, b", "c")),
        ("climate, climate", ("climate",)),
        ("", ()),
        (None, ()),
    ],
)
def test_parse_terms(text, terms):
    """Keywords split at commas and spaces; quotes keep a phrase together; folded, each once."""
    assert parse_terms(text, name="include") == terms


@pytest.mark.parametrize(
    ("kwargs", "name", "words"),
    [
        ({"include": '"sea level, flood'}, "include", "unbalanced quote"),
        ({"exclude": 'chef ""'}, "exclude", "empty phrase"),
        ({"include": ", ".join(f"w{n}" for n in range(30))}, "include", "at most 25"),
        ({"include": "x" * 101}, "include", "longer than 100"),
        ({"include_regex": "(flood"}, "include_regex", "not a valid regular expression"),
        ({"include_regex": "(a|aa)+$"}, "include_regex", "too slow"),
        ({"include_regex": r"(\w+\s?)+$"}, "include_regex", "too slow"),
        ({"min_outlets": 0}, "min_outlets", "from 1 to"),
        ({"min_outlets": 51}, "min_outlets", "from 1 to"),
    ],
)
def test_bad_filters_name_the_option(kwargs, name, words):
    """A bad filter raises one error naming its option; it is a SummarizerError and InputError."""
    with pytest.raises(FilterError) as caught:
        parse_filter(**kwargs)
    assert caught.value.source == name
    assert words in caught.value.reason
    assert isinstance(caught.value, SummarizerError) and isinstance(caught.value, InputError)
    assert str(caught.value).startswith(f"{name}: ")


@pytest.mark.parametrize(
    ("kwargs", "kept"),
    [
        ({}, ["fire", "gala", "climate"]),
        ({"include": "climate, wildfire"}, ["fire", "climate"]),
        ({"include": "CLIMATE"}, ["climate"]),
        ({"include": "fire"}, []),  # whole words: "wildfire" is not "fire"
        ({"include": "crowd"}, ["gala"]),  # sentences count, not only the headline
        ({"include": '"sea level"'}, ["fire"]),  # a phrase across a line break
        ({"include": '"level sea"'}, []),  # a phrase keeps its word order
        ({"exclude": "celebrity"}, ["fire", "climate"]),
        ({"include": "climate, chef", "exclude": "celebrity"}, ["climate"]),
        ({"min_outlets": 2}, ["fire", "climate"]),
        ({"min_outlets": 3}, ["fire"]),
        ({"include": "climate, wildfire", "min_outlets": 3}, ["fire"]),
        ({"include_regex": r"flood\w*"}, ["climate"]),
        ({"include_regex": r"BRINDLE"}, ["gala"]),  # case-insensitive
        ({"include": "wildfire", "include_regex": r"bistro"}, ["fire", "gala"]),  # either keeps
    ],
)
def test_filter_keeps(kwargs, kept):
    """Include any, exclude all, whole words and phrases, outlets counted, regex as include."""
    story_filter = parse_filter(**kwargs)
    stories = [FIRE, GALA, CLIMATE]
    assert [stories[n].id for n in story_filter.kept(stories)] == kept


def test_regex_out_of_time_is_no_match(monkeypatch, caplog):
    """A pattern that runs out of time on a story counts as no match and says so in the log."""
    import summarizer.filters as filters

    monkeypatch.setattr(filters, "_PROBES", ())  # let a slow pattern through the check
    slow = parse_filter(include_regex="(a|aa)+$")
    story = make_story("Notice", "a" * 60 + "!", sid="slow")
    with caplog.at_level("WARNING", logger="summarizer.filters"):
        assert not slow.matches(story)
    assert "ran out of time" in caplog.text


def test_apply_to_digest_says_why_empty():
    """Applied to a digest: the stories left out are counted, and an empty one says why."""
    digest = Digest(stories=[FIRE, GALA, CLIMATE], articles_read=6)
    assert parse_filter().apply(digest) is digest
    kept = parse_filter(exclude="celebrity").apply(digest)
    assert [s.id for s in kept.stories] == ["fire", "climate"]
    assert kept.filtered_out == 1 and kept.why_empty is None
    empty = parse_filter(include="orchard").apply(digest)
    assert empty.stories == []
    assert empty.why_empty == "no story matched the filters (3 left out)"
    assert len(digest.stories) == 3  # the digest itself is untouched
    again = Digest.from_dict(empty.to_dict())
    assert again.filtered_out == 3 and again.why_empty == empty.why_empty


def test_json_round_trip_and_description():
    """A stored filter reads back the same; its description names every part."""
    story_filter = parse_filter(
        include='climate, "sea level"', exclude="celebrity", include_regex="flood", min_outlets=2
    )
    assert StoryFilter.from_json(story_filter.to_json()) == story_filter
    assert StoryFilter.from_json(None) == StoryFilter()
    assert story_filter.active and not StoryFilter().active
    assert story_filter.describe() == (
        'include: climate, "sea level" · include_regex: flood · exclude: celebrity'
        " · at least 2 outlets"
    )
    assert StoryFilter().describe() == "no filters (every story)"
