"""Writes: asking colleagues for feedback, and answering or declining what was asked."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from feedback.models import Feedback, FeedbackRequest, RequestReviewer, RequestStatus
from feedback.permissions import can_ask_about
from feedback.rules import reminders
from feedback.services.common import org_url
from feedback.services.giving import give_feedback
from perfapp.notifications import services as notifications
from perfapp.notifications.models import OutboxMessage, OutboxStatus
from perfapp.orgs.models import Membership
from perfapp.timezones import local_today

REQUEST_EXPIRES_AFTER = timedelta(days=14)
MAX_REVIEWERS = 10


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
    url = org_url(organization, "feedback:answer", pk=row.pk)
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
        url=org_url(request.organization, "feedback:request", pk=request.pk),
    )
    return row


def expire_requests(today: date) -> int:
    """Pending answers whose request is long past due expire (run daily)."""
    cutoff = today - REQUEST_EXPIRES_AFTER
    rows = RequestReviewer.objects.filter(
        status=RequestStatus.PENDING, request__due_date__lt=cutoff
    )
    return rows.update(status=RequestStatus.EXPIRED, responded_at=timezone.now())
