"""Disagreements: the value an outlet gives where the printed wording gives another."""

from __future__ import annotations

from summarizer.fuse._rivals import disagreements
from summarizer.fuse.claims import Wording
from summarizer.models import Citation
from summarizer.verify import Verifier, tokens_of

CHARGED = "Tomas Varn, 52, was charged on Monday with falsifying the Kessling's cargo papers."


def _disagreements(models, text, other):
    verifier = Verifier(models)
    wording = Wording(text, tuple(verifier.fact_entities(text)), dangling=False)
    sources = {1: [text], 3: [other]}
    return disagreements(
        verifier,
        wording,
        [Citation(1, text)],
        sources,
        vocabulary={sid: tokens_of(sents) for sid, sents in sources.items()},
        model=models.models.spacy_model,
    )


def test_the_value_by_the_same_name_is_the_other_outlets_value(models):
    """Three ages beside three names: Varn's is the one beside him, whatever its label."""
    other = (
        "Port officials Ada Quill, 41, Tomas Varn, 53, and Piet Holm, 35, were charged on "
        "Monday with falsifying the Kessling's cargo papers."
    )
    (found,) = _disagreements(models, CHARGED, other)
    assert (found.value, found.other, found.sources) == ("52", "53", (3,))


def test_another_persons_value_is_no_disagreement(models):
    """The age stands before his name: it is Quill's, and Varn's is not given."""
    other = (
        "Port officials Ada Quill, 53, and Tomas Varn were charged on Monday with falsifying "
        "the Kessling's cargo papers."
    )
    assert _disagreements(models, CHARGED, other) == []


def test_a_count_of_other_things_is_no_disagreement(models):
    """Four of the town's kiosks are not the state's 44; four kiosks against 44 are."""
    other = "As of Friday, the state had licensed 44 kiosks to sell recreational ferry passes."
    text = "Four Kessling kiosks begin sales of recreational ferry passes."
    assert _disagreements(models, text, other) == []
    (found,) = _disagreements(
        models, "Four kiosks begin sales of recreational ferry passes.", other
    )
    assert (found.value, found.other) == ("Four", "44")
