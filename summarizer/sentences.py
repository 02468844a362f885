"""Sentence splitting for news text: pysbd per paragraph, cached per text.

pysbd handles 'U.S.', 'Jan.', initials and quotes better than regex splitters; it is also slow
(about a millisecond a sentence), so every paragraph is split once per process and cached.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import pysbd
from pysbd.utils import TextSpan

from .models import Article, Sentence
from .text import SAYING_VERBS, TITLE_ABBREVIATIONS

__all__ = ["split_article", "split_paragraph", "split_text"]

log = logging.getLogger(__name__)

MIN_SENTENCE_CHARS = 3  # shorter pieces are stray punctuation, not sentences
_CACHE_SIZE = 50_000  # paragraphs; a few MB of strings

_segmenter: pysbd.Segmenter | None = None
_WS = re.compile(r"\s+")
# Two sentences a page ran together: "... their child.Less than a week later, ...".
_GLUED = re.compile(r"([a-z]{2}[.!?][\"”]?)([A-Z][a-z])")
# pysbd keeps a closing quote on the wrong side now and then: ‘He said. ”Next’ -> move it back.
# A straight one followed by a space closes too: ‘... of the Union.’ + ‘" "The fact is ...’.
_LEADING_CLOSER = re.compile(r"^([”’)\]]+|\"(?=\s))\s*")
# ... and splits a possessive after an abbreviation: 'Facebook Inc.’' + 's role in ...'.
_SPLIT_POSSESSIVE = re.compile(r"[.][’']$")
_POSSESSIVE_REST = re.compile(r"^s\b")
# ... and cuts a title off the name it goes with when a quotation opens on it ('“Mr.' +
# 'Kushner previously volunteered ...').
_LONE_TITLE = re.compile(rf"^[\"“‘'(]*(?:{'|'.join(TITLE_ABBREVIATIONS)})\.$")
# ... and ends a quotation at '!"' or '?"' apart from its speaker: '"We pray together!"' +
# 'Francis told him.' The speaker's line is one to three capitalised words and a verb of saying.
_BARE_QUOTATION = re.compile(r"^[\"“‘].*[!?][\"”’]$")
_SPEAKER_VERBS = SAYING_VERBS | {"asked", "shouted", "tweeted", "posted"}
# ... and ends a sentence at "p.m." before its time zone, day or date: 'at 2 p.m.' + 'Eastern,
# when ...', 'At 2 a.m.' + 'Tuesday, the crew ...'.
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_AFTER_CLOCK = re.compile(
    r"^(?:[ECMP][SD]?T|GMT|UTC|BST|CET)\b"
    r"|^(?:Eastern|Central|Mountain|Pacific|Atlantic)(?=[,.;:)]| [Tt]ime\b| [a-z]|$)"
    r"|^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b(?! [A-Z])"
    # 'from 10:30 p.m.' + 'Aug. 9 to 6:30 a.m.': a date right after the hour.
    r"|^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.? \d{1,2}\b"
)
# ... and ends a sentence at a dotted code's closing point: 'KV.2.1.' + 'is second ...'.
_DOTTED_CODE_END = re.compile(r"\b\w+(?:\.\w+)*\.\d+\.$")
_LOWER_START = re.compile(r"^[a-z]+[\s,;]")  # "is", not "iPhone"
_SPEAKER_FIRST = re.compile(r"^(?:[A-Z][\w.'’-]*\s+){1,3}(\w+)\b")


class _Segmenter(pysbd.Segmenter):
    """pysbd with its sentences found again in the text by `str.find`.

    pysbd compiles one regular expression per sentence for this (a third of its time); the
    spans are the same: each sentence's first occurrence ending after the previous one's,
    with the whitespace after it.
    """

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        text: str = self.original_text
        spans: list[TextSpan] = []
        prior_end = 0
        for sentence in sentences:
            start = text.find(sentence)
            while start != -1:
                end = start + len(sentence)
                while end < len(text) and text[end].isspace():
                    end += 1
                if end > prior_end:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior_end = end
                    break
                # The next match may not overlap this one (as `re.finditer`'s).
                start = text.find(sentence, max(end, start + 1))
        return spans


def _get_segmenter() -> pysbd.Segmenter:
    global _segmenter
    if _segmenter is None:
        _segmenter = _Segmenter(language="en", clean=False)
    return _segmenter


@lru_cache(maxsize=_CACHE_SIZE)
def split_paragraph(paragraph: str) -> tuple[str, ...]:
    """Split one paragraph into sentences (whitespace folded, fragments dropped)."""
    text = _GLUED.sub(r"\1 \2", _WS.sub(" ", paragraph).strip())
    if not text:
        return ()
    pieces = _rehome_quotes([p.strip() for p in _get_segmenter().segment(text)])
    out: list[str] = []
    title = ""
    for piece in pieces:
        if _LONE_TITLE.match(piece):
            title += piece + " "
            continue
        piece, title = title + piece, ""
        match = _LEADING_CLOSER.match(piece)
        if match and out:
            out[-1] += match.group(1)
            piece = piece[match.end() :]
        # A possessive or a comma after an abbreviation goes on with the sentence:
        # 'Facebook Inc.’' + 's role', 'at 64 Perry St.' + ', which sold for ...'.
        possessive = bool(
            out and _SPLIT_POSSESSIVE.search(out[-1]) and _POSSESSIVE_REST.match(piece)
        )
        clock = bool(out and _CLOCK_END.search(out[-1]) and _AFTER_CLOCK.match(piece))
        code = bool(out and _DOTTED_CODE_END.search(out[-1]) and _LOWER_START.match(piece))
        if out and (clock or code):
            out[-1] += " " + piece
            continue
        if out and (possessive or piece[:1] in {",", ";"}):
            out[-1] += piece
            continue
        if out and _BARE_QUOTATION.match(out[-1]) and _speaker_line(piece):
            out[-1] += " " + piece
            continue
        if len(piece) >= MIN_SENTENCE_CHARS:
            out.append(piece)
        elif out and piece:
            out[-1] += piece
    if title and out:
        out[-1] += " " + title.rstrip()
    return tuple(out)


def _speaker_line(piece: str) -> bool:
    match = _SPEAKER_FIRST.match(piece)
    return match is not None and match.group(1).lower() in _SPEAKER_VERBS


def _rehome_quotes(pieces: list[str]) -> list[str]:
    """Put straight quotes pysbd split off on the side where they pair up.

    A piece with an odd number of '"' next to another with an odd number shares one quote
    with it: an opening quote left at the end moves forward, a closing one at the start back.
    """
    for i in range(len(pieces) - 1):
        left, right = pieces[i], pieces[i + 1]
        if left.count('"') % 2 == 0 or right.count('"') % 2 == 0:
            continue
        # ('“Will it rain?"' closes its curly opening mark with a straight one.)
        curly_opened = left.count("“") > left.count("”")
        if left.endswith('"') and len(left) > 1 and left[-2] in " .!?“" and not curly_opened:
            pieces[i], pieces[i + 1] = left[:-1].rstrip(), '"' + right
        elif right.startswith('"') and left.rstrip()[-1:] in ".!?,":
            pieces[i], pieces[i + 1] = left + '"', right[1:].lstrip()
    return pieces


def split_text(text: str) -> list[str]:
    """Split text (paragraphs separated by blank lines) into sentences."""
    return [s for para in re.split(r"\n\s*\n", text) for s in split_paragraph(para)]


def split_article(article: Article, index: int) -> list[Sentence]:
    """The sentences of one article, numbered by position.

    Args:
        article: the article.
        index: the article's index within its story.

    Returns:
        Sentences in reading order.

    """
    sentences: list[Sentence] = []
    for p, para in enumerate(article.paragraphs):
        for text in split_paragraph(para):
            sentences.append(Sentence(text, article=index, position=len(sentences), paragraph=p))
    return sentences
