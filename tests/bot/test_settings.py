"""The bot's settings: the library's sections and the bot's own, read from one file."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.settings import BotSettings, DiscordSettings, StorageSettings, load_bot_settings
from summarizer.config import Settings, load_settings
from summarizer.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_without_a_file():
    """No path gives the built-in defaults of every section."""
    assert load_bot_settings(None) == BotSettings()


def test_shipped_config_loads_for_the_bot_and_the_library():
    """The repository's config.toml gives the bot its own sections and the library's as read."""
    path = ROOT / "config.toml"
    bot, library = load_bot_settings(path), load_settings(path)
    for section in dataclasses.fields(Settings):
        assert getattr(bot, section.name) == getattr(library, section.name), section.name
    assert bot.discord.token_env == "DISCORD_TOKEN"
    assert bot.storage.path == "newsdigest.sqlite3"


def test_every_library_section_comes_through(tmp_path):
    """A key changed in each library section reaches the bot's settings."""
    lines = []
    for section in dataclasses.fields(Settings):
        default = getattr(Settings(), section.name)
        ints = [
            f.name
            for f in dataclasses.fields(default)
            if type(getattr(default, f.name)) is int  # not a bool, not a float
        ]
        key = ints[0] if ints else None
        assert key is not None, f"[{section.name}] has no int key to change in this test"
        lines += [f"[{section.name}]", f"{key} = {getattr(default, key) + 1}"]
    path = tmp_path / "c.toml"
    path.write_text("\n".join(lines) + "\n")
    bot = load_bot_settings(path)
    for section in dataclasses.fields(Settings):
        assert getattr(bot, section.name) == getattr(load_settings(path), section.name)
        assert getattr(bot, section.name) != getattr(Settings(), section.name), section.name


def test_partial_file_overrides_only_its_keys(tmp_path):
    """[storage] and [discord] keys are read; what is left out keeps its default."""
    path = tmp_path / "c.toml"
    path.write_text('[storage]\npath = "x.sqlite3"\n[discord]\ncatch_up_hours = 2\n')
    settings = load_bot_settings(path)
    assert settings.storage == StorageSettings(path="x.sqlite3")
    assert settings.discord == dataclasses.replace(DiscordSettings(), catch_up_hours=2.0)
    assert settings.summary == Settings().summary


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[storage]\npath = ['a']\n", r"\[storage\] path must be a string"),
        ("[storage]\npaht = 'a'\n", r"unknown key \[storage\] paht"),
        ("[discord]\nguild_ready_timeout = -1\n", r"guild_ready_timeout must be at least 0"),
        ("[discord]\ncatch_up_hours = 'six'\n", r"\[discord\] catch_up_hours must be a number"),
        ("[discord]\ntoken_env = 3\n", r"\[discord\] token_env must be a string"),
        ("[nonsense]\na = 1\n", "unknown section"),
        ("[summary]\nmax_words = 0\n", r"\[summary\] max_words must be at least 10"),
        ("discord = 1\n", r"\[discord\] must be a table"),
        ("[discord]\nshards = '0,1'\n", r"shards need a shard count"),
        ("[discord]\nshards = '0,x'\nshard_count = 2\n", r"whole numbers separated by commas"),
        ("[discord]\nshards = '1,1'\nshard_count = 2\n", r"repeated"),
        ("[discord]\nshard_count = -1\n", r"shard_count must be at least 0"),
        ("[health]\nport = 70000\n", r"\[health\] port must be at most 65535"),
        ("[health]\nlate_minutes = -1\n", r"\[health\] late_minutes must be at least 0"),
        ("[health]\nlate = 5\n", r"unknown key \[health\] late"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, text, message):
    """Each mistake, in the bot's sections or the library's, is one error naming file and key.

    (A missing or unreadable file goes through the library's reader: tests/summarizer.)
    """
    path = tmp_path / "bad.toml"
    path.write_text(text)
    try:
        load_bot_settings(path)
    except ConfigError as exc:
        error = str(exc)
    else:
        pytest.fail(f"no error for {text!r}")
    assert re.search(message, error) and str(path) in error, error


def test_storage_url_wins_over_the_file(tmp_path):
    """[storage] url, when set, is what the bot opens; left out, the SQLite file is."""
    path = tmp_path / "c.toml"
    path.write_text('[storage]\nurl = "postgresql://bot@db:5432/news"\n')
    assert load_bot_settings(path).storage.target == "postgresql://bot@db:5432/news"
    assert BotSettings().storage.target == "newsdigest.sqlite3"


def test_shard_ids_from_the_settings():
    """No count: unsharded; a count alone: every shard; named shards: those."""
    assert DiscordSettings().shard_ids is None
    assert DiscordSettings(shard_count=3).shard_ids == (0, 1, 2)
    assert DiscordSettings(shards=" 2, 3", shard_count=4).shard_ids == (2, 3)


def test_the_deploy_config_loads_sharded_on_postgresql():
    """deploy/config.toml (the compose deployment's) is valid: PostgreSQL, four shards."""
    settings = load_bot_settings(ROOT / "deploy" / "config.toml")
    assert settings.storage.target.startswith("postgresql://")
    assert settings.discord.shard_ids == (0, 1, 2, 3)


def test_each_bot_container_checks_its_own_process():
    """deploy/compose.yaml: every bot service runs some shards and has a health check on its
    own process's /health, at the port deploy/config.toml serves it on."""
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    settings = load_bot_settings(ROOT / "deploy" / "config.toml")
    bots = {name: s for name, s in compose["services"].items() if name.startswith("bot-")}
    assert len(bots) == 2
    shards = [s["command"][s["command"].index("--shards") + 1] for s in bots.values()]
    assert sorted(n for ids in shards for n in ids.split(",")) == ["0", "1", "2", "3"]
    for service in bots.values():
        test = service["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "-c"]
        assert f"http://127.0.0.1:{settings.health.port}/health" in test[3]
