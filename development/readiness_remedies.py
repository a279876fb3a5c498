"""What a person's development plan does about their readiness gaps, for the readiness
view (``advancement.remedies``): goals under way that grow the competency, stretch
assignments they were chosen for or asked to join, and active mentorships in which they
learn it. Three queries whatever the amounts. Goals the owner kept private show without
their title, as in the goal evidence."""

from django.db.models import Prefetch
from django.urls import reverse

from advancement.models import Competency
from advancement.remedies import Remedy
from development.evidence import PRIVATE_GOAL
from development.models import (
    Goal,
    GoalStatus,
    GoalVisibility,
    InterestStatus,
    Mentorship,
    MentorshipStatus,
    OpportunityStatus,
    StretchInterest,
)
from development.services.plans import plan_url
from perfapp.orgs.models import Membership

UNDER_WAY = (GoalStatus.ON_TRACK, GoalStatus.AT_RISK)
OPEN_ASSIGNMENTS = (OpportunityStatus.OPEN, OpportunityStatus.UNDERWAY)
TAKEN = (InterestStatus.INTERESTED, InterestStatus.CHOSEN)


class DevelopmentRemedies:
    key = "development"
    label = "Development plan"

    def remedies(self, *, subject: Membership, competency_ids: set[int]):
        if not competency_ids:
            return
        only_ids = Prefetch("competencies", queryset=Competency.objects.only("id"))
        goals = (
            Goal.objects.filter(
                plan__owner=subject,
                status__in=UNDER_WAY,
                competencies__id__in=competency_ids,
            )
            .prefetch_related(only_ids)
            .distinct()
            .order_by("target_on", "id")
        )
        url = plan_url(subject)
        for goal in goals:
            shared = goal.visibility == GoalVisibility.TEAM
            yield Remedy(
                source=self.key,
                kind="goal",
                title=f"Goal: {goal.title}" if shared else PRIVATE_GOAL,
                competency_ids=frozenset(c.pk for c in goal.competencies.all()),
                detail=f"{goal.get_status_display()}, due {goal.target_on:%-d %b %Y}",
                url=url,
            )
        interests = (
            StretchInterest.objects.filter(
                person=subject,
                status__in=TAKEN,
                assignment__status__in=OPEN_ASSIGNMENTS,
                assignment__competencies__id__in=competency_ids,
            )
            .select_related("assignment")
            .prefetch_related(
                Prefetch("assignment__competencies", queryset=Competency.objects.only("id"))
            )
            .distinct()
        )
        slug = subject.organization.slug
        for interest in interests:
            assignment = interest.assignment
            yield Remedy(
                source=self.key,
                kind="stretch",
                title=f"Stretch assignment: {assignment.title}",
                competency_ids=frozenset(c.pk for c in assignment.competencies.all()),
                detail=interest.get_status_display(),
                url=reverse(
                    "development:opportunity", kwargs={"org_slug": slug, "pk": assignment.pk}
                ),
            )
        mentorships = Mentorship.objects.filter(
            mentee=subject, status=MentorshipStatus.ACTIVE, competency_id__in=competency_ids
        ).select_related("mentor__user")
        for mentorship in mentorships:
            yield Remedy(
                source=self.key,
                kind="mentor",
                title=f"Mentored by {mentorship.mentor.name}",
                competency_ids=frozenset({mentorship.competency_id}),
                detail=f"Since {mentorship.started_at:%-d %b %Y}",
            )
