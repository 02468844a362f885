"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser recovers what it can from malformed XML (junk before the declaration, bad tokens,
truncation, a wrong charset): whenever it finds items they are used, with a note in the log.
A feed with no items at all is a FeedError naming the feed and a short reason. A bad date on an
item is logged and the item kept with `published=None`; an item that cannot be read is skipped.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from .dates import parse_datetime
from .errors import FeedError
from .extract import decode_bytes, html_fragment_text

__all__ = ["FeedItem", "looks_like_feed", "parse_feed"]

log = logging.getLogger(__name__)

SNIFF_BYTES = 2048  # a feed's root element sits near the top, after any declaration/comments

_FEED_TYPES = ("rss", "atom", "rdf", "feed+json", "application/feed", "jsonfeed")
_XML_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|RDF)[\s>]", re.I)
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.I)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a feed, as plain text (HTML in titles and bodies flattened)."""

    title: str | None
    link: str | None
    published: datetime | None
    summary: str = ""
    content: str = ""  # the full text when the feed carries it, else ''
    author: str | None = None
    outlet: str | None = None  # the feed's title


def looks_like_feed(data: bytes, content_type: str | None = None) -> bool:
    """Whether a response is a feed rather than a page, by content type and the body's start."""
    kind = (content_type or "").lower()
    if any(t in kind for t in _FEED_TYPES):
        return True
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return b"jsonfeed.org" in head or b'"items"' in data[: SNIFF_BYTES * 8]
    if _HTML_ROOT.search(head):
        return False
    return bool(_XML_ROOT.search(head))


def _text(value: Any) -> str:
    """Plain, whitespace-folded text of a feed field that may hold HTML."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if "<" in value or "&" in value:
        value = html_fragment_text(value.replace("\n", " "))
    return " ".join(value.split())


def _body(value: Any) -> str:
    """Plain text of a feed body (summary or content), paragraphs kept."""
    if not isinstance(value, str) or not value.strip():
        return ""
    return html_fragment_text(value)


def _link(value: Any, base: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return urljoin(base, value.strip())


def _struct_date(entry: Any, url: str, title: str | None) -> datetime | None:
    """The item's date from feedparser's parsed fields, logging a date it could not read."""
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                # feedparser normalises to UTC
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            except (TypeError, ValueError):
                pass
        raw = entry.get(key)
        if raw:
            when = parse_datetime(raw)
            if when is not None:
                return when
            log.warning(
                "%s: item %r has an unreadable date %r; keeping it undated", url, title, raw
            )
            return None
    return None


def _xml_items(parsed: Any, url: str) -> list[FeedItem]:
    outlet = _text(parsed.feed.get("title")) or None
    base = parsed.feed.get("link") or url
    items: list[FeedItem] = []
    for entry in parsed.entries:
        try:
            title = _text(entry.get("title")) or None
            contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
            link = _link(entry.get("link"), base)
            if link is None and str(entry.get("id", "")).startswith(("http://", "https://")):
                link = entry["id"]
            items.append(
                FeedItem(
                    title=title,
                    link=link,
                    published=_struct_date(entry, url, title),
                    summary=_body(entry.get("summary")),
                    content=_body("\n".join(contents)),
                    author=_text(entry.get("author")) or None,
                    outlet=outlet,
                )
            )
        except (AttributeError, TypeError, ValueError) as exc:
            log.warning("%s: skipping an unreadable item: %s", url, exc)
    return items


def _json_items(doc: dict[str, Any], url: str) -> list[FeedItem]:
    outlet = _text(doc.get("title")) or None
    base = doc.get("home_page_url") or url
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        raise FeedError(url, "JSON Feed without an items list")
    items: list[FeedItem] = []
    for raw in raw_items:
        if not isinstance(raw, dict):
            log.warning("%s: skipping a JSON Feed item that is not an object", url)
            continue
        title = _text(raw.get("title")) or None
        date_raw = raw.get("date_published") or raw.get("date_modified")
        published = None
        if isinstance(date_raw, str):
            published = parse_datetime(date_raw)
        if date_raw and published is None:
            log.warning(
                "%s: item %r has an unreadable date %r; keeping it undated", url, title, date_raw
            )
        authors = raw.get("authors") or ([raw["author"]] if raw.get("author") else [])
        names = [
            name
            for a in authors
            if isinstance(a, dict) and isinstance(name := a.get("name"), str) and name
        ]
        content = _body(raw.get("content_html")) or _body(raw.get("content_text"))
        items.append(
            FeedItem(
                title=title,
                link=_link(raw.get("url") or raw.get("external_url"), base),
                published=published,
                summary=_text(raw.get("summary")),
                content=content,
                author=", ".join(names) or None,
                outlet=outlet,
            )
        )
    return items


def parse_feed(data: bytes, url: str) -> list[FeedItem]:
    """Parse an RSS, Atom or JSON feed.

    Args:
        data: the feed as fetched (any encoding; feedparser sniffs XML, JSON is decoded here).
        url: where it came from: names it in errors and resolves relative links.

    Returns:
        Its items in feed order, possibly recovered from malformed XML.

    Raises:
        FeedError: not a feed ('not an RSS/Atom feed'), or a feed with no items ('no items').
        TypeError: data is not bytes.

    """
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise FeedError(url, "empty response, not a feed")
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        try:
            doc = json.loads(decode_bytes(data, sniff_meta=False))
        except ValueError as exc:
            raise FeedError(url, f"not a JSON Feed: {exc}") from exc
        if not isinstance(doc, dict):
            raise FeedError(url, "not a JSON Feed (top level is not an object)")
        items = _json_items(doc, url)
    else:
        try:
            parsed = feedparser.parse(data, response_headers={"content-location": url})
        except Exception as exc:  # feedparser can raise from deep in its sanitizer on odd input
            raise FeedError(url, f"not an RSS/Atom feed ({type(exc).__name__})") from exc
        if parsed.get("bozo") and parsed.entries:
            log.info(
                "%s: malformed feed, recovered %d items: %s",
                url,
                len(parsed.entries),
                parsed.get("bozo_exception"),
            )
        if not parsed.entries:
            if not parsed.get("version"):
                reason = parsed.get("bozo_exception")
                detail = f": {str(reason).splitlines()[0][:80]}" if reason else ""
                raise FeedError(url, f"not an RSS/Atom feed{detail}")
            raise FeedError(url, "no items")
        items = _xml_items(parsed, url)
    if not items:
        raise FeedError(url, "no items")
    return items
