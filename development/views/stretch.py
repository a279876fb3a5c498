"""Stretch assignment pages: the opportunity board, your interests, what you posted,
posting and editing, and one opportunity's page where people put themselves forward and
its owner chooses and records the outcome.

Reads go through ``stretch_selectors`` and the predicates of ``stretch_permissions``;
writes through ``stretch``. An opportunity the viewer may not see answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import get_text_list
from django.views.decorators.http import require_POST, require_safe

from advancement.models import Competency
from development.forms.stretch import (
    BoardFilterForm,
    ChooseForm,
    InterestForm,
    OpportunityForm,
    OutcomeForm,
)
from development.models import InterestStatus, OpportunityStatus, StretchAssignment, StretchInterest
from development.permissions.stretch import (
    can_manage_opportunity,
    can_post_opportunities,
    can_see_opportunity,
    is_in_audience,
)
from development.selectors import stretch as selectors
from development.services import stretch
from perfapp.orgs.models import Team
from perfapp.tenancy.views import org_view
from perfapp.timezones import local_today
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import first_name, go, initials, message_of

PAGE_SIZE = 20


def _subtabs(viewer) -> bool:
    return can_post_opportunities(viewer) or StretchAssignment.objects.filter(owner=viewer).exists()


# --- lists ----------------------------------------------------------------------------------


@org_view(reader_time_zone=True)
@require_safe
def board(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    filters = BoardFilterForm(request.GET)
    criteria = filters.criteria()
    rows = selectors.board(viewer, today=local_today(viewer), **criteria)
    found = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "development/stretch/board.html",
        {
            "tab": "opportunities",
            "subtab": "open",
            "filters": filters,
            "filtered": any(criteria.values()),
            "page": found,
            "query": query.urlencode(),
            "can_post": can_post_opportunities(viewer),
            "show_posted": _subtabs(viewer),
            "has_focus": any(row.focus_matches for row in found.object_list),
        },
    )


@org_view(reader_time_zone=True)
@require_safe
def my_interests(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    found = Paginator(selectors.my_interests(viewer), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "development/stretch/mine.html",
        {
            "tab": "opportunities",
            "subtab": "mine",
            "page": found,
            "can_post": can_post_opportunities(viewer),
            "show_posted": _subtabs(viewer),
        },
    )


@org_view(reader_time_zone=True)
@require_safe
def posted(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    found = Paginator(selectors.posted_by(viewer), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "development/stretch/posted.html",
        {
            "tab": "opportunities",
            "subtab": "posted",
            "page": found,
            "can_post": can_post_opportunities(viewer),
            "show_posted": True,
        },
    )


# --- posting --------------------------------------------------------------------------------


@org_view(reader_time_zone=True)
def new(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    if not can_post_opportunities(viewer):
        raise Http404
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = stretch.post_opportunity(actor=viewer, **form.values())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Posted. People it's open to can see it on the board now.")
            return go(request, "development:opportunity", pk=assignment.pk)
    return render(
        request,
        "development/stretch/form.html",
        {"tab": "opportunities", "form": form, "assignment": None},
        status=400 if form.errors else 200,
    )


def _assignment(request: HttpRequest, pk: int) -> StretchAssignment:
    """The opportunity, once the viewer may see it (else 404)."""
    viewer = request.membership
    assignment = get_object_or_404(
        StretchAssignment.objects.select_related(
            "organization", "owner__user", "owner__team"
        ).prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("name")),
            Prefetch("teams", queryset=Team.objects.order_by("name")),
        ),
        pk=pk,
    )
    assignment.team_ids = {team.pk for team in assignment.teams.all()}
    assignment.mine = (
        StretchInterest.objects.filter(assignment=assignment, person=viewer)
        .select_related("goal")
        .first()
    )
    if not can_see_opportunity(
        viewer, assignment, assignment.team_ids, has_interest=assignment.mine is not None
    ):
        raise Http404
    return assignment


def _managed(request: HttpRequest, pk: int) -> StretchAssignment:
    assignment = _assignment(request, pk)
    if not can_manage_opportunity(request.membership, assignment):
        raise Http404
    return assignment


@org_view(reader_time_zone=True)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    assignment = _managed(request, pk)
    if assignment.status != OpportunityStatus.OPEN:
        messages.error(request, "Only an opportunity that is still open for interest can change.")
        return go(request, "development:opportunity", pk=assignment.pk)
    initial = {
        "title": assignment.title,
        "description": assignment.description,
        "competencies": [c.pk for c in assignment.competencies.all()],
        "commitment": assignment.commitment,
        "duration_weeks": assignment.duration_weeks,
        "seats": assignment.seats,
        "audience": assignment.audience,
        "teams": sorted(assignment.team_ids),
        "closes_on": assignment.closes_on,
    }
    form = OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            stretch.edit_opportunity(actor=viewer, assignment=assignment, **form.values())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return go(request, "development:opportunity", pk=assignment.pk)
    return render(
        request,
        "development/stretch/form.html",
        {"tab": "opportunities", "form": form, "assignment": assignment},
        status=400 if form.errors else 200,
    )


# --- one opportunity ------------------------------------------------------------------------


def _detail(request: HttpRequest, assignment: StretchAssignment, status: int = 200, **forms):
    viewer = request.membership
    manages = can_manage_opportunity(viewer, assignment)
    mine = assignment.mine
    today = local_today(viewer)
    open_for_interest = stretch.is_open_for_interest(assignment, today)
    in_audience = is_in_audience(viewer, assignment, assignment.team_ids)
    may_apply = (
        open_for_interest
        and in_audience
        and viewer.pk != assignment.owner_id
        and (mine is None or mine.status == InterestStatus.WITHDRAWN)
    )
    interests = []
    if manages:
        interests = list(selectors.interests_in(assignment))
        for interest in interests:
            interest.person.initials = initials(interest.person.name)
    waiting = [i for i in interests if i.status == InterestStatus.INTERESTED]
    chosen = [i for i in interests if i.status == InterestStatus.CHOSEN]
    choose_form = forms.get("choose_form")
    if choose_form is None and manages and waiting:
        choose_form = ChooseForm(assignment=assignment)
    context = {
        "tab": "opportunities",
        "assignment": assignment,
        "owner_initials": initials(assignment.owner.name),
        "owner_first_name": first_name(assignment.owner),
        "manages": manages,
        "is_owner": viewer.pk == assignment.owner_id,
        "mine": mine,
        "may_apply": may_apply,
        "open_for_interest": open_for_interest,
        "in_audience": in_audience,
        "interests": interests,
        "waiting": waiting,
        "chosen": chosen,
        "choose_form": choose_form,
        "interest_form": forms.get("interest_form") or InterestForm(),
        "complete_form": forms.get("complete_form") or OutcomeForm(),
        "outcome_form": forms.get("outcome_form")
        or OutcomeForm(initial={"outcome": mine.person_outcome if mine else ""}),
        "action_error": forms.get("action_error", ""),
        "today": today,
    }
    return render(request, "development/stretch/detail.html", context, status=status)


@org_view(reader_time_zone=True)
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _assignment(request, pk))


@org_view(reader_time_zone=True)
@require_POST
def interest(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    assignment = _assignment(request, pk)
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            stretch.express_interest(
                person=viewer, assignment=assignment, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Thank you! {first_name(assignment.owner)} sees your interest and will let "
                "you know.",
            )
            return go(request, "development:opportunity", pk=assignment.pk)
    return _detail(request, assignment, status=400, interest_form=form)


@org_view(reader_time_zone=True)
@require_POST
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    assignment = _managed(request, pk)
    form = ChooseForm(request.POST, assignment=assignment)
    if form.is_valid():
        try:
            chosen = stretch.choose(
                actor=viewer, assignment=assignment, interests=list(form.cleaned_data["interests"])
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            names = ", ".join(row.person.name for row in chosen)
            messages.success(
                request,
                f"Chosen: {names}. It's a goal in their plan now; everyone else was told kindly.",
            )
            return go(request, "development:opportunity", pk=assignment.pk)
    assignment = _assignment(request, pk)
    return _detail(request, assignment, status=400, choose_form=form)


@org_view(reader_time_zone=True)
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    assignment = _managed(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            stretch.complete(
                actor=viewer, assignment=assignment, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            done = selectors.finished_goal_owners(assignment)
            marked = (
                f" Its goal is marked done in the development plan of {get_text_list(done, 'and')}."
                if done
                else ""
            )
            messages.success(
                request, f"Completed, with your outcome.{marked} Thank you for the stretch."
            )
            return go(request, "development:opportunity", pk=assignment.pk)
    return _detail(request, _assignment(request, pk), status=400, complete_form=form)


@org_view(reader_time_zone=True)
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _managed(request, pk)
    try:
        stretch.cancel_opportunity(actor=request.membership, assignment=assignment)
    except ValidationError as error:
        return _detail(request, assignment, status=400, action_error=message_of(error))
    messages.success(request, "Cancelled. Anyone who was interested has been told.")
    return go(request, "development:opportunities_posted")


def _my_interest(request: HttpRequest, pk: int) -> StretchInterest:
    return get_object_or_404(
        StretchInterest.objects.select_related("assignment"), pk=pk, person=request.membership
    )


@org_view(reader_time_zone=True)
@require_POST
def interest_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    mine = _my_interest(request, pk)
    try:
        stretch.withdraw_interest(person=request.membership, interest=mine)
    except ValidationError as error:
        assignment = _assignment(request, mine.assignment_id)
        return _detail(request, assignment, status=400, action_error=message_of(error))
    messages.success(request, "Withdrawn. You can put yourself forward again while it's open.")
    return go(request, "development:opportunity", pk=mine.assignment_id)


@org_view(reader_time_zone=True)
@require_POST
def interest_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    mine = _my_interest(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            stretch.record_person_outcome(
                person=request.membership, interest=mine, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your outcome is saved.")
            return go(request, "development:opportunity", pk=mine.assignment_id)
    assignment = _assignment(request, mine.assignment_id)
    return _detail(request, assignment, status=400, outcome_form=form)
