"""The specificity nudge for recognition: hints while writing, computed locally, never
blocking.

Praise lands when it says what the person did (a moment, a piece of work, something they
said or built) and why it mattered (to whom, what it changed). "Great job, you're a
star!" is kind but teaches nobody anything; "On Tuesday you stayed on the incident call
and wrote the timeline, so support could answer customers within minutes" is the same
thanks, and everyone reading the wall learns what good looks like here.

Each rule is a small, tested function. The rules are written for praise: they never ask
for a suggestion for next time, and they notice praise of traits ("you're so smart")
that names no deed.
"""

import re
from dataclasses import dataclass

DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
# A moment: a day, "yesterday", "last week", "this sprint".
MOMENT = re.compile(
    r"\b(yesterday|today|tonight|this (morning|afternoon|week|sprint|quarter|month)|"
    r"earlier today|last (night|week|month|sprint|quarter|friday|time)|"
    r"(on )?(" + DAYS + r")('s)?|in (" + MONTHS + r"))\b",
    re.IGNORECASE,
)
# A number or a quoted phrase ("…", “…”); an apostrophe inside a word is no quote.
QUOTE_OR_NUMBER = re.compile(r"\d|\"[^\"]+\"|“[^”]+”|(?<!\w)'[^']+'(?!\w)")
# Occasions and pieces of work.
OCCASION = re.compile(
    r"\b(during|meetings?|demos?|reviews?|presentations?|stand-?ups?|retros?|"
    r"incidents?|launch(es)?|releases?|calls?|workshops?|interviews?|onboarding|"
    r"pull requests?|prs?|tickets?|docs?|documents?|documentation|emails?|slides?|"
    r"deadlines?|sprints?|planning|offsites?|specs?|rfcs?|postmortems?|roadmaps?|decks?|"
    r"proposals?|outage|migration|rollout|deploy(ment)?s?|bugs?|tests?|dashboards?|"
    r"projects?|customers? calls?|escalations?|on-?call|hiring|pairing|prototype|design)\b",
    re.IGNORECASE,
)
# Something the person did, said in the second or third person: "you fixed",
# "she stepped in", "Tom paired with".
DEED_VERBS = (
    r"(\w+ed|built|wrote|took|made|ran|led|gave|found|caught|stepped|stayed|spent|"
    r"shipped|taught|brought|kept|drove|set up|pulled|put|did|showed|spotted|"
    r"stood|held|got|won|went|came|sat|thought|tried|chose|dug|rewrote|broke down|"
    r"walked|picked up|jumped in|took over|explained|organised|organized|untangled)"
)
DEED = re.compile(
    r"\b(you|you've|you have|she|he|they|you two|you all|both of you)\s+(\w+ly\s+)?"
    + DEED_VERBS
    + r"\b",
    re.IGNORECASE,
)
# Praise of who someone is rather than what they did.
TRAITS = re.compile(
    r"\b(you('re| are)|you were|she is|he is|they are)\s+(always\s+|so\s+|such\s+an?\s+|"
    r"really\s+|the\s+|a\s+|an\s+)*(great|amazing|awesome|smart|kind|helpful|brilliant|"
    r"fantastic|wonderful|the best|a star|a rock ?star|a legend|incredible|talented|"
    r"a joy|a pleasure|superstar|hero)\b",
    re.IGNORECASE,
)
GENERIC = re.compile(
    r"^\s*((great|good|nice|awesome|amazing|excellent|well done|thanks|thank you|"
    r"keep it up|good job|great job|great work|good work|nice work|you rock|fantastic|"
    r"kudos|cheers|bravo|congrats|congratulations|shout-?out|props|legend|hero|"
    r"to|for|so|much|very|everything|all|of|the|your|you|team|work|job|help)[\s!.,:]*)+$",
    re.IGNORECASE,
)
# Why it mattered: a consequence for someone.
MATTERED = re.compile(
    r"\b(so that|so we|so the|so i|so they|so our|which meant|meant that|because|"
    r"as a result|thanks to (you|that|this|her|him|them)|without (you|that|this|it)|"
    r"helped|helps|saved|unblocked|allowed|enabled|made it (possible|easy|easier)|"
    r"made (\w+ ){0,4}(obvious|clear|clearer|easy|easier|faster|possible|better)|"
    r"led to|impact|customers?|users?|clients?|we could|we were able|they could|"
    r"i could|could finally|in time|on time|ahead of|avoided|prevented|reduced|cut|"
    r"doubled|grew|increased|fewer|less time|instead of|now we|now the|the team (can|could)|"
    r"everyone (can|could)|new joiners?|newcomers?|felt (welcome|safe|heard))\w*",
    re.IGNORECASE,
)
# Without any anchor, only a longer description counts as specific.
MIN_SPECIFIC_WORDS = 25
MIN_ANCHORED_WORDS = 6


@dataclass(frozen=True)
class Hint:
    code: str
    message: str


def _words(text: str) -> int:
    return len(text.split())


def is_generic(message: str) -> bool:
    """Only thanks and superlatives: "Great job, thank you so much!"."""
    return bool(GENERIC.match(message))


def names_a_deed(message: str) -> bool:
    """Says what they did: a deed, a moment, an occasion or a piece of work, in a sentence
    long enough to describe it (or a long description without any of them)."""
    text = message.strip()
    if not text or is_generic(text):
        return False
    words = _words(text)
    anchored = bool(
        DEED.search(text)
        or MOMENT.search(text)
        or QUOTE_OR_NUMBER.search(text)
        or OCCASION.search(text)
    )
    return words >= MIN_SPECIFIC_WORDS or (anchored and words >= MIN_ANCHORED_WORDS)


def only_traits(message: str) -> bool:
    """Praises who someone is ("you're so helpful") and names nothing they did."""
    return bool(TRAITS.search(message)) and not names_a_deed(message)


def says_why_it_mattered(message: str) -> bool:
    return bool(MATTERED.search(message))


def hints(*, message: str) -> list[Hint]:
    """What would make this recognition more specific. Empty when it already is."""
    text = message.strip()
    if not text:
        return []
    found = []
    if only_traits(text):
        found.append(
            Hint(
                "traits_only",
                "Praise what they did, not only who they are: the moment or the work "
                "that showed it.",
            )
        )
    elif not names_a_deed(text):
        found.append(
            Hint(
                "no_deed",
                "Say what they did: the moment, the piece of work, what they said or built.",
            )
        )
    if not says_why_it_mattered(text):
        found.append(
            Hint(
                "no_why",
                "Say why it mattered: who it helped and what it changed for them.",
            )
        )
    return found
