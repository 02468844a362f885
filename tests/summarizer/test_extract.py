"""HTML extraction: text, metadata, encodings, refusals, and quality on real pages."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from summarizer.dates import parse_datetime, url_date
from summarizer.errors import ExtractionError
from summarizer.extract import article_from_html, byline_date, decode_bytes, html_fragment_text

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
EXTRACTION = ROOT.parent / "shared" / "data" / "extraction"

BODY = (
    "<p>The harbour board approved a new 40-metre pier for Calder Bay on Monday, its chair "
    "Nadia Pell said, after two years of consultations with fishermen and ferry operators.</p>"
    "<p>Work is due to start in June and should take about 14 months, Pell said.</p>"
)


def page(body=BODY, head="", charset_meta=""):
    return f"<html><head>{charset_meta}{head}</head><body><article>{body}</article></body></html>"


def test_demo_page():
    """The demo HTML page gives its body without the page furniture, and its metadata."""
    path = ROOT / "examples" / "harbor-herald.html"
    article = article_from_html(path.read_bytes(), path=str(path))
    assert article.title == "Cargo ship runs aground off Marrowby Point, all 23 crew rescued"
    assert article.outlet == "The Harbor Herald"
    assert article.published == datetime(2025, 3, 4, 9, 15, tzinfo=UTC)
    assert article.url == "https://harborherald.example/news/2025/03/04/northern-larkspur-aground"
    assert article.path == str(path)
    paragraphs = article.paragraphs
    assert len(paragraphs) == 8
    assert paragraphs[0].startswith("The cargo ship Northern Larkspur ran aground")
    for junk in ["cookie", "Subscribe", "Related stories", "Share on", "All rights", "Photo:"]:
        assert junk not in article.text


def test_jsonld_metadata_and_relative_canonical():
    """JSON-LD gives date and publisher; a relative canonical link is resolved against the URL."""
    html = (FIXTURES / "page-jsonld.html").read_text(encoding="utf-8")
    article = article_from_html(html, url="https://ledger.example/amp/library?x=1")
    assert article.outlet == "Orrin Ledger"
    assert article.published == datetime(2025, 3, 4, 18, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert article.url == "https://ledger.example/2025/03/library-fines"
    assert article.title and "library fines" in article.title
    assert "Home" not in article.text and "Advertise" not in article.text
    assert len(article.paragraphs) >= 4


def test_bare_page_outlet_from_domain():
    """With no metadata at all the outlet is the URL's domain and the date stays None."""
    html = (FIXTURES / "page-bare.html").read_bytes()
    article = article_from_html(html, url="https://www.serrel-news.example/trees")
    assert article.outlet == "serrel-news.example"
    assert article.published is None
    assert article.url == "https://www.serrel-news.example/trees"
    assert len(article.paragraphs) == 3


@pytest.mark.parametrize(
    ("encoding", "meta"),
    [
        ("cp1252", ""),  # no declaration at all: detected
        ("cp1252", '<meta charset="iso-8859-1">'),  # latin-1 label read as windows-1252
        ("shift_jis", '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'),
        ("utf-16", ""),  # BOM
        ("utf-8", '<meta charset="iso-8859-1">'),  # mislabelled UTF-8 stays UTF-8
    ],
)
def test_encodings(encoding, meta):
    """Pages in other encodings decode correctly, declared or not."""
    body = BODY.replace("Nadia Pell", "Zoë Pellé").replace("fishermen", "“fishermen”")
    if encoding == "shift_jis":
        body = BODY.replace("Nadia Pell", "Nadia Pell (港湾局)")
    raw = page(body, charset_meta=meta).encode(encoding)
    article = article_from_html(raw, url="https://x.example/a")
    expected = "Zoë Pellé" if encoding != "shift_jis" else "港湾局"
    assert expected in article.text
    assert "\ufffd" not in article.text


def test_garbage_bytes_never_crash():
    """Undecodable bytes decode lossily and fail, if at all, with an ExtractionError."""
    raw = bytes(range(256)) * 40
    text = decode_bytes(raw)
    assert isinstance(text, str)
    with pytest.raises(ExtractionError, match=r"^garbage\.bin: "):
        article_from_html(raw, path="garbage.bin")


@pytest.mark.parametrize(
    "html",
    ["", "   ", b"", "<html><body></body></html>", page("<p>Too short to be news.</p>")],
)
def test_empty_pages_refused(html):
    """Empty pages and stubs raise ExtractionError naming the input."""
    with pytest.raises(ExtractionError) as info:
        article_from_html(html, url="https://x.example/empty")
    assert str(info.value).startswith("https://x.example/empty: ")


def test_wrong_type():
    """Wrong types fail at once."""
    with pytest.raises(TypeError):
        article_from_html(42)  # type: ignore[arg-type]


def test_xml_declaration_in_str():
    """A str page that still carries an XML encoding declaration parses."""
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + page()
    assert "Calder Bay" in article_from_html(html).text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-04T09:15:00+00:00", datetime(2025, 3, 4, 9, 15, tzinfo=UTC)),
        ("2025-03-04T09:15:00Z", datetime(2025, 3, 4, 9, 15, tzinfo=UTC)),
        ("2025-03-04T09:15:00", datetime(2025, 3, 4, 9, 15, tzinfo=UTC)),
        ("2025-03-04", datetime(2025, 3, 4, tzinfo=UTC)),
        ("Tue, 04 Mar 2025 09:15:00 GMT", datetime(2025, 3, 4, 9, 15, tzinfo=UTC)),
        ("20250304", datetime(2025, 3, 4, tzinfo=UTC)),
        ("yesterday", None),
        ("2025-13-45", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime(value, expected):
    """Dates parse tz-aware (naive means UTC) or not at all."""
    got = parse_datetime(value)
    assert got == expected
    assert got is None or got.tzinfo is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://news.example/2025/03/04/harbour-talks/index.html",
            datetime(2025, 3, 4, tzinfo=UTC),
        ),
        (
            "https://news.example/story/world/2024/11/30/vote-count/123/",
            datetime(2024, 11, 30, tzinfo=UTC),
        ),
        ("https://news.example/news/959153/quiz-of-the-week", None),
        ("", None),
        (None, None),
    ],
)
def test_url_date(url, expected):
    """Outlets that date their paths give a date; an undated URL gives none."""
    assert url_date(url) == expected


def test_page_without_date_takes_its_urls():
    """A page with no date of its own is dated by its URL."""
    html = "<html><body><article>" + "<p>The harbour talks ran late into the night.</p>" * 30
    url = "https://news.example/2025/03/04/harbour-talks/"
    article = article_from_html(html + "</article></body></html>", url=url)
    assert article.published == datetime(2025, 3, 4, tzinfo=UTC)


def test_fragment_text():
    """Feed HTML fragments become paragraphs; scripts go."""
    html = "<p>First <b>bold</b> line.</p><script>x()</script><div>Second<br>third</div>"
    assert html_fragment_text(html) == "First bold line.\n\nSecond\n\nthird"
    assert html_fragment_text("plain text only") == "plain text only"
    assert html_fragment_text("") == ""


def _f1(gold, pred):
    g = Counter(re.findall(r"\w+", gold.lower()))
    p = Counter(re.findall(r"\w+", pred.lower()))
    tp = sum((g & p).values())
    if not tp:
        return 0.0
    prec, rec = tp / sum(p.values()), tp / sum(g.values())
    return 2 * prec * rec / (prec + rec)


def test_real_pages_quality():
    """On 40 real pages: nothing but ExtractionError is raised, and token F1 stays high."""
    if not (EXTRACTION / "articles.jsonl").exists():
        pytest.skip(f"shared data not found at {EXTRACTION} (see ../shared/data/README.md)")
    records = [json.loads(x) for x in (EXTRACTION / "articles.jsonl").read_text().splitlines()]
    scores = []
    for rec in records[:40]:
        raw = gzip.decompress((EXTRACTION / rec["html_path"]).read_bytes())
        try:
            text = article_from_html(raw, url=rec["url"]).text
        except ExtractionError:
            text = ""
        scores.append(_f1(rec["article_body"], text))
    # Measured 0.97 on these pages; the full 181 are in `python -m bench.extraction`.
    assert sum(scores) / len(scores) >= 0.94


REFERENCE = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By Ada Quill | March 22, 2021\n\nThe council met.", datetime(2021, 3, 22, tzinfo=UTC)),
        ("Published 22 Mar. 2021, 14 min read\n\nText.", datetime(2021, 3, 22, tzinfo=UTC)),
        ("Updated 2 hours ago\n\nThe council met.", REFERENCE - timedelta(hours=2)),
        ("Calder Bay Gazette · 3 days ago\nText.", REFERENCE - timedelta(days=3)),
        # no day: a month the story mentions, not when it came out
        ("In June 2019 the pier opened, and the town has grown since.", None),
        # 'ago' inside a long sentence tells when something happened
        ("The council met 3 days ago to vote on the long-delayed pier, the mayor said.", None),
        ("x " * 400 + "March 22, 2021", None),  # far below the top: no byline
    ],
)
def test_byline_date(text, expected):
    """Byline dates near the top are read; relative ones count back from the reference."""
    assert byline_date(text, reference=REFERENCE) == expected


def test_page_with_only_a_relative_byline_gets_a_guessed_date():
    """'2 hours ago' under the headline dates a page that has no other date, as a guess."""
    body = "<p class='byline'>Updated 2 hours ago</p>" + BODY
    before = datetime.now(UTC)
    article = article_from_html(page(body=body, head="<title>Pier approved</title>"))
    assert article.dated_by == "guess"
    assert article.published is not None
    assert before - timedelta(hours=2, minutes=1) <= article.published <= datetime.now(UTC)
