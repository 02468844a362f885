"""Where an outlet gives another value: a cut it rivals, a disagreement to show (stage 5).

An outlet whose closest sentence lacks a name or number of the printed wording may leave it
out, or may give another one ("75%" against "70%", "Tuesday" against "Monday"). The first may
be cut so that the outlet verifies the rest; the second is never cut, and when it is the only
difference the digest records both values with their outlets.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from ..models import Citation, Disagreement
from ..nlp import COUNTED_LABELS, NUMERIC_LABELS, Entity, entities
from ..verify import (
    MIN_COVERAGE,
    Check,
    Verifier,
    entity_in_text,
    find_run,
    normalise_tokens,
)
from ._compare import same_quantity
from .claims import Wording

__all__ = ["disagreements", "rivalled", "uncited"]

# Tokens that may stand between a value and the name it belongs to ("Tomas Vale, 25", "Vale,
# who is 25").
ANCHOR_SPAN = 3


def uncited(
    verifier: Verifier,
    wording: Wording,
    cited: set[int],
    source_sentences: Mapping[int, Sequence[str]],
    *,
    vocabulary: Mapping[int, set[str]],
) -> Iterator[Check]:
    """The verdict of each outlet not cited: its closest sentence, and what it lacks."""
    for sid, sents in source_sentences.items():
        if sid not in cited:
            yield verifier.check_source(
                wording.text, sid, sents, fact_entities=wording.entities,
                source_tokens=vocabulary[sid],
            )  # fmt: skip


def rivalled(wording: Wording, check: Check, *, model: str) -> bool:
    """Whether the outlet may state what it lacks otherwise: then nothing is cut.

    Only what an outlet leaves out may be cut, never what it gives another value: a name,
    date or place of the same kind that the wording lacks, or a number counting the same
    thing, may be a disagreement to show, not to hide.
    """
    labels = {e: label for e, label in wording.entities}
    theirs = _values_beyond(set(normalise_tokens(wording.text)), check.evidence, model)
    for name in check.missing:
        label = labels.get(name)
        anchor = _anchor(wording, name) if label in NUMERIC_LABELS else None
        if anchor is not None and _anchored_rival(anchor, name, check.evidence, theirs):
            return True
        if label in COUNTED_LABELS:
            if any(lb == label and same_quantity(name, e) for e, lb in theirs):
                return True
        elif any(lb == label for _, lb in theirs):
            return True
    return False


def disagreements(
    verifier: Verifier,
    wording: Wording,
    citations: list[Citation],
    source_sentences: Mapping[int, Sequence[str]],
    *,
    vocabulary: Mapping[int, set[str]],
    model: str,
) -> list[Disagreement]:
    """Sources not cited whose closest sentence differs only in one number or date."""
    numeric = [(e, label) for e, label in wording.entities if label in NUMERIC_LABELS]
    if not numeric:
        return []
    cited = {c.source for c in citations}
    mine = set(normalise_tokens(wording.text))
    found: dict[tuple[str, str], list[int]] = {}
    for check in uncited(verifier, wording, cited, source_sentences, vocabulary=vocabulary):
        if check.similarity < verifier.threshold or check.coverage < MIN_COVERAGE:
            continue
        if len(check.missing) != 1:
            continue
        (value,) = check.missing
        label = next((lb for e, lb in numeric if e == value), None)
        if label is None:
            continue
        if not _qualifiers_in(wording.text, value, check.evidence):
            continue  # "Four Kessling kiosks" is no count of the state's 44 kiosks
        beyond = _values_beyond(mine, check.evidence, model)
        anchor = _anchor(wording, value)
        if anchor is not None:
            # The value belongs to a name: the outlet's value is the one by that name, if any.
            anchored = _anchored_rival(anchor, value, check.evidence, beyond)
            rivals = [] if anchored is None else [anchored]
        else:
            rivals = [e for e, lb in beyond if lb == label and same_quantity(value, e)]
        if len(rivals) == 1:
            found.setdefault((value, rivals[0]), []).append(check.source)
    return [Disagreement(v, o, tuple(s)) for (v, o), s in found.items()]


def _qualifiers_in(text: str, value: str, evidence: str) -> bool:
    """Whether the evidence names what qualifies the value's noun ("Four Kessling kiosks").

    The capitalised words between a value and the first lower-case word after it say which
    things it counts; an outlet counting the things without them counts others.
    """
    tokens, size = text.split(), len(value.split())
    wanted = normalise_tokens(value)
    at = next(
        (
            i
            for i in range(len(tokens))
            if normalise_tokens(" ".join(tokens[i : i + size])) == wanted
        ),
        None,
    )
    if at is None:
        return True
    qualifiers: list[str] = []
    for token in tokens[at + size :]:
        if not token[:1].isupper():
            break
        qualifiers += normalise_tokens(token)
    return set(qualifiers) <= set(normalise_tokens(evidence))


def _anchored_rival(
    anchor: tuple[str, bool], value: str, evidence: str, beyond: Sequence[Entity]
) -> str | None:
    """The outlet's value by the name (`_anchor`) the wording's value stands by ("Tomas Vale, 25").

    Whatever label the tagger gave it (an age is a date as often as a number): the one by the
    name counts, not another person's ("Ada Quill, 41") nor one without the name beside it.
    """
    near = _nearest(evidence, anchor, [e for e, lb in beyond if lb in NUMERIC_LABELS])
    return near if near is not None and same_quantity(value, near) else None


def _span(tokens: Sequence[str], needle: Sequence[str]) -> tuple[int, int] | None:
    """Where a run of tokens first stands in a token list: its first and last index."""
    start = find_run(tokens, needle)
    return None if start is None else (start, start + len(needle) - 1)


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Tokens between two spans (0 when they touch or overlap)."""
    return max(0, a[0] - b[1] - 1, b[0] - a[1] - 1)


def _anchor(wording: Wording, value: str) -> tuple[str, bool] | None:
    """The name a value of the wording stands by, and whether it comes after the name.

    "Tomas Vale, 25" gives ("Tomas Vale", True).
    """
    tokens = normalise_tokens(wording.text)
    at = _span(tokens, normalise_tokens(value))
    if at is None:
        return None
    spans = [
        (span, name)
        for name, label in wording.entities
        if label not in NUMERIC_LABELS
        and (span := _span(tokens, normalise_tokens(name))) is not None
        and _gap(span, at) <= ANCHOR_SPAN
    ]
    if not spans:
        return None
    span, name = min(spans, key=lambda found: _gap(found[0], at))
    return name, at[0] > span[1]


def _nearest(evidence: str, anchor: tuple[str, bool], values: Sequence[str]) -> str | None:
    """Of an outlet's values, the one standing by the name, on the same side of it.

    The name is found by its last word: "Tomas Vale" is "Tomas J. Vale" in another outlet.
    "Ada Quill, 41, and Tomas Vale" gives Vale no age.
    """
    name, after = anchor
    tokens = normalise_tokens(evidence)
    at = _span(tokens, normalise_tokens(name)[-1:])
    if at is None:
        return None
    placed = [
        (_gap(span, at), value)
        for value in values
        if (span := _span(tokens, normalise_tokens(value))) is not None
        and (span[0] > at[1] if after else span[1] < at[0])
    ]
    close = [found for found in placed if found[0] <= ANCHOR_SPAN]
    return min(close)[1] if close else None


def _values_beyond(mine: set[str], evidence: str, model: str) -> list[Entity]:
    """The names and numbers of an outlet's evidence that a wording (its tokens) does not hold."""
    return [
        (e, label) for e, label in entities([evidence], model=model)[0]
        if not entity_in_text(e, mine)
    ]  # fmt: skip
