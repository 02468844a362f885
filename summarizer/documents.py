"""A local document's bytes as an Article: its kind, its text, its title, outlet and date.

Plain text and Markdown go through `clean.clean_text`, HTML through `extract.article_from_html`;
a feed comes back as raw bytes for `ingest` to read as one. A text's title is its first heading
or first short line, its outlet and date come from its front matter, else its date from a byline
("March 22, 2021", "2 hours ago" counted back from when the file was written).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from markdown_it import MarkdownIt

from .clean import clean_text
from .dates import parse_datetime
from .errors import ExtractionError, InputError
from .extract import article_from_html, byline_date, decode_bytes, html_fragment_text
from .feeds import looks_like_feed
from .models import Article
from .sentences import split_text

__all__ = ["SNIFF_BYTES", "document", "is_binary", "load_bytes", "load_file", "token_count"]

TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MIN_TEXT_WORDS = 15  # a text file shorter than this is a note, not an article
TITLE_MAX_WORDS = 20  # a first line longer than this is a sentence, not a headline
KICKER_MAX_WORDS = 4  # 'World news', 'Asia at a crossroads': a section label above the headline
SNIFF_BYTES = 8192  # how much of a file is read to tell text, HTML and binary apart
BINARY_CONTROL_SHARE = 0.1  # text files have almost no control characters besides \t\n\r

_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_ANY = re.compile(rb"<(?:p|div|article|title|meta|h1)\b[^>]*>", re.I)
_MD_HINT = re.compile(r"^(?:#{1,6} \S|\[[^\]]+\]\([^)]+\)|[*_]{1,2}\S)", re.M)
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)]*$")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)
# Front-matter keys, most specific first, for the outlet and the date.
_OUTLET_KEYS = ("outlet", "source", "publisher", "site_name", "site")
_DATE_KEYS = ("published", "date", "pubdate")

_markdown: MarkdownIt | None = None


def _md() -> MarkdownIt:
    global _markdown
    if _markdown is None:
        _markdown = MarkdownIt("commonmark", {"html": True})
    return _markdown


def token_count(text: str) -> int:
    """Whitespace-separated tokens, as the title, kicker and shortest-text limits count words.

    Not `text.word_count`: its word-character runs make "U.S." and "COVID-19" two words each.
    """
    return len(text.split())


def is_binary(head: bytes) -> bool:
    """NUL bytes or many control characters: not a text or HTML file."""
    if not head:
        return False
    if b"\x00" in head:
        # UTF-16 text is full of NULs too, but carries a BOM.
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > BINARY_CONTROL_SHARE


def _looks_like_title(line: str) -> bool:
    return 0 < token_count(line) <= TITLE_MAX_WORDS and not _TERMINAL.search(line)


def _split_title(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take the headline off the top of cleaned text: short and without a final full stop.

    Leading labels of a few words ('World', a section kicker) above a longer headline are
    dropped with it; a text that starts with a sentence has no headline line.
    """
    lead: list[str] = []
    for para in paragraphs:
        if not _looks_like_title(para):
            break
        lead.append(para)
    if not lead or len(lead) == len(paragraphs):
        return None, paragraphs
    pick = next((i for i, p in enumerate(lead) if token_count(p) > KICKER_MAX_WORDS), 0)
    return lead[pick], paragraphs[pick + 1 :]


def _first_line_title(body: str) -> str | None:
    """A title for a text without a headline line: its first sentence, shortened if long.

    The sentence stays in the body (it is the story's lead); the title only names the source,
    so a reader sees what it is rather than its file name.
    """
    sentences = split_text(body)
    if not sentences:
        return None
    words = sentences[0].split()
    if len(words) > TITLE_MAX_WORDS:
        return " ".join(words[:TITLE_MAX_WORDS]).rstrip(",;:") + "…"
    return " ".join(words).rstrip(".")


def _text_article(text: str, name: str, *, title: str | None = None) -> Article:
    """An article from plain text: cleaned, headline taken off the top unless given."""
    cleaned = clean_text(text)
    paragraphs = [p for p in cleaned.split("\n\n") if p]
    if title is None:
        title, paragraphs = _split_title(paragraphs)
    body = "\n\n".join(paragraphs)
    if token_count(body) < MIN_TEXT_WORDS:
        raise ExtractionError(name, f"no article text found (under {MIN_TEXT_WORDS} words)")
    return Article(text=body, title=title or _first_line_title(body))


def _markdown_article(text: str, name: str) -> Article:
    """An article from Markdown: its first heading as title, syntax stripped, then cleaned.

    A top-level '# ' heading wins; without one, the first heading of any level.
    """
    tokens = _md().parse(text)
    headings = [i for i, t in enumerate(tokens) if t.type == "heading_open" and i + 2 < len(tokens)]
    first = next((i for i in headings if tokens[i].tag == "h1"), headings[0] if headings else None)
    title: str | None = None
    if first is not None:
        title = html_fragment_text(_md().renderInline(tokens[first + 1].content)) or None
        del tokens[first : first + 3]
    html = _md().renderer.render(tokens, _md().options, {})
    return _text_article(html_fragment_text(html), name, title=title)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """A leading `---` block of `key: value` lines (Jekyll, Hugo), and the text after it.

    Only flat keys are read (quotes stripped, lists and nesting ignored): the title, outlet and
    date are all this pipeline wants from it.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    block = match.group(1) or ""
    # Text between two horizontal rules is no front matter: every line must be a key, a
    # nested or list line, or a comment.
    for line in block.splitlines():
        if line.strip() and not (
            _FRONT_MATTER_KEY.match(line) or line[:1].isspace() or line.startswith(("-", "#"))
        ):
            return {}, text
    fields: dict[str, str] = {}
    for key, value in _FRONT_MATTER_KEY.findall(block):
        value = value.strip().strip("'\"").strip()
        if value and not value.startswith(("[", "{", "|", ">")):
            fields.setdefault(key.lower(), value)
    return fields, text[match.end() :]


def document(text: str, name: str, kind: str, *, written: datetime) -> Article:
    """An article from a text or Markdown document, with its front matter and byline read.

    Args:
        text: the decoded document.
        name: the input, for errors.
        kind: 'markdown' or 'text'.
        written: when the document was written or fetched; a byline's "2 hours ago" counts
            back from it.

    """
    fields, body = _front_matter(text)
    convert = _markdown_article if kind == "markdown" else _text_article
    article = convert(body, name)
    article.title = fields.get("title") or article.title
    article.outlet = next((fields[k] for k in _OUTLET_KEYS if k in fields), None)
    stated = next((when for k in _DATE_KEYS if (when := parse_datetime(fields.get(k)))), None)
    if stated is not None:
        article.published, article.dated_by = stated, "metadata"
    elif when := byline_date(body, reference=written):
        # Read from the text, so a guess: it never drops an article or splits a story.
        article.published, article.dated_by = when, "guess"
    return article


def _kind(path: Path | None, head: bytes) -> str:
    """'html', 'markdown', 'feed' or 'text'.

    A feed is told by its content whatever the suffix (an RSS file has <title> tags too, so it
    goes first); then the suffix decides, else the first bytes.
    """
    if looks_like_feed(head):
        return "feed"
    suffix = path.suffix.lower() if path is not None else ""
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if _HTML_START.search(head) or len(_HTML_ANY.findall(head)) >= 2:
        return "html"
    if _MD_HINT.search(decode_bytes(head[:2048], sniff_meta=False)):
        return "markdown"
    return "text"


def load_bytes(
    data: bytes, name: str, *, path: Path | None, written: datetime
) -> tuple[str, bytes] | Article:
    """Convert one document's bytes (in a worker thread); a feed comes back as raw bytes."""
    if not data.strip():
        raise InputError(name, "empty file" if path is not None else "empty input")
    if is_binary(data[:SNIFF_BYTES]):
        raise InputError(name, "binary file, not text or HTML")
    kind = _kind(path, data[:SNIFF_BYTES])
    if kind == "feed":
        return ("feed", data)
    where = str(path) if path is not None else None
    if kind == "html":
        return article_from_html(data, path=where)
    article = document(decode_bytes(data, sniff_meta=False), name, kind, written=written)
    article.path = where
    return article


def load_file(path: Path, max_bytes: int) -> tuple[str, bytes] | Article:
    """Read and convert one file (in a worker thread); a feed file comes back as raw bytes."""
    name = str(path)
    try:
        stat = path.stat()
        if stat.st_size > max_bytes:
            raise InputError(name, f"file of {stat.st_size} bytes exceeds the {max_bytes}-byte cap")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from exc
    # The file's modification time is when it was last written: a byline's reference.
    written = datetime.fromtimestamp(stat.st_mtime, UTC)
    return load_bytes(data, name, path=path, written=written)
