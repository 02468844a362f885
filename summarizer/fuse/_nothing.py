"""Lines that tell nothing, even printed right after the sentence their outlet put before them.

A promise of more, a list's introduction, the page's own charts and pictures, the writer's
question or aside, and half a sentence (stage 5, claims). `_pointing.dangling_opener` counts
them among the lines that cannot stand alone; `claims` never lets them read on.
"""

from __future__ import annotations

import re

__all__ = ["tells_nothing"]

# A line that promises what comes next instead of telling it ("There was more to the story.",
# "There are more still to come.", "One quote in particular stands out.",
# also what is left of "her lawyer argued there was more to the story" without her).
_PROMISE = re.compile(
    r"^(?:but |and )?(?:there(?:'s|’s| is| was| are| were) (?:much |even )?more(?: still)?"
    r"(?: to (?:come|(?:the|this|that) story))?"
    r"|that(?:'s|’s| is| was) (?:still )?not all|read on|find out (?:more|why|how|what)"
    # "One quote in particular stands out.": the page quotes it next.
    r"|(?:one|two|a few|several) \w+(?: in particular)? stands? out)"
    r"\W*$",
    re.IGNORECASE,
)

# A line that announces what someone said instead of telling it: "Ada Quill offered a poignant
# analogy for the old ferry." (the page quotes it next). "She offered an apology" tells that
# she apologised.
_ANNOUNCED = re.compile(
    r"^[^,;:]*\b(?:offered|offers|gave|gives|provided|provides|shared|shares) an? "
    r"(?:[\w-]+ )?(?:analogy|comparison|assessment|explanation|summary|description|take)"
    r"(?: (?:for|of|on|about) [^,;:.]+)?\W*$",
    re.IGNORECASE,
)
# ... or that someone spoke of it: "Coach Ada Quill addressed the issue after the game." (what
# she said, the page quotes next).
_SPOKE_OF_IT = re.compile(
    r"^[^,;:]*\b(?:addressed|addresses|discussed|discusses|commented on|comments on|weighed in on|"
    r"weighs in on|spoke about|spoke on|speaks about|talked about|talks about|responded to|"
    r"responds to|reacted to|reacts to) (?:the|this|that) (?:issue|matter|situation|controversy|"
    r"incident|topic|subject|question|decision|news|remarks?|comments?|criticism)"
    r"(?: (?:on|in|at|after|during|before|later|afterwards?)\b[^,;:.]*)?\W*$",
    re.IGNORECASE,
)

# The page's list comes next: "From the speech to the upset win, here are ten of the best
# moments". Not "here" as a place ("The plant here is closing").
_LIST_INTRODUCED = re.compile(
    r"(?:^|[,;:—–] (?:and |so )?)here(?:'s|’s| is| are) (?:the |our |some |\d+|[a-z]+ of )",
    re.IGNORECASE,
)

# The page's own pictures, charts and lists, which a digest does not carry: "Below are the
# ferries still sailing.", "The following chart shows ...", "the above-displayed posts",
# "the photos below". Not a place ("the valley below", "rates above 5%").
_PAGE_ELEMENT = re.compile(
    r"^(?:below|above) (?:is|are)\b|\bsee (?:below|above)\b|\babove-displayed\b"
    r"|\bthe following (?:chart|table|graphic|map|list|video|photos?|images?|tweets?|posts?)\b"
    r"|\b(?:tweets?|posts?|videos?|charts?|tables?|maps?|photos?|images?|graphics?|gallery|slideshow)"
    r" (?:above|below)\b",
    re.IGNORECASE,
)

# "Because it may be time we all moved." is half a sentence; "Because of X, Y" is whole.
_HALF_SENTENCE = re.compile(
    r"^[\"“‘']?(?:because\b(?! of\b)(?![^,]*,)|(?:al)?though\b(?![^,]*,))", re.IGNORECASE
)

# The writer's aside: "Hard to believe the ferry's fate has come down to one vote.", "There's a
# lot to unpack here.", "Let that sink in."
_ASIDE = re.compile(
    r"^(?:hard|good|nice|sad|easy|tough|funny|strange|odd|interesting) to "
    r"(?:believe|say|know|see|tell|imagine|think|argue|note)\b"
    r"|^there(?:'s|’s| is) (?:a lot|much|plenty|so much) to unpack(?: here)?\W*$"
    r"|^let that sink in\W*$",
    re.IGNORECASE,
)

# The writer's exclamation, told with a full stop (a line ending on "!" is no candidate):
# "What a difference $46 million in ads can make.", "What a week it has been." Not "What a
# ticket costs has doubled." (what it costs is its subject).
_EXCLAMATION = re.compile(
    r"^what an? [^.!?]*\b(?:make|makes|made|been|be|is|was|are|were|do|does|did|has|had)\s*\.$",
    re.IGNORECASE,
)

# A question the writer asks ("Is the gesture more common on sunny days.") tells nothing; one
# quoted with its speaker ('"Is it safe?" asked Varn') is what someone asked. So does a
# subheading's question, or what a split left of one ("How did Ada Quist Jr." + "Day begin?",
# "Who was elected in 1968."); "What is clear is that ..." says something.
_AUXILIARY = r"(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have)"
_ASKED_OF = r"(?:the|a|an|it|this|that|there|he|she|they|we|you)"  # "Is the ...", "What did he"
_QUESTION = re.compile(
    rf"^{_AUXILIARY} {_ASKED_OF}\b"
    rf"|^(?:how|why|who|whom|when|where) {_AUXILIARY}\b|^which (?-i:[a-z]+) {_AUXILIARY}\b"
    rf"|^what {_AUXILIARY} {_ASKED_OF}\b",
    re.IGNORECASE,
)


def tells_nothing(text: str) -> bool:
    """Whether a line says nothing even after the sentence its article put before it.

    A promise of more ("There are more still to come."), a line announcing what someone said
    ("X offered a poignant analogy for Y.") or that someone spoke of it ("X addressed the
    issue."), a list's introduction ("..., here are ten of the best moments"), the page's own
    pictures or charts ("The following chart shows ..."), the writer's own question,
    exclamation or aside ("Hard to believe ..."), and half a sentence ("Because it may be time
    we all moved.").
    """
    stripped = text.strip()
    return bool(
        _PROMISE.match(stripped)
        or _LIST_INTRODUCED.search(stripped)
        or _PAGE_ELEMENT.search(stripped)
        or _QUESTION.match(stripped)
        or _HALF_SENTENCE.match(stripped)
        or _ASIDE.match(stripped)
        or _EXCLAMATION.match(stripped)
        or _ANNOUNCED.match(stripped)
        or _SPOKE_OF_IT.match(stripped)
    )
