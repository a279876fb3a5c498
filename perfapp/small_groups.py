"""The small-group rule: a figure about fewer than ``MIN_GROUP`` people is never shown,
exported or answered by the API, so that a group of two cannot be read person by person.

One number for every group figure: HR analytics (every app's contribution), recognition
insights across teams, and promotion outcomes per level. The anonymity threshold of
feedback cycles (answers from at least three others) is a different rule and lives with
the cycles.
"""

MIN_GROUP = 5
HIDDEN_TEXT = f"fewer than {MIN_GROUP} people"


def too_small(people: int) -> bool:
    """Whether a figure about ``people`` people must stay hidden."""
    return people < MIN_GROUP
