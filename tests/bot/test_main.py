"""`python -m bot`: the token check, and the console mode over the same storage."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.console import CONSOLE_CHANNEL, Console
from bot.settings import BotSettings
from bot.storage import Storage
from bot.testing.fakeservice import FakeService
from summarizer.config import SourcesSettings

ROOT = Path(__file__).resolve().parents[2]


def test_missing_token_exits_at_once_with_a_how_to(tmp_path):
    """No token in the environment: exit 2 with one line naming the variable; nothing logged."""
    config = tmp_path / "c.toml"
    config.write_text('[discord]\ntoken_env = "MY_BOT_TOKEN"\n[storage]\npath = "x.sqlite3"\n')
    env = {k: v for k, v in os.environ.items() if k != "MY_BOT_TOKEN"}
    env["HF_HUB_OFFLINE"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "MY_BOT_TOKEN" in lines[0] and "export" in lines[0]
    assert not (tmp_path / "x.sqlite3").exists()


def test_missing_config_file_is_an_error(tmp_path):
    """A named but missing config file: exit 2, one line."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(tmp_path / "nope.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 2 and "no such file" in result.stderr


async def test_console_runs_the_commands_over_storage(tmp_path):
    """/feeds add, /digest, /ask, /feeds list and unknown commands, typed as text."""
    settings = BotSettings(sources=SourcesSettings(feeds=("https://default.example/rss",)))
    storage = await Storage.open(tmp_path / "c.sqlite3")
    service = FakeService()
    script = (
        "\n".join(
            [
                "/help",
                "/ask anything?",
                "/feeds add https://feeds.example/a.xml",
                "/digest",
                "/ask When did it reopen?",
                "/feeds list",
                "/summarize not-a-url",
                "/frobnicate",
                "/quit",
            ]
        )
        + "\n"
    )
    out = io.StringIO()
    await Console(settings, storage, service, stdin=io.StringIO(script), stdout=out).run()
    text = out.getvalue()
    assert "No digest yet" in text
    assert "Added Example Feed (3 items now)." in text
    assert "Headline of story 1" in text and "[1] Story 1 report 1" in text
    assert "It reopened on Monday" in text and "https://news2.example/story-2" in text
    assert "https://feeds.example/a.xml  Example Feed" in text
    assert "error: urls:" in text and "unknown command '/frobnicate'" in text
    assert ("digest", ("https://feeds.example/a.xml",)) in service.calls
    assert (await storage.latest_post(CONSOLE_CHANNEL)) is not None
    await storage.close()


def run_bot(args, *, cwd=ROOT, env_extra=None, stdin=None):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unreachable_discord_is_one_line_and_a_non_zero_exit(tmp_path):
    """DNS fails for Discord's host: one line saying so, exit 1, no traceback, no voice warning."""
    config = tmp_path / "c.toml"
    config.write_text(
        '[discord]\ntoken_env = "MY_BOT_TOKEN"\napi_base = "https://discord.invalid/api/v10"\n'
        f'[storage]\npath = "{tmp_path / "x.sqlite3"}"\n'
    )
    result = run_bot(["--config", str(config)], env_extra={"MY_BOT_TOKEN": "not-a-real-token"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Discord could not be reached" in lines[0] and "discord.invalid" in lines[0]


def _closed_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when this returns: nothing listens there


def _bad_database_run(tmp_path, storage_table):
    config = tmp_path / "c.toml"
    config.write_text(f'[discord]\ntoken_env = "MY_BOT_TOKEN"\n[storage]\n{storage_table}\n')
    return run_bot(["--config", str(config)], env_extra={"MY_BOT_TOKEN": "not-a-real-token"})


def test_unreachable_database_is_one_line_and_exit_1(tmp_path):
    """Nothing listens at the PostgreSQL URL: one line naming it (password hidden), exit 1."""
    url = f"postgresql://bot:hunter2@127.0.0.1:{_closed_port()}/news"
    result = _bad_database_run(tmp_path, f'url = "{url}"')
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot connect to the PostgreSQL database")
    assert "bot:***@127.0.0.1" in lines[0] and "hunter2" not in lines[0]


def test_wrong_database_password_is_one_line_and_exit_2(tmp_path, postgres_cluster):
    """PostgreSQL refuses the password: one line saying so, exit 2, no traceback."""
    result = _bad_database_run(tmp_path, f'url = "{postgres_cluster.url(password="wrong")}"')
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "password authentication failed" in lines[0] and "wrong" not in lines[0]


def test_a_database_that_does_not_exist_is_one_line_and_exit_2(tmp_path, postgres_cluster):
    """The server is up and takes the password, but has no such database: one line, exit 2."""
    result = _bad_database_run(tmp_path, f'url = "{postgres_cluster.url("no_such_db")}"')
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert 'database "no_such_db" does not exist' in lines[0]
    assert postgres_cluster.password not in lines[0]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://bot@[::1:5432/news", "[storage] url is not a valid URL: Invalid IPv6 URL"),
        ("postgresql://bot@127.0.0.1:99999/news", "[storage] url is not a valid URL: Port out"),
        ("postgresql://bot@127.0.0.1:abc/news", "[storage] url is not a valid URL: Port could"),
        # Several hosts: asyncpg reads the ports, and says what is wrong.
        ("postgresql://bot@h1:5432,h2:abc/news", "cannot connect to the PostgreSQL database"),
    ],
    ids=["bracket", "port-range", "port-word", "host-list"],
)
def test_a_malformed_database_url_is_one_line_and_exit_2(tmp_path, url, message):
    """A URL that cannot be a database's (a stray bracket, a bad port): one line, exit 2."""
    result = _bad_database_run(tmp_path, f'url = "{url}"')
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert message in lines[0]


def test_a_file_that_is_no_database_is_one_line_and_exit_2(tmp_path):
    """[storage] path names a file that is not SQLite: one line naming it, exit 2."""
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database, " * 200)
    result = _bad_database_run(tmp_path, f'path = "{junk}"')
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert str(junk) in lines[0] and "not a database" in lines[0]


def test_a_storage_url_of_another_scheme_is_a_config_error(tmp_path):
    """`[storage] url = "mysql://…"`: exit 2, one line naming the key, before any connection."""
    result = _bad_database_run(tmp_path, 'url = "mysql://bot@db/news"')
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "[storage] url must be postgresql://" in lines[0]


def test_a_shard_id_past_the_count_is_one_line_and_exit_2(tmp_path):
    """--shards 1,4 --shard-count 4: one line naming the shard, exit 2, before any connection."""
    db = tmp_path / "x.sqlite3"
    result = run_bot(
        ["--shards", "1,4", "--shard-count", "4", "--config", str(_storage_config(tmp_path, db))],
        env_extra={"MY_BOT_TOKEN": "not-a-real-token"},
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "shard id 4 is not below the shard count 4" in lines[0]
    assert not db.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shards", "0"], "shards need a shard count"),
        (["--shard-count", "-1"], "the shard count must be at least 0"),
        (["--shards", "a", "--shard-count", "2"], "whole numbers separated by commas"),
        (["--shards", "3,3", "--shard-count", "4"], "a shard id is repeated"),
    ],
    ids=["no-count", "negative", "not-a-number", "repeated"],
)
def test_other_shard_mistakes_are_one_line_and_exit_2(tmp_path, args, message):
    """Each --shards/--shard-count mistake: one line naming it, exit 2, nothing opened."""
    db = tmp_path / "x.sqlite3"
    result = run_bot(
        [*args, "--config", str(_storage_config(tmp_path, db))],
        env_extra={"MY_BOT_TOKEN": "not-a-real-token"},
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: --shards/--shard-count: ") and message in lines[0]
    assert not db.exists()


def test_shards_in_the_config_are_checked_at_load(tmp_path):
    """[discord] shards = "0,5" with shard_count = 2: one line naming the file and key, exit 2."""
    config = tmp_path / "c.toml"
    config.write_text('[discord]\nshards = "0,5"\nshard_count = 2\n')
    result = run_bot(["--config", str(config)])
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert str(config) in lines[0] and "[discord] shard id 5" in lines[0]


def _storage_config(tmp_path, db):
    config = tmp_path / "c.toml"
    config.write_text(f'[discord]\ntoken_env = "MY_BOT_TOKEN"\n[storage]\npath = "{db}"\n')
    return config


def test_the_bot_never_warns_about_voice(caplog, monkeypatch):
    """The bot has no voice: discord.py's missing-PyNaCl warning is never logged."""
    import logging

    import discord

    from bot.bot import DigestBot

    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)  # as in a fresh process
    caplog.set_level(logging.WARNING, logger="discord")
    DigestBot(BotSettings(), None, FakeService(), sync_commands=False)
    assert "PyNaCl" not in caplog.text


def test_version_is_printed():
    """`python -m bot --version` names the program and the version in pyproject.toml."""
    result = run_bot(["--version"])
    assert result.returncode == 0
    assert result.stdout.strip() == "python -m bot (newsdigest) 0.1.0"


def test_the_console_logs_info_only_with_v(tmp_path):
    """An old database is migrated (an INFO line): silent in the console without -v, shown with."""
    from .test_storage import write_v1_database

    for flags, shown in (([], False), (["-v"], True)):
        db = tmp_path / f"old{len(flags)}.sqlite3"
        write_v1_database(db)
        config = tmp_path / "c.toml"
        config.write_text(f'[storage]\npath = "{db}"\n')
        result = run_bot(["--console", "--config", str(config), *flags], stdin="/quit\n")
        assert result.returncode == 0, result.stderr
        assert ("migrating the database" in result.stderr) is shown, result.stderr
        assert "INFO" not in result.stderr or shown


async def test_console_summarizes_local_folders_and_files(tmp_path):
    """The console takes files and folders (digested into stories); Discord's refusal stays."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("The harbour bridge reopened on Monday.\n")
    settings = BotSettings()
    storage = await Storage.open(tmp_path / "c.sqlite3")
    service = FakeService()
    script = f"/summarize {folder}\n/summarize {tmp_path / 'missing.txt'}\n/ask When?\n"
    out = io.StringIO()
    await Console(settings, storage, service, stdin=io.StringIO(script), stdout=out).run()
    text = out.getvalue()
    assert ("digest", (str(folder),)) in service.calls
    assert "Headline of story 1" in text and "[1] Story 1 report 1 (Outlet 1)" in text
    missing = tmp_path / "missing.txt"
    assert (
        f"error: urls: give http(s) URLs, files or folders separated by spaces (got {missing})"
        in text
    )
    assert "It reopened on Monday" in text
    await storage.close()


async def test_console_subscribe_and_tick_post_the_daily_digest(tmp_path):
    """/subscribe stores the console's daily digest; /tick moves the clock there and posts it,
    once per day; /unsubscribe stops it."""
    from datetime import UTC, datetime

    settings = BotSettings(sources=SourcesSettings(feeds=("https://default.example/rss",)))
    storage = await Storage.open(tmp_path / "c.sqlite3")
    service = FakeService()
    start = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Paris
    script = "/tick\n/subscribe 08:30 Europe/Paris\n/tick\n/tick\n/unsubscribe\n/tick\n"
    out = io.StringIO()
    console = Console(
        settings, storage, service, stdin=io.StringIO(script), stdout=out, clock=lambda: start
    )
    await console.run()
    text = out.getvalue()
    assert "No daily digest here" in text
    assert "Subscribed: a digest here every day at 08:30 (Europe/Paris)" in text
    assert "Daily digest for Monday 02 March 2026" in text
    assert "Daily digest for Tuesday 03 March 2026" in text  # the second /tick: the next day
    assert text.count("Daily digest for") == 2
    assert [c for c in service.calls if c[0] == "digest"] == [
        ("digest", ("https://default.example/rss",))
    ] * 2
    assert (await storage.delivery(CONSOLE_CHANNEL, date(2026, 3, 2))).state == "sent"
    assert text.rstrip(" >\n").endswith("No daily digest here: /subscribe HH:MM ZONE first.")
    await storage.close()
