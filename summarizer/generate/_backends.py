"""The two generator backends: a local transformers model and an OpenAI-compatible server.

Both turn a batch of prompts into completions, one per prompt, `None` where that prompt failed
(a backend error, a timeout, retries exhausted): the caller then keeps the extractive text.
A backend that cannot be set up at all (missing weights, missing API key) raises instead, so a
misconfigured generator fails loudly rather than silently producing extractive digests forever.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import GeneratorSettings
from ..errors import ConfigError, ModelLoadError, SummarizerError
from ..fetch import retry_after_seconds
from ._prompts import Prompt

if TYPE_CHECKING:  # both load only when a generator is configured
    import aiohttp
    from tenacity import RetryCallState

__all__ = [
    "Completion",
    "Generator",
    "GeneratorError",
    "OpenAIGenerator",
    "TransformersGenerator",
    "close_generators",
    "get_generator",
]

log = logging.getLogger(__name__)

# transformers
BATCH_SIZE = 8  # prompts per generate() call: a story has ~5 facts and a headline
# openai
RETRIES = 3  # attempts after the first, on 429, 5xx and connection errors (not timeouts)
RETRY_BASE_S = 1.0  # first backoff; doubles each attempt, with jitter
RETRY_MAX_WAIT_S = 30.0  # cap on one wait, Retry-After included: a story must not stall longer
_DTYPES = {
    "float32": "float32", "fp32": "float32", "float": "float32",
    "float16": "float16", "fp16": "float16", "half": "float16",
    "bfloat16": "bfloat16", "bf16": "bfloat16",
}  # fmt: skip


class GeneratorError(SummarizerError):
    """A generation request that failed; the caller falls back to the extractive text."""


@dataclass(frozen=True, slots=True)
class Completion:
    """One generated text and what it cost."""

    text: str
    tokens: int  # generated tokens (the server's count for `openai`)
    seconds: float  # wall time of the request (transformers: the batch's, shared evenly)


class Generator(ABC):
    """Turns prompts into text; one instance per settings, shared by every thread."""

    def __init__(self, settings: GeneratorSettings) -> None:
        self.settings = settings

    @abstractmethod
    def complete(self, prompts: Sequence[Prompt]) -> list[Completion | None]:
        """One completion per prompt, None where that prompt failed (logged)."""

    def close(self) -> None:  # noqa: B027  (most backends hold nothing to release)
        """Release what the backend holds (connections, threads)."""


# --- transformers ---------------------------------------------------------------------------


def _split_revision(model: str) -> tuple[str, str | None]:
    """'org/name@<commit>' pins a hub revision; a local path is used as it is."""
    if "@" in model and not Path(model).exists():
        name, revision = model.rsplit("@", 1)
        return name, revision or None
    return model, None


class TransformersGenerator(Generator):
    """A local model: `AutoModelForCausalLM` (with the chat template) or a seq2seq model."""

    def __init__(self, settings: GeneratorSettings) -> None:
        super().__init__(settings)
        import torch
        from transformers import (
            AutoConfig,
            AutoModelForCausalLM,
            AutoModelForSeq2SeqLM,
            AutoTokenizer,
        )

        if not settings.model:
            raise ConfigError("[generator]", "model is required for the transformers backend")
        started = time.perf_counter()
        source, revision = _split_revision(settings.model)
        source = os.path.expanduser(source)
        if source.startswith((os.sep, ".")) and not Path(source).exists():
            # Said plainly: the hub client would call a missing folder a malformed repo id.
            raise ModelLoadError(f"cannot load generator model {source}: no such folder")
        offline = os.environ.get("HF_HUB_OFFLINE") == "1" or Path(source).exists()
        kwargs: dict[str, Any] = {"local_files_only": offline, "trust_remote_code": False}
        if revision:
            kwargs["revision"] = revision
        self.device = self._device(torch, settings.device)
        dtype = self._dtype(torch, settings.dtype, self.device)
        try:
            config = AutoConfig.from_pretrained(source, **kwargs)
            self.seq2seq = bool(getattr(config, "is_encoder_decoder", False))
            self.tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
            auto = AutoModelForSeq2SeqLM if self.seq2seq else AutoModelForCausalLM
            model = auto.from_pretrained(source, dtype=dtype, **kwargs)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelLoadError(f"cannot load generator model {settings.model}: {exc}") from exc
        # transformers decorates .to with functools.wraps(torch.nn.Module.to), so mypy reads the
        # unbound signature and takes the device for `self`.
        self.model = model.to(self.device).eval()  # type: ignore[arg-type]
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        # Decoder-only models continue from the right end, so batches pad on the left.
        self.tokenizer.padding_side = "right" if self.seq2seq else "left"
        self.chat = bool(getattr(self.tokenizer, "chat_template", None)) and not self.seq2seq
        self._torch = torch
        self._lock = threading.Lock()  # one generate() at a time: memory, not correctness
        log.info(
            "generator %s loaded on %s in %.1fs (%s, %s)",
            settings.model,
            self.device,
            time.perf_counter() - started,
            "seq2seq" if self.seq2seq else "causal",
            "chat template" if self.chat else "plain prompt",
        )

    @staticmethod
    def _device(torch: Any, device: str) -> str:
        if device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ModelLoadError(f"[generator] device = {device!r} but CUDA is not available")
        return device

    @staticmethod
    def _dtype(torch: Any, name: str, device: str) -> Any:
        if name == "auto":
            # The checkpoint's own dtype on a GPU; float32 on CPU, where half precision is slow.
            return "auto" if device != "cpu" else torch.float32
        if name.lower() not in _DTYPES:
            raise ConfigError(
                "[generator]", f"dtype {name!r} is not one of auto, float32, float16, bfloat16"
            )
        return getattr(torch, _DTYPES[name.lower()])

    def render(self, prompt: Prompt) -> str:
        """The prompt as the model reads it: through the chat template when there is one."""
        if self.chat:
            try:
                return str(
                    self.tokenizer.apply_chat_template(
                        prompt.messages(), add_generation_prompt=True, tokenize=False
                    )
                )
            except Exception:  # some templates refuse a system role: merge it into the user turn
                merged = [{"role": "user", "content": f"{prompt.system}\n\n{prompt.user}"}]
                return str(
                    self.tokenizer.apply_chat_template(
                        merged, add_generation_prompt=True, tokenize=False
                    )
                )
        return f"{prompt.system}\n\n{prompt.user}\n\n"

    def complete(self, prompts: Sequence[Prompt]) -> list[Completion | None]:
        """Greedy generation, BATCH_SIZE prompts at a time."""
        out: list[Completion | None] = []
        for start in range(0, len(prompts), BATCH_SIZE):
            batch = prompts[start : start + BATCH_SIZE]
            try:
                out.extend(self._generate([self.render(p) for p in batch]))
            except Exception:  # a CUDA OOM or a broken template must not lose the digest
                log.exception("generation failed for %d prompts", len(batch))
                out.extend([None] * len(batch))
        return out

    def _generate(self, texts: list[str]) -> list[Completion]:
        torch = self._torch
        # A chat template already holds the special tokens the model expects.
        enc = self.tokenizer(
            texts, return_tensors="pt", padding=True, add_special_tokens=not self.chat
        ).to(self.device)
        pad = self.tokenizer.pad_token_id
        eos = self.model.generation_config.eos_token_id or self.tokenizer.eos_token_id
        started = time.perf_counter()
        with self._lock, torch.inference_mode():
            output = self.model.generate(
                **enc,
                max_new_tokens=self.settings.max_new_tokens,
                do_sample=False,
                num_beams=1,
                pad_token_id=pad,
                eos_token_id=eos,
            )
        seconds = (time.perf_counter() - started) / len(texts)
        # A seq2seq output starts with the decoder's start token; a causal one with the prompt.
        new = output[:, 1:] if self.seq2seq else output[:, enc["input_ids"].shape[1] :]
        stops = {pad, *(eos if isinstance(eos, list) else [eos])} - {None}
        rows = new.tolist()
        # batch_decode: one string per row (decode is typed str | list[str] for either shape).
        decoded = self.tokenizer.batch_decode(rows, skip_special_tokens=True)
        completions = []
        for row, text in zip(rows, decoded, strict=True):
            tokens = next((i for i, t in enumerate(row) if t in stops), len(row))
            completions.append(Completion(text, tokens, seconds))
        return completions


# --- openai-compatible server ---------------------------------------------------------------


class _Transient(GeneratorError):
    """A 429, 5xx or dropped connection: worth another try after a wait."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(reason)


def _wait_seconds(attempt: int, exc: BaseException | None) -> float:
    """Retry-After when the server sent one, else exponential backoff with jitter; capped."""
    if isinstance(exc, _Transient) and exc.retry_after is not None:
        return min(exc.retry_after, RETRY_MAX_WAIT_S)
    backoff = RETRY_BASE_S * 2 ** (attempt - 1)
    return min(RETRY_MAX_WAIT_S, backoff * (0.5 + random.random()))


def _endpoint(base_url: str) -> str:
    """`http://host:8000/v1` or `http://host:8000` -> `.../v1/chat/completions`."""
    url = base_url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if not url.endswith("/v1"):
        url += "/v1"
    return url + "/chat/completions"


class OpenAIGenerator(Generator):
    """Any `/v1/chat/completions` server: vLLM, TGI, llama.cpp server, Ollama, OpenAI.

    Requests run on one private event loop in a daemon thread, so callers can be plain worker
    threads (the pipeline) no matter what loop the main thread runs (the bot); the loop also
    holds the connection pool and the concurrency limit for the whole process.
    """

    def __init__(self, settings: GeneratorSettings) -> None:
        super().__init__(settings)
        if not settings.base_url:
            raise ConfigError("[generator]", "base_url is required for the openai backend")
        if not settings.model:
            raise ConfigError("[generator]", "model is required for the openai backend")
        self.url = _endpoint(settings.base_url)
        self.headers = {"Content-Type": "application/json"}
        if settings.api_key_env:
            key = os.environ.get(settings.api_key_env)
            if not key:
                # A secret has no default: say so now rather than send unauthenticated requests.
                raise ConfigError(
                    "[generator]", f"api_key_env names {settings.api_key_env}, which is not set"
                )
            self.headers["Authorization"] = f"Bearer {key}"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="generator-http", daemon=True
        )
        self._thread.start()
        self._session: aiohttp.ClientSession | None = None
        self._semaphore = asyncio.Semaphore(max(1, settings.concurrency))

    def complete(self, prompts: Sequence[Prompt]) -> list[Completion | None]:
        """Send the prompts concurrently (at most `concurrency` in flight) and wait for all."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("complete() must not be called from the generator's own loop")
        future = asyncio.run_coroutine_threadsafe(self._complete_all(prompts), self._loop)
        return future.result()

    def _client(self) -> aiohttp.ClientSession:
        """The HTTP session, opened at first use on the generator's own loop."""
        import aiohttp

        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _complete_all(self, prompts: Sequence[Prompt]) -> list[Completion | None]:
        return list(await asyncio.gather(*(self._complete_one(p) for p in prompts)))

    async def _complete_one(self, prompt: Prompt) -> Completion | None:
        started = time.perf_counter()
        try:
            data = await self._post_with_retries(prompt)
            choice = data["choices"][0]
            text = choice["message"]["content"] or ""
            tokens = int((data.get("usage") or {}).get("completion_tokens") or 0)
        except (GeneratorError, TimeoutError) as exc:
            log.warning("generator request failed: %s", exc or type(exc).__name__)
            return None
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            log.warning("generator answered in an unexpected shape: %r", exc)
            return None
        return Completion(str(text), tokens, time.perf_counter() - started)

    async def _post_with_retries(self, prompt: Prompt) -> dict[str, Any]:
        from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            seconds = _wait_seconds(state.attempt_number, exc)
            log.info("generator: %s; retrying in %.1fs", exc, seconds)
            return seconds

        retrying = AsyncRetrying(
            stop=stop_after_attempt(RETRIES + 1),
            wait=wait,
            retry=retry_if_exception_type(_Transient),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._post(prompt)
        raise AssertionError("unreachable: tenacity reraises the last error")

    async def _post(self, prompt: Prompt) -> dict[str, Any]:
        import aiohttp

        body = {
            "model": self.settings.model,
            "messages": prompt.messages(),
            "max_tokens": self.settings.max_new_tokens,
            "temperature": 0,  # greedy, as with the transformers backend
            "n": 1,
        }
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        async with self._semaphore:
            try:
                async with self._client().post(
                    self.url, json=body, headers=self.headers, timeout=timeout
                ) as resp:
                    if resp.status == 429 or resp.status >= 500:
                        raise _Transient(
                            f"HTTP {resp.status} from {self.url}",
                            retry_after_seconds(resp.headers.get("Retry-After")),
                        )
                    if resp.status >= 400:
                        detail = (await resp.text())[:200]
                        raise GeneratorError(f"HTTP {resp.status} from {self.url}: {detail}")
                    return dict(await resp.json(content_type=None))
            except TimeoutError as exc:
                # Not retried: a server too slow for one request is too slow for a second,
                # and each try would hold the story for another timeout_s.
                raise GeneratorError(
                    f"no answer from {self.url} in {self.settings.timeout_s}s"
                ) from exc
            except aiohttp.ClientConnectionError as exc:
                raise _Transient(f"connection to {self.url} failed: {exc}") from exc

    def close(self) -> None:
        """Close the connection pool and stop the loop thread."""
        if not self._loop.is_running():
            return

        async def shut() -> None:
            if self._session is not None:
                await self._session.close()

        try:
            asyncio.run_coroutine_threadsafe(shut(), self._loop).result(timeout=5)
        except Exception:  # closing at exit: nothing left to save
            log.debug("closing the generator session failed", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._loop.is_running():
            self._loop.close()


# --- one generator per settings, per process ------------------------------------------------

_BACKENDS: dict[str, type[Generator]] = {
    "transformers": TransformersGenerator,
    "openai": OpenAIGenerator,
}
_generators: dict[GeneratorSettings, Generator] = {}
_lock = threading.Lock()


def get_generator(settings: GeneratorSettings) -> Generator:
    """The process-wide generator for these settings, built on first use.

    Raises:
        ConfigError: the backend is unknown or a required key or secret is missing.
        ModelLoadError: the transformers model cannot be loaded offline.

    """
    with _lock:
        generator = _generators.get(settings)
        if generator is None:
            backend = _BACKENDS.get(settings.backend or "")
            if backend is None:
                raise ConfigError(
                    "[generator]", f"backend {settings.backend!r} is not transformers or openai"
                )
            generator = _generators[settings] = backend(settings)
    return generator


@atexit.register
def close_generators() -> None:
    """Close every generator (tests, and the bot's shutdown; also run at exit)."""
    with _lock:
        generators = list(_generators.values())
        _generators.clear()
    for generator in generators:
        generator.close()
