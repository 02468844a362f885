"""Reading the retrieved sentences for a question: their parses, and the one that answers.

`_Reader` parses the question and each hit once; it tells a statement from a title
(`statement`), how well a short answer fits its role in a hit (`fit`, over `roles`), which hit
answers when no short answer leads (`evidence`), and what an answer told as one more adds to
(`told_before`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..nlp import parse
from ..retrieve import Hit, QAIndex, terms
from ..text import fold
from . import roles
from .followups import _EVENT_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_EVIDENCE_READ = 6  # best hits parsed for a role, a definition or a statement
EVIDENCE_SHARE = 0.9  # a statement filling the asked role beats a better one scoring this share
FILLING_SHARE = 0.8  # ... and, when none that close does, one scoring this share


def _titled(text: str) -> str:
    """A line as compared with the sources' titles: folded, without its closing stop."""
    return fold(text).strip().rstrip(".!")


_WHAT_HAPPENED = re.compile(r"^\W*what(?:'s|’s| has| had)? happen(?:ed|s|ing)?\b", re.IGNORECASE)
# ... and that question alone, of the story as a whole: "What happened?", "So what happened?"
_ONLY_WHAT_HAPPENED = re.compile(
    r"^\W*(?:so |and |ok,? )?what(?:'s|’s| has| had)? happen(?:ed|s|ing)?"
    r"(?: here| there| today)?\W*$",
    re.IGNORECASE,
)


class _Reader:
    """Parses of the question and of the hits a role is read from, each read once."""

    def __init__(self, question: str, index: QAIndex, kind: str | None = None) -> None:
        self.index = index
        self.kind = kind
        self.question = question
        self.model = index.settings.models.spacy_model
        self._docs: dict[str, Doc] = {}
        self._relation_stated: bool | None = None
        self.asked = roles.asked(self.doc(question))
        self.polar = roles.polar(self.doc(question))  # what a yes/no question asks about
        self.polar_subject = roles.polar_subject(self.doc(question))  # ... and of whom
        self.words = frozenset(
            w for t in self.doc(question) if not t.is_stop for w in (t.lower_, t.lemma_.lower())
        )  # the question's own words: a role filled with them says nothing new
        # A page's first line that repeats its title is the title again, not a statement.
        self.titles = frozenset(
            _titled(s.title) for s in index.sources if s.title and s.title.strip()
        )

    def doc(self, text: str) -> Doc:
        if text not in self._docs:
            (self._docs[text],) = parse([text], model=self.model, lemmas=True)
        return self._docs[text]

    def statement(self, hit: Hit) -> bool:
        """Whether a hit can answer: not a title, and it states something."""
        if self.index.passages[hit.passage].is_title or _titled(hit.text) in self.titles:
            return False
        return roles.states_something(self.doc(hit.text))

    def fit(self, hit: Hit, answer: str, hits: Sequence[Hit]) -> int:
        """How well an answer fits the question's role in a hit (`roles.fit`).

        A sentence that words the asked relation otherwise leaves the role unconfirmed; but
        where the best sentences do state the relation, one that does not is about another
        matter ("What aid might China resume?": not what China prefers).
        """
        if self.asked is None:
            title = self.index.passages[hit.passage].is_title
            return roles.REFUSED if title else roles.UNCONFIRMED
        if not self.statement(hit):
            return roles.REFUSED
        doc = self.doc(hit.text)
        fit = roles.fit(self.asked, doc, answer, place=self.kind == "place")
        elsewhere = (
            fit == roles.UNCONFIRMED
            and self.asked.role in {"subject", "object"}
            and answer.lower() in hit.text.lower()  # not a converted amount
            and not roles.relation_words(self.asked, doc)
            and self._stated(hits)
        )
        return roles.REFUSED if elsewhere else fit

    def _stated(self, hits: Sequence[Hit]) -> bool:
        if self._relation_stated is None:
            assert self.asked is not None
            asked = self.asked
            self._relation_stated = any(
                roles.relation_words(asked, self.doc(h.text))
                for h in hits[:MAX_EVIDENCE_READ]
                if self.statement(h)
            )
        return self._relation_stated

    def evidence(self, hits: Sequence[Hit]) -> Hit | None:
        """The hit to answer with when no short answer fits: the best statement (no title).

        Of the statements scoring nearly as well as the best, the first that fills the asked
        role with something the question does not say: "Aviora wants to bring the great auk
        back" over "The list of lost birds Aviora wants to bring back is growing", which only
        restates "bring which bird back?". For a
        yes/no question, the first that words the relation asked about. None when the best
        names the one asked about only as another's object, and none close says what they did.
        """
        statements = [h for h in hits if self.statement(h)][:MAX_EVIDENCE_READ]
        if not statements:
            return hits[0]
        close = [h for h in statements if h.score >= EVIDENCE_SHARE * statements[0].score]
        if _WHAT_HAPPENED.match(self.question):
            # "What happened to the ship?": a report's lead tells what happened; any other line
            # about the ship tells one detail ("She said the ship's radio call was calm").
            about = set(terms(_EVENT_VERBS.sub(" ", self.question)))
            lead = next(
                (
                    h
                    for h in statements
                    if self.index.opens_source(h.passage, h.index) and about & set(terms(h.text))
                ),
                None,
            )
            if lead is not None:
                return lead
        if self.asked is not None and self.asked.verb is not None:
            for hit in close:
                if roles.fills(self.asked, self.doc(hit.text), self.words):
                    return hit
            # "What did Xi tell Kim?": the best statement has Kim telling Xi; one scoring a
            # little lower has Xi telling Kim. (Only where the question names who does it.)
            fair = [h for h in statements if h.score >= FILLING_SHARE * statements[0].score]
            for hit in fair[len(close) :] if self.asked.doer is not None else []:
                if roles.fills(self.asked, self.doc(hit.text), self.words):
                    return hit
            # "What does Kessling demand before talks?": with no sentence wording the demand,
            # what Kessling does ("pledged to ignore the talks unless ...") over what others
            # did on the way to talks.
            if self.asked.doer is not None:
                doer = self.asked.doer.lower()
                for hit in close:
                    if roles.acts(doer, self.doc(hit.text)):
                        return hit
                # "What did Kessling say about Harrow?" is not answered by "Harrow met with
                # Kessling": what Kessling said, a little lower, or the sources don't say.
                if roles.acted_on(doer, self.doc(statements[0].text)):
                    return next((h for h in fair if roles.acts(doer, self.doc(h.text))), None)
        elif self.polar is not None:
            # "Did the ship leak oil?": "no evidence of any leak" over "holds 1,200 tonnes of
            # fuel oil", which shares more words but not the one asked about.
            subject = self.polar_subject
            for hit in close:
                if roles.mentions(self.polar, self.doc(hit.text), subject=subject):
                    return hit
            # "Has Kessling agreed to talks?": what Kessling did ("pledged to ignore the
            # calls for talks") over what others agreed.
            if subject is not None:
                for hit in close:
                    if roles.acts(subject, self.doc(hit.text)):
                        return hit
        return statements[0]

    def told_before(self, statement: Hit, hits: Sequence[Hit]) -> Hit | None:
        """What an answer told as one more adds to ("Quist also pledged ..."), or None.

        The statement of the asked relation that does not say "also", among the best read.
        """
        if self.asked is None or not roles.adds_on(self.asked, self.doc(statement.text)):
            return None
        statements = [h for h in hits if self.statement(h)][:MAX_EVIDENCE_READ]
        return next(
            (
                h
                for h in statements
                if h.text != statement.text
                and roles.fills(self.asked, self.doc(h.text), self.words)
                and not roles.adds_on(self.asked, self.doc(h.text))
            ),
            None,
        )
