"""Language detection: English is kept, other languages are named (no download at run time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.language import foreign_language, language_name

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("german-article.txt", "de"), ("english-article.txt", None), ("story.md", None)],
)
def test_fixture_languages(name, expected):
    """The fictional German article is German; English ones are not foreign."""
    assert foreign_language((FIXTURES / name).read_text(encoding="utf-8")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La mairie de Halvik a voté mardi un nouveau pont sur la rivière, a dit le maire.", "fr"),
        ("El ayuntamiento de Halvik aprobó el martes un puente nuevo sobre el río.", "es"),
        ("The Halvik council approved a new bridge on Tuesday, the mayor said.", None),
        ("12 - 4 - 2026", None),  # nothing to judge: kept
        ("", None),
    ],
)
def test_short_texts(text, expected):
    """A sentence is enough to tell; text without letters is never left out."""
    assert foreign_language(text) == expected


def test_language_name():
    """Codes are named in English; an unknown code stays as it is."""
    assert language_name("de") == "German"
    assert language_name("zz") == "zz"
