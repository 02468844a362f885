"""Cleaning scraped text: junk lines go, every body paragraph stays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summarizer.clean import clean_text, is_junk_line

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "seeds"


@pytest.mark.parametrize(
    "line",
    [
        "Icon FacebookIcon LinkedinIcon Mail",
        "ArrowArtboardCreated with Sketch.Title ChevronTitle Chevron",
        "Share on Facebook",
        "Share this story",
        "Copy link",
        "Facebook Twitter Email",
        "Follow us on Instagram",
        "Connect with us",
        "Subscribe to our newsletter for the latest updates.",
        "Download our app for the latest breaking news, alerts and more.",
        "Discover the all new Daily Planet app",
        "Sign up for our morning briefing",
        "** A message from the Harrow Ferry Company: Ferries keep Harrow moving every day. "
        "Their 40 crews carry 9,000 people a week, and every one of them counts on the ferry "
        "to get to work, to school and home again: keep the Harrow ferry sailing.",
        "Paid for by the Friends of the Harrow Ferry",
        "How relevant is this ad to you?",
        "👋 Hello everyone, this is the Harrow Courier's morning letter.",
        "Tell us what went wrong: The video player was slow to load the clip Sound on the "
        "page stopped The audio on ad was too loud The page froze before the ferry report "
        "Something else went wrong",
        "Find out more",
        "© Reuters",
        "© 2025 The Harbor Herald. All rights reserved.",
        "(Photo: Lena Morrow / Reuters)",
        "Photo: AFP",
        "File photo / Getty Images",
        "Firefighters at the scene on Monday.   © AP",
        "Rescuers carry a survivor from the rubble on Tuesday. Reuters",
        "The harbour master visits the quay on Wednesday. Ada Lens/AFP/Getty Images/File",
        "MARROWBY POINT",
        "TOKYO (Kyodo) --",
        "March 4, 2025 10:02 GMT",
        "Updated 7:45 AM ET, Thu March 6, 2025",
        "Published: 2025-03-04",
        "3 hours ago",
        "5 min read",
        "By Ines Calloway",
        "By Rafael Osterholm | Valley Wire | Tuesday, March 4, 2025",
        "Reporting by Jo Bell; Editing by Sam Ruiz",
        "google news",
        "Advertisement",
        "Skip to main content",
        "Read more",
        "https://example.com/story/123",
        "| • |",
    ],
)
def test_junk_lines(line):
    """Web furniture is recognised as junk."""
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Download speeds will double next year, the regulator said.",
        "By Tuesday, the coast guard had finished the search.",
        "Follow the money, she told us.",
        "Share prices fell 4% in early trading on Monday.",
        "Photographs taken by the drone showed damage to the roof.",
        "March was the wettest month on record in the region, with 212 mm of rain.",
        "The app was downloaded 3 million times in its first week, the company said.",
        "Reuters reported that the talks had stalled.",
        "The figures were first reported by Reuters",
        "Google News and Apple News both carried the report on their front pages.",
        "I said no.",
        "NATO and EU officials met in Brussels on Monday.",
        "Subscribers to the service will pay 9 euros a month from June, the company said.",
        "Rail strike halts trains across Wendmoor for a second day",
    ],
)
def test_body_lines(line):
    """News sentences that share words with junk are kept."""
    assert not is_junk_line(line)
    assert clean_text(line) == line


CASES = {
    "scraped-junk.txt": [
        "Rail strike halts trains across Wendmoor for a second day",
        "Commuter trains across Wendmoor stood idle for a second day on Thursday as 4,300 signal "
        "workers kept up their strike over pay.",
        "The Wendmoor Rail Union said talks with the operator, Northline Rail, broke down late on "
        "Wednesday after the company offered a 3.5% raise over two years.",
        "Passengers crowded onto buses and ferries, and traffic on the ring road was at a "
        "standstill by 7 a.m., the city's transport office said.",
        '"We are not asking for the moon," union secretary Beth Ogunleye told reporters outside '
        'the depot. "We are asking to keep up with rents."',
        "Northline Rail said it would return to the table on Monday.",
    ],
    "scraped-related-mid.txt": [
        "Library fines abolished in Orrin County",
        "Orrin County libraries will stop charging late fees from April 1, the county board "
        "decided on Tuesday in a 5-2 vote.",
        "The board said fines brought in only about 18,000 dollars a year while keeping many "
        "families away from the shelves, and that staff spent hours chasing small debts.",
        "Board member Ida Brennecke, who voted against, said the county would lose an incentive "
        "for borrowers to return books on time.",
    ],
    "hard-wrapped.txt": [
        "Glacier lake drains overnight in the Tessaly range",
        "A glacial lake high in the Tessaly range drained almost completely overnight on Sunday, "
        "sending a surge of meltwater down the valley and forcing 120 residents of two villages "
        "to leave their homes for a night, regional officials said on Monday.",
        "Hydrologist Marta Kovanen said the lake had lost about 2 million cubic metres of water "
        "in less than nine hours.",
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixtures(name):
    """Each fixture cleans to exactly its body paragraphs (title line included)."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert clean_text(text).split("\n\n") == CASES[name]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("\n\n  \n", ""),
        ("One line.\r\nTwo line.", "One line.\n\nTwo line."),
        ("A\u00a0spaced\u200b word here.", "A spaced word here."),
        ("• A bulleted point that is a sentence.", "A bulleted point that is a sentence."),
        ("Same sentence here.\n\nSame  sentence here.", "Same sentence here."),
        ("T \n \n he ferry sailed at noon.", "The ferry sailed at noon."),
        (
            "Ferry news\nW\nhen the tide turned, it sailed.",
            "Ferry news\n\nWhen the tide turned, it sailed.",
        ),
        ("Plan B\n\nB\n\nBoats wait.", "Plan B\n\nB\n\nBoats wait."),
    ],
)
def test_normalisation(text, expected):
    """Whitespace, invisible characters, bullets and repeats are normalised."""
    assert clean_text(text) == expected


def test_light_mode_keeps_structure():
    """Light mode drops labels and promos but neither unwraps lines nor cuts at markers."""
    text = "Share\nThe council met on Monday and\napproved the plan.\nRead more\nIt passed 7-2."
    assert clean_text(text, light=True).split("\n\n") == [
        "The council met on Monday and",
        "approved the plan.",
        "It passed 7-2.",
    ]


def test_rejects_bytes():
    """Wrong types fail at once."""
    with pytest.raises(TypeError):
        clean_text(b"bytes")  # type: ignore[arg-type]


# What a seed's junk looks like, as patterns: no seed text is repeated here.
SEED_JUNK = [
    r"Created with Sketch",
    r"Icon[A-Z]",
    r"©",
    r"(?i)^google news$",
    r"(?i)\bsponsored\b",
    r"(?i)\bapp\b",
    r"(?i)connect with us",
]
# A sponsored block marks the end of the article: nothing after it is body.
SEED_TAIL = re.compile(r"(?i)^\s*sponsored content\s*$")


def _seed_lines(text: str) -> tuple[list[str], list[str]]:
    """(body lines, title-like lines before the body) by shape, not by content."""
    body: list[str] = []
    heads: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if SEED_TAIL.match(line):
            break
        if not line or any(re.search(p, line) for p in SEED_JUNK):
            continue
        if re.search(r"[.!?\"”]$", line) and len(line.split()) >= 8:
            body.append(line)
        elif not body and len(line.split()) <= 12 and "with us" not in line.lower():
            heads.append(line)
    return list(dict.fromkeys(body)), heads


@pytest.mark.parametrize("name", ["000_73e976132b44205e.txt", "004_e8f62fc9c478178d.txt"])
def test_seed_articles(name):
    """Every body paragraph of the real seeds survives once, in order; no junk survives."""
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (see ../shared/data/README.md)")
    text = path.read_text(encoding="utf-8")
    body, heads = _seed_lines(text)
    assert len(body) >= 10
    out = clean_text(text).split("\n\n")
    for para in out:
        assert not any(re.search(p, para) for p in SEED_JUNK), para
    # Each body line survives once, at most losing a leading dateline ('CITY (Agency) -- ').
    matched = []
    for line in body:
        hits = [p for p in out if p in line and len(p) >= 0.85 * len(line)]
        assert len(hits) == 1, line
        matched.append(out.index(hits[0]))
    assert matched == sorted(matched)
    # The rest are the headline lines above the body, nothing else.
    rest = [p for i, p in enumerate(out) if i not in matched]
    assert rest == [h for h in heads if h in rest]
    assert len(out) == len(body) + len(rest)
    assert all(len(p.split()) <= 12 for p in rest)


def test_video_player_label_comes_off_the_caption_it_is_glued_to():
    text = "CLOSE The Brannock Dam spillway failed on Sunday, flooding two villages.\n"
    assert clean_text(text).startswith("The Brannock Dam spillway failed")
    # A real sentence that opens with a capitalised word stays whole.
    text = "WATCHMEN at the Brannock Dam saw the spillway fail on Sunday morning.\n"
    assert clean_text(text).startswith("WATCHMEN at the Brannock Dam")
    text = "Skip in Skip x Embed x Share The Brannock Dam spillway failed on Sunday.\n"
    assert clean_text(text).startswith("The Brannock Dam spillway failed")


def test_picture_label_comes_off_the_paragraph_it_is_glued_to():
    text = "Image The authority's spokeswoman, Ada Quill, said the gate had failed.\n"
    assert clean_text(text).startswith("The authority's spokeswoman")
    for text in ("Image quality at the dam's cameras was poor.", "Image Comics printed the map."):
        assert clean_text(text) == text
    text = "Analysis There had been talk for weeks of how the two mayors would meet.\n"
    assert clean_text(text).startswith("There had been talk")
    text = "Commentary Once the ferry runs on time, the town can stop complaining about it.\n"
    assert clean_text(text).startswith("Once the ferry runs")


@pytest.mark.parametrize(
    "line",
    [
        "You can clear your Tweet location history at any time.",
        "Add this Tweet to your website by copying the code below.",
        "Fill in the short form under this line to join our mailing list.",
        # An embedded post: its text ends in the author's handle and the date.
        "Sad day for the valley. Rest easy, old friend. — Wren Halloway (@wrenh) March 3, 2021",
        "Still can't believe it A post shared by Tarn Ollis (@tarnollis) on Mar 3, 2021 at "
        "9:15am PST",
    ],
)
def test_embedded_widget_and_mailing_list_lines_are_junk(line):
    assert is_junk_line(line)


def test_a_caption_behind_its_gallery_buttons_is_junk():
    line = (
        "Enlarge Image Close Harrow Photo Agency The Harrow ferry, fighting to win back its "
        "passengers after a year of strikes, has cut its fares. Above, the quay at Harrow."
    )
    assert is_junk_line(line)
    assert not is_junk_line("Enlarge the image to see the quay, the captain told the crew.")


def test_a_caption_told_twice_is_junk():
    """Alt text and caption, the credit glued to the first copy and repeated after both."""
    line = (
        "Harrow Photo Agency Kessling, the ferry's old tender, was towed to the breakers. "
        "Kessling, the ferry's old tender, was towed to the breakers. (Harrow Photo Agency)"
    )
    assert is_junk_line(line)
    # A short line said twice is an outlet's emphasis, and two sentences are two.
    assert not is_junk_line("The ferry sank. The ferry sank. It was a sad day for all Harrow.")
    assert not is_junk_line(
        "The Kessling ran aground off Harrow Point on Monday. All twelve crew were rescued."
    )


def test_a_caption_block_ending_in_its_photo_credit_is_junk():
    # Section label, headline, standfirst and caption run together, then the credit.
    line = (
        "Harbours Keeper says he was 'only following the tide tables' in flood, report finds "
        "'I did not open the gates and do not feel myself to blame,' writes the keeper in a "
        "letter now made public Tomas Varn's appeal to the council was refused and he resigned "
        "two days later. Photograph: Ada Lens/Portmere Gazette"
    )
    assert is_junk_line(line)
    assert not is_junk_line("The keeper said the photo: was taken before the flood.")


@pytest.mark.parametrize(
    "line",
    [
        "This story has been corrected to show the keeper lived in Ashby, not Ashford.",
        "Editor's note: This article was amended on 9 June to correct the ferry's name.",
        "Correction, 3 May: This story has been updated to include the council's response.",
        "Update: The post has been updated with comments from the harbour office.",
        "This piece was first published under the title A Lamp for Ashby.",
        "Staff writer Ada Lens in Harrow contributed to this report.",
        "This transcript is machine generated, so mistakes are possible.",
        "Expect small differences between the audio and the transcript.",
        "Ada Lens covers the harbour for the Courier. Reach her at ada@courier.example.",
    ],
)
def test_a_pages_note_on_its_own_making_is_junk(line):
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The report was updated by the council in March to include the new figures.",
        "The story has been told in the village for generations.",
    ],
)
def test_a_report_someone_updated_is_no_editors_note(line):
    assert not is_junk_line(line)


def test_a_handle_inside_a_sentence_is_no_embedded_post():
    assert not is_junk_line("The singer (@wrenh) wrote on March 3, 2021 that the tour was off.")


def test_ampersand_entity_leftover_comes_off():
    text = "Her mother sang in the R&B; group The Larkspurs, and AT&T; sponsored the tour."
    assert clean_text(text) == (
        "Her mother sang in the R&B group The Larkspurs, and AT&T sponsored the tour."
    )


def test_a_closing_quote_read_as_the_replacement_character_is_repaired():
    """'“We will stay,�? she said': the '?' left by the broken mark would end a sentence."""
    text = "“We will stay until the water goes down,\ufffd? she said at the town hall.\n"
    assert clean_text(text).startswith("“We will stay until the water goes down,” she said")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("HARROW, Upper Vale — The ferry will stop running.", "The ferry will stop running."),
        ("KESSLING: The harbour master said the pier would reopen.", "The harbour master said"),
        ("(Valley Health News) -- Babies nap more in winter.", "Babies nap more in winter."),
        ("(VHN) - Babies nap more in winter than in summer.", "Babies nap more in winter"),
        ("(Valley Health)—Babies nap more in winter.", "Babies nap more in winter."),
        (
            "Babies nap more in winter, doctors say. (Valley Health)—A nap lasts longer.",
            "Babies nap more in winter, doctors say. A nap lasts longer.",
        ),
        ("HARROW/KESSLING The two towns share a ferry again.", "The two towns share a ferry"),
        (
            "TUESDAY, March 4 (Valley Health News) -- Babies nap more in winter.",
            "Babies nap more in winter.",
        ),
        ("HARROW, Jan. 5, 2026 - The ferry will stop running.", "The ferry will stop running."),
        ("KESSLING A ferry ran aground on the reef.", "A ferry ran aground on the reef."),
        (
            "HARROW, Upper Vale, Feb. 25 (VHN) -- Ines Hald has stood by her ferry plan.",
            "Ines Hald has stood by her ferry plan.",
        ),
        ("HARROW—The chair of the ferry board promised a review.", "The chair of the ferry"),
        ("HARROW--A stray dog found the ferry captain.", "A stray dog found the ferry captain."),
        ("HARROW, Vale (WKSL) The ferry board promised a review.", "The ferry board promised"),
        ("Harrow (CNN) Vale Sen. Ines Hald praised the ferry crews.", "Vale Sen. Ines Hald"),
        # A place whose first word is short.
        ("PT HARROW (VHN) – A ferry ran aground on the reef.", "A ferry ran aground"),
        ("ST. KESSLING — The ferry will stop running.", "The ferry will stop running."),
        ("AN HARROW FERRY sank on the reef. Harrow mourns.", "An Harrow ferry sank"),
        # A city in title case: before a wire glued to the text, or its state and a dash.
        ("Harrow (CNN Business)A muddled view of the fares weighs on riders.", "A muddled"),
        ("(CNN)Mayor Ines Hald made an unscheduled trip to the quay.", "Mayor Ines Hald"),
        ("Upper Harrow, NY – The ferry board promised a review.", "The ferry board"),
        ("Kessling, Ill. — Ada Quill threw three touchdowns.", "Ada Quill threw"),
        ("Ada Quill, Tomas Varn — The ferry duo sailed on.", "Ada Quill, Tomas Varn"),
    ],
)
def test_a_leading_dateline_comes_off(line, expected):
    body = "\n\nThe second paragraph is long enough to count as the body of the story, surely."
    assert clean_text(line + body).startswith(expected)


def test_a_name_before_a_party_or_a_wire_is_no_dateline():
    body = "\n\nThe second paragraph is long enough to count as the body of the story, surely."
    for line in ("Ines Hald (AP) said the ferry sank.", "Hald (R) said the vote failed."):
        assert clean_text(line + body).startswith(line)


def test_a_web_archive_notice_is_no_article_text():
    notice = (
        "Borealis Web has given its crawl data to the Internet Archive since 2001. "
        "Each day the new pages join the Wayback Machine after a waiting period."
    )
    assert clean_text(notice) == ""
    assert clean_text(notice, light=True) == ""
    text = "Traffic slowed to a crawl on the bridge into Harrow on Monday, police said."
    assert clean_text(text) == text


def test_a_link_set_inside_a_paragraph_comes_off():
    """A related story's title after a sentence and a file's label are links, not text."""
    text = (
        "The mound was probably a meeting place, the curator told the Harrow Courier. "
        "[Lost Halls: 5 Secrets of Norse Assemblies] More digs are planned for the spring.\n\n"
        "The council argued in its filing [PDF] that the site must stay open."
    )
    assert clean_text(text) == (
        "The mound was probably a meeting place, the curator told the Harrow Courier. "
        "More digs are planned for the spring.\n\n"
        "The council argued in its filing that the site must stay open."
    )


def test_an_editors_insertion_in_brackets_stays():
    text = 'A parent asked about the checks. "[The district] failed to check her," Ada Quist said.'
    assert clean_text(text) == text


def test_a_message_from_someone_in_the_story_is_no_advert():
    """Only a marked 'A message from ...:' paragraph is an advertiser's."""
    line = "A message from the mayor: the Harrow ferry will sail again on Monday."
    assert not is_junk_line(line)
    assert is_junk_line("** " + line)


def test_a_link_to_a_related_page_comes_off():
    """A section label glued to a linked title: the line when it is short, else the label."""
    text = (
        "The Harrow ferry sank off the point on Monday, the coast guard said.\n\n"
        "FERRY HISTORY:How the Harrow line was built, and why it ran at a loss\n\n"
        "More:Kessling ferry fares to rise in the spring\n\n"
        "Why are fares rising?:Kessling line posts a loss\n\n"
        "'A long wait':Queues grow at the Harrow quay\n\n"
        "Kessling:The council voted on Tuesday to keep the harbour office open through the "
        "winter, after dozens of fishermen asked it not to close the office in November.\n\n"
        "Note: the quay stays open.\n\n"
        'Varn said:"We will rebuild the quay."'
    )
    assert clean_text(text) == (
        "The Harrow ferry sank off the point on Monday, the coast guard said.\n\n"
        "The council voted on Tuesday to keep the harbour office open through the "
        "winter, after dozens of fishermen asked it not to close the office in November.\n\n"
        "Note: the quay stays open.\n\n"
        'Varn said:"We will rebuild the quay."'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A list item's number.
        (
            "Facts about the quay\n\n1. The quay is older than the town.\n\n12 boats moor there.",
            "Facts about the quay\n\nThe quay is older than the town.\n\n12 boats moor there.",
        ),
        # A live page's stamp on an update.
        (
            "Update, 6:15 a.m.: The Harrow ferry is back in service, the operator said.",
            "The Harrow ferry is back in service, the operator said.",
        ),
        # A newsletter's pictograph ("©" stays for the credit rules).
        (
            "💫 The Harrow lantern walk starts at dusk on Friday.\n\n© Harrow Courier",
            "The Harrow lantern walk starts at dusk on Friday.",
        ),
        # A picture's credit glued before the paragraph.
        (
            "Ada Lens/Getty Images The Harrow ferry company is buying the Kessling line.",
            "The Harrow ferry company is buying the Kessling line.",
        ),
        (
            "Ada Lens, Business Insider The Harrow ferry company is buying the Kessling line.",
            "The Harrow ferry company is buying the Kessling line.",
        ),
    ],
)
def test_a_mark_before_a_paragraph_comes_off(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize("light", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "Claim\n\nThe Harrow mayor owns a fleet of 40 yachts.\n\nOn Monday the mayor spoke at "
        "the quay about the ferry fares.",
        "Claim:\nThe Harrow mayor owns a fleet of 40 yachts.\n\nOn Monday the mayor spoke at "
        "the quay about the ferry fares.",
        "Claim: The Harrow mayor owns a fleet of 40 yachts.\n\nOn Monday the mayor spoke at "
        "the quay about the ferry fares.",
    ],
)
def test_the_claim_a_fact_check_rates_is_no_statement(text, light):
    """A fact-check page's claim under check is what it rates, not what it reports."""
    assert clean_text(text, light=light) == (
        "On Monday the mayor spoke at the quay about the ferry fares."
    )


def test_a_claim_told_in_a_sentence_stays():
    line = "The claim that the mayor owns 40 yachts is false, the council said on Monday."
    assert clean_text(line) == line


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            "THE FERRYHOUSE that served as the Harrow mayor's home is for sale at $2 million.",
            "The ferryhouse that served as the Harrow mayor's home is for sale at $2 million.",
        ),
        (
            "A CAR park in a Harrow suburb was once a Viking meeting place, diggers say.",
            "A car park in a Harrow suburb was once a Viking meeting place, diggers say.",
        ),
        # Names the text writes with a capital elsewhere keep it ...
        (
            "INES HALD said on Monday that the ferry would sail. Hald chairs the board.",
            "Ines Hald said on Monday that the ferry would sail.",
        ),
        # ... and initials and acronyms the text writes in capitals again stay.
        (
            "A UC Harrow police officer shot a man in the library on Monday.",
            "A UC Harrow police officer shot a man in the library on Monday.",
        ),
        (
            "THE HFB said on Monday that fares would rise. THE END. The HFB runs the ferries.",
            "The HFB said on Monday that fares would rise.",
        ),
    ],
)
def test_a_lead_in_set_in_capitals_reads_as_a_sentence(text, first):
    assert clean_text(text).startswith(first)


def test_a_headline_glued_twice_before_the_lead_is_dropped():
    """A scraper took the title block with the text: the lead stays, the doubled title goes."""
    text = (
        "Harrow Ferry Returns After Storm Repairs Harrow Ferry Returns After Storm Repairs "
        "The Harrow ferry sailed again on Monday after three weeks of repairs.\n\n"
        "Its captain said the crossing was calm."
    )
    cleaned = clean_text(text)
    assert cleaned.startswith("The Harrow ferry sailed again on Monday")
    assert "Repairs" not in cleaned


def test_words_a_writer_says_twice_stay():
    text = "Again and again and again and again the bells rang over the Harrow quay."
    assert clean_text(text) == text


def test_a_paragraph_broken_mid_sentence_by_a_blank_line_is_rejoined():
    text = (
        "The dotted line on the harbour map marks roughly the old ferry route\n\n"
        "between Harrow and Kessling agreed by both councils.\n\n"
        "The ferry itself was retired in 1990."
    )
    cleaned = clean_text(text)
    assert "ferry route between Harrow and Kessling agreed by both councils." in cleaned
    assert "\n\nbetween" not in cleaned


def test_a_short_heading_before_a_lower_case_line_stays_apart():
    text = "Harrow ferry\n\nlogbooks were found in the attic of the old quay office last spring."
    assert "Harrow ferry logbooks" not in clean_text(text)


def test_a_little_word_typed_twice_is_printed_once():
    text = "The Harrow ferry sailed to the the Kessling quay on Monday."
    assert clean_text(text) == text.replace("the the", "the")


def test_a_verb_typed_twice_is_printed_once():
    text = "The Harrow ferry was was pulled from service on Monday."
    assert clean_text(text) == text.replace("was was", "was")


@pytest.mark.parametrize(
    "text",
    [
        "The captain said he had had enough of the Harrow storms that winter.",
        "Fans of Duran Duran crowded the Harrow quay on Monday night.",
        '"You will always always be remembered," the Harrow ferry captain said.',
        "The ferry captain gave her her keys back on the Harrow quay on Monday.",
        "What it was was a mistake, the Harrow ferry captain said on Monday.",
    ],
)
def test_words_said_twice_for_stress_and_names_stay(text):
    assert clean_text(text) == text
