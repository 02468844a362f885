"""Roles: whether a short answer is the thing asked, read from the dependency parse.

Voting picks the name a question's best sentences hold most; it cannot tell the person who
met from the person met, or the outlet that said from the captain it spoke of. This package
reads the question ("Who met in Beijing?" asks for the subject of "meet") and the evidence
sentence with spaCy, and a short answer leads only when it stands in the asked role there.

One module per job, each importing only the ones listed before it (no cycles):

- `_question`: what a question asks (`Asked`, `asked`) and what a yes/no question asks
  about (`polar`, `polar_subject`); the dependency labels all of them read by;
- `_relation`: the words of a sentence that state the asked relation (`relation_words`),
  who does it and what it acts on, whether a sentence words a yes/no question's relation
  (`mentions`, `acts`), names someone only as another's object (`acted_on`), tells the
  relation as one more (`adds_on`: "also pledged") or states anything at all
  (`states_something`);
- `_naming`: what the evidence calls the asked one: the "she" or "the film" standing for a
  name (`anaphor`), what the sources say X is (`definition`) or call it (`naming`), two
  names as one answer
  (`together`), an answer with its unit or hour (`with_unit`, `with_time`);
- `_fit`: whether the answer stands in the asked role (`fit`, with `CONFIRMED`,
  `UNCONFIRMED`, `REFUSED`), the names NER missed there (`fillers`), and whether a sentence
  answers rather than restates the question (`fills`).
"""

from ._fit import CONFIRMED, REFUSED, UNCONFIRMED, fillers, fills, fit
from ._naming import anaphor, definition, naming, together, with_time, with_unit
from ._question import Asked, Role, asked, polar, polar_subject
from ._relation import acted_on, acts, adds_on, mentions, relation_words, states_something

__all__ = [
    "CONFIRMED", "REFUSED", "UNCONFIRMED", "Asked", "Role", "acted_on", "acts", "adds_on",
    "anaphor", "asked", "definition", "fillers", "fills", "fit", "mentions", "naming", "polar",
    "polar_subject", "relation_words", "states_something", "together", "with_time", "with_unit",
]  # fmt: skip
