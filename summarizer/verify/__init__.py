"""Stage 6: check every digest sentence against each source it may cite.

A source may be cited for a sentence only when
1. one of the source's sentences is similar enough (MiniLM cosine), and that sentence
2. holds every name, number and date of the digest sentence (spaCy entities; case,
   punctuation, number words, hedges and nationality words normalised). Evidence may span two
   adjacent sentences: when the evidence refers back with a pronoun ("He said ..."), the
   sentence before it may supply the names. A person named in full elsewhere in the source may
   be named by a part of the name ("Pell" for "Nadia Pell"), and a name the sentence shortens
   in brackets ("the Harrow Water Authority (NORWA)") by that short form.
3. holds every direct quotation of it word for word, and
4. shares enough of its content words (its names count when found beside the evidence, once
   enough of its other words are in it).
A citation that fails is removed; a sentence left with none is dropped by the caller. The same
check guards generated sentences and headlines, so nothing in a digest goes beyond its sources.

Modules: `_words` (folded tokens, content words, coverage, quotations), `_names` (how evidence
may hold a name or number: initials, short forms, part of a person's name, counts) and
`_check` (the verdict, `Verifier`).
"""

from ._check import MIN_COVERAGE, MIN_TOLD_COVERAGE, MIN_TOLD_WORDS, RELAXED_MARGIN, Check, Verifier
from ._names import ACRONYM_FORM, POINTERS, initials, is_acronym, spelled_out
from ._words import (
    calendar_core,
    content_words,
    coverage,
    entity_in_text,
    find_run,
    normalise_tokens,
    quotes,
    tokens_of,
)

__all__ = [
    "ACRONYM_FORM",
    "MIN_COVERAGE",
    "MIN_TOLD_COVERAGE",
    "MIN_TOLD_WORDS",
    "POINTERS",
    "RELAXED_MARGIN",
    "Check",
    "Verifier",
    "calendar_core",
    "content_words",
    "coverage",
    "entity_in_text",
    "find_run",
    "initials",
    "is_acronym",
    "normalise_tokens",
    "quotes",
    "spelled_out",
    "tokens_of",
]
