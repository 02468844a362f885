"""A wording's text from the tokens its keep-mask keeps (stage 5, claims).

Cuts leave commas doubled, brackets empty and a lower-case first word; this tidies them and
refuses a remnant no outlet would have written (unbalanced quotation marks, a stop on "but").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._masks import MIN_CLAIM_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["QUOTE_CHARS", "render"]

QUOTE_CHARS = '"“”'
_OPEN_PUNCT = ",;:—–-"
_MARKERS = "*•·"  # a list's or an update's marker left before a sentence inside a paragraph
# A wording that stops on a link lost what came after it ("... the anthem – but.").
_ENDS_ON_LINK = re.compile(r"\b(?:but|and|or|nor|because|while|that|which|who)[.!?]$", re.I)

# ... but not before a decimal: "hitting at .340" keeps its space.
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)”’%])(?!\d)")
_REPEATED_COMMA = re.compile(r"(?:\s*,){2,}")
# A whole sentence an outlet set in brackets as an aside.
_WRAPPED = re.compile(r"^\(([^()]+?)([.!?])\)\.?$")
_COMMA_BEFORE_END = re.compile(r"[,;:\s—–-]+([.!?][\"”’)]*)$")


def render(
    doc: Doc, keep: list[bool], replace: dict[int, str], *, min_words: int = MIN_CLAIM_WORDS
) -> str | None:
    """The kept tokens as a sentence: punctuation tidied, capitalised, ended; None if broken.

    None, too, when it is shorter than `min_words`.
    """
    if not any(keep):
        return None
    # A closing mark glued to a word that is cut ("at the old Harrow Rollin’" cut) goes with it.
    keep = [
        k and not (
            t.text in {"’", "”"} and t.i > 0 and not keep[t.i - 1]
            and not doc[t.i - 1].whitespace_
        )
        for k, t in zip(keep, doc, strict=True)
    ]  # fmt: skip
    # A token glued to punctuation that is dropped ("Hald" in "Hald, for her part,") needs a
    # space; an opening quotation mark glued to a word that is dropped ('"However I') does not.
    parts = [
        replace.get(t.i, t.text)
        + (
            t.whitespace_
            or ("" if t.i + 1 >= len(doc) or keep[t.i + 1] or _opens_quotation(doc, t.i) else " ")
        )
        for t in doc
        if keep[t.i]
    ]
    text = "".join(parts).strip()
    text = re.sub(r"\s*\(\s*\)", "", text)  # brackets whose content was cut
    text = _REPEATED_COMMA.sub(",", text)
    text = re.sub(r",\s*(?=[;:])", "", text)  # "by 11 points, according to polls; ..." cut
    text = text.lstrip(_OPEN_PUNCT + _MARKERS + " ")
    text = _WRAPPED.sub(r"\1\2", text)  # "(Haley will pick a senator.)" is a sentence
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _COMMA_BEFORE_END.sub(r"\1", text)
    text = re.sub(r"(\.[a-z]\.)\.$", r"\1", text)  # "at 4 a.m." keeps one full stop
    text = re.sub(r"(?<=\w)\s*(?:\.\.\.|…)\.$", ".", text)  # "died on Monday...." (tail cut)
    text = re.sub(r"(?<=[\w)”\"’])\.\.$", ".", text)  # "... on suspicion of murder.."
    text = re.sub(r"^([“\"])\s+", r"\1", text)  # a space after the opening mark
    text = re.sub(r"[,;:]([”\"’])\.$", r".\1", text)  # '... "hostile forces,".' -> '... forces."'
    text = text.rstrip(_OPEN_PUNCT + " ")
    if not text:
        return None
    if not re.search(r"[.!?][\"”’')]*$", text):
        # A stray closing mark ('... encouragement "') goes with the space before it.
        text = text.rstrip('"”’').rstrip() + "."
        if text.count('"') % 2 or text.count("“") != text.count("”"):
            return None
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return None
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return None
    if len(text.split()) < min_words:
        return None
    if _ENDS_ON_LINK.search(text):
        return None
    # A title cut loose from "in his book How Many ...?, may have been": no sentence reads so.
    if re.search(r"\?,", text) and not any(c in text for c in QUOTE_CHARS):
        return None
    lead = next((i for i, c in enumerate(text) if c.isalnum()), 0)
    return text[:lead] + text[lead].upper() + text[lead + 1 :]


def _opens_quotation(doc: Doc, at: int) -> bool:
    """Whether token `at` is an opening quotation mark: curly, or straight after a space."""
    text = doc[at].text
    return text == "“" or (text == '"' and (at == 0 or bool(doc[at - 1].whitespace_)))
