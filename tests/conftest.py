"""Shared pytest fixtures: loopback HTTP servers (no test touches the network)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver

Serve = Callable[[web.Application], Awaitable[str]]

# A second loopback address that stands in for a public host: the SSRF guard is opened for it
# alone, so 127.0.0.1, 169.254.169.254 and every other private address stay refused.
PUBLIC_HOST = "127.0.0.2"


async def _start(
    app: web.Application, host: str, runners: list[web.AppRunner], **options: object
) -> str:
    runner = web.AppRunner(app, **options)
    await runner.setup()
    runners.append(runner)
    await web.TCPSite(runner, host, 0).start()
    port = runner.addresses[0][1]
    return f"http://{host}:{port}"


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start aiohttp apps on 127.0.0.1 (random port); returns the base URL, stops them after."""
    runners: list[web.AppRunner] = []
    yield lambda app: _start(app, "127.0.0.1", runners)
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def serve_public(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Serve]:
    """Start aiohttp apps on PUBLIC_HOST, which the SSRF guard treats as public for this test.

    Fetch with the guard on (`allow_private_networks=False`): a redirect or DNS answer pointing
    at 127.0.0.1 or any other private address is still refused. Skips where the address cannot
    be bound (only Linux routes all of 127.0.0.0/8 to the loopback interface).
    """
    from summarizer import fetch as fetch_mod

    real = fetch_mod.ip_is_public
    monkeypatch.setattr(fetch_mod, "ip_is_public", lambda ip: ip == PUBLIC_HOST or real(ip))
    runners: list[web.AppRunner] = []

    async def start(app: web.Application) -> str:
        try:
            # Handlers stop when their client hangs up: a stalling one cannot hold up teardown.
            return await _start(
                app, PUBLIC_HOST, runners, handler_cancellation=True, shutdown_timeout=1.0
            )
        except OSError as exc:
            pytest.skip(f"cannot listen on {PUBLIC_HOST} here: {exc}")

    yield start
    for runner in runners:
        await runner.cleanup()


class OfflineResolver(AbstractResolver):
    """DNS without a network: localhost is 127.0.0.1, every other name fails at once."""

    async def resolve(self, host, port=0, family=socket.AF_INET):
        if host != "localhost":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (offline test)")
        return [
            {"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET,
             "proto": 0, "flags": 0}
        ]  # fmt: skip

    async def close(self):
        return None


@pytest.fixture
async def offline_session() -> AsyncIterator[Callable[..., aiohttp.ClientSession]]:
    """Build `fetch.make_session` sessions over OfflineResolver (the guard as configured)."""
    from summarizer.fetch import make_session

    sessions: list[aiohttp.ClientSession] = []

    def build(settings) -> aiohttp.ClientSession:
        sessions.append(make_session(settings, resolver=OfflineResolver()))
        return sessions[-1]

    yield build
    for session in sessions:
        await session.close()
