"""Giving and reading feedback (asking for it: ``feedback.views.requests``).

Every read goes through the selectors (which apply the visibility rules of
``feedback.permissions``) and every write through the services; a page that may not be
seen answers 404, exactly like a missing one.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from feedback.forms.giving import EditForm, FeedbackForm, TimelineFilterForm
from feedback.models import Feedback, Visibility
from feedback.permissions import can_see_request
from feedback.rules import nudge as nudge_rules
from feedback.selectors import giving as selectors
from feedback.selectors.requests import requests_for_me
from feedback.services import giving as services
from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view, render_htmx
from perfapp.timezones import local_today
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import go, id_from, message_of

PAGE_SIZE = 20
ASKED_OF_YOU_SHOWN = 5
ASKED_OF_YOU_NAMES = ("request__requester__user", "request__subject__user")


# --- who reads what, in words ---------------------------------------------------------------


def _who(person: Membership, viewer: Membership) -> str:
    return "you" if person.pk == viewer.pk else person.name


def audience(feedback: Feedback, viewer: Membership) -> str:
    """A short "who can read this" note for a timeline row, from the viewer's side (the
    writer always reads what they wrote)."""
    recipient = feedback.recipient
    if feedback.visibility == Visibility.PRIVATE:
        return "Only you" if viewer.pk == recipient.pk else f"Only {recipient.name}"
    if feedback.visibility == Visibility.WITH_MANAGER:
        if viewer.pk == recipient.pk:
            return "You and your manager"
        if viewer.pk == recipient.manager_id:
            return f"{recipient.name} and you"
        return f"{recipient.name} and {recipient.name}'s manager"
    if viewer.pk == feedback.author_id:
        return "Only the manager who asked"
    return f"Only you, not {recipient.name}"


def audience_sentence(feedback: Feedback, viewer: Membership) -> str:
    """The full sentence for the detail page, with names."""
    author, recipient = _who(feedback.author, viewer), _who(feedback.recipient, viewer)
    writer = f"{author}, who wrote it"
    if feedback.visibility == Visibility.PRIVATE:
        text = f"only {recipient} and {writer}"
    elif feedback.visibility == Visibility.WITH_MANAGER:
        manager = feedback.recipient.manager
        if manager is None:
            text = f"{recipient} (who has no manager in perfapp now) and {writer}"
        else:
            text = f"{recipient}, {_who(manager, viewer)} as their manager, and {writer}"
    else:
        request = feedback.request_reviewer.request if feedback.request_reviewer else None
        asker = _who(request.requester, viewer) if request else "the manager who asked"
        text = f"only {asker}, who asked, and {writer}; {recipient} does not see it"
    return f"{text[0].upper()}{text[1:]}."


def audience_preview(viewer: Membership, recipient: Membership | None, visibility: str) -> str:
    """Before saving: who will see what is being written."""
    if recipient is None:
        return "Choose a colleague to see exactly who will read it."
    if visibility == Visibility.WITH_MANAGER:
        manager = recipient.manager if recipient.manager_id else None
        if manager is None:
            return (
                f"{recipient.name} has no manager in perfapp, so only {recipient.name} "
                "and you will see it."
            )
        if manager.pk == viewer.pk:
            return f"{recipient.name} and you (their manager) will see it."
        return f"{recipient.name}, their manager {manager.name}, and you will see it."
    return f"Only {recipient.name} and you will see it."


# --- reading ----------------------------------------------------------------------------------


def _boxes(viewer: Membership) -> list[str]:
    return ["received", "given", *(["team"] if viewer.is_manager else [])]


def _pending_for(viewer: Membership):
    """The requests waiting for the viewer, with the people the card names: not their
    competency, which the card does not show (one joined table fewer to plan; seven took
    Postgres 3 ms to plan for a query that ran in 0.2 ms)."""
    return requests_for_me(viewer).select_related(None).select_related(*ASKED_OF_YOU_NAMES)


@org_view(reader_time_zone=True)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    boxes = _boxes(viewer)
    box = request.GET.get("box", "received")
    if box not in boxes:
        box = "received"
    filters = TimelineFilterForm(request.GET, viewer=viewer, box=box)
    criteria = filters.criteria()
    rows = selectors.timeline(viewer, box=box, **criteria)
    found = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for feedback in found.object_list:
        feedback.audience = audience(feedback, viewer)
    query = request.GET.copy()
    query.pop("page", None)
    query["box"] = box
    asked = list(_pending_for(viewer)[: ASKED_OF_YOU_SHOWN + 1])
    context = {
        "box": box,
        "show_team": "team" in boxes,
        "filters": filters,
        "filtered": any(criteria.values()),
        "page": found,
        "query": query.urlencode(),
        "asked_of_you": asked[:ASKED_OF_YOU_SHOWN],
        "more_asked": len(asked) > ASKED_OF_YOU_SHOWN,
        "hr_counts": selectors.counts_for_hr(viewer.organization_id) if viewer.is_hr else None,
        "today": local_today(viewer),
    }
    return render_htmx(request, "feedback/index.html", context, fragment="results")


def _readable(viewer: Membership, pk: int) -> Feedback:
    return get_object_or_404(
        selectors.readable(viewer).select_related("recipient__manager__user"), pk=pk
    )


def _edit_minutes_left(feedback: Feedback) -> int:
    left = services.EDIT_WINDOW - (timezone.now() - feedback.created_at)
    return max(0, int(left.total_seconds() // 60)) if left > timedelta(0) else -1


@org_view(reader_time_zone=True)
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    feedback = _readable(viewer, pk)
    minutes_left = _edit_minutes_left(feedback) if feedback.author_id == viewer.pk else -1
    asked = feedback.request_reviewer.request if feedback.request_reviewer_id else None
    return render(
        request,
        "feedback/detail.html",
        {
            "feedback": feedback,
            "audience": audience_sentence(feedback, viewer),
            "can_edit": minutes_left >= 0,
            "minutes_left": minutes_left,
            "show_evidence": _evidence_applies(feedback, viewer),
            "asked": asked,
            "asked_readable": asked is not None
            and can_see_request(viewer, asked, {feedback.request_reviewer.reviewer_id}),
        },
    )


def _evidence_applies(feedback: Feedback, viewer: Membership) -> bool:
    return feedback.recipient_id == viewer.pk and feedback.visibility == Visibility.PRIVATE


@org_view(reader_time_zone=True)
@require_POST
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The recipient counts private feedback as evidence for their promotion criteria."""
    viewer = request.membership
    feedback = get_object_or_404(selectors.readable(viewer).filter(recipient=viewer), pk=pk)
    attached = request.POST.get("attached") == "1"
    error = ""
    try:
        services.attach_as_evidence(recipient=viewer, feedback=feedback, attached=attached)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    if request.htmx:
        return render(
            request,
            "feedback/detail.html#evidence",
            {"feedback": feedback, "show_evidence": True, "evidence_error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    elif attached:
        messages.success(request, "Counted as evidence for your promotion criteria.")
    else:
        messages.success(request, "No longer counted as evidence. It stays private.")
    return go(request, "feedback:detail", pk=feedback.pk)


# --- giving -----------------------------------------------------------------------------------


def hints_for(data) -> dict:
    """The nudge's hints for what is being written; the answer page
    (``feedback.views.requests``) shows them too."""
    situation = data.get("situation", "")
    return {
        "hints": nudge_rules.hints(
            kind=data.get("kind", ""),
            situation=situation,
            impact=data.get("impact", ""),
            suggestion=data.get("suggestion", ""),
        ),
        "has_text": bool(situation.strip()),
    }


def _recipient_from(raw: str | None, viewer: Membership) -> Membership | None:
    pk = id_from(raw)
    if pk is None or pk == viewer.pk:
        return None
    return (
        Membership.objects.select_related("user", "manager__user")
        .filter(pk=pk, is_active=True)
        .first()
    )


@org_view(reader_time_zone=True)
def give(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    initial = {"visibility": Visibility.PRIVATE}
    recipient = None
    if request.method != "POST":
        recipient = _recipient_from(request.GET.get("to"), viewer)
        if recipient:
            initial["recipient"] = recipient.pk
    form = FeedbackForm(request.POST or None, viewer=viewer, initial=initial)
    if request.method == "POST":
        recipient = _recipient_from(request.POST.get("recipient"), viewer)
        if form.is_valid():
            try:
                feedback = services.give_feedback(
                    author=viewer, recipient=form.cleaned_data["recipient"], **form.content()
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Feedback sent to {feedback.recipient.name}. Thank you!")
                return go(request, "feedback:detail", pk=feedback.pk)
    visibility = form["visibility"].value() or Visibility.PRIVATE
    context = {
        "form": form,
        "audience": audience_preview(viewer, recipient, visibility),
        "edit_minutes": int(services.EDIT_WINDOW.total_seconds() // 60),
        **hints_for(request.POST),
    }
    return render(request, "feedback/give.html", context, status=400 if form.errors else 200)


@org_view(reader_time_zone=True)
@require_POST
def nudge(request: HttpRequest) -> HttpResponse:
    """The specificity hints for what is being written (an htmx fragment). Advice only:
    nothing here stops the feedback from being sent."""
    context = hints_for(request.POST)
    if "recipient" in request.POST:
        recipient = _recipient_from(request.POST.get("recipient"), request.membership)
        context["audience"] = audience_preview(
            request.membership, recipient, request.POST.get("visibility", "")
        )
        context["oob"] = bool(request.htmx)
    return render(request, "feedback/_hints.html", context)


@org_view(reader_time_zone=True)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    feedback = get_object_or_404(
        selectors.readable(viewer).filter(author=viewer).select_related("recipient__manager__user"),
        pk=pk,
    )
    current = list(feedback.competencies.all())
    form = EditForm(
        request.POST or None,
        keep_competencies=current,
        initial={
            "kind": feedback.kind,
            "situation": feedback.situation,
            "impact": feedback.impact,
            "suggestion": feedback.suggestion,
            "competencies": [c.pk for c in current],
        },
    )
    closed = None
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_feedback(author=viewer, feedback=feedback, **form.content())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_errors(form, error)
            else:
                closed = message_of(error)
        else:
            messages.success(request, "Your changes are saved.")
            return go(request, "feedback:detail", pk=feedback.pk)
    minutes_left = _edit_minutes_left(feedback)
    if minutes_left < 0 and closed is None:
        closed = (
            f"Feedback can be edited for {int(services.EDIT_WINDOW.total_seconds() // 60)} "
            "minutes after sending; this one is final now."
        )
    data = request.POST if request.method == "POST" else form.initial
    context = {
        "form": form,
        "feedback": feedback,
        "closed": closed,
        "minutes_left": minutes_left,
        "audience": audience_sentence(feedback, viewer),
        **hints_for(data),
    }
    failed = request.method == "POST" and (form.errors or closed)
    return render(request, "feedback/edit.html", context, status=400 if failed else 200)
