"""The fuse stage's output: fact groups and the fused story."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import DigestSentence, StoryDigest

__all__ = ["FactGroup", "FusedStory", "OrderKey"]

# Where a fact group goes in the digest: its first carrier's place in its article, when it was
# chosen, and its place in a run of lines that read on from it (`Wording.reads_on`).
OrderKey = tuple[float, int, int]


@dataclass(slots=True)
class FactGroup:
    """One chosen fact: the digest sentence and every source sentence that states it."""

    sentence: DigestSentence
    evidence: list[tuple[int, str]]  # (source id, source sentence), the chosen wording first


@dataclass(slots=True)
class FusedStory:
    """A story digest plus the fact groups behind it (the generator rewrites from these)."""

    digest: StoryDigest
    groups: list[FactGroup]
    source_sentences: dict[int, list[str]]
