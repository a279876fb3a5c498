"""Stretch assignments and mentoring given, as evidence for promotion criteria.

- A completed stretch assignment is evidence for each person chosen for it, for the
  competencies it builds, at the moment it was completed; the owner's outcome is its
  summary. The outcome is written for the owner, HR and the chosen people (see the
  opportunities API), so the item's audience is the person, the owner and HR; the person's
  manager chain and a calibration group read "Stretch assignment: …" without it.
- Mentoring given is evidence for the mentor, for the mentorship's competency: one item
  per mentorship with at least one logged session, dated when it closed or, while it
  runs, at the start of the day of its latest session in the organization's time zone
  (never later than when it was logged). The mentee is not named and the log stays private: the
  item says only how many sessions there were, so anyone who reads the evidence may read it.
"""

from datetime import datetime, time

from django.db.models import Count, Max, Prefetch
from django.urls import reverse

from advancement.evidence import EVERYONE, Audience, EvidenceItem, Placeholder
from advancement.models import Competency
from development.models import (
    InterestStatus,
    Mentorship,
    MentorshipStatus,
    OpportunityStatus,
    StretchAssignment,
)
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.timezones import zone_of


class StretchEvidence:
    key = "stretch"
    label = "Stretch assignments"
    # Frozen before items carried their audience: the owner is not in the packet.
    frozen_audience = Audience(subject=True, permission=Permission.MANAGE_GROWTH)

    def placeholder(self, item: EvidenceItem) -> Placeholder:
        """The assignment's title stays (its own title, the outcome apart)."""
        return Placeholder("stretch", item.title)

    def items(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ):
        through = StretchAssignment.competencies.through
        wanted = through.objects.filter(competency_id__in=competency_ids).values(
            "stretchassignment_id"
        )
        rows = (
            StretchAssignment.objects.filter(
                status=OpportunityStatus.COMPLETED,
                completed_at__range=(since, until),
                interests__person=subject,
                interests__status=InterestStatus.CHOSEN,
                pk__in=wanted,
            )
            .select_related("owner__user")
            .prefetch_related(Prefetch("competencies", queryset=Competency.objects.only("id")))
            .distinct()
        )
        for assignment in rows:
            yield EvidenceItem(
                source=self.key,
                kind="stretch",
                title=f"Stretch assignment: {assignment.title}",
                occurred_at=assignment.completed_at,
                competency_ids=frozenset(c.pk for c in assignment.competencies.all()),
                summary=f"{assignment.owner.name}: {assignment.owner_outcome}"[:280],
                url=reverse(
                    "development:opportunity",
                    kwargs={"org_slug": subject.organization.slug, "pk": assignment.pk},
                ),
                ref=f"stretch:{assignment.pk}",
                audience=Audience(
                    subject=True,
                    member_ids=frozenset({assignment.owner_id}),
                    members_label="its owner",
                    permission=Permission.MANAGE_GROWTH,
                ),
            )


class MentoringEvidence:
    key = "mentoring"
    label = "Mentoring given"
    frozen_audience = EVERYONE

    def items(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ):
        zone = zone_of(subject.organization)
        rows = (
            Mentorship.objects.filter(mentor=subject, competency_id__in=competency_ids)
            .select_related("competency")
            .annotate(
                session_count=Count("sessions"),
                last_session=Max("sessions__held_on"),
                last_logged=Max("sessions__created_at"),
            )
            .filter(session_count__gt=0)
        )
        for mentorship in rows:
            closed = mentorship.status == MentorshipStatus.CLOSED and mentorship.closed_at
            held = datetime.combine(mentorship.last_session, time(0), tzinfo=zone)
            moment = mentorship.closed_at if closed else min(held, mentorship.last_logged)
            if not since <= moment <= until:
                continue
            sessions = mentorship.session_count
            count = f"{sessions} session{'s' if sessions != 1 else ''}"
            yield EvidenceItem(
                source=self.key,
                kind="mentoring",
                title=f"Mentored a colleague in {mentorship.competency.name}",
                occurred_at=moment,
                competency_ids=frozenset({mentorship.competency_id}),
                summary=f"{count}, {'closed' if closed else 'ongoing'}.",
                ref=f"mentorship:{mentorship.pk}",
                audience=EVERYONE,
            )
