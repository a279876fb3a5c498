"""Mentoring and stretch assignment objects for every test organization.

- The member offers to mentor (both competencies, two places) and mentors the report in
  the first competency.
- The report also asks the member about the second competency (a pending request).
- The manager posts an opportunity open to everyone; the report is interested.

So the two people of the mentorship and the request are the report (mentee) and the
member (mentor); the report's manager, the owner (skip-level) and HR are outsiders to it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from development.models import (
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    MentorshipSession,
    StretchAssignment,
    StretchInterest,
)
from development.services import mentoring, stretch


@dataclass
class GrowthWorld:
    profile: MentorProfile  # the member's offer to mentor
    # The member mentors the report (first competency). No session is logged: a logged
    # session would make the member's mentoring evidence in every app's evidence tests.
    mentorship: Mentorship
    request: MentorshipRequest  # pending: the report asks the member (second competency)
    opportunity: StretchAssignment  # posted by the manager, open to everyone
    interest: StretchInterest  # the report's interest in it


def build_growth(world) -> GrowthWorld:
    craft, teamwork = world.framework.competency, world.framework.other_competency
    with world.scope():
        profile = mentoring.save_offer(
            actor=world.member, competencies=[craft, teamwork], capacity=2, about="Ask me."
        )
        first = mentoring.request_mentor(
            mentee=world.report,
            mentor=world.member,
            competency=craft,
            message=f"I'd like to write better tests ({world.organization.slug}).",
        )
        mentorship = mentoring.accept_request(
            actor=world.member, request=first, goals="Ship one well-tested feature."
        )
        request = mentoring.request_mentor(
            mentee=world.report,
            mentor=world.member,
            competency=teamwork,
            message="How do you run a good design review?",
        )
        opportunity = stretch.post_opportunity(
            actor=world.manager,
            title=f"Lead the incident review ({world.organization.slug})",
            description="Run the quarterly incident review with the platform team.",
            competencies=[craft],
            commitment="light",
            duration_weeks=4,
            seats=1,
            closes_on=timezone.now().date() + timedelta(days=30),
        )
        interest = stretch.express_interest(
            person=world.report, assignment=opportunity, note="I ran the last postmortem."
        )
    return GrowthWorld(profile, mentorship, request, opportunity, interest)


def growth_snapshot(organization) -> dict:
    """Everything of mentoring and stretch assignments a leaked write could change (for
    the isolation sweep). Call it with scopes disabled."""
    org = organization
    return {
        "offers": sorted(
            MentorProfile.objects.filter(organization=org).values_list("id", "capacity", "about")
        ),
        "mentor_requests": sorted(
            MentorshipRequest.objects.filter(organization=org).values_list("id", "status")
        ),
        "mentorships": sorted(
            Mentorship.objects.filter(organization=org).values_list(
                "id", "status", "goals", "cadence", "mentor_reflection", "mentee_reflection"
            )
        ),
        "sessions": MentorshipSession.objects.filter(organization=org).count(),
        "opportunities": sorted(
            StretchAssignment.objects.filter(organization=org).values_list(
                "id", "title", "status", "seats", "owner_outcome"
            )
        ),
        "interests": sorted(
            StretchInterest.objects.filter(organization=org).values_list(
                "id", "status", "note", "person_outcome"
            )
        ),
    }
