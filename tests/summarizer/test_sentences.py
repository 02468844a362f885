"""Sentence splitting on news text."""

from __future__ import annotations

import pytest

from summarizer.models import Article
from summarizer.sentences import split_article, split_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. envoy arrived on Jan. 5 in Geneva. Talks began at noon.",
            ["The U.S. envoy arrived on Jan. 5 in Geneva.", "Talks began at noon."],
        ),
        (
            'Officials said the port would reopen. "We are ready," Mr. Okafor said. He left.',
            [
                "Officials said the port would reopen.",
                '"We are ready," Mr. Okafor said.',
                "He left.",
            ],
        ),
        (
            "“It is over.” She left the room at 3 p.m. on Friday.",
            ["“It is over.”", "She left the room at 3 p.m. on Friday."],
        ),
        (
            "Prices rose 2.5% in March. Analysts expected 2.1%.",
            ["Prices rose 2.5% in March.", "Analysts expected 2.1%."],
        ),
        (
            # pysbd ends the quotation at '!"' and leaves its speaker a sentence of his own.
            '"Stop! we are neighbours!" Tomas Varn told the crowd at the gate. Nobody moved.',
            ['"Stop! we are neighbours!" Tomas Varn told the crowd at the gate.', "Nobody moved."],
        ),
        (
            '"Ines Hald has done a wonderful job!" Tomas Varn tweeted on Monday. He left.',
            ['"Ines Hald has done a wonderful job!" Tomas Varn tweeted on Monday.', "He left."],
        ),
        (
            # A page ran two sentences together.
            "They came to care for the baby.Less than a week later, the ferry sank.",
            ["They came to care for the baby.", "Less than a week later, the ferry sank."],
        ),
        (
            # A curly opening mark closed by a straight one stays with its question and speaker.
            '“Should the ferry not have sailed?" Varn said on "Harbour Hour." "It was a mess."',
            [
                '“Should the ferry not have sailed?" Varn said on "Harbour Hour."',
                '"It was a mess."',
            ],
        ),
        (
            'She shouted "Stop!" Police said she ran.',
            ['She shouted "Stop!"', "Police said she ran."],
        ),
        (
            # pysbd ends a sentence at "Inc.’" and leaves "s role ..." as one of its own.
            "After years of doubts over Brightwell Inc.’s role in the outage, its chief spoke. "
            "He was brief.",
            [
                "After years of doubts over Brightwell Inc.’s role in the outage, its chief spoke.",
                "He was brief.",
            ],
        ),
        (
            # ... and at "St." before a comma, leaving ", which sold ..." alone.
            "The house at 12 Larch St., which sold for $4 million in May, was in the film. "
            "Tourists still come.",
            [
                "The house at 12 Larch St., which sold for $4 million in May, was in the film.",
                "Tourists still come.",
            ],
        ),
        (
            # ... and after "Mr." when a curly quotation opens a paragraph on it.
            '“Mr. Okafor knew the reef well," the pilot said. He nodded.',
            ['“Mr. Okafor knew the reef well," the pilot said.', "He nodded."],
        ),
        (
            # ... and at "p.m." before its time zone or day; a new sentence after it still starts.
            "The talk is at 2 p.m. Eastern, in the Harrow hall. It ends at 4 p.m. Tea follows. "
            "It airs at 9 p.m. ET on Friday. Around 2 a.m. Tuesday, the crew left. "
            "It ends at 4 p.m. Sunday Market opens later.",
            [
                "The talk is at 2 p.m. Eastern, in the Harrow hall.",
                "It ends at 4 p.m.",
                "Tea follows.",
                "It airs at 9 p.m. ET on Friday.",
                "Around 2 a.m. Tuesday, the crew left.",
                "It ends at 4 p.m.",
                "Sunday Market opens later.",
            ],
        ),
        (
            # ... and at "p.m." before a date: 'from 10 p.m.' + 'Aug. 9 to 6 a.m. ...'.
            "No rounds were made from 10 p.m. Aug. 9 to 6 a.m. the next day. It ends at 4 p.m. "
            "Augusta Lind spoke.",
            [
                "No rounds were made from 10 p.m. Aug. 9 to 6 a.m. the next day.",
                "It ends at 4 p.m.",
                "Augusta Lind spoke.",
            ],
        ),
        (
            # ... and at a dotted code's closing point before a lowercase word; a new
            # sentence after a decimal still starts, "iPhone" or not.
            "Strain KV.2 leads; strain KV.2.1. is second. The rate was 3.5. iPads sold out.",
            [
                "Strain KV.2 leads; strain KV.2.1. is second.",
                "The rate was 3.5.",
                "iPads sold out.",
            ],
        ),
    ],
)
def test_split_text(text, expected):
    """Abbreviations, decimals and quotes do not end sentences; sentence ends do."""
    assert split_text(text) == expected


def test_paragraphs_split_separately():
    """A blank line always ends a sentence, even without punctuation."""
    assert split_text("Headline without a stop\n\nFirst sentence here.") == [
        "Headline without a stop",
        "First sentence here.",
    ]


def test_split_article_numbers_positions():
    """Sentences know their article, position and paragraph."""
    article = Article(text="One is here. Two is here.\n \nThree is here.")
    sentences = split_article(article, 3)
    assert [s.position for s in sentences] == [0, 1, 2]
    assert [s.paragraph for s in sentences] == [0, 0, 1]
    assert {s.article for s in sentences} == {3}
