"""Shared pytest fixtures: loopback HTTP servers (no test touches the network)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

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
