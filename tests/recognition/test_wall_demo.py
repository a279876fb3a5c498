"""The demo's recognition: values, kinds mapped to the demo framework, about fifteen
recognitions over two months with reactions, comments and points, and one person of the
first manager's team last recognized 75 days ago. Repeating the seed adds nothing."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from perfapp.orgs.models import Membership, Organization
from perfapp.tenancy.scoping import organization_scope
from recognition.models import (
    CompanyValue,
    ContributionKind,
    PointsEntry,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
)


def test_the_demo_has_a_lively_wall_and_someone_quiet(db, mailoutbox):
    call_command("seed_demo", stdout=StringIO())
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        counts = (Recognition.objects.count(), Reaction.objects.count())
        assert CompanyValue.objects.filter(archived_at__isnull=True).count() == 4
        assert ContributionKind.objects.filter(competencies__isnull=False).distinct().count() == 6
        assert counts[0] == 15 and counts[1] > 15
        assert RecognitionComment.objects.exists()
        assert PointsEntry.objects.filter(recognition__isnull=False).exists()
        oldest = Recognition.objects.order_by("created_at").first().created_at
        assert timezone.now() - oldest > timedelta(days=60)
        sam = Membership.objects.get(user__email="sam@acme.example")
        team = list(Membership.objects.filter(manager=sam, is_active=True))
        quiet_after = timezone.now() - timedelta(days=60)
        quiet = [
            person
            for person in team
            if not RecognitionRecipient.objects.filter(
                recipient=person, created_at__gte=quiet_after
            ).exists()
        ]
        assert any(
            RecognitionRecipient.objects.filter(recipient=person).exists() for person in quiet
        )  # last recognized, but long ago
    call_command("seed_demo", stdout=StringIO())
    with organization_scope(acme):
        assert (Recognition.objects.count(), Reaction.objects.count()) == counts
    assert mailoutbox == []
