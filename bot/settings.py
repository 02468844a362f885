"""The bot's settings: the library's sections of config.toml plus the bot's own.

[discord] (the connection) and [storage] (the state database) concern only the bot, so they
live here rather than in `summarizer.config`; they are read from the same file, with the same
checks (type and range, an error naming the key).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from summarizer.config import Settings, check_section, read_tables, settings_from_tables
from summarizer.errors import ConfigError

__all__ = ["BotSettings", "DiscordSettings", "StorageSettings", "load_bot_settings"]


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    """The bot's connection."""

    token_env: str = "DISCORD_TOKEN"
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    guild_ready_timeout: float = 2.0
    catch_up_hours: float = 6.0  # a missed daily digest is still posted this long after its time


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """Where the bot keeps its state.

    `url` is a `postgresql://user@host:port/name` URL (several bot processes share it; keep the
    password in PGPASSWORD) or a SQLite file path; empty, the SQLite file at `path`.
    """

    path: str = "newsdigest.sqlite3"
    url: str = ""

    @property
    def target(self) -> str:
        """What the bot opens: the URL when set, else the SQLite file."""
        return self.url or self.path


@dataclass(frozen=True, slots=True)
class BotSettings(Settings):
    """Every section the bot reads: the library's (it passes them on as they are) and its own."""

    discord: DiscordSettings = field(default_factory=DiscordSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)


# Allowed range of each numeric key of the bot's sections, as summarizer.config has its own.
_RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("discord", "guild_ready_timeout"): (0, None),
    ("discord", "catch_up_hours"): (0, None),
}


def load_bot_settings(path: str | Path | None = None) -> BotSettings:
    """Read the bot's settings from a TOML file, defaults first.

    Args:
        path: the file; None gives the defaults (no file is read).

    Returns:
        The library's sections and the bot's.

    Raises:
        ConfigError: the file is missing, not TOML, or has an unknown key or a bad value.

    """
    if path is None:
        return BotSettings()
    tables = read_tables(path)
    file = str(path)
    settings = settings_from_tables(tables, path=file, into=BotSettings)
    storage = check_section(
        StorageSettings, tables.get("storage", {}), path=file, name="storage", ranges=_RANGES
    )
    scheme = urlsplit(storage.url).scheme
    # A one-letter scheme is a Windows drive ("C:\\bot.sqlite3"), not a URL.
    if len(scheme) > 1 and scheme not in ("postgresql", "postgres"):
        raise ConfigError(
            file, f"[storage] url must be postgresql://… or a SQLite file path, not {scheme}://…"
        )
    return dataclasses.replace(
        settings,
        discord=check_section(
            DiscordSettings, tables.get("discord", {}), path=file, name="discord", ranges=_RANGES
        ),
        storage=storage,
    )
