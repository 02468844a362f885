"""Every message write goes through here: mentions off, 5xx retried, threads opened.

discord.py already waits out 429s (and retries a few 5xx codes itself); tenacity adds retries
with backoff for the server errors that remain. Channel sends carry a deterministic nonce with
`enforce_nonce`, so Discord turns a retried send into a no-op instead of a duplicate.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import Final, Literal

import aiohttp
import discord
import tenacity

from .render import MessagePart

__all__ = [
    "ALLOWED_MENTIONS",
    "Pacer",
    "PostFailure",
    "channel_refused",
    "edit_original",
    "followup",
    "nonce_for",
    "open_thread",
    "post_failure",
    "retrying",
    "send",
]

log = logging.getLogger(__name__)

# Article text may contain "@everyone", role or user mentions: nobody is ever pinged.
ALLOWED_MENTIONS = discord.AllowedMentions.none()
POST_ATTEMPTS = 4  # tenacity attempts on 5xx, on top of discord.py's own retries
POST_BACKOFF_MAX_S = 8.0
# A day: follow-ups come the same day as the digest (Discord allows 60, 1440, 4320, 10080).
THREAD_ARCHIVE_MINUTES: Final = 1440
THREAD_NAME_LIMIT = 100  # Discord's limit on channel and thread names
_THREAD_ALREADY_CREATED = 160004  # Discord: "A thread has already been created for this message"
_UNKNOWN_CHANNEL = 10003  # Discord: the channel was deleted (other 404s name a message, a thread…)
FAILURE_DETAIL_CHARS = 200  # a failure's reason is stored and shown; Discord's texts are short

# Why a post failed, by what trying again can do about it:
#   forbidden, gone, unusable: the channel itself refuses posts (no permission, deleted, not a
#       text channel): not today, and perhaps never;
#   rejected: Discord refused this request (another 4xx): the same request fails again;
#   error: a server error after every retry, a dropped connection, or a bug: later may work.
FailureKind = Literal["forbidden", "gone", "unusable", "rejected", "error"]
_CHANNEL_REFUSED: frozenset[str] = frozenset({"forbidden", "gone", "unusable"})


class Pacer:
    """Spaces requests to at most `rate` a second, so a burst stays under Discord's global limit.

    discord.py waits out per-route buckets from the headers before they run dry, but it learns
    of the global limit (50 requests a second) only from a 429; pacing avoids those.
    """

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request may go."""
        async with self._lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


@dataclass(frozen=True, slots=True)
class PostFailure:
    """Why posting in a channel failed: its kind (FailureKind) and Discord's or Python's words."""

    kind: FailureKind
    detail: str

    @property
    def retryable(self) -> bool:
        """Whether the same post may go through later (a server or network error, or a bug)."""
        return self.kind == "error"

    @property
    def reason(self) -> str:
        """`kind: detail`, as the delivery ledger stores it."""
        return f"{self.kind}: {self.detail}"


def channel_refused(reason: str | None) -> bool:
    """Whether a stored reason says the channel itself refused the post (not a passing error)."""
    return reason is not None and reason.split(":", 1)[0] in _CHANNEL_REFUSED


def post_failure(exc: BaseException) -> PostFailure:
    """Sort an exception raised while posting into a PostFailure."""
    # discord.py's own words name the status and Discord's code ("403 Forbidden (error code:
    # 50013): Missing Permissions"); anything else is named by its type.
    detail = " ".join(str(exc).split()) or type(exc).__name__
    kind: FailureKind = "error"
    if isinstance(exc, discord.Forbidden):
        kind = "forbidden"
    elif isinstance(exc, discord.NotFound) and exc.code == _UNKNOWN_CHANNEL:
        kind = "gone"
    elif isinstance(exc, discord.HTTPException) and 400 <= exc.status < 500 and exc.status != 429:
        kind = "rejected"
    elif not isinstance(exc, discord.HTTPException):
        detail = f"{type(exc).__name__}: {detail}" if str(exc) else detail
    return PostFailure(kind, detail[:FAILURE_DETAIL_CHARS])


def _log_retry(state: tenacity.RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    log.warning("posting failed (%s); attempt %d of %d", exc, state.attempt_number, POST_ATTEMPTS)


def retrying() -> tenacity.AsyncRetrying:
    """Retry policy for a Discord write: server errors and dropped connections only."""
    return tenacity.AsyncRetrying(
        retry=tenacity.retry_if_exception_type(
            (discord.DiscordServerError, aiohttp.ClientConnectionError, asyncio.TimeoutError)
        ),
        stop=tenacity.stop_after_attempt(POST_ATTEMPTS),
        wait=tenacity.wait_exponential(multiplier=0.5, max=POST_BACKOFF_MAX_S)
        + tenacity.wait_random(0, 0.5),
        before_sleep=_log_retry,
        reraise=True,
    )


def nonce_for(*parts: object) -> str:
    """A stable nonce (Discord allows 25 characters) naming one message we mean to send once."""
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:25]


async def send(
    channel: discord.abc.Messageable,
    part: MessagePart,
    *,
    nonce: str | None = None,
    reference: discord.Message | None = None,
) -> discord.Message:
    """Send one message to a channel, retrying server errors."""
    async for attempt in retrying():
        with attempt:
            # discord.py's send overloads leave out the None its body takes as "not given" for
            # nonce, reference and mention_author.
            return await channel.send(
                content=part.content,
                embeds=part.embeds,
                allowed_mentions=ALLOWED_MENTIONS,
                nonce=nonce,  # type: ignore[arg-type]
                reference=reference,  # type: ignore[arg-type]
                mention_author=False if reference is not None else None,  # type: ignore[arg-type]
            )
    raise AssertionError("unreachable: tenacity either returns or raises")


async def followup(
    interaction: discord.Interaction, part: MessagePart, *, ephemeral: bool = False
) -> discord.WebhookMessage:
    """Send a follow-up message to an interaction, retrying server errors."""
    async for attempt in retrying():
        with attempt:
            return await interaction.followup.send(
                content=part.content or discord.utils.MISSING,
                embeds=part.embeds or discord.utils.MISSING,
                allowed_mentions=ALLOWED_MENTIONS,
                ephemeral=ephemeral,
                wait=True,
            )
    raise AssertionError("unreachable: tenacity either returns or raises")


async def edit_original(
    interaction: discord.Interaction, part: MessagePart
) -> discord.InteractionMessage:
    """Replace a deferred response's "thinking…" with the first message, retrying 5xx."""
    async for attempt in retrying():
        with attempt:
            return await interaction.edit_original_response(
                content=part.content, embeds=part.embeds, allowed_mentions=ALLOWED_MENTIONS
            )
    raise AssertionError("unreachable: tenacity either returns or raises")


def thread_name(title: str) -> str:
    """A thread name within Discord's 100 characters."""
    name = " ".join(title.split()) or "Digest follow-ups"
    return name if len(name) <= THREAD_NAME_LIMIT else name[: THREAD_NAME_LIMIT - 1] + "…"


async def open_thread(message: discord.Message, title: str) -> int | None:
    """Open the follow-up thread on a posted digest; its id, or None where threads can't be."""
    if isinstance(message.channel, discord.Thread):
        return None  # threads do not nest: follow-ups happen in this thread already
    try:
        async for attempt in retrying():
            with attempt:
                thread = await message.create_thread(
                    name=thread_name(title), auto_archive_duration=THREAD_ARCHIVE_MINUTES
                )
                return thread.id
    except discord.HTTPException as exc:
        if exc.code == _THREAD_ALREADY_CREATED:
            # Made before a restart: a message's thread has the message's id.
            return message.id
        log.warning("channel %s: cannot open a thread (%s)", message.channel.id, exc)
    return None
