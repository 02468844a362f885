"""Multi-source news digests in which every sentence cites every source that carries it.

Stages (one module each): ingest -> clean -> sentences -> cluster -> fuse -> verify, with
qa for follow-up questions and generate for the optional generator. `pipeline` runs them.
"""

import logging

from .errors import SummarizerError
from .models import Answer, Article, Citation, Digest, DigestSentence, Source, Story, StoryDigest

__all__ = [
    "Answer",
    "Article",
    "Citation",
    "Digest",
    "DigestSentence",
    "Source",
    "Story",
    "StoryDigest",
    "SummarizerError",
]

# The library logs but never configures logging: the CLI and the bot do.
logging.getLogger(__name__).addHandler(logging.NullHandler())
