"""Dates every stage shares: one parser, one rule for naive values, dates in URLs.

- `parse_datetime`: ISO 8601 (feeds, JSON, meta tags), RFC 2822 (RSS pubDate), a leading
  "20230105", and last a date with its month named in another language ('Seg, 24 Set 2018
  19:42:40 -0300', read by dateparser). Whatever it returns is tz-aware.
- `as_utc`: a naive datetime is taken as UTC (news metadata without an offset is usually
  UTC, and aware and naive values must compare); an aware one is left as it is.
- `url_date`: the date a news URL carries ("/2023/01/05/"), read by htmldate.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["as_utc", "parse_datetime", "url_date"]

log = logging.getLogger(__name__)

_DAY_PREFIX = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
# Languages whose month names feeds put in RFC 822 dates, beside English. dateparser reads
# only absolute dates with a day, month and year: "yesterday" or "Monday" would otherwise be
# dated from the clock, and an undated item must stay undated.
_LANGUAGES = ["en", "pt", "es", "fr", "de", "it", "nl"]
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PARSERS": ["absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
}


def as_utc(when: datetime) -> datetime:
    """The datetime with a time zone: a naive one is taken as UTC, an aware one is kept."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _foreign_date(value: str) -> datetime | None:
    """A date with a month name in another language ('24 Set 2018 19:42:40 -0300'), or None."""
    import dateparser  # ~0.1 s to import; only dates the strict parsers refuse need it

    try:
        return dateparser.parse(value, languages=_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    except (ValueError, TypeError, OverflowError) as exc:
        log.debug("dateparser refused %r: %s", value, exc)
        return None


def parse_datetime(value: str | None) -> datetime | None:
    """A tz-aware datetime from a date string, or None when it states no day.

    Args:
        value: ISO 8601, RFC 2822, a leading "YYYY-MM-DD"/"YYYYMMDD", or a day, month name
            and year in English, Portuguese, Spanish, French, German, Italian or Dutch.

    Returns:
        The moment, naive values taken as UTC; None for an empty or unreadable value.

    """
    if not value:
        return None
    value = value.strip()
    when: datetime | None = None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            match = _DAY_PREFIX.match(value)
            if match:
                year, month, day = map(int, match.groups())
                try:
                    when = datetime(year, month, day, tzinfo=UTC)
                except ValueError:
                    return None
            else:
                when = _foreign_date(value)
    return as_utc(when) if when is not None else None


def url_date(url: str | None) -> datetime | None:
    """The publication date a news URL carries ("/2023/01/05/"), or None.

    Many outlets date their article paths; a page or record with no date of its own still gets
    one. htmldate (trafilatura's date library) reads the URL without fetching anything.
    """
    if not url:
        return None
    from htmldate import find_date  # lxml and its date rules: loaded when a URL is read

    try:
        found = find_date("<html></html>", url=url, extensive_search=False, max_date="2099-12-31")
    except (ValueError, TypeError):
        return None
    return parse_datetime(found) if found else None
