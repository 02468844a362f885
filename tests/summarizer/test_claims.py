"""Claims: attribution, connectives, pronouns and asides come off; every wording stands alone."""

from __future__ import annotations

import pytest

from summarizer.fuse.claims import claims_of, dangling_opener
from summarizer.models import Sentence


def _read(models, text, before=()):
    """The claims of `text`, read as the sentence after `before`."""
    sentences = [*before, text]
    (claims,) = claims_of(
        [Sentence(text, 0, len(before))], [sentences], model=models.models.spacy_model
    )
    return claims


def _wordings(models, text, before=()):
    """Every wording of every claim of `text`, read as the sentence after `before`."""
    return [[w.text for w in claim.wordings] for claim in _read(models, text, before)]


def _every_wording(models, text, before=()):
    """The wordings of all the claims of `text`, in one list."""
    return [w for claim in _wordings(models, text, before) for w in claim]


def _never_printed(models, text, before=()):
    """Whether every wording of `text`, read after `before`, is dangling: never printed."""
    claims = _read(models, text, before)
    return bool(claims) and all(w.dangling for claim in claims for w in claim.wordings)


def _printable(models, text, before=()):
    """The wordings of `text`, read after `before`, that may be printed (not dangling)."""
    return [
        w.text for claim in _read(models, text, before) for w in claim.wordings if not w.dangling
    ]


def _hand_parsed(models, words, heads, deps, pos=None):
    """A parse written out as the tagger gave it for a sentence whose misparse fictional words
    do not provoke."""
    from spacy.tokens import Doc

    from summarizer.nlp import get_spacy

    vocab = get_spacy(models.models.spacy_model).vocab
    return Doc(vocab, words=words, heads=heads, deps=deps, pos=pos)


def test_tail_attribution_comes_off_after_the_written_wording(models):
    text = "A spillway gate at the Brannock Dam failed on Sunday, the regional authority said."
    (claim,) = _wordings(models, text)
    assert claim[:2] == [text, "A spillway gate at the Brannock Dam failed on Sunday."]


def test_a_line_that_lost_its_subject_is_never_printed(models):
    """'Was altered to ...' opens on the auxiliary of a subject the page cut off."""
    assert _never_printed(models, "Was altered to speed up the Kessling's engine last year.")
    assert not _never_printed(models, "Seen from the quay, the Kessling looked very small.")
    text = (
        "This time, the Harrow council aide was discussing video the council shared of the "
        "meeting between reporter Tomas Varn and a council clerk who tried to take a microphone "
        "away from him during a tense exchange with the mayor, footage the clerk's lawyers "
        "say was altered to speed up Varn’s hand."
    )
    assert not any(w.startswith("Was ") for c in _wordings(models, text) for w in c)


def test_a_clause_that_opens_on_its_verb_is_never_printed(models):
    """Cut of its "nor", "do most crews see" reads as a question; "Nor ..." points back."""
    text = (
        "But the harbour's mood is plainly not grim, nor do most ferry crews seem to see any "
        "danger in the storm."
    )
    printable = _printable(models, text)
    assert printable
    assert not any(w.startswith("Do ") for w in printable)
    assert _never_printed(models, "Nor do most ferry crews see any danger in the storm at all.")
    # Who spoke, told first, is no question; nor is a condition before the main clause.
    assert _printable(models, "Said the harbour master: “We had no warning at all.”")
    assert _printable(models, "Had he lost, Mr. Quill would have had to resign from the board.")


def test_a_tail_cut_after_an_ellipsis_ends_on_one_full_stop(models):
    text = "Tomas Varn died early Wednesday morning... according to a family member."
    (claim,) = _wordings(models, text)
    assert claim[-1] == "Tomas Varn died early Wednesday morning."


def test_according_to_comes_off_wherever_it_stands(models):
    (claim,) = _wordings(models, "According to the authority, the reservoir was 75% full.")
    assert claim[1] == "The reservoir was 75% full."


def test_quotation_keeps_its_speaker(models):
    text = '"We opened the gates as soon as we could," said Tomas Varn, the dam keeper.'
    (claim,) = _wordings(models, text)
    assert "Tomas Varn" in claim[0]


def test_connectives_come_off(models):
    (claim,) = _wordings(models, "Also, engineers will seal the gate with steel panels.")
    assert claim[0] == "Engineers will seal the gate with steel panels."
    (claim,) = _wordings(models, "Mayor Ines Hald, for her part, said the shelters were full.")
    assert claim[0].startswith("Mayor Ines Hald said")
    (claim,) = _wordings(models, "So far there is no sign of damage to the town bridge.")
    assert claim[0].startswith("So far")  # an adverb of the clause, not a connective
    (claim,) = _wordings(models, "After all, the Harrow ferry has run at a loss for years.")
    assert claim[0] == "The Harrow ferry has run at a loss for years."


def test_leading_pronoun_becomes_the_person_named_before(models):
    before = ["Hydrologist Mara Quend has spent two days at the Brannock Dam."]
    (claim,) = _wordings(models, "She said the spillway gate had rusted through.", before)
    assert claim[0].startswith("Mara Quend said")


def test_unresolved_pointer_is_dangling(models):
    assert dangling_opener("They were told to leave their homes on Sunday.")
    assert dangling_opener("The move angered residents of Fernwick.")
    assert not dangling_opener("The move to Ashby took three hours.")
    assert dangling_opener("The carrier is the only one left with an unlimited plan.")
    assert not dangling_opener("The carrier of the Harrow mail went on strike.")
    assert not dangling_opener("Theirs was the last house to be cleared.")
    assert not dangling_opener("There is no sign of damage to the town bridge.")
    assert dangling_opener("Another approach came this week when the council hired divers.")


def test_asides_come_off_in_the_barest_wording(models):
    (claim,) = _wordings(
        models, "Lena Brandt, 41, who runs the ferry, said the river rose by two metres."
    )
    assert claim == [
        "Lena Brandt, 41, who runs the ferry, said the river rose by two metres.",
        "Lena Brandt said the river rose by two metres.",
        "The river rose by two metres.",
    ]


def test_coordinated_clauses_are_also_separate_claims(models):
    text = (
        "The council of Fernwick opened two shelters in the school halls on Sunday and "
        "asked the army for sandbags to protect the low-lying streets near the river."
    )
    claims = _wordings(models, text)
    assert len(claims) == 3  # the whole sentence, then each clause with the shared subject
    assert claims[2][0].startswith("The council of Fernwick asked the army for sandbags")


def test_head_attribution_comes_off_last(models):
    text = "Mayor Ines Hald said, according to officials, that the town would reopen on Monday."
    (claim,) = _wordings(models, text)
    assert claim == [
        text,
        "Mayor Ines Hald said that the town would reopen on Monday.",
        "The town would reopen on Monday.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "He said, according to officials, that the town would reopen.",
        "“The water came fast,” one resident said.",
    ],
)
def test_every_wording_is_a_sentence(models, text):
    for claim in _wordings(models, text):
        for wording in claim:
            assert wording[0].isupper() or wording[0] in '“"'
            assert wording.rstrip('”"').endswith((".", "!", "?"))
            assert wording.count("“") == wording.count("”")


def _claim(models, text):
    (claims,) = claims_of([Sentence(text, 0, 0)], [[text]], model=models.models.spacy_model)
    return claims[0]


def _cut(models, text, names):
    """The fullest wording of `text` with the modifiers holding `names` cut; None if none was."""
    claim = _claim(models, text)
    shorter = claim.without(claim.wordings[0], names)
    return None if shorter is None else shorter.text


def test_quoted_phrase_inside_a_clause_leaves_the_tail_separable(models):
    text = 'Orin Vell was charged with "reckless mooring" on Friday, the Tarnby Gazette reported.'
    (claim,) = _wordings(models, text)
    assert claim[1] == 'Orin Vell was charged with "reckless mooring" on Friday.'


def test_cut_name_that_qualifies_a_noun(models):
    text = "Jory Plume, who sang with the Chicago folk band Reedwater, has died at 61."
    assert _cut(models, text, ["Chicago"]) == (
        "Jory Plume, who sang with the folk band Reedwater, has died at 61."
    )


def test_name_that_cannot_go_alone_takes_its_phrase(models):
    """'in an Oval Office meeting' cannot lose 'Oval Office' alone ('in an meeting')."""
    text = (
        "Mayor Ada Quill asked the harbour board to halt the dredging in an Elmstead Hall meeting."
    )
    claim = _claim(models, text)
    names = [e for e, _ in claim.wordings[0].entities if "Elmstead" in e]
    assert names
    shorter = claim.without(claim.wordings[0], names)
    assert shorter is not None
    assert shorter.text == "Mayor Ada Quill asked the harbour board to halt the dredging."


def test_cut_day_takes_the_time_of_day_it_qualifies(models):
    """'on Monday evening' goes whole: 'Reports on evening said' is no sentence."""
    text = "Reports on Monday evening said the coast guard had regained access to the harbour."
    assert _cut(models, text, ["Monday"]) == (
        "Reports said the coast guard had regained access to the harbour."
    )


def test_cut_modifier_takes_the_word_it_hangs_from_and_keeps_the_comma(models):
    text = "The barge ran aground as winds gusted up to 90 km/h, forecasters said."
    claim = _claim(models, text)
    name = next(e for e, label in claim.wordings[0].entities if label == "QUANTITY")
    shorter = claim.without(claim.wordings[0], [name])
    assert shorter is not None
    assert shorter.text == "The barge ran aground as winds gusted, forecasters said."


def test_misparsed_list_item_is_no_claim_of_its_own(models):
    text = (
        "Twenty-year-old Orin Vell was arraigned Monday on charges of reckless mooring, "
        "theft of a dinghy and attempting to evade the harbour police."
    )
    for claim in _wordings(models, text):
        assert not claim[0].startswith("Twenty-year-old Orin Vell was attempting")


def test_pointing_prepositional_openers_dangle():
    assert dangling_opener("Among them is the harbour master, Lena Ostrova.")
    assert dangling_opener("Of those, four were taken to hospital.")
    assert not dangling_opener("Of those who stayed, four were taken to hospital.")
    assert not dangling_opener("Among the injured was the harbour master.")


def test_no_wording_is_a_fragment_or_an_open_bracket(models):
    """A cut never takes the last finite verb, and a bracket never stays open."""
    text = (
        "Competition to win the coveted contract was fierce, with such firms as Orlen Build and "
        "Marsh Works mounting bids to rebuild the bridge at sites like the old ferry landing in "
        "Tarn, Ostel, the home of the fair, and Brisk (the last, people close to the bid say, "
        "offered the council $3 million for the work -- and was turned down)."
    )
    for claim in _wordings(models, text):
        for wording in claim:
            assert wording.count("(") == wording.count(")"), wording
            assert " was " in wording or " offered " in wording, wording


def test_otherwise_points_back_from_inside_a_clause():
    assert dangling_opener("Clearing the pier could otherwise take about two weeks.")
    assert dangling_opener("The council instead voted to close the ferry landing.")
    assert not dangling_opener("The council voted to close the landing instead of the pier.")


def test_instead_after_but_tells_its_own_contrast():
    """'..., but the back read "Harlo" instead' says instead of what itself; alone it points."""
    assert not dangling_opener(
        'The Marlins handed out 12,000 caps on Sunday, but the badge read "Harlo" instead.'
    )
    assert not dangling_opener("The club did not print a new badge but kept the old one instead.")
    assert dangling_opener("The club kept the old badge instead.")


def test_a_decimal_keeps_the_space_before_it(models):
    """'at .340' is no 'at.340': a cut wording keeps the space before a decimal."""
    text = "Vell leads the league in hitting at .352, the club said on Sunday."
    wordings = _printable(models, text)
    assert "Vell leads the league in hitting at .352." in wordings
    assert not any("at.352" in w for w in wordings)


def test_a_quotation_is_never_cut_and_keeps_its_speaker(models):
    """No aside is cut from inside a quotation, and the speaker's verb after it stays."""
    text = (
        'At nearly 40 metres (130 feet) long, "it is the longest hull that was ever built here, '
        'which must have taken a year," shipwright Oda Venn, a foreman at the Halvik yard, told '
        "the Coastal Times."
    )
    quote = "it is the longest hull that was ever built here, which must have taken a year,"
    for claim in _wordings(models, text):
        for wording in claim:
            assert quote in wording, wording
            assert "told the Coastal Times" in wording, wording
            assert "()" not in wording, wording


def test_line_without_a_finite_verb_is_no_wording(models):
    # A caption or a broken line reads as junk in a digest, however close to the story it is.
    text = "Part of the 25-crown level for museum members."
    assert _never_printed(models, text)


def test_relative_opener_and_bare_quotation_are_dangling():
    assert dangling_opener("Which is now spoken by visitors from every province.")
    assert dangling_opener('"The water came up to the second step. Then it stopped."')
    assert dangling_opener("“We had never seen the river so high.”")
    assert dangling_opener("If that fails, Reid said, the ferry could be stuck for a week.")
    assert dangling_opener("If so, the bridge will reopen on Friday.")
    assert dangling_opener("If they cannot, clearing the road may take a month.")
    assert not dangling_opener("If that ferry fails its inspection, the crossing will close.")
    assert dangling_opener("The unusual step comes as the council faces a vote on fares.")
    assert dangling_opener("The 41-year-old died on Wednesday after a long illness.")
    assert dangling_opener("The forty-one-year-old said he would sail again.")
    assert not dangling_opener("The 41-year-old ferry was towed back to Harrow.")
    # A quotation with its speaker stands alone.
    assert not dangling_opener('"We had never seen the river so high," said Mara Quend.')
    assert not dangling_opener('"Is the bridge safe?" asked Tomas Varn, the dam keeper.')


def test_then_pointing_back_comes_off(models):
    (claim,) = _wordings(models, "Engineer Tomas Varn then closed the second spillway gate.")
    assert claim[0] == "Engineer Tomas Varn closed the second spillway gate."
    (claim,) = _wordings(models, "The dam has leaked since then, the authority said.")
    assert "since then" in claim[0]
    (claim,) = _wordings(models, "Back then, the Harrow bakery sold bread only on Sundays.")
    assert claim[0].startswith("Back then, the Harrow bakery")


def test_semicolon_joins_two_claims(models):
    text = (
        "Divers plan to seal the breach on Friday's low tide; if they cannot, draining the "
        "lock may take as long as two weeks, the canal trust said."
    )
    claims = _wordings(models, text)
    assert ["Divers plan to seal the breach on Friday's low tide."] in claims
    # The second half points back at the first: it is there, but never printed alone.
    assert dangling_opener("If they cannot, draining the lock may take as long as two weeks.")


def test_semicolon_before_a_phrase_without_its_own_subject_is_no_split(models):
    text = (
        "Her mother, Lira Sand, sang in the folk; group The Larkspurs, and also served as the "
        "band's first manager."
    )
    claims = _wordings(models, text)
    assert not any(w.startswith("Group") for claim in claims for w in claim)


def test_an_aside_that_a_participle_tells_of_stays(models):
    text = (
        "The singer had been in Portmere, where the band played over the weekend as part of "
        "the Harbour Lights tour, featuring other acts Kell Dunn and Ivo Marsh."
    )
    claims = _wordings(models, text)
    assert not any("Portmere featuring" in w for claim in claims for w in claim)


def test_reader_addressed_and_forward_pointing_lines_are_never_printed(models):
    for text in (
        "Think about the villages the new dam would flood.",
        "Here's a list of them.",
        "As for the villagers, don't worry about the new dam flooding their fields.",
        "If it ain't broke don't fix it.",
    ):
        assert _never_printed(models, text)
    assert _printable(models, "If the ferry runs late, the council will pay for taxis.")


def test_speaker_pronoun_after_a_quotation_becomes_the_person_named_before(models):
    before = ["Dam keeper Tomas Varn stayed at his post through the night."]
    text = '"We opened the gates as soon as we could," he said on Monday.'
    (claim,) = _wordings(models, text, before)
    assert claim[0] == '"We opened the gates as soon as we could," Tomas Varn said on Monday.'


def test_a_name_qualifying_a_noun_is_no_second_person(models):
    before = ["Ruth Calloway said on Sunday that she would not serve the Whitford administration."]
    text = '"I am honoured to have been asked to serve the valley," she said in a statement.'
    (claim,) = _wordings(models, text, before)
    assert claim[0].endswith("Ruth Calloway said in a statement.")


def test_a_speaker_pronoun_left_unknown_is_never_printed(models):
    before = ["Ines Hald and Tomas Varn met the flood board on Sunday."]
    text = '"I am honoured to have been asked to serve the valley," he said in a statement.'
    assert _never_printed(models, text, before)


def test_first_or_second_person_outside_quotation_marks_is_never_printed(models):
    for text in (
        "We have shown that a pattern of light shifts the body clock more than before.",
        "The ten keepers on our list earned 9 million crowns between May and May.",
        "You can add your location to the posts you write from the web or the app.",
    ):
        assert _never_printed(models, text)
    for text in (
        '"We opened the gates as soon as we could," said Tomas Varn on Monday.',
        "‘We did not know the river would rise,’ Tomas Varn said outside his hotel.",
    ):
        (claim,) = _wordings(models, text)
        assert claim[0] == text


def test_british_quotation_marks_keep_what_was_said_whole(models):
    text = "‘The old gate, which the town built in 1962, simply gave way,’ Ruth Calloway said."
    claims = _wordings(models, text)
    assert all("which the town built in 1962" in w for claim in claims for w in claim)


def test_a_later_pointing_back_comes_off(models):
    text = "Moments later, the ferry turns back toward the quay and its captain waves."
    (claim,) = _wordings(models, text)
    assert claim[0] == "The ferry turns back toward the quay and its captain waves."


@pytest.mark.parametrize(
    "opening",
    [
        "Just days later",
        "Three years later",
        "A couple of weeks earlier",
        "Hours later",
        "A little over a year later",
    ],
)
def test_time_counted_from_the_sentence_before_comes_off(models, opening):
    text = f"{opening}, the harbour board voted to close the old pier for good."
    assert (
        _wordings(models, text)[0][0] == "The harbour board voted to close the old pier for good."
    )


@pytest.mark.parametrize("opening", ["Weeks later", "Two days later"])
def test_time_counted_back_without_its_comma_comes_off(models, opening):
    text = f"{opening} the harbour board closed the old pier."
    assert _wordings(models, text)[0][0] == "The harbour board closed the old pier."


def test_a_short_main_clause_stands_once_its_opener_is_off(models):
    """'Weeks later Varga fired Holm.' is 'Varga fired Holm.': three words, a whole statement."""
    assert _wordings(models, "Weeks later Varga fired Holm.")[0][0] == "Varga fired Holm."


def test_time_counted_back_as_the_subject_stays(models):
    text = "Three years later is too long for the harbour board to wait."
    assert _wordings(models, text)[0][0] == text


def test_time_counted_from_something_named_stays(models):
    text = "Two years later than planned, the harbour board opened the new pier."
    assert _wordings(models, text)[0][0] == text


@pytest.mark.parametrize(
    "text",
    ["The least used is the ferry to Kessling.", "The most popular was the night crossing."],
)
def test_a_superlative_with_no_noun_points_back(models, text):
    assert _never_printed(models, text)


def test_a_superlative_that_says_of_what_stands_alone(models):
    assert not _never_printed(models, "The oldest of the three ferries is 91 years old.")


def test_a_main_clause_pronoun_after_an_opening_phrase_needs_its_person(models):
    before = ["Ruth Calloway wrote a long letter to the council on Thursday."]
    text = "In a call to action, he said residents must help rebuild the spillway."
    (claim,) = _wordings(models, text, before)
    assert (
        claim[0]
        == "In a call to action, Ruth Calloway said residents must help rebuild the spillway."
    )
    text = 'With songs like "Quiet Water" and "Low Tide," they became famous along the coast.'
    assert _never_printed(models, text, before)
    # A nationality or a place before "he" is not who he is.
    text = "Asked about the Danish captain's route past the reef, he said the chart was wrong."
    assert _never_printed(models, text)


def test_dashes_that_pair_wrongly_never_take_the_main_verb(models):
    text = (
        "Residents who stayed – those living above the third floor - lost 40 per cent more "
        "furniture than those who left – even when the flats were the same size."
    )
    for wordings in _wordings(models, text):
        assert all("lost 40 per cent" in w for w in wordings)


def test_a_bare_why_points_back():
    assert dangling_opener("Nobody in Harrow knows why, least of all the ferry crews.")
    assert dangling_opener("The council did not say how.")
    assert not dangling_opener("Nobody in Harrow knows why the ferry stopped running.")


def test_an_unnamed_gathering_points_back():
    assert dangling_opener("Hald and Varn had candid talks during the gathering, aides said.")
    assert not dangling_opener("Hald and Varn had candid talks during the meeting in Harrow.")
    assert not dangling_opener("Hald spoke after the meeting of the Kessling ferry board.")


def test_half_sentences_are_dangling():
    assert dangling_opener("Because it might be the year we all left Fernwick.")
    assert dangling_opener("Except four of those houses were never rebuilt.")
    assert not dangling_opener("Because of the storm, the Fernwick bridge closed on Sunday.")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "The suspect, a Dutchman who had lived in Harrow for several years, was arrested.",
            "Harrow",
        ),
        ("Ines Hald, who now resides in Kessling, won the Harrow ferry race.", "Kessling"),
    ],
)
def test_where_someone_lives_is_never_cut(models, text, place):
    """'a Dutchman who had lived for several years' says he was alive, not where he lived."""
    (claims,) = claims_of([Sentence(text, 0, 0)], [[text]], model=models.models.spacy_model)
    first = claims[0]
    assert any(e == place for e, _ in first.wordings[0].entities)
    assert first.without(first.wordings[0], [place]) is None


def test_cut_modifier_takes_the_phrase_hanging_from_it(models):
    text = "Rumours say the Ashby ferry company will close, just 40 days into its new contract."
    (claims,) = claims_of([Sentence(text, 0, 0)], [[text]], model=models.models.spacy_model)
    first = claims[0]
    dates = [e for e, label in first.wordings[0].entities if label == "DATE"]
    assert dates
    cut = first.without(first.wordings[0], dates)
    assert cut is not None
    assert "into its new contract" not in cut.text
    assert cut.text.startswith("Rumours say the Ashby ferry company will close")


@pytest.mark.parametrize(
    "quotation",
    ['"He has to prove he can steer the board."', '"Unfortunately, that was not the case."'],
)
def test_a_bare_quotation_pointing_back_is_not_given_its_speaker(models, quotation):
    """With its speaker put in, 'Tomas Varn said: "He has to prove ..."' still leaves the
    reader asking who: the quotation is only printed after the sentence before it."""
    before = ['"The new harbour master starts Monday," dam keeper Tomas Varn said.']
    assert _never_printed(models, quotation, before)


def test_a_quotation_after_its_speaker_pointing_back_is_never_printed_alone(models):
    """'Varn, a lawyer for the pilots, said: "They make me blush."': what they are, the
    sentence before told."""
    text = "Tomas Varn, a lawyer for the pilots, said: \u201cThey make me blush.\u201d"
    assert _never_printed(models, text)
    text = "Tomas Varn, a lawyer for the pilots, said: \u201cThe statues make me blush.\u201d"
    assert _printable(models, text)


@pytest.mark.parametrize(
    "text",
    [
        "\"Not that I'm aware of,\" said the harbour board's spokeswoman.",
        'Tomas Varn, the dam keeper, said: "Yes, absolutely."',
        '"Of course, we will be back next spring," Tomas Varn said.',
    ],
)
def test_a_quotation_answering_a_question_is_never_printed_alone(models, text):
    """What was asked, the sentence before told: alone, the answer reads as a cut."""
    assert _never_printed(models, text)


def test_a_quotation_opening_on_no_one_tells_itself(models):
    assert _printable(models, '"No one knew the dam gate had failed," Tomas Varn said.')


def test_a_bare_quotation_cut_of_its_however_opens_on_its_first_word(models):
    before = ['"I am flattered," dam keeper Tomas Varn said in a statement on Monday.']
    text = '"However I believe I could do more good at the harbour."'
    (claim,) = _wordings(models, text, before)
    assert claim[0] == 'Tomas Varn said: "I believe I could do more good at the harbour."'


def test_bare_quotation_takes_its_speaker_from_the_sentence_before(models):
    before = ['"The river rose a metre in an hour," dam keeper Tomas Varn said on Monday.']
    (claim,) = _wordings(models, '"We opened every gate we had."', before)
    assert claim[0] == 'Tomas Varn said: "We opened every gate we had."'
    # Two people could be speaking: the quotation is left unprinted rather than misattributed.
    before = ["Mayor Ines Hald met the engineer Mara Quend at the dam.", "She said it held."]
    text = '"We opened every gate we had."'
    assert _never_printed(models, text, before)


def test_pronoun_is_not_given_a_person_the_sentence_before_only_mentions(models):
    before = ["The harbour master said the storm that sank Captain Ilse Brandt's boat had passed."]
    (claim, *_) = _wordings(models, "He said the port would reopen on Friday.", before)
    assert not any("Brandt" in w for w in claim)
    before = ["Captain Ilse Brandt and Tomas Varn left the harbour on Monday."]
    (claim, *_) = _wordings(models, "She said the port would reopen on Friday.", before)
    assert not any("Brandt" in w or "Varn" in w for w in claim)


def test_pronoun_never_stands_for_the_person_its_own_sentence_names(models):
    """'Her blood was found on his jacket, Hald said': "her" is not Hald; and when the sentence
    before speaks of someone unnamed ("the woman"), no name from further back is put in."""
    before = [
        "Harrow prosecutor Ines Hald said the suspect had tried to take a car.",
        "Police believe he tried to steal the car of a woman found dead on Sunday.",
    ]
    text = "Her scarf was found in his bag, Hald said."
    assert all("Hald's scarf" not in w for c in _wordings(models, text, before) for w in c)
    assert _never_printed(models, text, before)
    before = ["Tomas Varn, a cousin of the girl's father, said the school had called her mother."]
    assert _never_printed(models, "She then drove the girl to the clinic in Harrow.", before)
    before = ["Harrow prosecutor Ines Hald spoke to reporters on Monday."]
    (claim, *_) = _wordings(models, "Her office will review the case, Tomas Varn said.", before)
    assert claim[0].startswith("Ines Hald's office")


def test_participle_set_off_after_the_subject_is_no_clause_of_its_own(models):
    text = (
        "Harbour master Ilse Brandt, asked about a report showing the port and the marina "
        "losing trade, turned her anger on the ferry company on Sunday."
    )
    claims = _wordings(models, text)
    assert len(claims) == 1  # no "Ilse Brandt, asked about a report ..." on its own


def test_name_glued_into_a_noun_phrase_is_not_cut_out_of_it(models):
    text = "The mayor cited an ABC/Ipsos poll showing most residents want the ferry back."
    claim = _claim(models, text)
    names = [e for e, label in claim.wordings[0].entities if label == "ORG"]
    for name in names:
        shorter = claim.without(claim.wordings[0], [name])
        assert shorter is None or (" an poll" not in shorter.text and "/ poll" not in shorter.text)


def test_noun_phrase_with_a_participle_is_no_claim(models):
    """A headless line ('The change preventing her ..., an act she began ...') is never printed."""
    text = (
        "The sudden change preventing her from speaking during “The Anthem,” an act she first "
        "planned Sunday in Harrow to show support for the striking nurses."
    )
    assert _never_printed(models, text)
    # A caption: "released" is no verb of its own.
    text = "A sketch released of an unknown ferry passenger who was struck by two cars in Harrow."
    assert _never_printed(models, text)
    # ... but a main verb the parse reads as one, with an object, is.
    text = "At the quay, a man confronted Varn about his red boots and asked about his ferry pass."
    assert not _never_printed(models, text)


def test_subject_pointing_back_with_these_is_dangling(models):
    """'These readings are ...' points at readings an earlier sentence gave; 'when these boats
    are free' inside a clause names its boats before."""
    text = "Most of these readings are added to the harbour log every night."
    assert _never_printed(models, text)
    text = "Fishermen in Harrow rent out small boats on weekends, when these boats are idle."
    assert not _never_printed(models, text)


@pytest.mark.parametrize(
    ("text", "pointing"),
    [
        ("Walkers in Harrow act on this advice and carry lamps after dark.", True),
        ("By that point, the Kessling had lost both anchors.", True),
        ("Like other ferries on the route, this one carries 40 cars.", True),
        ("Harrow council reported that ferry fares rose by a tenth.", False),
        ("The Kessling ran aground off Harrow this morning.", False),
        ("Harrow has the kind of loyal crowd that fills the quay every summer.", False),
    ],
)
def test_this_or_that_pointing_back_is_dangling(models, text, pointing):
    """'this advice', 'that point', 'this one' name what an earlier sentence told; 'this
    morning' says when, and a conjunction "that" points nowhere."""
    assert _never_printed(models, text) is pointing


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Half were given a free ferry ticket.", True),
        ("Both said they would sail again in the spring.", True),
        ("All 23 were lifted to safety by the Harrow lifeboat.", True),
        ("Two of the crew were taken to hospital in Harrow.", False),
        ("Three crew members were taken to hospital in Harrow.", False),
        ("Both men were taken to hospital in Harrow on Monday.", True),
        ("The other were given to the Harrow school last week.", True),
        ("All three men have made clear they are backing Quist for mayor.", True),
        ("All 23 crew members were lifted to safety by the Harrow lifeboat.", False),
    ],
)
def test_a_bare_count_as_subject_is_dangling(models, text, bare):
    """'Half were given ...', 'All 23 were lifted': of whom, the sentence before said."""
    assert _never_printed(models, text) is bare


@pytest.mark.parametrize(
    ("text", "pointing"),
    [
        ("Harbour master Tomas Varn was elected to succeed him on 13 March.", True),
        ("Harrow police arrested him at the ferry terminal on Friday.", True),
        ("Ines Hald thanked her for the new ferry timetable.", True),
        ('"Don\'t sell the ferry now," Ines Hald recalls him saying.', True),
        ("Tomas Varn said the Harrow council would back him in the vote.", False),
        ("The mayor told Ines Hald that the ferry board had misled her.", False),
        ("Ines Hald said her ferry would sail again on Friday.", False),
        # The subject of an infinitive after "for" is an object too, whatever the pronoun.
        ("The Harrow ferry board called for it to be broken up.", True),
        ("The Harrow ferry board asked for them to be sold in May.", True),
        ("The ferry board called for the old pier to be broken up.", False),
    ],
)
def test_him_or_her_as_object_of_its_own_subject_points_back(models, text, pointing):
    """'Varn was elected to succeed him': him is not Varn, so he was named before."""
    assert _never_printed(models, text) is pointing


def test_and_between_nouns_is_no_second_predicate(models):
    """'allowed for age and time spent indoors': 'spent' is no second verb of the subject."""
    text = (
        "Visitors who were cold – whose rating was higher than most in the sample - spent 30 "
        "per cent more on tickets than visitors who were warm – even when the study allowed for "
        "age and time spent indoors."
    )
    claims = _wordings(models, text)
    assert len(claims) == 1
    assert all("30 per cent" in w and "time spent indoors" in w for w in claims[0])
    # The aside closed by a spaced hyphen goes; the sentence keeps its verb.
    assert any(w.startswith("Visitors who were cold spent 30 per cent") for w in claims[0])


def test_a_line_promising_more_tells_nothing(models):
    """Without its speaker, "his lawyer insisted there was more to the story" promises only."""
    assert dangling_opener("But there was more to the story.")
    assert dangling_opener("And that's not all.")
    assert not dangling_opener("There was more rain in Harrow than forecast on Monday.")
    text = "Hours after the arrest, his lawyer insisted there was more to the story."
    (found,) = claims_of([Sentence(text, 0, 0)], [[text]], model=models.models.spacy_model)
    assert not any(
        w.text == "There was more to the story." and not w.dangling
        for claim in found
        for w in claim.wordings
    )


def test_a_line_introducing_the_page_s_list_tells_nothing():
    assert dangling_opener(
        "From the mayor's speech to the ferry's late arrival, here are ten of the best moments."
    )
    assert dangling_opener(
        "The Harrow Herald was at the quay, and here are the six things the crew told us."
    )
    assert not dangling_opener("The ferry plant here is closing after 40 years.")


@pytest.mark.parametrize(
    "line",
    [
        "Below are all the ferries that sailed during the storm week.",
        "The following chart summarizes the fares of the valley ferries in 2024.",
        "Like the above-displayed posts, these pages gave no source for the figure.",
        "The council published the map below on Tuesday.",
        "Click through the gallery below for the best ferry pictures.",
    ],
)
def test_a_line_about_the_page_s_own_pictures_or_charts_tells_nothing(line):
    """A digest carries no chart, map or gallery: a line pointing at one tells nothing."""
    assert dangling_opener(line)


@pytest.mark.parametrize(
    "line",
    [
        "The village in the valley below was flooded on Monday.",
        "Fares rose above 5% for the first time since 2019.",
        "The ferry sailed below the bridge at noon.",
    ],
)
def test_above_and_below_as_places_are_no_page_element(line):
    assert not dangling_opener(line)


def test_do_so_points_back():
    assert dangling_opener("The county lacked the engineers to do so.")
    assert not dangling_opener("The county lacked the engineers to inspect the dam.")


def test_a_clause_opening_a_quotation_after_a_colon_stays(models):
    """'..., who told them: "..."' keeps its 'who told them'; ',:' is never printed."""
    text = (
        "The wardens finished their round and then spoke with Mr. Varn, who told them: "
        "“The gate may be open. The water is rising.”"
    )
    for claim in _wordings(models, text):
        assert all(",:" not in w for w in claim)


def test_a_name_after_a_name_is_no_aside(models):
    """'After talking with Hald, Quill, a father of two, noticed ...' keeps Quill."""
    text = (
        "After talking with Hald, Quill, a father of two, noticed that some of the children "
        "were walking around barefoot."
    )
    for claim in _wordings(models, text):
        assert all("Quill" in w for w in claim)


def test_a_verb_of_saying_without_what_was_said_is_no_claim(models):
    text = "Ines Hald said at the town hall."
    assert _never_printed(models, text)
    (claim,) = _wordings(models, "Ines Hald said at the town hall that the gate had failed.")
    assert claim


def test_what_was_reported_may_hang_on_a_preposition(models):
    """'reported on the details of a payment' says what; 'reported on Monday' does not."""
    text = (
        "The Harrow Courier has also reported on the terms of a $40,000 loan that the mayor's "
        "office gave Ada Quist."
    )
    assert _printable(models, text)
    assert _never_printed(models, "The Harrow Courier reported on Monday.")


def test_pointing_back_with_so_or_here():
    assert dangling_opener("The harbour master would like to think so.")
    assert dangling_opener("Here, the ferries are the only way across the bay.")
    assert not dangling_opener("Heretofore the ferries were the only way across the bay.")


def test_head_attribution_stays_when_the_clause_points_at_its_speaker(models):
    """Without 'Tomas Varn told reporters that', 'he' would point at whoever came before."""
    text = (
        "Tomas Varn told reporters that when he woke up on Sunday and heard the sirens, "
        "he drove to the dam."
    )
    for claim in _wordings(models, text):
        assert all(w.startswith("Tomas Varn") for w in claim)


def test_a_copula_keeps_its_not_when_its_clauses_are_split(models):
    text = (
        "Ruth Calloway, who had rowed as a reserve in the two races before, was not in the "
        "first crew and rowed in the final heat."
    )
    wordings = _every_wording(models, text)
    assert not any("Calloway not rowed" in w for w in wordings)
    assert any(w.startswith("Ruth Calloway rowed in the final heat") for w in wordings)


def test_a_similar_thing_or_the_duo_points_back():
    assert dangling_opener("The mayor sent a similar message ahead of the vote in Harrow.")
    assert dangling_opener("The duo decided to open a similar shop in Kessling.")
    assert not dangling_opener("The council built a similar bridge to the one in Harrow.")


def test_a_speaker_is_never_a_name_spoken_of_inside_quotation_marks(models):
    """'"Ruth Calloway has my support," ...' names whom someone speaks of, not who speaks next."""
    before = [
        "“Ruth Calloway has my full support,” the mayor wrote.",
        "Harrow Council sent a similar message to the voters.",
    ]
    text = "“Go out and vote for the dam today,” he said."
    (found,) = claims_of([Sentence(text, 0, 2)], [[*before, text]], model=models.models.spacy_model)
    assert not any("Calloway" in w.text for claim in found for w in claim.wordings)


def test_a_dateline_comes_off(models):
    """An HTML extractor keeps 'HARROW, Upper Vale — '; a digest sentence never does."""
    text = "HARROW, Upper Vale — The town's ferry will stop running on Sunday, the council said."
    (claim,) = _wordings(models, text)
    assert claim[0].startswith("The town's ferry will stop running")
    text = "KESSLING: The harbour master said the pier would reopen on Monday after repairs."
    (claim,) = _wordings(models, text)
    assert claim[0].startswith("The harbour master said")


def test_a_quotation_is_never_split_into_clauses(models):
    text = (
        '"Lost 15% of the charge in 45 minutes and I did not even touch the phone. What '
        'happened? This update is no help at all."'
    )
    for claim in _wordings(models, text):
        assert all(w.startswith('"') for w in claim)


def test_finally_and_rather_come_off(models):
    (claim,) = _wordings(models, "Finally the council has spoken about the ferry to Harrow.")
    assert claim[0] == "The council has spoken about the ferry to Harrow."
    text = "Rather, it is more like wearing a seat belt on the ferry."
    assert _never_printed(models, text)


def test_verbs_sharing_one_object_are_not_split(models):
    """'found and rescued a swimmer' never leaves 'The crew found.'."""
    text = (
        "A harbour patrol crew spotted and pulled a swimmer from the sea Tuesday off "
        "Marrow Beach in Harrow."
    )
    claims = _wordings(models, text)
    assert not any(w.endswith("crew spotted.") for c in claims for w in c)


def test_a_participle_goes_with_the_modifier_cut_from_it(models):
    text = "The council said that a new ferry will sail to Kessling in a series starting in May."
    (found,) = claims_of([Sentence(text, 0, 0)], [[text]], model=models.models.spacy_model)
    wording = found[0].wordings[0]
    shorter = found[0].without(wording, ["May"])
    assert shorter is not None
    assert not shorter.text.endswith("starting.")


def test_a_doubled_full_stop_and_a_space_after_a_quotation_mark_are_tidied(models):
    (claim,) = _wordings(models, "Two men were arrested in Harrow last week for theft..")
    assert claim[0].endswith("theft.")
    (claim,) = _wordings(models, '" We will stay until the water goes down," Ines Hald said.')
    assert claim[0].startswith('"We will stay')


def test_the_story_points_back():
    assert dangling_opener("The story states that three tickets were sold in Harrow.")
    assert not dangling_opener("The story of the Harrow ferry began in 1902 with one boat.")


def test_in_return_points_back():
    assert dangling_opener("In return, Varn praised the council's special help.")
    assert dangling_opener("Since then, about 9,000 people have crossed on the new ferry.")
    assert dangling_opener("Back then, the Harrow bakery considered a smaller shop.")
    assert not dangling_opener("Then-mayor Ines Hald opened the quay in 1990.")
    assert not dangling_opener("In return for the loan, Varn gave the council the old quay.")


def test_a_question_the_writer_asks_tells_nothing():
    assert dangling_opener("Is the ferry more crowded on sunny days.")
    assert not dangling_opener("Isabel Hald runs the ferry on sunny days.")
    # ... nor does a subheading's question, or what a split left of one.
    assert dangling_opener("Who was elected harbour master of Harrow in 1968.")
    assert dangling_opener("How did Ada Quist Jr.")
    assert dangling_opener("What did the council decide about the quay?")
    assert not dangling_opener("What is clear is that the quay will close.")
    assert not dangling_opener("When Varn was elected, the quay closed.")


def test_a_line_announcing_a_quotation_tells_nothing():
    assert dangling_opener("One quote in particular stands out.")
    assert not dangling_opener("One ferry stands out in the Harrow harbour every Friday.")


def test_a_line_announcing_what_someone_said_tells_nothing():
    """The page quotes it next; the digest does not."""
    assert dangling_opener("Ines Hald offered a poignant analogy for the Harrow ferry crews.")
    assert dangling_opener("Tomas Varn gave a blunt assessment.")
    assert not dangling_opener("Ines Hald offered an apology to the Harrow ferry crews.")
    assert not dangling_opener(
        "A council report offered a bleak assessment of the quay, saying it would close by 2030."
    )


def test_the_writer_s_aside_tells_nothing():
    assert dangling_opener("There’s a lot to unpack here.")
    assert dangling_opener("Let that sink in.")
    assert not dangling_opener(
        "There is much to unpack at the Harrow quay after the storm's flood."
    )


def test_the_proposal_points_back():
    """Which proposal, the sentence before told; "The proposal to close the quay" says itself."""
    assert dangling_opener("The proposal nearly derailed the Harrow council's budget.")
    assert not dangling_opener("The proposal to close the quay nearly derailed the budget.")


def test_the_writer_s_exclamation_tells_nothing():
    assert dangling_opener("What a difference a million crowns in ferry posters can make.")
    assert dangling_opener("What an odd week for the Harrow council it has been.")
    assert not dangling_opener("What a ferry ticket costs in Harrow has doubled since 2019.")


def test_the_news_points_back():
    """Which news, the sentence before told; "The news of the closure" says itself."""
    assert dangling_opener("The news was well received among the Harrow ferry crews.")
    assert not dangling_opener("The news of the closure spread quickly through Harrow.")


def test_at_the_time_points_back():
    """At what time, the sentence before told; "At the time of the flood" says itself."""
    assert dangling_opener("At the time, some on the council feared the dam would fail.")
    assert dangling_opener("At that point, the ferry had already left Kessling.")
    assert not dangling_opener("At the time of the flood, the Harrow dam was half built.")
    assert not dangling_opener("At the moment, no ferry sails from Harrow to Kessling.")


@pytest.mark.parametrize(
    ("text", "ordinal"),
    [
        ("Ruth Calloway is the first Harrow ferry captain to be honoured by the king.", "first"),
        # The tagger calls this "265th" a building: it is still a rank.
        ("Ruth Calloway was the 265th keeper of the Harrow light.", "265th"),
    ],
)
def test_an_ordinal_is_never_cut(models, text, ordinal):
    """'the first Harrow officer to be killed' is not 'the officer to be killed'."""
    (found,) = claims_of([Sentence(text, 0, 0)], [[text]], model=models.models.spacy_model)
    wording = found[0].wordings[0]
    assert ordinal in [e for e, _ in wording.entities]
    assert found[0].without(wording, [ordinal]) is None


def test_a_wording_ending_on_a_conjunction_is_never_printed(models):
    assert _never_printed(models, "The council now wants to change the town's old anthem – but.")


def test_head_attribution_stays_before_a_second_that_clause(models):
    """Without 'Police said', ', and that the boat ...' would hang."""
    text = (
        "Police said the ferry's engine and rudder were removed deliberately, and that the boat "
        "had been damaged on purpose so that it would sink."
    )
    for claim in _wordings(models, text):
        assert not any(w.startswith("The ferry's engine") and ", and that" in w for w in claim)


def test_the_of_phrase_of_a_partitive_word_is_never_cut(models):
    # "wiping all of 2018's gains" cut of its year read "wiping all."
    text = (
        "On Monday the Harrow share index shed 1,175 points, its worst fall since the flood, "
        "wiping out all of 2019's gains."
    )
    claim = _claim(models, text)
    years = [e for e, label in claim.wordings[0].entities if e == "2019's" or e == "2019"]
    assert years
    shorter = claim.without(claim.wordings[0], years)
    assert shorter is not None
    assert shorter.text == (
        "On Monday the Harrow share index shed 1,175 points, its worst fall since the flood."
    )


def test_an_aside_that_a_list_goes_on_after_stays(models):
    # Cut, the list's last items were read as the main clause's: "ties ... and the northern
    # Quend district, as well as the ferry and the flood".
    text = (
        "The Harrow talks reflected worsening ties between the two towns, which are at odds "
        "over a range of issues from fishing to tolls in Kessling, Varn Bay, and the northern "
        "Quend district, as well as the ferry, the town’s grip on the harbour, and the flood."
    )
    wordings = _every_wording(models, text)
    assert wordings == [text]


def test_no_clause_of_its_own_when_its_pronoun_may_point_at_a_person_left_behind(models):
    # Split, "his" would read as the mayor's: "The mayor of Harrow spoke on his radio programme."
    text = (
        "The mayor of Harrow sailed to Kessling, where she met her counterpart, Tomas Varn, "
        "and spoke on his radio programme, Harbour Hour."
    )
    wordings = _every_wording(models, text)
    assert not any(w.startswith("The mayor of Harrow spoke") for w in wordings)
    # Nor are two names glued where the clause between them is cut.
    assert not any("Kessling Tomas" in w for w in wordings)


@pytest.mark.parametrize(
    ("text", "pointing"),
    [
        ("Later on, Harrow merchants were buried there.", True),
        ("Divers there have found two anchors from the Kessling.", True),
        ("The fever is easier to treat there than in the lowlands.", True),
        ("Ines Hald took the boy to a wooded area near Harrow and left him there.", False),
        ("There were three ferries in the Harrow harbour on Sunday.", False),
        ("Ines Hald said the Harrow ferry was not there when the storm hit.", False),
    ],
)
def test_there_points_back_when_its_sentence_names_no_place(models, text, pointing):
    """'were buried there': where, the sentence before told; 'to a wooded area ... left him
    there' names it, and 'There were three ferries' points nowhere."""
    assert _never_printed(models, text) is pointing


@pytest.mark.parametrize(
    ("text", "pointing"),
    [
        ("Harrow police later confirmed that was the spot where the Kessling sank.", True),
        ("The mayor said that the Harrow bridge would reopen on Friday.", False),
        ("The Kessling sank off Harrow, though nobody has confirmed this.", False),
        ("The price of that is higher than the Harrow council planned.", False),
        # Confirmed what: its own subject is not what "this" stands for. (Also a guard: the
        # "these" after it is read with the subject's tokens intact.)
        ("Harrow divers confirmed this after they inspected these wrecks.", True),
    ],
)
def test_this_or_that_standing_for_a_noun_points_back_as_a_subject(models, text, pointing):
    """'confirmed that was the spot': that what, the sentence before told; 'nobody has confirmed
    this' after a clause may mean that clause."""
    assert _never_printed(models, text) is pointing


def test_these_with_nothing_named_before_it_points_back(models):
    """'According to these reports, ...' cites reports an earlier sentence named: the wording
    without the attribution is the one that stands alone."""
    text = "According to these reports, the Harrow quay was a smuggling depot."
    (claim,) = _wordings(models, text)
    assert "The Harrow quay was a smuggling depot." in claim
    (claims,) = claims_of([Sentence(text, 0, 0)], [[text]], model=models.models.spacy_model)
    assert all(w.dangling for c in claims for w in c.wordings if "these" in w.text)
    assert not all(w.dangling for c in claims for w in c.wordings)


def test_the_same_without_its_comparison_and_bare_openers_point_back():
    assert dangling_opener(
        "Fortunately, the ferry in Varn's new film doesn't suffer the same fate."
    )
    assert not dangling_opener("The Kessling suffered the same fate as the Marla in 1998.")
    assert not dangling_opener("Both ferries left Harrow at the same time on Sunday.")
    assert dangling_opener("The Harrow ferry sank the same year.")
    assert not dangling_opener("Two ferries were built in the same year at the same Harrow yard.")
    assert dangling_opener("To investigate, divers looked at the wreck of the Kessling.")
    assert not dangling_opener("To date, 40 ferries have sailed from Harrow.")
    assert dangling_opener("Either option would keep the Harrow ferry running.")
    assert not dangling_opener("Either Varn or Hald will lead the Harrow council.")


def test_later_on_and_as_it_turns_out_come_off(models):
    (claim,) = _wordings(models, "As it turns out, the Kessling was carrying coal to Harrow.")
    assert claim[0] == "The Kessling was carrying coal to Harrow."
    (claim,) = _wordings(models, "Later on, the Harrow council approved the ferry plan.")
    assert claim[0] == "The Harrow council approved the ferry plan."


@pytest.mark.parametrize(
    ("text", "pointing"),
    [
        ("Rents in Harrow, too, have risen faster than ferry fares.", True),
        ("The Harrow council approved the ferry plan too.", True),
        ("Several thousand more have come to Harrow under other policies.", True),
        ("Two more were injured when the Harrow ferry struck the pier.", True),
        ("Many are asking whether the Harrow ferry is safe.", False),
        ("The Harrow ferry is too slow for the council.", False),
        ("More than 900 people booked places on the Harrow ferry.", False),
    ],
)
def test_too_and_a_bare_more_point_back(models, text, pointing):
    """'Rents, too, have risen': as what else, the sentence before told; 'Several thousand more':
    more than whom."""
    assert _never_printed(models, text) is pointing


def test_well_or_yes_opening_the_writers_line_comes_off(models):
    (claim,) = _wordings(models, "Well, the Harrow council has a convenient answer for the vote.")
    assert claim[0] == "The Harrow council has a convenient answer for the vote."


def test_in_particular_and_whats_more_come_off(models):
    (claim,) = _wordings(
        models, "In particular, the Harrow study is based on 1,420 ferry passengers."
    )
    assert claim[0] == "The Harrow study is based on 1,420 ferry passengers."
    (claim,) = _wordings(
        models, "What's more, the Harrow study found that ferry crews were at risk."
    )
    assert claim[0] == "The Harrow study found that ferry crews were at risk."
    (claim,) = _wordings(
        models, "What’s more, the Harrow study found that ferry crews were at risk."
    )
    assert claim[0] == "The Harrow study found that ferry crews were at risk."
    assert dangling_opener("The reference is unmistakably to Tomas Varn, who bought the ferry.")


def test_no_name_for_a_pronoun_when_the_sentence_before_is_told_by_another_he(models):
    """'He noted the council failed to protect Mayor Ines Hald.' The 'he' after it is the same
    unnamed speaker, not Hald; after a sentence naming no one the chain goes further back."""
    before = [
        "Tomas Varn spoke on Monday.",
        "He said that Ines Hald had been warned about the attack in Harrow.",
    ]
    printable = _printable(
        models, "He said the council ignored the warnings of the police.", before
    )
    assert printable == ["The council ignored the warnings of the police."]
    before = [
        "Tomas Varn, the ferry operator's director, said the fares would rise in May.",
        "He did not believe it was political.",
    ]
    (claim, *_) = _wordings(models, "However, he said the Harrow ferry needed new crews.", before)
    assert claim[0] == "Tomas Varn said the Harrow ferry needed new crews."


def test_what_someone_says_ought_to_be_keeps_its_speaker(models):
    """'Varn said the council must answer for it': without him, it reads as the digest's view."""
    wordings = _wordings(models, "Tomas Varn said the Harrow council must answer for its failings.")
    assert "The Harrow council must answer for its failings." not in wordings[0]
    wordings = _wordings(models, "Tomas Varn said the Harrow ferry was sold on Monday.")
    assert "The Harrow ferry was sold on Monday." in wordings[0]


@pytest.mark.parametrize(
    "text",
    [
        # A class said to be something: a stranger's view, never the digest's.
        "A third passenger said ferry workers were lazy cheats who wanted free tickets.",
        # What may be.
        "Harrow's mayor, Ada Quill, said the rebuilding of the quay can be slow.",
        # A conclusion, with its source at the head.
        "According to the Harrow Gazette, the finding proves that the wreck is the Kessling.",
        # What someone alleges or claims, which the outlet does not say is so.
        "Tomas Varn took 5,000 crowns from the Harrow ferry fund in May, prosecutors alleged.",
        "A Kessling councillor has claimed that support is rising inside the Harrow council.",
        # A verdict on one thing: the speaker's judgement, not an event.
        "Ines Hald said the mayor's call to the ferry board was unusual and inappropriate.",
        "Tomas Varn said the council's ferry report was false and misleading.",
    ],
)
def test_a_view_keeps_who_holds_it(models, text):
    """Cut of its speaker, a view would be stated as fact: no wording of it is printed alone."""
    wordings = _printable(models, text)
    assert wordings
    speakers = ("said", "according to", "alleged", "claimed")
    assert all(any(s in w.casefold() for s in speakers) for w in wordings), wordings


def test_a_clause_of_an_attributed_sentence_drops_who_said_it(models):
    """A clause is cut from the wording without its attribution: it is marked as such."""
    text = (
        "According to the coast guard, the Kessling struck rocks near Harrow Point early on "
        "Monday and sank within an hour of its distress call."
    )
    clauses = [c for c in _read(models, text) if c.clause]
    assert clauses
    assert all(w.drops_who for c in clauses for w in c.wordings)


@pytest.mark.parametrize(
    ("text", "pointing"),
    [
        ("Police said he had no criminal record in Harrow or elsewhere.", True),
        ("Council officials say she has exceeded the age limit for the post.", True),
        ("Ines Hald said she would appeal the Harrow ruling next week.", False),
        ("Banks said she dived to the deck near the Harrow pier.", False),
        ("A Harrow ferry captain said he saw the smoke at noon.", False),
        (
            "Police said in addition to Mara Quend showing up at the house, she brought the boy "
            "to Harrow.",
            False,
        ),
    ],
)
def test_a_he_that_a_group_tells_of_with_no_name_points_back(models, text, pointing):
    """'Police said he ...': who, the sentence before told; 'A captain said he' may be himself."""
    assert _never_printed(models, text) is pointing


def test_speech_verbs_without_what_was_said_and_passive_charges(models):
    assert _never_printed(models, "Sen. Ines Hald charged on Sunday.")
    assert not _never_printed(models, "Tomas Varn has not been charged with the Harrow fire.")
    assert not _never_printed(models, "Harrow police charged the driver with manslaughter.")


@pytest.mark.parametrize(
    ("text", "pointing"),
    [
        ("Other ratings of the Harrow council have tumbled as well.", True),
        ("The Harrow ferry isn't exactly inventing the wheel here, either.", True),
        ("Unions decried the Harrow fare rise, and ferry crews criticised it as well.", False),
        ("The new Harrow ferry offers little but more of the same, only slower.", True),
        ("Not only was the Harrow ferry cheaper.", True),
        ("Not only was the Harrow ferry cheaper, but it was faster than the old one.", False),
        ("Though Varn and Hald have sort of obscured their plan for the ferry.", True),
        ("Although the storm weakened, the Harrow harbour stayed closed for two days.", False),
        ("There are more still to come from the Harrow yard.", False),
        ("There are more still to come.", True),
        ("Those are the last of the ferries built in the Harrow yard.", True),
        ("Those with the lowest fares were people who sailed from Harrow at night.", False),
        ("Those arrested in the Harrow raid were released on bail on Monday.", False),
        ("Those included two ministers and a judge from Harrow.", True),
        ("Usually the Harrow ferry crews are better.", True),
        ("Usually the Harrow ferry crews are better than the Kessling ones.", False),
        ("The reality at the Harrow quay seems to be somewhat different.", True),
        ("The new Harrow timetable is different from last year's.", False),
        ("The Harrow ferry is similar to the one in Kessling.", False),
        ("After a week of storms, the same ferry crews refused to sail from Harrow.", True),
        ("Varn said the same ferry rules would apply to Kessling from May.", True),
        ("Varn and Hald trained at the same school in Kessling in 2019.", False),
        ("On Monday the same ferry crews as in 2019 sailed from Harrow.", False),
        ("Even now the same crews that sailed in 2019 run the Harrow ferry.", False),
    ],
)
def test_comparisons_and_halves_that_point_back(models, text, pointing):
    assert _never_printed(models, text) is pointing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Accordingly, the Harrow ferry was sold to a Dutch firm in May.", "The Harrow"),
        ("For example, the Harrow council closed three piers in March.", "The Harrow"),
        ("In fact, the Harrow ferry carried 900 passengers on Sunday.", "The Harrow"),
        ("Sure, Ines Hald earned a degree in marine engineering at age 17.", "Ines Hald"),
        ("Again, the Harrow council voted against the ferry plan.", "The Harrow"),
        ("Worse, the Harrow ferry has no lifeboats for its 900 seats.", "The Harrow"),
        ("Even worse, the Harrow ferry has no lifeboats for its 900 seats.", "The Harrow"),
        ("More importantly, the Harrow council closed three piers in March.", "The Harrow"),
    ],
)
def test_more_connectives_come_off_the_front(models, text, expected):
    (claim,) = _wordings(models, text)
    assert claim[0].startswith(expected)


def test_an_opening_phrase_inside_a_sentence_stays_with_its_commas(models):
    """'In a 1998 case, for example, a court ...' cut of 'for example' would lose both commas."""
    text = "In a 1998 case, for example, a Harrow court upheld the ferry ban."
    (claim,) = _wordings(models, text)
    assert claim[0] == text


def test_a_clause_whose_subject_pronoun_was_named_in_the_clause_cut_off_is_dangling(models):
    """'..., today she leads the council': alone, the second clause's 'she' points back."""
    text = (
        "Ines Hald won the vote in Harrow in 2012 by 11 points; today she leads the council by "
        "one seat."
    )
    printable = _printable(models, text)
    assert "Today she leads the council by one seat." not in printable
    assert "Ines Hald won the vote in Harrow in 2012 by 11 points." in printable


def test_a_comma_left_before_a_semicolon_by_a_cut_goes(models):
    text = (
        "Varn took the Harrow vote by 11 points, according to early counts; now he leads by one "
        "seat."
    )
    wordings = _every_wording(models, text)
    assert "Varn took the Harrow vote by 11 points; now he leads by one seat." in wordings
    assert not any(",;" in w for w in wordings)


def test_no_name_for_a_pronoun_after_a_quotation_naming_someone(models):
    """'"Varn can't serve," says Luippold.' Then 'His contract ...' is Varn's, not the speaker's:
    a name inside the quotation is in play, so none is put in."""
    before = [
        "A senate run would suit him, says Ross Luippold at the Harrow Herald.",
        "\"There's one problem, though: Varn can't actually serve in the Senate.\"",
    ]
    text = "His contract with the Harrow ferry company isn't up until 2014."
    assert not any("Luippold" in w for w in _printable(models, text, before))


@pytest.mark.parametrize(
    "named",
    [
        # The parser reads "family's" as "family is" and "Kessel" as its possessive ...
        "Kessel, whose family’s real estate empire is worth $1.2 billion, according to Forbes, "
        "wields great power on the board.",
        # ... or "Varn" as an adverb: neither is tagged a person.
        "Varn, whose family’s shipping firm is worth $2 billion, according to the Courier, runs "
        "the harbour board.",
    ],
)
def test_no_name_for_a_pronoun_past_a_sentence_about_a_name_the_tagger_missed(models, named):
    """'He is married to ...' after a sentence about Kessel is Kessel, whom the tagger did not
    read as a person; it is never the Brenn of the sentence before."""
    before = ["Aldo Brenn is chairman of Lark Bank.", "Brenn studied at the pilots’ school.", named]
    text = "He is married to the mayor’s daughter, Ines."
    assert not any("Brenn" in w for w in _printable(models, text, before))


def test_a_closing_single_quotation_mark_ends_the_sentence(models):
    text = "The magazine claims that Varn has been spotted in Harrow 'acting like a single man.'"
    (claim,) = _wordings(models, text)
    assert claim[0] == text


def test_a_label_in_capitals_is_no_speaker_for_the_quotation_after_it(models):
    """'Hidden Track: WROTE THIS ON A FERRY' is a list's label; the quotation after it is left
    unprinted rather than given to "Hidden Track"."""
    text = "“Each time the ferry leaves, there is no one on the pier.”"
    assert _never_printed(models, text, ["Hidden Track: WROTE THIS ON A FERRY"])
    before = ["The pier was empty at noon, Ines Hald wrote on the Harrow council site."]
    assert _printable(models, text, before) == [f"Ines Hald wrote: {text}"]


@pytest.mark.parametrize(
    ("text", "half"),
    [
        ("At least when it comes to the Harrow ferry fares.", True),
        ("When the Kessling sank, the crew escaped in two lifeboats.", False),
        ("If the Harrow ferry sinks, the council will buy another one.", False),
        ('"When the ferry sinks, we swim," Varn said of the Harrow crews.', False),
    ],
)
def test_a_subordinate_clause_with_no_main_one_is_half_a_sentence(models, text, half):
    assert _never_printed(models, text) is half


def test_a_line_pointing_at_the_pages_layout_points_back():
    assert dangling_opener("Below, the six letters the Harrow council meant to hide.")
    assert not dangling_opener("Above all, the Harrow council wants the ferry to run on time.")


def test_a_name_introduced_by_pointing_at_it_is_who_she_is(models):
    """A transcript's "That's Opal Quist." names the "she" after it."""
    before = ["We want you to meet a woman from Ashby with a plan.", "That's Opal Quist."]
    text = "She is walking to the capital to ask for a new holiday."
    printable = _printable(models, text, before)
    assert printable[0] == "Opal Quist is walking to the capital to ask for a new holiday."


def test_lines_that_point_back_read_on_and_lines_that_tell_nothing_do_not(models):
    """A pronoun or a demonstrative reads on after its sentence; a question to the reader, a
    promise of more or half a sentence is never printed, even there."""
    reading_on = [
        "It was refloated by two tugs at high tide on Wednesday.",
        "The move angered residents of Fernwick.",
        '"...We will rebuild the pier," he said.',
    ]
    for text in reading_on:
        claims = _read(models, text, ["Most of the harbour wall collapsed on Monday."])
        assert all(w.dangling and w.reads_on for c in claims for w in c.wordings), text
    never = [
        "Is the ferry safe to sail again.",
        "There are more still to come.",
        "Because it might be the year we all left.",
        "We have counted every boat in the harbour.",
        "Hard to believe the ferry's fate has come down to one vote.",
    ]
    for text in never:
        claims = _read(models, text, ["Most of the harbour wall collapsed on Monday."])
        assert all(w.dangling and not w.reads_on for c in claims for w in c.wordings), text


def test_a_marker_left_before_a_sentence_is_not_printed(models):
    """'* All of the ...' (an update's star inside a paragraph) prints without its star."""
    printable = _printable(models, "* All of the ferry's logbooks were handed to the inspectors.")
    assert printable[0] == "All of the ferry's logbooks were handed to the inspectors."


def test_that_before_a_verbs_object_points_back(models):
    """ "did not raise that objection": which one, the sentence before told. A "that" opening
    what was said is no pointer."""
    assert _never_printed(models, "The keeper's lawyer did not raise that objection.")
    assert _never_printed(models, "Many Harrow residents don't want that debate.")
    # The tagger reads a clause here ("lesson" its verb): still the verb's object.
    assert _never_printed(models, "Six ferry workers in Harrow learned that lesson the hard way.")
    text = "The harbour master said that divers found the anchor on Tuesday."
    assert text in _printable(models, text)


def test_a_cut_leaves_neither_a_bare_participle_nor_a_bare_passive(models):
    """ "formerly known as the Lark Ferry Company" goes whole; "is based in Harrow" keeps its
    place, or the sentence is not cut at all."""
    text = (
        "The Harrow Ferry Trust, formerly known as the Lark Ferry Company, runs four boats "
        "across the estuary."
    )
    assert _cut(models, text, ["the Lark Ferry Company"]) == (
        "The Harrow Ferry Trust runs four boats across the estuary."
    )
    text = "The Harrow Ferry Trust is based in Kessling and has about 300 members."
    shorter = _cut(models, text, ["Kessling"])
    assert shorter is None or "based in Kessling" in shorter


def test_a_time_before_a_clause_is_not_split_off_as_a_claim(models):
    """ "..., and a day before the board is expected to vote ..." is no claim alone."""
    text = (
        "The rare step by the ferry panel comes as Harrow councillors are turning up the heat on "
        "the operator, and a day before Chairman Tomas Varn and the harbour board are expected "
        "to vote to fine the company."
    )
    assert not any(w.startswith("A day before") for c in _wordings(models, text) for w in c)


def test_an_it_standing_for_a_thing_named_before_points_back(models):
    """ "For about a year it sailed without a licence": what, the sentence before told. An "it"
    that holds its clause ("it was announced that ...") does not point."""
    assert _never_printed(models, "For about a year it sailed without a licence from Harrow.")
    text = "In March it was announced that the Harrow ferry would stop running."
    assert text in _printable(models, text)


def test_a_list_items_number_comes_off(models):
    """ "Fourth, the operator misled ..." is one item of a list the digest does not print."""
    text = "Fourth, the ferry operator misled passengers about the cause of the delay."
    assert "The ferry operator misled passengers about the cause of the delay." in _printable(
        models, text
    )
    text = "First Minister Ada Lens opened the new bridge at Harrow on Monday."
    assert text in _printable(models, text)


def test_a_cut_leaves_no_comma_between_subject_and_verb(models):
    text = (
        'A statement released by the Port Authority of Kessling, said the pier "was never at risk."'
    )
    assert _cut(models, text, ["the Port Authority of Kessling"]) == (
        'A statement said the pier "was never at risk."'
    )


def test_what_a_colon_opens_after_a_second_clause_stays_with_it(models):
    text = (
        "Mira Sol introduced the song and also offered words of hope: "
        '"As long as you keep going, the morning will come through the fog."'
    )
    for wording in _printable(models, text):
        assert not wording.startswith("Mira Sol introduced the song:"), wording
        assert not wording.endswith(" ."), wording


def test_a_cut_before_a_stray_closing_mark_ends_on_a_clean_full_stop(models):
    from summarizer.fuse._render import render
    from summarizer.nlp import parse

    text = 'Mira Sol offered words of hope: "Keep going."'
    (doc,) = parse([text], model=models.models.spacy_model)
    keep = [t.i < 6 or t.i == len(doc) - 1 for t in doc]  # the clause and the closing mark
    assert render(doc, keep, {}) == "Mira Sol offered words of hope."


def test_a_passive_report_of_its_subject_is_a_claim(models):
    """'X has been confirmed as Y' says what was confirmed; 'It was reported on Monday' does not."""
    text = (
        "A field near a Harrow farm has been confirmed by surveyors as the landing place of "
        "the first Kessling ferry."
    )
    assert text in _printable(models, text)
    assert _never_printed(models, "It was reported on Monday.")


def test_the_clause_said_may_hang_on_the_noun_before_it(models):
    """The parser may attach 'that ...' to 'a statement'; the sentence still says something."""
    text = (
        "The harbour office said in a statement that the plan for the old pier would be "
        "shown to the public at a meeting on Monday."
    )
    assert _printable(models, text)


def test_a_past_tense_read_as_a_participle_is_still_a_verb(models):
    """'A sell-off accelerated Monday ...': the tagger's VBN with its own subject is finite."""
    text = (
        "A ferry share sell-off accelerated Monday with the Harrow index falling nearly "
        "900 points at one stage in morning trading."
    )
    assert text in _printable(models, text)
    # ... but not a participle set apart from its noun: that is still a fragment.
    assert _never_printed(
        models, "In one of the cellars, a pile of crates, still completely sealed with wax."
    )


def test_a_coordinated_clause_loses_its_opening_link(models):
    """'..., but first, the lingerie will be sold ...' alone is 'The lingerie will be sold ...'."""
    text = (
        "Ada Quist wants to expand the brand into swimsuits, but first, the lingerie will be "
        "sold in more stores in Harrow later this year."
    )
    printable = _printable(models, text)
    assert "The lingerie will be sold in more stores in Harrow later this year." in printable
    assert not any(w.startswith("First") for w in printable)


def test_instead_of_and_a_sentences_own_contrast_do_not_point_back():
    assert not dangling_opener("Instead of stopping, the driver of the van drove on.")
    assert dangling_opener("Instead, the council voted to close the pier.")
    assert not dangling_opener(
        "The update was meant to fix a battery drain, but some users see the same issue."
    )
    assert dangling_opener("Fortunately, the ferry and its crew did not suffer the same fate.")


def test_a_commenters_exclamation_is_no_report(models):
    """A forum post an outlet quotes ("Wow, can't even ...") is never a digest's line."""
    assert _never_printed(models, "Wow, can't even download apps on the new Harrow update.")


def test_that_as_an_object_points_back(models):
    """'Ada Quist, his friend, described that as ...': that what, the sentence before told."""
    assert _never_printed(models, 'Ada Quist, his friend, described that as "unusual behavior."')
    assert _printable(models, "Police in Harrow said that as many as 30 people were hurt.")


def test_a_list_read_as_an_appositive_stays_with_its_plural_verb(models):
    """'a quay, a lock and a canal ... were built': no wording says 'A quay were built'."""
    text = (
        "Ada Quist said that a quay, a lock and a canal, known as the Cut of Harrow, "
        "that carried boats from the upland mills, were also built when Tomas Varn was in "
        "charge of Harrow."
    )
    printable = _printable(models, text)
    assert printable
    for wording in printable:
        assert "a lock and a canal" in wording, wording


def test_no_wording_opens_on_a_title_cut_loose(models):
    """'..., writes Ada Quist in her book Why Ferries Sink?, may have been ...' is never cut
    to 'Why Ferries Sink?, may have been ...'."""
    text = (
        "The Harrow survey, writes historian Ada Quist in her book Why Do Ferries Sink?, may "
        "have been the first count of wrecks on the coast."
    )
    assert not any("?," in w for w in _printable(models, text))


def test_a_notes_line_without_its_subject_is_no_claim(models):
    """'Spoke to a union official on May 3 who ...' is a line of notes: who spoke, it never says."""
    assert _never_printed(
        models,
        "Spoke to a union official on May 3, 2008 who received a phone message from Ada Quist "
        "that evening.",
    )
    text = "Founded in 1990, the Harrow company makes ferry engines for the whole coast."
    assert text in _printable(models, text)


def test_a_sentence_set_in_brackets_loses_them(models):
    """'(Ada Quist will pick a new harbour master.)' is printed as the sentence it is."""
    text = "(Ada Quist will pick a new harbour master for Harrow before the winter.)"
    assert "Ada Quist will pick a new harbour master for Harrow before the winter." in (
        _printable(models, text)
    )


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ('"No one wants to talk honestly" about the ferry fares in Harrow.', False),
        ("“Are You Ready for Harrow?” song just for the sheer campiness factor.", False),
        ('"We will win the Harrow seat," Ada Quist said on Monday.', True),
        ('"Tide Song" stayed in the lower reaches of the Harrow chart for 10 weeks.', True),
    ],
)
def test_a_quotation_and_a_remnant_without_a_verb_is_no_claim(models, text, printed):
    """What follows a quotation must tell who spoke or say something itself."""
    assert (text in _printable(models, text)) is printed


@pytest.mark.parametrize(
    ("text", "told"),
    [
        (
            "Inspector Ada Quill said her crews had reached the barge.",
            {"crews", "reached", "barge"},
        ),
        (
            # "600 tonnes" is a number the verifier checks on its own.
            "The barge held 600 tonnes of wheat, the river police said.",
            {"barge", "held", "wheat"},
        ),
        ("Officials said on Friday that the lock would reopen.", {"lock", "reopen"}),
        # No one's words are reported: nothing to hold apart from the speaker.
        ("The barge sank in the Lark River on Friday.", set()),
        # The main verb is "attended": "said" is a second verb of the sentence, not its report.
        ("Mayor Ines Hald attended the race and said the river was safe.", set()),
    ],
)
def test_told_words_are_what_the_speaker_said(models, text, told):
    """What a speaker is reported to have said, without the speaker: a cut of it must still be
    in each newly cited outlet (`Selector._prune_once`)."""
    (claim, *_) = _read(models, text)
    assert claim.told_words(claim.wordings[0]) == told


@pytest.mark.parametrize(
    ("text", "elided"),
    [
        ("The Harrow council would not.", True),
        ("Most Harrow ferry captains did.", True),
        ("The Harrow ferry crews have.", True),
        ("The Harrow pier might not be.", True),
        ("The Harrow jury is out.", False),
        ("The Harrow ferry was 91 years old.", False),
        ("The Harrow council did the work.", False),
    ],
)
def test_a_verb_standing_for_a_verb_phrase_left_out_points_back(models, text, elided):
    """'Others were not.': were not what, the sentence before told."""
    assert _never_printed(models, text) is elided


def test_a_clause_whose_verb_phrase_the_other_gave_never_reads_on(models):
    """'..., but a third ferry may not be': alone, 'A third ferry may not be.' says nothing,
    and no sentence before it brings back what it leaves out."""
    text = (
        "One more ferry is welcome in Harrow, harbour officials say, but a third ferry may not be."
    )
    claims = _read(models, text)
    elided = [w for c in claims for w in c.wordings if w.text.startswith("A third")]
    assert elided
    assert all(w.dangling and not w.reads_on for w in elided)
    assert "One more ferry is welcome in Harrow, harbour officials say." in _printable(models, text)


def test_a_clause_counting_what_the_other_clause_names_points_back(models):
    """'...; Lind is charged with three': three what, only the other clause tells."""
    text = (
        "Tomas Varn, 52, is charged with five counts of fraud; Ines Lind, 41, is charged "
        "with three."
    )
    claims = _read(models, text)
    alone = [w for c in claims for w in c.wordings if w.text.startswith("Ines Lind")]
    assert alone
    assert all(w.dangling and w.reads_on for w in alone)
    assert "Tomas Varn is charged with five counts of fraud." in _printable(models, text)
    assert not _never_printed(models, "Ines Lind won the Harrow ferry race by three.")


def test_a_tail_attribution_whose_speaker_has_a_clause_of_its_own_comes_off(models):
    """ ", one of the divers who reached the wreck said on Monday": the clause saying who the
    speaker is has a verb of its own, and the tail is still only attribution."""
    text = (
        "The bell of the Kessling ferry has been left on the seabed out of respect, one of the "
        "divers who reached the wreck said on Monday."
    )
    (claim,) = _wordings(models, text)
    assert "The bell of the Kessling ferry has been left on the seabed out of respect." in claim
    # A tail whose own verb is no verb of saying is no attribution.
    kept = "The bell was raised at dawn, and the divers who reached it rested on the quay."
    assert all("rested on the quay" in w for c in _wordings(models, kept) for w in c)


def test_a_list_the_parser_reads_as_an_appositive_is_not_cut(models):
    """ "to become a pilot, a harpist, and a judge": the parser hangs the second item on the
    first as its appositive and the third under it; cutting that would leave only the first."""
    text = "The cousins are training to become a pilot, a harpist, and a judge of the high court."
    for claim in _wordings(models, text):
        assert all("a harpist, and a judge" in w for w in claim), claim


def test_a_wording_that_drops_who_spoke_or_who_one_is_says_so(models):
    """From one outlet alone, a wording cut of its speaker or of the role that says who a named
    person is would tell less than its sentence; a cut of another aside would not."""

    def flags(text):
        (claim, *_) = _read(models, text)
        return {w.text: w.drops_who for w in claim.wordings}

    said = flags("Varn said the recent harbour repairs were tied directly to the new levy.")
    assert said["The recent harbour repairs were tied directly to the new levy."]
    role = flags(
        '"We rebuilt the pier from the old plans," said Ada Quill, the engineer who led the work.'
    )
    assert role['"We rebuilt the pier from the old plans," said Ada Quill.']
    aside = flags("Two tugs and a pilot boat joined the search, which lasted nearly six hours.")
    assert not aside["Two tugs and a pilot boat joined the search."]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # What came of the clause is its news.
        (
            "The Harrow index closed at 4,120 points on Friday, meaning it is still up 30% "
            "since the new mayor took office.",
            "meaning it is still up 30%",
        ),
        (
            "Police say a Harrow harbour clerk who resigned this month was feuding with one of "
            "the ferry pilots, hiding his logbook in the tide office and sending him letters.",
            "hiding his logbook",
        ),
    ],
)
def test_a_participle_closing_its_sentence_stays(models, text, kept):
    """A participle is no aside: what came of the clause, or what the outlet adds to it."""
    for claim in _wordings(models, text):
        assert all(kept in w for w in claim), claim


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        # One person is no "they": the dogs it stands for were named in the sentence before.
        ("Varga says they range from a few weeks old to twelve years.", False),
        ("Officials said they found the dogs in a barn near Harrow.", True),
        ("The crew said they were safe and dry in the lifeboat.", True),
        ("Varn and Quill said they would sail for Kessling on Monday.", True),
    ],
)
def test_they_in_what_one_person_said_points_back(models, text, alone):
    assert bool(_printable(models, text)) is alone


def test_once_again_points_back_and_comes_off(models):
    (claim,) = _wordings(models, "Once again, the storm had no effect on the ferry timetable.")
    assert claim[0] == "The storm had no effect on the ferry timetable."


def test_a_clause_that_says_how_a_plan_goes_stays(models):
    # Cut, the plan says nothing: "Harrow had called for a 'two-step plan' for the ferry."
    text = (
        "Harrow had called for a “two-step plan” for the ferry, under which Kessling would pay "
        "for the crossings in return for Harrow dropping its harbour toll."
    )
    wordings = _every_wording(models, text)
    assert all("under which Kessling would pay" in w for w in wordings), wordings
    # Another aside still comes off.
    text = "Harrow had called for a ferry plan, which Kessling rejected on Monday."
    wordings = _every_wording(models, text)
    assert "Harrow had called for a ferry plan." in wordings, wordings


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        (
            "The Harrow ferry council, which meets every month, described the old stone pier at "
            "Kessling as a danger to the boats and called for it to be broken up in the summer.",
            "The Harrow ferry council called for the old stone pier to be broken up in the summer.",
        ),
        (
            "The Harrow ferry council bought two new ferries from a yard in Kessling in May and "
            "sold them to the town of Varn Bay in June.",
            "The Harrow ferry council sold the two new ferries to the town of Varn Bay in June.",
        ),
        # An "it" that stands for no object keeps its place.
        (
            "The Harrow ferry council read the long report on the old stone pier on Monday and "
            "made it clear that no ferry would sail before the summer.",
            "The Harrow ferry council made it clear that no ferry would sail before the summer.",
        ),
    ],
)
def test_a_clause_cut_from_its_object_names_what_its_pronoun_stands_for(models, text, clause):
    """ "... described the pier as a danger and called for it to be broken up": alone, the
    second clause says what "it" is."""
    wordings = _every_wording(models, text)
    assert clause in wordings, wordings
    assert not any("for it to be" in w and "described" not in w for w in wordings)


def test_a_date_cut_from_a_part_of_the_day_takes_the_part_of_the_day(models):
    """'on the evening of Nov. 23' goes whole: 'on the evening' alone names no evening."""
    text = (
        "Tomas Varn shot Ada Quist in the car park of the Harrow ferry terminal on the evening "
        "of Nov. 23, 2012."
    )
    (claim,) = _read(models, text)
    shorter = claim.without(claim.wordings[0], ["Nov. 23, 2012"])
    assert shorter is not None
    assert shorter.text == "Tomas Varn shot Ada Quist in the car park of the Harrow ferry terminal."


@pytest.mark.parametrize("surname", ["Quist", "Marlow"])  # the tagger misses "Marlow" alone
def test_a_pronoun_stands_for_the_name_outside_brackets(models, surname):
    """After "Quist (real name Harald Quist) had ...", "His bandmate" is Quist's, not Harald
    Quist's: the digest named him as Dev Quist."""
    before = [
        f"Harrow singer Dev {surname} died on Wednesday, his label said.",
        f"{surname} (real name Harold {surname}) had sung with the Harrow choir since 2009.",
    ]
    (claim,) = _wordings(models, "His bandmate Ole Brandt announced the news in a video.", before)
    assert claim[0] == f"{surname}'s bandmate Ole Brandt announced the news in a video."


def test_head_attribution_stays_when_the_reported_clause_has_no_subject(models):
    """A misparse can make the reported clause's subject the verb's object: cut, it reads
    "Aren't safe enough to use." The parse here is written out as the tagger gave it for such
    a sentence."""
    from summarizer.fuse._attribution import drop_head_attribution

    words = ["The", "board", "said", "the", "piers", "–", "Nine", "–", "are", "unsafe", "."]
    heads = [1, 2, 2, 4, 2, 4, 4, 2, 2, 8, 2]
    deps = ["det", "nsubj", "ROOT", "det", "dobj", "punct", "appos", "punct", "ccomp",
            "acomp", "punct"]  # fmt: skip
    doc = _hand_parsed(models, words, heads, deps)
    keep = [True] * len(doc)
    drop_head_attribution(doc, keep)
    assert all(keep)


def test_head_attribution_takes_its_that_when_the_tagger_reads_an_adverb(models):
    """ "announced that Pip the dog was found": the tagger gave "that" as an adverb of "found";
    cut of "The board announced", the wording must not open on "That Pip". The parse is written
    out as the tagger gave it for such a sentence."""
    from summarizer.fuse._attribution import drop_head_attribution

    words = ["The", "board", "announced", "that", "Pip", "the", "dog", "was", "found", "."]
    heads = [1, 2, 2, 8, 8, 6, 4, 8, 2, 2]
    deps = ["det", "nsubj", "ROOT", "advmod", "nsubjpass", "det", "appos", "auxpass",
            "ccomp", "punct"]  # fmt: skip
    doc = _hand_parsed(models, words, heads, deps)
    keep = [True] * len(doc)
    drop_head_attribution(doc, keep)
    assert [t.text for t in doc if keep[t.i]] == ["Pip", "the", "dog", "was", "found", "."]


def test_a_speaker_breaking_into_a_statement_is_named_or_it_is_not_printed(models):
    """ "Traffic, she said, is back ..." after a sentence naming her names her; alone, never."""
    text = "Traffic, she said, is back to where it was before the storm."
    before = ["The harbour master, Ines Hald, spoke to reporters on Monday."]
    assert _wordings(models, text, before) == [
        ["Traffic, Ines Hald said, is back to where it was before the storm."]
    ]
    assert _never_printed(models, text)


def test_no_wording_keeps_a_verb_whose_subject_it_cut(models):
    """A misparse may read a clause's subject as an aside ("..., the trend – another big user –
    was clear"); cut, it would leave "Despite the rise was clear." The parse is written out as
    the tagger gave it for such a sentence."""
    from summarizer.fuse._fragments import subject_cut

    words = ["Varn", "said", "the", "trend", "–", "a", "user", "–", "was", "clear", "."]
    heads = [1, 1, 3, 1, 6, 6, 8, 6, 1, 8, 1]
    deps = ["nsubj", "ROOT", "det", "dobj", "punct", "det", "nsubj", "punct", "ccomp",
            "acomp", "punct"]  # fmt: skip
    doc = _hand_parsed(models, words, heads, deps)
    whole = [True] * len(doc)
    assert not subject_cut(doc, whole, whole)
    aside_cut = [not 4 <= i <= 7 for i in range(len(doc))]
    assert subject_cut(doc, whole, aside_cut)


def test_half_a_name_is_no_one_to_put_in(models):
    """The tagger may read "von der Quist" as the person "von der" and the place "Quist"; the
    "she" after it is then left unnamed, not printed as "von der said". The parse is written
    out as the tagger gave it for such a sentence."""
    from spacy.tokens import Span

    from summarizer.fuse._speakers import _one_person

    words = ["“", "We", "will", "rebuild", ",", "”", "von", "der", "Quist", "said", "."]
    heads = [3, 3, 3, 9, 9, 9, 7, 8, 9, 9, 9]
    deps = ["punct", "nsubj", "aux", "ccomp", "punct", "punct", "compound", "compound",
            "nsubj", "ROOT", "punct"]  # fmt: skip
    pos = ["PUNCT", "PRON", "AUX", "VERB", "PUNCT", "PUNCT", "PROPN", "PROPN", "PROPN", "VERB",
           "PUNCT"]  # fmt: skip
    doc = _hand_parsed(models, words, heads, deps, pos)
    doc.ents = [Span(doc, 6, 8, label="PERSON"), Span(doc, 8, 9, label="GPE")]
    assert _one_person([doc.text], lambda text: doc) is None
    doc.ents = [Span(doc, 6, 9, label="PERSON")]
    assert _one_person([doc.text], lambda text: doc) == "von der Quist"


def test_a_title_put_in_for_a_pronoun_keeps_its_article(models):
    """ "She" after "the Queen opened the bridge" is "The Queen", not "Queen"."""
    before = ["In 1990, a year after the Queen opened the Harrow bridge, the town named a ferry."]
    text = "She sailed on the ferry every summer until 2001."
    assert _wordings(models, text, before) == [
        ["The Queen sailed on the ferry every summer until 2001."]
    ]


def test_a_predicate_after_another_subjects_verb_is_not_given_the_first_subject(models):
    """ "Harrow closed its schools as a gale drove waves ..., flooded the old town ...": the
    flood is the gale's, which the parser may hang on "closed"; split, it would read "Harrow
    flooded the old town"."""
    text = (
        "Harrow closed its schools on Monday as a fierce gale drove waves over the quay, flooded "
        "the old town and tore down power lines, cutting power to 9,000 homes."
    )
    wordings = _every_wording(models, text)
    assert not any(w.startswith("Harrow flooded") for w in wordings)


def test_a_closing_mark_goes_with_the_word_it_is_glued_to(models):
    """Cutting "when ... at the old Harrow Rollin’" leaves no "’" behind."""
    text = (
        "Years later, the couple found a happy ending, when Ines Hald and Tomas Varn were "
        "married at the old Harrow Rollin’."
    )
    wordings = _every_wording(models, text)
    assert "The couple found a happy ending." in wordings


def test_an_attribution_citing_its_sources_stays(models):
    """Cut of "The Courier reported", "citing council papers" would be no one's."""
    text = "The Courier reported Ines Hald was selling the quay, citing council papers."
    for claim in _wordings(models, text):
        assert all(w.startswith("The Courier") for w in claim)


def test_a_list_item_set_as_a_sentence_is_never_printed(models):
    """ "Ferry crews who sold the tickets." is a noun and its relative clause: no statement."""
    assert _never_printed(models, "Ferry crews who sold the tickets at the Harrow quay last year.")
    # ... nor is half a sentence, its only verb a subordinate clause's.
    assert _never_printed(models, "As for the harbour master, because the storm had just passed.")
    assert _printable(models, "The vote passed by seven votes to two after a three-hour debate.")


def test_a_split_clause_keeps_the_comma_before_its_aside(models):
    text = (
        "Retired ferry captain Ines Hald arrived in Harrow by train on Tuesday for a short "
        "stay, her third this year, but said she would not buy the old quay."
    )
    wordings = _every_wording(models, text)
    assert any(w.endswith("for a short stay, her third this year.") for w in wordings)
    assert not any("stay her third" in w for w in wordings)


def test_a_quotation_keeps_its_also_and_its_however(models):
    """What someone said is quoted as said: only the wording's own 'also' comes off."""
    text = (
        '"The dam is not just a wall of stone, but also a part of the history of Harrow, and it '
        'will, however, stand for another century," Tomas Varn said.'
    )
    wordings = _printable(models, text)
    assert wordings
    for wording in wordings:
        assert "but also a part" in wording
        assert "will, however, stand" in wording
    text = "Tomas Varn also said the dam would stand for another century."
    assert _printable(models, text)[0].startswith("Tomas Varn said the dam")


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        (
            "Now Ilse Morrow has been chosen to conduct the festival orchestra in Harrow.",
            "Ilse Morrow has been chosen to conduct",
        ),
        (
            "Now, across the valley there are farms left without water for a week.",
            "Across the valley there are farms",
        ),
        ("Obviously, the archive of the Harrow dam will keep growing.", "The archive of"),
        ("Unfortunately, the ferry to Kessling was cancelled on Friday.", "The ferry to"),
        ("In short, the Lark 2.0 brewer is no match for the first Lark.", "The Lark 2.0"),
        ("Thankfully, the crew of the Lark translated the sign into Fernish.", "The crew of"),
        ("Impressively, Judge Ines Hald quoted a ferry song in her ruling.", "Judge Ines Hald"),
        ("An instant later, Ilse Morrow was lying at the foot of the Harrow dam.", "Ilse Morrow"),
    ],
)
def test_an_opening_now_or_comment_comes_off(models, text, printed):
    """'Now' points back and the writer's own 'Obviously,' comments: they go."""
    wordings = _printable(models, text)
    assert wordings
    assert all(w.startswith(printed) for w in wordings)


def test_other_opening_a_sentence_points_back(models):
    """'Other towns have complained': other than the ones the sentence before named. Without
    its "Other" it would say more than its outlet did."""
    assert _never_printed(models, "Other towns on the river have complained about the quarry.")


@pytest.mark.parametrize(
    "text",
    [
        "Now 45, Ilse Morrow lives in a small house by the Harrow dam.",
        "Now that the dam is finished, the valley expects fewer floods.",
        "Other than the ferry, no boat reached Kessling on Friday.",
    ],
)
def test_an_opening_now_or_other_that_says_something_stays(models, text):
    """'Now 45', 'Now that ...' and 'Other than ...' are part of what the sentence says."""
    wordings = _printable(models, text)
    assert wordings
    assert any(w.startswith(text.split()[0]) for w in wordings)


def test_a_line_saying_only_that_someone_spoke_of_it_tells_nothing():
    """What the harbour master said, the page quotes next; the digest does not."""
    assert dangling_opener("Harbour master Ines Hald addressed the issue.")
    assert dangling_opener("Tomas Varn also weighed in on the controversy after the vote.")
    assert not dangling_opener("Ines Hald addressed the issue of the quay's rusted gates.")
    assert not dangling_opener("Tomas Varn responded to the criticism by resigning on Friday.")


def test_a_shell_noun_points_back():
    """Which problem or date, the sentence before told; "The problem with ..." says itself."""
    assert dangling_opener("The problem is not that the ferry is slow.")
    assert dangling_opener("The date was set for the Harrow council's cameras.")
    assert dangling_opener("The individual had sailed from Ashby on Monday.")
    assert not dangling_opener("The problem with the Harrow quay is its rusted gates.")
    assert not dangling_opener("The date of the vote was moved to Friday.")
    assert not dangling_opener("The question is whether the Harrow quay can reopen by May.")
    assert not dangling_opener("The problem is that the quay's gates have rusted through.")


def test_a_count_of_more_points_back():
    """More than those the sentence before counted; "more ferries" says what they add to, and
    "more than" than what."""
    assert dangling_opener("Several thousand more have come to Harrow under other rules.")
    assert dangling_opener("Two more were pulled from service on Friday.")
    assert not dangling_opener("Two more ferries were pulled from service on Friday.")
    assert not dangling_opener("Two more than last year were pulled from service.")
