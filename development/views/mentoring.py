"""Mentoring pages: your mentorships and requests, finding a mentor, offering to mentor,
answering a request, and the mentorship page with its log of sessions.

Reads go through ``mentoring_selectors``, writes through ``mentoring``. A request or a
mentorship opens only for its two people; anyone else gets 404, exactly like missing.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from advancement.models import Competency
from development.forms.mentoring import (
    AcceptForm,
    CloseForm,
    DeclineForm,
    FindForm,
    GoalsForm,
    OfferForm,
    RequestForm,
    SessionForm,
)
from development.models import (
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    MentorshipRequestStatus,
    MentorshipStatus,
)
from development.selectors import mentoring as selectors
from development.services import mentoring
from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view
from perfapp.timezones import local_today
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import first_name, go, id_from, initials, is_partial, message_of

PAGE_SIZE = 20
RECENTLY_DECLINED = timedelta(days=30)


def _mark(person: Membership) -> Membership:
    person.initials = initials(person.name)
    return person


# --- home -----------------------------------------------------------------------------------


@org_view(reader_time_zone=True)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    waiting = list(selectors.requests_for(viewer))
    mine = list(selectors.requests_by(viewer, declined_since=timezone.now() - RECENTLY_DECLINED))
    found = Paginator(selectors.mentorships_of(viewer), PAGE_SIZE).get_page(request.GET.get("page"))
    for mentorship in found.object_list:
        mentorship.i_mentor = mentorship.mentor_id == viewer.pk
        mentorship.other = _mark(mentorship.mentee if mentorship.i_mentor else mentorship.mentor)
    for asked in waiting:
        _mark(asked.mentee)
    for asked in mine:
        _mark(asked.mentor)
    return render(
        request,
        "development/mentoring/index.html",
        {
            "tab": "mentoring",
            "waiting": waiting,
            "mine": mine,
            "page": found,
            "offer": selectors.offer_of(viewer),
        },
    )


# --- finding a mentor -----------------------------------------------------------------------


@org_view(reader_time_zone=True)
@require_safe
def find(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    form = FindForm(request.GET or None)
    competency = form.cleaned_data.get("competency") if form.is_valid() else None
    context = {"tab": "mentoring", "form": form, "competency": competency}
    if competency is None:
        context["competencies"] = [
            c for c in selectors.competencies_with_mentors(viewer) if c.mentors
        ]
    else:
        found = Paginator(
            selectors.mentor_search(viewer, competency).prefetch_related("competencies"),
            PAGE_SIZE,
        ).get_page(request.GET.get("page"))
        asked = selectors.asked_by(viewer, competency)
        mentoring_me = selectors.mentoring_me(viewer, competency)
        for profile in found.object_list:
            _mark(profile.membership)
            profile.first_name = first_name(profile.membership)
            profile.asked = profile.membership_id in asked
            profile.is_my_mentor = profile.membership_id in mentoring_me
        context.update(page=found, query=f"competency={competency.pk}")
    return render(request, "development/mentoring/find.html", context)


def _mentor_and_competency(request: HttpRequest, data) -> tuple[Membership, Competency] | None:
    mentor_id, competency_id = id_from(data.get("mentor")), id_from(data.get("competency"))
    if mentor_id is None or competency_id is None:
        return None
    mentor = Membership.objects.select_related("user", "team").filter(pk=mentor_id).first()
    competency = Competency.objects.filter(pk=competency_id).first()
    if mentor is None or competency is None:
        return None
    return mentor, competency


@org_view(reader_time_zone=True)
def ask(request: HttpRequest) -> HttpResponse:
    """Ask one mentor (chosen in the search) for mentoring in one competency."""
    viewer = request.membership
    source = request.POST if request.method == "POST" else request.GET
    if not source.get("mentor") and not source.get("competency"):
        return go(request, "development:mentor_find")  # choose someone there first
    picked = _mentor_and_competency(request, source)
    if picked is None:
        raise Http404
    mentor, competency = picked
    form = RequestForm(
        request.POST or None, initial={"mentor": mentor.pk, "competency": competency.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            asked = mentoring.request_mentor(
                mentee=viewer,
                mentor=form.cleaned_data["mentor"],
                competency=form.cleaned_data["competency"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Asked {mentor.name}. You'll hear back here and in your inbox."
            )
            return go(request, "development:mentor_request", pk=asked.pk)
    profile = MentorProfile.objects.filter(membership=mentor).first()
    try:
        mentoring.check_mentor(viewer, mentor)
    except ValidationError as error:
        blocked = message_of(error)
    else:
        blocked = ""
    return render(
        request,
        "development/mentoring/ask.html",
        {
            "tab": "mentoring",
            "form": form,
            "mentor": _mark(mentor),
            "competency": competency,
            "profile": profile,
            "blocked": blocked,
        },
        status=400 if form.errors else 200,
    )


# --- offering to mentor ---------------------------------------------------------------------


@org_view(reader_time_zone=True)
def offer(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    current = selectors.offer_of(viewer)
    kept = list(current.competencies.all()) if current else []
    initial = (
        {"competencies": [c.pk for c in kept], "capacity": current.capacity, "about": current.about}
        if current
        else {"capacity": 1}
    )
    form = OfferForm(request.POST or None, keep=kept, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mentoring.save_offer(
                actor=viewer,
                competencies=list(form.cleaned_data["competencies"]),
                capacity=form.cleaned_data["capacity"],
                about=form.cleaned_data["about"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                "Thank you for offering to mentor. Colleagues looking for a mentor will find you.",
            )
            return go(request, "development:mentoring")
    return render(
        request,
        "development/mentoring/offer.html",
        {"tab": "mentoring", "form": form, "offer": current},
        status=400 if form.errors else 200,
    )


# --- requests -------------------------------------------------------------------------------


def _request_of(request: HttpRequest, pk: int) -> MentorshipRequest:
    viewer = request.membership
    return get_object_or_404(
        selectors.visible_requests(viewer).select_related("organization"), pk=pk
    )


def _render_request(
    request: HttpRequest, asked: MentorshipRequest, status: int = 200, **forms
) -> HttpResponse:
    viewer = request.membership
    is_mentor = viewer.pk == asked.mentor_id
    pending = asked.status == MentorshipRequestStatus.PENDING
    started = getattr(asked, "mentorship", None) if asked.status == "accepted" else None
    context = {
        "tab": "mentoring",
        "asked": asked,
        "is_mentor": is_mentor,
        "pending": pending,
        "mentorship": started,
        "mentee": _mark(asked.mentee),
        "mentor": _mark(asked.mentor),
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "withdraw_error": forms.get("withdraw_error", ""),
    }
    if is_mentor and pending:
        load = selectors.offer_of(viewer)
        context["load"] = load
    return render(request, "development/mentoring/request.html", context, status=status)


@org_view(reader_time_zone=True)
@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_request(request, _request_of(request, pk))


@org_view(reader_time_zone=True)
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    asked = _request_of(request, pk)
    if request.membership.pk != asked.mentor_id:
        raise Http404
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            mentorship = mentoring.accept_request(
                actor=request.membership, request=asked, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"You're now {first_name(asked.mentee)}'s mentor. Log your sessions here.",
            )
            return go(request, "development:mentorship", pk=mentorship.pk)
    asked.refresh_from_db()
    return _render_request(request, asked, status=400, accept_form=form)


@org_view(reader_time_zone=True)
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    asked = _request_of(request, pk)
    if request.membership.pk != asked.mentor_id:
        raise Http404
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            mentoring.decline_request(
                actor=request.membership, request=asked, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Declined. {first_name(asked.mentee)} reads your note.")
            return go(request, "development:mentoring")
    asked.refresh_from_db()
    return _render_request(request, asked, status=400, decline_form=form)


@org_view(reader_time_zone=True)
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    asked = _request_of(request, pk)
    if request.membership.pk != asked.mentee_id:
        raise Http404
    try:
        mentoring.withdraw_request(actor=request.membership, request=asked)
    except ValidationError as error:
        asked.refresh_from_db()
        return _render_request(request, asked, status=400, withdraw_error=message_of(error))
    messages.success(request, "Request withdrawn.")
    return go(request, "development:mentoring")


# --- the mentorship -------------------------------------------------------------------------


def _mentorship_of(request: HttpRequest, pk: int) -> Mentorship:
    return get_object_or_404(
        selectors.visible_mentorships(request.membership).select_related("organization"), pk=pk
    )


def _mentorship_context(request: HttpRequest, mentorship: Mentorship, **forms) -> dict:
    viewer = request.membership
    i_mentor = viewer.pk == mentorship.mentor_id
    other = mentorship.mentee if i_mentor else mentorship.mentor
    sessions = list(mentorship.sessions.select_related("logged_by__user"))
    mine_field = "mentor_reflection" if i_mentor else "mentee_reflection"
    return {
        "tab": "mentoring",
        "mentorship": mentorship,
        "i_mentor": i_mentor,
        "other": _mark(other),
        "mentor": _mark(mentorship.mentor),
        "mentee": _mark(mentorship.mentee),
        "sessions": sessions,
        "is_active": mentorship.status == MentorshipStatus.ACTIVE,
        "my_reflection": getattr(mentorship, mine_field),
        "session_form": forms.get("session_form")
        or SessionForm(initial={"held_on": local_today(viewer)}),
        "goals_form": forms.get("goals_form")
        or GoalsForm(initial={"goals": mentorship.goals, "cadence": mentorship.cadence}),
        "close_form": forms.get("close_form") or CloseForm(),
    }


@org_view(reader_time_zone=True)
@require_safe
def mentorship(request: HttpRequest, pk: int) -> HttpResponse:
    found = _mentorship_of(request, pk)
    return render(
        request, "development/mentoring/mentorship.html", _mentorship_context(request, found)
    )


@org_view(reader_time_zone=True)
@require_POST
def mentorship_session(request: HttpRequest, pk: int) -> HttpResponse:
    found = _mentorship_of(request, pk)
    form = SessionForm(request.POST)
    logged = None
    if form.is_valid():
        try:
            logged = mentoring.log_session(
                actor=request.membership, mentorship=found, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
    if logged is not None and not is_partial(request):
        messages.success(request, "Session logged.")
        return go(request, "development:mentorship", pk=found.pk)
    context = _mentorship_context(request, found, session_form=None if logged else form)
    context["just_logged"] = logged
    status = 400 if form.errors else 200
    if is_partial(request):
        return render(request, "development/mentoring/mentorship.html#log", context, status=status)
    return render(request, "development/mentoring/mentorship.html", context, status=status)


@org_view(reader_time_zone=True)
@require_POST
def mentorship_goals(request: HttpRequest, pk: int) -> HttpResponse:
    found = _mentorship_of(request, pk)
    form = GoalsForm(request.POST)
    if form.is_valid():
        try:
            mentoring.update_goals(actor=request.membership, mentorship=found, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Goals saved.")
            return go(request, "development:mentorship", pk=found.pk)
    found.refresh_from_db()
    return render(
        request,
        "development/mentoring/mentorship.html",
        _mentorship_context(request, found, goals_form=form),
        status=400,
    )


@org_view(reader_time_zone=True)
@require_POST
def mentorship_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _mentorship_of(request, pk)
    was_active = found.status == MentorshipStatus.ACTIVE
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            mentoring.close_mentorship(
                actor=request.membership,
                mentorship=found,
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                "Mentorship closed. Thank you both."
                if was_active
                else "Your reflection is saved. Thank you.",
            )
            return go(request, "development:mentorship", pk=found.pk)
    found.refresh_from_db()
    return render(
        request,
        "development/mentoring/mentorship.html",
        _mentorship_context(request, found, close_form=form),
        status=400,
    )
