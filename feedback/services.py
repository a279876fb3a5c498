"""Writes: giving feedback, asking for it, and answering or declining requests."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from perfapp.notifications import services as notifications
from perfapp.notifications.models import OutboxMessage, OutboxStatus
from perfapp.orgs.models import Membership
from perfapp.text import excerpt
from perfapp.timezones import local_today

from . import reminders
from .models import (
    Feedback,
    FeedbackKind,
    FeedbackRequest,
    RequestReviewer,
    RequestStatus,
    Visibility,
)
from .permissions import can_ask_about

EDIT_WINDOW = timedelta(minutes=30)
REQUEST_EXPIRES_AFTER = timedelta(days=14)
MAX_REVIEWERS = 10


def _url(organization, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


# --- giving -----------------------------------------------------------------------------


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
            url=_url(organization, "feedback:detail", pk=feedback.pk),
        )
    if asked_by_manager:
        requester = feedback.request_reviewer.request.requester
        notifications.queue(
            recipient=requester,
            kind="feedback.request_answered",
            occasion=f"feedback:{feedback.pk}:requester",
            title=f"{feedback.author.name} answered your request about {feedback.recipient.name}",
            url=_url(organization, "feedback:detail", pk=feedback.pk),
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


# --- asking -----------------------------------------------------------------------------


@transaction.atomic
def request_feedback(
    *,
    requester: Membership,
    subject: Membership,
    reviewers: list[Membership],
    topic: str,
    due_date: date,
    message: str = "",
    competency=None,
) -> FeedbackRequest:
    errors = {}
    if not can_ask_about(requester, subject):
        errors["subject"] = "You can ask about yourself or about someone who reports to you."
    elif not subject.is_active:
        errors["subject"] = f"{subject.name} is no longer active here."
    reviewers = list({r.pk: r for r in reviewers}.values())
    if not reviewers:
        errors["reviewers"] = "Choose at least one colleague to ask."
    elif len(reviewers) > MAX_REVIEWERS:
        errors["reviewers"] = f"Ask at most {MAX_REVIEWERS} people at once."
    elif any(r.pk in (subject.pk, requester.pk) for r in reviewers):
        errors["reviewers"] = "Ask colleagues other than yourself and the person it is about."
    elif any(not r.is_active or r.organization_id != requester.organization_id for r in reviewers):
        errors["reviewers"] = "Everyone you ask must be an active member here."
    if not topic.strip():
        errors["topic"] = "Say what you'd like feedback on: a project, a presentation, a skill."
    if due_date < local_today(requester):
        errors["due_date"] = "Choose a due date from today on."
    if competency is not None and (
        competency.organization_id != requester.organization_id or competency.is_archived
    ):
        errors["competency"] = "Choose an active competency of this organization."
    if errors:
        raise ValidationError(errors)
    request = FeedbackRequest.objects.create(
        organization=requester.organization,
        requester=requester,
        subject=subject,
        topic=topic.strip(),
        message=message.strip(),
        competency=competency,
        due_date=due_date,
    )
    for reviewer in reviewers:
        row = RequestReviewer.objects.create(
            organization=requester.organization, request=request, reviewer=reviewer
        )
        _schedule_request_messages(row, request)
    return request


def _schedule_request_messages(row: RequestReviewer, request: FeedbackRequest) -> None:
    reviewer, organization = row.reviewer, request.organization
    url = _url(organization, "feedback:answer", pk=row.pk)
    title = (
        f"{request.requester.name} asks for your feedback on “{request.topic}”"
        if not request.is_about_someone_else
        else f"{request.requester.name} asks for your feedback about {request.subject.name}"
    )
    notifications.queue(
        recipient=reviewer,
        kind="feedback.requested",
        occasion=f"request:{row.pk}",
        title=title,
        body=f"Due {request.due_date:%-d %B}. {request.message}".strip(),
        url=url,
    )
    soon = reminders.before_due(request.due_date, reviewer)
    if soon > timezone.now():
        notifications.queue(
            recipient=reviewer,
            kind="feedback.request_reminder",
            occasion=f"request:{row.pk}:due",
            title=f"Feedback for {request.requester.name} is due tomorrow",
            body=f"About “{request.topic}”.",
            url=url,
            due_at=soon,
        )
    notifications.queue(
        recipient=reviewer,
        kind="feedback.request_reminder",
        occasion=f"request:{row.pk}:overdue",
        title=f"{request.requester.name} is still waiting for your feedback",
        body=f"About “{request.topic}”. Answer, or decline with a reason.",
        url=url,
        due_at=reminders.after_due(request.due_date, reviewer),
    )


def _cancel_reminders(row: RequestReviewer) -> None:
    OutboxMessage.objects.filter(
        recipient=row.reviewer,
        kind="feedback.request_reminder",
        occasion__startswith=f"request:{row.pk}:",
        status=OutboxStatus.PENDING,
    ).update(status=OutboxStatus.CANCELLED)


def _open_row(reviewer: Membership, row: RequestReviewer) -> RequestReviewer:
    row = (
        RequestReviewer.objects.select_for_update()
        .select_related("request__requester__user", "request__subject__user")
        .get(pk=row.pk)
    )
    if row.reviewer_id != reviewer.pk:
        raise ValidationError("This request was sent to someone else.")
    if row.status == RequestStatus.ANSWERED:
        raise ValidationError("You have already answered this request.")
    if row.status == RequestStatus.DECLINED:
        raise ValidationError("You declined this request.")
    if row.status == RequestStatus.EXPIRED:
        raise ValidationError("This request has expired.")
    return row


@transaction.atomic
def answer_request(*, reviewer: Membership, row: RequestReviewer, **content) -> Feedback:
    row = _open_row(reviewer, row)
    feedback = give_feedback(
        author=reviewer, recipient=row.request.subject, request_reviewer=row, **content
    )
    row.status, row.responded_at = RequestStatus.ANSWERED, timezone.now()
    row.save(update_fields=["status", "responded_at"])
    _cancel_reminders(row)
    return feedback


@transaction.atomic
def decline_request(*, reviewer: Membership, row: RequestReviewer, reason: str) -> RequestReviewer:
    row = _open_row(reviewer, row)
    if not reason.strip():
        raise ValidationError({"reason": "Say why, so they can ask someone else."})
    row.status, row.decline_reason, row.responded_at = (
        RequestStatus.DECLINED,
        reason.strip(),
        timezone.now(),
    )
    row.save(update_fields=["status", "decline_reason", "responded_at"])
    _cancel_reminders(row)
    request = row.request
    notifications.queue(
        recipient=request.requester,
        kind="feedback.request_declined",
        occasion=f"request:{row.pk}:declined",
        title=f"{reviewer.name} declined your request “{request.topic}”",
        body=row.decline_reason,
        url=_url(request.organization, "feedback:request", pk=request.pk),
    )
    return row


def expire_requests(today: date) -> int:
    """Pending answers whose request is long past due expire (run daily)."""
    cutoff = today - REQUEST_EXPIRES_AFTER
    rows = RequestReviewer.objects.filter(
        status=RequestStatus.PENDING, request__due_date__lt=cutoff
    )
    return rows.update(status=RequestStatus.EXPIRED, responded_at=timezone.now())
