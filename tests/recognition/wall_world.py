"""Helpers for the giving, wall, values, profile and evidence tests, and the objects the
URL sweeps address (made on first use, through the services, so they are real).

The world's recognition: the member recognizes the report (the manager's report) for
collaboration, showing the world's value, tagged with the framework's competency; the
owner reacted 👏 and the manager commented.
"""

import re
from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from perfapp.accounts.models import User
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import scopes_disabled
from recognition.models import (
    CompanyValue,
    ContributionKind,
    PointsEntry,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
    RecognitionSettings,
)
from recognition.selectors import values as value_selectors
from recognition.services import recognition as services

HX = {"HX-Request": "true"}
SERIAL = count(1)
MESSAGE = (
    "On Tuesday you paired with me on the billing migration and wrote the rollback plan, "
    "so we shipped on time without a single failed invoice."
)


def kind_named(world, name: str = "Collaboration") -> ContributionKind:
    with world.scope():
        return value_selectors.kinds().get(name=name)


def value_of(world) -> CompanyValue:
    """The world's value (made on first use, without an audit entry: the URL sweeps compare
    the audit log before and after)."""
    with world.scope():
        found = CompanyValue.objects.filter(name="Better together").first()
        return found or CompanyValue.objects.create(
            organization=world.organization,
            name="Better together",
            emoji="🤝",
            description="We help.",
        )


def give(world, giver=None, recipients=None, **extra) -> Recognition:
    giver = giver or world.member
    recipients = recipients if recipients is not None else [world.report]
    fields = {
        "message": MESSAGE,
        "kind": kind_named(world),
        "values": [value_of(world)],
        **extra,
    }
    with world.scope():
        return services.give_recognition(giver=giver, recipients=recipients, **fields)


def recognition_of(world) -> Recognition:
    """The world's recognition (made on first use)."""
    with world.scope():
        found = Recognition.objects.order_by("id").first()
    if found is not None:
        return found
    recognition = give(world, competencies=[world.framework.competency])
    with world.scope():
        services.add_reaction(member=world.owner, recognition=recognition, emoji="👏")
        services.add_comment(author=world.manager, recognition=recognition, body="Well deserved!")
    return recognition


def reaction_of(world) -> Reaction:
    recognition = recognition_of(world)
    with world.scope():
        return Reaction.objects.filter(recognition=recognition).order_by("id").first()


def comment_of(world) -> RecognitionComment:
    recognition = recognition_of(world)
    with world.scope():
        return RecognitionComment.objects.filter(recognition=recognition).order_by("id").first()


def kind_of(world) -> ContributionKind:
    return kind_named(world)


def settings_of(world, **changes) -> RecognitionSettings:
    with world.scope():
        settings = RecognitionSettings.of(world.organization)
        for key, value in changes.items():
            setattr(settings, key, value)
        settings.save()
        return settings


def backdate(world, recognition: Recognition, when: datetime) -> None:
    with world.scope():
        Recognition.objects.filter(pk=recognition.pk).update(created_at=when)
        RecognitionRecipient.objects.filter(recognition=recognition).update(created_at=when)
        PointsEntry.objects.filter(recognition=recognition).update(created_at=when)


def settle_in(world, days: int = 400) -> None:
    """Everyone in the world joined long ago."""
    with world.scope():
        Membership.objects.update(joined_at=timezone.now() - timedelta(days=days))


def people(world, how_many: int, **fields) -> list[Membership]:
    numbers = [next(SERIAL) for _ in range(how_many)]
    users = User.objects.bulk_create(
        User(email=f"rw{n}@{world.organization.slug}.test", name=f"Colleague {n}") for n in numbers
    )
    with world.scope():
        return Membership.objects.bulk_create(
            Membership(organization=world.organization, user=user, **fields) for user in users
        )


def grow_wall(world, how_many: int, *, comments: int = 4, reactions: int = 3) -> None:
    """``how_many`` more recognitions (bulk), each with two recipients, a value, comments
    and reactions from several people."""
    value = value_of(world)
    kind = kind_named(world)
    crowd = people(world, max(reactions, comments, 2))
    with world.scope():
        rows = Recognition.objects.bulk_create(
            Recognition(
                organization=world.organization,
                giver=world.owner if n % 2 else world.hr,
                message=f"In sprint review {n} you demoed the importer, so sales could sell it.",
                kind=kind,
            )
            for n in range(how_many)
        )
        RecognitionRecipient.objects.bulk_create(
            RecognitionRecipient(
                organization=world.organization,
                recognition=row,
                recipient=person,
                created_at=row.created_at,
            )
            for row in rows
            for person in (world.report, crowd[0])
        )
        through = Recognition.values.through
        through.objects.bulk_create(
            through(recognition_id=row.pk, companyvalue_id=value.pk) for row in rows
        )
        Recognition.competencies.through.objects.bulk_create(
            Recognition.competencies.through(
                recognition_id=row.pk, competency_id=world.framework.competency.pk
            )
            for row in rows
        )
        RecognitionComment.objects.bulk_create(
            RecognitionComment(
                organization=world.organization, recognition=row, author=person, body="Yes!"
            )
            for row in rows
            for person in crowd[:comments]
        )
        Reaction.objects.bulk_create(
            Reaction(organization=world.organization, recognition=row, member=person, emoji=emoji)
            for row in rows
            for person in crowd[:reactions]
            for emoji in ("👏", "🎉")
        )


def same_moment(world) -> None:
    """Every recognition at one instant, so only the id orders them."""
    moment = timezone.now() - timedelta(hours=1)
    with world.scope():
        Recognition.objects.update(created_at=moment)
        RecognitionRecipient.objects.update(created_at=moment)


def outbox(kind: str) -> list:
    from perfapp.notifications.models import OutboxMessage

    with scopes_disabled():
        return list(OutboxMessage.objects.filter(kind=kind).order_by("id"))


def items_shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="recognition-(\d+)"', response.content.decode())]
