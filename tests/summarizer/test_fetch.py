"""Fetching: retries, timeouts, HTTP errors, size cap, redirects and the SSRF guard."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver

from summarizer import fetch as fetch_mod
from summarizer.config import FetchSettings
from summarizer.errors import FetchError, UnsafeURLError
from summarizer.fetch import fetch, ip_is_public, make_session, retry_after_seconds

# Loopback tests must reach 127.0.0.1; waits stay tiny.
LOCAL = FetchSettings(timeout_s=2.0, retries=2, backoff_max_s=0.05, allow_private_networks=True)
GUARDED = FetchSettings(timeout_s=2.0, retries=0, backoff_max_s=0.05)


class MapResolver(AbstractResolver):
    """A fake DNS: fixed answers per host name, no network."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    async def resolve(self, host, port=0, family=socket.AF_INET):
        ip = self.table[host]
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [{"hostname": host, "host": ip, "port": port, "family": fam, "proto": 0, "flags": 0}]

    async def close(self):
        return None


def counting_app(responses):
    """An app whose / answers with the given response factories in turn (the last repeats)."""
    hits = {"n": 0}

    async def handler(request):
        i = min(hits["n"], len(responses) - 1)
        hits["n"] += 1
        return responses[i]()

    app = web.Application()
    app.router.add_get("/", handler)
    return app, hits


async def test_fetch_ok(serve):
    """A plain 200 comes back with body, type, charset and final URL."""
    app, _ = counting_app(
        [lambda: web.Response(text="<p>héllo</p>", content_type="text/html", charset="utf-8")]
    )
    base = await serve(app)
    got = await fetch(base + "/", LOCAL)
    assert got.status == 200
    assert got.body == "<p>héllo</p>".encode()
    assert got.content_type == "text/html"
    assert got.charset == "utf-8"
    assert got.final_url == base + "/"
    assert got.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "retry_after",
    ["0", format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)],
    ids=["seconds", "http-date"],
)
async def test_429_with_retry_after_then_success(serve, retry_after):
    """429 with Retry-After (seconds or date, capped at backoff_max_s) is retried."""
    app, hits = counting_app(
        [lambda: web.Response(status=429, headers={"Retry-After": retry_after}), web.Response]
    )
    base = await serve(app)
    start = time.monotonic()
    got = await fetch(base + "/", LOCAL)
    assert got.status == 200
    assert hits["n"] == 2
    assert time.monotonic() - start < 2.0  # an hour-long Retry-After was capped


async def test_5xx_until_failure(serve):
    """Persistent 500s are retried `retries` times, then fail naming the status."""
    app, hits = counting_app([lambda: web.Response(status=500)])
    base = await serve(app)
    with pytest.raises(FetchError) as info:
        await fetch(base + "/", LOCAL)
    assert hits["n"] == LOCAL.retries + 1
    assert str(info.value) == f"{base}/: HTTP 500 Internal Server Error (after 3 attempts)"


async def test_503_then_success(serve):
    """A transient 503 followed by a 200 succeeds."""
    app, hits = counting_app([lambda: web.Response(status=503), web.Response])
    base = await serve(app)
    assert (await fetch(base + "/", LOCAL)).status == 200
    assert hits["n"] == 2


async def test_404_fails_at_once(serve):
    """404 is not retried and says what happened."""
    app, hits = counting_app([lambda: web.Response(status=404)])
    base = await serve(app)
    with pytest.raises(FetchError) as info:
        await fetch(base + "/", LOCAL)
    assert hits["n"] == 1
    assert str(info.value) == f"{base}/: HTTP 404 Not Found"


async def test_timeout(serve):
    """A server slower than timeout_s fails with a timeout after the retries."""

    async def slow(request):
        await asyncio.sleep(1.0)
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/", slow)
    base = await serve(app)
    settings = FetchSettings(
        timeout_s=0.1, retries=1, backoff_max_s=0.01, allow_private_networks=True
    )
    with pytest.raises(FetchError, match=r"timed out after 0\.1 s"):
        await fetch(base + "/", settings)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
async def test_size_cap(serve, chunked):
    """Bodies over max_bytes are refused, whether or not Content-Length announces them."""

    async def big(request):
        if not chunked:
            return web.Response(body=b"x" * 50_000)
        resp = web.StreamResponse()
        await resp.prepare(request)
        for _ in range(50):
            await resp.write(b"x" * 1000)
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_get("/", big)
    base = await serve(app)
    settings = FetchSettings(max_bytes=10_000, allow_private_networks=True, retries=0)
    with pytest.raises(FetchError, match="10000-byte cap") as info:
        await fetch(base + "/", settings)
    assert str(info.value).startswith(base)


async def test_redirects_followed(serve):
    """Redirect chains are followed; final_url is the last hop."""

    def redirect(cls, to):
        async def handler(request):
            raise cls(to)

        return handler

    async def done(request):
        return web.Response(text="done")

    app = web.Application()
    app.router.add_get("/a", redirect(web.HTTPFound, "/b"))
    app.router.add_get("/b", redirect(web.HTTPMovedPermanently, "/c"))
    app.router.add_get("/c", done)
    app.router.add_get("/loop", redirect(web.HTTPFound, "/loop"))
    base = await serve(app)
    got = await fetch(base + "/a", LOCAL)
    assert got.body == b"done"
    assert got.url == base + "/a"
    assert got.final_url == base + "/c"
    with pytest.raises(FetchError, match="redirects"):
        await fetch(base + "/loop", LOCAL)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "not a url"])
async def test_only_http(url):
    """Other schemes are refused before any connection."""
    with pytest.raises(FetchError, match="only http and https"):
        await fetch(url, GUARDED)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
async def test_default_refuses_private_literals(url):
    """The default settings refuse private IP literals."""
    with pytest.raises(UnsafeURLError):
        await fetch(url, GUARDED)


@pytest.mark.parametrize(
    "address", ["10.0.0.5", "169.254.1.1", "::1", "::ffff:10.0.0.1", "fc00::1", "192.168.1.1"]
)
async def test_guard_checks_resolved_addresses(address):
    """A hostname resolving to a private address is refused at connect time."""
    session = make_session(GUARDED, resolver=MapResolver({"sneaky.test": address}))
    async with session:
        with pytest.raises(UnsafeURLError) as info:
            await fetch("http://sneaky.test/", GUARDED, session=session)
    assert str(info.value) == (
        f"http://sneaky.test/: sneaky.test resolves to non-public address {address}"
    )


async def test_redirect_to_private_host_refused(serve, monkeypatch):
    """A public host redirecting to a private one is refused at the second hop."""
    # Pretend the loopback test server is public, so only the redirect target is private.
    real = ip_is_public
    monkeypatch.setattr(fetch_mod, "ip_is_public", lambda ip: ip == "127.0.0.1" or real(ip))

    async def ok(request):
        return web.Response(text="fine")

    async def by_name(request):
        raise web.HTTPFound(f"http://intranet.test:{request.url.port}/")

    async def by_ip(request):
        raise web.HTTPFound("http://10.0.0.7/admin")

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/by-name", by_name)
    app.router.add_get("/by-ip", by_ip)
    base = await serve(app)
    port = base.rsplit(":", 1)[1]
    resolver = MapResolver({"news.test": "127.0.0.1", "intranet.test": "10.0.0.7"})
    session = make_session(GUARDED, resolver=resolver)
    async with session:
        assert (await fetch(f"http://news.test:{port}/ok", GUARDED, session=session)).body
        with pytest.raises(UnsafeURLError, match=r"10\.0\.0\.7"):
            await fetch(f"http://news.test:{port}/by-name", GUARDED, session=session)
        with pytest.raises(UnsafeURLError, match=r"10\.0\.0\.7"):
            await fetch(f"http://news.test:{port}/by-ip", GUARDED, session=session)


async def test_foreign_session_is_prechecked(serve):
    """A session not built by make_session still gets the hostname checked up front."""
    app, hits = counting_app([web.Response])
    base = await serve(app)
    port = base.rsplit(":", 1)[1]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(UnsafeURLError):
            await fetch(f"http://localhost:{port}/", GUARDED, session=session)
    assert hits["n"] == 0


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fd12:3456::1", False),
        ("ff02::1", False),
        ("::ffff:192.168.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("2002:c0a8:0001::1", False),
        ("64:ff9b::a00:1", False),
        ("not-an-ip", False),
    ],
)
def test_ip_is_public(address, public):
    """Public addresses pass; every private, local or special range fails."""
    assert ip_is_public(address) is public


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("7", 7.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),  # some API servers send fractions
        ("0", 0.0),
        ("-3", None),
        ("nan", None),
        ("inf", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a past date: go now
    ],
)
def test_retry_after_parsing(header, expected):
    """Retry-After: seconds, a past HTTP date (0), or nothing usable (None: own backoff)."""
    assert retry_after_seconds(header) == expected


def test_retry_after_future_date():
    """A future HTTP date gives the seconds until then."""
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    assert 100 < retry_after_seconds(when) <= 120
