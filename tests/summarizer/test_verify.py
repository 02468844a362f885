"""Verification: a source is cited only when it carries the sentence, names and numbers included."""

from __future__ import annotations

import pytest

from summarizer.nlp import get_embedder
from summarizer.verify import Verifier, entity_in_text, normalise_tokens, spelled_out

SOURCES = {
    1: [
        "The city council of Dunmore approved a new bridge on Tuesday.",
        "The bridge will cost $40 million and open in 2027, Mayor Ada Quill said.",
    ],
    2: [
        "Dunmore's council voted on Tuesday to build a bridge across the Lark River.",
        "Mayor Ada Quill said the $40 million bridge would open in 2027.",
    ],
    3: ["A record 9,000 visitors came to the Pellham orchard festival over the weekend."],
}


@pytest.mark.parametrize(
    ("entity", "text", "present"),
    [
        ("$40 million", "a 40 million dollars budget", True),
        ("5,000", "some 5000 people", True),
        ("the U.S.", "US officials said", True),
        ("three", "3 ships", True),
        ("21st", "the 21 of May", True),
        ("28", "Twenty-eight-year-old Mara Quend", True),
        ("75 years", "seventy five years after", True),
        ("28", "twenty or eight", False),
        ("Ada Quill", "Mayor Quill said", False),
        ("2027", "open in 2028", False),
        # One outlet keeps the marks on a name, another drops them.
        ("Lena Jürgensdóttir", "Lena Jurgensdottir said", True),
        ("Café Mirö", "at cafe miro", True),
        ("Jürgens", "Jörgens", False),
        # British "per cent", and a company's legal form one outlet leaves out.
        ("64 per cent", "spent 64% more", True),
        ("Harrow Ferries Inc.’s", "Harrow Ferries said", True),
    ],
)
def test_entity_in_text(entity, text, present):
    """Entities match across spelling variants of numbers and abbreviations, not across values."""
    assert entity_in_text(entity, set(normalise_tokens(text))) is present


def test_sentence_cites_every_source_that_carries_it(models):
    """A fact stated by two sources cites both, and not the unrelated one."""
    verifier = Verifier(models)
    cited = [c.source for c in verifier.check(SOURCES[2][1], SOURCES)]
    assert cited == [1, 2]


def test_a_name_spelt_without_its_accents_still_cites_the_source(models):
    """An outlet writing "Grönvik" for "Grönvík" carries the fact (a wire copy drops the marks)."""
    verifier = Verifier(models)
    sources = {
        1: ["Skier Tove Grönvík broke her collarbone in a training fall on Sunday."],
        2: ["Skier Tove Gronvik broke her collarbone in a training fall on Sunday, her team said."],
    }
    cited = [c.source for c in verifier.check(sources[1][0], sources)]
    assert cited == [1, 2]


def test_changed_number_loses_the_citation(models):
    """A similar sentence with a number no source has is cited by nobody."""
    verifier = Verifier(models)
    text = "Mayor Ada Quill said the $55 million bridge would open in 2027."
    assert verifier.check(text, SOURCES) == []


def test_unknown_name_loses_the_citation(models):
    """A name absent from a source removes that source."""
    verifier = Verifier(models)
    text = "Mayor Ada Quill and Governor Piet Brand said the bridge would open in 2027."
    assert verifier.check(text, SOURCES) == []


def test_check_many_matches_check(models):
    """Batched checking gives the same verdicts as one at a time."""
    verifier = Verifier(models)
    texts = [SOURCES[1][0], SOURCES[3][0]]
    batched = verifier.check_many(texts, SOURCES)
    assert [[c.source for c in cs] for cs in batched] == [
        [c.source for c in verifier.check(t, SOURCES)] for t in texts
    ]
    assert [c.source for c in batched[1]] == [3]


def test_prepared_texts_are_checked_without_embedding_again(models):
    """`prepare` embeds the texts and the source sentences their checks read, in one batch."""
    verifier = Verifier(models)
    embedder = get_embedder(models.models)
    sources = {
        1: ["The Harrow lighthouse was repainted white and red this spring."],
        2: ["Harrow's lighthouse reopened to visitors on Saturday after repairs."],
    }
    texts = ["Harrow's lighthouse was repainted this spring.", "The lighthouse reopened."]
    before = embedder.sentences_embedded
    verifier.prepare(texts, sources)
    assert embedder.sentences_embedded - before == 4
    prepared = embedder.sentences_embedded
    for text in texts:
        verifier.check(text, sources)
    assert embedder.sentences_embedded == prepared


def test_quotation_must_appear_word_for_word(models):
    """A quote attributed to the right person but absent from a source is not cited to it."""
    verifier = Verifier(models)
    sources = {
        1: ['Mayor Ada Quill said the bridge was "a promise kept to this town" on Tuesday.'],
        2: ["Mayor Ada Quill spoke to reporters about the bridge on Tuesday."],
    }
    text = 'Mayor Ada Quill said the bridge was "a promise kept to this town" on Tuesday.'
    assert [c.source for c in verifier.check(text, sources)] == [1]


def test_quotation_broken_by_its_speaker_is_still_word_for_word(models):
    """One outlet gives the captain's words whole; another breaks them with who said them."""
    verifier = Verifier(models)
    sources = {
        1: ['"The reef was not on our charts. We turned back at once," Captain Ines Hald said.'],
        2: [
            "The freighter returned to Port Anselm on Monday.",
            '"The reef was not on our charts," Captain Ines Hald told reporters. '
            '"We turned back at once."',
        ],
        3: ['"The reef was on our charts," Captain Ines Hald said. "We turned back at once."'],
    }
    text = '"The reef was not on our charts. We turned back at once," Captain Ines Hald said.'
    assert [c.source for c in verifier.check(text, sources)] == [1, 2]


def test_hedges_do_not_block_a_match():
    """'about 3:40 a.m.' and 'around 3:40 a.m.' state one time."""
    assert entity_in_text("about 3:40 a.m.", set(normalise_tokens("at around 3:40 a.m.")))


@pytest.mark.parametrize(
    ("entity", "text", "present"),
    [
        ("Chinese", "officials of China", True),
        ("North Korean", "North Korea's envoy", True),
        ("the United States", "U.S. officials", True),
        ("Japanese", "Japan said", True),
        ("Austrian", "Australia said", False),
    ],
)
def test_nationality_words_match_their_country(entity, text, present):
    """Demonyms and plural or adjective forms match their country; different countries don't."""
    assert entity_in_text(entity, set(normalise_tokens(text))) is present


def test_sharing_names_is_not_enough(models):
    """A source that names the same people but states something else is not cited."""
    verifier = Verifier(models)
    sources = {
        1: ["Mayor Ada Quill opened the Dunmore library on Tuesday after years of delays."],
        2: ["Mayor Ada Quill said on Tuesday that Dunmore would cut bus fares by half in spring."],
    }
    text = sources[1][0]
    assert [c.source for c in verifier.check(text, sources)] == [1]


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("The Pellham orchard festival drew some 9,000 visitors over a span of two days.", [1]),
        ("The Pellham orchard festival drew 9,000 visitors over three days.", []),
        ("The Pellham orchard festival drew 9,500 visitors over two days.", []),
    ],
)
def test_a_number_holds_by_its_value_and_unit_not_its_wording(models, text, cited):
    """'some 9,000 ... over a span of two days' is '9,000 ... in two days'; 'three days' is not."""
    verifier = Verifier(models)
    sources = {1: ["A record 9,000 visitors came to the Pellham orchard festival in two days."]}
    assert [c.source for c in verifier.check(text, sources)] == cited


@pytest.mark.parametrize(
    ("evidence", "cited"),
    [
        ("Varga was convicted on 12 counts of fraud and jailed on March 12, 2019, in Ostel.", [1]),
        ("Varga was convicted of fraud and jailed on March 12, 2019, in the city of Ostel.", []),
    ],
)
def test_a_count_holds_as_a_count_not_inside_a_date(models, evidence, cited):
    """'12 charges' is '12 counts'; the 12 of 'March 12' counts nothing."""
    verifier = Verifier(models)
    text = "Varga was convicted of 12 charges of fraud and jailed in Ostel."
    assert [c.source for c in verifier.check(text, {1: [evidence]})] == cited


def test_a_name_may_stand_in_the_next_sentence(models):
    """A name the evidence leaves to the next sentence still counts; numbers do not travel."""
    verifier = Verifier(models)
    source = {
        1: [
            "The Halvik harbour council voted on Monday to build a second ferry pier.",
            "Engineer Ilse Marr will lead the work, the council said.",
        ]
    }
    named = (
        "The Halvik harbour council voted on Monday to build a second ferry pier, "
        "which engineer Ilse Marr will lead."
    )
    assert [c.source for c in verifier.check(named, source)] == [1]
    counted = "The Halvik harbour council voted on Monday to build 3 ferry piers."
    assert verifier.check(counted, source) == []


@pytest.mark.parametrize(
    ("sentence", "evidence", "cited"),
    [
        # A month and its abbreviation.
        (
            "In August, the Harrow ferry failed its safety inspection.",
            "Inspectors found on Aug. 8 that the Harrow ferry failed its safety inspection.",
            True,
        ),
        # A person's middle initial may be left out; the surname alone is not the full name.
        (
            "Ferry captain Tomas R. Varn was asked to step down by the Harrow council.",
            "The Harrow council asked ferry captain Tomas Varn to step down.",
            True,
        ),
        (
            "Ferry captain R. Varn was asked to step down by the Harrow council.",
            "The Harrow council asked ferry captain Tomas Varn to step down.",
            False,
        ),
        # A name and its initials, either way round.
        (
            "The HFB said the Harrow ferry had failed its safety inspection.",
            "The Harrow Ferry Board said the Harrow ferry had failed its safety inspection.",
            True,
        ),
        (
            "The Harrow Ferry Board said the Harrow ferry had failed its safety inspection.",
            "The HFB said the Harrow ferry had failed its safety inspection.",
            True,
        ),
        (
            "The Harrow Ferry Board said the Harrow ferry had failed its safety inspection.",
            "The KPL said the Harrow ferry had failed its safety inspection.",
            False,
        ),
        (
            "The HFB's inspectors said the Harrow ferry had failed its safety inspection.",
            "Inspectors of the Harrow Ferry Board said the Harrow ferry had failed its safety "
            "inspection.",
            True,
        ),
        # A name's initials that spell a common word are no acronym of it.
        (
            "Otto Roan said the Harrow ferry would sail again on Friday.",
            "The Harrow ferry would sail again on Friday or Saturday, the council said.",
            False,
        ),
    ],
)
def test_a_name_holds_by_its_initials_and_without_a_middle_initial(
    models, sentence, evidence, cited
):
    verifier = Verifier(models)
    assert verifier.check_source(sentence, 1, [evidence]).verified is cited


def test_a_surname_holds_a_name_with_a_middle_initial_the_source_gives_in_full(models):
    """'Varn' in the evidence, 'Tomas Varn' elsewhere in the source: 'Tomas R. Varn' holds."""
    verifier = Verifier(models)
    source = [
        "Tomas Varn has captained the Harrow ferry since 2019.",
        "The ferry carries 40 cars and sails twice a day.",
        "Fares rose by a tenth last spring.",
        "The Harrow council asked ferry captain Varn to step down on Friday.",
    ]
    text = "The Harrow council asked ferry captain Tomas R. Varn to step down on Friday."
    assert verifier.check_source(text, 1, source).verified


def test_a_name_the_sentence_shortens_in_brackets_holds_by_its_short_form(models):
    """'The Northern Water Authority (NORWA)' is named by an outlet that writes only 'NORWA'."""
    verifier = Verifier(models)
    text = "The Northern Water Authority (NORWA) said 12 wells near Dunmore had run dry."
    evidence = ["NORWA said 12 wells near Dunmore had run dry."]
    assert verifier.check_source(text, 1, evidence).verified
    # The short form must be written as one: "who" is not the WHO.
    text = "The Wellfield Hydrology Office (WHO) said 12 wells near Dunmore had run dry."
    evidence = ["Farmers who said 12 wells near Dunmore had run dry were right."]
    assert not verifier.check_source(text, 1, evidence).verified


def test_names_beside_the_evidence_count_once_its_other_words_are_there(models):
    """A sentence that is mostly a name is carried by evidence that names it next door.

    The other words must be there too: the story's names alone carry nothing.
    """
    verifier = Verifier(models)
    source = [
        "The Lark Valley Rescue League has opened its stables to flood victims.",
        "Volunteers say 40 horses have been rescued from a flooded farm near Dunmore.",
    ]
    text = "The Lark Valley Rescue League has come to the aid of 40 horses."
    assert verifier.check_source(text, 1, source).verified
    text = "The Lark Valley Rescue League has come to the aid of 40 horses hurt by a crane."
    source = [
        "The Lark Valley Rescue League has opened its stables to flood victims.",
        "Volunteers say 40 sheep were lost near Dunmore.",
    ]
    assert not verifier.check_source(text, 1, source).verified


def test_a_long_sentence_is_read_where_it_holds_the_claim(models):
    """A claim inside a long quotation about much else is carried by the quotation."""
    verifier = Verifier(models)
    text = "Captain Tomas Varn was taken to hospital with a broken wrist after a fall on deck."
    evidence = (
        '"This season we have carried more passengers than ever, opened a new route to the outer '
        "islands, replaced two engines and painted every hull in the fleet, and we thank our "
        "crews for it; sadly Tomas Varn was taken to hospital with a broken wrist after a fall on "
        "deck, so the winter timetable starts early, fares stay as they are and the Dunmore quay "
        'café reopens in March," the Halvik Ferry Company said in its yearly letter.'
    )
    assert verifier.check_source(text, 1, [evidence, "The ferry sails twice a day."]).verified
    # A short claim is not read that way: a few words embed close to any sentence with them.
    text = "Tomas Varn broke a wrist."
    assert not verifier.check_source(text, 1, [evidence]).verified


def test_of_near_sentences_that_verify_the_one_holding_most_of_the_claim_is_its_evidence(models):
    """ "A puppy died when its basket plunged down a lift shaft" is a little closer in embedding
    space, but the sentence saying the basket landed on the car is what carries the claim."""
    verifier = Verifier(models)
    sentences = [
        "A puppy died on Friday when its basket plunged down an empty lift shaft.",
        "When the doors opened, the owner stepped forward and the basket fell down the shaft and "
        "landed on top of the lift car, which was stuck between floors, police said.",
        "Nobody else was hurt.",
    ]
    check = verifier.check_source(
        "The puppy and its basket landed on top of the lift car.", 2, sentences
    )
    assert check.verified
    assert check.evidence == sentences[1]


@pytest.mark.parametrize(
    ("text", "acronym", "name"),
    [
        ("according to the valley's official Harrow Ferry Board.", "HFB", "Harrow Ferry Board"),
        ("The Department of Harbours said on Monday.", "DOH", "Department of Harbours"),
        ("The Department of Harbours said on Monday.", "DH", "Department of Harbours"),
        ("The Harrow Ferry Board met on Monday.", "KFB", None),
    ],
)
def test_an_acronym_is_spelled_out_by_the_name_whose_initials_it_takes(text, acronym, name):
    assert spelled_out(text, acronym) == name


def test_a_short_claim_inside_a_longer_sentence_holding_all_its_words_is_carried(models):
    """The longer sentence's other words pull it away in embedding space, not in meaning."""
    verifier = Verifier(models)
    evidence = (
        "Fishermen who have worked in Halvik for decades said the harbour wall, nearly a metre "
        "wide, had stood through every winter storm since it was built."
    )
    assert verifier.check_source(
        "The harbour wall was nearly a metre wide.", 1, [evidence]
    ).verified
    # One word it lacks, and the claim may say something else.
    assert not verifier.check_source(
        "The harbour wall was nearly a metre high.", 1, [evidence]
    ).verified
