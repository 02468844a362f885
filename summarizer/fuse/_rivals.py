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
from ..verify import MIN_COVERAGE, Check, Verifier, entity_in_text, normalise_tokens
from ._compare import same_quantity
from .claims import Wording

__all__ = ["disagreements", "rivalled", "uncited"]


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
        theirs = [e for e, lb in _values_beyond(mine, check.evidence, model) if lb == label]
        rivals = [e for e in theirs if same_quantity(value, e)]
        if len(rivals) == 1:
            found.setdefault((value, rivals[0]), []).append(check.source)
    return [Disagreement(v, o, tuple(s)) for (v, o), s in found.items()]


def _values_beyond(mine: set[str], evidence: str, model: str) -> list[Entity]:
    """The names and numbers of an outlet's evidence that a wording (its tokens) does not hold."""
    return [
        (e, label) for e, label in entities([evidence], model=model)[0]
        if not entity_in_text(e, mine)
    ]  # fmt: skip
