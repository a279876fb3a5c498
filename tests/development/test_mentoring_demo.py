"""The demo seeder gives Acme a few mentors, a mentorship with a log, a request waiting for
an answer, and two opportunities with interest (one underway, its goal in the chosen
person's plan); running it again adds nothing."""

from io import StringIO

from django.core.management import call_command

from development.models import (
    Goal,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    StretchAssignment,
    StretchInterest,
)
from perfapp.orgs.models import Organization
from perfapp.tenancy.scoping import organization_scope


def _counts(acme) -> tuple:
    with organization_scope(acme):
        return (
            MentorProfile.objects.count(),
            Mentorship.objects.count(),
            MentorshipRequest.objects.count(),
            StretchAssignment.objects.count(),
            StretchInterest.objects.count(),
        )


def test_the_demo_has_mentoring_and_stretch_assignments(db, mailoutbox):
    call_command("seed_demo", stdout=StringIO())
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        mentors = set(MentorProfile.objects.values_list("membership__user__email", flat=True))
        assert {"sam@acme.example", "priya@acme.example", "mei@acme.example"} <= mentors
        mentorship = Mentorship.objects.get()
        assert mentorship.mentor.user.email == "sam@acme.example"
        assert mentorship.mentee.user.email == "tom@acme.example"
        assert mentorship.sessions.count() == 3
        waiting = MentorshipRequest.objects.get(status="pending")
        assert waiting.mentee.user.email == "aisha@acme.example"
        board = {a.title: a for a in StretchAssignment.objects.all()}
        assert len(board) == 2
        assert all(a.interests.exists() for a in board.values())
        underway = StretchAssignment.objects.get(status="underway")
        chosen = underway.interests.get(status="chosen")
        assert chosen.person.user.email == "aisha@acme.example"
        assert Goal.objects.get(stretch_interest=chosen).plan.owner == chosen.person
    before = _counts(acme)
    call_command("seed_demo", stdout=StringIO())
    assert _counts(acme) == before
    assert mailoutbox == []
