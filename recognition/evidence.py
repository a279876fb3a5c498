"""Recognition as evidence for the recipients' promotion criteria.

A recognition counts for a competency when the giver tagged it with that competency, or
when HR mapped its contribution kind to it (so "Mentorship" recognition can count for a
"Coaching others" criterion without anyone tagging it). Recognition is public inside the
organization, so every recipient's evidence may show it to whoever reads that evidence
(its audience is everyone).
"""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Exists, OuterRef

from advancement.evidence import EVERYONE, EvidenceItem, competencies_by_item, urls_of
from perfapp.accounts.models import display_name
from perfapp.orgs.models import Membership
from recognition.models import ContributionKind, Recognition, RecognitionRecipient


class RecognitionEvidence:
    key = "recognition"
    label = "Recognition"
    frozen_audience = EVERYONE

    def items(
        self,
        *,
        subject: Membership,
        competency_ids: set[int],
        since: datetime,
        until: datetime,
    ) -> Iterator[EvidenceItem]:
        """Three queries whatever the amount: the recognition with its kind and giver (plain
        values: building models for a couple of hundred rows was most of a readiness
        view's time), its tags, and its kinds' mapped competencies."""
        if not competency_ids:
            return
        received = RecognitionRecipient.objects.filter(
            recipient=subject, created_at__range=(since, until)
        ).values("recognition_id")
        tagged = Recognition.competencies.through.objects.filter(
            recognition_id=OuterRef("pk"), competency_id__in=competency_ids
        )
        mapped = ContributionKind.competencies.through.objects.filter(
            contributionkind_id=OuterRef("kind_id"), competency_id__in=competency_ids
        )
        rows = list(
            Recognition.objects.filter(pk__in=received)
            .filter(Exists(tagged) | Exists(mapped))
            .order_by("-created_at", "-id")
            .values(
                "pk",
                "created_at",
                "message",
                "kind_id",
                "kind__name",
                "giver__user__name",
                "giver__user__email",
            )
        )
        tags = competencies_by_item(
            Recognition.competencies.through.objects.filter(
                recognition_id__in=[row["pk"] for row in rows]
            ).values_list("recognition_id", "competency_id")
        )
        kinds = competencies_by_item(
            ContributionKind.competencies.through.objects.filter(
                contributionkind_id__in={row["kind_id"] for row in rows}
            ).values_list("contributionkind_id", "competency_id")
        )
        url_of = urls_of("recognition:detail", subject.organization.slug)
        for row in rows:
            giver = display_name(row["giver__user__name"], row["giver__user__email"])
            yield EvidenceItem(
                source=self.key,
                kind="recognition",
                title=f"{row['kind__name']}: recognized by {giver}",
                occurred_at=row["created_at"],
                competency_ids=frozenset(tags[row["pk"]] | kinds[row["kind_id"]]),
                summary=row["message"][:280],
                url=url_of(row["pk"]),
                ref=f"recognition:{row['pk']}",
                audience=EVERYONE,
            )
