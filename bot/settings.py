"""The bot's settings: the library's sections of config.toml plus the bot's own.

[discord] (the connection), [storage] (the state database) and [health] (what its health report
counts as late, and where a process serves it) concern only the bot, so they live here rather
than in `summarizer.config`; they are read from the same file, with the same checks (type and
range, an error naming the key).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from summarizer.config import Settings, check_section, read_tables, settings_from_tables
from summarizer.errors import ConfigError

__all__ = [
    "BotSettings",
    "DiscordSettings",
    "HealthSettings",
    "StorageSettings",
    "check_shards",
    "load_bot_settings",
]


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    """The bot's connection."""

    token_env: str = "DISCORD_TOKEN"
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    guild_ready_timeout: float = 2.0
    catch_up_hours: float = 6.0  # a missed daily digest is still posted this long after its time
    # Sharding: shard_count 0 runs one unsharded connection; else this process runs `shards`
    # ("0,1"; empty: every shard) of `shard_count`, and handles only those shards' guilds.
    shards: str = ""
    shard_count: int = 0

    @property
    def shard_ids(self) -> tuple[int, ...] | None:
        """The shards this process runs; None when unsharded. Checked at load (`check_shards`)."""
        if self.shard_count == 0:
            return None
        if not self.shards.strip():
            return tuple(range(self.shard_count))
        return tuple(int(part) for part in self.shards.split(","))


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
class HealthSettings:
    """The health report (`python -m bot --health`, bot/health.py) and where a bot serves it.

    `late_minutes`: a delivery still unsent this long after its time is late. Posting 1,000
    channels at Discord's global rate takes about a minute, and a real digest a minute or two
    to build, so 10 leaves room for several thousand channels before a healthy bot is late.
    `port`: each bot process serves the report at http://host:port/health (0: not served).
    """

    late_minutes: float = 10.0
    port: int = 0
    host: str = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class BotSettings(Settings):
    """Every section the bot reads: the library's (it passes them on as they are) and its own."""

    discord: DiscordSettings = field(default_factory=DiscordSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    health: HealthSettings = field(default_factory=HealthSettings)


# Allowed range of each numeric key of the bot's sections, as summarizer.config has its own.
_RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("discord", "guild_ready_timeout"): (0, None),
    ("discord", "catch_up_hours"): (0, None),
    ("discord", "shard_count"): (0, None),
    ("health", "late_minutes"): (0, None),
    ("health", "port"): (0, 65535),
}


def check_shards(discord: DiscordSettings) -> None:
    """Check the shard settings, wherever they came from (the file or --shards).

    Raises:
        ValueError: a shard id that is no number, repeated, or not below the shard count, or
            shards named without a count; the message names the keys.

    """
    parts = [part.strip() for part in discord.shards.split(",")] if discord.shards.strip() else []
    if parts and discord.shard_count == 0:
        raise ValueError("shards need a shard count: set [discord] shard_count (--shard-count)")
    ids: list[int] = []
    for part in parts:
        if not part.isdigit():
            raise ValueError(f"shard ids are whole numbers separated by commas (got {part!r})")
        if int(part) >= discord.shard_count:
            raise ValueError(
                f"shard id {part} is not below the shard count {discord.shard_count} "
                f"(ids run from 0 to {discord.shard_count - 1})"
            )
        ids.append(int(part))
    if len(set(ids)) != len(ids):
        raise ValueError(f"a shard id is repeated in {discord.shards!r}")


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
    try:
        parts = urlsplit(storage.url)
        if "," not in parts.netloc:  # several hosts (libpq's failover list) have no one port
            parts.port  # noqa: B018 (read for its check: a port that is no number or past 65535)
    except ValueError as exc:  # also "Invalid IPv6 URL": an unbalanced bracket
        raise ConfigError(file, f"[storage] url is not a valid URL: {exc}") from None
    scheme = parts.scheme
    # A one-letter scheme is a Windows drive ("C:\\bot.sqlite3"), not a URL.
    if len(scheme) > 1 and scheme not in ("postgresql", "postgres"):
        raise ConfigError(
            file, f"[storage] url must be postgresql://… or a SQLite file path, not {scheme}://…"
        )
    discord = check_section(
        DiscordSettings, tables.get("discord", {}), path=file, name="discord", ranges=_RANGES
    )
    health = check_section(
        HealthSettings, tables.get("health", {}), path=file, name="health", ranges=_RANGES
    )
    try:
        check_shards(discord)
    except ValueError as exc:
        raise ConfigError(file, f"[discord] {exc}") from None
    return dataclasses.replace(settings, discord=discord, storage=storage, health=health)
