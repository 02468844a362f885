"""A loopback Discord: enough of the REST API and the gateway for the real discord.py client.

REST (under /api/v10): the bot user and application, global command sync, channels, messages
(create, edit, fetch, history), threads from messages, typing, interaction callbacks
(`?with_response=1`), and webhook follow-ups and edits of the original response.
Gateway (/gateway): HELLO, heartbeat ACKs, IDENTIFY -> READY + GUILD_CREATE, RESUME -> RESUMED,
and dispatches of MESSAGE_CREATE, THREAD_CREATE and INTERACTION_CREATE.

It validates like Discord: the message limits (400, code 50035), empty messages (50006), an
interaction acknowledged twice (40060) or after 3 seconds (10062), and answers 429 with
`retry_after` and a `Via` header, from injected failures, per-route buckets or a global limit.
Every response is `Content-Type: application/json` exactly, as discord.py requires. It also
records every message write that does not turn mentions off, for the tests to assert on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

DISCORD_EPOCH_MS = 1420070400000
ALL_PERMISSIONS = (1 << 47) - 1
MANAGE_CHANNELS = 1 << 4
MEMBER_PERMISSIONS = ALL_PERMISSIONS & ~MANAGE_CHANNELS & ~(1 << 3)  # no admin, no manage
INTERACTION_WINDOW_S = 3.0
EPHEMERAL = 1 << 6
LOADING = 1 << 7


# The first message of a daily digest (bot/exts/schedule.py part_label): one per delivery.
_FIRST_DIGEST_PART = re.compile(r"\*\*Daily digest for [^*(]*(\(1/\d+\))?\*\*")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py parses JSON only on that exact header value,
    # and aiohttp's json_response would append "; charset=utf-8".
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _error(status: int, code: int, message: str, errors: dict | None = None) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return _json(body, status)


def _too_long(limit: int) -> dict:
    return {
        "_errors": [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}
        ]
    }


def embed_length(embed: dict) -> int:
    """Characters Discord counts against the 6000-per-message budget."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def validate_message(payload: dict, *, allow_empty: bool = False) -> dict | None:
    """Discord's checks on a message body: the form errors, or None when valid."""
    errors: dict[str, Any] = {}
    content = payload.get("content")
    if content is not None and len(content) > 2000:
        errors["content"] = _too_long(2000)
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        errors["embeds"] = _too_long(10)
    for i, embed in enumerate(embeds):
        e: dict[str, Any] = {}
        if len(embed.get("title") or "") > 256:
            e["title"] = _too_long(256)
        if len(embed.get("description") or "") > 4096:
            e["description"] = _too_long(4096)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            e["fields"] = _too_long(25)
        for j, f in enumerate(fields):
            if not f.get("name") or not f.get("value"):
                e.setdefault("fields", {})[str(j)] = {"_errors": [{"code": "BASE_TYPE_REQUIRED"}]}
            if len(f.get("name") or "") > 256:
                e.setdefault("fields", {})[str(j)] = {"name": _too_long(256)}
            if len(f.get("value") or "") > 1024:
                e.setdefault("fields", {})[str(j)] = {"value": _too_long(1024)}
        if len((embed.get("footer") or {}).get("text") or "") > 2048:
            e["footer"] = {"text": _too_long(2048)}
        if e:
            errors.setdefault("embeds", {})[str(i)] = e
    if sum(embed_length(e) for e in embeds) > 6000:
        errors.setdefault("embeds", {})["_errors"] = [
            {
                "code": "MAX_EMBED_SIZE_EXCEEDED",
                "message": "Embed size exceeds maximum size of 6000",
            }
        ]
    return errors or None


def _is_empty(payload: dict) -> bool:
    return not (
        payload.get("content")
        or payload.get("embeds")
        or payload.get("attachments")
        or payload.get("sticker_ids")
        or payload.get("components")
        or payload.get("poll")
    )


@dataclass
class Failure:
    """An injected failure for the next requests matching a method and path pattern."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float = 0.2


@dataclass
class InteractionRecord:
    """One interaction the server sent, and what the bot did with it."""

    id: int
    token: str
    name: str
    channel_id: int
    guild_id: int
    created: float
    callbacks: list[dict] = field(default_factory=list)
    callback_times: list[float] = field(default_factory=list)
    original: dict | None = None
    followups: list[dict] = field(default_factory=list)
    choices: list[dict] | None = None

    @property
    def messages(self) -> list[dict]:
        """The original response (if any) and the follow-ups, in order."""
        return ([self.original] if self.original else []) + self.followups

    @property
    def ephemeral(self) -> bool:
        """Whether the response only showed to the invoking user."""
        return bool(self.original and self.original["flags"] & EPHEMERAL)

    @property
    def finished(self) -> bool:
        """A response exists and is no longer loading."""
        return bool(
            self.choices is not None or (self.original and not self.original["flags"] & LOADING)
        )


class FakeDiscord:
    """The server. `await start()`, point the bot at `api_base` and `gateway_url`."""

    def __init__(
        self,
        *,
        guilds: int = 1,
        channels_per_guild: int = 3,
        token: str = "test-token",
        bucket_limit: int | None = None,
        bucket_window_s: float = 1.0,
        global_limit: int | None = None,
        heartbeat_ms: int = 41250,
    ) -> None:
        self.token = token
        self.bucket_limit = bucket_limit
        self.bucket_window_s = bucket_window_s
        self.global_limit = global_limit
        self.heartbeat_ms = heartbeat_ms
        self._ids = itertools.count(1)
        self.app_id = self.snowflake()
        self.bot_user = {
            "id": str(self.app_id),
            "username": "digestbot",
            "discriminator": "0",
            "avatar": None,
            "global_name": "Digest Bot",
            "bot": True,
        }
        self.human = {
            "id": str(self.snowflake()),
            "username": "reader",
            "discriminator": "0",
            "avatar": None,
            "global_name": "Reader",
        }
        self.guilds: dict[int, dict] = {}
        self.channels: dict[int, dict] = {}
        self.messages: dict[int, list[dict]] = defaultdict(list)
        self.message_index: dict[int, dict] = {}
        self.forbidden: set[int] = set()
        self.deleted: set[int] = set()
        for g in range(guilds):
            # Consecutive timestamps: guild g lands on shard g % shard_count, as Discord routes
            # a guild by (id >> 22) % shard_count.
            gid = self.snowflake() + (g << 22)
            self.guilds[gid] = {"id": gid, "name": f"Guild {g + 1}"}
            for c in range(channels_per_guild):
                self.add_channel(gid, f"news-{c + 1}")
        self.commands: list[dict] = []
        self.interactions: dict[str, InteractionRecord] = {}
        self.failures: list[Failure] = []
        self.requests: list[tuple[str, str, int]] = []
        self.status_counts: dict[int, int] = defaultdict(int)
        self.violations: list[str] = []
        self.callbacks_without_with_response = 0
        self.nonces: dict[tuple[int, str], dict] = {}
        # Requests matching these are carried out, but their response is held back until the
        # event is set: the bot "crashes" after Discord acted and before it heard back.
        self.holds: list[tuple[str, re.Pattern[str]]] = []
        self.release = asyncio.Event()
        self.sockets: list[web.WebSocketResponse] = []
        # The [shard id, shard count] each connection identified with (None: unsharded); by
        # session too, since a RESUME names only its session.
        self.shard_of_socket: dict[web.WebSocketResponse, tuple[int, int] | None] = {}
        self._shard_of_session: dict[str, tuple[int, int] | None] = {}
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self.sequence = 0
        self._buckets: dict[str, tuple[float, int]] = {}
        self._global: tuple[float, int] = (0.0, 0)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.changed = asyncio.Event()

    # -- ids and fixtures ------------------------------------------------------------------

    def snowflake(self) -> int:
        """A time-based id, as Discord's: discord.py turns datetimes into these for history."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._ids) & 0x3FFFFF)

    def add_channel(self, guild_id: int, name: str) -> int:
        """A text channel in a guild."""
        cid = self.snowflake()
        self.channels[cid] = {
            "id": str(cid),
            "type": 0,
            "guild_id": str(guild_id),
            "name": name,
            "position": len(self.channels),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }
        return cid

    def text_channels(self, guild_id: int | None = None) -> list[int]:
        """Ids of text channels (not threads), optionally of one guild."""
        return [
            int(c["id"])
            for c in self.channels.values()
            if c["type"] == 0 and (guild_id is None or int(c["guild_id"]) == guild_id)
        ]

    @property
    def guild_id(self) -> int:
        """The first guild."""
        return next(iter(self.guilds))

    @property
    def api_base(self) -> str:
        """What [discord] api_base should say."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """What [discord] gateway_url should say."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a free port."""
        app = web.Application(middlewares=[self._middleware], client_max_size=8 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        api = "/api/v10"
        r = app.router
        r.add_get(api + "/users/@me", self._me)
        r.add_get("/_stats", self._stats)
        r.add_get(api + "/oauth2/applications/@me", self._application)
        r.add_get(api + "/gateway/bot", self._gateway_bot)
        r.add_put(api + "/applications/{app}/commands", self._put_commands)
        r.add_get(api + "/applications/{app}/commands", self._get_commands)
        r.add_get(api + "/channels/{cid}", self._get_channel)
        r.add_post(api + "/channels/{cid}/messages", self._post_message)
        r.add_get(api + "/channels/{cid}/messages", self._history)
        r.add_get(api + "/channels/{cid}/messages/{mid}", self._get_message)
        r.add_patch(api + "/channels/{cid}/messages/{mid}", self._patch_message)
        r.add_post(api + "/channels/{cid}/messages/{mid}/threads", self._create_thread)
        r.add_post(api + "/channels/{cid}/typing", self._typing)
        r.add_post(api + "/interactions/{iid}/{token}/callback", self._callback)
        r.add_get(api + "/webhooks/{app}/{token}/messages/@original", self._get_original)
        r.add_patch(api + "/webhooks/{app}/{token}/messages/@original", self._patch_original)
        r.add_delete(api + "/webhooks/{app}/{token}/messages/@original", self._delete_original)
        r.add_post(api + "/webhooks/{app}/{token}", self._followup)
        r.add_patch(api + "/webhooks/{app}/{token}/messages/{mid}", self._patch_followup)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close sockets and stop listening."""
        self.release.set()
        for ws in list(self.sockets):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    # -- waiting and injecting -------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy (checked after every change), and return it."""
        deadline = time.monotonic() + within
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("condition not met in time")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.2))

    def _touch(self) -> None:
        self.changed.set()

    def fail(
        self, method: str, pattern: str, status: int, *, times: int = 1, retry_after: float = 0.2
    ) -> None:
        """Answer the next `times` matching requests with `status` (429: with retry_after)."""
        self.failures.append(Failure(method, re.compile(pattern), status, times, retry_after))

    def hold(self, method: str, pattern: str) -> None:
        """Carry out matching requests but never answer them (until `release` is set)."""
        self.holds.append((method, re.compile(pattern)))

    def channel_messages(self, channel_id: int) -> list[dict]:
        """Messages visible in a channel (ephemeral ones are not), oldest first."""
        return [m for m in self.messages[channel_id] if not m["flags"] & EPHEMERAL]

    # -- middleware: logging, failures, rate limits -----------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        path = request.path
        if path in ("/gateway", "/_stats"):
            return await handler(request)
        if (
            path.startswith("/api/v10/")
            and not path.startswith(("/api/v10/webhooks", "/api/v10/interactions"))
            and request.headers.get("Authorization") != f"Bot {self.token}"
        ):
            return self._record(request, _error(401, 0, "401: Unauthorized"))
        for failure in self.failures:
            if (
                failure.times > 0
                and failure.method == request.method
                and failure.pattern.search(path)
            ):
                failure.times -= 1
                if failure.status == 429:
                    return self._record(
                        request, self._limited(failure.retry_after, is_global=False)
                    )
                return self._record(
                    request, _error(failure.status, 0, f"{failure.status}: injected")
                )
        limited = self._rate_limit(request)
        if limited is not None:
            return self._record(request, limited)
        response = await handler(request)
        self._add_bucket_headers(request, response)
        self._record(request, response)
        if any(m == request.method and p.search(path) for m, p in self.holds):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.release.wait(), 30)
        return response

    def _record(self, request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
        self.requests.append((request.method, request.path, response.status))
        self.status_counts[response.status] += 1
        self._touch()
        return response

    def _limited(self, retry_after: float, *, is_global: bool) -> web.Response:
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return _json(
            {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": is_global,
            },
            429,
            headers,
        )

    def _bucket_key(self, request: web.Request) -> str:
        info = request.match_info
        major = info.get("cid") or info.get("token") or ""
        route = re.sub(r"\d{6,}", "{id}", request.path)
        return f"{request.method} {route.replace(major, '{major}')}:{major}"

    def _rate_limit(self, request: web.Request) -> web.Response | None:
        now = time.monotonic()
        if self.global_limit and not request.path.startswith("/api/v10/interactions"):
            start, count = self._global
            if now - start >= 1.0:
                start, count = now, 0
            if count >= self.global_limit:
                return self._limited(round(1.0 - (now - start), 3) + 0.001, is_global=True)
            self._global = (start, count + 1)
        if self.bucket_limit and request.method in ("POST", "PATCH"):
            key = self._bucket_key(request)
            start, count = self._buckets.get(key, (now, 0))
            if now - start >= self.bucket_window_s:
                start, count = now, 0
            if count >= self.bucket_limit:
                return self._limited(
                    round(self.bucket_window_s - (now - start), 3) + 0.001, is_global=False
                )
            self._buckets[key] = (start, count + 1)
        return None

    def _add_bucket_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        if not self.bucket_limit or request.method not in ("POST", "PATCH"):
            return
        key = self._bucket_key(request)
        start, count = self._buckets.get(key, (time.monotonic(), 0))
        reset_after = max(0.0, self.bucket_window_s - (time.monotonic() - start))
        response.headers["X-RateLimit-Limit"] = str(self.bucket_limit)
        response.headers["X-RateLimit-Remaining"] = str(max(0, self.bucket_limit - count))
        response.headers["X-RateLimit-Reset-After"] = f"{reset_after:.3f}"
        response.headers["X-RateLimit-Reset"] = f"{time.time() + reset_after:.3f}"
        response.headers["X-RateLimit-Bucket"] = key.split(":")[0].replace(" ", "-")[:32]

    # -- REST handlers -----------------------------------------------------------------------

    async def _stats(self, request: web.Request) -> web.Response:
        # For a benchmark running the server in another process.
        posted = sum(len(self.channel_messages(c)) for c in self.text_channels())
        # First parts of daily digests per channel: more than one is a repeated delivery.
        firsts = [
            sum(bool(_FIRST_DIGEST_PART.match(m["content"])) for m in self.channel_messages(c))
            for c in self.text_channels()
        ]
        return _json(
            {
                "channels_with_digest": sum(1 for n in firsts if n),
                "repeated_digests": sum(n - 1 for n in firsts if n > 1),
                "status_counts": {str(k): v for k, v in self.status_counts.items()},
                "requests": len(self.requests),
                "channel_messages": posted,
                "threads": sum(1 for c in self.channels.values() if c["type"] == 11),
                "violations": self.violations[:20],
            }
        )

    async def _me(self, request: web.Request) -> web.Response:
        return _json(self.bot_user)

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _get_commands(self, request: web.Request) -> web.Response:
        return _json(self.commands)

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(self.app_id),
                "name": "digestbot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.human,
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "rpc_origins": [],
            }
        )

    async def _put_commands(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.commands = []
        for cmd in body:
            record = dict(cmd)
            record.update(
                {
                    "id": str(self.snowflake()),
                    "application_id": str(self.app_id),
                    "version": str(self.snowflake()),
                }
            )
            record.setdefault("type", 1)
            self.commands.append(record)
        return _json(self.commands)

    def _channel_error(self, cid: int) -> web.Response | None:
        if cid in self.deleted or cid not in self.channels:
            return _error(404, 10003, "Unknown Channel")
        if cid in self.forbidden:
            return _error(403, 50013, "Missing Permissions")
        return None

    async def _get_channel(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["cid"])
        return self._channel_error(cid) or _json(self.channels[cid])

    def _check_mentions(self, where: str, payload: dict) -> None:
        mentions = payload.get("allowed_mentions")
        if (
            mentions is None
            or mentions.get("parse") != []
            or mentions.get("users")
            or mentions.get("roles")
            or mentions.get("replied_user")
        ):
            self.violations.append(f"{where}: allowed_mentions={mentions!r}")

    def _make_message(
        self,
        cid: int,
        payload: dict,
        *,
        author: dict | None = None,
        flags: int = 0,
        interaction: InteractionRecord | None = None,
        mentions: list[dict] | None = None,
    ) -> dict:
        mid = self.snowflake()
        channel = self.channels[cid]
        message: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(cid),
            "guild_id": channel.get("guild_id"),
            "author": author or self.bot_user,
            "content": payload.get("content") or "",
            "embeds": payload.get("embeds") or [],
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": mentions or [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "type": 0,
            "flags": flags | (payload.get("flags") or 0),
            "components": [],
        }
        if payload.get("nonce") is not None:
            message["nonce"] = payload["nonce"]
        if payload.get("message_reference"):
            message["message_reference"] = payload["message_reference"]
            message["type"] = 19
        if interaction is not None:
            message["type"] = 20
            message["webhook_id"] = str(self.app_id)
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": 2,
                "user": self.human,
                "authorizing_integration_owners": {},
                "name": interaction.name,
            }
        self.messages[cid].append(message)
        self.message_index[mid] = message
        channel["last_message_id"] = str(mid)
        if channel["type"] == 11:
            channel["message_count"] = channel.get("message_count", 0) + 1
        if not message["flags"] & EPHEMERAL:
            self.dispatch("MESSAGE_CREATE", message)
        self._touch()
        return message

    async def _post_message(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["cid"])
        if (err := self._channel_error(cid)) is not None:
            return err
        payload = await request.json()
        if (errors := validate_message(payload)) is not None:
            return _error(400, 50035, "Invalid Form Body", errors)
        if _is_empty(payload):
            return _error(400, 50006, "Cannot send an empty message")
        self._check_mentions(f"POST /channels/{cid}/messages", payload)
        nonce = payload.get("nonce")
        if nonce is not None and payload.get("enforce_nonce"):
            existing = self.nonces.get((cid, str(nonce)))
            if existing is not None:
                return _json(existing)
        message = self._make_message(cid, payload)
        if nonce is not None:
            self.nonces[(cid, str(nonce))] = message
        return _json(message)

    async def _history(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["cid"])
        if (err := self._channel_error(cid)) is not None:
            return err
        limit = min(100, int(request.query.get("limit", 50)))
        items = self.channel_messages(cid)
        if "after" in request.query:
            after = int(request.query["after"])
            items = [m for m in items if int(m["id"]) > after][:limit]
        else:
            if "before" in request.query:
                before = int(request.query["before"])
                items = [m for m in items if int(m["id"]) < before]
            items = items[-limit:]
        return _json(list(reversed(items)))  # Discord: newest first

    async def _get_message(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["cid"])
        if (err := self._channel_error(cid)) is not None:
            return err
        message = self.message_index.get(int(request.match_info["mid"]))
        if message is None or int(message["channel_id"]) != cid:
            return _error(404, 10008, "Unknown Message")
        return _json(message)

    async def _patch_message(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["cid"])
        message = self.message_index.get(int(request.match_info["mid"]))
        if message is None or int(message["channel_id"]) != cid:
            return _error(404, 10008, "Unknown Message")
        payload = await request.json()
        return self._edit(message, payload, f"PATCH /channels/{cid}/messages")

    def _edit(self, message: dict, payload: dict, where: str) -> web.Response:
        if (errors := validate_message(payload)) is not None:
            return _error(400, 50035, "Invalid Form Body", errors)
        merged = {**message, **{k: payload[k] for k in ("content", "embeds") if k in payload}}
        if _is_empty(merged):
            return _error(400, 50006, "Cannot send an empty message")
        self._check_mentions(where, payload)
        message.update({k: merged[k] for k in ("content", "embeds")})
        if message["content"] is None:
            message["content"] = ""
        message["flags"] &= ~LOADING
        message["edited_timestamp"] = _now_iso()
        self.dispatch("MESSAGE_UPDATE", message)
        self._touch()
        return _json(message)

    async def _create_thread(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["cid"])
        if (err := self._channel_error(cid)) is not None:
            return err
        mid = int(request.match_info["mid"])
        message = self.message_index.get(mid)
        if message is None or int(message["channel_id"]) != cid:
            return _error(404, 10008, "Unknown Message")
        if self.channels[cid]["type"] != 0:
            return _error(400, 50024, "Cannot execute action on this channel type")
        if mid in self.channels:
            return _error(400, 160004, "A thread has already been created for this message")
        payload = await request.json()
        name = payload.get("name") or ""
        if not 1 <= len(name) <= 100:
            return _error(400, 50035, "Invalid Form Body", {"name": _too_long(100)})
        thread = {
            "id": str(mid),
            "type": 11,
            "guild_id": self.channels[cid]["guild_id"],
            "parent_id": str(cid),
            "name": name,
            "owner_id": self.bot_user["id"],
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "locked": False,
                "auto_archive_duration": payload.get("auto_archive_duration", 1440),
                "archive_timestamp": _now_iso(),
            },
        }
        self.channels[mid] = thread
        message["thread"] = thread
        self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        self._touch()
        return _json(thread, 201)

    async def _typing(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["cid"])
        return self._channel_error(cid) or web.Response(status=204)

    # -- interactions ------------------------------------------------------------------------

    async def _callback(self, request: web.Request) -> web.Response:
        if request.query.get("with_response") not in ("1", "true"):
            self.callbacks_without_with_response += 1
        record = self.interactions.get(request.match_info["token"])
        if record is None or str(record.id) != request.match_info["iid"]:
            return _error(404, 10062, "Unknown interaction")
        if time.monotonic() - record.created > INTERACTION_WINDOW_S:
            return _error(404, 10062, "Unknown interaction")
        if record.callbacks:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        body = await request.json()
        kind = body.get("type")
        data = body.get("data") or {}
        record.callbacks.append(body)
        record.callback_times.append(time.monotonic() - record.created)
        answer: dict[str, Any] = {"interaction": {"id": str(record.id), "type": 2}}
        if kind == 4:
            if (errors := validate_message(data)) is not None:
                record.callbacks.clear()
                return _error(400, 50035, "Invalid Form Body", errors)
            if _is_empty(data):
                record.callbacks.clear()
                return _error(400, 50006, "Cannot send an empty message")
            self._check_mentions(f"callback of /{record.name}", data)
            record.original = self._make_message(record.channel_id, data, interaction=record)
            answer["interaction"].update(
                response_message_id=record.original["id"],
                response_message_loading=False,
                response_message_ephemeral=bool(data.get("flags", 0) & EPHEMERAL),
            )
            answer["resource"] = {"type": 4, "message": record.original}
        elif kind == 5:
            flags = LOADING | (data.get("flags") or 0)
            record.original = self._make_message(
                record.channel_id, {"content": ""}, flags=flags, interaction=record
            )
            answer["interaction"].update(
                response_message_id=record.original["id"],
                response_message_loading=True,
                response_message_ephemeral=bool(flags & EPHEMERAL),
            )
            answer["resource"] = {"type": 5, "message": record.original}
        elif kind == 8:
            record.choices = data.get("choices", [])
            if len(record.choices) > 25:
                return _error(400, 50035, "Invalid Form Body", {"choices": _too_long(25)})
        else:
            return _error(400, 50035, "Invalid Form Body", {"type": {"_errors": []}})
        self._touch()
        return _json(answer)

    def _interaction(self, request: web.Request) -> InteractionRecord | None:
        record = self.interactions.get(request.match_info["token"])
        if record is None or request.match_info["app"] != str(self.app_id):
            return None
        return record

    async def _get_original(self, request: web.Request) -> web.Response:
        record = self._interaction(request)
        if record is None or record.original is None:
            return _error(404, 10008, "Unknown Message")
        return _json(record.original)

    async def _patch_original(self, request: web.Request) -> web.Response:
        record = self._interaction(request)
        if record is None or record.original is None:
            return _error(404, 10008, "Unknown Message")
        payload = await request.json()
        return self._edit(record.original, payload, f"edit of /{record.name}'s response")

    async def _delete_original(self, request: web.Request) -> web.Response:
        record = self._interaction(request)
        if record is None or record.original is None:
            return _error(404, 10008, "Unknown Message")
        self.messages[record.channel_id].remove(record.original)
        record.original = None
        return web.Response(status=204)

    async def _followup(self, request: web.Request) -> web.Response:
        record = self._interaction(request)
        if record is None:
            return _error(404, 10015, "Unknown Webhook")
        if not record.callbacks:
            return _error(404, 10015, "Unknown Webhook")  # no response yet: nothing to follow up
        payload = await request.json()
        if (errors := validate_message(payload)) is not None:
            return _error(400, 50035, "Invalid Form Body", errors)
        if _is_empty(payload):
            return _error(400, 50006, "Cannot send an empty message")
        self._check_mentions(f"follow-up of /{record.name}", payload)
        if record.original is not None and record.original["flags"] & LOADING:
            # As Discord does: the first follow-up after a defer replaces "thinking…".
            record.original.update(
                content=payload.get("content") or "", embeds=payload.get("embeds") or []
            )
            record.original["flags"] &= ~LOADING
            self.dispatch("MESSAGE_UPDATE", record.original)
            self._touch()
            return _json(record.original)
        message = self._make_message(record.channel_id, payload, interaction=record)
        record.followups.append(message)
        return _json(message)

    async def _patch_followup(self, request: web.Request) -> web.Response:
        record = self._interaction(request)
        message = self.message_index.get(int(request.match_info["mid"]))
        if record is None or message is None:
            return _error(404, 10008, "Unknown Message")
        payload = await request.json()
        return self._edit(message, payload, f"edit of a follow-up of /{record.name}")

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps(
                {"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None, "t": None}
            )
        )
        identified = False
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                self.heartbeats += 1
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                if payload["d"].get("token") != self.token:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                self.identifies += 1
                identified = True
                shard = payload["d"].get("shard")
                session = f"session-{self.identifies}"
                self.shard_of_socket[ws] = self._shard_of_session[session] = (
                    (int(shard[0]), int(shard[1])) if shard else None
                )
                self.sockets.append(ws)
                await self._send_ready(ws, session)
            elif op == 6:
                self.resumes += 1
                identified = True
                session = str(payload["d"].get("session_id"))
                self.shard_of_socket[ws] = self._shard_of_session.get(session)
                self.sockets.append(ws)
                await self._send(ws, "RESUMED", {})
        if identified and ws in self.sockets:
            self.sockets.remove(ws)
        self.shard_of_socket.pop(ws, None)
        return ws

    def receives(self, ws: web.WebSocketResponse, guild_id: int) -> bool:
        """Whether a guild's events go to this connection: its shard is the guild's."""
        shard = self.shard_of_socket.get(ws)
        return shard is None or (guild_id >> 22) % shard[1] == shard[0]

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict) -> None:
        self.sequence += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self.sequence, "d": data}))

    async def _send_ready(self, ws: web.WebSocketResponse, session: str) -> None:
        guilds = [g for g in self.guilds if self.receives(ws, g)]
        shard = self.shard_of_socket.get(ws)
        await self._send(
            ws,
            "READY",
            {
                "v": 10,
                "user": self.bot_user,
                "session_id": session,
                "resume_gateway_url": self.gateway_url,
                "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
                "application": {"id": str(self.app_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
            }
            | ({"shard": list(shard)} if shard else {}),
        )
        for gid in guilds:
            await self._send(ws, "GUILD_CREATE", self.guild_payload(gid))

    def guild_payload(self, gid: int) -> dict:
        """GUILD_CREATE's data for a guild: channels, active threads and the bot's member."""
        channels = [c for c in self.channels.values() if int(c["guild_id"]) == gid]
        return {
            "id": str(gid),
            "name": self.guilds[gid]["name"],
            "unavailable": False,
            "owner_id": self.human["id"],
            "member_count": 2,
            "large": False,
            "joined_at": _now_iso(),
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                {
                    "id": str(gid),
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [c for c in channels if c["type"] == 0],
            "threads": [c for c in channels if c["type"] == 11],
            "members": [
                {
                    "user": self.bot_user,
                    "roles": [],
                    "joined_at": _now_iso(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "premium_tier": 0,
            "preferred_locale": "en-US",
        }

    def dispatch(self, event: str, data: dict) -> None:
        """Send an event to the identified gateway connections: a guild's to its shard's only."""
        guild_id = data.get("guild_id")
        for ws in list(self.sockets):
            if guild_id is not None and not self.receives(ws, int(guild_id)):
                continue
            if not ws.closed:
                asyncio.get_running_loop().create_task(self._send(ws, event, data))

    async def drop_connections(self) -> None:
        """Close every gateway socket abruptly (the client should RESUME)."""
        for ws in list(self.sockets):
            await ws.close(code=4000, message=b"Unknown error")

    # -- acting as a user --------------------------------------------------------------------

    def interact(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel_id: int,
        subcommand: str | None = None,
        permissions: int = ALL_PERMISSIONS,
        autocomplete: str | None = None,
    ) -> InteractionRecord:
        """Send INTERACTION_CREATE for a synced slash command, as a user would by typing it."""
        command = next((c for c in self.commands if c["name"] == name), None)
        if command is None:
            raise KeyError(f"/{name} is not a synced command: {[c['name'] for c in self.commands]}")
        spec = command.get("options", [])
        if subcommand is not None:
            sub = next(o for o in spec if o["name"] == subcommand and o["type"] == 1)
            spec = sub.get("options", [])
        opts = []
        for key, value in (options or {}).items():
            kind = next(o["type"] for o in spec if o["name"] == key)
            opt = {"name": key, "type": kind, "value": value}
            if autocomplete == key:
                opt["focused"] = True
            opts.append(opt)
        if subcommand is not None:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        channel = self.channels[channel_id]
        gid = int(channel["guild_id"])
        iid = self.snowflake()
        token = f"itoken-{iid}"
        record = InteractionRecord(
            iid,
            token,
            name if subcommand is None else f"{name} {subcommand}",
            channel_id,
            gid,
            time.monotonic(),
        )
        self.interactions[token] = record
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.app_id),
            "type": 4 if autocomplete else 2,
            "data": {
                "id": command["id"],
                "name": name,
                "type": 1,
                "options": opts,
                "guild_id": str(gid),
            },
            "guild_id": str(gid),
            "channel_id": str(channel_id),
            "channel": {k: channel[k] for k in ("id", "type", "guild_id", "name")}
            | (
                {"parent_id": channel["parent_id"], "thread_metadata": channel["thread_metadata"]}
                if channel["type"] == 11
                else {}
            ),
            "member": {
                "user": self.human,
                "roles": [],
                "permissions": str(permissions),
                "joined_at": _now_iso(),
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
            "token": token,
            "version": 1,
            "app_permissions": str(ALL_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(gid)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        self.dispatch("INTERACTION_CREATE", payload)
        return record

    def user_says(self, channel_id: int, content: str, *, mention_bot: bool = True) -> dict:
        """A user's message in a channel or thread, optionally mentioning the bot."""
        text = f"<@{self.bot_user['id']}> {content}" if mention_bot else content
        return self._make_message(
            channel_id,
            {"content": text},
            author=self.human,
            mentions=[self.bot_user] if mention_bot else [],
        )
