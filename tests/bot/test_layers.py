"""The bot's layers point one way: cogs are leaves over shared modules, the library knows no bot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOT_MODULES = sorted(p for p in (ROOT / "bot").rglob("*.py") if "testing" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module the file imports (relative imports resolved)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", BOT_MODULES, ids=lambda p: module_name(p))
def test_cogs_are_leaves(path):
    """No cog imports another cog; no shared module (console, posting, …) imports a cog."""
    me = module_name(path)
    cogs = {i for i in imports_of(path) if i.startswith("bot.exts.") and i != me}
    assert not cogs, f"{me} imports {sorted(cogs)}"


@pytest.mark.parametrize("path", BOT_MODULES, ids=lambda p: module_name(p))
def test_the_bot_never_imports_its_test_stand_ins(path):
    """bot.testing serves the tests and the benchmark only."""
    assert not {i for i in imports_of(path) if i.startswith("bot.testing")}


def test_the_library_never_imports_the_bot():
    """summarizer/ renders text for the bot; it never imports it."""
    for path in (ROOT / "summarizer").rglob("*.py"):
        bad = {i for i in imports_of(path) if i == "bot" or i.startswith("bot.")}
        assert not bad, f"{path} imports {sorted(bad)}"


def test_bench_imports_nothing_from_tests():
    """The load benchmark runs on the shared stand-ins, not on the test suite's modules."""
    path = ROOT / "bench" / "bot_load.py"
    assert not {i for i in imports_of(path) if i == "tests" or i.startswith("tests.")}
