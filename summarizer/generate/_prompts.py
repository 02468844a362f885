"""Prompt templates from `prompts/`, rendered with evidence quoted as data.

A template is a plain-text file: comment lines (`#`) first, then a `[system]` section and a
`[user]` section. `$name` placeholders are filled by `string.Template`, in one pass, so article
text that contains `$evidence` or `{braces}` is never expanded.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError

__all__ = ["PROMPTS_DIR", "Prompt", "load_template", "quote", "render"]

# The repository's prompts/ folder: prompt text lives beside the code, never inside it.
PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
_SECTION = re.compile(r"^\[(system|user)\]\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Prompt:
    """One request to a generator: a system message and a user message."""

    system: str
    user: str

    def messages(self) -> list[dict[str, str]]:
        """Chat messages in the OpenAI / transformers chat-template form."""
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]


@lru_cache(maxsize=8)
def load_template(name: str, folder: Path = PROMPTS_DIR) -> tuple[string.Template, string.Template]:
    """The (system, user) templates of `prompts/<name>.txt`.

    Raises:
        ConfigError: the file is missing or lacks a [system] or [user] section.

    """
    path = folder / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read the prompt template: {exc}") from exc
    parts = _SECTION.split(text)
    # split() gives [preamble, "system", body, "user", body]
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    if set(sections) != {"system", "user"}:
        raise ConfigError(str(path), "a prompt needs one [system] and one [user] section")
    return string.Template(sections["system"].strip()), string.Template(sections["user"].strip())


def quote(text: str) -> str:
    """Article text made safe to sit between delimiters: one line, no markup of its own.

    Escaping `<` and `>` means an article cannot close `</evidence>` and write outside it;
    folding newlines means it cannot fake a new section either.
    """
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _evidence_block(evidence: Sequence[tuple[int, str]]) -> str:
    return "\n".join(f'<source id="{sid}">{quote(text)}</source>' for sid, text in evidence)


def _ids(evidence: Sequence[tuple[int, str]]) -> str:
    return " ".join(f"[{i}]" for i in sorted({sid for sid, _ in evidence}))


def render(
    name: str,
    evidence: Sequence[tuple[int, str]],
    *,
    question: str | None = None,
    folder: Path = PROMPTS_DIR,
) -> Prompt:
    """Fill a template with evidence (source id, sentence) and, for answers, the question.

    Args:
        name: the template: "fuse", "headline" or "answer".
        evidence: (citation id, text) pairs, quoted as data.
        question: the reader's question, quoted the same way.
        folder: where the templates are.

    Returns:
        The prompt.

    Raises:
        ConfigError: the template is missing or malformed.

    """
    system, user = load_template(name, folder)
    values = {
        "evidence": _evidence_block(evidence),
        "ids": _ids(evidence),
        "question": quote(question or ""),
    }
    return Prompt(system.safe_substitute(values), user.safe_substitute(values))
