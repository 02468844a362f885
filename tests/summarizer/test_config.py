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
        # Keys whose default is None or a string were not type-checked at all.
        ("[qa]\nabstain_threshold = 'high'\n", r"\[qa\] abstain_threshold must be a number"),
        ("[qa]\nabstain_threshold = 1.5\n", r"\[qa\] abstain_threshold must be at most 1"),
        ("[models]\nspacy_model = 3\n", r"\[models\] spacy_model must be a string \(got 3\)"),
        ("[models]\nembedding_model = false\n", r"\[models\] embedding_model must be a string"),
        ("[generator]\ntimeout_s = -5\n", r"\[generator\] timeout_s must be at least 0.1"),
        ("[generator]\nbackend = 1\n", r"\[generator\] backend must be a string"),
        ("[models]\nprecision = 'half'\n", r"\[models\] precision must be 'auto'"),
        ("[sources]\nfeeds = 'https://a.example/rss'\n", r"feeds must be a list of strings"),
        ("[summary]\nmax_words = 80.5\n", r"\[summary\] max_words must be a whole number"),
        ("[summary]\nmax_words = true\n", r"\[summary\] max_words must be a number"),
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


def test_every_key_round_trips_through_a_file(tmp_path):
    """A file stating every default (None aside) loads back to the defaults: each key's type
    has a rule, and whole floats and ints keep their types."""
    import dataclasses

    lines = []
    for section in dataclasses.fields(Settings):
        lines.append(f"[{section.name}]")
        for f in dataclasses.fields(getattr(Settings(), section.name)):
            value = getattr(getattr(Settings(), section.name), f.name)
            if value is None:
                continue
            if isinstance(value, bool):
                lines.append(f"{f.name} = {str(value).lower()}")
            elif isinstance(value, str):
                lines.append(f'{f.name} = "{value}"')
            elif isinstance(value, tuple):
                lines.append(f"{f.name} = {list(value)!r}".replace("'", '"'))
            else:
                lines.append(f"{f.name} = {value!r}")
    path = tmp_path / "all.toml"
    path.write_text("\n".join(lines) + "\n")
    assert load_settings(path) == Settings()


def test_numbers_take_their_field_type(tmp_path):
    """A whole float for an int key and an int for a float key become the field's type."""
    path = tmp_path / "c.toml"
    path.write_text("[summary]\nmax_words = 80.0\n[qa]\nabstain_threshold = 1\n")
    settings = load_settings(path)
    assert settings.summary.max_words == 80 and isinstance(settings.summary.max_words, int)
    assert settings.qa.abstain_threshold == 1.0
    assert isinstance(settings.qa.abstain_threshold, float)


def test_the_bots_sections_are_left_to_the_bot(tmp_path):
    """[discord] and [storage] belong to the bot (bot/settings.py): the library skips them."""
    path = tmp_path / "c.toml"
    path.write_text('[discord]\ntoken_env = "X"\n[storage]\npath = "x.sqlite3"\n')
    settings = load_settings(path)
    assert settings == Settings()
    assert not hasattr(settings, "discord") and not hasattr(settings, "storage")
