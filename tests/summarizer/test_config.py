"""Settings: defaults in code, a partial file overrides only its keys, bad files fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.config import Settings, load_settings
from summarizer.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_without_a_file():
    """No path gives the built-in defaults."""
    assert load_settings(None) == Settings()


def test_partial_file_overrides_only_its_keys(tmp_path):
    """A file naming one key keeps every other default."""
    path = tmp_path / "c.toml"
    path.write_text('[summary]\nmax_words = 80\n[sources]\nfeeds = ["https://a.example/rss"]\n')
    settings = load_settings(path)
    assert settings.summary.max_words == 80
    assert settings.summary.time_window_hours == Settings().summary.time_window_hours
    assert settings.sources.feeds == ("https://a.example/rss",)
    assert settings.fetch == Settings().fetch


def test_shipped_config_loads():
    """The repository's config.toml is valid."""
    settings = load_settings(ROOT / "config.toml")
    assert settings.sources.feeds
    assert settings.fetch.allow_private_networks is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[summary]\nmax_words = 'many'\n", "must be a number"),
        ("[summary]\nmax_wordz = 3\n", "unknown key"),
        ("[nonsense]\na = 1\n", "unknown section"),
        ("[fetch]\nallow_private_networks = 1\n", "true or false"),
        ("[generator]\nbackend = 'magic'\nmodel = 'x'\n", "backend"),
        ("[generator]\nbackend = 'openai'\n", "model"),
        ("not toml at all [", "not valid TOML"),
        ("[summary]\nmax_words = 0\n", r"\[summary\] max_words must be at least 10 \(got 0\)"),
        ("[fetch]\ntimeout_s = -5\n", r"\[fetch\] timeout_s must be at least 0.1"),
        ("[summary]\nverify_threshold = 1.5\n", r"verify_threshold must be at most 1"),
        ("[sources]\nmax_items_per_feed = 0\n", r"max_items_per_feed must be at least 1"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, text, message):
    """Each mistake raises ConfigError naming the file and the key."""
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(path)
    assert str(path) in str(info.value)


def test_missing_file_is_an_error(tmp_path):
    """A named but missing file is an error, not silent defaults."""
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(tmp_path / "absent.toml")
