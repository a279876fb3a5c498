"""Demo mentoring and stretch assignments: a few mentors, a mentorship with a log of
sessions, a request waiting for an answer, and two opportunities with interest (one
underway, so the chosen person's plan shows the linked goal).

Acme's people: 0 Priya (owner), 1 Sam, 2 Lena, 3 Diego (team leads), 4 Mei (HR),
5 Tom (Design, reports to Diego), 6 Aisha (Platform, reports to Sam), 7 Jonas, 9 Kwame.
"""

from datetime import timedelta

from django.utils import timezone

from advancement.models import Competency
from development.models import Audience, Commitment, MentorProfile, Mentorship, StretchAssignment
from development.services import mentoring, stretch
from perfapp.orgs.models import Membership, Organization, Team

OFFERS = [
    # (person index, competency names, capacity, about)
    (
        1,
        ["System design", "Technical craft"],
        2,
        "I've designed our payments and event pipelines; happy to review designs with you "
        "and think out loud about trade-offs.",
    ),
    (
        2,
        ["Delivery & execution", "Collaboration"],
        2,
        "Planning, estimating and shipping with a mobile team across three time zones.",
    ),
    (
        0,
        ["Customer & business impact", "Innovation & calculated risk"],
        1,
        "How product bets get made, and how to make a case for yours.",
    ),
    (
        4,
        ["Collaboration", "Mentorship & growing others"],
        2,
        "Running hard conversations well, and growing the people around you.",
    ),
    (
        7,
        ["Problem solving", "Technical craft"],
        1,
        "Debugging, profiling, and asking good questions.",
    ),
]


def _competencies(names: list[str]) -> list[Competency]:
    found = list(Competency.objects.filter(name__in=names, archived_at__isnull=True))
    if found:
        return found
    return list(Competency.objects.filter(archived_at__isnull=True).order_by("name")[:2])


def seed_growth(organization: Organization, members: list[Membership]) -> None:
    if MentorProfile.objects.exists() or StretchAssignment.objects.exists():
        return
    if len(members) < 10 or not Competency.objects.exists():
        return
    for index, names, capacity, about in OFFERS:
        mentoring.save_offer(
            actor=members[index], competencies=_competencies(names), capacity=capacity, about=about
        )
    _mentorship(members)
    _opportunities(members)


def _mentorship(members: list[Membership]) -> None:
    sam, lena, tom, aisha = members[1], members[2], members[5], members[6]
    design = _competencies(["System design"])[0]
    asked = mentoring.request_mentor(
        mentee=tom,
        mentor=sam,
        competency=design,
        message="I'd like to lead the design of our next service, and I freeze when the "
        "discussion turns to trade-offs. Could we look at a few of your past designs?",
    )
    started = mentoring.accept_request(
        actor=sam,
        request=asked,
        goals="Write and defend one design doc end to end by the end of the quarter; "
        "learn to compare options with their costs.",
        cadence="biweekly",
    )
    today = timezone.now().date()
    Mentorship.objects.filter(pk=started.pk).update(started_at=timezone.now() - timedelta(weeks=7))
    started.refresh_from_db()
    for weeks_ago, notes in (
        (6, "Walked through the payments design doc: how each option was costed."),
        (4, "Tom drafted the options section for the search indexer; we sharpened the costs."),
        (2, "Dry run of the design review. Next: present it to the platform team."),
    ):
        mentoring.log_session(
            actor=sam if weeks_ago % 4 else tom,
            mentorship=started,
            held_on=today - timedelta(weeks=weeks_ago),
            notes=notes,
        )
    delivery = _competencies(["Delivery & execution"])[0]
    mentoring.request_mentor(
        mentee=aisha,
        mentor=lena,
        competency=delivery,
        message="Our estimates keep slipping and I'd like to get better at planning a "
        "project of a few weeks. How do you break work down?",
    )


def _opportunities(members: list[Membership]) -> None:
    sam, mei = members[1], members[4]
    handbook = stretch.post_opportunity(
        actor=sam,
        title="Lead the on-call handbook rewrite",
        description="Our on-call handbook is two years old and half of it is wrong. Lead its "
        "rewrite with two engineers from each product team: interview last quarter's "
        "on-call people, restructure it around real incidents, and run one game day to test "
        "it. You'll work closely with the platform team and present it at the all-hands.",
        competencies=_competencies(["Technical craft", "Collaboration"]),
        commitment=Commitment.LIGHT,
        duration_weeks=6,
        seats=1,
        closes_on=timezone.now().date() + timedelta(days=14),
    )
    for index, note in (
        (5, "I was on call during the March outage and know where the handbook fails."),
        (7, "I'd love to practise leading a group effort across teams."),
        (9, "I wrote the runbooks for the queue service; happy to turn them into a model."),
    ):
        stretch.express_interest(person=members[index], assignment=handbook, note=note)
    # Open to the teams of the two people who put themselves forward (Platform and Mobile).
    teams = list(Team.objects.filter(pk__in=[members[6].team_id, members[7].team_id]))
    onboarding = stretch.post_opportunity(
        actor=mei,
        title="Run the new-joiner onboarding week",
        description="Eight engineers join in the spring. Plan and run their first week: the "
        "schedule, buddies, a first small change shipped by Friday, and a short survey at the "
        "end. HR helps with logistics; the content is yours.",
        competencies=_competencies(["Collaboration", "Mentorship & growing others"]),
        commitment=Commitment.PART,
        duration_weeks=4,
        seats=2,
        audience=Audience.TEAMS if teams else Audience.EVERYONE,
        teams=teams,
    )
    interests = [
        stretch.express_interest(person=members[index], assignment=onboarding, note=note)
        for index, note in (
            (6, "My own onboarding was great thanks to a buddy; I'd like to pass that on."),
            (7, "I've been wanting to grow as a mentor; this is a good first step."),
        )
    ]
    stretch.choose(actor=mei, assignment=onboarding, interests=interests[:1])
