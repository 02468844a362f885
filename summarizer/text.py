"""Text helpers every stage shares: one rule each for folding, words and nationality words.

- `fold`: the form text is compared in: Unicode compatibility forms (NFKC: ligatures,
  full-width digits, non-breaking spaces), lower case, curly apostrophes made straight.
  A stage that needs more (verify's "U.S." -> "us", retrieval's digit-group commas) adds its
  own step on top of this one.
- `words` / `word_count`: runs of letters, digits and underscores, the unit the extraction
  limits and the duplicate shingles are counted in.
- `NATIONALITIES`: nationality words and the country each names ("Chinese" for China); the
  gazetteer reads other regular ones ("Kenyan", "Brazilian") by their stem.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "NATIONALITIES",
    "PARTS_OF_DAY",
    "QUOTATION",
    "SAYING_VERBS",
    "TIME_UNITS",
    "TITLE_ABBREVIATIONS",
    "fold",
    "word_count",
    "words",
]

# A direct quotation in straight or curly double quotes; its words are group 1 or 2.
QUOTATION = re.compile(r'“([^”]+)”|"([^"]+)"')

# Titles written short before a name ("Mr. Okafor", "Sen. Hald"), without their full stop.
TITLE_ABBREVIATIONS = (
    "Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt",
    "Prof", "Rev",
)  # fmt: skip

# Spans of time, in the plural news counts them in ("75 years after", "these days").
TIME_UNITS = frozenset(
    {"minutes", "hours", "days", "weeks", "months", "years", "decades", "centuries"}
)
# Parts of a day or week a date may follow ("on the evening of Nov. 23").
PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night", "day", "weekend"})
# Verbs of saying, in the forms news uses ("said", "told", "adds"): who speaks, not what.
SAYING_VERBS = frozenset(
    {"say", "says", "said", "saying", "report", "reports", "reported", "reporting", "tell",
     "tells", "told", "add", "adds", "added", "state", "states", "stated", "announce",
     "announces", "announced", "note", "notes", "noted", "confirm", "confirms", "confirmed",
     "claim", "claims", "claimed", "write", "writes", "wrote", "explain", "explains",
     "explained", "allege", "alleges", "alleged", "insist", "insists", "insisted",
     "acknowledge", "acknowledged", "testify", "testified", "declare", "declared", "assert",
     "asserted", "stress", "stressed", "emphasize", "emphasized", "reiterate", "reiterated"}
)  # fmt: skip

_WORD = re.compile(r"\w+")

# Irregular nationality word -> the country as news writing names it. The country names are
# ones both the gazetteer (places.py) and the verifier's folding (verify/_words.py: "US", "Britain")
# know, so each maps them on to its own form.
NATIONALITIES: Mapping[str, str] = MappingProxyType(
    {
        "chinese": "China",
        "french": "France",
        "british": "Britain",
        "english": "England",
        "dutch": "Netherlands",
        "swiss": "Switzerland",
        "turkish": "Turkey",
        "spanish": "Spain",
        "polish": "Poland",
        "greek": "Greece",
        "swedish": "Sweden",
        "danish": "Denmark",
        "finnish": "Finland",
        "norwegian": "Norway",
        "irish": "Ireland",
        "scottish": "Scotland",
        "welsh": "Wales",
        "filipino": "Philippines",
        "thai": "Thailand",
        "italian": "Italy",
        "ukrainian": "Ukraine",
        "mexican": "Mexico",
        "canadian": "Canada",
        "australian": "Australia",
        "indian": "India",
        "belgian": "Belgium",
        "lebanese": "Lebanon",
        "portuguese": "Portugal",
        "american": "US",
        "nepalese": "Nepal",
        "nepali": "Nepal",
        "pakistani": "Pakistan",
        "israeli": "Israel",
        "iraqi": "Iraq",
        "saudi": "Saudi Arabia",
        "emirati": "United Arab Emirates",
        "bangladeshi": "Bangladesh",
        "afghan": "Afghanistan",
        "argentine": "Argentina",
        "argentinian": "Argentina",
        "peruvian": "Peru",
        "chilean": "Chile",
        "hungarian": "Hungary",
        "north korean": "North Korea",
        "south korean": "South Korea",
        "new zealander": "New Zealand",
    }
)


def fold(text: str, *, accents: bool = True) -> str:
    """The form text is compared in: NFKC, lower case, straight apostrophes.

    Args:
        text: any text.
        accents: False drops the marks on letters, so that one outlet's "Grünberg" or "café"
            is another's "Grunberg" or "cafe" (what words are matched in across outlets). A
            user's keyword filter keeps them: its terms are shown back as typed.

    Returns:
        The folded text, as long as the input give or take compatibility characters and marks.

    """
    folded = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    if accents or folded.isascii():
        return folded
    bare = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def words(text: str) -> list[str]:
    """The words of a text: runs of letters, digits and underscores, in order."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """How many words (`words`) a text has."""
    return len(_WORD.findall(text))
