"""The story's headline: an outlet's title its text bears out, else the lead, shortened."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..models import DigestSentence, Story
from ..nlp import get_embedder
from ..verify import Verifier, entity_in_text, normalise_tokens

__all__ = ["HEADLINE_MAX_WORDS", "make_headline", "title_headline"]

HEADLINE_MAX_WORDS = 16
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]{2,40}$")


def _clean_title(title: str) -> str:
    # "Talks resume in Geneva | The Daily Planet" -> "Talks resume in Geneva"
    return _TITLE_SUFFIX.sub("", title.strip()) if len(title.split()) > 4 else title.strip()


def title_headline(story: Story) -> str | None:
    titles = [_clean_title(a.title) for a in story.articles if a.title and a.title.strip()]
    return titles[0] if titles else None


def make_headline(
    story: Story,
    sentences: Sequence[DigestSentence],
    verifier: Verifier,
    source_sentences: dict[int, list[str]],
) -> str:
    """The story's headline: the outlet title closest to the digest, else the lead, shortened.

    Titles are source text, but a title can promise more than the article states ("ten-year"
    where the text says "a decade" is fine; a name found nowhere in the text is not), so titles
    whose names and numbers all appear in the article bodies are preferred.
    """
    titles = list(
        dict.fromkeys(_clean_title(a.title) for a in story.articles if a.title and a.title.strip())
    )
    if not titles:
        return _shorten(sentences[0].text) if sentences else "Untitled story"
    if sentences:
        embedder = get_embedder(verifier.settings.models)
        centre = embedder.embed([s.text for s in sentences]).mean(axis=0)
        closeness = embedder.embed(titles) @ centre
        titles = [titles[i] for i in np.argsort(-closeness)]
    body = {t for sents in source_sentences.values() for s in sents for t in normalise_tokens(s)}
    grounded = (
        t for t in titles if all(entity_in_text(e, body) for e, _ in verifier.fact_entities(t))
    )
    return next(grounded, titles[0])


def _shorten(text: str) -> str:
    """A headline from a sentence: its first clause when that says enough, else its start."""
    words = text.rstrip(".!").split()
    if len(words) <= HEADLINE_MAX_WORDS:
        return " ".join(words)
    clause = re.split(r",\s|;\s|\s[—–-]\s", text)[0].split()
    if 6 <= len(clause) <= HEADLINE_MAX_WORDS:
        return " ".join(clause)
    return " ".join(words[:HEADLINE_MAX_WORDS]) + "…"
