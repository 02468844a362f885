"""The shared text helpers: folding, words and nationality words."""

from __future__ import annotations

import pytest

from summarizer.text import NATIONALITIES, fold, word_count, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Harrow’s Mayor", "harrow's mayor"),
        ("‘Quoted’", "'quoted'"),
        ("ﬁnal ＡＢＣ", "final abc"),  # ligature and full-width letters: NFKC
        ("1\u00a0200", "1 200"),  # a non-breaking space is a space
        ("ÉCOLE", "école"),
    ],
)
def test_fold(text, expected):
    """Folding applies NFKC, lower case and straight apostrophes, nothing more."""
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ÉCOLE Grünberg", "ecole grunberg"),
        ("Jurgensdóttir’s", "jurgensdottir's"),
        ("naïve café", "naive cafe"),  # a mark written as its own character, too
        ("Ørsted 2,400", "ørsted 2,400"),  # a letter of its own, no mark on a letter
    ],
)
def test_fold_without_accents(text, expected):
    """Folding for matching across outlets drops the marks on letters."""
    assert fold(text, accents=False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. port, at 3:40 a.m.", ["The", "U", "S", "port", "at", "3", "40", "a", "m"]),
        ("don't — well-known", ["don", "t", "well", "known"]),
        ("", []),
        ("Zürich 2,400", ["Zürich", "2", "400"]),
    ],
)
def test_words_and_count(text, expected):
    """Words are runs of word characters; the count agrees with the list."""
    assert words(text) == expected
    assert word_count(text) == len(expected)


def test_nationalities_are_lower_case_words_mapped_to_names():
    """Keys are folded nationality words; values are country names, never a nationality."""
    assert NATIONALITIES["chinese"] == "China"
    assert all(key == fold(key) for key in NATIONALITIES)
    assert not set(NATIONALITIES) & {fold(v) for v in NATIONALITIES.values()}
    with pytest.raises(TypeError):
        NATIONALITIES["martian"] = "Mars"  # type: ignore[index]


@pytest.mark.parametrize(
    ("word", "token"),
    [("british", "britain"), ("american", "us"), ("turkish", "turkey"), ("afghan", "afghanistan")],
)
def test_verify_maps_each_one_word_nationality(word, token):
    """The verifier reads a nationality word as its country's one folded token."""
    from summarizer.verify import normalise_tokens

    assert normalise_tokens(f"{word.title()} officials") == (token, "officials")


def test_verify_leaves_a_many_word_country_alone():
    """'Saudi' stays itself: one token cannot stand for Saudi Arabia."""
    from summarizer.verify import normalise_tokens

    assert normalise_tokens("Saudi officials") == ("saudi", "officials")


@pytest.mark.parametrize(
    ("word", "country"),
    [("Belgian", "Belgium"), ("British", "United Kingdom"), ("Turkish", "Türkiye")],
)
def test_places_reads_the_shared_table(word, country):
    """The gazetteer names the country of an irregular nationality word from the shared table."""
    from summarizer.places import country_of_nationality

    assert country_of_nationality(word) == country
