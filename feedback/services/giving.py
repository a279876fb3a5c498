"""Writes: giving feedback, editing it for a short while, and counting it as evidence."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from feedback.models import Feedback, FeedbackKind, RequestReviewer, Visibility
from feedback.services.common import org_url
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership
from perfapp.text import excerpt

EDIT_WINDOW = timedelta(minutes=30)


def _validate_content(kind: str, situation: str, visibility: str) -> dict:
    errors = {}
    if kind not in FeedbackKind.values:
        errors["kind"] = "Choose praise, constructive or a suggestion for the future."
    if not situation.strip():
        errors["situation"] = "Describe what happened: the situation and what they did."
    if visibility not in Visibility.values:
        errors["visibility"] = "Choose who may read it."
    return errors


def _competencies_ok(author: Membership, competencies) -> bool:
    return not any(
        c.organization_id != author.organization_id or c.is_archived for c in competencies
    )


def _check_recipient(author: Membership, recipient: Membership) -> None:
    if recipient.organization_id != author.organization_id:
        raise ValidationError({"recipient": "Choose a colleague from this organization."})
    if recipient.pk == author.pk:
        raise ValidationError(
            {"recipient": "Feedback is for someone else; you can't send it to yourself."}
        )
    if not recipient.is_active:
        raise ValidationError({"recipient": f"{recipient.name} is no longer active here."})


@transaction.atomic
def give_feedback(
    *,
    author: Membership,
    recipient: Membership,
    kind: str,
    situation: str,
    impact: str = "",
    suggestion: str = "",
    visibility: str = Visibility.PRIVATE,
    competencies=(),
    request_reviewer: RequestReviewer | None = None,
) -> Feedback:
    _check_recipient(author, recipient)
    errors = _validate_content(kind, situation, visibility)
    asked_by_manager = (
        request_reviewer is not None and request_reviewer.request.is_about_someone_else
    )
    if visibility == Visibility.MANAGER_ONLY and not asked_by_manager:
        errors["visibility"] = "“Only the manager who asked” is for answers to a manager's request."
    if asked_by_manager and visibility == Visibility.PRIVATE:
        errors["visibility"] = (
            "A manager asked for this: share it with them (and, if you like, the person)."
        )
    competencies = list(competencies)
    if not _competencies_ok(author, competencies):
        errors["competencies"] = "Choose active competencies of this organization."
    if errors:
        raise ValidationError(errors)
    feedback = Feedback.objects.create(
        organization=author.organization,
        author=author,
        recipient=recipient,
        kind=kind,
        situation=situation.strip(),
        impact=impact.strip(),
        suggestion=suggestion.strip(),
        visibility=visibility,
        request_reviewer=request_reviewer,
    )
    feedback.competencies.set(competencies)
    _announce(feedback, asked_by_manager)
    return feedback


def _announce(feedback: Feedback, asked_by_manager: bool) -> None:
    organization = feedback.author.organization
    if feedback.visibility != Visibility.MANAGER_ONLY:
        notifications.queue(
            recipient=feedback.recipient,
            kind="feedback.received",
            occasion=f"feedback:{feedback.pk}",
            title=f"{feedback.author.name} gave you feedback",
            body=f"{feedback.get_kind_display()}: {excerpt(feedback.situation, 140)}",
            url=org_url(organization, "feedback:detail", pk=feedback.pk),
        )
    if asked_by_manager:
        # Asked by a manager: the feedback answers a request (see give).
        assert feedback.request_reviewer is not None
        requester = feedback.request_reviewer.request.requester
        notifications.queue(
            recipient=requester,
            kind="feedback.request_answered",
            occasion=f"feedback:{feedback.pk}:requester",
            title=f"{feedback.author.name} answered your request about {feedback.recipient.name}",
            url=org_url(organization, "feedback:detail", pk=feedback.pk),
        )


@transaction.atomic
def edit_feedback(*, author: Membership, feedback: Feedback, **fields) -> Feedback:
    """The writer may fix what they wrote for a short while after sending it."""
    if feedback.author_id != author.pk:
        raise ValidationError("Only the person who wrote this feedback can edit it.")
    if timezone.now() - feedback.created_at > EDIT_WINDOW:
        raise ValidationError(
            f"Feedback can be edited for {int(EDIT_WINDOW.total_seconds() // 60)} minutes after "
            "sending; this one is final now."
        )
    situation = fields.get("situation", feedback.situation)
    errors = _validate_content(fields.get("kind", feedback.kind), situation, feedback.visibility)
    if "competencies" in fields:
        fields["competencies"] = list(fields["competencies"])
        # Competencies it already carries stay allowed, even if archived since.
        kept = {c.pk for c in feedback.competencies.all()}
        if not _competencies_ok(author, [c for c in fields["competencies"] if c.pk not in kept]):
            errors["competencies"] = "Choose active competencies of this organization."
    if errors:
        raise ValidationError(errors)
    for key in ("kind", "situation", "impact", "suggestion"):
        if key in fields:
            setattr(feedback, key, fields[key].strip())
    feedback.edited_at = timezone.now()
    feedback.save()
    if "competencies" in fields:
        feedback.competencies.set(fields["competencies"])
    return feedback


def attach_as_evidence(*, recipient: Membership, feedback: Feedback, attached: bool) -> Feedback:
    if feedback.recipient_id != recipient.pk:
        raise ValidationError("Only the recipient decides whether feedback counts as evidence.")
    if feedback.visibility != Visibility.PRIVATE:
        # Shared with the manager it counts already; written only for the manager who
        # asked, the recipient does not read it at all.
        raise ValidationError("Only private feedback is added to your evidence by choice.")
    feedback.attached_as_evidence = attached
    feedback.save(update_fields=["attached_as_evidence"])
    return feedback
