"""Feedback as evidence for the recipient's promotion criteria."""

from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from advancement.evidence import EvidenceItem
from perfapp.orgs.models import Membership

from .models import Feedback, Visibility


class FeedbackEvidence:
    """Tagged feedback the recipient can read; private feedback only once they attach it."""

    key = "feedback"
    label = "Feedback"

    def items(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ):
        rows = (
            Feedback.objects.filter(
                recipient=subject,
                created_at__range=(since, until),
                competencies__id__in=competency_ids,
            )
            .filter(
                Q(visibility=Visibility.WITH_MANAGER)
                | Q(visibility=Visibility.PRIVATE, attached_as_evidence=True)
            )
            .select_related("author__user")
            .prefetch_related("competencies")
            .distinct()
        )
        for feedback in rows:
            yield EvidenceItem(
                source=self.key,
                kind=feedback.kind,
                title=f"{feedback.get_kind_display()} from {feedback.author.name}",
                occurred_at=feedback.created_at,
                competency_ids=frozenset(c.pk for c in feedback.competencies.all()),
                summary=feedback.situation[:280],
                url=reverse(
                    "feedback:detail",
                    kwargs={"org_slug": subject.organization.slug, "pk": feedback.pk},
                ),
            )
