"""The shared date helpers: one parser, naive values as UTC, dates in URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from summarizer.dates import as_utc, parse_datetime, url_date
from summarizer.models import Source


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-04T08:00:00Z", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("2026-03-04T08:00:00", datetime(2026, 3, 4, 8, tzinfo=UTC)),  # naive: UTC
        ("2026-03-04T10:00:00+02:00", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("Wed, 04 Mar 2026 08:00:00 GMT", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("20260304 and more", datetime(2026, 3, 4, tzinfo=UTC)),
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
        ("Mi, 12 Mär 2025 10:00:00 +0100", datetime(2025, 3, 12, 9, tzinfo=UTC)),
        ("3 juil. 2019", datetime(2019, 7, 3, tzinfo=UTC)),
        ("yesterday", None),  # relative words would be dated from the clock
        ("Monday", None),
        ("June 2019", None),  # no day
        ("not a date", None),
        ("2026-13-45", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime(value, expected):
    """Every form the inputs use gives one aware moment; no day, no date."""
    got = parse_datetime(value)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None


def test_as_utc_takes_naive_as_utc_and_keeps_aware():
    """A naive value gains UTC; an aware one keeps its own offset."""
    assert as_utc(datetime(2026, 3, 4, 8)) == datetime(2026, 3, 4, 8, tzinfo=UTC)
    plus2 = datetime(2026, 3, 4, 10, tzinfo=timezone(timedelta(hours=2)))
    assert as_utc(plus2).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/2023/01/05/harbour-fire.html", datetime(2023, 1, 5, tzinfo=UTC)),
        ("https://example.org/news/harbour-fire.html", None),
        (None, None),
    ],
)
def test_url_date(url, expected):
    """A dated path gives its day; an undated one none."""
    assert url_date(url) == expected


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2026-03-04T08:00:00", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("Wed, 04 Mar 2026 08:00:00 GMT", datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("garbage", None),
        (42, None),
    ],
)
def test_source_reads_its_date_with_the_shared_parser(published, expected):
    """A digest file's source date is read by the same parser; junk is no date."""
    source = Source.from_dict({"id": 1, "text": "Some text.", "published": published})
    assert source.published == expected
