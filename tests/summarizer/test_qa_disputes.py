"""Sources that disagree on a name or a date: the answer shows each side with its citations.

The fixtures (tests/fixtures/qa/disputed.json) are fictional stories told by three outlets,
two agreeing and one giving another person, body or day for the same fact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.models import Source
from summarizer.qa import answer_question, build_index
from summarizer.qa.disputes import date_parts

pytestmark = pytest.mark.models

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "qa" / "disputed.json"
STORIES = {s["id"]: s for s in json.loads(FIXTURE.read_text(encoding="utf-8"))["stories"]}


@pytest.fixture(scope="module")
def indexes(models):
    return {
        story: build_index(
            [
                Source(s["id"], s["title"], outlet=s["outlet"], text=s["text"])
                for s in STORIES[story]["sources"]
            ],
            models,
        )
        for story in STORIES
    }


@pytest.mark.parametrize(
    ("story", "question", "sides"),
    [
        # Two outlets name the harbour master, the third the coastguard commander.
        (
            "lighthouse-fire",
            "Who ordered the evacuation of the lighthouse?",
            [("Ivo Brandt", [1, 2]), ("Lena Voss", [3])],
        ),
        # The same split on the day, asked two ways.
        (
            "lighthouse-fire",
            "When was the lighthouse evacuated?",
            [("Thursday", [1, 2]), ("Wednesday", [3])],
        ),
        (
            "lighthouse-fire",
            "When was the evacuation ordered?",
            [("Thursday", [1, 2]), ("Wednesday", [3])],
        ),
        # Organisations: the restorer, whichever is voted first.
        (
            "lighthouse-fire",
            "Who restored the lighthouse?",
            [("Dunmore Heritage Trust", [1, 2]), ("Arkwright Foundation", [3])],
        ),
        (
            "lighthouse-fire",
            "Which charity restored the lighthouse?",
            [("Dunmore Heritage Trust", [1, 2]), ("Arkwright Foundation", [3])],
        ),
    ],
)
def test_different_names_or_dates_are_both_shown_with_their_sources(
    indexes, story, question, sides
):
    """No side leads: each value is quoted with the sources that state it, the larger first."""
    answer = answer_question(question, indexes[story])
    assert answer.answered
    assert answer.short_answer is None, answer.text
    assert answer.text.startswith("The sources differ: "), answer.text
    parts = answer.text.removeprefix("The sources differ: ").split("; ")
    assert len(parts) == 2, answer.text
    for (value, cites), part in zip(sides, parts, strict=True):
        assert value in part.split(" — ")[0], answer.text
        assert part.endswith("".join(f"[{c}]" for c in cites)), answer.text
    assert answer.citations == sorted(c for _, cites in sides for c in cites)
    assert len(answer.evidence) == 2


@pytest.mark.parametrize(
    ("story", "question", "head", "cites"),
    [
        # All three give the same year: one answer, three citations.
        ("lighthouse-fire", "When was the lighthouse restored?", "2015", [1, 2, 3]),
        # Only one outlet says who praised the crew (by a surname NER misses); the others name
        # other people elsewhere.
        ("lighthouse-fire", "Who praised the lifeboat crew?", "Voss", [3]),
        # "Tuesday" and "March 4" may be one day: nothing to set against each other.
        ("fish-market", "When did the council vote to close the fish market?", "Tuesday", None),
    ],
)
def test_no_disagreement_where_the_sources_do_not_differ(indexes, story, question, head, cites):
    """One value, or values that cannot be told apart, give a plain answer."""
    answer = answer_question(question, indexes[story])
    assert answer.answered
    assert "differ" not in answer.text, answer.text
    if head is not None:
        assert answer.short_answer is not None and head in answer.short_answer, answer.text
    if cites is not None:
        assert answer.citations == cites, answer.text


def test_people_who_only_report_are_no_side(indexes):
    """The mayor who said it and the leader who told reporters did not vote: no dispute.

    The head is the council, not "Orlan", which only says which council.
    """
    answer = answer_question("Who voted to close the old fish market?", indexes["fish-market"])
    assert answer.answered
    assert "differ" not in answer.text, answer.text
    for reporter in ("Ada Fenn", "Piet Holm"):
        assert reporter not in (answer.short_answer or ""), answer.text
    # The council voted, not the town its name begins with.
    assert answer.short_answer is not None and "city council" in answer.short_answer


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Wednesday night", {"weekday": "wed"}),
        ("Jan. 14, 2023", {"month": "jan", "day": "14", "year": "2023"}),
        ("14 September", {"month": "sep", "day": "14"}),
        ("March 4", {"month": "mar", "day": "4"}),
        ("in 2015", {"year": "2015"}),
        ("last week", {}),
        ("the mayor's 12 aides", {}),
    ],
)
def test_date_parts(text, parts):
    """The parts a date names, so that only dates naming the same parts are compared."""
    assert date_parts(text) == parts
