"""Greedy selection of fact groups over the wordings of the candidates' claims (stage 5).

Each wording counts the outlets whose candidate sentences or claim wordings verifiably carry it
(`verify`); its value is its candidate's score plus that support, and part of a carrier for
each outlet that tells of it in words too far from it to verify. What printing it gains adds
the words it shares with the other outlets that no printed sentence has used yet, less its
closeness to the facts chosen, per word of it (scaled). The best gain not yet told opens a
fact group: the wording of it (from any outlet carrying it) that the most outlets
carry is printed, cut of a modifier only its own outlet has when that lets one more outlet
verify it, with every carrier cited and any outlet giving another value recorded. A fact only
one outlet has is printed in the wording chosen for it, unless that drops who spoke or who
someone is; room no fact takes gives such a wording back the asides it was cut of.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..config import Settings
from ..models import Citation, DigestSentence, Sentence
from ..nlp import get_embedder
from ..verify import (
    MIN_TOLD_COVERAGE,
    MIN_TOLD_WORDS,
    RELAXED_MARGIN,
    Verifier,
    content_words,
    coverage,
    normalise_tokens,
    tokens_of,
)
from ._candidates import MIN_WORDS
from ._compare import RESTATED_ANCHORED_SIMILARITY, restates
from ._fill import fill_out, read_on
from ._groups import FactGroup, OrderKey
from ._introduce import introduce, name_in_full
from ._rivals import disagreements, rivalled, uncited
from .claims import Claim, Wording, claims_of

__all__ = ["Selector"]

MAX_CLAIM_CANDIDATES = 60  # per story: those read for claims (a digest prints a few of them)
# Each content word of a wording adds this much times the share of the other outlets that use it
# (SumBasic's idea: words many outlets use name what they all report); a word already printed
# adds nothing more. Measured on the labelled clusters with COST_EXPONENT and MMR_PENALTY below:
# pyramid 0.48 -> 0.55 at 120 words, 0.65 -> 0.71 at 250.
WEIGHT_SHARED_WORDS = 0.3
# A wording's gain is divided by its length in words to this power (Lin & Bilmes's scaled cost
# for a budget): short facts are preferred, but not so much that fragments win.
COST_EXPONENT = 0.4
WEIGHT_SUPPORT = 1.0  # all other outlets carrying a wording adds this much
PREPARED_UNITS = 20  # the best-valued wordings whose evidence is embedded up front
MAX_CHECKED_ALTERNATIVES = 2  # wordings of one fact checked against the outlets' full text
MAX_PRUNING_ROUNDS = 3  # cuts tried one after another, each for one more outlet
MAX_PRUNED_NAMES = 3  # names an outlet may lack for a modifier holding them to be cut
SAME_FACT = 0.5  # an evidence sentence's wordings this close to the chosen one state its fact
# A wording printed in place of the chosen one (more outlets carry it) tells the chosen one's
# fact when this close: below it, measured on the labelled clusters, most such pairs are
# neighbouring facts. Pyramid 0.546 -> 0.559 at 120 words, 0.745 -> 0.758 at 250.
SWAPPED_SAME_FACT = 0.6
COMMON_NAME_SHARE = 0.2  # a name in this share of a story's claims is no telling name
# How much similarity to chosen facts lowers a wording's gain. With words counted once it took
# more than before to keep a paraphrase out ("no sign of a leak" after "no spill had been
# detected"). Measured on the labelled clusters against 0.5: redundant facts 0.102 -> 0.095,
# pyramid 0.564 -> 0.553 at 120 words.
MMR_PENALTY = 1.25
# An outlet whose closest sentence is near a wording but does not verify it (other words, a
# name it leaves out) still tells of it: it counts this much of a carrier when ranking, from
# nothing at ECHO_FLOOR similarity to all of it at ECHO_FULL. Never cited: only verified
# outlets are. Measured on the labelled clusters: pyramid +0.02 at 120 and 250 words.
WEIGHT_ECHO = 0.5
ECHO_FLOOR = 0.45
ECHO_FULL = 0.75
# ... and at least this share of the echo when one of its wordings restates the wording with the
# same telling number or rare names (`restates`). Measured on the labelled clusters: all
# carriers cited +0.012 at 120 words, pyramid unchanged (a full echo lost 0.007).
RESTATED_ECHO = 0.5
RESTATED_ECHO_SIMILARITY = ECHO_FLOOR + RESTATED_ECHO * (ECHO_FULL - ECHO_FLOOR)


@dataclass(slots=True)
class _Unit:
    """One printable wording of one claim of one candidate sentence."""

    candidate: int
    claim: Claim
    wording: Wording


class Selector:
    """Greedy selection of fact groups over the wordings of the candidates' claims."""

    def __init__(
        self,
        settings: Settings,
        ids: list[int],
        sentences: list[list[Sentence]],
        source_sentences: dict[int, list[str]],
        candidates: list[Sentence],
        score: np.ndarray,
        fit: dict[int, float],
        verifier: Verifier,
    ) -> None:
        self.settings = settings
        self.ids = ids
        self.sentences = sentences
        self.candidates = candidates
        self.verifier = verifier
        self.source_sentences = source_sentences
        self.vocabulary = {sid: tokens_of(sents) for sid, sents in self.source_sentences.items()}
        texts = [[s.text for s in sents] for sents in sentences]
        # Only the best-scored candidates are read for claims (the parse is the costly part);
        # the rest still serve as evidence that an outlet carries a fact.
        read = sorted(np.argsort(-score)[:MAX_CLAIM_CANDIDATES].tolist())
        claims = claims_of([candidates[c] for c in read], texts, model=settings.models.spacy_model)
        self.score = score
        # A candidate's main claim as its outlet wrote it (a line reading on from it needs all
        # of it), and the wordings of one that read on from the sentence before it.
        self.written: dict[int, Wording] = {}
        self.reading_on: dict[int, list[Wording]] = {}
        for c, found in zip(read, claims, strict=True):
            main = found[0].wordings
            self.written[c] = main[0]
            self.reading_on[c] = [w for w in main if w.reads_on]
        self.at = {(s.article, s.position): c for c, s in enumerate(candidates)}
        self.units = [
            _Unit(c, claim, wording)
            for c, found in zip(read, claims, strict=True)
            for claim in found
            for wording in claim.wordings
            if not wording.dangling
        ]
        self.by_candidate: dict[int, list[int]] = {}
        self.by_claim: dict[int, list[int]] = {}  # id(claim) -> its wordings' units
        for u, unit in enumerate(self.units):
            self.by_candidate.setdefault(unit.candidate, []).append(u)
            self.by_claim.setdefault(id(unit.claim), []).append(u)
        embedder = get_embedder(settings.models)
        self.vectors = embedder.embed([u.wording.text for u in self.units])
        # What may carry a claim: each candidate sentence and each of its claims' wordings.
        self.evidence = [(c, s.text) for c, s in enumerate(candidates)]
        self.evidence += [
            (u.candidate, u.wording.text) for u in self.units
            if u.wording.text != candidates[u.candidate].text
        ]  # fmt: skip
        self.evidence_vectors = embedder.embed([text for _, text in self.evidence])
        self.evidence_by_article: dict[int, list[int]] = {}
        for e, (c, _) in enumerate(self.evidence):
            self.evidence_by_article.setdefault(candidates[c].article, []).append(e)
        # Names in a large share of the story's claims say little about which fact one states.
        counts: dict[str, int] = {}
        for claim in {id(u.claim): u.claim for u in self.units}.values():
            for name in {e.casefold() for e, _ in claim.wordings[0].entities}:
                counts[name] = counts.get(name, 0) + 1
        claims_read = max(1, len({id(u.claim) for u in self.units}))
        self.common_names = frozenset(
            n for n, k in counts.items() if k / claims_read >= COMMON_NAME_SHARE
        )
        self.supports = [self._support(u) for u in range(len(self.units))]
        self.value = self._values(score, fit)
        self.shared_words = [self._shared_words(unit) for unit in self.units]
        # The best wordings are checked against every outlet's full text one fact group at a
        # time; their evidence is embedded here in one batch.
        best = np.argsort(-self.value)[:PREPARED_UNITS]
        verifier.prepare([self.units[u].wording.text for u in best], source_sentences)

    def _support(self, u: int) -> dict[int, int]:
        """Articles that verifiably carry unit u: article -> the candidate that carries it.

        The evidence is the other articles' candidate sentences and their claim wordings: a
        claim matches a claim even where one outlet wraps it in attribution or a second clause.
        """
        unit = self.units[u]
        own = self.candidates[unit.candidate].article
        found = {own: unit.candidate}
        floor = self.verifier.threshold - RELAXED_MARGIN
        sims = self.evidence_vectors @ self.vectors[u]
        for article, pool in self.evidence_by_article.items():
            if article == own:
                continue
            near = [e for e in pool if sims[e] >= floor]
            if not near:
                continue
            check = self.verifier.check_source(
                unit.wording.text,
                self.ids[article],
                [self.evidence[e][1] for e in near],
                vector=self.vectors[u],
                fact_entities=unit.wording.entities,
                source_tokens=self.vocabulary[self.ids[article]],
            )
            if check.verified:
                # The carrier is this article's candidate (a syndicated copy elsewhere may
                # share its text).
                found[article] = next(
                    self.evidence[e][0] for e in near if self.evidence[e][1] == check.evidence
                )
        return found

    def _shared_words(self, unit: _Unit) -> dict[str, float]:
        """Each content word of a wording, with the share of the other outlets that use it."""
        own = self.ids[self.candidates[unit.candidate].article]
        others = [v for sid, v in self.vocabulary.items() if sid != own]
        if not others:
            return {}
        return {
            word: sum(word in vocabulary for vocabulary in others) / len(others)
            for word in content_words(unit.wording.text)
        }

    def _gain(self, u: int, closeness: float, told: set[str]) -> float:
        """What printing unit u adds to the digest, per word (scaled)."""
        new_words = sum(share for word, share in self.shared_words[u].items() if word not in told)
        gain = float(self.value[u] - MMR_PENALTY * closeness + WEIGHT_SHARED_WORDS * new_words)
        # A loss grows with length as a gain shrinks: a long repeat is the worse one.
        words = self.units[u].wording.words
        return self.per_word(gain, words) if gain > 0 else gain * words**COST_EXPONENT

    @staticmethod
    def per_word(gain: float, words: int) -> float:
        """A gain per word of a wording, scaled (`COST_EXPONENT`)."""
        return gain / words**COST_EXPONENT

    def _values(self, score: np.ndarray, fit: dict[int, float]) -> np.ndarray:
        others = max(1, len({c.article for c in self.candidates}) - 1)
        value = np.zeros(len(self.units), dtype=np.float32)
        sims = self.evidence_vectors @ self.vectors.T
        restated = self._restated_by()
        for u, unit in enumerate(self.units):
            own = self.candidates[unit.candidate].article
            carried = sum(fit.get(a, 0.0) for a in self.supports[u] if a != own)
            for article, pool in self.evidence_by_article.items():
                if article == own or article in self.supports[u]:
                    continue
                near = float(sims[pool, u].max())
                echo = (near - ECHO_FLOOR) / (ECHO_FULL - ECHO_FLOOR)
                if article in restated[u]:
                    echo = max(echo, RESTATED_ECHO)
                carried += WEIGHT_ECHO * fit.get(article, 0.0) * min(1.0, max(0.0, echo))
            # No bonus for brevity: measured on the labelled clusters, a longer sentence states
            # more of the facts outlets share, and the budget check keeps it in bounds.
            value[u] = score[unit.candidate] + WEIGHT_SUPPORT * carried / others
        return value

    def _restated_by(self) -> list[set[int]]:
        """For each unit, the other articles with a wording that restates it (`restates`).

        An outlet that gives the same telling number or rare names in other words tells of the
        fact though it does not verify the wording.
        """
        out: list[set[int]] = [set() for _ in self.units]
        articles = np.array([self.candidates[u.candidate].article for u in self.units])
        names = [
            {t for e, _ in u.wording.entities for t in normalise_tokens(e)} for u in self.units
        ]
        sims = self.vectors @ self.vectors.T
        # Closer pairs already count half an echo or more by similarity alone; a restatement
        # shares a name or number.
        pairs = (sims >= RESTATED_ANCHORED_SIMILARITY) & (sims < RESTATED_ECHO_SIMILARITY)
        pairs &= articles[:, None] != articles[None, :]
        for u, v in zip(*np.nonzero(np.triu(pairs, 1)), strict=True):
            if names[u].isdisjoint(names[v]) or (articles[v] in out[u] and articles[u] in out[v]):
                continue
            a, b = self.units[u].wording, self.units[v].wording
            if restates(a, b, float(sims[u, v]), self.common_names):
                out[u].add(int(articles[v]))
                out[v].add(int(articles[u]))
        return out

    def restates_one(self, wording: Wording, printed: list[tuple[Wording, float]]) -> bool:
        """Whether a wording restates one of the printed ones (each with its similarity)."""
        return any(restates(wording, w, s, self.common_names) for w, s in printed)

    def similarity(self, u: int, v: int) -> float:
        return float(self.vectors[u] @ self.vectors[v])

    def _tells_chosen(self, chosen: int, printed: int) -> bool:
        """Whether the wording printed for a chosen one tells the chosen one's fact.

        Another outlet's wording that more outlets carry may be printed in its place, and may
        tell a neighbouring fact ("The dinosaur was a close relative of Brachiosaurus" for
        "the dinosaur had the biggest feet of any sauropod"): the chosen fact, not printed,
        stays to be told.
        """
        return printed == chosen or self.similarity(chosen, printed) >= SWAPPED_SAME_FACT

    def select(self, budget: int) -> list[tuple[FactGroup, OrderKey]]:
        """The fact groups to print within `budget` words, each with where it goes."""
        remaining = set(range(len(self.units)))
        chosen: list[int] = []
        printed: list[int] = []
        told: set[str] = set()  # the content words printed so far
        named: set[str] = set()  # the words of the people's names printed so far
        in_full: list[list[tuple[str, str]]] = []  # per group, (surname, full name) to put in
        groups: list[tuple[FactGroup, OrderKey]] = []
        origins: list[int] = []  # the candidate each group's printed wording comes from
        used_words = 0
        while remaining and used_words < budget:
            if chosen:
                closeness = (self.vectors @ self.vectors[chosen].T).max(axis=1)
            else:
                closeness = np.zeros(len(self.units))
            best = max(remaining, key=lambda i: self._gain(i, closeness[i], told))
            remaining.discard(best)

            # A claim told in any of its wordings is told: "Dev died early Wednesday, a
            # relative said" restates "Dev Quist died on Wednesday" once its tail is off.
            def told_already(u: int, closeness: np.ndarray = closeness) -> bool:
                return closeness[u] >= self.settings.summary.align_threshold or self.restates_one(
                    self.units[u].wording,
                    [(self.units[p].wording, self.similarity(u, p)) for p in printed],
                )

            # A whole sentence tells what each of its clauses tells.
            claim = self.units[best].claim
            siblings = [
                u for u in self.by_candidate[self.units[best].candidate]
                if self.units[u].claim is claim or (not claim.clause and self.units[u].claim.clause)
            ]  # fmt: skip
            if any(told_already(s) for s in siblings):
                continue
            if used_words + self.units[best].wording.words > budget:
                continue  # too long for what is left: a shorter fact may still fit
            group = self._group(best, budget - used_words, remaining, told_already)
            if group is None:
                continue
            fact, members, evidence_units, shown = group
            # A person it names by surname alone is named in full (once the digest is filled:
            # fill-out and read-on lines compare the wording as chosen); the words count now.
            words = len(fact.sentence.text.split())
            own = fact.evidence[0][0]
            names, held = introduce(
                fact.sentence.text,
                self.source_sentences[own],
                named,
                model=self.settings.models.spacy_model,
                carriers=[
                    self.source_sentences[c.source]
                    for c in fact.sentence.citations
                    if c.source != own
                ],
            )
            extra = sum(len(full.split()) - 1 for _, full in names)
            # Where the full name does not fit, the surname stays: the fact matters more.
            while names and used_words + words + extra > budget:
                extra -= len(names.pop()[1].split()) - 1
            named |= held
            in_full.append(names)
            # What the chosen wording tells is told only if the printed one tells it too.
            chosen += [best, shown] if self._tells_chosen(best, shown) else [shown]
            printed.append(shown)
            remaining -= evidence_units
            used_words += words + extra
            told |= content_words(fact.sentence.text)
            order_key = min(
                self.candidates[m].position
                / max(1, len(self.sentences[self.candidates[m].article]))
                for m in members
            )
            groups.append((fact, (order_key, len(groups), 0)))
            origins.append(self.units[shown].candidate)
            if budget - used_words < MIN_WORDS:
                break
        room = fill_out(self, groups, printed, budget - used_words)
        read_on(self, groups, origins, printed, room)
        # The lines read on come after the groups chosen, and need no name put in.
        for (fact_group, _), names in zip(groups, in_full, strict=False):
            name_in_full(fact_group.sentence, names)
        return groups

    def _group(
        self, best: int, room: int, open_units: set[int], told: Callable[[int], bool]
    ) -> tuple[FactGroup, list[int], set[int], int] | None:
        """The fact group of a chosen wording.

        `told` says whether a wording restates a fact already printed.

        Returns:
            The group, the candidates that carry it, the units it covers and the unit printed.
        """
        unit = self.units[best]
        members = sorted(set(self.supports[best].values()))
        # The same fact as worded by the other members; the chosen claim's own wordings first.
        alternatives = [
            u
            for u in self.by_candidate.get(unit.candidate, [])
            if self.units[u].claim is unit.claim
        ]
        same = set(alternatives)
        # ... and the other members' wordings of it, and the claim's own clauses ("X did A and
        # pledged B": the clause the others carry may be B alone).
        for m in members:
            for u in self.by_candidate.get(m, []):
                if float(self.vectors[u] @ self.vectors[best]) >= SAME_FACT:
                    same.add(u)
                    if u not in alternatives:
                        alternatives.append(u)
        # Another outlet's closest wording may be the one every outlet carries.
        own = self.candidates[unit.candidate].article
        closeness = self.vectors @ self.vectors[best]
        # ... when it states the same fact: the chosen wording's outlet carries it. (Its very
        # closest wording may add a clause the chosen outlet lacks; a cut of it may not.)
        for article in range(len(self.sentences)):
            theirs = [
                u for u in range(len(self.units))
                if self.candidates[self.units[u].candidate].article == article and article != own
                and own in self.supports[u]
            ]  # fmt: skip
            if theirs:
                nearest = max(theirs, key=lambda u: closeness[u])
                if closeness[nearest] >= SAME_FACT and nearest not in alternatives:
                    alternatives.append(nearest)
        # A wording of a fact already told is no alternative, however many outlets carry it:
        # an alternative close to the chosen wording may restate an earlier fact instead.
        order = list(alternatives)
        alternatives = [
            u for u in alternatives
            if self.units[u].wording.words <= room
            and (u == best or (u in open_units and not told(u)))
        ]  # fmt: skip
        if not alternatives:
            return None
        # Checked against every sentence of every outlet (costly): the wordings most outlets'
        # candidates carry, in the order above.
        alternatives = sorted(
            alternatives, key=lambda u: (-len(self.supports[u]), alternatives.index(u))
        )[:MAX_CHECKED_ALTERNATIVES]
        alternatives.sort(key=lambda u: order.index(u))
        # Carriers: the articles whose claims verify a wording (a claim matches a claim more
        # closely than a whole sentence), and any other whose full text does (a carrying
        # sentence may lie beyond the candidates).
        carriers: list[dict[int, Citation]] = []
        for u in alternatives:
            by_source = {
                self.ids[article]: Citation(self.ids[article], self.candidates[carrier].text)
                for article, carrier in self.supports[u].items()
            }
            rest = {sid: s for sid, s in self.source_sentences.items() if sid not in by_source}
            wording = self.units[u].wording
            (checked,) = self.verifier.check_many(
                [wording.text], rest, fact_entities=[wording.entities], vocabulary=self.vocabulary
            )
            by_source.update({c.source: c for c in checked})
            carriers.append(by_source)

        # Most carriers wins. Between wordings several outlets carry, the one closest to what
        # each of them says (a wording with one outlet's extra clause goes beyond the others),
        # and never one outlet's attribution ("..., police said") over several. Otherwise the
        # wording chosen for what it adds per word, unless it drops who spoke or who a person
        # is, as one outlet alone tells it; then the earlier, the chosen claim's fullest, one.
        def rank(r: int) -> tuple[int, bool, float, bool, int]:
            several = len(carriers[r]) > 1
            wording = self.units[alternatives[r]].wording
            attributed = several and wording.attributed
            closeness = self._closeness(alternatives[r], carriers[r]) if several else 0.0
            chosen = alternatives[r] == best and (several or not wording.drops_who)
            return len(carriers[r]), not attributed, round(closeness, 1), chosen, -r

        pick = max(range(len(alternatives)), key=rank)
        chosen = self.units[alternatives[pick]]
        wording = chosen.wording
        citations = [carriers[pick][sid] for sid in sorted(carriers[pick])]
        wording, citations = self._pruned(chosen, citations, room)
        if len(citations) == 1 and wording.drops_role:
            # One outlet's wording that names a stranger, cut of who they are: its fuller
            # wordings were too long for the room left, and a shorter fact may fit. (Cut of its
            # "according to KCNA", a wording still tells what the outlet reports.)
            return None
        origin = self.candidates[chosen.candidate]
        sentence = DigestSentence(wording.text, citations)
        sentence.disagreements = disagreements(
            self.verifier,
            wording,
            citations,
            self.source_sentences,
            vocabulary=self.vocabulary,
            model=self.settings.models.spacy_model,
        )
        evidence = [(self.ids[origin.article], wording.text)]
        evidence += [(c.source, c.evidence) for c in citations if c.evidence != wording.text]
        # Covered: every wording of the same fact, and any wording close to the one printed (a
        # syndicated copy of it in a third article, too) or to the one chosen, if it tells that.
        nearest = self.vectors @ self.vectors[alternatives[pick]]
        if self._tells_chosen(best, alternatives[pick]):
            nearest = np.maximum(nearest, self.vectors @ self.vectors[best])
        same_fact = nearest >= self.settings.summary.align_threshold
        covered = same | {int(u) for u in np.flatnonzero(same_fact)}
        # Each cited outlet's carrying sentence, read whole, tells this fact too.
        carrying = {c.evidence for c in citations}
        covered |= {
            u for u, other in enumerate(self.units)
            if not other.claim.clause and self.candidates[other.candidate].text in carrying
        }  # fmt: skip
        return FactGroup(sentence, evidence), members, covered, alternatives[pick]

    def _pruned(
        self, unit: _Unit, citations: list[Citation], room: int
    ) -> tuple[Wording, list[Citation]]:
        """Cut a modifier only the printed outlet has, when that lets more outlets verify it.

        "The club handed out 15,000 scarves on Saturday at Harrow Stadium": an outlet that names
        no stadium verifies the sentence once "at Harrow Stadium" is cut.
        """
        wording = unit.wording
        origin = self.candidates[unit.candidate]
        own = Citation(self.ids[origin.article], origin.text, 1.0)
        for _ in range(MAX_PRUNING_ROUNDS):
            cited = {c.source for c in citations}
            better = self._prune_once(unit, wording, cited, room, own)
            if better is None:
                break
            wording, citations = better
        return wording, citations

    def _prune_once(
        self, unit: _Unit, wording: Wording, cited: set[int], room: int, own: Citation
    ) -> tuple[Wording, list[Citation]] | None:
        checks = uncited(
            self.verifier, wording, cited, self.source_sentences, vocabulary=self.vocabulary
        )
        for check in checks:
            near = check.similarity >= self.verifier.threshold - RELAXED_MARGIN
            if not near or not check.missing or len(check.missing) > MAX_PRUNED_NAMES:
                continue
            if rivalled(wording, check, model=self.settings.models.spacy_model):
                continue
            # Cited to several, the sentence cannot keep one outlet's attribution.
            base = wording
            if wording.attributed and len(unit.claim.wordings) > 1:
                base = unit.claim.wordings[1]
            shorter = unit.claim.without(base, check.missing)
            if shorter is None or shorter.words > room or shorter.dangling:
                continue
            (verified,) = self.verifier.check_many(
                [shorter.text],
                self.source_sentences,
                fact_entities=[shorter.entities],
                vocabulary=self.vocabulary,
            )
            # A cut leaves less for an outlet to carry: what a speaker said must still be in
            # each new outlet's evidence, not only the speaker ("Varga said her teams had
            # reached the ship" once "within 40 minutes of its distress call" is off).
            told = unit.claim.told_words(shorter)
            verified = [
                c for c in verified
                if c.source in cited
                or len(told) < MIN_TOLD_WORDS
                or coverage(told, set(normalise_tokens(c.evidence))) >= MIN_TOLD_COVERAGE
            ]  # fmt: skip
            # The cut wording still comes from its own outlet's sentence.
            by_source = {c.source: c for c in verified} | {own.source: own}
            if set(by_source) > cited:
                return shorter, [by_source[s] for s in sorted(by_source)]
        return None

    def _closeness(self, u: int, carriers: dict[int, Citation]) -> float:
        """How close a wording is to its least close carrier's evidence (cosine)."""
        own = self.ids[self.candidates[self.units[u].candidate].article]
        evidence = [c.evidence for sid, c in carriers.items() if sid != own and c.evidence]
        if not evidence:
            return 1.0
        vectors = get_embedder(self.settings.models).embed(evidence)
        return float((vectors @ self.vectors[u]).min())
