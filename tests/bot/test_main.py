"""`python -m bot`: the token check, and the console mode over the same storage."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.console import CONSOLE_CHANNEL, Console
from bot.storage import Storage
from summarizer.config import Settings, SourcesSettings

from .conftest import FakeService

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
    """/sources add, /digest, /ask, /sources list and unknown commands, typed as text."""
    settings = Settings(sources=SourcesSettings(feeds=("https://default.example/rss",)))
    storage = await Storage.open(tmp_path / "c.sqlite3")
    service = FakeService()
    script = (
        "\n".join(
            [
                "/help",
                "/ask anything?",
                "/sources add https://feeds.example/a.xml",
                "/digest",
                "/ask When did it reopen?",
                "/sources list",
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
    assert (await storage.latest_digest(CONSOLE_CHANNEL)) is not None
    await storage.close()
