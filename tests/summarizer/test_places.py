"""The gazetteer that tells countries, states and cities apart."""

from __future__ import annotations

import pytest

from summarizer.places import (
    countries_named_in,
    country,
    country_of_nationality,
    is_country,
    is_state,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("U.S.", "United States"),
        ("the United States", "United States"),
        ("Russia", "Russia"),
        ("Britain", "United Kingdom"),
        ("South Korea", "South Korea"),
        ("Nepal", "Nepal"),
        ("Scotland", "Scotland"),
        ("Paris", None),
        ("California", None),
    ],
)
def test_country_names_and_aliases(name, expected):
    assert country(name) == expected


@pytest.mark.parametrize(
    ("name", "state"),
    [("California", True), ("Ontario", True), ("Washington", True), ("Paris", False)],
)
def test_states_are_first_level_divisions(name, state):
    assert is_state(name) is state
    assert not is_country(name)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Chinese", "China"),
        ("Russian", "Russia"),
        ("Ukrainians", "Ukraine"),
        ("Nepalese", "Nepal"),
        ("Japanese", "Japan"),
        ("Nigerian", "Nigeria"),
        ("Indiana", None),
        ("Republican", None),
        ("Latin", None),
    ],
)
def test_nationality_words_name_their_country(word, expected):
    assert country_of_nationality(word) == expected


def test_countries_named_in_a_question():
    """Names, aliases and nationality words count; the pronoun "us" does not."""
    assert countries_named_in("US jets downed a balloon. Which country sent it?") == {
        "United States"
    }
    assert countries_named_in("About 40 Norwegians will sail to which port?") == {"Norway"}
    assert countries_named_in("Tell us which city hosts the fair") == frozenset()
