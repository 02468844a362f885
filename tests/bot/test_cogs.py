"""Every extension loads, and no two commands share a name."""

from __future__ import annotations

import importlib
from collections import Counter

import discord
import pytest
from discord import app_commands

from bot.bot import EXTENSIONS, DigestBot
from bot.settings import BotSettings
from bot.testing.fakeservice import FakeService


@pytest.mark.parametrize("name", EXTENSIONS)
def test_extension_imports_and_has_setup(name):
    """Each extension module imports and ends in an async setup(bot)."""
    module = importlib.import_module(name)
    assert callable(module.setup)


async def test_all_extensions_load_and_command_names_never_collide(tmp_path):
    """Loading every extension registers each command name once, with a description."""
    from bot.storage import Storage

    storage = await Storage.open(":memory:")
    bot = DigestBot(BotSettings(), storage, FakeService(), sync_commands=False)
    try:
        for name in EXTENSIONS:
            await bot.load_extension(name)
        commands = bot.tree.get_commands()
        names = [c.name for c in commands]
        assert len(names) == len(set(names)), Counter(names)
        walked = [c.qualified_name for c in bot.tree.walk_commands()]
        assert len(walked) == len(set(walked))
        assert set(names) == {
            "digest",
            "summarize",
            "ask",
            "subscribe",
            "unsubscribe",
            "subscriptions",
            "feeds",
            "story",
        }
        for command in bot.tree.walk_commands():
            assert 1 <= len(command.description) <= 100, command.qualified_name
            if isinstance(command, app_commands.Command):
                for param in command.parameters:
                    assert param.description and param.description != "…", (
                        command.name,
                        param.name,
                    )
        for name in EXTENSIONS:
            await bot.unload_extension(name)
        assert bot.tree.get_commands() == []
    finally:
        await bot.close()
        await storage.close()


def test_bot_asks_for_no_privileged_intent():
    """Slash commands and thread mentions work without the message content intent."""
    intents = discord.Intents.default()
    assert not intents.message_content and intents.guild_messages and intents.guilds
