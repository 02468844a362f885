"""Rules a generator's output must pass before the verifier even sees it.

The verifier checks names, numbers and dates against the sources and the wording's similarity.
These rules catch what it does not look at: Discord mentions, links, citation markers the model
invented or copied from an article, run-on output, and words the evidence never uses.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ..verify import normalise_tokens

__all__ = ["Rejected", "clean_output", "max_words_for", "novel_share"]

# A generated sentence may run this much longer than the sentence it replaces: fusing two
# wordings takes a few words, but more means the model is adding something (and the digest
# must stay near its word budget).
MAX_LENGTH_RATIO = 1.25
LENGTH_SLACK_WORDS = 3
# Share of a sentence's content words (crudely stemmed) that the evidence never uses. A fluent
# rewording reuses the evidence's words; one that says something new brings its own.
# Hand-written paraphrases of the test stories stay under 0.23; "..., despite protests" is 0.29.
MAX_NOVEL_SHARE = 0.25
_STEM = 5  # characters: "rescued", "rescuers", "rescue" meet at "rescu"

# @everyone / @here, user, role and channel mentions, custom emoji.
_MENTION = re.compile(r"@(?:everyone|here)\b|<[@#][!&]?\d+>|<a?:\w+:\d+>", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\bdiscord\.gg/\S+", re.IGNORECASE)
_MARKERS = re.compile(r"\s*\[(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\]")
_BRACKETED = re.compile(r"\[[^\]]*\]?")
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_LABEL = re.compile(
    r"^(?:\*\*)?(?:sentence|headline|answer|digest|summary|output)\s*:\s*(?:\*\*)?\s*", re.I
)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[.,;:!?])")
_WRAPPERS = (("**", "**"), ('"', '"'), ("“", "”"), ("'", "'"), ("*", "*"), ("_", "_"))
# Words that turn a statement around. Similarity and entities barely move when a model writes
# "rejected" for "approved" or adds "not", so one the evidence lacks rejects the output.
_NEGATIONS = frozenset(
    {
        "not", "no", "never", "nor", "none", "nobody", "nothing", "neither", "without", "t",
        "deny", "denies", "denied", "reject", "rejects", "rejected", "refuse", "refuses",
        "refused", "fail", "fails", "failed", "cancel", "cancels", "cancelled", "canceled",
        "false", "fake", "hoax", "collapse", "collapsed", "dead", "died", "killed",
    }
)  # fmt: skip
# Words a generated sentence may use that its evidence need not: function words and the
# reporting verbs ("said", "told"). Not spaCy's list, which also holds "one", "two", "first",
# "last", "hundred": a number the evidence lacks must count as new.
_FREE_WORD_TEXT = (
    "a an the and or but of to in on at by for from with as is are was were be been being has "
    "have had it its this that these those which who whom whose what when where how than then "
    "there their they them he she his her him we our you your i not no nor so also after before "
    "about over into onto out up down off while during since until would will could can may "
    "might shall should must do does did said says say told according"
)
_FREE_WORDS = frozenset(_FREE_WORD_TEXT.split())


class Rejected(ValueError):
    """The output breaks a rule.

    `kind` names the rule (counted by the benchmark); the message adds the detail (logged).
    """

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind = kind
        super().__init__(f"{kind}: {detail}" if detail else kind)


def _stems(text: str) -> set[str]:
    return {t[:_STEM] for t in normalise_tokens(text) if t not in _FREE_WORDS}


def novel_share(text: str, evidence: str) -> float:
    """Share of the text's content words that the evidence does not use (0 for no words)."""
    words = _stems(text)
    if not words:
        return 0.0
    return len(words - _stems(evidence)) / len(words)


def _unwrap(text: str) -> str:
    """Drop quotes or markdown emphasis wrapped around the whole output."""
    changed = True
    while changed and len(text) > 2:
        changed = False
        for left, right in _WRAPPERS:
            inner = text[len(left) : -len(right)]
            if text.startswith(left) and text.endswith(right) and left not in inner:
                text, changed = inner.strip(), True
    return text


def clean_output(
    raw: str,
    *,
    evidence: str,
    ids: Collection[int],
    max_words: int,
    min_words: int = 1,
) -> str:
    """The generator's text, cleaned, or `Rejected` when it breaks a rule.

    Citation markers with ids from `ids` are removed (the prompt asks for them; the verifier
    decides the citations); any other marker means the model invented or copied one.

    Args:
        raw: the model's output.
        evidence: every evidence text the model was given, joined.
        ids: the citation ids the prompt offered.
        max_words: the most words the cleaned text may have.
        min_words: the fewest.

    Returns:
        The cleaned text: one line, markers removed, whitespace folded.

    Raises:
        Rejected: a mention, link or foreign marker, too long or too short, or new words.

    """
    text = _THINK.sub(" ", raw)
    if "</think>" in text:  # a reasoning model whose opening tag was eaten by the template
        text = text.rsplit("</think>", 1)[1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise Rejected("empty")
    # The first line is the answer; what follows is chatter ("I hope this helps").
    text = _LABEL.sub("", lines[0]).strip()
    if _MENTION.search(text):
        raise Rejected("mention", text[:60])
    if "@" in text and "@" not in evidence:
        raise Rejected("mention", "an @ the evidence does not have")
    for url in _URL.findall(text):
        if url.rstrip(".,;:!?)") not in evidence:
            raise Rejected("link", url[:60])
    for group in _MARKERS.findall(text):
        for number in re.split(r"\s*[,;]\s*", group):
            if int(number) not in ids:
                raise Rejected("marker", f"[{number}] names no evidence")
    text = _MARKERS.sub("", text)
    for bracket in _BRACKETED.findall(text):
        if bracket not in evidence:
            raise Rejected("marker", bracket[:40])
    text = _unwrap(_SPACE_BEFORE_PUNCT.sub("", " ".join(text.split())).strip())
    words = len(text.split())
    if words < min_words:
        raise Rejected("too short", f"{words} words")
    if words > max_words:
        raise Rejected("too long", f"{words} words, at most {max_words}")
    flipped = _NEGATIONS.intersection(normalise_tokens(text)) - set(normalise_tokens(evidence))
    if flipped:
        raise Rejected("negation", f"{sorted(flipped)} not in the evidence")
    share = novel_share(text, evidence)
    if share > MAX_NOVEL_SHARE:
        raise Rejected("new words", f"{share:.0%} of its words are not in the evidence")
    return text


def max_words_for(reference_words: int) -> int:
    """The length cap for a sentence replacing one of `reference_words` words."""
    return int(reference_words * MAX_LENGTH_RATIO) + LENGTH_SLACK_WORDS
