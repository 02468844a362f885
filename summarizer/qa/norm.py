"""The form answers are compared in, so that "The Buffalo Bills" and "Buffalo Bills'" meet.

Case, a leading article, a trailing "'s" and stray punctuation are dropped.
"""

from __future__ import annotations

import re

from ..text import fold


def _norm(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+|'s$", "", fold(text).strip())
    return " ".join(re.sub(r"[^\w$€£%.\s-]", " ", text).split()).strip(" .-")
