"""One base exception for the library; each subclass keeps the bad value."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ExtractionError",
    "FeedError",
    "FetchError",
    "InputError",
    "LanguageSkipped",
    "ModelLoadError",
    "SummarizerError",
    "UnsafeURLError",
]


class SummarizerError(Exception):
    """Base of every error the summarizer raises on purpose."""


class ConfigError(SummarizerError):
    """A config file that is missing, unreadable or has a bad value."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class InputError(SummarizerError):
    """An input (file, URL, feed) that cannot be used; the message names it."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class LanguageSkipped(InputError):
    """An article left out on purpose: it is not in English, which the models read."""


class FetchError(InputError):
    """A URL that could not be fetched (timeout, HTTP error, too large)."""


class UnsafeURLError(FetchError):
    """A URL that resolves to a loopback, private or link-local address."""


class FeedError(InputError):
    """A feed that does not parse."""


class ExtractionError(InputError):
    """A page or file with no usable article text."""


class ModelLoadError(SummarizerError):
    """A model that cannot be loaded offline."""
