"""How a new story relates to one told before: the same event, and what is new since then.

1. **continues**: the new story tells the same event as the earlier one, not merely the same
   topic. Their sentences are alike (MiniLM, the mean of each story's sentences and headline)
   *and* the new story names most of the earlier one's people, places and organisations (spaCy
   entities, matched as the verifier matches them). Two floods in two towns are alike in
   embedding space; only the names tell them apart.
2. **new**: a sentence of the new story is old when the earlier digest's sentences or the
   earlier story's articles verifiably carry it (the verifier of stage 6: similar enough, every
   name, number and date there), or when it restates an earlier digest sentence (fuse's
   `restates`) with no number changed; any other sentence is new.
3. **changed**: a number the earlier digest gave for the same quantity (same entity label and
   unit, fuse's `same_quantity`) in an alike sentence, which the new story gives another value:
   "12" [1] then "19" [4].
4. **background**: what the update already told, cut by the renderer to one line
   (`StoryDigest.background`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .config import Settings
from .fuse import restates, same_quantity
from .fuse.claims import Wording
from .models import Change, Continuation, Digest, DigestSentence, StoryDigest
from .nlp import COUNTED_LABELS, FACT_LABELS, NUMERIC_LABELS, Entity, entities, get_embedder
from .sentences import split_text
from .verify import Verifier, entity_in_text, normalise_tokens, tokens_of

__all__ = ["Relation", "Tracker", "track"]

log = logging.getLogger(__name__)

# Two reports of one event, and two floods in two towns, are both this alike (mean MiniLM
# cosine of their sentences); below it they are different topics.
SAME_EVENT_SIMILARITY = 0.5
# Share of the earlier story's names (people, places, organisations) the new story must name.
SAME_EVENT_NAMES = 0.5
MIN_SHARED_NAMES = 2  # ... and at least this many of them (fewer when the earlier names fewer)
# An earlier sentence and a new one are about one quantity when at least this alike (MiniLM):
# "At least 12 people died ..." and "The death toll rose to 19 ..." are 0.5-0.7 apart.
CHANGED_SIMILARITY = 0.5
# A new sentence this alike to an earlier one (MiniLM), with this share of its words there and
# at most this many of its names and dates missing (never a number), tells an old fact. Another
# outlet words one fact its own way: on the first 10 labelled clusters the verifier alone took
# 16 of 18 facts both halves carry for news; these take 15, and still find every later-only fact
# (bench/tracking.py; looser ones took 10 but hid "the river began to fall on Thursday" after
# "the river broke its banks on Monday"). The price: "the emergency lasts until Sunday" after
# "an emergency was declared" is old too.
TOLD_SIMILARITY = 0.6
TOLD_COVERAGE = 0.35
TOLD_MISSING = 1
# Nationality words ("British", "Chinese") recur across stories of one region: no event's name.
_NAME_LABELS = FACT_LABELS - NUMERIC_LABELS - {"NORP", "ORDINAL"}


@dataclass(frozen=True, slots=True)
class Relation:
    """How a new story relates to an earlier one."""

    continues: bool  # the same event
    similarity: float  # mean-sentence cosine of the two stories
    names_shared: int  # the earlier story's names the new story names
    names: int  # the earlier story's names

    @property
    def score(self) -> float:
        """Ranks candidate earlier stories: the more names and likeness shared, the closer."""
        return self.similarity + (self.names_shared / self.names if self.names else 0.0)


class Tracker:
    """Relates new stories to earlier ones; holds the models (load once, reuse)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._embedder = get_embedder(settings.models)
        self._verifier = Verifier(settings)

    # ------------------------------------------------------------------------- same event?

    def relate(self, earlier: StoryDigest, story: StoryDigest) -> Relation:
        """Whether `story` continues `earlier` (the same event), with the evidence for it."""
        similarity = float(self._centroid(earlier) @ self._centroid(story))
        names = self._names(earlier)
        present = tokens_of(
            [story.headline, *(s.text for s in story.sentences), *(s.text for s in story.sources)]
        )
        shared = sum(1 for name in names if entity_in_text(name, present))
        needed = min(MIN_SHARED_NAMES, len(names))
        continues = (
            bool(names)
            and similarity >= SAME_EVENT_SIMILARITY
            and shared >= needed
            and shared / len(names) >= SAME_EVENT_NAMES
        )
        return Relation(continues, similarity, shared, len(names))

    def _centroid(self, story: StoryDigest) -> np.ndarray:
        vectors = self._embedder.embed([story.headline, *(s.text for s in story.sentences)])
        mean = vectors.mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm else mean

    def _names(self, story: StoryDigest) -> list[str]:
        """The story's distinct names: people, places, organisations, events."""
        found = entities(
            [story.headline, *(s.text for s in story.sentences)],
            model=self.settings.models.spacy_model,
        )
        seen: dict[str, str] = {}
        for text, label in (e for ents in found for e in ents):
            if label in _NAME_LABELS and normalise_tokens(text):
                seen.setdefault(" ".join(normalise_tokens(text)), text)
        return list(seen.values())

    # ----------------------------------------------------------------------- what is new?

    def mark(
        self,
        earlier: StoryDigest,
        story: StoryDigest,
        *,
        earlier_date: datetime | None = None,
        date: datetime | None = None,
    ) -> None:
        """Mark `story` as continuing `earlier`: which sentences are new, which numbers changed.

        Args:
            earlier: the story told before (its sources' texts are used when it has them).
            story: the new story; changed in place.
            earlier_date: when `earlier` was told, when its sources carry no date.
            date: when `story` is told, when its sources carry no date.
        """
        told = [s.text for s in earlier.sentences]
        # The earlier digest is one "source"; the earlier articles, when kept, are the others
        # (a fact they told is no news, even where the word budget left it out of the digest).
        sources: dict[int, list[str]] = {0: told}
        for source in earlier.sources:
            if source.text.strip():
                sources[source.id] = split_text(source.text)
        texts = [s.text for s in story.sentences]
        found = entities([*texts, *told], model=self.settings.models.spacy_model)
        new_entities, old_entities = found[: len(texts)], found[len(texts) :]
        if texts:
            self._verifier.check_many(texts, sources)  # one batch: the checks below hit its cache
        carried = [self._told(t, new_entities[i], sources) for i, t in enumerate(texts)]
        vectors = self._embedder.embed(texts) if texts else np.zeros((0, 1))
        old_vectors = self._embedder.embed(told) if told else np.zeros((0, 1))
        similarity = vectors @ old_vectors.T if texts and told else np.zeros((len(texts), 0))
        changes: list[Change] = []
        for i, sentence in enumerate(story.sentences):
            changed = self._changes(
                sentence, new_entities[i], similarity[i], earlier.sentences, old_entities
            )
            changes += changed
            # A number changed: the sentence is news even where the rest of it is not.
            sentence.new = bool(changed) or not (
                carried[i] or self._restated(i, story, new_entities, similarity, old_entities, told)
            )
        # A new line that points back ("He was 91.") is told with the line it reads on from.
        for i in range(len(story.sentences) - 1, 0, -1):
            if story.sentences[i].reads_on and story.sentences[i].new:
                story.sentences[i - 1].new = True
        story.changed = _distinct(changes)
        first = earlier.continues.first_date if earlier.continues else None
        earlier_day = earlier.continues.day if earlier.continues else 1
        told_on = earlier.date or earlier_date
        first = first or told_on
        now = story.date or date
        day = earlier_day + 1
        if first is not None and now is not None:
            day = max(earlier_day, (now.date() - first.date()).days + 1)
        story.continues = Continuation(earlier.id, earlier.headline, told_on, first, day)

    def _told(self, text: str, found: Sequence[Entity], sources: dict[int, list[str]]) -> bool:
        """Whether an earlier sentence tells this one: verifiably, or all but a detail or two.

        A sentence that adds a date or a name to a fact told before ("charged on Wednesday") is
        still the old fact; a number it adds is news.
        """
        counted = {e for e, label in found if label in COUNTED_LABELS}
        for sid, sentences in sources.items():
            check = self._verifier.check_source(text, sid, sentences, fact_entities=None)
            if check.verified:
                return True
            if (
                check.similarity >= TOLD_SIMILARITY
                and check.coverage >= TOLD_COVERAGE
                and len(check.missing) <= TOLD_MISSING
                and not counted.intersection(check.missing)
            ):
                return True
        return False

    def _restated(
        self,
        i: int,
        story: StoryDigest,
        new_entities: Sequence[Sequence[Entity]],
        similarity: np.ndarray,
        old_entities: Sequence[Sequence[Entity]],
        told: Sequence[str],
    ) -> bool:
        """Whether sentence i restates an earlier digest sentence in other words.

        Only a sentence whose names, numbers and dates the earlier one all gives: `restates`
        was made to keep a digest from telling one fact twice, and takes "the state of
        emergency would last until Sunday" for "a state of emergency was declared", whose
        "Sunday" is the news.
        """
        wording = Wording(story.sentences[i].text, tuple(new_entities[i]), dangling=False)
        for j, text in enumerate(told):
            present = set(normalise_tokens(text))
            if not all(
                entity_in_text(e, present) for e, lb in new_entities[i] if lb in FACT_LABELS
            ):
                continue
            old = Wording(text, tuple(old_entities[j]), dangling=False)
            if restates(wording, old, float(similarity[i, j]), frozenset()):
                return True
        return False

    def _changes(
        self,
        sentence: DigestSentence,
        found: Sequence[Entity],
        similarity: np.ndarray,
        told: Sequence[DigestSentence],
        old_entities: Sequence[Sequence[Entity]],
    ) -> list[Change]:
        """Numbers of this sentence that an alike earlier sentence gave another value."""
        mine = [(text, label) for text, label in found if label in COUNTED_LABELS]
        if not mine:
            return []
        out: list[Change] = []
        for j in np.argsort(-similarity):
            if float(similarity[j]) < CHANGED_SIMILARITY:
                break
            here = set(normalise_tokens(told[j].text))
            for value, label in mine:
                if entity_in_text(value, here):
                    continue  # the earlier sentence gives this value too: nothing changed
                for old, old_label in old_entities[int(j)]:
                    if old_label == label and same_quantity(value, old):
                        out.append(
                            Change(
                                old,
                                tuple(told[j].source_ids),
                                value,
                                tuple(sentence.source_ids),
                                sentence.text,
                            )
                        )
            if out:
                return out  # the closest earlier sentence that gave the quantity
        return out


def _distinct(changes: Sequence[Change]) -> list[Change]:
    seen: dict[tuple[str, str], Change] = {}
    for change in changes:
        seen.setdefault((change.old, change.new), change)
    return list(seen.values())


def track(
    digest: Digest,
    earlier: Digest | Sequence[StoryDigest],
    settings: Settings,
    *,
    tracker: Tracker | None = None,
) -> Digest:
    """Mark each story of `digest` that continues a story of `earlier` (changed in place).

    Each new story is related to every earlier one; the closest one that tells the same event
    (`Tracker.relate`) is the one it continues. A story that continues none stays as it is,
    every sentence new.

    Args:
        digest: today's digest.
        earlier: an earlier digest (a saved `digest --json`), or the stories told before.
        settings: models and thresholds.
        tracker: a tracker to reuse (its models are loaded once per process anyway).

    Returns:
        `digest`, its continuing stories marked (`continues`, `changed`, each sentence's `new`).
    """
    tracker = tracker or Tracker(settings)
    stories = earlier.stories if isinstance(earlier, Digest) else list(earlier)
    earlier_date = earlier.generated_at if isinstance(earlier, Digest) else None
    for story in digest.stories:
        relations = [(tracker.relate(old, story), old) for old in stories]
        matches = [(r, old) for r, old in relations if r.continues]
        if not matches:
            continue
        relation, old = max(matches, key=lambda pair: pair[0].score)
        log.info(
            "story %s continues %s (similarity %.2f, %d of %d names)",
            story.id, old.id, relation.similarity, relation.names_shared, relation.names,
        )  # fmt: skip
        tracker.mark(old, story, earlier_date=earlier_date, date=digest.generated_at)
    return digest
