"""Feedback cycles (360 rounds): HR sets them up and follows progress, reviewers answer,
participants choose peers and, once the cycle closes, read their results with their
manager. Every write goes through ``feedback.services.cycles``.

What each person sees is decided here:
- HR (``can_manage_cycles``): every cycle, its settings and progress *counts*; never an
  answer, never which reviewer answered in an anonymous cycle.
- A reviewer: their own review form, and who will read it, before they send it.
- A participant and their manager: the participant's results, once the cycle is closed.
Anyone else gets 404, exactly like a page that does not exist.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from feedback.forms.cycles import AnswerForm, CycleForm, ParticipantsForm, PeersForm, QuestionForm
from feedback.models import (
    AssignmentStatus,
    CycleParticipant,
    CycleQuestion,
    CycleStatus,
    FeedbackCycle,
    QuestionKind,
    Relation,
    ReviewerAssignment,
)
from feedback.permissions import can_manage_cycles
from feedback.selectors import cycles as selectors
from feedback.services import cycles as service
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view, render_htmx
from perfapp.timezones import local_today
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import is_partial, message_of

PAGE_SIZE = 25
PREVIEW_SIZE = 12


def _to_cycle(request: HttpRequest, cycle: FeedbackCycle) -> HttpResponse:
    return redirect("feedback:cycle", org_slug=request.organization.slug, pk=cycle.pk)


def _to_cycles(request: HttpRequest) -> HttpResponse:
    return redirect("feedback:cycles", org_slug=request.organization.slug)


def _error_status(request: HttpRequest, has_errors: bool) -> int:
    """400 for a page with errors; htmx swaps only 2xx answers, so a partial carrying
    inline errors answers 200."""
    return 400 if has_errors and not is_partial(request) else 200


def _first_name(person: Membership | None) -> str:
    return person.user.get_short_name() if person else ""


# --- the cycles page --------------------------------------------------------------------


@org_view()
def cycles(request: HttpRequest) -> HttpResponse:
    me = request.membership
    is_hr = can_manage_cycles(me)
    reviews = sorted(
        selectors.my_cycle_reviews(me).filter(cycle__status=CycleStatus.OPEN),
        key=lambda r: (
            r.cycle.closes_on,
            r.cycle_id,
            r.relation != Relation.SELF,
            r.participant.participant.name.lower(),
        ),
    )
    participations = list(selectors.my_cycle_participations(me))
    context = {
        "is_hr": is_hr,
        "reviews": reviews,
        "approvals": list(selectors.peers_waiting_for(me)),
        "participations": participations,
        "team_results": list(selectors.team_cycle_results(me)[:50]),
        "page": None,
    }
    if is_hr:
        context["page"] = Paginator(selectors.cycles_overview(), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render_htmx(request, "feedback/cycles/list.html", context, fragment="all_cycles")


@org_view(Permission.MANAGE_CYCLES)
def cycle_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = CycleForm(
        request.POST or None,
        initial={"opens_on": today, "closes_on": today + timedelta(days=14), "max_peers": 3},
    )
    if request.method == "POST" and form.is_valid():
        try:
            cycle = service.save_cycle(actor=request.membership, cycle=form.save(commit=False))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{cycle.name} is saved as a draft. Add questions and participants."
            )
            return _to_cycle(request, cycle)
    return render(
        request,
        "feedback/cycles/new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- HR: one cycle ----------------------------------------------------------------------


@org_view(Permission.MANAGE_CYCLES)
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(FeedbackCycle.objects.select_related("created_by__user"), pk=pk)
    if cycle.status == CycleStatus.DRAFT:
        return _draft(request, cycle)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])  # an open cycle changes only by its actions
    return _dashboard(request, cycle)


def _draft_context(cycle: FeedbackCycle, **forms) -> dict:
    questions = list(cycle.questions.select_related("competency"))
    participants = CycleParticipant.objects.filter(cycle=cycle).select_related("participant__user")
    count = participants.count()
    return {
        "cycle": cycle,
        "questions": questions,
        "participant_count": count,
        "participant_preview": list(
            participants.order_by("participant__user__name", "id")[:PREVIEW_SIZE]
        ),
        "more_participants": max(count - PREVIEW_SIZE, 0),
        "ready": bool(questions) and count > 0,
        "settings_form": forms.get("settings_form")
        or CycleForm(instance=FeedbackCycle.objects.get(pk=cycle.pk)),
        "question_form": forms.get("question_form") or QuestionForm(),
        "participants_form": forms.get("participants_form")
        or ParticipantsForm(
            initial={
                "mode": ParticipantsForm.PEOPLE if count else ParticipantsForm.EVERYONE,
                "people": list(participants.values_list("participant_id", flat=True)),
            }
        ),
        "question_saved": forms.get("question_saved", ""),
        "participants_saved": forms.get("participants_saved", ""),
        "opens_later": cycle.opens_on > local_today(cycle.organization),
    }


def _draft(request: HttpRequest, cycle: FeedbackCycle) -> HttpResponse:
    forms: dict = {}
    fragment = None
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "settings":
            form = CycleForm(request.POST, instance=FeedbackCycle.objects.get(pk=cycle.pk))
            if form.is_valid():
                try:
                    service.save_cycle(actor=request.membership, cycle=form.save(commit=False))
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, "Settings saved.")
                    return _to_cycle(request, cycle)
            forms["settings_form"] = form
        elif which == "question":
            form = QuestionForm(request.POST)
            fragment = "questions"
            if form.is_valid():
                try:
                    service.add_question(actor=request.membership, cycle=cycle, **form.cleaned_data)
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    if not is_partial(request):
                        messages.success(request, "Question added.")
                        return _to_cycle(request, cycle)
                    forms["question_saved"] = "Question added."
                    form = None
            forms["question_form"] = form
        elif which == "participants":
            form = ParticipantsForm(request.POST)
            fragment = "participants"
            if form.is_valid():
                try:
                    count = service.set_participants(
                        actor=request.membership, cycle=cycle, members=form.members()
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    saved = f"{count} participant{'s' if count != 1 else ''} chosen."
                    if not is_partial(request):
                        messages.success(request, saved)
                        return _to_cycle(request, cycle)
                    forms["participants_saved"] = saved
                    form = None  # a fresh form showing who takes part now
            forms["participants_form"] = form
        else:
            return _to_cycle(request, cycle)
    posted = [
        f
        for f in (
            forms.get("settings_form"),
            forms.get("question_form"),
            forms.get("participants_form"),
        )
        if f is not None
    ]
    has_errors = any(f.errors for f in posted)
    if cycle.scheduled and has_errors:
        # A page opened before the cycle was scheduled: its forms are gone from the
        # page now, so say why at the top of a fresh one.
        messages.error(request, service.scheduled_message(cycle))
        if is_partial(request):
            return HttpResponse(status=204, headers={"HX-Redirect": request.path})
        return _to_cycle(request, cycle)
    context = _draft_context(cycle, **forms)
    context["oob"] = is_partial(request)  # refresh the checklist and the Open button too
    return render_htmx(
        request,
        "feedback/cycles/draft.html",
        context,
        fragment=fragment,
        status=_error_status(request, has_errors),
    )


def _dashboard(request: HttpRequest, cycle: FeedbackCycle, reminded: int | None = None):
    page = Paginator(selectors.cycle_progress(cycle), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "cycle": cycle,
        "page": page,
        "totals": selectors.cycle_totals(cycle),
        "reminders": selectors.cycle_reminders_sent(cycle),
        "reminded": reminded,
        "question_count": cycle.questions.count(),
    }
    fragment = "reminders" if reminded is not None else "progress"
    return render_htmx(request, "feedback/cycles/dashboard.html", context, fragment=fragment)


@org_view(Permission.MANAGE_CYCLES)
@require_POST
def cycle_question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(CycleQuestion.objects.select_related("cycle"), pk=pk)
    cycle = question.cycle
    saved = ""
    try:
        service.remove_question(actor=request.membership, question=question)
    except ValidationError as error:
        messages.error(request, message_of(error))
        return _to_cycle(request, cycle)
    saved = f"Removed “{question.prompt}”."
    if is_partial(request):
        return render(
            request,
            "feedback/cycles/draft.html#questions",
            {**_draft_context(cycle, question_saved=saved), "oob": True},
        )
    messages.success(request, saved)
    return _to_cycle(request, cycle)


@org_view(Permission.MANAGE_CYCLES)
@require_POST
def cycle_open(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(FeedbackCycle, pk=pk)
    try:
        count = service.open_cycle(actor=request.membership, cycle=cycle)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        if cycle.scheduled:
            messages.success(
                request,
                f"{cycle.name} will open on {cycle.opens_on:%A %-d %B}: reviewers are told "
                "that day. Until then its setup is fixed; cancel the scheduled opening to "
                "change it.",
            )
        else:
            messages.success(
                request,
                f"{cycle.name} is open: {count} review{'s' if count != 1 else ''} asked. "
                "Reviewers are told now.",
            )
    return _to_cycle(request, cycle)


@org_view(Permission.MANAGE_CYCLES)
@require_POST
def cycle_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(FeedbackCycle, pk=pk)
    try:
        service.cancel_scheduled_opening(actor=request.membership, cycle=cycle)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, f"{cycle.name} will not open by itself. You can change it again.")
    return _to_cycle(request, cycle)


@org_view(Permission.MANAGE_CYCLES)
@require_POST
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(FeedbackCycle, pk=pk)
    try:
        service.close_cycle(actor=request.membership, cycle=cycle)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request,
            f"{cycle.name} is closed. Participants and their managers can read the results.",
        )
    return _to_cycle(request, cycle)


@org_view(Permission.MANAGE_CYCLES)
@require_POST
def cycle_remind(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(FeedbackCycle, pk=pk)
    try:
        count = service.remind_reviewers(actor=request.membership, cycle=cycle)
    except ValidationError as error:
        messages.error(request, message_of(error))
        return _to_cycle(request, cycle)
    if is_partial(request):
        return _dashboard(request, cycle, reminded=count)
    messages.success(request, _reminded_message(count))
    return _to_cycle(request, cycle)


def _reminded_message(count: int) -> str:
    if count == 0:
        return "Everyone who still owes a review was already reminded today."
    return f"Reminder sent to {count} reviewer{'s' if count != 1 else ''}."


# --- participants and their managers ----------------------------------------------------


@org_view()
def cycle_peers(request: HttpRequest, pk: int) -> HttpResponse:
    me = request.membership
    cycle = get_object_or_404(FeedbackCycle.objects.exclude(status=CycleStatus.DRAFT), pk=pk)
    entry = CycleParticipant.objects.filter(cycle=cycle, participant=me).first()
    if entry is None:
        raise Http404
    manager = me.manager if me.manager_id and me.manager.is_active else None
    nominations = list(selectors.peer_nominations(entry))
    room = max(cycle.max_peers - len(nominations), 0)
    is_open = cycle.status == CycleStatus.OPEN and cycle.include_peers
    form = None
    if is_open and room:
        taken = set(
            ReviewerAssignment.objects.filter(participant=entry).values_list(
                "reviewer_id", flat=True
            )
        )
        form = PeersForm(request.POST or None, participant=me, taken=taken, room=room)
    problem = ""
    if request.method == "POST":
        if form is None:
            problem = (
                "This cycle no longer takes peer nominations."
                if not is_open
                else f"You have chosen {cycle.max_peers} peers, the most this cycle asks for."
            )
        elif form.is_valid():
            try:
                added = service.nominate_peers(
                    participant=me, cycle=cycle, peers=form.cleaned_data["peers"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                who = f"{added} colleague{'s' if added != 1 else ''}"
                messages.success(
                    request,
                    f"{who} sent to {manager.name} for approval."
                    if manager
                    else f"{who} asked for feedback.",
                )
                return redirect("feedback:cycle_peers", org_slug=request.organization.slug, pk=pk)
    context = {
        "cycle": cycle,
        "entry": entry,
        "manager": manager,
        "nominations": nominations,
        "room": room,
        "is_open": is_open,
        "form": form,
        "problem": problem,
    }
    has_errors = bool(problem) or bool(form is not None and form.errors)
    return render(request, "feedback/cycles/peers.html", context, status=400 if has_errors else 200)


@org_view()
def cycle_approvals(request: HttpRequest, pk: int) -> HttpResponse:
    me = request.membership
    cycle = get_object_or_404(FeedbackCycle.objects.exclude(status=CycleStatus.DRAFT), pk=pk)
    if not me.is_manager:
        raise Http404
    proposed = list(selectors.proposed_peers(me, cycle))
    problem = ""
    if request.method == "POST":
        wanted = set(request.POST.getlist("assignment"))
        chosen = [a for a in proposed if str(a.pk) in wanted]
        decision = request.POST.get("decision")
        if not chosen or decision not in ("approve", "reject"):
            problem = "Choose whom to approve or decline; the list may have changed meanwhile."
        else:
            try:
                done = service.approve_peers(
                    manager=me, assignments=chosen, approve=decision == "approve"
                )
            except ValidationError as error:
                problem = message_of(error)
            else:
                names = ", ".join(a.reviewer.name for a in chosen)
                messages.success(
                    request,
                    f"Approved: {names}. They are asked for feedback now."
                    if decision == "approve"
                    else f"Declined: {names}. Their colleague can choose someone else.",
                )
                if done:
                    return redirect(
                        "feedback:cycle_approvals", org_slug=request.organization.slug, pk=pk
                    )
    groups: dict[int, dict] = {}
    for assignment in proposed:
        entry = assignment.participant
        groups.setdefault(entry.pk, {"person": entry.participant, "proposed": []})
        groups[entry.pk]["proposed"].append(assignment)
    approved = (
        ReviewerAssignment.objects.filter(
            cycle=cycle,
            participant__participant__manager=me,
            relation=Relation.PEER,
            participant_id__in=list(groups),
        )
        .exclude(status=AssignmentStatus.PROPOSED)
        .select_related("reviewer__user")
        .order_by("reviewer__user__name")
    )
    for assignment in approved:
        groups[assignment.participant_id].setdefault("approved", []).append(assignment.reviewer)
    return render(
        request,
        "feedback/cycles/approvals.html",
        {
            "cycle": cycle,
            "groups": list(groups.values()),
            "problem": problem,
            "is_open": cycle.status == CycleStatus.OPEN,
        },
        status=400 if problem else 200,
    )


# --- reviewers ----------------------------------------------------------------------------


def _audience(assignment: ReviewerAssignment) -> dict:
    """Who will read this review, said before it is written."""
    cycle = assignment.cycle
    person = assignment.participant.participant
    manager = person.manager if person.manager_id and person.manager.is_active else None
    is_self = assignment.relation == Relation.SELF
    first = _first_name(person)
    if is_self:
        readers = (
            f"You and your manager, {manager.name}," if manager else "You"
        ) + " read it once the cycle closes."
        headline = "Your own view, shown next to the others'."
        detail = f"{readers} HR sees only that you answered."
    elif cycle.anonymous:
        headline = (
            f"Anonymous: {first} sees your answers mixed with at least two others', "
            "never your name."
        )
        also = (
            f" {first}'s manager, {manager.name}, reads the same."
            if manager and manager.pk != assignment.reviewer_id
            else ""
        )
        detail = (
            f"Your name is not stored with your answers.{also} If fewer than three "
            "colleagues answer, nobody sees the answers. HR sees only that you answered."
        )
    else:
        headline = f"{first} sees your answers with your name, once the cycle closes."
        detail = (
            f"{first}'s manager, {manager.name}, reads them too. "
            if manager and manager.pk != assignment.reviewer_id
            else ""
        ) + "HR sees only that you answered."
    return {"headline": headline, "detail": detail, "is_self": is_self}


def _answer_page(
    request: HttpRequest, assignment: ReviewerAssignment, *, resend: bool = False
) -> HttpResponse:
    """The review form; a POST stores the answers, except with ``resend``: a post to the
    old address, shown back with what was typed (nothing stored) to be sent again."""
    cycle = assignment.cycle
    if cycle.status != CycleStatus.OPEN:
        state = "closed"
    elif assignment.status == AssignmentStatus.ANSWERED:
        state = "answered"
    elif assignment.status == AssignmentStatus.PROPOSED:
        state = "proposed"
    else:
        state = "open"
    questions = list(cycle.questions.select_related("competency"))
    posted = request.POST if request.method == "POST" else None
    form = AnswerForm(posted, questions=questions) if state == "open" else None
    status = 200
    if posted is not None:
        if form is None:
            status = 400  # nothing is stored: the page says why
        elif resend:
            status = 400
        elif form.is_valid():
            try:
                service.submit_answers(
                    reviewer=request.membership, assignment=assignment, answers=form.answers()
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                about = (
                    "yourself"
                    if assignment.relation == Relation.SELF
                    else assignment.participant.participant.name
                )
                messages.success(request, f"Thank you: your feedback about {about} is in.")
                return _to_cycles(request)
        if form is not None and form.errors:
            status = 400
    fields = (
        [(question, form[f"q{question.pk}"]) for question in questions] if form is not None else []
    )
    context = {
        "assignment": assignment,
        "cycle": cycle,
        "person": assignment.participant.participant,
        "state": state,
        "form": form,
        "fields": fields,
        "audience": _audience(assignment),
        "rating_kinds": (QuestionKind.RATING, QuestionKind.COMPETENCY),
        "resend": resend and form is not None,
    }
    return render(request, "feedback/cycles/answer.html", context, status=status)


def _my_review(request: HttpRequest, pk) -> ReviewerAssignment:
    """One of the reader's own reviews in this organization, or 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        ReviewerAssignment.objects.select_related(
            "cycle", "participant__participant__user", "participant__participant__manager__user"
        ),
        pk=pk,
        reviewer=request.membership,
    )


@org_view()
def cycle_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Read one's review form. Answers are sent to ``cycle_answer_send``, whose address
    names no review: a request log then cannot line a reviewer up with an answer. A post
    here (a page opened before that change) stores nothing and shows the answers back."""
    return _answer_page(request, _my_review(request, pk), resend=request.method == "POST")


@org_view()
@require_POST
def cycle_answer_send(request: HttpRequest) -> HttpResponse:
    """Send one's answers; the review is named in the form's body, never in the URL."""
    return _answer_page(request, _my_review(request, request.POST.get("review")))


# --- results ------------------------------------------------------------------------------

CHART = {"width": 300, "height": 172, "left": 36, "top": 18, "bar": 32, "step": 50, "plot": 96}


def _chart(result, self_rating: int | None) -> dict:
    """Coordinates of a small bar chart of the 1–5 distribution, drawn by the template."""
    counts = result.distribution
    top = max(counts) or 1
    base = CHART["top"] + CHART["plot"]
    bars = []
    for index, count in enumerate(counts):
        height = round(CHART["plot"] * count / top)
        x = CHART["left"] + index * CHART["step"] + (CHART["step"] - CHART["bar"]) // 2
        bars.append(
            {
                "value": index + 1,
                "count": count,
                "x": x,
                "y": base - height,
                "height": height,
                "label_x": x + CHART["bar"] // 2,
                "label_y": base - height - 4,
                "is_self": self_rating == index + 1,
            }
        )
    return {
        **CHART,
        "bars": bars,
        "base": base,
        "axis_right": CHART["left"] + 5 * CHART["step"],
        "tick_y": base + 16,
        "self_y": base + 31,
        "title_y": base + 50,
        "center_x": CHART["left"] + 5 * CHART["step"] // 2,
        "mid_y": CHART["top"] + CHART["plot"] // 2,
    }


@org_view()
def cycle_results(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        CycleParticipant.objects.select_related(
            "cycle", "participant__user", "participant__manager__user"
        ),
        pk=pk,
    )
    me = request.membership
    person = entry.participant
    is_self = me.pk == person.pk
    if not is_self and person.manager_id != me.pk:
        raise Http404
    context = {
        "cycle": entry.cycle,
        "entry": entry,
        "person": person,
        "is_self": is_self,
        "first": "You" if is_self else _first_name(person),
        "min_answers": service.MIN_ANONYMOUS_ANSWERS,
        "results": None,
    }
    if entry.cycle.status == CycleStatus.CLOSED:
        results = service.results_for(entry=entry, reader=me)
        rows = []
        for result in results.questions:
            is_rating = result.question.kind != QuestionKind.TEXT
            self_rating = result.self_answer.rating if result.self_answer else None
            rows.append(
                {
                    "result": result,
                    "is_rating": is_rating,
                    "self_rating": self_rating,
                    "self_text": result.self_answer.text if result.self_answer else "",
                    "chart": _chart(result, self_rating) if is_rating and result.ratings else None,
                    "rating_count": len(result.ratings),
                }
            )
        context.update(results=results, rows=rows)
    return render(request, "feedback/cycles/results.html", context)
