"""Follow-up answers from a story's sources: citations, agreement, disagreement, abstention."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from summarizer.config import QASettings, Settings
from summarizer.errors import InputError
from summarizer.models import Answer, Digest, Source, StoryDigest
from summarizer.qa import (
    DONT_SAY,
    MAX_QUESTION_CHARS,
    QAIndex,
    QuestionError,
    Turn,
    answer_digest,
    answer_question,
    answer_with_confidence,
    build_index,
    remember,
)
from summarizer.qa.amounts import _in_time_unit
from summarizer.qa.candidates import _quoted_titles
from summarizer.qa.questions import _focus, _kind

pytestmark = pytest.mark.models

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "qa" / "stories.json"
STORIES = {s["id"]: s for s in json.loads(FIXTURE.read_text(encoding="utf-8"))["stories"]}


def sources(story: str) -> list[Source]:
    return [Source(**s) for s in STORIES[story]["sources"]]


@pytest.fixture(scope="module")
def index() -> dict[str, QAIndex]:
    """One index per fictional story, shared by the module (models load once per session)."""
    return {story: build_index(sources(story)) for story in STORIES}


@pytest.mark.parametrize(
    ("story", "question", "short", "cites", "not_cited"),
    [
        ("port-strike", "Who met the ambassador?", "Ilse Moravec", {1, 2}, {3}),
        ("port-strike", "How much is the strike costing each day?", "4 million", {3}, {1, 2}),
        ("port-strike", "Who leads the dockers' union?", "Tomas Brandt", {2}, {1, 3}),
        ("bridge", "When was the bridge closed?", "January 14", {1}, {2}),
        ("bridge", "How many vehicles used the bridge every day?", "14,000", {1}, {2}),
        ("bridge", "Which company won the repair contract?", "Kallisto Construction", {2}, {1}),
        ("comet", "When was the comet discovered?", "August 2", {1}, {2}),
        ("cup-final", "Who scored twice for the Gulls?", "Jonas Eklund", {1}, set()),
        ("rates", "How high was inflation in May?", "7 percent", {1}, {2}),
        # A source that states the answer in words the question does not use is cited too.
        ("port-strike", "Where were the talks held?", "Old Customs House", {1, 2}, {3}),
        # Quiz style: context first, the asking sentence last; a thing no entity type covers.
        (
            "zoo-escape",
            "Keepers at the Halvard Zoo spent two days searching for a runaway this week. "
            "Which animal escaped?",
            "panda",
            {1, 2},
            set(),
        ),
        # The number followed by the counted noun, not the other number in the sentence.
        ("zoo-escape", "How many volunteers joined the search?", "30", {1}, {2}),
        # "a Nepalese red panda" and "born in Nepal" both state the country.
        ("zoo-escape", "Which country was Pip born in?", "Nepal", {1, 2}, set()),
        # "the Halvard Zoo" is mostly the question's own words: not the answer to who runs it.
        ("zoo-escape", "Who runs the zoo?", "Anton Vesk", {2}, {1}),
    ],
)
def test_typed_questions_get_the_entity_and_its_sources(
    index, story, question, short, cites, not_cited
):
    """Who / when / how many / how much: the short answer, citing the sources that state it."""
    answer = answer_question(question, index[story])
    assert answer.answered
    assert answer.short_answer is not None and short in answer.short_answer
    assert short in answer.text
    assert cites <= set(answer.citations)
    assert not (not_cited & set(answer.citations))
    assert answer.evidence and short in answer.evidence[0]
    for source_id in answer.citations:
        assert f"[{source_id}]" in answer.text


@pytest.mark.parametrize(
    ("story", "question", "short"),
    [
        ("comet", "How close will the comet come to Earth?", "62 million kilometres"),
        ("rates", "Who is the governor of the central bank?", "Lidia Marsh"),
        ("rates", "What is the new interest rate?", "4.5 percent"),
    ],
)
def test_a_fact_two_sources_share_cites_both(index, story, question, short):
    """Both outlets state it, so both are cited."""
    answer = answer_question(question, index[story])
    assert short in answer.text
    assert answer.citations == [1, 2]


def test_short_answer_quotes_only_its_clause(index):
    """The quote after a short answer stops where the sentence turns to something else."""
    answer = answer_question("Who found the panda?", index["zoo-escape"])
    assert answer.short_answer == "Marta Lind"
    assert "found the panda asleep" in answer.text
    assert "searched the street" not in answer.text and "…" in answer.text
    assert answer.evidence[0].endswith("searched the street twice.")


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        (
            "Striker Tomas Varn was hurt in the Harrow cup final this week. "
            "He is a loyal member of which club?",
            "He is a loyal member of which club?",
        ),
        # "U.S." and "Dr." end no sentence.
        (
            "The U.S. House met this week. Dr. Ames spoke. Which Republican lost the vote?",
            "Which Republican lost the vote?",
        ),
        ("Who met the ambassador?", "Who met the ambassador?"),
    ],
)
def test_focus_is_the_asking_sentence(question, focus):
    """A quiz question's last asking sentence is what it asks; the rest is context."""
    assert _focus(question)[0] == focus


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which country's prime minister resigned?", "place"),
        # "What was X's Y?" asks for the Y: here a place.
        ("What was the ferry's home port?", "place"),
        ("What is the Harrow ferry company's name?", "org"),  # ... and a name, the owner
        ("Bakery chain Kessling Buns is opening shops in which province?", "place"),
        ("Which stage actor is at the heart of a dispute?", "person"),
        ("Which furniture retailer may close its stores?", "org"),
        ("Varn held talks with this official, his Harrow counterpart:", "person"),
        ("The record for ferry crossings was previously held by:", "person"),
        ("Which bird does the institute want to return to the valley?", "thing"),
        ("The new pastry has which kind of topping?", "thing"),
        ("What age was the skipper?", "span"),
        ("How many winters did the ferry run?", "number"),
        ("When is the deadline to register a boat in Harrow?", "date"),
        ("Mayor Hald will close the old pier in which month?", "date"),
        ("What did the Miners coach say about her team?", None),
        ("Londoners were doing what during the strike?", None),
    ],
)
def test_kind_of_answer_asked_for(question, kind):
    """The kind of short answer comes from the question's wh-word and its head noun."""
    assert _kind(question) == kind


def test_what_question_answers_with_the_sentence(index):
    """A question asking for no entity type gets the evidence sentence, cited."""
    answer = answer_question("What did the Miners coach say about her team?", index["cup-final"])
    assert answer.answered
    assert answer.short_answer is None
    assert "second best all afternoon" in answer.text
    assert answer.citations == [1]


def test_disagreement_shows_both_numbers_with_their_citations(index):
    """Two outlets count the strikers differently: both counts, each with its own source."""
    answer = answer_question("How many dockworkers are on strike?", index["port-strike"])
    assert answer.answered
    assert answer.citations == [1, 2]
    assert "differ" in answer.text
    first, second = answer.text.index("1,200"), answer.text.index("1,800")
    assert answer.text.index("[1]", first) < answer.text.index("[2]", second) or (
        answer.text.index("[2]", second) < answer.text.index("[1]", first)
    )
    assert len(answer.evidence) == 2


@pytest.mark.parametrize(
    ("story", "question"),
    [
        ("port-strike", "When was the comet discovered?"),
        ("port-strike", "Who scored twice for the Gulls?"),
        ("bridge", "What is the new interest rate?"),
        ("comet", "Who met the ambassador?"),
        ("rates", "How many vehicles used the bridge every day?"),
        ("cup-final", "What did the ambassador eat for breakfast?"),
    ],
)
def test_unanswerable_question_abstains(index, story, question):
    """Sources about another story: "The sources don't say.", no citation."""
    answer = answer_question(question, index[story])
    assert not answer.answered
    assert answer.text == DONT_SAY
    assert answer.citations == []
    assert answer.to_dict() == {"answer": DONT_SAY, "citations": [], "answered": False}


@pytest.mark.parametrize(
    ("texts", "question", "short", "not_short"),
    [
        (
            [
                "A coast guard cutter intercepted a Norwegian research drone off the coast of "
                "Maine on Friday.",
                "The drone drifted for two days off Maine before the cutter caught it, "
                "officials in Maine said.",
            ],
            "US boats intercepted a drone this week. Which country did the drone come from?",
            "Norway",
            "Maine",
        ),
        (
            [
                "The pension strike brought France to a standstill on Thursday.",
                "Buses stood idle in Lyon as the strike brought France to a standstill.",
            ],
            "Which city did the pension strike bring to a standstill?",
            None,  # France is what the strike brought to a standstill, and no city
            "France",
        ),
    ],
)
def test_place_questions_want_the_kind_of_place_asked(models, texts, question, short, not_short):
    """A country, a state and a city are all GPE to spaCy: the gazetteer tells them apart, and
    a nationality word ("Norwegian") names the country it belongs to. A place of another kind
    never leads; where the city named is not what the question asks of, none does.
    """
    story = [Source(id=k, text=t) for k, t in enumerate(texts, 1)]
    answer = answer_question(question, story)
    assert answer.short_answer == short
    assert not_short not in (answer.short_answer or "")


def test_work_question_answers_with_the_quoted_title(models):
    """A title the tagger misses in every sentence is still an answer: the sources quote it."""
    story = [
        Source(
            id=1,
            text='"Ask the Tide Twice" led the Harbour Film Awards nominations with nine nods '
            "on Tuesday.",
        ),
        Source(id=2, text='"Ask the Tide Twice" earned nine nominations, the most of any film.'),
    ]
    answer = answer_question("Which film received the most nominations?", story)
    assert answer.short_answer == "Ask the Tide Twice"
    assert answer.citations == [1, 2]


_CONVOY = [
    Source(
        id=1,
        text="A convoy of 40 aid trucks was stopped at the Vellin crossing on Monday. "
        "The trucks, which left Ostrava Nova on Friday bound for Dremmholt, carry flour and "
        "medicine, the relief agency said.",
    ),
    Source(
        id=2,
        text="Border guards halted the convoy near Vellin for six hours. The drivers, travelling "
        "from Ostrava Nova to Dremmholt with medical supplies, slept in their cabs.",
    ),
]


@pytest.mark.parametrize(
    ("question", "short"),
    [
        # Where it was going: "bound for", "from ... to", though neither sentence says "going".
        ("Where was the convoy going?", "Dremmholt"),
        ("Where were the trucks headed?", "Dremmholt"),
        ("What was the destination of the convoy?", "Dremmholt"),
        ("What was the convoy's destination?", "Dremmholt"),
        # Where it started, and where it is: not where it was going.
        ("Where did the trucks travel from?", "Ostrava Nova"),
        ("Where was the convoy stopped?", "Vellin"),
    ],
)
def test_where_it_was_going_is_where_it_was_bound_for(models, question, short):
    """A "where was it going?" question is answered by where it was bound for, not where it was."""
    answer = answer_question(question, _CONVOY)
    assert answer.short_answer is not None
    assert short in answer.short_answer


def test_a_question_spelling_a_name_without_its_accents_finds_it(models):
    """Asking about "Gronvik" finds the outlet that wrote "Grönvík", and cites it."""
    story = [
        Source(id=1, text="Skier Tove Grönvík broke her collarbone in a fall on Sunday."),
        Source(id=2, text="The Pellham relay was cancelled because of high winds."),
    ]
    answer = answer_question("What did Gronvik break?", story)
    assert answer.answered
    assert answer.citations == [1]
    assert "collarbone" in answer.text


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("She starred in “Laverne & Shirley” for years.", ["Laverne & Shirley"]),
        ("His memoir 'Spare' came out on Tuesday.", ["Spare"]),
        ('"We will not back down," she said.', []),
        ('He called the plan "a disaster".', []),
    ],
)
def test_quoted_titles(text, titles):
    """Short quoted spans with every main word capitalised are titles; quoted remarks are not."""
    assert [t for t, _ in _quoted_titles(text)] == titles


def test_length_of_time_in_the_unit_asked(models):
    """ "How many centuries": a source's "300 years" is three centuries, shown as asked."""
    story = [
        Source(
            id=1,
            text="The Brannock ferry stopped on Monday for the first time in 300 years, "
            "when the river froze from bank to bank, aged 97 boatman Ivo Renn said.",
        ),
        Source(
            id=2,
            text="Boatman Ivo Renn said the ferry had not missed a day in three centuries "
            "until the river froze.",
        ),
        Source(
            id=3,
            text="The ferry, which had run every day for 300 years, stopped as the river "
            "froze on Monday.",
        ),
    ]
    answer = answer_question("The ferry had run without a break for how many centuries?", story)
    assert answer.short_answer == "three centuries"


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("Skipper Lena Dahl, 41, won her 12th Kessa Bay regatta on Sunday.", "12"),
        ("Skipper Lena Dahl, 41, won the Kessa Bay regatta for the fifth time on Sunday.", "5"),
    ],
)
def test_count_from_an_ordinal(models, text, short):
    """ "Her 12th regatta" answers "how many regattas"; her age does not."""
    answer = answer_question(
        "How many Kessa Bay regattas has Lena Dahl won?", [Source(1, text=text)]
    )
    assert answer.short_answer == short


@pytest.mark.parametrize(
    ("text", "asked", "key", "fits"),
    [
        ("600 years", "century", "6 century", True),
        ("six centuries", "century", "6 century", True),
        ("95 years", "century", "95 years", False),
        ("the 11th century", "year", "the 11th century", False),
        ("24 months", "year", "2 year", True),
        ("95", "year", "95", True),
    ],
)
def test_time_amounts_key_in_the_unit_asked(text, asked, key, fits):
    got_key, _, got_fits = _in_time_unit(text, asked, text)
    assert (got_key, got_fits) == (key, fits)


def test_one_country_under_several_names_is_one_answer(models):
    """ "Britain", "the UK" and "the United Kingdom" pool their votes against "Norway"."""
    story = [
        Source(
            1,
            text="Britain sent two frigates to the Kessa Strait on Monday, a day after Norway did.",
        ),
        Source(2, text="The UK sent two frigates to the Kessa Strait, while Norway sent one."),
        Source(3, text="The United Kingdom sent frigates to the Kessa Strait this week."),
        Source(4, text="Norway sent a frigate to the Kessa Strait, its navy said."),
    ]
    answer = answer_question("Which country sent two frigates to the Kessa Strait?", story)
    assert answer.short_answer in {
        "Britain",
        "The UK",
        "UK",
        "The United Kingdom",
        "United Kingdom",
    }


def test_who_is_never_a_nationality(models):
    """spaCy's near-miss labels vote for "who", but "Australian" names no one: with no name
    in the best sentences, the answer is the best sentence itself.
    """
    story = [
        Source(1, text="An Australian won the Kessa Bay coastal race on Sunday."),
        Source(2, text="The Australian won the coastal race ahead of 40 sailors, organisers said."),
        Source(3, text="Skipper Lena Dahl crossed the line first after six hours at sea."),
    ]
    answer = answer_question("Who won the Kessa Bay coastal race?", story)
    assert answer.short_answer is None
    assert answer.text.startswith("An Australian won the Kessa Bay coastal race")


@pytest.mark.parametrize(
    ("title", "text", "question", "quoted"),
    [
        # Of two near-equal sentences, the one naming what is bred, not the one restating the
        # question.
        (
            "Zoo's breeding list grows",
            "The list of rare birds that the Halvard Zoo wants to breed in captivity is growing."
            "\n\nThe Halvard Zoo wants to breed the crested ibis in captivity next, keepers said."
            "\n\nThe zoo opened in 1954.",
            "What does the Halvard Zoo want to breed in captivity?",
            "crested ibis",
        ),
        # With no sentence wording a demand, what New Harrow did, not what others did.
        (
            "Ferry talks",
            "The tense talks in Ashby came after Quist and Lind visited New Harrow for talks "
            "focusing on the ferry.\n\n"
            "On Thursday, New Harrow pledged to ignore calls for ferry talks unless Ashby drops "
            "its opposition to the fare plan.\n\n"
            "The New Harrow ferry carries about 400 passengers a day.",
            "What does New Harrow demand before talks?",
            "On Thursday, New Harrow pledged",
        ),
    ],
)
def test_the_evidence_is_the_sentence_that_answers_what_is_asked(
    models, title, text, question, quoted
):
    answer = answer_question(question, [Source(1, title, text=text)])
    assert answer.answered
    assert quoted in answer.text, answer.text


_TANKER = (
    "The tanker Brisk Tern ran aground off Skellan on Sunday night.\n\n"
    "The tanker holds about 900 tonnes of diesel oil in six tanks.\n\n"
    "So far there is no sign of a leak from its tanks, the harbour office said.\n\n"
    "Tugs will try to refloat the ship on Tuesday."
)
_SNUB = (
    "Harrow and Ashby agreed last week with the ferry operators that Kessling's fare plan "
    "should be opposed.\n\n"
    "On Thursday, Kessling pledged to ignore Harrow's calls for talks on the ferry unless "
    "Harrow drops its opposition to the fare plan.\n\n"
    "Kessling and Harrow have no ferry pact.\n\n"
    "The Kessling ferry carries about 400 passengers a day."
)
_LETTER = (
    "According to Ines Hald, Ada Quist's letter to Ashby was a reply to Tomas Lind's visits "
    "to Ashby last week.\n\n"
    "Ada Quist will visit Ashby in May to open the new ferry terminal, her office said.\n\n"
    "The terminal cost 4 million crowns."
)


@pytest.mark.parametrize(
    ("title", "text", "question", "opening"),
    [
        # Not the sentence sharing more words ("diesel oil in six tanks") that says nothing of
        # a leak.
        (
            "Tanker aground off Skellan",
            _TANKER,
            "Did the tanker leak oil?",
            "So far there is no sign of a leak",
        ),
        # Not the sentence on what others agreed, but what Kessling did about the talks.
        (
            "Kessling snubs ferry talks",
            _SNUB,
            "Has Kessling agreed to talks with Harrow?",
            "On Thursday, Kessling pledged",
        ),
        # Not Lind's visits, though the question's verb was tagged a noun ("Ada Quist visit").
        (
            "Quist writes to Ashby",
            _LETTER,
            "Did Ada Quist visit Ashby?",
            "Ada Quist will visit Ashby in May",
        ),
    ],
)
def test_yes_no_question_answers_with_the_sentence_on_what_it_asks(
    models, title, text, question, opening
):
    """A yes/no question gets no short answer, and the sentence that tells what it asks."""
    story = [Source(1, title, text=text)]
    answer = answer_question(question, story)
    assert answer.answered
    assert answer.short_answer is None
    assert answer.text.startswith(opening), answer.text


_LETTERS = (
    "Varn and Hald exchange letters renewing the Harrow ferry pact.\n\n"
    "Tomas Varn has told Ines Hald that Harrow will keep two ferries sailing every day, the "
    "Harrow Courier reported Monday.\n\n"
    "Hald, for her part, told Varn that Kessling is eager to keep the ferry pact and that the "
    "towns' ties will grow, according to the Courier."
)


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("What did Varn tell Hald?", "Tomas Varn has told Ines Hald"),
        ("What did Hald say to Varn?", "Hald, for her part, told Varn"),
    ],
)
def test_what_someone_said_is_answered_by_what_they_said(models, question, opening):
    """ "What did Varn tell Hald?" is not answered by what Hald told Varn, nor the other way."""
    story = [Source(1, "Varn and Hald exchange letters", text=_LETTERS)]
    answer = answer_question(question, story)
    assert answer.answered
    assert answer.text.startswith(opening), answer.text


_MEETINGS = (
    "Harrow and Kessling renew the ferry pact.\n\n"
    "Mayor Ada Quist of Harrow met with Fenwick three times in 2021 and 2022 in the hope of "
    "keeping the ferry pact alive.\n\n"
    "The Kessling council meets again in May to vote on the ferry budget.\n\n"
    "Ferry fares rose by a tenth last year."
)


def test_someone_met_by_others_has_said_nothing_the_sources_tell(models):
    """ "What did Fenwick say about Quist?" is not answered by "Quist met with Fenwick": the
    sources don't say what Fenwick said."""
    story = [Source(1, "Harrow and Kessling renew the ferry pact", text=_MEETINGS)]
    answer = answer_question("What did Fenwick say about Quist?", story)
    assert not answer.answered, answer.text
    told = _MEETINGS.replace(
        "The Kessling council meets again in May",
        "Fenwick told reporters that Quist had kept the pact alive, and the Kessling council "
        "meets again in May",
    )
    story = [Source(1, "Harrow and Kessling renew the ferry pact", text=told)]
    answer = answer_question("What did Fenwick say about Quist?", story)
    assert answer.answered and "Fenwick told reporters" in answer.text, answer.text


_PRIZE_OLD = (
    "The jury of the Lindqvist Prize for fiction named Mara Holt the winner for her novel "
    "about a lighthouse keeper."
)
_PRIZE_NEW = (
    "The jury of the Lindqvist Prize for fiction named Oren Vale the winner for his novel "
    "about a salt marsh."
)


@pytest.mark.parametrize(("old", "new"), [(1, 2), (2, 1)])
def test_newer_article_outweighs_a_stale_one(models, old, new):
    """Two articles answer alike, a year apart: this week's news answers, whichever is listed
    first. Dates only weigh the ranking: the stale article still counts when it alone answers.
    """
    texts = {1: _PRIZE_OLD, 2: _PRIZE_NEW}
    dates = {old: datetime(2024, 3, 1, tzinfo=UTC), new: datetime(2025, 3, 4, tzinfo=UTC)}
    winner = {1: "Mara Holt", 2: "Oren Vale"}
    story = [Source(id=k, text=texts[k], published=dates[k]) for k in (1, 2)]
    answer = answer_question("Who won the Lindqvist Prize for fiction?", story)
    assert answer.short_answer == winner[new]
    assert answer.citations == [new]
    stale_only = answer_question("Who won the Lindqvist Prize for fiction?", story[old - 1 : old])
    assert stale_only.short_answer == winner[old]
    # A naive date (as a library caller may pass) counts as UTC beside an aware one.
    naive = [Source(id=1, text=texts[1], published=datetime(2024, 3, 1)), story[1]]
    assert answer_question("Who won the Lindqvist Prize for fiction?", naive).answered


def test_follow_up_pronoun_and_next_resolved_against_history(index):
    """'What did she say about sanctions?' then 'What did she say next?' follow the thread."""
    story = index["port-strike"]
    history: list[Turn] = []
    first = answer_question("Who met the ambassador?", story)
    history = remember(history, Turn("Who met the ambassador?", first))
    about = answer_question("What did she say about sanctions?", story, history=history)
    assert "sanctions" in about.text and about.citations == [1]
    history = remember(history, Turn("What did she say about sanctions?", about))
    after = answer_question("What did she say next?", story, history=history)
    assert after.answered
    assert "We will not trade our ports for promises" in after.text
    assert after.citations == [1]


def test_follow_up_other_outlet(index):
    """'And the other outlet?' asks the last question of the sources it did not cite."""
    story = index["bridge"]
    first = answer_question("When will the bridge reopen?", story)
    assert first.answered and len(first.citations) == 1
    other = answer_question(
        "And the other outlet?", story, history=[Turn("When will the bridge reopen?", first)]
    )
    assert other.answered
    assert other.citations and not set(other.citations) & set(first.citations)
    assert {"June", "September"} & set(other.text.replace(".", " ").split())


def test_follow_up_without_history_is_a_plain_question(index):
    """With no previous turn, 'What did she say next?' has nothing to lean on: no crash."""
    answer = answer_question("What did she say next?", index["port-strike"])
    assert isinstance(answer, Answer)


def test_remember_keeps_the_last_turns():
    """A thread keeps only `qa.history_turns` turns."""
    settings = Settings(qa=QASettings(history_turns=2))
    turns: list[Turn] = []
    for n in range(5):
        turns = remember(turns, Turn(f"q{n}", Answer(DONT_SAY, [], False)), settings)
    assert [t.question for t in turns] == ["q3", "q4"]


def test_numbers_question_reports_the_figures(index):
    """'Does anyone report the numbers?' lists a figure from each source, cited."""
    answer = answer_question("Does anyone report the numbers?", index["port-strike"])
    assert answer.answered
    assert answer.citations == [1, 2, 3]
    assert "1,200" in answer.text and "4 million euros" in answer.text


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_empty_question_is_refused(index, question):
    """An empty question is a QuestionError (an InputError) that says so."""
    with pytest.raises(QuestionError, match="empty") as info:
        answer_question(question, index["bridge"])
    assert isinstance(info.value, InputError)


def test_too_long_question_is_refused_with_the_limit(index):
    """A 10,000-character question names its length and the limit."""
    question = "Who met the ambassador? " * 420
    question = question[:10_000]
    with pytest.raises(QuestionError) as info:
        answer_question(question, index["port-strike"])
    assert f"{MAX_QUESTION_CHARS:,}" in str(info.value)
    assert "10,000" in str(info.value)


@pytest.mark.parametrize(
    "question",
    [
        "¿Quién se reunió con el embajador?",
        "谁会见了大使？",
        "Wer hat den Botschafter getroffen?",
        "???",
    ],
)
def test_other_language_abstains_without_crashing(index, question):
    """A question in another language gets the don't-say answer with a reason."""
    answer = answer_question(question, index["port-strike"])
    assert not answer.answered
    assert answer.text.startswith(DONT_SAY)
    assert answer.citations == []


def test_no_sources_never_answers():
    """A story without article text cannot answer anything."""
    for story in ([], [Source(id=1, title="Headline only")], [Source(id=1, text="   ")]):
        answer, confidence = answer_with_confidence("Who met the ambassador?", story)
        assert not answer.answered and answer.citations == [] and confidence == 0.0


def test_build_index_rejects_other_types():
    """Only Source objects make an index."""
    with pytest.raises(TypeError):
        build_index([{"id": 1, "text": "x"}])  # type: ignore[list-item]


def test_sources_list_and_index_give_the_same_answer(index):
    """answer_question accepts the sources themselves as well as a prebuilt index."""
    question = "Which company won the repair contract?"
    assert (
        answer_question(question, sources("bridge")).text
        == answer_question(question, index["bridge"]).text
    )


def test_settings_threshold_overrides_the_default(index):
    """abstain_threshold in settings replaces the calibrated default."""
    strict = Settings(qa=QASettings(abstain_threshold=2.0))
    answer = answer_question("Who met the ambassador?", index["port-strike"], settings=strict)
    assert not answer.answered


def test_answer_digest_picks_the_story_that_answers():
    """Over a whole digest, the story whose sources answer is used and its ids are cited."""
    digest = Digest(
        stories=[
            StoryDigest(id=s, headline=s, sentences=[], sources=sources(s))
            for s in ("bridge", "comet")
        ]
    )
    story, answer = answer_digest("When was the comet discovered?", digest)
    assert story is not None and story.id == "comet"
    assert "August 2" in answer.text and 1 in answer.citations
    story, answer = answer_digest("Who won the cup final?", digest)
    assert story is None and not answer.answered


def test_answer_digest_without_text_says_so():
    """A digest saved without article text abstains with the reason."""
    bare = [Source(id=1, title="A headline")]
    digest = Digest(stories=[StoryDigest(id="x", headline="x", sentences=[], sources=bare)])
    story, answer = answer_digest("Who?", digest)
    assert story is None and not answer.answered and "no article text" in answer.text


def test_phraser_output_kept_only_when_it_verifies(index):
    """The generator seam: faithful wording is used; invented numbers or errors are not."""
    story = index["bridge"]
    question = "How much will the repairs cost?"
    seen: list[list[tuple[int, str]]] = []

    def faithful(q: str, evidence: list[tuple[int, str]]) -> str:
        seen.append(evidence)
        return "Repairs will cost 2.3 million dollars."

    answer = answer_question(question, story, phrase=faithful)
    assert answer.generated and answer.text.startswith("Repairs will cost 2.3 million dollars.")
    assert answer.citations == [1] and seen and seen[0][0][0] == 1

    def inventive(q: str, evidence: list[tuple[int, str]]) -> str:
        return "Repairs will cost 9.9 million dollars."

    def broken(q: str, evidence: list[tuple[int, str]]) -> str:
        raise RuntimeError("generator down")

    for phrase in (inventive, broken, lambda q, e: None):
        kept = answer_question(question, story, phrase=phrase)
        assert not kept.generated and "2.3 million dollars" in kept.text


def test_a_pledge_answers_what_was_promised_and_a_repeated_title_does_not():
    """'What did Varn promise Hald?': the first line repeating the title is no statement; the
    sentence where he pledged, further down the hits, answers."""
    title = "Varn and Hald exchange letters in which they renew the Harrow ferry pact"
    source = Source(
        id=1,
        title=title,
        text=(
            f"{title}.\n\n"
            "Varn did not publicly back Hald's plan to sell the old Harrow ferry, according to "
            "one councillor.\n\n"
            "The Harrow Courier reports that Varn called the pact a gift to the two towns and "
            "pledged to keep two ferries sailing every day in his letter to Hald.\n\n"
            "The Kessling council meets again in May."
        ),
    )
    answer = answer_question("What did Varn promise Hald?", [source])
    assert answer.answered
    assert "pledged to keep two ferries sailing" in answer.text


def test_what_was_also_promised_comes_with_what_it_adds_to():
    """'Varn also pledged to ...' presumes a first pledge: the answer tells both, first first."""
    source = Source(
        id=1,
        title="Varn and Hald renew the Harrow ferry pact",
        text=(
            "The Harrow Courier reports that Varn called the pact a gift to the two towns and "
            "pledged to keep two ferries sailing every day in his letter to Hald.\n\n"
            "Varn did not publicly back Hald's plan to sell the old Harrow ferry.\n\n"
            "According to the Courier, Varn also pledged cheaper fares for pupils.\n\n"
            "The Kessling council meets again in May."
        ),
    )
    answer = answer_question("What did Varn pledge?", [source])
    assert answer.answered
    first = answer.text.find("pledged to keep two ferries sailing")
    assert 0 <= first < answer.text.find("also pledged cheaper fares"), answer.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Mayor Ada Quist met the ferry board three times in 2021 and 2022.",
        "Ferry fares rose by 75% in the first ten months of 2022.",
        "The council had called for a two-track plan for the ferry in 2022.",
    ],
)
def test_a_count_of_something_else_is_no_answer_to_how_many(models, sentence):
    """ "How many ferries ...?" is not answered by a number of times, a share, a year or a
    number joined to another word: the sources don't say."""
    text = f"{sentence}\n\nThe Harrow ferry is the town's only link to the mainland."
    story = [Source(1, "Harrow ferry", text=text)]
    answer = answer_question("How many ferries did Harrow buy in 2022?", story)
    assert answer.short_answer is None, answer.text


def test_a_count_of_the_things_asked_still_answers_how_many(models):
    text = (
        "Harrow bought three ferries in 2022, the council said.\n\n"
        "The Harrow ferry carries about 400 passengers a day."
    )
    story = [Source(1, "Harrow ferry", text=text)]
    answer = answer_question("How many ferries did Harrow buy in 2022?", story)
    assert answer.short_answer is not None and "three" in answer.short_answer.lower()


def test_what_happened_is_answered_by_a_report_s_lead():
    """'What happened to the ferry?': the lead tells it, not a line on one detail of the ferry."""
    source = Source(
        id=1,
        title="Ferry aground off Harrow",
        text=(
            "The ferry Grey Heron ran aground off Harrow Point on Monday, and all 40 passengers "
            "were taken off by lifeboat.\n\n"
            "The captain said the ferry's radio call had been calm.\n\n"
            "She said the ferry's engines had stopped a mile from the point."
        ),
    )
    answer = answer_question("What happened to the ferry?", [source])
    assert answer.answered
    assert answer.text.startswith("The ferry Grey Heron ran aground"), answer.text


def test_harm_asked_in_one_word_is_found_in_another():
    """'Was anyone hurt?' is answered by 'treated in hospital'; a story of no harm says nothing."""
    source = Source(
        id=1,
        title="Ferry aground off Harrow",
        text=(
            "The ferry Grey Heron ran aground off Harrow Point on Monday.\n\n"
            "One passenger was treated for a broken wrist at Harrow General Hospital.\n\n"
            "The ferry holds about 300 tonnes of diesel."
        ),
    )
    answer = answer_question("Was anyone hurt?", [source])
    assert answer.answered
    assert "treated for a broken wrist" in answer.text
    other = Source(
        id=1,
        title="Museum reopens",
        text="The Kessling Maritime Museum reopened on Saturday after a two-year refit.",
    )
    assert not answer_question("Was anyone hurt?", [other]).answered


@pytest.mark.parametrize("question", ["What is HFB?", "What does HFB stand for?"])
def test_an_acronym_asked_about_is_answered_by_the_name_it_stands_for(question):
    """The sources write "the Harrow Ferry Board" once and "HFB" after: the name answers."""
    source = Source(
        id=1,
        title="Ferry fares rise",
        text=(
            "Ferry fares will rise in May, according to the valley's Harrow Ferry Board.\n\n"
            "According to HFB, the rise is the first in six years."
        ),
    )
    answer = answer_question(question, [source])
    assert answer.short_answer == "Harrow Ferry Board", answer.text


@pytest.mark.parametrize("question", ["What happened?", "So what happened here?"])
def test_what_happened_of_the_whole_story_is_its_lead(question):
    """Asked first and of nothing in particular, 'What happened?' is told by the lead, not by a
    teaser line above it."""
    source = Source(
        id=1,
        title="Ferry aground off Harrow",
        text=(
            "Leaders of Harrow and Kessling exchange letters\n\n"
            "The ferry Grey Heron ran aground off Harrow Point on Monday, and all 40 passengers "
            "were taken off by lifeboat.\n\n"
            "The captain said the ferry's radio call had been calm."
        ),
    )
    answer = answer_question(question, [source])
    assert answer.answered
    assert answer.text.startswith("The ferry Grey Heron ran aground"), answer.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What does Harrow want from the US?", ("harrow", "want", "usa")),
        ("U.S. officials met the United States envoy.", ("usa", "official", "met", "usa", "envoy")),
        ("The UK and the U.K. fleet.", ("britain", "britain", "fleet")),
        # The pronoun is no country.
        ("Let us sail.", ("sail",)),
    ],
)
def test_the_country_is_one_term_however_an_outlet_writes_it(text, expected):
    """Folded, "the US" would be the pronoun "us", a word that tells no topic."""
    from summarizer.retrieve import terms

    assert terms(text) == expected
