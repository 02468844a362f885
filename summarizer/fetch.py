"""Fetching pages and feeds over HTTP, with retries, a size cap and an SSRF guard.

Stages of one `fetch`:
1. the URL must be http(s); an IP literal host must be public (aiohttp skips the resolver then);
2. the session's resolver refuses hostnames that resolve to non-public addresses, at connect time,
   so redirects and DNS rebinding cannot slip past a check made once up front;
3. redirects are followed by hand so every hop goes through 1 and 2;
4. timeouts, connection errors, 429 and 5xx are retried with exponential backoff and jitter,
   honouring Retry-After; other HTTP errors fail at once;
5. the body is streamed and cut off at `FetchSettings.max_bytes`.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import math
import random
import socket
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urljoin

import aiohttp
import tenacity
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.http_exceptions import ContentEncodingError
from yarl import URL

from .config import FetchSettings
from .dates import as_utc
from .errors import FetchError, UnsafeURLError

__all__ = [
    "Fetched",
    "GuardedResolver",
    "fetch",
    "ip_is_public",
    "make_session",
    "retry_after_seconds",
]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 10  # browsers stop at about 20; news sites need 2 or 3
CHUNK_BYTES = 64 * 1024  # streaming read size; the size cap is checked after each chunk
BACKOFF_INITIAL_S = 0.5  # first retry wait before jitter; doubles each attempt
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,*/*;q=0.8"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# 408 is the server giving up on a slow request: as transient as a 503.
_RETRY_STATUSES = frozenset({408, 429})
# NAT64's well-known prefix embeds an IPv4 address that would be reached through the gateway.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Sessions built by make_session: their resolver already guards every connection.
_GUARDED: weakref.WeakSet[aiohttp.ClientSession] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched response: where it ended up, what it says it is, and the body."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


def ip_is_public(address: str) -> bool:
    """Whether an IP address is globally routable (not loopback, private, link-local, ...).

    IPv4 addresses embedded in IPv6 (IPv4-mapped, 6to4, NAT64) are judged by the IPv4 address.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return ip_is_public(str(embedded))
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


class GuardedResolver(AbstractResolver):
    """A resolver that refuses hosts with any non-public address (checked at connect time)."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve through the inner resolver, then refuse the host if any address is private."""
        results = await self._inner.resolve(host, port, family)
        # One bad address is enough: the connector may try any of them (happy eyeballs).
        for result in results:
            if not ip_is_public(result["host"]):
                raise UnsafeURLError(host, f"resolves to non-public address {result['host']}")
        return results

    async def close(self) -> None:
        """Close the inner resolver."""
        await self._inner.close()


def make_session(
    settings: FetchSettings, *, resolver: AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """A client session whose connections are guarded unless private networks are allowed.

    Args:
        settings: fetch settings (user agent, concurrency, the private-network switch).
        resolver: the DNS resolver to wrap (tests inject one); None uses aiohttp's default.

    Returns:
        A new session; the caller closes it.

    """
    if not settings.allow_private_networks:
        resolver = GuardedResolver(resolver)
    connector = aiohttp.TCPConnector(resolver=resolver, limit=max(1, settings.concurrency))
    session = aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
        # A proxy from the environment would connect for us and bypass the guard.
        trust_env=False,
    )
    if not settings.allow_private_networks:
        _GUARDED.add(session)
    return session


class _Transient(FetchError):
    """A failure worth retrying; carries the server's Retry-After when it sent one."""

    def __init__(self, source: str, reason: str, retry_after: float | None = None) -> None:
        super().__init__(source, reason)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None) -> float | None:
    """How long a server asks to be left alone, from its Retry-After header (RFC 9110 10.2.3).

    The one reading of the header for every HTTP client here (feeds and pages, the generator).

    Args:
        value: the header's value (delay-seconds or an HTTP date), or None when it is absent.

    Returns:
        Seconds to wait, 0 for a date already past; None for an absent or unreadable value
        (a negative or non-finite number too), so the caller falls back to its own backoff.
        A fraction ("1.5") is read as some API servers send it, though the RFC has integers.

    """
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # HTTP dates are GMT; a naive one is still GMT
    return max(0.0, (as_utc(when) - datetime.now(UTC)).total_seconds())


def _check_url(url: str, source: str, settings: FetchSettings) -> URL:
    """Parse a URL and refuse anything but http(s) to a public IP literal or a hostname."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError) as exc:
        raise FetchError(source, f"not a valid URL: {url}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(source, f"only http and https URLs are fetched, not {url}")
    if not settings.allow_private_networks:
        try:
            ipaddress.ip_address(parsed.host.split("%", 1)[0])
        except ValueError:
            return parsed  # a hostname: the resolver judges it
        if not ip_is_public(parsed.host):
            raise UnsafeURLError(source, f"refusing non-public address {parsed.host}")
    return parsed


async def _precheck_host(url: URL, source: str) -> None:
    """Resolve a hostname up front, for sessions not built by make_session (no rebinding cover)."""
    host = url.host or ""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, url.port or 0, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise _Transient(source, f"cannot resolve {host}: {exc}") from exc
    for info in infos:
        address = str(info[4][0])
        if not ip_is_public(address):
            raise UnsafeURLError(source, f"{host} resolves to non-public address {address}")


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether an exception or anything in its chain of causes is of the given kind."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def _read_capped(resp: aiohttp.ClientResponse, source: str, max_bytes: int) -> bytes:
    """Read the body, refusing it as soon as it passes max_bytes (decompressed size counts)."""
    declared = resp.content_length
    if declared is not None and declared > max_bytes:
        raise FetchError(source, f"response of {declared} bytes exceeds the {max_bytes}-byte cap")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in resp.content.iter_chunked(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(source, f"response exceeds the {max_bytes}-byte cap")
            chunks.append(chunk)
    except aiohttp.ClientPayloadError as exc:
        # Said plainly: aiohttp's own message is a nested repr over two lines.
        if _caused_by(exc, ContentEncodingError):
            encoding = resp.headers.get("Content-Encoding", "its Content-Encoding")
            raise FetchError(source, f"body does not decode as {encoding}") from exc
        # The server hung up mid-body: worth another try.
        received = getattr(resp.content, "total_raw_bytes", size)  # older aiohttp lacks it
        of = f" of {declared}" if declared is not None else ""
        raise _Transient(source, f"body cut off after {received}{of} bytes") from exc
    return b"".join(chunks)


async def _fetch_once(url: str, settings: FetchSettings, session: aiohttp.ClientSession) -> Fetched:
    """One attempt: follow redirects by hand, classify the outcome, read the body."""
    guarded = session in _GUARDED or settings.allow_private_networks
    timeout = aiohttp.ClientTimeout(total=settings.timeout_s)
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        target = _check_url(current, url, settings)
        if not guarded:
            await _precheck_host(target, url)
        try:
            async with session.get(target, allow_redirects=False, timeout=timeout) as resp:
                if resp.status in _REDIRECTS and "Location" in resp.headers:
                    current = urljoin(str(resp.url), resp.headers["Location"])
                    continue
                if resp.status in _RETRY_STATUSES or resp.status >= 500:
                    raise _Transient(
                        url,
                        _status_text(resp.status),
                        retry_after_seconds(resp.headers.get("Retry-After")),
                    )
                if resp.status >= 400:
                    raise FetchError(url, _status_text(resp.status))
                body = await _read_capped(resp, url, settings.max_bytes)
                return Fetched(
                    url=url,
                    final_url=str(resp.url),
                    status=resp.status,
                    content_type=resp.content_type,
                    charset=resp.charset,
                    body=body,
                    headers={k: v for k, v in resp.headers.items()},
                )
        except UnsafeURLError as exc:
            if exc.source == url:
                raise
            # Raised by the resolver, which only knows the host: name the URL asked for.
            raise UnsafeURLError(url, f"{exc.source} {exc.reason}") from exc
        except FetchError:
            raise
        except TimeoutError as exc:
            raise _Transient(url, f"timed out after {settings.timeout_s:g} s") from exc
        except aiohttp.InvalidURL as exc:
            raise FetchError(url, f"not a valid URL: {current}") from exc
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            # The guard's refusal surfaces from inside the connector: keep it a refusal.
            cause: BaseException | None = exc
            while cause is not None:
                if isinstance(cause, UnsafeURLError):
                    raise UnsafeURLError(url, f"{cause.source} {cause.reason}") from exc
                cause = cause.__cause__
            raise _Transient(url, f"connection failed: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(url, f"request failed: {exc}") from exc
    raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")


class _Backoff(tenacity.wait.wait_base):
    """Exponential backoff with jitter, or the server's Retry-After, capped at backoff_max_s."""

    def __init__(self, cap_s: float) -> None:
        self._cap_s = cap_s

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, self._cap_s)
        # Jitter spreads out clients that failed together, so they do not retry in lockstep.
        base = BACKOFF_INITIAL_S * 2 ** (retry_state.attempt_number - 1)
        return min(base + random.uniform(0, BACKOFF_INITIAL_S), self._cap_s)


def _log_retry(state: tenacity.RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.info("%s; retrying in %.2f s (attempt %d)", exc, wait, state.attempt_number + 1)


async def fetch(
    url: str, settings: FetchSettings, *, session: aiohttp.ClientSession | None = None
) -> Fetched:
    """Fetch one URL, retrying transient failures.

    Args:
        url: an http or https URL.
        settings: timeout, size cap, retries, backoff cap and the private-network switch.
        session: a session to reuse, best one from `make_session`; None opens and closes one.

    Returns:
        The response, body read in full.

    Raises:
        UnsafeURLError: the URL, a redirect or a DNS answer points at a non-public address.
        FetchError: not http(s), an HTTP error, too large, or still failing after the retries.

    """
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, not {type(url).__name__}")
    own = session is None
    active = session if session is not None else make_session(settings)
    attempts = max(0, settings.retries) + 1
    try:
        retrying = tenacity.AsyncRetrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=tenacity.stop_after_attempt(attempts),
            wait=_Backoff(settings.backoff_max_s),
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await _fetch_once(url, settings, active)
        except _Transient as exc:
            suffix = f" (after {attempts} attempts)" if attempts > 1 else ""
            raise FetchError(url, exc.reason + suffix) from exc
    finally:
        if own:
            await active.close()
    raise AssertionError("unreachable: tenacity either returns or raises")
