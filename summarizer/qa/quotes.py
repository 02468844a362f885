"""How an answer reads: evidence quoted around the answer, citation marks, DONT_SAY."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Answer

DONT_SAY = "The sources don't say."


MAX_QUOTE_CHARS = 280  # longer evidence is cut to a window around the answer
SHORT_QUOTE_CHARS = 220  # the quote after a short answer: the words around it
MIN_CLAUSE_CHARS = 60  # a shorter clause quoted after a short answer keeps the one before it


def _dont_say(reason: str | None = None) -> Answer:
    text = f"{DONT_SAY} ({reason[:1].upper()}{reason[1:]}.)" if reason else DONT_SAY
    return Answer(text=text, citations=[], answered=False)


def _told(sentences: Sequence[str], cites: Sequence[int]) -> Answer:
    """An answer that is the sources' own sentences, quoted in order, then their marks."""
    return Answer(
        text=f"{' '.join(_quote(s) for s in sentences)} {_marks(cites)}",
        citations=sorted(set(cites)),
        answered=True,
        evidence=list(sentences),
    )


def _marks(ids: Sequence[int]) -> str:
    return "".join(f"[{i}]" for i in sorted(set(ids)))


def _quote(sentence: str, around: str | None = None, limit: int = MAX_QUOTE_CHARS) -> str:
    """The sentence, cut to a window around `around` (or its start) when over `limit`."""
    if len(sentence) <= limit:
        return sentence
    at = sentence.lower().find(around.lower()) if around else -1
    start = max(0, at - limit // 3) if at >= 0 else 0
    end = min(len(sentence), start + limit)
    start = max(0, end - limit)
    # Cut at spaces so no word is halved.
    if start > 0:
        start = sentence.find(" ", start) + 1 or start
    if end < len(sentence):
        end = sentence.rfind(" ", start, end) if sentence.rfind(" ", start, end) > start else end
    return (
        ("…" if start > 0 else "")
        + sentence[start:end].strip()
        + ("…" if end < len(sentence) else "")
    )


# Where a sentence may be cut without losing its sense: between clauses.
_CLAUSE_BREAK = re.compile(
    r"\s*;\s+|\s+[—–]\s+|\s+--\s+|,\s+(?=(?:though|although|but|while|whereas|and|as|"
    r"which|who|after|before|when|according|including|with|even|despite|since|amid)\b)"
)


def _clause(sentence: str, answer: str) -> str:
    """The clause of a sentence that holds the answer, with the clause before it when short.

    "Ines Hald won the gold medal, the biggest prize, though it was Tomas Varn who set a
    record" quotes only what supports "Ines Hald"; cut ends are marked with "…".
    """
    at = sentence.lower().find(answer.lower())
    if at < 0:
        return sentence
    cuts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence) + 1]
    k = max(i for i in range(len(cuts) - 1) if cuts[i] <= at)
    start = cuts[k]
    nxt = _CLAUSE_BREAK.search(sentence, at + len(answer))
    end = nxt.start() if nxt else len(sentence)
    if end - start < MIN_CLAUSE_CHARS and k > 0:
        start = cuts[k - 1]  # "…, as Japan's Suga ..." needs what comes before to make sense
    piece = sentence[start:end].strip(" ,;")
    return ("…" if start > 0 else "") + piece + ("…" if end < len(sentence) else "")
