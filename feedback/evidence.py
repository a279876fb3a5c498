"""Feedback as evidence for the recipient's promotion criteria."""

from datetime import datetime

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from advancement.evidence import EvidenceItem
from advancement.models import EvidenceMark, EvidenceMarkAction
from perfapp.orgs.models import Membership

from .models import Feedback, Visibility

REF_PREFIX = "feedback:"


class FeedbackEvidence:
    """Tagged feedback the recipient can read; private feedback only once they attach it
    (on the feedback itself, or from their readiness view, which marks it ``attach``)."""

    key = "feedback"
    label = "Feedback"

    def _received(self, subject: Membership, competency_ids: set[int], since, until):
        attached = EvidenceMark.objects.filter(
            subject=subject,
            action=EvidenceMarkAction.ATTACH,
            item_ref=Concat(Value(REF_PREFIX), Cast(OuterRef("pk"), CharField())),
        )
        return (
            Feedback.objects.filter(
                recipient=subject,
                created_at__range=(since, until),
                competencies__id__in=competency_ids,
            )
            .annotate(marked=Exists(attached))
            .select_related("author__user")
            .prefetch_related("competencies")
            .distinct()
        )

    def _item(self, subject: Membership, feedback: Feedback) -> EvidenceItem:
        return EvidenceItem(
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
            ref=f"{REF_PREFIX}{feedback.pk}",
        )

    def items(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ):
        rows = self._received(subject, competency_ids, since, until).filter(
            Q(visibility=Visibility.WITH_MANAGER)
            | Q(visibility=Visibility.PRIVATE, attached_as_evidence=True)
            | Q(visibility=Visibility.PRIVATE, marked=True)
        )
        for feedback in rows:
            yield self._item(subject, feedback)

    def attachable(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ):
        """Private feedback the recipient received and has not attached: what only they
        see in their readiness view, to attach if they choose."""
        rows = self._received(subject, competency_ids, since, until).filter(
            visibility=Visibility.PRIVATE, attached_as_evidence=False, marked=False
        )
        for feedback in rows:
            yield self._item(subject, feedback)
