"""`python -m bot --console`: the bot's commands typed in a terminal, no Discord, no token.

The console is one channel (id 0) in the same storage file, so feeds added here, digests posted
here and its subscription survive restarts exactly as a Discord channel's do. It runs offline:
`/summarize` also takes files and folders on this machine (in Discord only URLs), and `/tick`
moves a simulated clock to the subscription's next time and posts what falls due.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shlex
from collections.abc import Callable
from typing import TextIO

from summarizer.errors import InputError
from summarizer.filters import FilterError, StoryFilter
from summarizer.models import Digest
from summarizer.render import render_answer, render_digest, render_timeline

from .actions import (
    add_feed,
    answer_about,
    channel_feeds,
    edit_filter,
    parse_inputs,
    publish_digest,
    story_timeline,
    track_post,
)
from .daily import collect_due, next_occurrence, parse_time, parse_zone
from .service import DigestService
from .settings import BotSettings
from .storage import Storage

__all__ = ["CONSOLE_CHANNEL", "Console"]

log = logging.getLogger(__name__)

CONSOLE_CHANNEL = 0  # the console's channel id in storage; Discord ids are never 0

HELP = """Commands (as in Discord):
  /digest [FILTERS]                digest this channel's feeds (or the default feeds)
  /summarize INPUT [INPUT ...]     URLs: one story; files, folders: grouped into stories
  /ask QUESTION                    ask about the latest digest
  /feeds list|add URL|remove URL   this channel's feeds
  /subscribe HH:MM ZONE [FILTERS]  a daily digest here (e.g. /subscribe 08:30 Europe/Paris)
  /subscriptions                   this channel's daily digest and its filters
  /subscriptions edit FILTERS      change them (none clears one)
  /unsubscribe
  /tick                            move the clock to the next daily digest and post it
                                   (a story told before is an update: what is new)
  /story [N | WORDS]               a daily digest story's timeline (default: the first)
  /help    /quit
FILTERS: include:"climate, wildfire" exclude:celebrity include_regex:"flood\\w*" min_outlets:2
  (quoted as in a shell; a phrase: include:'"sea level", flood')"""

_FILTER_OPTIONS = ("include", "exclude", "include_regex", "min_outlets")


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _split(rest: str) -> list[str]:
    """Shell-like words: `include:"climate, wildfire"` is one."""
    try:
        return shlex.split(rest)
    except ValueError as exc:  # shlex's "No closing quotation"
        raise FilterError("command", f"unbalanced quote in {rest!r}") from exc


def _filter_options(words: list[str]) -> tuple[list[str], dict[str, str]]:
    """The words that are not `name:value` filter options, and the options."""
    plain: list[str] = []
    options: dict[str, str] = {}
    for word in words:
        name, colon, value = word.partition(":")
        if colon and name in _FILTER_OPTIONS:
            options[name] = value
        else:
            plain.append(word)
    return plain, options


def _edit(current: StoryFilter, options: dict[str, str]) -> StoryFilter:
    """`edit_filter` with the console's text options (min_outlets is a number)."""
    outlets = options.get("min_outlets")
    if outlets is not None and not outlets.strip().isdigit():
        raise FilterError("min_outlets", f"{outlets!r} is not a whole number")
    return edit_filter(
        current,
        include=options.get("include"),
        exclude=options.get("exclude"),
        include_regex=options.get("include_regex"),
        min_outlets=None if outlets is None else int(outlets),
    )


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Console:
    """Reads commands from `stdin`, writes plain-text replies to `stdout`."""

    def __init__(
        self,
        settings: BotSettings,
        storage: Storage,
        service: DigestService,
        *,
        stdin: TextIO,
        stdout: TextIO,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.settings = settings
        self.storage = storage
        self.service = service
        self.stdin = stdin
        self.stdout = stdout
        self.clock = clock
        self.skew = dt.timedelta(0)  # how far /tick has moved the simulated clock ahead

    def now(self) -> dt.datetime:
        """The console's clock: the real one, moved ahead by every /tick."""
        return self.clock() + self.skew

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
                self.say("error: something went wrong (run with -v to see the log)")

    async def handle(self, line: str) -> None:
        """Run one command line."""
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        if command == "/help":
            self.say(HELP)
        elif command == "/digest":
            extra, options = _filter_options(_split(rest))
            if extra:
                raise InputError(extra[0], "not a filter: give include:, exclude:, ...")
            # Checked before the digest is built: a bad filter costs nothing.
            story_filter = _edit(StoryFilter(), options)
            feeds = await channel_feeds(self.storage, self.settings, CONSOLE_CHANNEL)
            await self._post(await self.service.digest(feeds), story_filter=story_filter)
        elif command == "/summarize":
            # The console's user owns this machine: its files and folders are fair inputs.
            inputs = parse_inputs(" ".join(shlex.split(rest)), local_paths=True)
            if all(_is_url(i) for i in inputs):
                await self._post(await self.service.summarize(inputs))
            else:
                # A folder holds several stories: grouped, as `python -m summarizer digest` does.
                await self._post(await self.service.digest(inputs))
        elif command == "/ask":
            await self._ask(rest)
        elif command == "/feeds":
            await self._feeds(rest)
        elif command == "/subscribe":
            await self._subscribe(rest)
        elif command == "/subscriptions":
            await self._subscriptions(rest)
        elif command == "/unsubscribe":
            removed = await self.storage.unsubscribe(CONSOLE_CHANNEL)
            self.say("Unsubscribed." if removed else "There is no daily digest here to stop.")
        elif command == "/tick":
            await self._tick()
        elif command == "/story":
            days = await story_timeline(self.storage, CONSOLE_CHANNEL, rest or None, now=self.now())
            self.say(render_timeline([d.story for d in days], dates=[d.last_seen for d in days]))
        else:
            self.say(f"unknown command {command!r}; type /help")

    async def _post(
        self,
        digest: Digest,
        *,
        title: str | None = None,
        story_filter: StoryFilter | None = None,
        track: bool = False,
    ) -> int:
        post_id, digest = await publish_digest(
            self.storage, CONSOLE_CHANNEL, None, digest, now=self.now(), story_filter=story_filter
        )
        if track:
            # A daily digest: stories told here before are updates, as in Discord.
            posted = await self.storage.post(post_id)
            assert posted is not None
            digest = await track_post(
                self.storage,
                self.service,
                post_id,
                CONSOLE_CHANNEL,
                posted.digest_id,
                digest,
                shown=posted.shown,
                now=self.now(),
            )
        # The console has no messages; the post's own id stands in, so /ask finds it.
        await self.storage.set_post_messages(post_id, [post_id])
        if track:
            await self.storage.set_telling_messages(post_id, [post_id] * len(digest.stories))
        blocks = [title] if title else []
        blocks.append(render_digest(digest))
        if digest.unreadable:
            blocks.append("Could not read:\n" + "\n".join(f"  {f}" for f in digest.unreadable))
        if digest.left_out:
            blocks.append("Left out:\n" + "\n".join(f"  {f}" for f in digest.left_out))
        if digest.why_empty:
            blocks.append(f"note: no stories: {digest.why_empty}")
        elif digest.filtered_out:
            blocks.append(f"note: the filters left out {digest.filtered_out} of the stories")
        self.say("\n\n".join(blocks))
        return post_id

    async def _ask(self, question: str) -> None:
        posted = await self.storage.latest_post(CONSOLE_CHANNEL)
        if posted is None:
            self.say("No digest yet: run /digest or /summarize first, then ask.")
            return
        answer, sources = await answer_about(
            self.storage,
            self.service,
            posted,
            question,
            history_turns=self.settings.qa.history_turns,
            now=self.now(),
        )
        self.say(render_answer(answer, sources))

    async def _feeds(self, rest: str) -> None:
        action, _, url = rest.partition(" ")
        url = url.strip()
        if action == "list" or not action:
            feeds = await self.storage.feeds(CONSOLE_CHANNEL)
            if feeds:
                self.say("\n".join(f"  {u}  {t or ''}" for u, t in feeds))
            else:
                defaults = "\n".join(f"  {u}" for u in self.settings.sources.feeds)
                self.say(f"No feeds of its own: the default feeds are used.\n{defaults}")
        elif action == "add":
            info = await add_feed(self.storage, self.service, CONSOLE_CHANNEL, url, now=self.now())
            self.say(f"Added {info.title or info.url} ({info.items} items now).")
        elif action == "remove":
            removed = await self.storage.remove_feed(CONSOLE_CHANNEL, url)
            self.say("Removed." if removed else "Not one of this channel's feeds.")
        else:
            self.say("usage: /feeds list | /feeds add URL | /feeds remove URL")

    async def _subscribe(self, rest: str) -> None:
        words, options = _filter_options(_split(rest))
        when = words[0] if words else ""
        local_time = parse_time(when)
        zone = parse_zone(words[1] if len(words) > 1 else "UTC")
        story_filter = None
        if options:
            current = await self.storage.subscription(CONSOLE_CHANNEL)
            story_filter = _edit(current.story_filter if current else StoryFilter(), options)
        now = self.now()
        sub = await self.storage.subscribe(
            CONSOLE_CHANNEL, None, local_time, zone, now=now, story_filter=story_filter
        )
        upcoming = next_occurrence(sub, now).astimezone(sub.zone)
        self.say(
            f"Subscribed: a digest here every day at {local_time:%H:%M} ({zone}). "
            f"Next one: {upcoming:%Y-%m-%d %H:%M %Z}; /tick moves the clock there.\n"
            f"Filters: {sub.story_filter.describe()}."
        )

    async def _subscriptions(self, rest: str) -> None:
        """Show the console's subscription and filters, or (`edit ...`) change the filters."""
        words, options = _filter_options(_split(rest))
        sub = await self.storage.subscription(CONSOLE_CHANNEL)
        if sub is None:
            self.say("No daily digest here: /subscribe HH:MM ZONE first.")
            return
        if words[:1] == ["edit"] and len(words) == 1 and options:
            sub = await self.storage.set_filter(CONSOLE_CHANNEL, _edit(sub.story_filter, options))
            assert sub is not None
        elif words or options:
            self.say("usage: /subscriptions | /subscriptions edit include:... exclude:... ...")
            return
        upcoming = next_occurrence(sub, self.now()).astimezone(sub.zone)
        self.say(
            f"Daily digest here at {sub.local_time:%H:%M} ({sub.tz}), next "
            f"{upcoming:%Y-%m-%d %H:%M %Z}.\nFilters: {sub.story_filter.describe()}."
        )

    async def _tick(self) -> None:
        """Post what is due now, else move the clock to the next daily digest and post that."""
        sub = await self.storage.subscription(CONSOLE_CHANNEL)
        if sub is None:
            self.say("No daily digest here: /subscribe HH:MM ZONE first.")
            return
        catch_up = dt.timedelta(hours=self.settings.discord.catch_up_hours)
        only = frozenset({CONSOLE_CHANNEL})
        due = await collect_due(self.storage, self.now(), catch_up=catch_up, channel_ids=only)
        if not due:
            now = self.now()
            self.skew += next_occurrence(sub, now) - now
            due = await collect_due(self.storage, self.now(), catch_up=catch_up, channel_ids=only)
        for item in due:
            feeds = await channel_feeds(self.storage, self.settings, CONSOLE_CHANNEL)
            digest = await self.service.digest(feeds)
            title = f"Daily digest for {item.local_date:%A %d %B %Y} (clock: {item.at:%H:%M} UTC)"
            post_id = await self._post(
                digest, title=title, story_filter=sub.story_filter, track=True
            )
            await self.storage.record_intent(
                CONSOLE_CHANNEL, item.local_date, post_id, now=self.now()
            )
            await self.storage.record_sent(
                CONSOLE_CHANNEL, item.local_date, post_id, now=self.now()
            )
