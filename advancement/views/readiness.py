"""The readiness view: a person's next-level criteria with assessments, evidence from every
registered source, its density over time, the gaps and what the plan does about them.

Read by the person, their manager chain, HR and an open round's calibration group (404
for anyone else). Only the person writes here: narratives and marks on evidence items,
answered with the criterion's fragment for htmx and a redirect otherwise."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_POST, require_safe

from advancement.forms.readiness import MarkForm, NarrativeForm, PeriodForm
from advancement.permissions.readiness import can_see_readiness
from advancement.selectors.readiness import (
    Readiness,
    add_attachable,
    default_period,
    period_from_dates,
    readiness_for,
)
from advancement.services import readiness as services
from perfapp.charts import column_chart
from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view


def _subject_or_404(request: HttpRequest, member_id: int | None) -> Membership:
    if member_id is None or member_id == request.membership.pk:
        return request.membership
    subject = Membership.objects.select_related("user").filter(pk=member_id).first()
    if subject is None or not can_see_readiness(request.membership, subject):
        raise Http404
    if subject.organization_id == request.organization.pk:  # as the scoped read ensures
        # The evidence sources name the organization in their links: not read again.
        subject.organization = request.organization
    return subject


def _chart(readiness: Readiness) -> dict:
    points = [
        (
            month.starts_on.strftime("%b %y"),
            month.count,
            f"{month.starts_on:%B %Y}: {month.count} item{'s' if month.count != 1 else ''}",
        )
        for month in readiness.months
    ]
    return column_chart(points, width=720, height=200)


def _page(request: HttpRequest, member_id: int | None) -> HttpResponse:
    viewer = request.membership
    subject = _subject_or_404(request, member_id)
    default_since, default_until = default_period()
    initial = {"since": default_since.date(), "until": default_until.date()}
    period = PeriodForm(request.GET or None, initial=initial)
    context = {"subject": subject, "is_self": subject.pk == viewer.pk, "period": period}
    if period.is_bound and not period.is_valid():
        return render(request, "advancement/readiness/page.html", context, status=400)
    data = period.cleaned_data if period.is_bound else {}
    since, until = period_from_dates(data.get("since"), data.get("until"))
    readiness = readiness_for(
        subject, viewer=viewer, since=since, until=until, remedies_for_gaps_only=True
    )
    context.update(readiness=readiness, since=since, until=until)
    if readiness is not None:
        context["chart"] = _chart(readiness)
        add_attachable(readiness)
        expanded = request.GET.get("all", "")
        for criterion in readiness.criteria:
            if str(criterion.id) == expanded:
                criterion.listed_limit = None
        query = request.GET.copy()
        query.pop("all", None)
        context["query"] = query.urlencode()
    return render(request, "advancement/readiness/page.html", context)


@org_view()
@require_safe
def readiness_mine(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@org_view()
@require_safe
def readiness(request: HttpRequest, member_id: int) -> HttpResponse:
    return _page(request, member_id)


def _criterion_fragment(request: HttpRequest, criterion_id: int, *, error: str = ""):
    """The criterion's card, re-read, for htmx (400 with the error when there is one)."""
    found = readiness_for(
        request.membership, viewer=request.membership, remedies_for_gaps_only=True
    )
    if found is not None:
        add_attachable(found)
    criterion = next((c for c in found.criteria if c.id == criterion_id), None) if found else None
    if criterion is None:
        return HttpResponse(escape(error) or "Not found.", status=400 if error else 404)
    if request.POST.get("all") == str(criterion_id):  # the list was open in full: keep it so
        criterion.listed_limit = None
    return render(
        request,
        "advancement/readiness/page.html#criterion",
        {"criterion": criterion, "readiness": found, "is_self": True, "error": error},
        status=400 if error else 200,
    )


def _back(request: HttpRequest, criterion_id: int | None = None) -> HttpResponse:
    url = reverse("advancement:readiness_mine", kwargs={"org_slug": request.organization.slug})
    if criterion_id and request.POST.get("all") == str(criterion_id):
        url += f"?all={criterion_id}"
    return redirect(f"{url}#criterion-{criterion_id}" if criterion_id else url)


@org_view()
@require_POST
def readiness_narrative(request: HttpRequest, criterion_id: int) -> HttpResponse:
    """The person's narrative for one of their next level's criteria (any other: 404)."""
    if criterion_id not in {c["id"] for c in services.next_level_criteria(request.membership)}:
        raise Http404
    form = NarrativeForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.save_narrative(
                actor=request.membership,
                subject=request.membership,
                criterion_id=criterion_id,
                body=form.cleaned_data["body"],
            )
        except ValidationError as failure:
            error = " ".join(failure.messages)
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    if request.htmx:
        return _criterion_fragment(request, criterion_id, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Narrative saved.")
    return _back(request, criterion_id)


@org_view()
@require_POST
def readiness_mark(request: HttpRequest) -> HttpResponse:
    form = MarkForm(request.POST)
    error, criterion_id = "", None
    if form.is_valid():
        criterion_id = form.cleaned_data["criterion_id"]
        try:
            services.set_mark(
                actor=request.membership,
                subject=request.membership,
                item_ref=form.cleaned_data["item_ref"],
                action=form.cleaned_data["action"],
                on=form.cleaned_data["on"],
                criterion_id=criterion_id,
            )
        except PermissionDenied as failure:
            raise Http404 from failure
        except ValidationError as failure:
            error = " ".join(failure.messages)
    else:
        error = "Choose an evidence item and what to do with it."
    if request.htmx and criterion_id:
        return _criterion_fragment(request, criterion_id, error=error)
    if error:
        messages.error(request, error)
        if request.htmx:
            return HttpResponse(escape(error), status=400)
    return _back(request, criterion_id)
