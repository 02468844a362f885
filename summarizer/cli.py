"""Command line: `python -m summarizer {digest,fuse,extract,ask} ...`.

This module parses arguments, configures logging and does the I/O; the library does the work.
Settings come from `--config`, else `./config.toml` when present (as the bot reads them), else
the defaults. On a terminal, `digest` draws its progress on stderr.

Exit codes: 0 success (for `digest`, at least one story was produced); 1 nothing produced (every
input failed, or no article formed a story); 2 bad usage, config or input file; 3 a batch
(`fuse --jsonl`, `ask --jsonl`) wrote its good lines but some lines failed; 130 interrupted
(Ctrl-C).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .config import MIN_MAX_WORDS, Settings, load_settings
from .errors import SummarizerError
from .filters import FilterError, parse_filter
from .models import Answer, Digest, Source, Turn
from .render import render_answer, render_digest

if TYPE_CHECKING:  # the QA stack loads only for `ask`
    from .qa import QAIndex

log = logging.getLogger("summarizer")

_CHATTY_LIBRARIES = ("trafilatura", "htmldate", "readability", "courlan", "justext")
EXIT_OK = 0
EXIT_NOTHING = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3  # a batch wrote its good lines, but at least one line failed
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C
DEFAULT_CONFIG = Path("config.toml")  # read from the working directory, as the bot does
_PROJECT = "newsdigest"
_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def version() -> str:
    """The project's version: the installed distribution's, else the source tree's pyproject."""
    try:
        return metadata.version(_PROJECT)
    except metadata.PackageNotFoundError:
        pass
    try:
        return str(tomllib.loads(_PYPROJECT.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m summarizer",
        description="Fuse news articles from several outlets into cited digests.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    config_help = f"settings file (default: ./{DEFAULT_CONFIG} when present, else built-in)"

    digest = sub.add_parser("digest", help="digest files, article URLs and feeds")
    digest.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="file, directory, article URL, feed URL, or - for an article on stdin "
        "(none: the feeds of the config)",
    )
    digest.add_argument("--config", type=Path, help=config_help)
    digest.add_argument("--json", action="store_true", help="print JSON instead of text")
    digest.add_argument("--max-words", type=int, help="word budget per story")
    digest.add_argument(
        "--since",
        type=Path,
        metavar="PREVIOUS",
        help="a saved `digest --json`: stories that continue one of it are told as updates "
        "(what is new first, numbers that changed, the background in one line)",
    )
    filters = digest.add_argument_group(
        "filters", "keep only the stories you want (matched on headlines and sentences)"
    )
    filters.add_argument(
        "--include",
        metavar="WORDS",
        help='keep stories with any of these words or "quoted phrases" (e.g. "climate, wildfire")',
    )
    filters.add_argument(
        "--exclude", metavar="WORDS", help="leave out stories with any of these words or phrases"
    )
    filters.add_argument(
        "--include-regex",
        metavar="PATTERN",
        help="also keep stories matching this regular expression (case-insensitive)",
    )
    filters.add_argument(
        "--min-outlets", type=int, metavar="N", help="leave out stories fewer outlets report"
    )

    fuse = sub.add_parser("fuse", help="batch: fuse each JSONL line (one story) into a summary")
    fuse.add_argument("--jsonl", type=Path, required=True, metavar="IN")
    fuse.add_argument("--out", type=Path, required=True, metavar="OUT")
    fuse.add_argument("--config", type=Path, help=config_help)
    fuse.add_argument("--max-words", type=int)

    extract = sub.add_parser("extract", help="print the title and main text of a file or URL")
    extract.add_argument("input", metavar="INPUT", help="file, URL, or - for stdin")
    extract.add_argument("--config", type=Path, help=config_help)

    ask = sub.add_parser("ask", help="answer a question from a digest's sources")
    ask.add_argument(
        "question",
        nargs="?",
        help="the question (with --digest); without it, questions are read from stdin, one a "
        "line, and follow-ups refer to the answers before",
    )
    ask.add_argument("--digest", type=Path, metavar="FILE", help="output of `digest --json`")
    ask.add_argument("--jsonl", type=Path, metavar="IN", help="batch of questions with articles")
    ask.add_argument("--out", type=Path, metavar="OUT", help="batch output (with --jsonl)")
    ask.add_argument("--json", action="store_true", help="print JSON instead of text")
    ask.add_argument("--config", type=Path, help=config_help)
    return parser


def _settings(path: Path | None) -> Settings:
    """`--config`, else ./config.toml when there is one, else the defaults."""
    if path is None and DEFAULT_CONFIG.is_file():
        log.info("reading settings from ./%s", DEFAULT_CONFIG)
        path = DEFAULT_CONFIG
    return load_settings(path) if path else Settings()


# Stages are uneven steps (a feed item, a model, a story): a rate per step would mislead.
_BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}]"


class _StageBars:
    """Progress on stderr, one tqdm bar per stage, fed by the library's progress callbacks."""

    def __init__(self) -> None:
        self._stage: str | None = None
        self._bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = tqdm(
                total=total, desc=stage, file=sys.stderr, leave=False, bar_format=_BAR_FORMAT
            )
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._stage, self._bar = None, None


def _stage_bars() -> _StageBars | None:
    """Progress bars when stderr is a terminal; None (no progress output) otherwise."""
    return _StageBars() if sys.stderr.isatty() else None


def _load_models(settings: Settings, bars: _StageBars | None) -> None:
    """Load the models before the work that needs them, so their seconds show as a stage."""
    from .nlp import get_embedder, get_spacy

    if bars is not None:
        bars("loading models", 0, 2)
    get_embedder(settings.models)
    if bars is not None:
        bars("loading models", 1, 2)
    get_spacy(settings.models.spacy_model)
    if bars is not None:
        bars("loading models", 2, 2)


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------------------- digest


def _run_digest(args: argparse.Namespace) -> int:
    from .ingest import STDIN, gather
    from .pipeline import summarize

    settings = _settings(args.config)
    # Checked before any work: a bad filter is a usage error, not an empty digest.
    try:
        story_filter = parse_filter(
            include=args.include,
            exclude=args.exclude,
            include_regex=args.include_regex,
            min_outlets=args.min_outlets,
        )
    except FilterError as exc:
        _fail(f"--{exc.source.replace('_', '-')}: {exc.reason}")  # the option as typed
        return EXIT_USAGE
    if not args.inputs and not settings.sources.feeds:
        _fail(f"no INPUT given and no [sources] feeds in ./{DEFAULT_CONFIG} or --config")
        return EXIT_USAGE
    # Read first: a bad file is a usage error before minutes of fetching and fusing.
    previous = load_digest_file(args.since, need_text=False) if args.since else None
    stdin = sys.stdin.buffer.read() if STDIN in args.inputs else None
    bars = _stage_bars()
    try:
        articles, failures = asyncio.run(gather(args.inputs, settings, stdin=stdin, progress=bars))
        if articles:
            _load_models(settings, bars)
        # In this (main) thread, not a worker: Ctrl-C stops it at once.
        digest = summarize(articles, settings, max_words=args.max_words, progress=bars)
        if previous is not None:
            from .track import track

            track(digest, previous, settings)
    finally:
        if bars is not None:
            bars.close()
    digest.failures = list(failures)
    digest = story_filter.apply(digest)
    for failure in digest.unreadable:
        _fail(str(failure))
    for skipped in digest.left_out:
        print(f"note: {skipped}", file=sys.stderr)  # left out on purpose, not a failure
    if args.json:
        json.dump(digest.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_digest(digest))
    if digest.why_empty:
        print(f"note: no stories: {digest.why_empty}", file=sys.stderr)
    elif digest.filtered_out:
        left_out = digest.filtered_out
        print(
            f"note: the filters left out {left_out} stor{'ies' if left_out != 1 else 'y'}",
            file=sys.stderr,
        )
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

    Returns:
        EXIT_OK, EXIT_PARTIAL when some lines failed, EXIT_NOTHING when no line was written.
    """
    from .nlp import get_embedder, get_spacy

    if not args.jsonl.is_file():
        _fail(f"{args.jsonl}: no such file")
        return EXIT_USAGE
    get_embedder(settings.models)  # loaded before the first record is timed
    get_spacy(settings.models.spacy_model)
    written = failed = 0
    with (
        args.out.open("w", encoding="utf-8") as out,
        _progress(_count_lines(args.jsonl), label) as bar,
    ):
        for number, record, error in _read_jsonl(args.jsonl):
            bar.update(1)
            where = f"{args.jsonl}:{number}"
            if error or record is None:
                _fail(f"{where}: {error}")
                failed += 1
                continue
            try:
                started = time.perf_counter()
                line = {"id": str(record.get("id", number)), **step(record, where)}
                line["seconds"] = round(time.perf_counter() - started, 4)
            except SummarizerError as exc:
                _fail(str(exc) if str(exc).startswith(where) else f"{where}: {exc}")
                failed += 1
                continue
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1
    if not written:
        return EXIT_NOTHING
    return EXIT_PARTIAL if failed else EXIT_OK


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
    from .ingest import STDIN, load_one

    settings = _settings(args.config)
    stdin = sys.stdin.buffer.read() if args.input == STDIN else None
    article = asyncio.run(load_one(args.input, settings, stdin=stdin))
    print(article.title or "(no title)")
    print()
    print(article.text)
    return EXIT_OK


# ------------------------------------------------------------------------------------------- ask


def load_digest_file(path: Path, *, need_text: bool = True) -> Digest:
    """Read a `digest --json` file.

    Args:
        path: the file.
        need_text: its sources must carry their article text (questions are answered from it;
            `--since` compares with the digest's sentences and uses the text only when there).

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
    sources = digest.sources
    if not sources:
        raise SummarizerError(f"{path}: the digest lists no sources")
    if need_text and not any(s.text.strip() for s in sources):
        raise SummarizerError(
            f"{path}: the digest's sources carry no article text; re-create it with "
            "`python -m summarizer digest --json`"
        )
    return digest


def _print_answer(answer: Answer, sources: Sequence[Source], *, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(answer.to_dict(), ensure_ascii=False) + "\n")
        return
    out.write(render_answer(answer, sources) + "\n")


def _run_ask(args: argparse.Namespace) -> int:
    from .qa import answer_question, build_index

    settings = _settings(args.config)
    if args.jsonl:
        if not args.out:
            _fail("ask --jsonl needs --out")
            return EXIT_USAGE
        return _run_ask_batch(args, settings)
    if not args.digest:
        _fail('ask needs --digest FILE ["QUESTION"] (or --jsonl IN --out OUT)')
        return EXIT_USAGE
    digest = load_digest_file(args.digest)
    sources = digest.sources
    index = build_index(sources, settings)
    if args.question is None:
        return _ask_interactively(index, sources, settings, as_json=args.json)
    answer = answer_question(args.question, index, settings=settings)
    _print_answer(answer, sources, as_json=args.json, out=sys.stdout)
    return EXIT_OK


def _ask_interactively(
    index: QAIndex, sources: Sequence[Source], settings: Settings, *, as_json: bool
) -> int:
    """Answer questions read from stdin, one a line, until its end; models are loaded once.

    The conversation is kept (the last `[qa] history_turns` turns), so a follow-up such as
    "What did he say next?" resolves against the answers before it.
    """
    from .qa import QuestionError, answer_question, remember

    _load_models(settings, None)
    on_terminal = sys.stdin.isatty()
    if on_terminal:
        print(
            f"Ask about the digest's {len(sources)} sources, one question a line "
            "(Ctrl-D ends, Ctrl-C quits).",
            file=sys.stderr,
        )
    history: list[Turn] = []
    while True:
        if on_terminal:
            print("? ", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line:
            return EXIT_OK
        question = line.strip()
        if not question:
            continue
        try:
            answer = answer_question(question, index, history=history, settings=settings)
        except QuestionError as exc:
            _fail(str(exc))
            continue
        _print_answer(answer, sources, as_json=as_json, out=sys.stdout)
        if not as_json:
            sys.stdout.write("\n")
        sys.stdout.flush()
        history = remember(history, Turn(question, answer), settings)


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
    """Run the command line; returns the exit code (EXIT_INTERRUPTED on Ctrl-C, at once)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # End the line a prompt or progress bar left open; no traceback for a Ctrl-C.
        print(file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
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
