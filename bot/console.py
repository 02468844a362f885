"""`python -m bot --console`: the bot's commands typed in a terminal, no Discord, no token.

The console is one channel (id 0) in the same storage file, so feeds added here and digests
posted here survive restarts exactly as a Discord channel's do.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from datetime import UTC, datetime
from typing import TextIO

from summarizer.config import Settings
from summarizer.errors import InputError

from .exts._render import render_digest_text
from .exts.ask import answer_about
from .exts.sources import normalise_feed_url
from .service import DigestService
from .storage import Storage

__all__ = ["CONSOLE_CHANNEL", "Console"]

log = logging.getLogger(__name__)

CONSOLE_CHANNEL = 0  # the console's channel id in storage; Discord ids are never 0

HELP = """Commands (as in Discord):
  /digest                      digest this channel's feeds (or the default feeds)
  /summarize URL [URL ...]     fuse the articles at these URLs into one story
  /ask QUESTION                ask about the latest digest
  /sources list|add URL|remove URL
  /help    /quit"""


class Console:
    """Reads commands from `stdin`, writes plain-text replies to `stdout`."""

    def __init__(
        self,
        settings: Settings,
        storage: Storage,
        service: DigestService,
        *,
        stdin: TextIO,
        stdout: TextIO,
    ) -> None:
        self.settings = settings
        self.storage = storage
        self.service = service
        self.stdin = stdin
        self.stdout = stdout

    def say(self, text: str) -> None:
        """Write a reply."""
        self.stdout.write(text.rstrip() + "\n")
        self.stdout.flush()

    async def run(self) -> None:
        """Read and run commands until /quit or end of input."""
        self.say("newsdigest console: type /help for the commands, /quit to leave.")
        while True:
            self.stdout.write("> ")
            self.stdout.flush()
            # A blocking read belongs off the loop, like any other blocking call.
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            if line in ("/quit", "/exit", "quit", "exit"):
                break
            try:
                await self.handle(line)
            except InputError as exc:
                self.say(f"error: {exc}")
            except Exception:
                log.exception("console command failed: %s", line)
                self.say("error: something went wrong (see the log)")

    async def handle(self, line: str) -> None:
        """Run one command line."""
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        if command == "/help":
            self.say(HELP)
        elif command == "/digest":
            feeds = [u for u, _ in await self.storage.sources(CONSOLE_CHANNEL)]
            digest = await self.service.digest(feeds or list(self.settings.sources.feeds))
            await self._post(digest)
        elif command == "/summarize":
            urls = shlex.split(rest)
            if not urls or not all(u.startswith(("http://", "https://")) for u in urls):
                raise InputError("urls", "give one or more http(s) URLs separated by spaces")
            await self._post(await self.service.summarize(urls))
        elif command == "/ask":
            posted = await self.storage.latest_digest(CONSOLE_CHANNEL)
            if posted is None:
                self.say("No digest yet: run /digest first, then ask.")
                return
            answer, sources = await answer_about(
                self.storage,
                self.service,
                posted,
                rest,
                history_turns=self.settings.qa.history_turns,
                now=datetime.now(UTC),
            )
            by_id = {s.id: s for s in sources}
            text = answer.text.strip() or "The sources of this digest don't say."
            lines = [text]
            for source_id in dict.fromkeys(answer.citations):
                if source_id in by_id:
                    s = by_id[source_id]
                    lines.append(
                        f"  [{s.id}] {s.title or 'untitled'} ({s.outlet or '?'}) {s.url or ''}"
                    )
            self.say("\n".join(lines))
        elif command == "/sources":
            await self._sources(rest)
        elif command in ("/subscribe", "/unsubscribe"):
            self.say(f"{command} posts to a Discord channel; it is not available in the console.")
        else:
            self.say(f"unknown command {command!r}; type /help")

    async def _post(self, digest: object) -> None:
        from summarizer.models import Digest

        assert isinstance(digest, Digest)
        digest_id = await self.storage.add_digest(
            CONSOLE_CHANNEL, None, digest, now=datetime.now(UTC)
        )
        # The console has no messages; the digest's own id stands in, so /ask finds it.
        await self.storage.set_digest_messages(digest_id, [digest_id])
        self.say(render_digest_text(digest))

    async def _sources(self, rest: str) -> None:
        action, _, url = rest.partition(" ")
        url = url.strip()
        if action == "list" or not action:
            feeds = await self.storage.sources(CONSOLE_CHANNEL)
            if feeds:
                self.say("\n".join(f"  {u}  {t or ''}" for u, t in feeds))
            else:
                defaults = "\n".join(f"  {u}" for u in self.settings.sources.feeds)
                self.say(f"No feeds of its own: the default feeds are used.\n{defaults}")
        elif action == "add":
            feed_url = normalise_feed_url(url)
            info = await self.service.check_feed(feed_url)
            await self.storage.add_source(
                CONSOLE_CHANNEL, feed_url, title=info.title, now=datetime.now(UTC)
            )
            self.say(f"Added {info.title or feed_url} ({info.items} items now).")
        elif action == "remove":
            removed = await self.storage.remove_source(CONSOLE_CHANNEL, url)
            self.say("Removed." if removed else "Not one of this channel's feeds.")
        else:
            self.say("usage: /sources list | /sources add URL | /sources remove URL")
