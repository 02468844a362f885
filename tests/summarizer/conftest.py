"""Fixtures for the summarizer tests: settings and the real (offline) models, loaded once."""

from __future__ import annotations

import os

import pytest

from summarizer.config import Settings
from summarizer.models import Article

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def models(settings: Settings) -> Settings:
    """Load MiniLM and spaCy once for the whole session; returns the settings they use."""
    from summarizer.nlp import get_embedder, get_spacy

    get_embedder(settings.models)
    get_spacy(settings.models.spacy_model)
    return settings


# A fictional story told by two outlets, plus an unrelated one (written for these tests).
BRIDGE_A = Article(
    title="Dunmore approves $40 million bridge",
    outlet="Dunmore Ledger",
    url="https://ledger.example/bridge",
    text=(
        "The city council of Dunmore approved a new bridge over the Lark River on Tuesday.\n\n"
        "The bridge will cost $40 million and open in 2027, Mayor Ada Quill said.\n\n"
        "Construction is due to start in May, council officials said.\n\n"
        "The old ferry crossing, which dates from 1931, will close when the bridge opens."
    ),
)
BRIDGE_B = Article(
    title="Council backs Lark River crossing",
    outlet="River Post",
    url="https://riverpost.example/lark-crossing",
    text=(
        "Dunmore's council voted on Tuesday to build a bridge across the Lark River.\n\n"
        "Mayor Ada Quill said the $40 million bridge would open in 2027.\n\n"
        "Critics said the price was far too high for a town of 12,000 people.\n\n"
        "The vote passed by seven votes to two after a three-hour debate."
    ),
)
UNRELATED = Article(
    title="Orchard festival draws record crowd",
    outlet="Valley Times",
    url="https://valleytimes.example/orchard",
    text=(
        "A record 9,000 visitors came to the Pellham orchard festival over the weekend.\n\n"
        "Organisers said the apple pie contest drew 140 entries from four counties.\n\n"
        "The festival, first held in 1978, raises money for the village school."
    ),
)
