"""Command line: `python -m summarizer {digest,fuse,extract,ask} ...`.

This module parses arguments, configures logging and does the I/O; the library does the work.

Exit codes: 0 success (for `digest`, at least one story was produced); 1 nothing produced (every
input failed, or no article formed a story); 2 bad usage, config or input file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from .config import MIN_MAX_WORDS, Settings, load_settings
from .errors import SummarizerError
from .models import Digest, Source
from .render import render_digest

log = logging.getLogger("summarizer")

_CHATTY_LIBRARIES = ("trafilatura", "htmldate", "readability", "courlan", "justext")
EXIT_OK = 0
EXIT_NOTHING = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m summarizer",
        description="Fuse news articles from several outlets into cited digests.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", required=True)

    digest = sub.add_parser("digest", help="digest files, article URLs and feeds")
    digest.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="file, directory, article URL or feed URL (none: the feeds in the config)",
    )
    digest.add_argument("--config", type=Path, help="config.toml (default: built-in settings)")
    digest.add_argument("--json", action="store_true", help="print JSON instead of text")
    digest.add_argument("--max-words", type=int, help="word budget per story")

    fuse = sub.add_parser("fuse", help="batch: fuse each JSONL line (one story) into a summary")
    fuse.add_argument("--jsonl", type=Path, required=True, metavar="IN")
    fuse.add_argument("--out", type=Path, required=True, metavar="OUT")
    fuse.add_argument("--config", type=Path)
    fuse.add_argument("--max-words", type=int)

    extract = sub.add_parser("extract", help="print the title and main text of a file or URL")
    extract.add_argument("input", metavar="INPUT")
    extract.add_argument("--config", type=Path)

    ask = sub.add_parser("ask", help="answer a question from a digest's sources")
    ask.add_argument("question", nargs="?", help="the question (with --digest)")
    ask.add_argument("--digest", type=Path, metavar="FILE", help="output of `digest --json`")
    ask.add_argument("--jsonl", type=Path, metavar="IN", help="batch of questions with articles")
    ask.add_argument("--out", type=Path, metavar="OUT", help="batch output (with --jsonl)")
    ask.add_argument("--json", action="store_true", help="print JSON instead of text")
    ask.add_argument("--config", type=Path)
    return parser


def _settings(path: Path | None) -> Settings:
    return load_settings(path) if path else Settings()


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------------------- digest


def _run_digest(args: argparse.Namespace) -> int:
    from .pipeline import digest_inputs

    settings = _settings(args.config)
    if not args.inputs and not settings.sources.feeds:
        _fail("no INPUT given and no [sources] feeds in the config")
        return EXIT_USAGE
    digest = asyncio.run(digest_inputs(args.inputs, settings, max_words=args.max_words))
    for failure in digest.failures:
        _fail(str(failure))
    if args.json:
        json.dump(digest.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_digest(digest))
    if digest.why_empty:
        print(f"note: no stories: {digest.why_empty}", file=sys.stderr)
    return EXIT_OK if digest.stories else EXIT_NOTHING


# ------------------------------------------------------------------------------------------ fuse


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield (line number, record, error) for each non-blank line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"not JSON ({exc.msg})"
                continue
            if not isinstance(record, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, record, None


def _progress(total: int, label: str) -> Any:
    """A progress bar on stderr when it is a terminal, else a no-op."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, disable=not sys.stderr.isatty(), file=sys.stderr)


def _count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip())


BatchStep = Callable[[dict[str, Any], str], dict[str, Any]]


def _run_batch(args: argparse.Namespace, settings: Settings, label: str, step: BatchStep) -> int:
    """Apply `step` to each JSONL record of `--jsonl`, one output line each, models loaded once.

    A bad line or a failing record gets one error line naming `FILE:LINE`; the rest go on.
    """
    from .nlp import get_embedder, get_spacy

    if not args.jsonl.is_file():
        _fail(f"{args.jsonl}: no such file")
        return EXIT_USAGE
    get_embedder(settings.models)  # loaded before the first record is timed
    get_spacy(settings.models.spacy_model)
    written = 0
    with (
        args.out.open("w", encoding="utf-8") as out,
        _progress(_count_lines(args.jsonl), label) as bar,
    ):
        for number, record, error in _read_jsonl(args.jsonl):
            bar.update(1)
            where = f"{args.jsonl}:{number}"
            if error or record is None:
                _fail(f"{where}: {error}")
                continue
            try:
                started = time.perf_counter()
                line = {"id": str(record.get("id", number)), **step(record, where)}
                line["seconds"] = round(time.perf_counter() - started, 4)
            except SummarizerError as exc:
                _fail(str(exc) if str(exc).startswith(where) else f"{where}: {exc}")
                continue
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1
    return EXIT_OK if written else EXIT_NOTHING


def _run_fuse(args: argparse.Namespace) -> int:
    from .pipeline import fuse_articles

    settings = _settings(args.config)

    def fuse(record: dict[str, Any], where: str) -> dict[str, Any]:
        from .ingest import articles_from_records

        articles = articles_from_records(record.get("articles") or [], where=where)
        if not articles:
            raise SummarizerError(f"{where}: no articles")
        digest = fuse_articles(articles, settings, max_words=args.max_words)
        return {
            "summary": " ".join(s.text for s in digest.sentences),
            "sentences": [
                {"text": s.text, "citations": s.source_ids, "generated": s.generated}
                for s in digest.sentences
            ],
            "headline": digest.headline,
        }

    return _run_batch(args, settings, "fuse", fuse)


# --------------------------------------------------------------------------------------- extract


def _run_extract(args: argparse.Namespace) -> int:
    from .ingest import load_one

    settings = _settings(args.config)
    article = asyncio.run(load_one(args.input, settings))
    print(article.title or "(no title)")
    print()
    print(article.text)
    return EXIT_OK


# ------------------------------------------------------------------------------------------- ask


def _sources_of(digest: Digest) -> list[Source]:
    return [source for story in digest.stories for source in story.sources]


def load_digest_file(path: Path) -> Digest:
    """Read a `digest --json` file.

    Raises:
        SummarizerError: missing, not JSON, or without sources.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SummarizerError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SummarizerError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise SummarizerError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    try:
        digest = Digest.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SummarizerError(
            f"{path}: not a digest (expected the output of `digest --json`)"
        ) from exc
    sources = _sources_of(digest)
    if not sources:
        raise SummarizerError(f"{path}: the digest lists no sources")
    if not any(s.text.strip() for s in sources):
        raise SummarizerError(
            f"{path}: the digest's sources carry no article text; re-create it with "
            "`python -m summarizer digest --json`"
        )
    return digest


def _print_answer(answer: Any, sources: Sequence[Source], *, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(answer.to_dict(), ensure_ascii=False) + "\n")
        return
    out.write(answer.text + "\n")
    by_id = {s.id: s for s in sources}
    for cid in answer.citations:
        source = by_id.get(cid)
        if source is not None:
            label = source.title or source.outlet or source.path or "(untitled)"
            where = source.url or source.path or ""
            out.write(f"[{cid}] {label}" + (f" <{where}>" if where else "") + "\n")


def _run_ask(args: argparse.Namespace) -> int:
    from .qa import answer_question, build_index

    settings = _settings(args.config)
    if args.jsonl:
        if not args.out:
            _fail("ask --jsonl needs --out")
            return EXIT_USAGE
        return _run_ask_batch(args, settings)
    if not args.digest or args.question is None:
        _fail('ask needs --digest FILE "QUESTION" (or --jsonl IN --out OUT)')
        return EXIT_USAGE
    digest = load_digest_file(args.digest)
    sources = _sources_of(digest)
    index = build_index(sources, settings)
    answer = answer_question(args.question, index, settings=settings)
    _print_answer(answer, sources, as_json=args.json, out=sys.stdout)
    return EXIT_OK


def _run_ask_batch(args: argparse.Namespace, settings: Settings) -> int:
    from .qa import answer_question, build_index

    def ask(record: dict[str, Any], where: str) -> dict[str, Any]:
        from .ingest import articles_from_records

        articles = articles_from_records(record.get("articles") or [], where=where)
        sources = [Source.of_article(i, a) for i, a in enumerate(articles, 1)]
        index = build_index(sources, settings)
        return answer_question(str(record.get("question", "")), index, settings=settings).to_dict()

    return _run_batch(args, settings, "ask", ask)


# ------------------------------------------------------------------------------------------ main

_COMMANDS = {"digest": _run_digest, "fuse": _run_fuse, "extract": _run_extract, "ask": _run_ask}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        # Extraction libraries log their own ERROR lines for pages we report once ourselves.
        for name in _CHATTY_LIBRARIES:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    # Offline by default: weights ship in installed packages, nothing is downloaded.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if getattr(args, "max_words", None) is not None and args.max_words < MIN_MAX_WORDS:
        _fail(f"--max-words must be at least {MIN_MAX_WORDS}")
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except SummarizerError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
