"""Posting failures are sorted by what retrying can do about them."""

from __future__ import annotations

from types import SimpleNamespace

import aiohttp
import discord
import pytest

from bot.posting import channel_refused, post_failure


def http_error(cls, status, code, message):
    response = SimpleNamespace(status=status, reason="reason")
    return cls(response, {"code": code, "message": message})


@pytest.mark.parametrize(
    ("exc", "kind", "refused"),
    [
        (http_error(discord.Forbidden, 403, 50013, "Missing Permissions"), "forbidden", True),
        (http_error(discord.Forbidden, 403, 50001, "Missing Access"), "forbidden", True),
        (http_error(discord.NotFound, 404, 10003, "Unknown Channel"), "gone", True),
        (http_error(discord.NotFound, 404, 10008, "Unknown Message"), "rejected", False),
        (http_error(discord.HTTPException, 400, 50035, "Invalid Form Body"), "rejected", False),
        (http_error(discord.DiscordServerError, 503, 0, "Service Unavailable"), "error", False),
        (aiohttp.ClientConnectionError("reset by peer"), "error", False),
        (ValueError("a bug"), "error", False),
    ],
)
def test_each_failure_has_its_kind(exc, kind, refused):
    """403 and a deleted channel are the channel's refusal; other 4xx rejections; the rest
    (5xx, the network, bugs) may pass."""
    failure = post_failure(exc)
    assert failure.kind == kind
    assert failure.retryable is (kind == "error")
    assert channel_refused(failure.reason) is refused
    assert failure.reason.startswith(f"{kind}: ")


def test_a_reason_names_the_status_and_is_bounded():
    """The stored reason carries Discord's status and words, and never runs long."""
    failure = post_failure(http_error(discord.Forbidden, 403, 50013, "Missing Permissions"))
    assert failure.reason == "forbidden: 403 reason (error code: 50013): Missing Permissions"
    assert post_failure(ValueError("x" * 1000)).detail.startswith("ValueError: x")
    assert len(post_failure(ValueError("x" * 1000)).detail) == 200
    assert not channel_refused(None) and not channel_refused("error: forbidden")
