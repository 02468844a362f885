"""End to end through the command line, on the demo articles and on bad input."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from summarizer.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
JUNK = [
    "Sponsored",
    "Download our app",
    "Icon",
    "Subscribe",
    "Share this",
    "©",
    "Photo:",
    "Read more",
]


@pytest.fixture(scope="module")
def demo_digest(models, tmp_path_factory):
    """`digest --json` of the demo articles, run once."""
    out = tmp_path_factory.mktemp("demo") / "digest.json"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "summarizer",
            "digest",
            str(EXAMPLES),
            "--json",
            "--max-words",
            "250",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out.write_text(result.stdout)
    return json.loads(result.stdout), out


def test_demo_groups_one_story_and_the_unrelated_apart(demo_digest):
    """Three outlets on the shipwreck form one story; the observatory article is its own."""
    data, _ = demo_digest
    assert "generated_at" in data
    groups = sorted(
        sorted(Path(s["path"]).name for s in story["sources"]) for story in data["stories"]
    )
    assert groups == [
        ["coastline-daily.txt", "harbor-herald.html", "valley-wire.md"],
        ["unrelated-observatory.txt"],
    ]


def test_demo_shared_facts_cite_every_outlet(demo_digest):
    """The fuel figure all three outlets report cites all three; some fact cites several."""
    data, _ = demo_digest
    story = next(s for s in data["stories"] if len(s["sources"]) == 3)
    all_ids = sorted(s["id"] for s in story["sources"])
    fuel = [s for s in story["sentences"] if "1,200" in s["text"]]
    assert fuel, "the shared fuel-oil fact should be in a 250-word digest"
    assert all(s["citations"] == all_ids for s in fuel)
    assert all(s["citations"] for s in story["sentences"])
    assert all(set(s["citations"]) <= set(all_ids) for s in story["sentences"])


def test_demo_has_no_junk(demo_digest):
    """No web junk survives into headlines or sentences."""
    data, _ = demo_digest
    for story in data["stories"]:
        texts = [story["headline"]] + [s["text"] for s in story["sentences"]]
        for text in texts:
            assert not any(j.lower() in text.lower() for j in JUNK), text


def test_json_shape(demo_digest):
    """Every story has the documented keys; sources have id, title, url, outlet, path."""
    data, _ = demo_digest
    for story in data["stories"]:
        assert {"id", "headline", "sentences", "sources"} <= story.keys()
        for source in story["sources"]:
            assert {"id", "title", "url", "outlet", "path"} <= source.keys()
            assert isinstance(source["id"], int)


def test_text_output_lists_sources(models, capsys):
    """The terminal rendering shows headline, [n] markers and the numbered sources."""
    code = main(["digest", str(EXAMPLES / "valley-wire.md"), "--max-words", "60"])
    out = capsys.readouterr().out
    assert code == 0
    assert "[1]" in out
    assert "\n[1] " in out


def test_bad_inputs_are_named_and_the_rest_digested(models, tmp_path, capsys):
    """An empty and a binary file each get one error line; the good file is still digested."""
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    code = main(
        ["digest", str(empty), str(binary), str(EXAMPLES / "coastline-daily.txt"), "--json"]
    )
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert code == 0
    assert any("empty.txt" in line for line in errors)
    assert any("blob.txt" in line for line in errors)
    assert len(json.loads(captured.out)["stories"]) == 1


def test_nothing_usable_exits_1(models, tmp_path, capsys):
    """When every input fails, the exit code is 1."""
    empty = tmp_path / "empty.md"
    empty.write_text("   \n")
    assert main(["digest", str(empty)]) == 1
    err = capsys.readouterr().err
    assert "empty.md" in err
    assert "no stories: every input failed" in err


def test_only_old_feed_items_says_why(models, tmp_path, capsys):
    """A feed whose items are all older than max_age_hours gives exit 1 and says why."""
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    old = format_datetime(datetime.now(UTC) - timedelta(days=3))
    items = "".join(
        f"<item><title>Story {n}</title><pubDate>{old}</pubDate>"
        f"<description>The Calder Bay pier opened on Monday after two years of work. Item {n}."
        "</description></item>"
        for n in (1, 2)
    )
    feed = tmp_path / "gazette.xml"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>{items}'
        "</channel></rss>"
    )
    assert main(["digest", str(feed)]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip() == "No stories."
    (note,) = [line for line in captured.err.splitlines() if line.startswith("note:")]
    assert "max_age_hours" in note


def test_fuse_batch(models, tmp_path):
    """`fuse --jsonl` writes one line per good story (1-based citations, seconds); exit 3."""
    story = {
        "id": "bridge",
        "articles": [
            {
                "text": "The Dunmore council approved a $40 million bridge on Tuesday. "
                "It opens in 2027."
            },
            {
                "html": "<html><head><title>Bridge vote</title></head><body><article><p>Dunmore's "
                "council voted on Tuesday for the $40 million bridge, officials said.</p>"
                "<p>Critics said the cost was too high for a small town.</p>"
                "</article></body></html>"
            },
        ],
    }
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(story) + "\n" + "not json\n")
    out = tmp_path / "out.jsonl"
    # The bad line fails (exit 3, documented) after the good line is written.
    assert main(["fuse", "--jsonl", str(src), "--out", str(out), "--max-words", "60"]) == 3
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["bridge"]
    line = lines[0]
    assert line["summary"] and line["seconds"] >= 0
    assert all(set(s["citations"]) <= {1, 2} and s["citations"] for s in line["sentences"])
    assert any(s["citations"] == [1, 2] for s in line["sentences"])


def test_extract(capsys):
    """`extract` prints the title, then the main text without the page's junk."""
    assert main(["extract", str(EXAMPLES / "harbor-herald.html")]) == 0
    out = capsys.readouterr().out
    title, _, body = out.partition("\n\n")
    assert "Marrowby" in title
    assert "cookie" not in body.lower()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"stories": [{"id": "x"}]}', "not a digest"),
        ('{"stories": []}', "no sources"),
    ],
)
def test_ask_rejects_bad_digest_files(tmp_path, capsys, content, message):
    """A digest file that is not JSON, not a digest or without sources: one clear line, exit 2."""
    path = tmp_path / "d.json"
    path.write_text(content)
    assert main(["ask", "--digest", str(path), "Who?"]) == 2
    assert message in capsys.readouterr().err


def test_ask_answers_from_a_digest_file(demo_digest, capsys):
    """A question about the demo story is answered with citations to its sources."""
    _, path = demo_digest
    assert main(["ask", "--digest", str(path), "How much fuel oil is on board?", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answered"] is True
    assert "1,200" in answer["answer"]
    assert answer["citations"]


def test_ask_abstains_when_sources_are_silent(demo_digest, capsys):
    """A question the sources do not answer gets the don't-say answer and no citations."""
    _, path = demo_digest
    assert (
        main(
            [
                "ask",
                "--digest",
                str(path),
                "What was the ship's insurance premium in euros?",
                "--json",
            ]
        )
        == 0
    )
    answer = json.loads(capsys.readouterr().out)
    assert answer["answered"] is False
    assert answer["citations"] == []


def test_ask_batch(models, tmp_path):
    """`ask --jsonl` answers each line from its own articles; no articles means no answer."""
    article = {
        "text": "Mayor Ada Quill said the new Dunmore bridge will cost $40 million. "
        "Construction starts in May and the bridge opens in 2027, the council said."
    }
    lines = [
        {"id": "cost", "question": "How much will the bridge cost?", "articles": [article]},
        {"id": "none", "question": "How much will the bridge cost?", "articles": []},
    ]
    src = tmp_path / "q.jsonl"
    src.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "a.jsonl"
    assert main(["ask", "--jsonl", str(src), "--out", str(out)]) == 0
    answers = {a["id"]: a for a in map(json.loads, out.read_text().splitlines())}
    assert answers["cost"]["answered"] is True
    assert "$40 million" in answers["cost"]["answer"]
    assert answers["cost"]["citations"] == [1]
    assert answers["none"]["answered"] is False
    assert answers["none"]["citations"] == []
    assert all(a["seconds"] >= 0 for a in answers.values())


def test_batch_records_are_dated_by_field_or_url():
    """A record's "published" wins; without it the URL's date is used; else no date."""
    from datetime import UTC, datetime

    from summarizer.ingest import articles_from_records

    text = "The Dunmore council approved the bridge budget on Monday evening."
    got = articles_from_records(
        [
            {"text": text, "published": "2025-06-01T08:00:00+00:00"},
            {"text": text, "url": "https://news.example/2025/05/20/bridge-budget/"},
            {"text": text, "url": "https://news.example/bridge-budget"},
        ],
        where="q.jsonl:1",
    )
    assert [a.published for a in got] == [
        datetime(2025, 6, 1, 8, tzinfo=UTC),
        datetime(2025, 5, 20, tzinfo=UTC),
        None,
    ]


def test_each_failure_is_one_line(models, tmp_path):
    """A bad input is named once, by the CLI; no library WARNING or ERROR line repeats it."""
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    hollow = tmp_path / "hollow.html"
    hollow.write_text("<html><head><title>x</title></head><body><div></div></body></html>")
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "digest", str(empty), str(hollow),
         str(EXAMPLES / "coastline-daily.txt")],
        capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, check=False,
    )  # fmt: skip
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 0
    assert sum("empty.txt" in line for line in lines) == 1
    assert sum("hollow.html" in line for line in lines) == 1
    assert all(line.startswith("error: ") for line in lines), lines


# --- issue 11: conventions, stdin, progress, interactive ask, Ctrl-C -------------------------

OFFLINE = {**os.environ, "HF_HUB_OFFLINE": "1"}
ARTICLE = (
    "Halvik ferry strike goes on\n\nFerry crews in Halvik stayed off the job on Wednesday for "
    "a second day. All six crossings to the Tessel islands were cancelled, the operator said.\n"
)


class TerminalBuffer(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self):
        return True


def test_version(capsys):
    """`--version` prints the project's version from pyproject.toml and exits 0."""
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"python -m summarizer {expected}"


def test_digest_without_input_reads_config_toml_here(models, tmp_path, monkeypatch, capsys):
    """With no INPUT and no --config, ./config.toml's feeds (any inputs) are digested."""
    source = EXAMPLES / "valley-wire.md"
    (tmp_path / "config.toml").write_text(f"[sources]\nfeeds = [{json.dumps(str(source))}]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["digest", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["path"] for story in data["stories"] for s in story["sources"]] == [str(source)]


def test_digest_reads_an_article_from_stdin(models, monkeypatch, capsys):
    """`digest -` digests the article piped in, titled by its first line."""
    text = (EXAMPLES / "coastline-daily.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    assert main(["digest", "-", "--json"]) == 0
    (story,) = json.loads(capsys.readouterr().out)["stories"]
    (source,) = story["sources"]
    assert source["title"] == "23 sailors rescued as timber ship hits reef near Marrowby"
    assert source["path"] is None


def test_extract_reads_stdin():
    """`extract -` prints the title and text of the article piped in."""
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "extract", "-"],
        input=ARTICLE, capture_output=True, text=True, env=OFFLINE, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Halvik ferry strike goes on\n\nFerry crews in Halvik")


def test_url_without_host_is_one_error_line(capsys):
    """`digest https://` names the real problem, once, and exits 1."""
    assert main(["digest", "https://"]) == 1
    errors = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("error:")]
    assert errors == ["error: https://: the URL names no host (e.g. https://example.org/news/1)"]


def test_digest_progress_on_a_terminal_only(models, monkeypatch, capsys):
    """On a terminal stderr shows each stage's progress; piped, it shows none."""
    args = ["digest", str(EXAMPLES / "coastline-daily.txt"), str(EXAMPLES / "valley-wire.md")]
    assert main(args) == 0
    assert "reading inputs" not in capsys.readouterr().err
    terminal = TerminalBuffer()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(args) == 0
    shown = terminal.getvalue()
    for stage in ["reading inputs", "loading models", "grouping stories", "fusing stories"]:
        assert stage in shown
    assert "2/2" in shown  # both inputs read


def test_ask_batch_with_a_failed_line_exits_3(models, tmp_path):
    """`ask --jsonl` writes the good answers, then exits 3 because a line failed."""
    good = {"id": "ok", "question": "Who stayed off the job?", "articles": [{"text": ARTICLE}]}
    src = tmp_path / "q.jsonl"
    src.write_text(json.dumps(good) + "\n" + json.dumps({"id": "bad", "articles": [{}]}) + "\n")
    out = tmp_path / "a.jsonl"
    assert main(["ask", "--jsonl", str(src), "--out", str(out)]) == 3
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["ok"]


def test_ask_interactive_keeps_the_conversation(demo_digest, monkeypatch, capsys):
    """Without a question, `ask` answers each stdin line from one index; a follow-up resolves."""
    import summarizer.qa

    _, path = demo_digest
    built = []
    real_build = summarizer.qa.build_index
    monkeypatch.setattr(
        summarizer.qa, "build_index", lambda *a, **k: built.append(1) or real_build(*a, **k)
    )
    questions = "How much fuel oil is on board?\n\nWhat did they say next?\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(questions))
    assert main(["ask", "--digest", str(path), "--json"]) == 0
    first, follow_up = map(json.loads, capsys.readouterr().out.splitlines())
    assert built == [1]
    assert "1,200" in first["answer"] and first["answered"]
    assert follow_up["answered"] and follow_up["answer"] != first["answer"]
    # Asked alone, the follow-up has nothing to lean on.
    assert main(["ask", "--digest", str(path), "What did they say next?", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answered"] is False


def test_ctrl_c_in_interactive_ask_exits_130_at_once(demo_digest):
    """Ctrl-C while `ask` waits for the next question ends it with 130 and no traceback."""
    _, path = demo_digest
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarizer", "ask", "--digest", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=OFFLINE, cwd=ROOT,
    )  # fmt: skip
    try:
        proc.stdin.write("How much fuel oil is on board?\n")
        proc.stdin.flush()
        assert "1,200" in proc.stdout.readline()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 130
    finally:
        proc.kill()
    assert "Traceback" not in proc.stderr.read()


def test_ctrl_c_while_digesting_exits_130_at_once():
    """Ctrl-C once the articles are read (models loading, stories fusing) stops within seconds."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "summarizer", "-v", "digest", str(EXAMPLES)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=OFFLINE, cwd=ROOT,
    )  # fmt: skip
    try:
        for line in proc.stderr:
            if "gathered" in line:
                break
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        assert proc.wait(timeout=60) == 130
        assert time.monotonic() - started < 5
    finally:
        proc.kill()
    assert "Traceback" not in proc.stderr.read()


# --------------------------------------------------------------------------- digest --since

TRACK = ROOT / "tests" / "fixtures" / "track"


def test_cli_since_marks_continues_new_and_changed(models, tmp_path, capsys):
    """`digest --since PREVIOUS.json --json` marks the continuing story, and only it."""
    previous = tmp_path / "day1.json"
    assert main(["digest", *map(str, sorted(TRACK.glob("day1-*.md"))), "--json"]) == 0
    previous.write_text(capsys.readouterr().out, encoding="utf-8")
    inputs = [str(p) for p in sorted(TRACK.glob("day2-*.md"))]
    assert main(["digest", *inputs, "--since", str(previous), "--json"]) == 0
    stories = json.loads(capsys.readouterr().out)["stories"]
    tessary = next(s for s in stories if "Tessary" in s["headline"] + str(s["sentences"]))
    brennock = next(s for s in stories if s is not tessary)
    assert tessary["continues"]["day"] == 2
    assert [c["old"] for c in tessary["changed"]] and "19" in tessary["changed"][0]["new"]
    assert {s["new"] for s in tessary["sentences"]} == {True, False}
    assert brennock["continues"] is None and all(s["new"] for s in brennock["sentences"])


def test_cli_since_names_a_bad_file(tmp_path, capsys):
    """A --since file that is no digest is one error line and exit 2, before any work."""
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    assert main(["digest", str(TRACK), "--since", str(bad)]) == 2
    assert capsys.readouterr().err.strip().startswith(f"error: {bad}: not a digest")


def test_digest_filters_keep_the_stories_asked_for(models, capsys):
    """--min-outlets, --include and --exclude keep only matching stories; the rest are counted."""
    args = ["digest", str(EXAMPLES), "--json"]
    assert main([*args, "--min-outlets", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [len(s["sources"]) for s in data["stories"]] == [3]
    assert data["filtered_out"] == 1
    assert main([*args, "--include", "observatory, telescope", "--exclude", "reef"]) == 0
    captured = capsys.readouterr()
    (story,) = json.loads(captured.out)["stories"]
    assert [Path(s["path"]).name for s in story["sources"]] == ["unrelated-observatory.txt"]
    assert "note: the filters left out 1 story" in captured.err


def test_digest_filtered_to_nothing_says_so(models, capsys):
    """A filter nothing matches: exit 1 and one line saying how many stories it left out."""
    assert main(["digest", str(EXAMPLES), "--include", '"no such phrase"']) == 1
    captured = capsys.readouterr()
    assert "note: no stories: no story matched the filters (2 left out)" in captured.err


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--include", '"reef, ship', "--include: unbalanced quote"),
        ("--include-regex", "(reef", "--include-regex: '(reef' is not a valid regular expression"),
        ("--include-regex", "(a|aa)+$", "--include-regex: '(a|aa)+$' is too slow"),
        ("--min-outlets", "0", "--min-outlets: give a number from 1 to"),
    ],
)
def test_digest_bad_filter_is_a_usage_error(option, value, words, capsys):
    """A bad filter is named on one line with exit code 2, before any input is read."""
    assert main(["digest", "/nonexistent/input", option, value]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_a_foreign_article_is_a_note_not_an_error(models, capsys):
    """An article in German is left out with one note line; the English one is digested."""
    fixtures = ROOT / "tests" / "fixtures" / "ingest"
    german, english = fixtures / "german-article.txt", fixtures / "english-article.txt"
    assert main(["digest", str(german), str(english)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"note: {german}: written in German (de), not English: left out of the digest"]
