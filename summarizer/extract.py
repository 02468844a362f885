"""Main-text extraction from HTML pages: text, title, outlet, date and canonical URL.

Stages of `article_from_html`:
1. decode bytes: BOM, valid UTF-8, the declared charset (HTTP, then <meta>), detection, and a
   lossy cp1252 decode as the last resort, so no page fails on its encoding;
2. parse once with lxml; read the date, canonical URL and site name from the page's metadata;
3. main text by trafilatura (favor_precision, no comments) and by readability-lxml; trafilatura's
   text wins unless it holds less than half of readability's words (it missed the body);
4. refuse pages with too little text.

Measured on the 181 pages of ../shared/data/extraction (mean token F1, bench/extraction.py):
trafilatura favor_precision alone 0.957; without comments 0.965; readability-lxml alone 0.958;
with the readability fallback 0.975 (it switched 3 pages, each for the better: two long magazine
pages that trafilatura cut short and one it nearly emptied); dropping a first paragraph that
repeats the title 0.976. Running clean_text's light mode on the result cost 0.002 F1 (the gold
bodies keep 'Click here' lines and photo credits) and the full mode cost more, so the extracted
text is left as the extractors give it. The fallback costs a readability pass per page
(about 0.04 s on one core).
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlparse

import charset_normalizer
import lxml.html
import trafilatura
from lxml import etree
from readability import Document as ReadabilityDocument

from .dates import as_utc, parse_datetime, url_date
from .errors import ExtractionError
from .models import Article, DatedBy
from .text import word_count

__all__ = ["article_from_html", "byline_date", "decode_bytes", "html_fragment_text"]

log = logging.getLogger(__name__)

MIN_WORDS = 25  # fewer words than this is a stub, a paywall or an error page, not an article
FALLBACK_RATIO = 0.5  # trafilatura below this share of readability's words missed the body
META_SNIFF_BYTES = 4096  # browsers look for <meta charset> in the first 1024; be generous
BYLINE_CHARS = 600  # a byline sits above the story or in its first lines, never further down
BYLINE_MAX_WORDS = 12  # a line this short holding "2 hours ago" is a byline, not a sentence

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Elements that end a paragraph when their markup is flattened to text.
_BLOCK_TAGS = frozenset(
    {
        *("p", "div", "section", "article", "blockquote", "li", "ul", "ol", "pre", "table"),
        *("tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "figure", "figcaption"),
        *("header", "footer", "aside", "main", "dd", "dt", "dl"),
    }
)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "form", "button")

# Date, outlet and canonical URL are read here although trafilatura's bare_extraction returns
# them too: compared on the 181 pages of ../shared/data/extraction (no gold for these fields),
# - date: ours finds a stated date on 161 pages, trafilatura (metadata only) on 179, the same
#   day on 146; but trafilatura gives a day without a time and does not say whether it came
#   from the metadata, the URL or the text, and the freshness filter (hours) and `dated_by`
#   need both;
# - outlet: ours names 160, trafilatura 153 (as a fallback it stays), the same on 107; it gives
#   handles ("SputnikInt", "NYTimes") where ours has the name or nothing;
# - canonical URL: the same on 173; on the other 8 trafilatura turns https into http (5) or
#   keeps the URL it was given over the page's rel=canonical (3, two of them a syndicating
#   portal's copy of another outlet's article).
# Publication date: the most specific declarations first.
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "article:published",
    "datePublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "date",
)
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")


def decode_bytes(data: bytes, declared: str | None = None, *, sniff_meta: bool = True) -> str:
    """Decode a page or text file whatever its encoding; never raises on bad bytes.

    Args:
        data: the raw bytes.
        declared: the charset the server declared (Content-Type), if any.
        sniff_meta: also honour an HTML <meta charset> near the top.

    Returns:
        The text.

    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    # Valid UTF-8 with non-ASCII bytes is practically never another encoding by accident,
    # while pages declaring latin-1 but sending UTF-8 are common.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    if sniff_meta:
        match = _META_CHARSET.search(data[:META_SNIFF_BYTES])
        if match:
            candidates.append(match.group(1).decode("ascii", "ignore"))
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None:
        candidates.append(best.encoding)
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        # Browsers read a latin-1 label as windows-1252 (curly quotes live in 0x80-0x9f).
        if codec in ("latin-1", "iso8859-1", "ascii"):
            codec = "cp1252"
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# A day is required: "in June 2019" is something the story mentions, not when it came out.
_DAY_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b",
    re.I,
)
_AGO = re.compile(
    r"\b(?:\d{1,3}|an?|one)\s+(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\s+ago\b", re.I
)


def byline_date(text: str, *, reference: datetime) -> datetime | None:
    """The date a byline near the top of a text gives ("March 22, 2021", "2 hours ago"), or None.

    Only the first BYLINE_CHARS characters are read; a relative date counts only on a line of at
    most BYLINE_MAX_WORDS words ("Updated 2 hours ago"), since "two days ago" in a sentence tells
    when something happened, not when it was written.

    Args:
        text: the article text as it arrived (before datelines are cleaned away).
        reference: when the text was written or fetched; "2 hours ago" counts back from it.

    Returns:
        A tz-aware datetime (naive references are taken as UTC), or None.

    """
    head = text[:BYLINE_CHARS]
    found = _DAY_DATE.search(head)
    if found is None:
        found = next(
            (
                match
                for line in head.splitlines()
                if len(line.split()) <= BYLINE_MAX_WORDS and (match := _AGO.search(line))
            ),
            None,
        )
    if found is None:
        return None
    import dateparser  # imported on demand: it costs a quarter second and most texts need none

    reference = as_utc(reference)
    when = dateparser.parse(
        found.group(0).replace(".", ""),
        languages=["en"],
        settings={
            # dateparser counts back from a naive time in its TIMEZONE.
            "RELATIVE_BASE": reference.astimezone(UTC).replace(tzinfo=None),
            "TIMEZONE": "UTC",
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "past",
        },
    )
    return when


def html_fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's content), block elements as paragraphs."""
    if not fragment or "<" not in fragment:
        return "\n\n".join(p.strip() for p in (fragment or "").split("\n\n") if p.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    return _element_text(root)


def _element_text(root: lxml.html.HtmlElement) -> str:
    """Text of an element tree with a paragraph break at every block element."""
    # Collected first: dropping while iterating skips siblings.
    for bad in list(root.iter(*_DROP_TAGS)):
        if bad.getparent() is not None:
            bad.drop_tree()
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n\n")

    walk(root)
    text = "".join(parts)
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


_YEAR_ONLY = re.compile(r"^\s*\d{4}\s*$")


def _meta(tree: lxml.html.HtmlElement, names: tuple[str, ...]) -> str | None:
    """The first non-empty <meta> content among names (property, name or itemprop)."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content:
            found.setdefault(key, content)
    for name in names:
        if name.lower() in found:
            return found[name.lower()]
    return None


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict[str, object]]:
    """Every JSON-LD object on the page (graphs flattened); broken blocks are skipped."""
    objects: list[dict[str, object]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return objects


def _published(tree: lxml.html.HtmlElement) -> datetime | None:
    """The date the page's metadata states: meta tags, JSON-LD, then <time datetime>.

    A bare year ("2019") states no day: it is left to the weaker sources.
    """
    values: list[object] = [_meta(tree, _DATE_META)]
    values += [obj.get("datePublished") for obj in _json_ld(tree)]
    values += [el.get("datetime") for el in tree.iter("time")]
    for value in values:
        if isinstance(value, str) and not _YEAR_ONLY.match(value):
            when = parse_datetime(value)
            if when:
                return when
    return None


def _outlet(tree: lxml.html.HtmlElement) -> str | None:
    name = _meta(tree, _SITE_META)
    if name and not name.startswith("@"):
        return name
    for obj in _json_ld(tree):
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return str(publisher["name"]).strip() or None
    return None


def _canonical(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    for el in tree.iter("link"):
        rels = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rels and href:
            return urljoin(url, href) if url else href
    og = _meta(tree, ("og:url",))
    if og and og.startswith(("http://", "https://")):
        return og
    return url


def _domain(url: str | None) -> str | None:
    host = urlparse(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _named_site(sitename: str | None, url: str | None) -> str | None:
    """Trafilatura's site name, unless it is only the URL's host (that is no name)."""
    if not sitename:
        return None
    parsed = urlparse(url) if url else None
    hosts = {parsed.netloc.lower(), (parsed.hostname or "").lower()} if parsed else set()
    if sitename.lower().removeprefix("www.") in {h.removeprefix("www.") for h in hosts if h}:
        return None
    return sitename


def _paragraphs(text: str | None) -> str:
    """Extractor output (one paragraph a line) as blank-line separated paragraphs."""
    lines = (ln.strip().removeprefix("- ").strip() for ln in (text or "").splitlines())
    return "\n\n".join(ln for ln in lines if ln)


def _readability_text(html: str, url: str | None) -> str:
    try:
        summary = ReadabilityDocument(html, url=url).summary(html_partial=True)
        return _element_text(lxml.html.fromstring(summary))
    except Exception as exc:  # readability raises bare Exceptions on odd markup
        log.debug("readability failed on %s: %s", url, exc)
        return ""


def _byline_region(html: str, title: str | None, text: str) -> str:
    """The page's visible text from its headline on (the extractors drop bylines as furniture).

    Without the headline in sight, from a little above the first words of the article.
    """
    try:
        page_text = _element_text(lxml.html.fromstring(html))
    except (etree.ParserError, ValueError):
        return text
    folded = page_text.casefold()
    anchor = folded.find(title.casefold()) if title else -1
    if anchor < 0:
        lead = folded.find(text[:60].casefold())
        anchor = max(0, lead - BYLINE_CHARS // 2) if lead >= 0 else 0
    return page_text[anchor:]


def article_from_html(
    html: str | bytes,
    *,
    url: str | None = None,
    path: str | None = None,
    encoding: str | None = None,
    default_outlet: str | None = None,
) -> Article:
    """Extract the article of one HTML page.

    Args:
        html: the page, as text or raw bytes (decoded robustly).
        url: where the page came from: resolves relative links, names the outlet as a last resort.
        path: the file it was read from, if any (kept on the article).
        encoding: the charset the server declared, for bytes.
        default_outlet: the outlet when the page names none (a feed's title), before the
            URL's domain is used.

    Returns:
        The article: text (paragraphs separated by blank lines), title, outlet, tz-aware
        published date and canonical URL where the page gives them.

    Raises:
        ExtractionError: no article text (empty page, garbage, a stub under MIN_WORDS words).
        TypeError: html is neither str nor bytes.

    """
    name = url or path or "<html>"
    if isinstance(html, bytes):
        html = decode_bytes(html, encoding)
    elif not isinstance(html, str):
        raise TypeError(f"html must be str or bytes, not {type(html).__name__}")
    # lxml refuses str input that still carries an encoding declaration.
    html = _XML_DECL.sub("", html.replace("\x00", ""), count=1)
    if not html.strip():
        raise ExtractionError(name, "empty page")
    tree = trafilatura.load_html(html)
    if tree is None:
        raise ExtractionError(name, "not an HTML page")
    published = _published(tree)
    outlet = _outlet(tree)
    canonical = _canonical(tree, url)
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_precision=True,
            include_comments=False,
            with_metadata=True,
        )
    except Exception as exc:  # trafilatura has no error hierarchy of its own
        log.warning("%s: trafilatura failed: %s", name, exc)
        doc = None
    text = _paragraphs(getattr(doc, "text", None))
    fallback = _readability_text(html, url)
    if word_count(text) < FALLBACK_RATIO * word_count(fallback):
        log.debug(
            "%s: readability %d words, trafilatura %d", name, word_count(fallback), word_count(text)
        )
        text = fallback
    title = getattr(doc, "title", None) or None
    if title:
        title = " ".join(title.split())
        # The headline often opens the body too; once, as the title, is enough.
        first, _, rest = text.partition("\n\n")
        if rest and " ".join(first.split()).casefold() == title.casefold():
            text = rest
    if word_count(text) < MIN_WORDS:
        raise ExtractionError(name, f"no article text found (under {MIN_WORDS} words)")
    dated_by: DatedBy | None = "metadata" if published else None
    if published is None and (published := url_date(canonical or url)):
        dated_by = "url"
    # trafilatura's own date searches the text too ("in June 2019"): a guess, ranked last.
    guessed = getattr(doc, "date", None)
    if published is None and isinstance(guessed, str):
        published = parse_datetime(guessed)
        dated_by = "guess" if published else None
    if published is None and (
        published := byline_date(_byline_region(html, title, text), reference=datetime.now(UTC))
    ):
        # "2 hours ago" under the headline: counted back from now, when the page was fetched.
        dated_by = "guess"
    return Article(
        text=text,
        title=title,
        url=canonical,
        outlet=outlet
        or _named_site(getattr(doc, "sitename", None), url)
        or default_outlet
        or _domain(canonical or url),
        path=path,
        published=published,
        dated_by=dated_by,
    )
