"""A small fictional news site on 127.0.0.1: fixtures/feed.xml dated now, fixtures/pages/.

Shared by the end-to-end pipeline tests and bench/bot_load.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

FIXTURES = Path(__file__).parent / "fixtures"


async def start_news_site() -> tuple[web.AppRunner, str]:
    """Serve the feed (at /feed.xml and /feedN.xml) and its pages; returns (runner, base URL)."""
    base = ""

    async def feed(request: web.Request) -> web.Response:
        now = datetime.now(UTC)
        body = (
            (FIXTURES / "feed.xml")
            .read_text(encoding="utf-8")
            .format(
                base=base,
                recent=format_datetime(now - timedelta(hours=2)),
                old=format_datetime(now - timedelta(days=3)),
            )
        )
        return web.Response(text=body, content_type="application/rss+xml")

    async def page(request: web.Request) -> web.Response:
        path = FIXTURES / "pages" / request.match_info["name"]
        if not path.is_file():
            raise web.HTTPNotFound()
        return web.Response(text=path.read_text(encoding="utf-8"), content_type="text/html")

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    app.router.add_get("/feed{k}.xml", feed)
    app.router.add_get("/pages/{name}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    return runner, base
