"""The specificity nudge: hints while writing, computed locally, never blocking.

Rules of thumb from how good feedback reads: it names a concrete moment (when, where,
what was said or done), says what that changed for someone, and, when it asks for a
change, looks forward with a suggestion. Each rule is a small, tested function.
"""

import re
from dataclasses import dataclass

# What anchors feedback in a particular moment: a day, a date, "yesterday", a number or a
# quoted phrase.
DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
MOMENTS = (
    r"yesterday|today|tonight|this (morning|afternoon|week|sprint|quarter)|earlier today|"
    r"last (night|week|month|sprint|quarter|time)|(on )?(" + DAYS + r")('s)?|"
    r"in (" + MONTHS + r")"
)
MOMENT_MARKERS = re.compile(r"\b(" + MOMENTS + r")\b", re.IGNORECASE)
# A number, or a quoted phrase ("…", “…”, '…'); an apostrophe inside a word is no quote.
QUOTE_OR_NUMBER = re.compile(r"\d|\"[^\"]+\"|“[^”]+”|(?<!\w)'[^']+'(?!\w)")
# Occasions and artefacts also anchor it. Plain connectives ("in the", "at the") do not:
# "You are so helpful in the team" names nothing that happened.
OCCASION_MARKERS = re.compile(
    r"\b(during|when you|meetings?|demos?|reviews?|presentations?|standups?|stand-ups?|"
    r"retros?|retrospectives?|incidents?|launch(es)?|releases?|calls?|workshops?|"
    r"interviews?|onboarding|pull requests?|prs?|tickets?|docs?|documents?|emails?|"
    r"slides?|deadlines?|sprints?|planning|1:1s?|one-on-ones?|offsites?|specs?|rfcs?|"
    r"postmortems?|roadmaps?|decks?|proposals?|pitch(es)?|outage|migration|rollout|"
    r"deploy(ment)?s?)\b",
    re.IGNORECASE,
)
# "Always", "never", "you keep …ing": a pattern, which lands only with one real moment.
GENERALIZATION = re.compile(
    r"\b(always|never|constantly|all the time|every time|keeps? \w+ing)\b", re.IGNORECASE
)
GENERIC_PRAISE = re.compile(
    r"^\s*((great|good|nice|awesome|amazing|excellent|well done|thanks|thank you|keep it up|"
    r"good job|great job|great work|good work|nice work|you rock|fantastic)[\s!.,]*"
    r"(job|work)?[\s!.,]*)+$",
    re.IGNORECASE,
)
IMPACT_MARKERS = re.compile(
    r"\b(so that|which meant|meant that|because|as a result|helped|helps|saved|unblocked|"
    r"allowed|made it|made (\w+ ){0,4}(obvious|clear|clearer|easy|easier|faster|possible)|"
    r"led to|impact|customers?|users?|clients?|we could|we were able|they could|i could|"
    r"confus|delay|risk|cost|frustrat)\w*",
    re.IGNORECASE,
)
# Looking forward: an invitation to do something differently. Bare "keep", "stop" or
# "start" are not enough ("you keep interrupting", "you never stop talking").
FORWARD_MARKERS = re.compile(
    r"\b(next time|in future|in the future|going forward|from now on|could you|you could|"
    r"could try|try|consider|suggest|instead|how about|what if|would it help|it would help|"
    r"it might help|would be (better|great|good|helpful)|i'd love|please)\b",
    re.IGNORECASE,
)
# Without any anchor, only a longer description counts as specific.
MIN_SPECIFIC_WORDS = 25


@dataclass(frozen=True)
class Hint:
    code: str
    message: str


def is_concrete(situation: str) -> bool:
    text = situation.strip()
    if not text or GENERIC_PRAISE.match(text):
        return False
    words = len(text.split())
    moment = bool(MOMENT_MARKERS.search(text) or QUOTE_OR_NUMBER.search(text))
    if GENERALIZATION.search(text) and not moment:
        return False
    anchored = moment or bool(OCCASION_MARKERS.search(text))
    return words >= MIN_SPECIFIC_WORDS or (anchored and words >= 5)


def states_impact(situation: str, impact: str) -> bool:
    return bool(impact.strip()) or bool(IMPACT_MARKERS.search(situation))


def looks_forward(suggestion: str, situation: str) -> bool:
    return bool(suggestion.strip()) or bool(FORWARD_MARKERS.search(situation))


def hints(*, kind: str, situation: str, impact: str = "", suggestion: str = "") -> list[Hint]:
    """What would make this feedback more useful. Empty when it already is."""
    found = []
    if not is_concrete(situation):
        found.append(
            Hint(
                "no_example",
                "Name a specific moment: when and where it happened, and what was said or done.",
            )
        )
    if not states_impact(situation, impact):
        found.append(Hint("no_impact", "Say what it changed: for you, the team, or a customer."))
    if kind in ("constructive", "suggestion") and not looks_forward(suggestion, situation):
        found.append(
            Hint(
                "no_suggestion",
                "Add one thing to try next time, so the feedback looks forward.",
            )
        )
    return found
