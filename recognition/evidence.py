"""Recognition as evidence for the recipients' promotion criteria.

A recognition counts for a competency when the giver tagged it with that competency, or
when HR mapped its contribution kind to it (so "Mentorship" recognition can count for a
"Coaching others" criterion without anyone tagging it). Recognition is public inside the
organization, so every recipient's evidence may show it.
"""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Prefetch, Q
from django.urls import reverse

from advancement.evidence import EvidenceItem
from advancement.models import Competency
from perfapp.orgs.models import Membership

from .models import Recognition, RecognitionRecipient


class RecognitionEvidence:
    key = "recognition"
    label = "Recognition"

    def items(
        self,
        *,
        subject: Membership,
        competency_ids: set[int],
        since: datetime,
        until: datetime,
    ) -> Iterator[EvidenceItem]:
        """Four queries whatever the amount: the recognition, its tags, its kinds' mapped
        competencies (through one prefetch) and its givers (joined)."""
        if not competency_ids:
            return
        received = RecognitionRecipient.objects.filter(
            recipient=subject, created_at__range=(since, until)
        ).values("recognition_id")
        only_ids = Competency.objects.only("id")
        rows = (
            Recognition.objects.filter(pk__in=received)
            .filter(
                Q(competencies__id__in=competency_ids)
                | Q(kind__competencies__id__in=competency_ids)
            )
            .select_related("giver__user", "kind")
            .prefetch_related(
                Prefetch("competencies", queryset=only_ids),
                Prefetch("kind__competencies", queryset=only_ids),
            )
            .distinct()
            .order_by("-created_at", "-id")
        )
        slug = subject.organization.slug
        for recognition in rows:
            tagged = {c.pk for c in recognition.competencies.all()}
            mapped = {c.pk for c in recognition.kind.competencies.all()}
            yield EvidenceItem(
                source=self.key,
                kind="recognition",
                title=f"{recognition.kind.name}: recognized by {recognition.giver.name}",
                occurred_at=recognition.created_at,
                competency_ids=frozenset(tagged | mapped),
                summary=recognition.message[:280],
                url=reverse("recognition:detail", kwargs={"org_slug": slug, "pk": recognition.pk}),
                ref=f"recognition:{recognition.pk}",
            )
