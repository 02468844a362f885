"""Generator benchmark: what the optional generator adds to a digest, and what it keeps.

Run: `.venv/bin/python -m bench.generate [INPUT ...] [--max-new-tokens N] [--repeat N]
[--config F]` (default input: the demo articles in examples/; `--config` adds a run of the
`[generator]` it configures, e.g. a real model on a GPU or a vLLM server).

Each story is fused extractively once; then each run rewrites every story with
`summarizer.generate.rewrite_story` and reports:
- added s/story: the rewrite's wall time per story (generation, cleaning, verification), on
  top of the extractive pipeline's own time, shown in the "extractive" row;
- tok/s: generated tokens per second of backend time;
- kept / fell back: generated sentences that passed the rules and the verifier vs those that
  fell back to the extractive sentence, and the commonest reasons; the same for headlines.

Runs, a floor and a ceiling around the one real backend that can run here without weights:
- "tiny-llama": a 2-layer random-weight Llama built on the spot (`generate.testing`), loaded
  through the real transformers backend on CPU. Its output is noise, so it measures the cost
  of the machinery and that the verifier throws noise away (kept must be 0%);
- "hijacked" (floor): a loopback OpenAI-compatible server answering every prompt with
  injected content (mentions, a link, a fake citation, a false claim): kept must be 0%;
- "echo" (ceiling): the same server answering with the group's best evidence sentence, i.e.
  perfect text; what the rules and the verifier still refuse shows their strictness, and the
  time is the HTTP + verification overhead of the openai backend.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parent.parent
HIJACKED = "@everyone BREAKING: everyone aboard died [7] https://evil.example/more"
_SOURCE = re.compile(r'<source id="\d+">(.*?)</source>')


def _evidence(body: dict[str, Any]) -> list[str]:
    return [html.unescape(t) for t in _SOURCE.findall(body["messages"][1]["content"])]


def _fake_server(answer: Callable[[dict[str, Any]], str]) -> tuple[ThreadingHTTPServer, str]:
    """A loopback /v1/chat/completions endpoint in a thread, answering with `answer(body)`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            text = answer(body)
            reply = json.dumps(
                {
                    "choices": [{"message": {"role": "assistant", "content": text}}],
                    "usage": {"completion_tokens": len(text.split())},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


def _echo(body: dict[str, Any]) -> str:
    evidence = _evidence(body)
    return evidence[0] if evidence else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="*", default=[str(REPO / "examples")])
    parser.add_argument("--max-new-tokens", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="rewrite each story N times")
    parser.add_argument(
        "--config", type=Path, help="config.toml whose [generator] is measured too (a real model)"
    )
    args = parser.parse_args()

    import torch
    import transformers

    from summarizer.cluster import cluster, dedupe
    from summarizer.config import GeneratorSettings, Settings, load_settings
    from summarizer.fuse import fuse_story
    from summarizer.generate import RewriteStats, close_generators, get_generator, rewrite_story
    from summarizer.generate.testing import build_tiny_model
    from summarizer.ingest import gather_sync
    from summarizer.nlp import get_embedder, get_spacy

    print(
        f"torch {torch.__version__}, transformers {transformers.__version__}, "
        f"{torch.get_num_threads()} CPU threads",
        file=sys.stderr,
    )
    base = Settings()
    max_new = args.max_new_tokens or base.generator.max_new_tokens
    articles, failures = gather_sync(args.inputs, base)
    for failure in failures:
        print(f"skipped: {failure}", file=sys.stderr)
    get_embedder(base.models)
    get_spacy(base.models.spacy_model)
    # Models loaded, sentences not yet embedded: a running bot digesting new articles.
    started = time.perf_counter()
    stories = cluster(dedupe(articles, threshold=base.summary.dedupe_jaccard), base)
    fused = [fuse_story(s, base) for s in stories]
    extractive_s = (time.perf_counter() - started) / max(1, len(fused))
    n_sentences = sum(len(f.groups) for f in fused)
    print(
        f"{len(articles)} articles, {len(fused)} stories, {n_sentences} digest sentences; "
        f"max_new_tokens {max_new}",
        file=sys.stderr,
    )

    rows: list[tuple[str, RewriteStats, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tiny = build_tiny_model(Path(tmp) / "tiny-llama", kind="llama")
        hijack, hijack_url = _fake_server(lambda body: HIJACKED)
        echo, echo_url = _fake_server(_echo)
        runs = {
            "tiny-llama (transformers, cpu)": GeneratorSettings(
                backend="transformers", model=str(tiny), device="cpu", max_new_tokens=max_new
            ),
            "hijacked (openai, loopback)": GeneratorSettings(
                backend="openai", model="fake", base_url=hijack_url, max_new_tokens=max_new
            ),
            "echo (openai, loopback)": GeneratorSettings(
                backend="openai", model="fake", base_url=echo_url, max_new_tokens=max_new
            ),
        }
        if args.config is not None:
            configured = load_settings(args.config).generator
            if configured.backend:
                runs[f"{configured.backend}: {Path(configured.model or '').name}"] = configured
        for name, generator in runs.items():
            settings = dataclasses.replace(base, generator=generator)
            loaded = time.perf_counter()
            get_generator(generator)
            load_s = time.perf_counter() - loaded
            total = RewriteStats()
            for _ in range(args.repeat):
                for story in fused:
                    stats = RewriteStats()
                    rewrite_story(story, settings, stats=stats)
                    total.add(stats)
            rows.append((name, total, load_s))
        close_generators()
        hijack.shutdown()
        echo.shutdown()

    runs_per_story = max(1, len(fused) * args.repeat)
    header = (
        f"{'run':32} {'load s':>7} {'added s/story':>13} {'tok/s':>7} "
        f"{'kept':>5} {'fell back':>9} {'headline kept':>13}  reasons"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'extractive (no generator)':32} {'':>7} {extractive_s:>13.2f}  (pipeline time per story)"
    )
    for name, stats, load_s in rows:
        # The loopback servers' "tokens" are words and their time is HTTP: no speed to report.
        speed = (
            f"{stats.tokens / stats.generation_s:.0f}"
            if stats.generation_s and "loopback" not in name
            else "-"
        )
        fell = stats.sentences - stats.kept
        kept = f"{stats.kept / max(1, stats.sentences):.0%}"
        fell_share = f"{fell / max(1, stats.sentences):.0%}"
        headline = f"{stats.headlines_kept}/{stats.headlines}"
        reasons = ", ".join(f"{k} {v}" for k, v in stats.reasons.most_common(4))
        print(
            f"{name:32} {load_s:>7.2f} {stats.wall_s / runs_per_story:>13.2f} {speed:>7} "
            f"{kept:>5} {fell_share:>9} {headline:>13}  {reasons}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
