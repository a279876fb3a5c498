"""Recognition rows in a person's data export, and what erasing a departed person
removes (``perfapp.privacy``): recognition they received (a recognition left without
recipients goes too), their reactions; comments they wrote are replaced. Recognition
they gave stays for its recipients, from "Former colleague". Points ledger rows stay
so balances and reward stock add up; their notes are cleared."""

from django.db.models import Q

from perfapp.privacy.registry import ERASED_TEXT, PersonalData, rows
from recognition.models import (
    PointsEntry,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
    Redemption,
)


def export(person) -> dict[str, list[dict]]:
    received = RecognitionRecipient.objects.filter(recipient=person)
    return {
        "recognition_given": rows(Recognition.objects.filter(giver=person)),
        "recognition_received": rows(
            Recognition.objects.filter(pk__in=received.values("recognition_id"))
        ),
        "recipient_rows": rows(received),
        "reactions": rows(Reaction.objects.filter(member=person)),
        "comments": rows(RecognitionComment.objects.filter(author=person)),
        "reward_requests": rows(Redemption.objects.filter(member=person)),
        "points_ledger": rows(PointsEntry.objects.filter(member=person)),
    }


def erase(person) -> None:
    received = list(
        RecognitionRecipient.objects.filter(recipient=person).values_list(
            "recognition_id", flat=True
        )
    )
    RecognitionRecipient.objects.filter(recipient=person).delete()
    Recognition.objects.filter(pk__in=received, recipient_rows__isnull=True).delete()
    Reaction.objects.filter(member=person).delete()
    RecognitionComment.objects.filter(author=person).update(body=ERASED_TEXT)
    Redemption.objects.filter(Q(member=person) | Q(decided_by=person)).exclude(note="").update(
        note=""
    )
    PointsEntry.objects.filter(Q(member=person) | Q(created_by=person)).exclude(note="").update(
        note=""
    )


PERSONAL_DATA = PersonalData(
    key="recognition",
    label="Recognition and points",
    order=40,
    export=export,
    erase=erase,
    covers=(
        "recognition.Recognition",
        "recognition.RecognitionRecipient",
        "recognition.Reaction",
        "recognition.RecognitionComment",
        "recognition.Redemption",
        "recognition.PointsEntry",
    ),
)
