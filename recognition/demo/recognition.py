"""Demo recognition: company values, the built-in contribution kinds mapped to the demo
career framework's competencies, and about fifteen recognitions over the last two months
with reactions, comments and some points.

Most of it lands on the first manager's team, except one of its people, last recognized
75 days ago, so the "not recognized lately" lists have someone to show.
"""

from datetime import timedelta

from django.utils import timezone

from advancement.models import Competency
from perfapp.orgs.models import Membership, Organization
from recognition.models import (
    CompanyValue,
    ContributionKind,
    PointsEntry,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
)
from recognition.selectors import values as selectors
from recognition.services import recognition as services
from recognition.services import values as value_services

VALUES = [
    ("🤝", "Better together", "We share, we help, and we ask for help early."),
    ("🎯", "Customers first", "We start from the problem a customer has, not the feature we like."),
    ("🔍", "Own it", "We see things through, and say so early when something slips."),
    ("🌱", "Learn in the open", "We share what we learn, including what didn't work."),
]
# Kind (by position in the built-in set) -> words of the competencies it maps to.
KIND_COMPETENCIES = {
    0: ("delivery",),
    1: ("collaboration",),
    2: ("mentorship", "coaching"),
    3: ("problem solving",),
    4: ("innovation",),
    5: ("customer",),
}

# (giver, recipients, days ago, kind, values, points each, message). People by their index in
# the demo organization: 0 owner, 1 first manager, 4 HR admin, 5 and 6 employees; the first
# manager's reports are 6, 9, 12, 15, 18, 21, 24 and 27.
RECOGNITIONS = [
    (
        5,
        [6, 12],
        1,
        1,
        ["Better together"],
        20,
        "On Monday's incident call you two split the work without being asked: Aisha wrote "
        "the timeline in the channel while Hana rolled back the deploy. Support could answer "
        "customers within minutes instead of waiting for the postmortem.",
    ),
    (
        1,
        [15],
        3,
        2,
        ["Learn in the open"],
        15,
        "You paired with our new joiner for two afternoons this week and wrote down every "
        "question she asked in the onboarding doc. She shipped her first change on day four, "
        "and the next newcomer gets the doc for free.",
    ),
    (
        4,
        [1],
        5,
        0,
        ["Own it"],
        0,
        "You closed the Q3 hiring plan two weeks early and kept the candidate pipeline "
        "notes so tidy that the panel needed no briefing. It meant offers went out before "
        "the holidays.",
    ),
    (
        6,
        [18],
        8,
        3,
        ["Own it"],
        10,
        "The flaky checkout test had beaten three of us. You spent Thursday bisecting it to "
        "a time-zone bug in the fixtures, so the whole team can trust the build again.",
    ),
    (
        0,
        [21, 24],
        11,
        5,
        ["Customers first"],
        25,
        "You joined the escalation call with the hospital's IT lead on a Saturday and walked "
        "them through the export step by step. They renewed on Monday and asked for you by name.",
    ),
    (
        12,
        [27],
        14,
        4,
        ["Learn in the open"],
        0,
        "You prototyped the offline mode in a week although nobody was sure it would work, "
        "and then wrote up what failed as carefully as what worked. We now know which path "
        "to take next quarter.",
    ),
    (
        9,
        [5],
        17,
        1,
        ["Better together"],
        10,
        "When the design review stalled, you sketched three layouts on the whiteboard and "
        "asked each of us which problem it solved. We left with one decision instead of a "
        "follow-up meeting.",
    ),
    (
        1,
        [6],
        20,
        2,
        ["Better together", "Learn in the open"],
        0,
        "Your talk on reading flame graphs at Friday's guild was the clearest 20 minutes "
        "I've seen this year. Two teams have already found slow queries with it.",
    ),
    (
        15,
        [12, 18],
        24,
        0,
        ["Own it"],
        15,
        "You two shipped the new billing export on the date we promised customers, with the "
        "migration rehearsed twice beforehand, so not a single invoice was wrong.",
    ),
    (
        21,
        [1],
        28,
        2,
        ["Better together"],
        0,
        "Our 1:1s this month helped me more than any course: you asked what I wanted to "
        "learn and then gave me the on-call rotation lead to practise it.",
    ),
    (
        7,
        [24],
        33,
        3,
        ["Customers first"],
        10,
        "You noticed that 40% of support tickets came from one confusing settings screen and "
        "rewrote its labels in an afternoon. Tickets about it dropped by half the next week.",
    ),
    (
        6,
        [27, 15],
        38,
        1,
        ["Better together"],
        0,
        "During the office move you kept the team's demo running from a laptop in the "
        "kitchen, so the customer never noticed anything was going on.",
    ),
    (
        0,
        [5],
        44,
        4,
        ["Own it", "Learn in the open"],
        20,
        "You proposed replacing our hand-rolled queue with the managed one, ran the "
        "experiment on one service first and shared the numbers openly. It's cut our "
        "on-call pages in half.",
    ),
    (
        18,
        [21],
        52,
        5,
        ["Customers first"],
        0,
        "You spent Tuesday on a customer's warehouse floor watching how their crew sets up "
        "our robots. The three changes you brought back halved their setup time.",
    ),
    (
        1,
        [9],
        75,
        3,
        ["Own it"],
        0,
        "You untangled the permissions bug that had blocked the release for a week and "
        "wrote a test for every case you found, so it can't come back.",
    ),
]
REACTIONS = ["👏", "🎉", "❤️", "🙌", "🚀", "💡"]
COMMENTS = [
    "So well deserved!",
    "Can confirm, this saved my week.",
    "This is what great looks like. Thank you!",
    "Yes! The whole team noticed.",
]


def _backdate(recognition: Recognition, when) -> None:
    Recognition.objects.filter(pk=recognition.pk).update(created_at=when)
    RecognitionRecipient.objects.filter(recognition=recognition).update(created_at=when)
    PointsEntry.objects.filter(recognition=recognition).update(created_at=when)


def _seed_values(actor: Membership) -> dict[str, CompanyValue]:
    if not CompanyValue.objects.exists():
        for emoji, name, description in VALUES:
            value_services.add_value(actor=actor, name=name, description=description, emoji=emoji)
    return {value.name: value for value in selectors.active_values()}


def _map_kinds(actor: Membership, kinds: list[ContributionKind]) -> None:
    competencies = list(Competency.objects.filter(archived_at__isnull=True))
    for index, words in KIND_COMPETENCIES.items():
        if index >= len(kinds) or kinds[index].competencies.exists():
            continue
        mapped = [c for c in competencies if any(word in c.name.lower() for word in words)]
        if mapped:
            kind = kinds[index]
            value_services.change_kind(
                actor=actor,
                kind=kind,
                name=kind.name,
                description=kind.description,
                competencies=mapped,
            )


def seed_recognition(organization: Organization, members: list[Membership]) -> None:
    hr = members[4] if len(members) > 4 else members[0]
    values = _seed_values(hr)
    kinds = list(selectors.kinds())
    _map_kinds(hr, kinds)
    if Recognition.objects.exists() or len(members) < 28:
        return
    competencies = {c.name: c for c in Competency.objects.filter(archived_at__isnull=True)}
    now = timezone.now()
    for number, (giver, recipients, days, kind, value_names, points_each, message) in enumerate(
        RECOGNITIONS
    ):
        tags = [c for name, c in competencies.items() if number % 5 == 0 and "Collab" in name]
        recognition = services.give_recognition(
            giver=members[giver],
            recipients=[members[index] for index in recipients],
            message=message,
            kind=kinds[kind % len(kinds)],
            values=[values[name] for name in value_names if name in values],
            competencies=tags,
            points_each=points_each,
        )
        when = now - timedelta(days=days, hours=number * 3 % 9)
        _backdate(recognition, when)
        readers = [members[(giver + step * 4) % 20] for step in range(1, 2 + number % 4)]
        for step, reader in enumerate(readers):
            if reader.pk == recognition.giver_id:
                continue
            reaction = services.add_reaction(
                member=reader, recognition=recognition, emoji=REACTIONS[(number + step) % 6]
            )
            Reaction.objects.filter(pk=reaction.pk).update(created_at=when + timedelta(hours=1))
        if number % 2 == 0:
            commenter = members[(giver + 2) % 20]
            comment = services.add_comment(
                author=commenter, recognition=recognition, body=COMMENTS[number % len(COMMENTS)]
            )
            RecognitionComment.objects.filter(pk=comment.pk).update(
                created_at=when + timedelta(hours=2)
            )
