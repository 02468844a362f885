"""A hostile feed host: throttling, flaky, truncating, stalling, redirecting, bombing, huge.

The host listens on a second loopback address that the SSRF guard treats as public for the
test (`serve_public`); everything else private, 127.0.0.1 included, stays refused. Each case
ends in a recovered page or one error line naming the URL, and the rest of a `gather` comes
through.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import tracemalloc
import zlib
from collections import Counter
from pathlib import Path

import pytest
from aiohttp import web

from summarizer.config import FetchSettings, Settings, SourcesSettings
from summarizer.errors import FetchError, UnsafeURLError
from summarizer.fetch import MAX_REDIRECTS, fetch
from summarizer.ingest import gather

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
PAGE = (FIXTURES / "page-bare.html").read_bytes()  # a short fictional article page
CAP = 1_000_000  # bytes; a small cap keeps the test fast, the rules are the same as 5 MB
HUGE = 50_000_000  # the 50 MB page
BOMB_INFLATED = 64 << 20  # what the gzip bomb inflates to: 64 times the cap
CHUNK = 64 * 1024
# The guard stays on: only the stand-in public host is let through.
SETTINGS = FetchSettings(timeout_s=1.0, retries=2, backoff_max_s=0.05, max_bytes=CAP)


@functools.cache
def gzip_bomb(inflated: int) -> bytes:
    """A gzip body of zeros: about a thousandth of the size it inflates to."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip framing
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(inflated >> 20)]
    return b"".join([*parts, packer.flush()])


class HostileHost:
    """One app, served on the stand-in public host and on 127.0.0.1 behind the guard."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()  # body bytes a handler managed to hand over
        self.loopback = ""  # base URL of the same app on 127.0.0.1, set once it is served
        self.bomb = gzip_bomb(BOMB_INFLATED)

    def app(self) -> web.Application:
        app = web.Application()
        for path, handler in {
            "/article": self.article,
            "/secret": self.article,
            "/429": self.throttled_once,
            "/429-always": self.throttled,
            "/503-twice": self.unavailable_twice,
            "/cut": self.cut,
            "/cut-once": self.cut_once,
            "/stall": self.stall,
            "/stall-body": self.stall_body,
            "/loop": self.loop,
            "/to-loopback": self.to_loopback,
            "/to-metadata": self.to_metadata,
            "/to-localhost": self.to_localhost,
            "/bomb": self.gzip_bomb,
            "/bad-gzip": self.bad_gzip,
            "/huge": self.huge,
            "/huge-streamed": self.huge,
        }.items():
            app.router.add_get(path, self.counted(handler))
        return app

    def counted(self, handler):
        async def wrapper(request):
            self.hits[request.path] += 1
            return await handler(request)

        return wrapper

    async def article(self, request):
        return web.Response(body=PAGE, content_type="text/html")

    async def throttled_once(self, request):
        if self.hits[request.path] == 1:
            return web.Response(status=429, headers={"Retry-After": "1"})
        return await self.article(request)

    async def throttled(self, request):
        return web.Response(status=429, headers={"Retry-After": "120"})

    async def unavailable_twice(self, request):
        if self.hits[request.path] <= 2:
            return web.Response(status=503)
        return await self.article(request)

    async def cut(self, request):
        """Content-Length promises the whole page; half is sent, then the connection closes."""
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.content_length = len(PAGE)
        await resp.prepare(request)
        await resp.write(PAGE[: len(PAGE) // 2])
        assert request.transport is not None
        request.transport.close()
        return resp

    async def cut_once(self, request):
        if self.hits[request.path] == 1:
            return await self.cut(request)
        return await self.article(request)

    async def stall(self, request):
        await asyncio.sleep(30)
        return await self.article(request)

    async def stall_body(self, request):
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.content_length = len(PAGE)
        await resp.prepare(request)
        await resp.write(PAGE[: len(PAGE) // 2])
        await asyncio.sleep(30)
        return resp

    async def loop(self, request):
        raise web.HTTPFound("/loop")

    async def to_loopback(self, request):
        raise web.HTTPFound(f"{self.loopback}/secret")

    async def to_metadata(self, request):
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    async def to_localhost(self, request):
        port = self.loopback.rsplit(":", 1)[1]
        raise web.HTTPFound(f"http://localhost:{port}/secret")

    async def gzip_bomb(self, request):
        return web.Response(
            body=self.bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"}
        )

    async def bad_gzip(self, request):
        return web.Response(
            body=b"\x1f\x8b\x08\x00not really gzip" * 40,
            headers={"Content-Encoding": "gzip", "Content-Type": "text/html"},
        )

    async def huge(self, request):
        """50 MB of page, announced (/huge) or streamed without a length (/huge-streamed)."""
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        if request.path == "/huge":
            resp.content_length = HUGE
        await resp.prepare(request)
        block = b"<p>" + b"filler " * (CHUNK // 7 - 1) + b"</p>"
        while self.sent[request.path] < HUGE:
            await resp.write(block)
            self.sent[request.path] += len(block)
        await resp.write_eof()
        return resp


@pytest.fixture
async def host(serve, serve_public):
    hostile = HostileHost()
    hostile.loopback = await serve(hostile.app())
    hostile.base = await serve_public(hostile.app())
    return hostile


RECOVERED = {"/429": 2, "/503-twice": 3, "/cut-once": 2}  # path: requests it takes
FAILING = {
    "/429-always": (FetchError, r"HTTP 429 Too Many Requests \(after 3 attempts\)"),
    "/cut": (FetchError, r"body cut off .*\(after 3 attempts\)"),
    "/stall": (FetchError, r"timed out after 1 s \(after 3 attempts\)"),
    "/stall-body": (FetchError, r"timed out after 1 s \(after 3 attempts\)"),
    "/loop": (FetchError, r"more than 10 redirects"),
    "/to-loopback": (UnsafeURLError, r"refusing non-public address 127\.0\.0\.1"),
    "/to-metadata": (UnsafeURLError, r"refusing non-public address 169\.254\.169\.254"),
    "/to-localhost": (UnsafeURLError, r"localhost resolves to non-public address"),
    "/bomb": (FetchError, r"response exceeds the 1000000-byte cap"),
    "/bad-gzip": (FetchError, r"body does not decode as gzip$"),
    "/huge": (FetchError, r"response of 50000000 bytes exceeds the 1000000-byte cap"),
    "/huge-streamed": (FetchError, r"response exceeds the 1000000-byte cap"),
}


@pytest.mark.parametrize(("path", "requests"), RECOVERED.items(), ids=list(RECOVERED))
async def test_recovered(host, offline_session, path, requests):
    """429 with Retry-After, 503 twice, a body cut off once: retried into the whole page."""
    async with offline_session(SETTINGS) as session:
        got = await fetch(host.base + path, SETTINGS, session=session)
    assert got.body == PAGE
    assert host.hits[path] == requests


@pytest.mark.parametrize(("path", "expected"), FAILING.items(), ids=list(FAILING))
async def test_refused_or_failed(host, offline_session, path, expected):
    """Each hostile answer is one error line naming the URL; nothing private is reached."""
    error, reason = expected
    url = host.base + path
    async with offline_session(SETTINGS) as session:
        with pytest.raises(error, match=reason) as info:
            await fetch(url, SETTINGS, session=session)
    message = str(info.value)
    assert message.startswith(url + ": ")
    assert "\n" not in message
    assert host.hits["/secret"] == 0
    # Not worth a retry: the same answer would come again.
    if path == "/loop":
        assert host.hits[path] == MAX_REDIRECTS + 1
    elif path == "/bad-gzip" or error is UnsafeURLError:
        assert host.hits[path] == 1


@pytest.mark.parametrize("path", ["/huge", "/huge-streamed"])
async def test_huge_page_not_read_whole(host, offline_session, path):
    """A 50 MB page is refused while the server is still far from done sending it."""
    async with offline_session(SETTINGS) as session:
        with pytest.raises(FetchError, match="cap"):
            await fetch(host.base + path, SETTINGS, session=session)
    # Had the client read it all, the server would have handed over all 50 MB by now.
    assert host.sent[path] < HUGE // 2


async def test_gzip_bomb_not_inflated_whole(host, offline_session):
    """A gzip bomb is refused at the cap without inflating it: memory stays near the cap."""
    async with offline_session(SETTINGS) as session:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="cap"):
                await fetch(host.base + "/bomb", SETTINGS, session=session)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert len(host.bomb) < CAP // 10  # the bomb itself is small ...
    assert peak < 8 * CAP  # ... and what it inflates to (64 MB) was never held at once


async def test_gather_keeps_the_rest(host, offline_session, caplog):
    """One gather over every hostile URL: the good and recovered pages come through, each
    other URL is one failure line naming it, and nothing logs a traceback."""
    settings = Settings(fetch=SETTINGS, sources=SourcesSettings(max_age_hours=24.0))
    urls = [host.base + p for p in ["/article", *RECOVERED, *FAILING]]
    with caplog.at_level(logging.INFO, logger="summarizer"):
        async with offline_session(SETTINGS) as session:
            articles, failures = await gather(urls, settings, session=session)
    assert sorted(a.origin for a in articles) == sorted(
        host.base + p for p in ["/article", *RECOVERED]
    )
    assert all("Serrel" in a.text for a in articles)
    assert sorted(f.input for f in failures) == sorted(host.base + p for p in FAILING)
    for failure in failures:
        _, reason = FAILING[failure.input.removeprefix(host.base)]
        assert "\n" not in failure.reason
        assert re.search(reason, failure.reason), failure
    ours = [r for r in caplog.records if r.name.startswith("summarizer")]
    assert not [r for r in ours if r.exc_info or r.levelno >= logging.ERROR]
    assert host.hits["/secret"] == 0
