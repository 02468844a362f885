"""A tiny random-weight model, built locally, to exercise the transformers backend offline.

No instruction-tuned weights can be downloaded where the tests and the benchmark run, so they
build a model from transformers' config classes (two layers, a few hundred tokens of vocabulary,
a byte-level BPE tokenizer trained on a few sentences) and save it like any checkpoint. Its
output is noise: what it shows is that loading, prompting and generation work, and that the
verifier throws the noise away.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:  # transformers loads only when a model is built
    from transformers import PreTrainedModel, PreTrainedTokenizerFast

__all__ = ["CHAT_TEMPLATE", "KINDS", "build_tiny_model"]

KINDS = ("llama", "gpt2", "t5")
VOCAB_SIZE = 384  # byte-level alphabet (256) plus some merges: every text still encodes
HIDDEN = 32
LAYERS = 2
PAD_ID, BOS_ID, EOS_ID = 0, 1, 2  # the tokenizer's first three special tokens, in its order


class _TokenIds(TypedDict):
    """The special token ids every config takes (a TypedDict, so mypy checks each config's)."""

    pad_token_id: int
    bos_token_id: int
    eos_token_id: int


# A minimal chat template in the style of instruction-tuned models.
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}</s>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
_CORPUS = (
    "The city council approved a new bridge over the river on Tuesday.",
    "The cargo ship ran aground and all 23 crew members were rescued by the coast guard.",
    "Write one sentence of a news digest from the evidence. Use only the evidence.",
    "Officials said the project would cost $40 million and open in 2027.",
)


def _tokenizer(corpus: Iterable[str]) -> PreTrainedTokenizerFast:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=["<pad>", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(list(corpus), trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>"
    )


def build_tiny_model(
    path: str | Path,
    *,
    kind: str = "llama",
    chat_template: bool = True,
    corpus: Iterable[str] = _CORPUS,
    seed: int = 0,
) -> Path:
    """Save a random-weight model and its tokenizer to `path`, ready for `from_pretrained`.

    Args:
        path: the folder to write (created).
        kind: "llama" or "gpt2" (causal) or "t5" (seq2seq).
        chat_template: give the tokenizer a chat template (causal models only).
        corpus: sentences to train the tokenizer's merges on.
        seed: torch seed for the weights.

    Returns:
        The folder.

    Raises:
        ValueError: an unknown kind.

    """
    import torch
    from transformers import (
        GPT2Config,
        GPT2LMHeadModel,
        LlamaConfig,
        LlamaForCausalLM,
        T5Config,
        T5ForConditionalGeneration,
    )

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = _tokenizer(corpus)
    vocab = len(tokenizer)
    ids: _TokenIds = {"pad_token_id": PAD_ID, "bos_token_id": BOS_ID, "eos_token_id": EOS_ID}
    torch.manual_seed(seed)
    model: PreTrainedModel
    if kind == "llama":
        config = LlamaConfig(
            vocab_size=vocab,
            hidden_size=HIDDEN,
            intermediate_size=2 * HIDDEN,
            num_hidden_layers=LAYERS,
            num_attention_heads=2,
            num_key_value_heads=2,
            max_position_embeddings=4096,
            **ids,
        )
        model = LlamaForCausalLM(config)
    elif kind == "gpt2":
        gpt2 = GPT2Config(
            vocab_size=vocab, n_embd=HIDDEN, n_layer=LAYERS, n_head=2, n_positions=4096, **ids
        )
        model = GPT2LMHeadModel(gpt2)
    else:
        # T5Config keeps any extra key as an attribute at run time, but its typed signature
        # names neither decoder_start_token_id nor bos_token_id.
        t5 = T5Config(  # type: ignore[call-arg]
            vocab_size=vocab,
            d_model=HIDDEN,
            d_kv=16,
            d_ff=2 * HIDDEN,
            num_layers=LAYERS,
            num_heads=2,
            decoder_start_token_id=PAD_ID,
            **ids,  # type: ignore[misc]
        )
        model = T5ForConditionalGeneration(t5)
    if chat_template and kind != "t5":
        tokenizer.chat_template = CHAT_TEMPLATE
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
