"""Feedback as evidence for the recipient's promotion criteria.

Each item's audience is the feedback's own (``feedback.permissions.can_read_feedback``): shared
with the manager, the recipient, their manager and its writer; private and attached by
the recipient, the recipient and its writer only: attaching makes it count as evidence,
not readable by people its writer did not address. Everyone else who reads the evidence
(HR, skip-levels, a calibration group) sees "Feedback from a colleague, shared with …".
"""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from advancement.evidence import (
    ONLY_SUBJECT,
    Audience,
    EvidenceItem,
    Placeholder,
    competencies_by_item,
    urls_of,
)
from advancement.models import EvidenceMark, EvidenceMarkAction
from feedback.models import Feedback, FeedbackKind, Visibility
from perfapp.accounts.models import display_name
from perfapp.orgs.models import Membership

REF_PREFIX = "feedback:"


class FeedbackEvidence:
    """Tagged feedback the recipient can read; private feedback only once they attach it
    (on the feedback itself, or from their readiness view, which marks it ``attach``)."""

    key = "feedback"
    label = "Feedback"
    # Items frozen in a packet before items carried their audience: which visibility and
    # writer they had is not in the packet, so only the recipient reads them in full.
    frozen_audience = ONLY_SUBJECT

    def placeholder(self, item: EvidenceItem) -> Placeholder:
        return Placeholder("feedback", "Feedback from a colleague")

    def _received(self, subject: Membership, competency_ids: set[int], since, until):
        """Rows as plain values, not models: a readiness view reads a couple of hundred of
        them, and building three models per row (feedback, author, user) was most of its
        time. The competency condition is an ``EXISTS``, so no row comes twice."""
        attached = EvidenceMark.objects.filter(
            subject=subject,
            action=EvidenceMarkAction.ATTACH,
            item_ref=Concat(Value(REF_PREFIX), Cast(OuterRef("pk"), CharField())),
        )
        tagged = Feedback.competencies.through.objects.filter(
            feedback_id=OuterRef("pk"), competency_id__in=competency_ids
        )
        return (
            Feedback.objects.filter(recipient=subject, created_at__range=(since, until))
            .filter(Exists(tagged))
            .annotate(marked=Exists(attached))
            .order_by("-created_at", "-id")
        )

    def _items(self, subject: Membership, rows) -> Iterator[EvidenceItem]:
        found = list(
            rows.values(
                "pk",
                "kind",
                "created_at",
                "situation",
                "visibility",
                "author_id",
                "author__user__name",
                "author__user__email",
            )
        )
        competencies = competencies_by_item(
            Feedback.competencies.through.objects.filter(
                feedback_id__in=[row["pk"] for row in found]
            ).values_list("feedback_id", "competency_id")
        )
        kinds = dict(FeedbackKind.choices)
        url_of = urls_of("feedback:detail", subject.organization.slug)
        for row in found:
            author = display_name(row["author__user__name"], row["author__user__email"])
            yield EvidenceItem(
                source=self.key,
                kind=row["kind"],
                title=f"{kinds[row['kind']]} from {author}",
                occurred_at=row["created_at"],
                competency_ids=frozenset(competencies[row["pk"]]),
                summary=row["situation"][:280],
                url=url_of(row["pk"]),
                ref=f"{REF_PREFIX}{row['pk']}",
                audience=Audience(
                    subject=True,
                    manager=row["visibility"] == Visibility.WITH_MANAGER,
                    member_ids=frozenset({row["author_id"]}),
                ),
            )

    def items(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ):
        rows = self._received(subject, competency_ids, since, until).filter(
            Q(visibility=Visibility.WITH_MANAGER)
            | Q(visibility=Visibility.PRIVATE, attached_as_evidence=True)
            | Q(visibility=Visibility.PRIVATE, marked=True)
        )
        yield from self._items(subject, rows)

    def attachable(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ):
        """Private feedback the recipient received and has not attached: what only they
        see in their readiness view, to attach if they choose."""
        rows = self._received(subject, competency_ids, since, until).filter(
            visibility=Visibility.PRIVATE, attached_as_evidence=False, marked=False
        )
        yield from self._items(subject, rows)
