"""`python -m bot [--config config.toml] [--console | --health] [-v] [--version]`.

The bot; or its console; or the deployment's health report (bot/health.py), read from the
database.

Exit status: 0 stopped normally (or healthy); 1 Discord or the database could not be reached
(one line says where and why); 2 bad usage, config, token or database credentials; 3 (with
--health) a delivery is late or a shard is not connected.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import importlib.metadata
import logging
import os
import sys
import tomllib
from pathlib import Path

from summarizer.errors import ConfigError

from .db import DatabaseUnavailable
from .settings import BotSettings, check_shards, load_bot_settings

log = logging.getLogger("bot")

DEFAULT_CONFIG = "config.toml"
EXIT_OK = 0
EXIT_UNREACHABLE = 1
EXIT_USAGE = 2
EXIT_UNHEALTHY = 3
_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _version() -> str:
    """The installed newsdigest's version, else the one in this checkout's pyproject.toml."""
    try:
        return importlib.metadata.version("newsdigest")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        return str(tomllib.loads(_PYPROJECT.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Post cited news digests to Discord."
    )
    parser.add_argument(
        "--config",
        help=f"settings file (default: {DEFAULT_CONFIG} when present, else built-in defaults)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--console", action="store_true", help="type the commands in this terminal, no Discord"
    )
    mode.add_argument(
        "--health",
        action="store_true",
        help="print the deployment's health from the database (shards connected, deliveries "
        "due/late/failed, last build; with --shards, for those shards only); exit status 3 "
        "when a delivery is late or a shard is down",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="-v: what the bot does (INFO; the console is quiet without it), -vv: debug",
    )
    parser.add_argument(
        "--shards",
        metavar="IDS",
        help="the shards this process runs, e.g. 0,1 (with --shard-count; default: every one); "
        "with --health, the shards reported on",
    )
    parser.add_argument(
        "--shard-count",
        type=int,
        metavar="N",
        help="how many shards the bot has in all, across its processes",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s (newsdigest) {_version()}",
    )
    return parser.parse_args(argv)


def _settings(path: str | None) -> BotSettings:
    if path is None and Path(DEFAULT_CONFIG).is_file():
        path = DEFAULT_CONFIG
    return load_bot_settings(path)


async def _run_bot(settings: BotSettings, token: str) -> None:
    from .bot import apply_endpoints, make_bot
    from .service import PipelineService
    from .storage import Storage

    apply_endpoints(settings.discord)
    storage = await Storage.open(settings.storage.target)
    service = PipelineService(settings)
    bot = make_bot(settings, storage, service)
    try:
        async with contextlib.AsyncExitStack() as stack:
            if settings.health.port:
                from .health import serve_health

                await stack.enter_async_context(serve_health(storage, settings, clock=bot.now))
            async with bot:
                await bot.start(token)
    finally:
        await service.close()
        await storage.close()


async def _health(settings: BotSettings) -> int:
    from datetime import UTC, datetime

    from .health import health_report
    from .storage import Storage

    # Read only: a probe neither creates a missing file nor migrates an older database.
    storage = await Storage.open(settings.storage.target, migrate=False)
    try:
        # --shards (or [discord] shards) narrows the report to those shards and their guilds.
        report = await health_report(
            storage, settings, now=datetime.now(UTC), shards=settings.discord.shard_ids
        )
    finally:
        await storage.close()
    sys.stdout.write("\n".join(report.lines()) + "\n")
    return EXIT_OK if report.healthy else EXIT_UNHEALTHY


async def _run_console(settings: BotSettings) -> None:
    from .console import Console
    from .service import PipelineService
    from .storage import Storage

    storage = await Storage.open(settings.storage.target)
    service = PipelineService(settings)
    try:
        await Console(settings, storage, service, stdin=sys.stdin, stdout=sys.stdout).run()
    finally:
        await service.close()
        await storage.close()


def main(argv: list[str] | None = None) -> int:
    """Run the bot (or the console, or the health report); the exit status."""
    args = _parse(argv)
    # The console is a terminal conversation: progress logs would bury the replies. The bot is
    # a service whose log is where its operator looks.
    quiet = logging.WARNING if args.console or args.health else logging.INFO
    level = {0: quiet, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # discord.py's INFO is chatty (every gateway session); ours says what matters.
    logging.getLogger("discord").setLevel(logging.DEBUG if args.verbose > 1 else logging.WARNING)
    try:
        settings = _settings(args.config)
    except ConfigError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    if args.shards is not None or args.shard_count is not None:
        discord_settings = dataclasses.replace(
            settings.discord,
            shards=settings.discord.shards if args.shards is None else args.shards,
            shard_count=(
                settings.discord.shard_count if args.shard_count is None else args.shard_count
            ),
        )
        try:
            if discord_settings.shard_count < 0:
                raise ValueError("the shard count must be at least 0 (0: unsharded)")
            check_shards(discord_settings)
        except ValueError as exc:
            sys.stderr.write(f"error: --shards/--shard-count: {exc}\n")
            return EXIT_USAGE
        settings = dataclasses.replace(settings, discord=discord_settings)
    try:
        return _run(args, settings)
    except DatabaseUnavailable as exc:
        # Unreachable, refused credentials, a file that is no database: one line, no traceback.
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_UNREACHABLE if exc.unreachable else EXIT_USAGE
    except KeyboardInterrupt:
        log.info("stopped")
    return EXIT_OK


def _run(args: argparse.Namespace, settings: BotSettings) -> int:
    """The console, the health report, or the bot until it stops; the exit status."""
    if args.console:
        asyncio.run(_run_console(settings))
        return 0
    if args.health:
        return asyncio.run(_health(settings))
    name = settings.discord.token_env
    token = os.environ.get(name, "").strip()
    if not token:
        sys.stderr.write(
            f"error: no bot token: set the environment variable {name} "
            f"(export {name}=<token from the Discord developer portal>), "
            "or try the bot offline with --console\n"
        )
        return EXIT_USAGE
    import aiohttp
    import discord

    from .health import HealthUnavailable

    try:
        asyncio.run(_run_bot(settings, token))
    except HealthUnavailable as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    except discord.LoginFailure:
        sys.stderr.write(f"error: Discord refused the token in {name}\n")
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        sys.stderr.write("error: enable the requested intents in the developer portal\n")
        return EXIT_USAGE
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound, OSError) as exc:
        # No network, DNS failing, a firewall: nothing the bot can do; say so once.
        reason = str(exc) or type(exc).__name__
        sys.stderr.write(
            f"error: Discord could not be reached at {settings.discord.api_base} ({reason}); "
            "check the network, or try the bot offline with --console\n"
        )
        return EXIT_UNREACHABLE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
