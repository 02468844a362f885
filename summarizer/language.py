"""Which language an article is written in, so that no English model reads another language.

py3langid (the maintained fork of langid.py) carries its model inside the package: nothing is
downloaded at run time. It is loaded lazily, once (about a second), by the first article.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

__all__ = ["ENGLISH", "foreign_language", "language_name"]

log = logging.getLogger(__name__)

ENGLISH = "en"
SAMPLE_CHARS = 2000  # the title and lead tell the language; more text only costs time
# An article is left out only when the model is this sure: wrongly dropping an English article
# costs more than digesting a rare foreign one. On the 181 real pages of ../shared/data/extraction
# (article bodies) no English page is taken for another language, and 19 of the 20 pages in
# other languages score above this (the 20th, Indonesian, 0.80).
MIN_CONFIDENCE = 0.9

_identifier: Any = None
_lock = threading.Lock()


def _get_identifier() -> Any:
    global _identifier
    with _lock:  # gather detects in worker threads: load the model once
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def foreign_language(text: str) -> str | None:
    """The ISO 639-1 code of the language a text is written in, when surely not English.

    Args:
        text: the article (title and text); only its first SAMPLE_CHARS characters are read.

    Returns:
        The code ("de", "fr", ...) when the text is not English with at least MIN_CONFIDENCE,
        else None (English, or too unsure to leave the article out).

    """
    sample = text[:SAMPLE_CHARS]
    if not any(c.isalpha() for c in sample):
        return None
    code, probability = _get_identifier().classify(sample)
    log.debug("language %s (%.3f)", code, probability)
    if code == ENGLISH or probability < MIN_CONFIDENCE:
        return None
    return str(code)


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code ("de" -> "German"); the code when unknown."""
    import pycountry

    found = pycountry.languages.get(alpha_2=code)
    return str(found.name) if found is not None else code
