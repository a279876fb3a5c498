"""What recognition contributes to 1:1s through the core's registries: recognitions as link
targets for talking points and action items (``perfapp.links``), and "not recognized
lately" as a coaching signal (``perfapp.coaching``). Registered in
``RecognitionConfig.ready``; the check-in app never imports this module.

Recognition is public inside the organization, so any member may see a linked one.
"""

from collections.abc import Collection
from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from perfapp.coaching import Suggestion
from perfapp.orgs.models import Membership
from recognition.models import Recognition, RecognitionRecipient, RecognitionSettings

CANDIDATES = 20


class RecognitionLinks:
    key = "recognition"
    label = "Recognition"
    model = Recognition

    def load(self, ids: Collection[int]) -> dict[int, Recognition]:
        rows = Recognition.objects.filter(pk__in=list(ids)).select_related("giver__user", "kind")
        return {row.pk: row for row in rows}

    def candidates(self, *, subject: Membership, viewer: Membership) -> list[Recognition]:
        """What the subject received or gave lately, newest first (two queries)."""
        received = RecognitionRecipient.objects.filter(recipient=subject).values("recognition_id")
        rows = (
            Recognition.objects.filter(Q(pk__in=received) | Q(giver=subject))
            .select_related("giver__user", "kind")
            .order_by("-created_at", "-id")
        )
        return list(rows[:CANDIDATES])

    def can_see(self, obj: Recognition, *, viewer: Membership) -> bool:
        return obj.organization_id == viewer.organization_id

    def describe(self, obj: Recognition, *, viewer: Membership) -> tuple[str, str]:
        giver = "you" if obj.giver_id == viewer.pk else obj.giver.name
        when = timezone.localtime(obj.created_at)
        excerpt = Truncator(obj.message).chars(50)
        label = f"Recognition from {giver}, {when:%-d %b}: {obj.kind.name} — “{excerpt}”"
        url = reverse(
            "recognition:detail", kwargs={"org_slug": viewer.organization.slug, "pk": obj.pk}
        )
        return label, url


def quiet_recognition(*, subject: Membership, viewer: Membership) -> list[Suggestion]:
    """For the subject's manager: nobody has recognized the subject within the
    organization's quiet window (``RecognitionSettings.quiet_after_days``, 60 by default).
    Counted from the day they joined, so a newcomer is not "quiet" in week one. Two
    queries: the settings and the subject's latest recognition."""
    if subject.manager_id != viewer.pk or not subject.is_active:
        return []
    days = RecognitionSettings.of(subject.organization).quiet_after_days
    since = timezone.now() - timedelta(days=days)
    if subject.joined_at and subject.joined_at > since:
        return []
    if RecognitionRecipient.objects.filter(recipient=subject, created_at__gte=since).exists():
        return []
    first = subject.user.get_short_name() or subject.name
    return [
        Suggestion(
            key="recognition.quiet",
            theme="growth",
            text="What have you done lately that you're proud of, and who should know about it?",
            reason=f"Nobody has recognized {first} in the last {days} days.",
        )
    ]
