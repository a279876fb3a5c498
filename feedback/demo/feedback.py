"""Demo feedback: a few weeks of real-sounding feedback, open and answered requests, a
closed anonymous 360 with results, and an open one with reviews to write."""

from datetime import timedelta

from django.utils import timezone

from advancement.models import Competency
from feedback.models import Feedback, FeedbackCycle, ReviewerAssignment, Visibility
from feedback.services import cycles, giving, requests
from perfapp.orgs.models import Membership, Organization
from perfapp.timezones import local_today

PRAISE = [
    (
        "In Tuesday's incident call you wrote the timeline in the channel as it happened.",
        "Support could answer customers within minutes instead of waiting for the postmortem.",
    ),
    (
        "Your design review doc for the billing migration compared three options with costs.",
        "We decided in one meeting instead of three, and nobody felt steamrolled.",
    ),
    (
        "During onboarding you paired with the new engineer for two afternoons.",
        "She shipped her first change on day four and told me she felt welcome.",
    ),
    (
        "At the quarterly demo you credited the two people who fixed the flaky tests.",
        "The whole team saw that unglamorous work counts here.",
    ),
]
CONSTRUCTIVE = [
    (
        "In yesterday's planning meeting the estimate for the export feature changed three "
        "times without the reasons written down.",
        "The product team left unsure what we committed to.",
        "Next time, could you note each assumption in the ticket as you change the estimate?",
    ),
    (
        "The pull request for search ranking was 1,800 lines and sat unreviewed for a week.",
        "Two reviewers gave up and the release slipped.",
        "Try splitting changes like this into steps of a few hundred lines each.",
    ),
]
SUGGESTIONS = [
    (
        "You explain the system architecture really well in one-to-one conversations.",
        "",
        "Consider recording a 15-minute walkthrough for the wiki; new joiners would love it.",
    ),
]


def seed_feedback(organization: Organization, members: list[Membership]) -> None:
    if Feedback.objects.exists():
        return
    competencies = list(Competency.objects.filter(archived_at__isnull=True).order_by("name"))
    people = members[:20]
    now = timezone.now()
    written = []
    pairs = [
        (index, giver, people[(index * step + offset) % len(people)])
        for step, offset in ((7, 3), (3, 1), (11, 5))
        for index, giver in enumerate(people)
    ]
    for index, giver, receiver in pairs:
        if receiver.pk == giver.pk:
            continue
        index += len(written)  # vary texts and dates across the passes
        if index % 4 == 3:
            situation, impact, suggestion = CONSTRUCTIVE[index % len(CONSTRUCTIVE)]
            kind = "constructive"
        elif index % 7 == 5:
            situation, impact, suggestion = SUGGESTIONS[0]
            kind = "suggestion"
        else:
            situation, impact = PRAISE[index % len(PRAISE)]
            suggestion, kind = "", "praise"
        feedback = giving.give_feedback(
            author=giver,
            recipient=receiver,
            kind=kind,
            situation=situation,
            impact=impact,
            suggestion=suggestion,
            visibility=Visibility.WITH_MANAGER if index % 3 else Visibility.PRIVATE,
            competencies=competencies[index % len(competencies) : index % len(competencies) + 1]
            if competencies
            else [],
        )
        written.append((feedback, now - timedelta(days=len(written) + index % 5, hours=index)))
    for feedback, moment in written:  # spread over the last weeks
        Feedback.objects.filter(pk=feedback.pk).update(created_at=moment)
    employee = members[5]
    requests.request_feedback(
        requester=employee,
        subject=employee,
        reviewers=[members[6], members[7], members[1]],
        topic="My first design review as presenter",
        message="What should I keep, and what would make it clearer?",
        due_date=now.date() + timedelta(days=5),
    )
    _cycles(organization, members)


def _cycles(organization: Organization, members: list[Membership]) -> None:
    hr, employee = members[4], members[5]
    today = local_today(organization)
    # Run today, then dated back: a cycle cannot be set up with dates in the past.
    past = cycles.save_cycle(
        actor=hr,
        cycle=FeedbackCycle(
            name="Spring 360",
            description="Our first anonymous 360: what should each of us keep, start, stop?",
            opens_on=today,
            closes_on=today + timedelta(days=20),
            anonymous=True,
            include_peers=False,
            include_reports=False,
        ),
    )
    keep = cycles.add_question(
        actor=hr, cycle=past, kind="text", prompt="What should they keep doing?"
    )
    rating = cycles.add_question(
        actor=hr, cycle=past, kind="rating", prompt="How clearly do they communicate plans?"
    )
    cycles.set_participants(actor=hr, cycle=past, members=[employee])
    cycles.open_cycle(actor=hr, cycle=past)
    entry = past.participants.get(participant=employee)
    for reviewer, text, score in (
        (members[6], "Writing things down before meetings; it saves everyone time.", 4),
        (members[7], "Asking the quiet people in the room for their view.", 5),
        (members[8], "Owning the on-call handover notes; they are the best we have.", 4),
    ):
        assignment = ReviewerAssignment.objects.create(
            organization=organization,
            cycle=past,
            participant=entry,
            reviewer=reviewer,
            relation="peer",
        )
        cycles.submit_answers(
            reviewer=reviewer,
            assignment=assignment,
            answers={keep.pk: (None, text), rating.pk: (score, "")},
        )
    for assignment in ReviewerAssignment.objects.filter(cycle=past, status="pending"):
        text = (
            "Sharing context early, before anyone has to ask."
            if assignment.relation == "manager"
            else "Saying no to new work when the sprint is full."
        )
        answers = {keep.pk: (None, text), rating.pk: (4, "")}
        cycles.submit_answers(reviewer=assignment.reviewer, assignment=assignment, answers=answers)
    cycles.close_cycle(actor=hr, cycle=past)
    FeedbackCycle.objects.filter(pk=past.pk).update(
        opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=20)
    )
    current = cycles.save_cycle(
        actor=hr,
        cycle=FeedbackCycle(
            name="Autumn 360",
            opens_on=today - timedelta(days=2),
            closes_on=today + timedelta(days=12),
            anonymous=True,
        ),
    )
    cycles.add_question(actor=hr, cycle=current, kind="text", prompt="What should they keep doing?")
    cycles.add_question(
        actor=hr, cycle=current, kind="text", prompt="What is one thing they could try next?"
    )
    cycles.set_participants(actor=hr, cycle=current, members=members[5:12])
    cycles.open_cycle(actor=hr, cycle=current)
