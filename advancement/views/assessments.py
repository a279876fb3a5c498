"""Assessments: the person and their manager each rate the person against the current
and the next level, independently; side by side once both are in. Anything a viewer may
not read answers 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from advancement.forms.assessments import AssessmentForm
from advancement.models import Assessment, Perspective, Rating
from advancement.selectors import assessments as selectors
from advancement.selectors.readiness import RATING_STEPS
from advancement.services import assessments as services
from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import message_of


def _subject_or_404(request: HttpRequest, member_id: int | None) -> Membership:
    if member_id is None or member_id == request.membership.pk:
        return request.membership
    subject = Membership.objects.select_related("user", "manager").filter(pk=member_id).first()
    if subject is None or not selectors.can_read_assessments_of(request.membership, subject):
        raise Http404
    return subject


def _assessment_or_404(request: HttpRequest, pk: int) -> Assessment:
    assessment = selectors.get_assessment(pk)
    if assessment is None or not selectors.can_read_assessment(request.membership, assessment):
        raise Http404
    return assessment


def _list(request: HttpRequest, member_id: int | None) -> HttpResponse:
    viewer = request.membership
    subject = _subject_or_404(request, member_id)
    rows = list(selectors.assessments_of(subject))
    is_author = viewer.pk == subject.pk or subject.manager_id == viewer.pk
    if not is_author:  # the chain above and HR read completed assessments only
        rows = [row for row in rows if row.completed_at is not None]
    for row in rows:
        row.sides = {response.perspective: response for response in row.responses.all()}
    return render(
        request,
        "advancement/assessments/list.html",
        {
            "subject": subject,
            "is_self": subject.pk == viewer.pk,
            "assessments": rows,
            "can_start": is_author and not any(row.completed_at is None for row in rows),
        },
    )


@org_view()
def assessments_mine(request: HttpRequest) -> HttpResponse:
    return _list(request, None)


@org_view()
def assessments(request: HttpRequest, member_id: int) -> HttpResponse:
    return _list(request, member_id)


@org_view()
@require_POST
def assessment_start(request: HttpRequest, member_id: int) -> HttpResponse:
    subject = _subject_or_404(request, member_id)
    try:
        assessment = services.start_assessment(actor=request.membership, subject=subject)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect(
            "advancement:assessments", org_slug=request.organization.slug, member_id=subject.pk
        )
    return redirect("advancement:assessment", org_slug=request.organization.slug, pk=assessment.pk)


def _comparison(assessment: Assessment, sides: selectors.Sides) -> list[dict]:
    rows = []
    for level, criterion in services.criteria_of(assessment):
        cid = criterion["id"]
        mine, theirs = (
            sides.rating(Perspective.SELF, cid),
            sides.rating(Perspective.MANAGER, cid),
        )
        steps = abs(RATING_STEPS[mine] - RATING_STEPS[theirs]) if mine and theirs else 0
        rows.append(
            {
                "level": level,
                "criterion": criterion,
                "self": Rating(mine).label if mine else "",
                "manager": Rating(theirs).label if theirs else "",
                "self_comment": sides.comment(Perspective.SELF, cid),
                "manager_comment": sides.comment(Perspective.MANAGER, cid),
                "steps": steps,
            }
        )
    return rows


@org_view()
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessment: your side's form while it is open, both sides once complete."""
    found = _assessment_or_404(request, pk)
    viewer = request.membership
    perspective = selectors.perspective_of(viewer, found)
    responses = {response.perspective: response for response in found.responses.all()}
    own = responses.get(perspective) if perspective else None
    editable = found.completed_at is None and own is not None and own.submitted_at is None
    sides = selectors.sides_for(found, viewer=viewer)
    form, status = None, 200
    if editable:
        answers = sides.answers.get(perspective, {})
        form = AssessmentForm(request.POST or None, assessment=found, answers=answers)
        if request.method == "POST":
            if form.is_valid():
                submit = request.POST.get("intent") == "submit"
                try:
                    services.save_response(
                        actor=viewer,
                        assessment=found,
                        version_number=form.cleaned_data["version"],
                        answers=form.answers(),
                        submit=submit,
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(
                        request,
                        "Your side is submitted: it is locked now."
                        if submit
                        else "Draft saved. Only you can read it.",
                    )
                    return redirect(
                        "advancement:assessment", org_slug=request.organization.slug, pk=pk
                    )
            status = 400
    elif request.method == "POST":
        messages.error(request, "This side is submitted or complete: it can no longer change.")
        return redirect("advancement:assessment", org_slug=request.organization.slug, pk=pk)
    return render(
        request,
        "advancement/assessments/detail.html",
        {
            "assessment": found,
            "subject": found.subject,
            "perspective": perspective,
            "own": own,
            "other": next((r for p, r in responses.items() if p != perspective), None),
            "form": form,
            "rows": _comparison(found, sides),
            "complete": found.completed_at is not None,
        },
        status=status,
    )


@org_view()
@require_POST
def assessment_discard(request: HttpRequest, pk: int) -> HttpResponse:
    found = _assessment_or_404(request, pk)
    try:
        services.discard_assessment(actor=request.membership, assessment=found)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, message_of(error))
        return redirect("advancement:assessment", org_slug=request.organization.slug, pk=pk)
    messages.success(request, "The open assessment was discarded.")
    return redirect(
        "advancement:assessments", org_slug=request.organization.slug, member_id=found.subject_id
    )
