"""What fills the room the chosen facts leave in a digest (stage 5, after selection).

Asides a one-outlet wording was cut of come back first; then lines that read on from a
printed sentence ("He was 91."), each right after the sentence its outlet put before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Citation, DigestSentence
from ..nlp import get_embedder
from ._candidates import MIN_WORDS
from ._groups import FactGroup, OrderKey
from ._speakers import PERSON_PRONOUNS, SPEAKER_LABELS

if TYPE_CHECKING:
    from ._select import Selector
    from .claims import Wording

__all__ = ["fill_out", "read_on"]


def fill_out(
    selector: Selector, groups: list[tuple[FactGroup, OrderKey]], printed: list[int], room: int
) -> int:
    """Give back, in the room no fact took, the asides a one-outlet wording was cut of.

    A wording is chosen for what it adds per word; once every fact that fits is told, the
    detail its outlet wrote beside it ("..., which was built in 1962, ...") costs nothing.
    Not where the fuller wording would repeat a printed fact. Returns the room left.
    """
    told = [selector.units[p].wording for p in printed]
    for g, ((group, _), shown) in enumerate(zip(groups, printed, strict=True)):
        sentence = group.sentence
        if len(sentence.citations) != 1 or sentence.disagreements:
            continue
        fullest = selector.by_claim[id(selector.units[shown].claim)][0]
        wording = selector.units[fullest].wording
        extra = wording.words - len(sentence.text.split())
        if wording.text == sentence.text or extra > room:
            continue
        others = [
            (w, selector.similarity(fullest, p))
            for i, (w, p) in enumerate(zip(told, printed, strict=True))
            if i != g
        ]
        threshold = selector.settings.summary.align_threshold
        if any(s >= threshold for _, s in others) or selector.restates_one(wording, others):
            continue
        sentence.text = wording.text
        group.evidence[0] = (group.evidence[0][0], wording.text)
        room -= extra
    return room


def read_on(
    selector: Selector,
    groups: list[tuple[FactGroup, OrderKey]],
    origins: list[int],
    printed: list[int],
    room: int,
) -> None:
    """Fill the room no fact fits with lines that read on from a printed sentence.

    "He was 91." points back and is never printed alone; right after the sentence its
    outlet wrote before it, printed whole, it reads as the outlet wrote it. Each such line
    cites its own outlet; a line that restates a printed fact is not added.
    """
    embedder = get_embedder(selector.settings.models)
    told = [selector.units[p].wording for p in printed]
    told_vectors = [selector.vectors[p] for p in printed]
    restating: set[str] = set()  # lines found to restate a printed fact
    while room >= MIN_WORDS:
        options: list[tuple[float, int, Wording, int]] = []
        for g, origin in enumerate(origins):
            before = selector.candidates[origin]
            after = selector.at.get((before.article, before.position + 1))
            if after is None or after in origins:
                continue
            written = selector.written.get(origin)
            if written is None or groups[g][0].sentence.text != written.text:
                continue
            wording = next((w for w in selector.reading_on.get(after, []) if w.words <= room), None)
            # "She sailed home at dawn." reads on only from a sentence naming someone.
            if wording is not None and _points_at_someone(wording) and not _names_someone(written):
                continue
            if wording is not None and wording.text not in restating:
                gain = selector.per_word(float(selector.score[after]), wording.words)
                options.append((gain, after, wording, g))
        for _, after, wording, g in sorted(options, key=lambda o: -o[0]):
            (vector,) = embedder.embed([wording.text])
            similarity = [float(vector @ v) for v in told_vectors]
            if any(
                s >= selector.settings.summary.align_threshold for s in similarity
            ) or selector.restates_one(wording, list(zip(told, similarity, strict=True))):
                restating.add(wording.text)
                continue
            source = selector.ids[selector.candidates[after].article]
            citation = Citation(source, selector.candidates[after].text, 1.0)
            sentence = DigestSentence(wording.text, [citation], reads_on=True)
            place, chosen_at, step = groups[g][1]
            group = FactGroup(sentence, [(source, wording.text)])
            groups.append((group, (place, chosen_at, step + 1)))
            origins.append(after)
            told.append(wording)
            told_vectors.append(vector)
            room -= wording.words
            break
        else:
            return


def _points_at_someone(wording: Wording) -> bool:
    first = wording.text.lstrip("\"“‘'").split(maxsplit=1)
    return bool(first) and first[0].lower() in PERSON_PRONOUNS


def _names_someone(wording: Wording) -> bool:
    return any(label in SPEAKER_LABELS for _, label in wording.entities)
