"""Asking colleagues for feedback, and answering or declining what was asked.

As on the giving pages (``feedback.views.giving``), a request may be seen only by who made
it and whom it asks, and anything else answers 404.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from feedback.forms.requests import AnswerForm, DeclineForm, RequestForm
from feedback.models import FeedbackRequest, RequestReviewer, RequestStatus, Visibility
from feedback.permissions import can_read_feedback, can_see_request
from feedback.selectors import requests as selectors
from feedback.services import requests as services
from feedback.views.giving import PAGE_SIZE, hints_for
from perfapp.orgs.models import Membership
from perfapp.orgs.selectors import direct_reports
from perfapp.tenancy.views import org_view
from perfapp.timezones import local_today
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import go, id_from

RECENTLY_ANSWERED = timedelta(days=30)
DEFAULT_DUE_IN = timedelta(days=7)


@org_view(reader_time_zone=True)
@require_safe
def requests(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    made = Paginator(selectors.requests_made(viewer), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = selectors.requests_for_me(viewer, open_only=False)
    pending = list(mine.filter(status=RequestStatus.PENDING))
    recent = list(
        mine.filter(
            ~Q(status=RequestStatus.PENDING),
            responded_at__gte=timezone.now() - RECENTLY_ANSWERED,
        ).order_by("-responded_at", "-id")[:PAGE_SIZE]
    )
    return render(
        request,
        "feedback/requests.html",
        {
            "made": made,
            "pending": pending,
            "recent": recent,
            "show_team": viewer.is_manager,
            "today": local_today(viewer),
            "query": "",
        },
    )


@org_view(reader_time_zone=True)
def request_new(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    reports = list(direct_reports(viewer)) if viewer.is_manager else []
    today = local_today(viewer)
    about = id_from(request.GET.get("about"))
    initial = {
        "subject": about if about in {r.pk for r in reports} else viewer.pk,
        "due_date": today + DEFAULT_DUE_IN,
    }
    form = RequestForm(
        request.POST or None, viewer=viewer, reports=reports, today=today, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            asked = services.request_feedback(
                requester=viewer,
                subject=data["subject"] or viewer,
                reviewers=list(data["reviewers"]),
                topic=data["topic"],
                due_date=data["due_date"],
                message=data["message"],
                competency=data["competency"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            count = len(data["reviewers"])
            messages.success(
                request,
                f"Asked {count} colleague{'s' if count != 1 else ''} for feedback "
                f"on “{asked.topic}”.",
            )
            return go(request, "feedback:request", pk=asked.pk)
    return render(
        request,
        "feedback/request_new.html",
        {"form": form, "choose_subject": bool(reports)},
        status=400 if form.errors else 200,
    )


@org_view(reader_time_zone=True)
@require_safe
def request(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    asked = get_object_or_404(
        FeedbackRequest.objects.select_related("requester__user", "subject__user", "competency"),
        pk=pk,
    )
    rows = list(
        RequestReviewer.objects.filter(request=asked)
        .select_related("reviewer__user", "answer__recipient")
        .order_by("id")
    )
    if not can_see_request(viewer, asked, {row.reviewer_id for row in rows}):
        raise Http404
    is_requester = viewer.pk == asked.requester_id
    if not is_requester:
        rows = [row for row in rows if row.reviewer_id == viewer.pk]
    for row in rows:
        answer = getattr(row, "answer", None)
        row.readable_answer = (
            answer
            if answer is not None
            and can_read_feedback(viewer, answer, requester_id=asked.requester_id)
            else None
        )
    return render(
        request,
        "feedback/request.html",
        {
            "asked": asked,
            "rows": rows,
            "is_requester": is_requester,
            "today": local_today(viewer),
            "answered": sum(row.status == RequestStatus.ANSWERED for row in rows),
        },
    )


def _my_row(viewer: Membership, pk: int) -> RequestReviewer:
    return get_object_or_404(
        RequestReviewer.objects.select_related(
            "request__requester__user",
            "request__subject__user",
            "request__subject__manager__user",
            "request__competency",
        ),
        pk=pk,
        reviewer=viewer,
    )


def _answer_visibility(asked: FeedbackRequest) -> list[tuple[str, str]]:
    subject = asked.subject
    if asked.is_about_someone_else:
        return [
            (Visibility.MANAGER_ONLY, f"Only {asked.requester.name}, the manager who asked"),
            (Visibility.WITH_MANAGER, f"{subject.name} and their manager"),
        ]
    manager = subject.manager.name if subject.manager_id else "their manager"
    return [
        (Visibility.PRIVATE, f"Only {subject.name}"),
        (Visibility.WITH_MANAGER, f"{subject.name} and {manager}"),
    ]


@org_view(reader_time_zone=True)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    row = _my_row(viewer, pk)
    asked = row.request
    choices = _answer_visibility(asked)
    competency = asked.competency
    form = AnswerForm(
        request.POST or None,
        visibility_choices=choices,
        initial={
            "visibility": choices[0][0],
            "competencies": [competency.pk] if competency and not competency.is_archived else [],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.answer_request(reviewer=viewer, row=row, **form.content())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Thank you! {asked.requester.name} can read your answer.")
            return go(request, "feedback:detail", pk=feedback.pk)
        row.refresh_from_db(fields=["status", "responded_at", "decline_reason"])
    answered = getattr(row, "answer", None) if row.status == RequestStatus.ANSWERED else None
    context = {
        "form": form,
        "row": row,
        "asked": asked,
        "answered": answered,
        "today": local_today(viewer),
        **hints_for(request.POST),
    }
    return render(request, "feedback/answer.html", context, status=400 if form.errors else 200)


@org_view(reader_time_zone=True)
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    row = _my_row(viewer, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_request(reviewer=viewer, row=row, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Declined. {row.request.requester.name} sees your reason.")
            return go(request, "feedback:requests")
        row.refresh_from_db(fields=["status", "responded_at", "decline_reason"])
    return render(
        request,
        "feedback/decline.html",
        {"form": form, "row": row, "asked": row.request},
        status=400 if form.errors else 200,
    )
