"""`python -m bot [--config config.toml] [--console]`: run the Discord bot, or its console."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from summarizer.config import Settings, load_settings
from summarizer.errors import ConfigError

log = logging.getLogger("bot")

DEFAULT_CONFIG = "config.toml"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Post cited news digests to Discord."
    )
    parser.add_argument(
        "--config",
        help=f"settings file (default: {DEFAULT_CONFIG} when present, else built-in defaults)",
    )
    parser.add_argument(
        "--console", action="store_true", help="type the commands in this terminal, no Discord"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def _settings(path: str | None) -> Settings:
    if path is None and Path(DEFAULT_CONFIG).is_file():
        path = DEFAULT_CONFIG
    return load_settings(path)


async def _run_bot(settings: Settings, token: str) -> None:
    from .bot import DigestBot, apply_endpoints
    from .service import PipelineService
    from .storage import Storage

    apply_endpoints(settings.discord)
    storage = await Storage.open(settings.storage.path)
    service = PipelineService(settings)
    bot = DigestBot(settings, storage, service)
    try:
        async with bot:
            await bot.start(token)
    finally:
        await service.close()
        await storage.close()


async def _run_console(settings: Settings) -> None:
    from .console import Console
    from .service import PipelineService
    from .storage import Storage

    storage = await Storage.open(settings.storage.path)
    service = PipelineService(settings)
    try:
        await Console(settings, storage, service, stdin=sys.stdin, stdout=sys.stdout).run()
    finally:
        await service.close()
        await storage.close()


def main(argv: list[str] | None = None) -> int:
    """Run the bot (or the console); the exit status."""
    args = _parse(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # discord.py's INFO is chatty (every gateway session); ours says what matters.
    logging.getLogger("discord").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        settings = _settings(args.config)
    except ConfigError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    try:
        if args.console:
            asyncio.run(_run_console(settings))
            return 0
        name = settings.discord.token_env
        token = os.environ.get(name, "").strip()
        if not token:
            sys.stderr.write(
                f"error: no bot token: set the environment variable {name} "
                f"(export {name}=<token from the Discord developer portal>), "
                "or try the bot offline with --console\n"
            )
            return 2
        import discord

        try:
            asyncio.run(_run_bot(settings, token))
        except discord.LoginFailure:
            sys.stderr.write(f"error: Discord refused the token in {name}\n")
            return 2
        except discord.PrivilegedIntentsRequired:
            sys.stderr.write("error: enable the requested intents in the developer portal\n")
            return 2
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
