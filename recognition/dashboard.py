"""What recognition contributes to the manager's team dashboard (``perfapp.web.dashboard``):
when each person was last recognized, and who nobody has recognized within the
organization's quiet window (60 days by default). Registered in ``RecognitionConfig``."""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from perfapp.compiled import CompiledQuery
from perfapp.web.dashboard import Attention, Cell, Column, Contribution, days_ago
from recognition.models import RecognitionRecipient, RecognitionSettings

# Every team dashboard reads it for the whole team: compiled once (perfapp/compiled.py).
_latest = CompiledQuery(
    lambda organization_id, member_ids: (
        RecognitionRecipient.objects.filter(
            organization_id=organization_id, recipient_id__in=member_ids
        )
        .order_by()
        .values_list("recipient_id")
        .annotate(last=Max("created_at"))
    ),
    params=("organization_id", "member_ids"),
)


class RecognitionColumns:
    """Two queries: the settings and everyone's latest recognition."""

    key = "recognition"
    order = 30
    columns = (Column("recognition_last", "Last recognized"),)

    def rows(self, members, *, viewer, today):
        days = RecognitionSettings.of(viewer.organization).quiet_after_days
        now = timezone.now()
        since = now - timedelta(days=days)
        latest = (
            dict(
                _latest(
                    organization_id=members[0].organization_id,
                    member_ids=[person.pk for person in members],
                )
            )
            if members
            else {}
        )
        found = {}
        for person in members:
            last = latest.get(person.pk)
            # Counted from the day they joined, so a newcomer is not "quiet" in week one.
            quiet = (last is None or last < since) and not (
                person.joined_at and person.joined_at > since
            )
            if last is None:
                cell = Cell("Never", sort=None, tone="warning" if quiet else "")
            else:
                day = timezone.localtime(last).date()
                cell = Cell(days_ago(day, today), sort=last, tone="warning" if quiet else "")
            contribution = Contribution(cells={"recognition_last": cell})
            if quiet:
                contribution.attention.append(
                    Attention("recognition.quiet", f"Not recognized in {days} days")
                )
            found[person.pk] = contribution
        return found
