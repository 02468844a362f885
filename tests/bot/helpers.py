"""Shared builders for the bot tests (kept with the loopback stand-ins, which use them too)."""

from bot.testing.digests import make_digest, make_story

__all__ = ["make_digest", "make_story"]
