"""Cleaning scraped plain text: keep the body paragraphs, drop the web junk around them.

Text copied out of a web page without its HTML carries the page's furniture as lines of text.
`clean_text` removes it in stages:

1. normalise whitespace and invisible characters, strip list bullets, re-join hard-wrapped lines;
2. cut 'Sponsored Content' / 'Related stories' style blocks: to the end when only promo
   headlines follow, else up to the next body paragraph;
3. drop junk lines: icon-sprite names, share/subscribe/follow/app promos, photo credits and
   captions, dateline-only, timestamp-only and byline-only lines, navigation and aggregator
   labels ('google news'), bare URLs;
4. strip a leading dateline ('PARIS (Reuters) -- ') from a body paragraph;
5. drop repeated paragraphs, then short non-sentence lines trailing after the last body paragraph.

The rules are patterns of web junk, not strings of particular sites. A line is only ever judged
junk when it is short or matches a pattern no news sentence has, so body paragraphs survive.
`light=True` runs only the rules that are safe on text an HTML extractor already cleaned.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from itertools import pairwise

from .text import SAYING_VERBS

__all__ = ["LEADING_DATELINE", "clean_text", "is_caption_sentence", "is_junk_line", "is_page_note"]

log = logging.getLogger(__name__)

PROMO_MAX_WORDS = 25  # promos, captions and credits are short; longer lines are prose
LABEL_MAX_WORDS = 5  # navigation labels ('google news', 'Connect with us')
BODY_MIN_WORDS = 25  # a paragraph this long with a full stop is body, even after a marker
TRAILER_MAX_WORDS = 8  # footer lines (an outlet name, 'Find out more') after the last sentence
WRAP_MIN_WORDS = 8  # a line this long that stops mid-sentence was hard-wrapped
TWICE_TOLD_MIN_WORDS = 6  # a sentence this long told twice running is a picture's caption
MIN_DOUBLED_HEADLINE_WORDS = 5  # fewer words said twice may be the writer's own repetition

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# "R&B;", "AT&T;": an ampersand entity decoded without its own semicolon taken away.
_ENTITY_LEFTOVER = re.compile(r"\b([A-Z]{1,3}&[A-Z][A-Za-z]{0,3});(?=\s)")
# A closing curly quotation mark (UTF-8 E2 80 9D) read as Windows-1252 and repaired to the
# replacement character: '“I will run,�? she said' (the "?" would end a sentence there).
_BROKEN_CLOSING_QUOTE = re.compile(r"(?<=\S)\ufffd\?")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●■□►▸‣⁃*]|-(?=\s))\s*")
_LIST_NUMBER = re.compile(r"^\d{1,2}[.)]\s+(?=[A-Z“\"‘'])")  # "3. Marlow bought the house ..."
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*$|[\"”’]$")
# A word as a reader counts it: "don't", "U.S", "COVID-19" are one each. Not `text.words`,
# whose \w runs split them, so a line of initials or hyphenated names would pass the
# BODY_MIN_WORDS and WRAP_MIN_WORDS limits set in these words.
_READER_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
# A line ending in one of these stops mid-sentence, whatever case the next line starts with.
_DANGLING = re.compile(
    r"\b(?:the|a|an|of|and|or|but|to|in|on|at|by|with|for|from|as|that|said|says|its|their)$",
    re.I,
)


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


_REPORTING = re.compile(r"\b(?:said|says|told|according|added|asked|wrote|reported)\b", re.I)

# A web archive's notice in place of the page: a crawler "donating their crawl data to" an
# archive, whose "goal is to fix" the web's broken links.
_ARCHIVE_NOTICE = re.compile(
    r"\b(?:Wayback Machine|Internet Archive|WARC files?|No More 404|broken links on the web)\b"
)
# The page's note on its own making, not the story: "This story has been corrected to show
# ...", "Editor's note: This article was amended on 9 June", "This article was originally
# published with the title ...", "Ada Lens in Harrow contributed to this report.", and a
# podcast page's note on its transcript ("... automatically generated ...", "There may be some
# differences between the audio and the text."), the writer's note on themself, and a video's
# on its reporter.
_PAGE_NOTE = re.compile(
    r"^(?:(?:editor['’]?s\s+note|correction|clarification|update)\b[^:]{0,30}:\s*)?"
    r"(?:this\s+(?:story|article|report|post|piece)|the\s+(?:story|article|post))\s+"
    r"(?:has\s+been|had\s+been|was|is)\s+(?:originally\s+|first\s+)?"
    r"(?:updated|corrected|amended|revised|changed|edited|published|posted|produced)\b"
    r"|\bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story|article)\b"
    r"|\btranscripts?\s+(?:was|were|is|are|has\s+been)\s+(?:\w+\s+)?generated\b"
    r"|\bdifferences\s+between\s+the\s+audio\s+and\s+the\s+(?:text|transcript)\b"
    # The writer's note on themself: "Ada Lens covers the harbour for the Courier. Reach her at
    # ada@courier.example."
    r"|\b(?:reach|contact|e-?mail)\s+(?:him|her|me)\s+at\s+\S+@"
    r"|^(?-i:(?:[A-Z][\w.'’-]*\s+){1,6}[A-Z][\w.'’-]*)\s+covers\s+[^.]{1,60}\s+for\s+(?:the\s+)?"
    r"(?-i:[A-Z])[\w.'’-]*(?:\s+(?-i:[A-Z])[\w.'’-]*)*\.?$"
    # The site's own product: '"Ferries of the North" is the Courier's new compilation of
    # articles.'
    r"|\b(?:is|are)\s+(?:our|(?:the\s+)?(?-i:[A-Z])[\w.'’ -]{0,40}['’]s)\s+(?:new|latest|free)\s+"
    r"(?:compilation|collection|e-?book|booklet)\s+of\s+(?:articles|stories|reporting)\b"
    # A video's note on its reporter: "Channel 10's Ada Lens has the details."
    r"|\bhas\s+(?:the\s+|more\s+)?(?:details|story|latest)\s*\.?$",
    re.I,
)
_CRAWL = re.compile(r"\bcrawl(?:s|ed|er|ing)?\b", re.I)
_CRAWL_DETAIL = re.compile(r"\b(?:Alexa|seed ?list|Heritrix|embargo|robots\.txt)\b")

# Icon sprites flattened to text: 'ArrowArtboardCreated with Sketch.Title ChevronIcon Facebook'.
_SKETCH = re.compile(r"Created with Sketch|\bIcon ?(?:Facebook|Twitter|Linkedin|Mail|Print)\b")
# FacebookIcon, ChevronTitle; parts of 3+ letters so that names like McRib are not sprites.
_GLUED = re.compile(r"^[A-Z][a-z]{2,}(?:[A-Z][a-z]{2,})+\.?$")
_SOCIAL = _vocab(
    "facebook twitter x linkedin whatsapp telegram reddit pinterest tumblr flipboard "
    "messenger email e-mail mail print share tweet copy link url comment comments save icon "
    "sms pocket instagram youtube tiktok threads bluesky mastodon rss"
)
_NAV = _SOCIAL | _vocab(
    "google yahoo apple bing msn news home top stories story world local more menu search "
    "latest trending popular sections section topics subscribe subscribed login log in sign "
    "register account advertisement advertising ad ads skip to content main back next "
    "previous prev page feedback close open video videos photos photo gallery live watch "
    "listen podcast newsletter newsletters follow us connect with on and the our of contact "
    "about help privacy policy terms cookies cookie settings manage preferences accept all "
    "reject"
)
_IMPERATIVE = re.compile(
    r"^(?:please\s+)?(?:subscribe|sign\s?up|sign\s+in|log\s?in|register|join|follow|like|"
    r"connect|download|get|install|discover|try|listen|watch|read|click|tap|see|view|share|"
    r"tweet|e-?mail|print|save|copy|find\s+out|learn\s+more|support|donate|never\s+miss|"
    r"stay\s+(?:informed|updated|up\s+to\s+date)|don'?t\s+miss|explore|visit)\b",
    re.I,
)
_PROMO_OBJECT = re.compile(
    r"\b(?:newsletters?|apps?|us|our|here|now|free|today|podcasts?|alerts?|updates|"
    r"breaking\s+news|more|latest|full\s+(?:story|article|coverage)|this\s+(?:article|story|"
    r"page|post|video)|link|subscription|journalism|offline|notifications?)\b",
    re.I,
)
_PROMO_PHRASE = re.compile(
    r"\b(?:(?:sign\s?up|subscribe|register)\s+(?:to|for|with)\s+(?:our|the|my|a)\b|"
    r"our\s+(?:free\s+)?(?:\w+\s+){0,3}(?:app|newsletter|podcast)s?\b|"
    r"(?:download|get|install)\s+(?:the|our)\s+(?:\w+\s+){0,4}app\b|"
    r"follow\s+us\b|connect\s+with\s+us\b|share\s+this\s+(?:article|story|page|post)\b|"
    r"breaking\s+news\s+alerts?\b|click\s+here\b|all\s+rights\s+reserved\b|"
    r"(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b|story\s+continues\s+below\b|"
    r"continue\s+reading\b|minute\s+read\b|min\s+read\b|"
    r"(?:join|to|on)\s+our\s+mailing\s+list\b|"
    # The text of an embedded tweet's widget, scraped with the page.
    r"your\s+tweet\s+location\s+history\b|add\s+this\s+tweet\s+to\s+your\s+website\b|"
    r"(?:this|the)\s+(?:content|article)\s+(?:was|is)\s+(?:commissioned|sponsored|paid)\b)",
    re.I,
)
# An advertiser's paragraph set in the page, however long: "** A message from the Harrow Ferry
# Company: Ferries keep Harrow moving. ...", "Paid for by ...". Without its marker, "A message
# from the mayor: ..." may be the story's own words.
_SPONSOR_MESSAGE = re.compile(
    r"^(?:[*•#]+\s*a\s+message\s+from\s+[^:.]{2,60}:|(?:paid\s+for|brought\s+to\s+you)\s+by\b)",
    re.I,
)
# A newsletter's hello: "👋 Hello everyone, this is the Courier's morning letter."
_GREETING = re.compile(
    r"^\W*(?:hi|hey|hello|good\s+(?:morning|evening|afternoon))\b[,!]?\s+"
    r"(?:it['’]?s|this\s+is|i['’]?m|everyone|there|readers|friends)\b",
    re.I,
)
# A video player's form for reporting a bad advert, however long it runs.
_AD_FEEDBACK = re.compile(
    r"\bhow relevant is this ad to you\b|\bvideo player was slow to load\b"
    r"|\bad froze or did not finish loading\b|\baudio on ad was too loud\b",
    re.I,
)
_CREDIT = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\s+(?:©\s*)?\d{4}|"
    r"\((?:photos?|images?|pictures?|file\s+photo|video|credit|source)s?(?:\s+by)?\s*[:/][^)]*\)\s*$|"
    r"^(?:photos?|images?|pictures?|file\s+photo|graphic|illustration|credit|source)"
    r"(?:\s+by)?\s*[:/|]|"
    r"(?:[/|]|\bvia|\bphoto:?|\bcredit:?)\s*(?:reuters|ap|afp|getty(?:\s+images)?|epa(?:-efe)?|"
    r"ap\s+photo|shutterstock|kyodo|xinhua|bloomberg|efe|anadolu|dpa|pa(?:\s+media)?|"
    r"[\w .&-]{0,30}\s(?:images|photos?|pictures))(?:\s*/\s*file)?\)?\s*$",
    re.I,
)
# A picture's caption ends in its credit, however long it runs: "... Photograph: A. Lens/Agency".
_CAPTION_CREDIT = re.compile(
    r"(?:^|\s)(?i:photograph|photo|image|picture|illustration)s?\s*:\s*[A-Z][^.!?:]{0,59}$"
)
# A picture's caption behind its gallery buttons and credit, however long it runs: "Enlarge
# Image Close Getty Images The captain waves from the quay."
_GALLERY_CAPTION = re.compile(r"(?:enlarge|expand|view)\s+(?:image|photo|picture)\s+close\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_AGENCY_TAIL = re.compile(
    r"[.!?][\"'”’]?\s+\(?(?:reuters|ap|afp|getty\s+images|epa|kyodo|xinhua|bloomberg|"
    r"ap\s+photo)\)?\s*$",
    re.I,
)
_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december"
)
_DAYS = "mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|"
_DAYS += "saturday|sun|sunday"
# An embedded post's text ends in its author's handle and date: "— Ada (@ada) June 20, 2017",
# "A post shared by Ada (@ada) on Jun 20, 2017 at 1:45pm PDT".
_EMBEDDED_POST = re.compile(
    rf"\(@\w{{1,30}}\)\s+(?:on\s+)?(?:{_MONTHS})\.?\s+\d{{1,2}},\s+\d{{4}}"
    r"(?:\s+at\s+\d{1,2}:\d{2}\s*[ap]\.?m\.?(?:\s+[a-z]{2,4})?)?\s*$",
    re.I,
)
# A news photo's caption inside a paragraph, one sentence of it. It dates its picture in full
# ("... at a rally Thursday, Oct. 3, 2013, in Haltom City, Texas.", "... Wednesday evening June
# 18, 2014."; body text says "Thursday" or "Oct. 3"), or ends on the date ("... in Washington,
# January 20, 2015.", "... in Kathmandu, Nepal May 30, 2016."), tells its picture ("... in this
# March 24, 2015 file photo.") or gives its credit ("CREDIT: ...", "AP Photo", "Eric Gay / AP
# Senator ... listens as ...").
_CAPTION_SENTENCE = re.compile(
    rf"\b(?:{_DAYS})(?:\s+(?:morning|afternoon|evening|night))?,?"
    rf"\s+(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}\b"
    rf"|,\s+(?-i:[A-Z][a-z]+\s+){{0,2}}(?:{_MONTHS})\.?\s+\d{{1,2}},\s+\d{{4}}\.$"
    r"|\bfile photo\b|\bin this (?:[\w.,]+ ){0,6}photo\b|\bcredit:\s|\bAP Photo\b"
    r"|(?-i:\b[A-Z][a-z]+ [A-Z][a-z]+ ?/ ?(?:AP|Reuters|AFP|EPA|Getty Images)\b)"
    # "Shown is a screenshot of ...", "Pictured above are ...".
    r"|^(?:shown|pictured)(?: (?:here|above|below))? (?:is|are)\b"
    # What the person pictured does, in a caption's present tense: "President Varn watches as
    # ...", "Gov. Ada Quist speaks at a news conference", "The Capitol is seen before ...", and
    # a video's: "Ada Quist discusses with Tomas Varn."
    # (Article text tells it in the past: "Varn spoke at ...".) The verb follows a name: "in
    # talks with Streep" and "huge waves during the storm" are no captions.
    r"|^(?-i:[A-Z][\w.'’-]*(?:\s+[\w.'’-]+){0,8}?\s+[A-Z][\w.'’-]*)\s+(?:(?:watches|looks on|"
    r"listens|gestures|waves|reacts|smiles|poses|speaks|laughs|applauds|celebrates|arrives|"
    r"greets|hugs|discusses)\s+(?:as|during|while|after|before|with)|speaks at|takes part in)\b"
    r"|^(?-i:[A-Z][\w.'’-]*)(?:\s+[\w.'’-]+){0,8}?\s+is seen\s+(?:during|while|after|before)\b"
    # Who stands where in the picture: "Mayor Ada Quist, left, and Tomas Varn", "(right)".
    r"|(?-i:\b[A-Z][\w.'’-]*),\s+(?:far |second from |from )?(?:left|right|cent(?:er|re))"
    r"(?:,|\.$)|\((?:far |from )?(?:left|right|cent(?:er|re))\)",
    re.I,
)
_DATE_TOKEN = re.compile(
    rf"^(?:{_MONTHS}|{_DAYS}|\d{{1,4}}(?:st|nd|rd|th)?|\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?|"
    r"\d{4}-\d{2}-\d{2}(?:t[\d:.+-]+z?)?|\d{1,2}/\d{1,2}/\d{2,4}|a\.?m\.?|p\.?m\.?|"
    r"gmt|utc|[a-z]?[ecmp][sd]?t|bst|cet|cest|jst|kst|ist|hkt|sgt|aest|"
    r"updated|published|posted|last|modified|on|at|ago|hours?|hrs?|minutes?|mins?|days?|"
    r"weeks?|yesterday|today|read|time|reading|date|first)\.?$",
    re.I,
)
_HAS_DATE = re.compile(rf"\d|\b(?:{_MONTHS}|{_DAYS}|ago|yesterday|today)\b", re.I)
# 'MARROWBY POINT', 'TOKYO (Kyodo) --', 'LONDON, March 4 —': a place in capitals, maybe a source.
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’-]*(?:[ ,]+[A-Z][A-Z.'’-]*){0,4}(?:,\s*[A-Z][a-z]+\.?)?"
    r"(?:\s*\([A-Za-z .&-]{1,30}\))?\s*(?:[-—–:,]+\s*)?",
)
# An agency's name in brackets before a dash, opening a paragraph or glued after its teaser
# ("... the council says. (Valley Health)—A ferry ..."): a credit, not text.
_AGENCY_BEFORE_DASH = re.compile(
    r"(?:^|(?<=[.!?])\s+)\([A-Z][A-Za-z .&-]{1,30}\)\s*(?:--|—|–)\s*(?=[A-Z“\"‘'])"
)
# ... and one opening a paragraph: 'PARIS (Reuters) -- ', 'DUBAI, United Arab Emirates — ',
# 'NEW DELHI: '.
LEADING_DATELINE = re.compile(
    # 'FT LAUDERDALE', 'ST. LOUIS': a place's first word may be short before a long one.
    r"^(?:[A-Z][A-Z.'’-]{2,}|[A-Z]{2}\.?(?= [A-Z]{3}))(?:[ ,]+[A-Z][A-Z.'’-]*){0,4}"
    # ", United Arab Emirates", ", July 2", ", Jan. 5, 2012", ", Italy, Feb. 25"
    r"(?:,\s*[A-Z][a-z]+\.?(?:\s+[A-Z][a-z]+\.?){0,2}(?:\s+\d{1,2}(?:,\s*\d{4})?)?){0,2}"
    # 'WASHINGTON—The ...', 'HIROSHIMA--A stray dog': a long dash may go without its spaces.
    r"(?:\s*\([A-Za-z .&-]{1,30}\))?\s*"
    r"(?:(?:--|—|–|-|:)\s+|(?:--|—)(?=[A-Z][a-z]|A\s))(?=[A-Z“\"‘'])"
    # '(CNN) - ', '(HealthDay News) -- ', '(CNN)President ...' (a wire's name glued to the
    # text), and 'SINGAPORE/BEIJING ' whose agency and dash were lost.
    r"|^\([A-Za-z .&-]{1,30}\)\s*(?:--|—|–|-)\s+(?=[A-Z“\"‘'])"
    r"|^\((?:CNN(?: ?[A-Z][a-z]+)?|AP|AFP|Reuters|UPI)\)\s*(?=[A-Z“\"‘'])"
    r"|^[A-Z]{3,}(?:/[A-Z]{3,})+\s+(?=[A-Z][a-z])"
    # 'DUBAI A Bahraini court ...': a city whose dash was lost, before an article.
    r"|^[A-Z]{3,}(?: [A-Z]{3,})?\s+(?=(?:A|An|The)\s)"
    # 'FORT WAYNE, Ind. (WANE) The ...': a station's call sign in place of the dash.
    r"|^[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]*){0,3}(?:,\s*[A-Z][a-z]+\.?)?\s*"
    r"\([A-Z][A-Za-z .&-]{1,29}\)\s+(?=[A-Z][a-z])"
    # 'Washington (CNN) Vermont Sen. ...': a city in title case before a wire's name, its space
    # lost now and then ('Hong Kong (CNN Business)A muddled ...').
    r"|^[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}(?:,\s*[A-Z][a-z]+\.?)?\s*"
    r"\((?:CNN(?: ?[A-Z][a-z]+)?|AP|AFP|Reuters|UPI|HealthDay(?: News)?)\)\s*(?=[A-Z“\"‘'])"
    # 'New York, NY – The ...', 'Dekalb, Ill. — Mike ...': a city in title case and its state,
    # before a long dash.
    # (The state as its code or its abbreviation: "Ada Quill, Tomas Varn — ..." is no place.)
    r"|^[A-Z][a-z]+(?: [A-Z][a-z]+){0,2},\s*(?:[A-Z]{2}|[A-Z][a-z]{1,4}\.)"
    r"\s+(?:--|—|–)\s+(?=[A-Z“\"‘'])",
)
# A video player's button text glued to the caption after it ("CLOSE The Dow plunged ...",
# "Skip in Skip x Embed ... The ..."), and
# a picture's or an opinion box's label glued to the paragraph after it ("Image The spokeswoman
# said ...", "Analysis There had been ...", "Commentary Once the ferry ...").
_PLAYER_LABEL = re.compile(
    r"^(?:(?:CLOSE|REPLAY|VIDEO|WATCH|SKIP AD|(?:Skip in Skip x )?Embed x Share)\s+(?=[A-Z][a-z])"
    r"|(?:Image|Photo|Analysis|Commentary)\s+(?=(?:The|A|An|There|Once)\s|[A-Z][a-z]+\s+[A-Z]))"
)
# A picture's credit glued before the paragraph after it: "Ada Lens/Getty Images Rep. ...",
# "Ada Lens, Business Insider The ferry company is buying ...".
_CREDIT_OPENING = re.compile(
    r"^(?:[A-Z][\w.'’-]+ ){1,3}[A-Z][\w.'’-]+(?:/| ?, ?)"
    r"(?:Business Insider|Getty Images|AP Photo|AP|Reuters|AFP|Shutterstock|Flickr|EPA|Bloomberg)"
    r"\b[ /]*(?=[A-Z])"
)
# A live page's stamp on one of its updates: "Update, 6:15 a.m.: The council ...".
_UPDATE_STAMP = re.compile(r"^(?:update|updated)\b.{0,25}?:\s+(?=[A-Z“\"‘'])", re.I)
# A link to a related page, its section label glued to its title ("MORE:Ferry fares rise",
# "Harbour history:How the quay was built"): the whole line when short, else the label alone
# (a roundup's "Harrow:The council voted ..." paragraph is still news).
_RELATED_LINK = re.compile(r"^[\"“‘']?[A-Z][^:\n]{0,60}?[^\s:]:(?=[A-Z“\"‘'])")


def _related_link(line: str) -> re.Match[str] | None:
    """The label of a related page's link opening the line; not 'Varn said:"We ..."'."""
    match = _RELATED_LINK.match(line)
    if match is None:
        return None
    words = match.group().rstrip(":").split()
    return None if words and words[-1].lower() in SAYING_VERBS else match


# A link to another page set inside a paragraph: a related story's title after a sentence
# ('... "the field of the assembly." [Fierce Fighters: 7 Secrets of Viking Culture] Such ...')
# and a file's label ("in its response [PDF] that"). An editor's insertion ("[The district]
# failed", "[expletive]") goes on with the sentence and stays.
_INLINE_LINK = re.compile(
    r"(?<=[.!?])([”’\"]?)\s*\[(?!\d+\])[A-Z][^\[\]\n]{2,100}\](?=\s+[A-Z“\"‘']|\s*$)"
)
_FILE_LABEL = re.compile(r"\s*\[(?:PDF|Video|Audio|Link|Photos?|Gallery)\](?=[\s.,;:])", re.I)
_BYLINE = re.compile(
    r"^(?:by|written\s+by|reporting\s+by|reported\s+by|words\s+by|story\s+by|edited\s+by|"
    r"author|reporter|writer)\b\s*:?\s*",
    re.I,
)
_BYLINE_WORDS = _vocab(
    "and by in for of the at from with staff reporter reporters correspondent correspondents "
    "writer writers editor editors contributor contributors senior chief political "
    "international foreign business science health bureau desk news agency wire team"
)
_TAIL_MARKER = re.compile(
    r"^(?:sponsored(?:\s+(?:content|stories|links|posts|articles))?|"
    r"paid\s+(?:content|post|partner\s+content)|partner\s+content|"
    r"promoted(?:\s+(?:content|stories|links))?|"
    r"(?:more|recommended|related|top|trending|popular|latest|other)\s+"
    r"(?:stories|articles|news|reads|links|videos|coverage|content|topics)"
    r"(?:\s+(?:for\s+you|from\s+.{1,40}|on\s+.{1,40}))?|"
    r"recommended(?:\s+for\s+you)?|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy)|"
    r"read\s+(?:more|next|also)|also\s+read|around\s+the\s+web|from\s+(?:the\s+web|our\s+partners)|"
    r"most\s+(?:read|popular|viewed|shared|watched)|trending(?:\s+now)?|related|"
    r"more\s+(?:from|on)\s+.{1,40}|what\s+to\s+read\s+next|editor'?s\s+picks|"
    r"(?:about\s+)?sponsored\s+content.*)\s*[:.]?$",
    re.I,
)
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$", re.I)
_SYMBOLS_ONLY = re.compile(r"^[\W_]*$")


def _reader_words(line: str) -> list[str]:
    return _READER_WORD.findall(line)


def _is_sentence(line: str) -> bool:
    """Ends like a sentence (full stop, question, quote)."""
    return bool(_TERMINAL.search(line.rstrip()))


def _is_body(line: str, min_words: int = BODY_MIN_WORDS) -> bool:
    return _is_sentence(line) and len(_reader_words(line)) >= min_words and not is_junk_line(line)


def _is_sprite(line: str, words: list[str]) -> bool:
    if _SKETCH.search(line):
        return True
    tokens = line.split()
    glued = sum(1 for t in tokens if _GLUED.match(t))
    return glued >= 2 and glued * 4 >= len(tokens) and not _is_sentence(line)


# A fact-check page's claim under check, glued to its label or on the line after it: what the
# page rates, not what it reports.
_CHECKED_CLAIM = re.compile(r"^(?:the )?(?:claim|rumou?r)\s*(?::\s*(?P<glued>\S)|:?$)", re.I)


def _is_label(words: list[str]) -> bool:
    """Navigation, social and aggregator labels: every word from the site-furniture vocabulary."""
    return 0 < len(words) <= LABEL_MAX_WORDS and all(w.lower() in _NAV for w in words)


def _is_promo(line: str, words: list[str]) -> bool:
    if _SPONSOR_MESSAGE.match(line) or _AD_FEEDBACK.search(line):
        return True
    if len(words) > PROMO_MAX_WORDS:
        return False
    if _related_link(line) or _GREETING.match(line):
        return True
    if _REPORTING.search(line):
        return False
    if _PROMO_PHRASE.search(line):
        return True
    return bool(_IMPERATIVE.match(line) and _PROMO_OBJECT.search(line))


def _is_credit(line: str, words: list[str]) -> bool:
    if _CAPTION_CREDIT.search(line) or _GALLERY_CAPTION.match(line) or _told_twice(line):
        return True
    if len(words) > 2 * PROMO_MAX_WORDS:
        return False
    if _CREDIT.search(line):
        return True
    # A caption ends with its agency after the full stop: '... in June 2019. Reuters'.
    return bool(_AGENCY_TAIL.search(line))


def _told_twice(line: str) -> bool:
    """Whether a line tells one sentence twice running: a picture's alt text and its caption.

    "Varn Photo Agency The Kessling at the quay on Monday. The Kessling at the quay on Monday.
    (Varn Photo Agency)": the first copy may carry the credit glued in front.
    """
    parts = _SENTENCE_END.split(line)
    return any(
        len(later.split()) >= TWICE_TOLD_MIN_WORDS and earlier.endswith(later)
        for earlier, later in pairwise(parts)
    )


def _is_dateline_or_time(line: str, words: list[str]) -> bool:
    """A place in capitals, a timestamp, or both, and nothing else."""
    if len(words) > 12:
        return False
    rest = line
    match = _DATELINE.match(line)
    if match and match.end() > 0 and any(c.isupper() for c in match.group(0)):
        head = match.group(0)
        # A dateline place is in capitals; 'I' or 'A' alone is the start of a sentence.
        if len(re.sub(r"[^A-Z]", "", head)) >= 3 or "(" in head:
            rest = line[match.end() :]
    tokens = [t for t in re.split(r"[\s,;:|•·/()-]+", rest) if t]
    if not tokens:
        return rest is not line
    if not _HAS_DATE.search(rest):
        return False
    return all(_DATE_TOKEN.match(t) for t in tokens)


def _is_byline(line: str, words: list[str]) -> bool:
    match = _BYLINE.match(line)
    if not match or len(words) > 15:
        return False
    rest = line[match.end() :]
    tokens = [t for t in re.split(r"[\s,;:|•·/&()-]+", rest) if t]
    if not tokens:
        return False
    return all(
        t[0].isupper() or t.lower().strip(".") in _BYLINE_WORDS or _DATE_TOKEN.match(t)
        for t in tokens
    )


def is_caption_sentence(sentence: str) -> bool:
    """Whether one sentence of a paragraph is a photo's caption or credit, not article text."""
    return _CAPTION_SENTENCE.search(sentence) is not None


def _is_archive_notice(line: str) -> bool:
    """A web archive's note about its crawls, where the page itself could not be had."""
    return _ARCHIVE_NOTICE.search(line) is not None or (
        _CRAWL.search(line) is not None and _CRAWL_DETAIL.search(line) is not None
    )


def is_junk_line(line: str) -> bool:
    """Whether one line of scraped text is web furniture rather than article text."""
    line = line.strip()
    if not line or _SYMBOLS_ONLY.match(line) or _URL_ONLY.match(line):
        return True
    words = _reader_words(line)
    return (
        _EMBEDDED_POST.search(line) is not None
        or _is_sprite(line, words)
        or _is_label(words)
        or _is_promo(line, words)
        or _is_credit(line, words)
        or _is_dateline_or_time(line, words)
        or _is_byline(line, words)
        or _is_archive_notice(line)
        or is_page_note(line)
    )


def is_page_note(text: str) -> bool:
    """Whether a line or sentence is the page's note on its own making (`_PAGE_NOTE`)."""
    return _PAGE_NOTE.search(text.strip()) is not None


def _normalise(text: str) -> list[list[str]]:
    """Blocks (separated by blank lines) of stripped, de-bulleted lines."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _ENTITY_LEFTOVER.sub(r"\1", _INVISIBLE.sub("", text))
    text = _BROKEN_CLOSING_QUOTE.sub("\u201d", text)
    blocks: list[list[str]] = []
    for raw in re.split(r"\n\s*\n", text):
        lines = [
            _without_pictographs(_BULLET.sub("", _SPACES.sub(" ", ln)).strip())
            for ln in raw.split("\n")
        ]
        lines = [ln for ln in lines if ln]
        if lines:
            blocks.append(lines)
    return _with_drop_caps_joined(blocks)


# One capital letter alone; not "A" or "I", which are words of their own.
_DROP_CAP = re.compile(r"^[B-HJ-Z]$")


def _with_drop_caps_joined(blocks: list[list[str]]) -> list[list[str]]:
    """A page's drop cap set apart from its paragraph ("T" + "he mayor said ...") joined back."""
    out: list[list[str]] = []
    letter = ""
    for block in blocks:
        lines: list[str] = []
        for line in block:
            if letter and line[0].islower():
                line = letter + line
            elif letter:
                lines.append(letter)
            letter = ""
            if _DROP_CAP.match(line):
                letter = line
            else:
                lines.append(line)
        if lines:
            out.append(lines)
    if letter:
        out.append([letter])
    return out


_PICTOGRAPHS_FROM = 0x2190  # arrows, dingbats and emoji; not "©" or "™", which credit a line


# A newspaper's lead-in set in capitals: "THE TOWNHOUSE that served as ...", "A CAR park in a
# Highland town ...". Two or more capitalised words opening a line, then a lower-case one.
_LEAD_IN_CAPS = re.compile(r"^(?:[A-Z][A-Z'’-]*\s+){2,}(?=[a-z])")
# Words a lead-in always lowers, however often the page sets them in capitals; other words of
# one or two letters are initials ("UC", "US").
_FUNCTION_WORDS = _vocab(
    "a an the in at of on to by as it if or so no up we he my be is and but for with from "
    "this that after before when"
)


def _lead_in_lowered(line: str, text: str) -> str:
    """A line whose capitalised lead-in is set as a sentence ("The townhouse that ...").

    A word written in capitals elsewhere in the text is an acronym ("THE FBI said ..." keeps
    "FBI"), as is a short one that is no common word ("A UC Berkeley officer"); one the text
    writes only with a capital is a name ("ADA QUILL said" is "Ada Quill said").
    """
    match = _LEAD_IN_CAPS.match(line)
    if match is None or not any(len(w) > 2 for w in match.group(0).split()):
        return line

    def elsewhere(word: str, times: int = 1) -> bool:
        return len(re.findall(rf"\b{re.escape(word)}\b", text)) >= times

    def as_written(word: str) -> str:
        if word.lower() in _FUNCTION_WORDS:
            return word.lower()
        if len(word) <= 2 or elsewhere(word, 2):
            return word
        name = word.capitalize()
        return name if elsewhere(name) and not elsewhere(word.lower()) else word.lower()

    words = [as_written(word) for word in match.group(0).split()]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + " " + line[match.end() :]


def _without_pictographs(line: str) -> str:
    """A line without the pictographs a newsletter sets before it ("💫 The lantern walk ...")."""
    start = 0
    while start < len(line) and (
        (unicodedata.category(line[start]) == "So" and ord(line[start]) >= _PICTOGRAPHS_FROM)
        or line[start] in "\ufe0f\u200d "
    ):
        start += 1
    return line[start:] if start < len(line) else line


def _unwrap(lines: list[str]) -> list[str]:
    """Re-join lines that a fixed-width wrap broke mid-sentence."""
    out: list[str] = []
    for line in lines:
        if out:
            prev = out[-1]
            # The next line starts in lower case, or with a digit, after a long line that
            # stops mid-sentence: the same paragraph, broken by a wrap.
            if (
                not _is_sentence(prev)
                and len(_reader_words(prev)) >= WRAP_MIN_WORDS
                and (
                    line[0].islower()
                    or line[0].isdigit()
                    or prev.endswith(",")
                    or _DANGLING.search(prev) is not None
                )
            ):
                out[-1] = f"{prev} {line}"
                continue
        out.append(line)
    return out


def _rejoin_split_paragraphs(blocks: list[list[str]]) -> list[list[str]]:
    """Re-join a paragraph that a page broke mid-sentence with a blank line.

    "The dotted line represents the Line of Control" and, after a blank line, "in Jammu and
    Kashmir agreed upon by ...": the second starts in lower case after a long line that stops
    mid-sentence, and is no sentence of its own.
    """
    out: list[list[str]] = []
    for block in blocks:
        if out and out[-1] and block:
            prev, first = out[-1][-1], block[0]
            if (
                first[0].islower()
                and not _is_sentence(prev)
                and len(_reader_words(prev)) >= WRAP_MIN_WORDS
            ):
                out[-1] = [*out[-1][:-1], f"{prev} {first}", *block[1:]]
                continue
        out.append(block)
    return out


def _cut_promo_blocks(lines: list[str]) -> list[str]:
    """Drop promo blocks that start at a marker line ('Sponsored Content', 'Related stories')."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not _TAIL_MARKER.match(line):
            out.append(line)
            i += 1
            continue
        rest = lines[i + 1 :]
        if not any(_is_body(r) for r in rest):
            log.debug("cut %d lines from marker %r to the end", len(rest) + 1, line)
            break
        # Body continues below: drop only the headline list under the marker.
        i += 1
        while i < len(lines) and not (
            _is_sentence(lines[i]) and len(_reader_words(lines[i])) >= WRAP_MIN_WORDS
        ):
            i += 1
    return out


def _key(line: str) -> str:
    return " ".join(w.lower() for w in _reader_words(line))


# A little word typed twice ("sent to the the harbour"): English never doubles these, as it
# may "had had", "gave her her keys" or "carried on on Monday", and a quotation may repeat a
# word for stress ("always always").
_DOUBLED_WORD = re.compile(
    r"\b(the|an|and|or|but|of|at|by|for|from|with|into|onto|its|their|his|our|this|these|"
    r"those)\s+\1\b"
)
# ... and a verb ("The boy was was pronounced dead"), which English doubles only after a "what"
# clause ("What it was was a mistake").
_DOUBLED_VERB = re.compile(r"\b(was|were|is|are|has|have|will|would)\s+\1\b")
_WHAT_CLAUSE = re.compile(r"\bwhat\b(?:\W+\w+){1,4}\W*$", re.IGNORECASE)


def _without_doubled_words(line: str) -> str:
    """A line with a little word or a verb typed twice ("to the the quay") written once."""
    line = _DOUBLED_WORD.sub(r"\1", line)
    return _DOUBLED_VERB.sub(
        lambda m: m[0] if _WHAT_CLAUSE.search(line, 0, m.start()) else m[1], line
    )


def _without_doubled_headline(line: str) -> str:
    """A paragraph with the page's headline glued twice before it, without the headline.

    "Schools Reopen Under Guard Schools Reopen Under Guard Police will patrol ...": a scraper
    took the title block with the text.
    """
    words = line.split()
    for n in range(MIN_DOUBLED_HEADLINE_WORDS, len(words) // 2 + 1):
        if words[:n] == words[n : 2 * n]:
            rest = words[2 * n :]
            return " ".join(rest) if rest and rest[0][:1].isupper() else line
    return line


def clean_text(text: str, *, light: bool = False) -> str:
    """Strip web junk from scraped plain text, keeping every body paragraph.

    Args:
        text: text as scraped from a page, one paragraph per line or per blank-line block.
        light: run only the rules safe on an HTML extractor's output (sprites, labels, promos,
            credits, repeats), keeping the text's own line structure otherwise.

    Returns:
        The paragraphs, separated by blank lines ('' when nothing is left).

    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    blocks = _normalise(text)
    if not light:
        blocks = _rejoin_split_paragraphs(blocks)
    lines = [ln for block in blocks for ln in (block if light else _unwrap(block))]
    if not light:
        lines = _cut_promo_blocks(lines)
    kept: list[str] = []
    seen: set[str] = set()
    checked = False  # the line before labels the claim a fact-check page rates
    for line in lines:
        if checked:
            checked = False
            continue
        claim = _CHECKED_CLAIM.match(line)
        if claim:
            checked = not claim["glued"]  # the label alone: the claim is the next line
            continue
        line = _FILE_LABEL.sub("", _INLINE_LINK.sub(r"\1", line))
        words = _reader_words(line)
        if light:
            junk = (
                _SYMBOLS_ONLY.match(line) is not None
                or _is_sprite(line, words)
                or _is_label(words)
                or _is_promo(line, words)
                or (_is_credit(line, words) and not _is_sentence(line))
                or _is_archive_notice(line)
            )
        else:
            junk = is_junk_line(line)
        if junk:
            continue
        if not light:
            line = _PLAYER_LABEL.sub("", line, count=1)
            link = _related_link(line)
            line = line[link.end() :] if link else line
            line = _UPDATE_STAMP.sub("", line, count=1)
            line = _CREDIT_OPENING.sub("", line, count=1)
            line = _LIST_NUMBER.sub("", line, count=1)
            line = _without_doubled_headline(line)
            line = LEADING_DATELINE.sub("", line, count=1)
            line = _AGENCY_BEFORE_DASH.sub(lambda m: " " if m.start() else "", line)
        line = _lead_in_lowered(line, text)
        line = _without_doubled_words(line)
        key = _key(line)
        if not key or key in seen:
            continue
        seen.add(key)
        kept.append(line)
    if not light:
        # Footer lines after the last sentence: an outlet name, 'Find out more'.
        while (
            kept
            and not _is_sentence(kept[-1])
            and len(_reader_words(kept[-1])) <= TRAILER_MAX_WORDS
        ):
            if any(_is_sentence(k) for k in kept[:-1]):
                kept.pop()
            else:
                break
    return "\n\n".join(kept)
