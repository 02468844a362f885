"""A gazetteer for what the entity tagger cannot tell apart: a country, a state, a city.

spaCy tags "California", "Paris" and "France" all GPE. A question asking for "which state" or
"which major city" says which of them can be its answer. Country and first-level division names
come from pycountry (ISO 3166); the names news writing uses that ISO does not ("Russia", "the
U.S.", "Britain") are added here, and nationality words ("Chinese" for China) come from the
table the verifier shares (`text.NATIONALITIES`) or, for regular ones, the country's stem.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

from .text import NATIONALITIES, fold

__all__ = ["countries_named_in", "country", "country_of_nationality", "is_country", "is_state"]

# Common names missing from ISO 3166 names, each mapped to the ISO short name.
_ALIASES = {
    "russia": "Russian Federation",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "the uk": "United Kingdom",
    "us": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "america": "United States",
    "turkey": "Türkiye",
    "ivory coast": "Côte d'Ivoire",
    "holland": "Netherlands",
    "the netherlands": "Netherlands",
    "burma": "Myanmar",
    "czech republic": "Czechia",
    "vatican": "Holy See (Vatican City State)",
    "vatican city": "Holy See (Vatican City State)",
    "palestine": "Palestine, State of",
    "uae": "United Arab Emirates",
    "drc": "Congo, The Democratic Republic of the",
    "east timor": "Timor-Leste",
    "cape verde": "Cabo Verde",
    "swaziland": "Eswatini",
}
# Nations within a country that news and sport treat as countries.
_NATIONS = ("England", "Scotland", "Wales", "Northern Ireland", "Kosovo")
# First-level divisions a "which state" question can mean (US and Indian states, Canadian
# provinces, German Länder ...), not counties, districts or municipalities.
# What regular nationality words add to the country's stem ("Kenya" -> "Kenyan").
_DEMONYM_ENDINGS = frozenset({"", "n", "an", "ian", "ean", "ese", "i", "ish", "ic"})
_STATE_TYPES = frozenset({"State", "Province", "Territory", "Land", "Federal entity"})
_EDGE = re.compile(r"^(?:the)\s+")


def _key(name: str) -> str:
    text = re.sub(r"'s$", "", fold(name).strip())
    return " ".join(text.split())


# ISO names no reader uses.
_SHOWN = {"Russian Federation": "Russia", "Holy See (Vatican City State)": "Vatican City"}


def _display(record: pycountry.db.Country) -> str:
    """The name a reader knows: "South Korea", not "Korea, Republic of"."""
    common = getattr(record, "common_name", None)
    name = str(getattr(record, "name", ""))
    return _SHOWN.get(name, str(common) if common else name)


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Every known name of a country (lowercased) -> its display name."""
    names: dict[str, str] = {}
    for record in pycountry.countries:
        shown = _display(record)
        for attr in ("name", "common_name", "official_name"):
            value = getattr(record, attr, None)
            if value:
                names[_key(str(value))] = shown
    for alias, iso_name in _ALIASES.items():
        country = pycountry.countries.get(name=iso_name)
        names[alias] = _display(country) if country else iso_name
    for nation in _NATIONS:
        names[_key(nation)] = nation
    return names


@lru_cache(maxsize=1)
def _states() -> frozenset[str]:
    return frozenset(_key(str(s.name)) for s in pycountry.subdivisions if s.type in _STATE_TYPES)


@lru_cache(maxsize=4096)
def country(name: str) -> str | None:
    """The country a name stands for ("the U.S." -> "United States"), or None."""
    key = _key(name)
    return _countries().get(key) or _countries().get(_EDGE.sub("", key))


def is_country(name: str) -> bool:
    """True when the name is a country's."""
    return country(name) is not None


@lru_cache(maxsize=4096)
def is_state(name: str) -> bool:
    """True when the name is a state's, province's or other first-level division's."""
    return _EDGE.sub("", _key(name)) in _states()


@lru_cache(maxsize=4096)
def country_of_nationality(word: str) -> str | None:
    """The country a nationality word names ("Chinese" -> "China"), or None."""
    key = _key(word).removesuffix("s")  # "Ukrainians" -> "ukrainian"
    # Irregular words from the shared table; regular ones ("Russian", "Brazilian") below.
    if key in NATIONALITIES:
        return country(NATIONALITIES[key]) or NATIONALITIES[key]
    if len(key) < 5:
        return None
    # Regular forms share the country's stem: "Russian"/"Russia", "Brazilian"/"Brazil",
    # "Ukrainian"/"Ukraine", "German"/"Germany", "Japanese"/"Japan".
    # The longest stem wins: "Nigerian" is Nigeria's, not Niger's.
    best: tuple[int, str] | None = None
    for name, shown in _countries().items():
        if " " in name or "," in name or len(name) < 4:
            continue
        stem = name[:-1] if name[-1] in "aeiouy" else name
        fits = key.startswith(stem) and key[len(stem) :] in _DEMONYM_ENDINGS
        if fits and (best is None or len(stem) > best[0]):
            best = (len(stem), shown)
    return best[1] if best else None


def countries_named_in(text: str) -> frozenset[str]:
    """The countries a text names, by name, alias or nationality word ("US", "Chinese")."""
    words = re.findall(r"[\w.'’]+", unicodedata.normalize("NFKC", text))
    words = [w.rstrip(".") if not re.fullmatch(r"(?:\w\.){2,}", w) else w for w in words]
    found: set[str] = set()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if size == 1 and not phrase[:1].isupper():
                continue  # "us" the pronoun is no country; "US" is
            named = country(phrase) or (country_of_nationality(phrase) if size == 1 else None)
            if named:
                found.add(named)
    return frozenset(found)
