"""Promotion rounds (HR), cases (nominators, subjects, calibrators) and endorsements.

Anything a viewer may not read answers 404, exactly like missing. Writes go through
``services.promotions``; their errors are shown on the page with nothing changed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from advancement.forms.promotions import (
    CloseRoundForm,
    DecisionForm,
    EndorsementForm,
    EndorserForm,
    LockForm,
    NoteForm,
    OpenCaseForm,
    ReasonForm,
    RoundForm,
    SummaryForm,
)
from advancement.models import CaseState, Decision, Endorsement, Rating, Round
from advancement.permissions.promotions import (
    can_apply_promotion,
    can_calibrate,
    can_edit_case,
    can_read_endorsement,
    is_candidate,
    manages_promotions,
)
from advancement.selectors import promotions as selectors
from advancement.selectors.readiness import packet_for
from advancement.services import promotions as services
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view
from perfapp.timezones import local_today
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import message_of

MANAGE = Permission.MANAGE_PROMOTIONS


def _case_or_404(request: HttpRequest, pk: int):
    case = selectors.case_for(request.membership, pk)
    if case is None:
        raise Http404
    return case


def _to_case(request: HttpRequest, case) -> HttpResponse:
    return redirect("advancement:promotion_case", org_slug=request.organization.slug, pk=case.pk)


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, message_of(error))


# --- everyone: my promotion -------------------------------------------------------------------


@org_view()
def promotions(request: HttpRequest) -> HttpResponse:
    """The viewer's own cases (state, and the decision once made), the endorsements asked
    of them, the cases they follow as a manager, and the rounds they may nominate in."""
    viewer = request.membership
    mine = list(selectors.my_cases(viewer))
    following = list(
        selectors.visible_cases(viewer).exclude(subject=viewer).order_by("-created_at", "-id")[:50]
    )
    today = local_today(viewer)
    has_reports = Membership.objects.filter(manager=viewer, is_active=True).exists()
    nominate_in = [
        r for r in selectors.open_rounds(today) if has_reports or r.allow_self_nomination
    ]
    return render(
        request,
        "advancement/promotions/index.html",
        {
            "mine": mine,
            "following": following,
            "endorsements": selectors.endorsements_of(viewer)[:50],
            "nominate_in": nominate_in,
            "manages": manages_promotions(viewer),
        },
    )


# --- HR: rounds -------------------------------------------------------------------------------


@org_view(MANAGE)
def rounds(request: HttpRequest) -> HttpResponse:
    """HR's rounds, and the decided promotions whose new level has not taken effect."""
    to_apply = selectors.promotions_to_apply()
    today = local_today(request.organization)
    for case in to_apply:
        case.due = case.effective_on is None or case.effective_on <= today
        case.applicable = (
            case.due
            and case.subject_id != request.membership.pk
            and (not case.blocker or case.overridable)
        )
    return render(
        request,
        "advancement/promotions/rounds.html",
        {"rounds": selectors.rounds(request.membership), "to_apply": to_apply},
    )


def _round_form(request: HttpRequest, round_: Round) -> HttpResponse:
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for field in ("name", "opens_on", "closes_on", "allow_self_nomination"):
            setattr(round_, field, data[field])
        try:
            saved = services.save_round(
                actor=request.membership,
                round_=round_,
                tracks=data["tracks"],
                calibration_group=data["calibration_group"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{saved.name}” is saved.")
            return redirect("advancement:promotion_rounds", org_slug=request.organization.slug)
    return render(
        request,
        "advancement/promotions/round_form.html",
        {"form": form, "round": round_},
        status=400 if form.errors else 200,
    )


@org_view(MANAGE)
def round_new(request: HttpRequest) -> HttpResponse:
    return _round_form(request, Round())


@org_view(MANAGE)
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_form(request, get_object_or_404(Round, pk=pk))


def _to_rounds(request: HttpRequest) -> HttpResponse:
    return redirect("advancement:promotion_rounds", org_slug=request.organization.slug)


@org_view(MANAGE)
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing is deliberate: this page says what is still undecided and asks to confirm,
    or to mark the remaining cases "not yet" with a rationale."""
    round_ = get_object_or_404(Round, pk=pk)
    if round_.closed_at is not None:
        messages.info(request, f"“{round_.name}” is closed already.")
        return _to_rounds(request)
    form = CloseRoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_round(actor=request.membership, round_=round_, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{round_.name}” is closed.")
            return _to_rounds(request)
    undecided = services.undecided_cases(round_)
    return render(
        request,
        "advancement/promotions/round_close.html",
        {
            "round": round_,
            "form": form,
            "undecided": services.describe_undecided(undecided) if undecided else "",
            "candidate": is_candidate(request.membership, round_),
        },
        status=400 if form.errors else 200,
    )


@org_view(MANAGE)
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """HR reopens a closed round, saying why (kept in the audit log)."""
    round_ = get_object_or_404(Round, pk=pk)
    if round_.closed_at is None:
        messages.info(request, f"“{round_.name}” is open.")
        return _to_rounds(request)
    form = ReasonForm(
        request.POST or None,
        label="Why reopen it",
        help_text="Kept in the audit log. Decisions stay as they are; the calibration group "
        "reads and decides again, and outcomes leave the round out until it closes again.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_round(
                actor=request.membership, round_=round_, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{round_.name}” is open again.")
            return _to_rounds(request)
    return render(
        request,
        "advancement/promotions/round_reopen.html",
        {"round": round_, "form": form},
        status=400 if form.errors else 200,
    )


@org_view(MANAGE)
@require_POST
def round_calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=pk)
    try:
        moved = services.move_round_to_calibration(actor=request.membership, round_=round_)
    except ValidationError as error:
        _error(request, error)
        return _to_rounds(request)
    messages.success(
        request, f"{moved} submitted case{'s' if moved != 1 else ''} moved to calibration."
    )
    return redirect(
        "advancement:promotion_calibration", org_slug=request.organization.slug, pk=round_.pk
    )


# --- cases ------------------------------------------------------------------------------------


@org_view()
def case_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Nominate a direct report (or oneself, where the round allows) for the next level."""
    viewer = request.membership
    round_ = get_object_or_404(Round, pk=pk)
    candidates = Membership.objects.select_related("user").filter(is_active=True, manager=viewer)
    if round_.allow_self_nomination:
        candidates = Membership.objects.select_related("user").filter(
            is_active=True, pk__in=[viewer.pk, *candidates.values_list("pk", flat=True)]
        )
    if not services.round_is_open(round_, viewer) or not candidates.exists():
        raise Http404
    form = OpenCaseForm(request.POST or None, candidates=candidates.order_by("user__name"))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                actor=viewer,
                round_=round_,
                subject=form.cleaned_data["subject"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Case opened for {case.target_level_label}. Ask for endorsements, then submit.",
            )
            return _to_case(request, case)
    return render(
        request,
        "advancement/promotions/case_new.html",
        {"form": form, "round": round_},
        status=400 if form.errors else 200,
    )


def _with_labels(criterion: dict) -> dict:
    """A packet criterion with its ratings as people read them ("Consistently")."""
    labels = dict(Rating.choices)
    return {
        **criterion,
        "self_label": labels.get(criterion.get("self_rating") or "", ""),
        "manager_label": labels.get(criterion.get("manager_rating") or "", ""),
    }


def _may_decide(viewer: Membership, case) -> bool:
    try:
        services.ensure_may_decide(actor=viewer, case=case)
    except ValidationError:
        return False
    return True


def _effect(case, viewer: Membership) -> dict:
    """Where a promotion stands: waiting for its day, waiting for HR, taken effect or
    reverted; what HR may do about it."""
    if case.decision != Decision.PROMOTED:
        return {}
    blocker, overridable = "", False
    due = False
    if case.awaits_effect:
        today = local_today(case.subject.organization)
        due = case.effective_on is None or case.effective_on <= today
        if due:
            blocker, overridable = selectors.application_blocker(
                case,
                version=selectors.current_version(),
                placement=selectors.placements_for([case.subject]).get(case.subject_id),
            )
    hr = can_apply_promotion(viewer, case)
    return {
        "due": due,
        "blocker": blocker,
        "may_apply": hr and case.awaits_effect and due and (not blocker or overridable),
        "may_revert": hr and case.applied_at is not None and case.reverted_at is None,
    }


def _case_page(
    request: HttpRequest,
    case,
    *,
    decision_form: DecisionForm | None = None,
    revert_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = request.membership
    editable = can_edit_case(viewer, case)
    is_subject = viewer.pk == case.subject_id
    notes = selectors.calibration_notes_for(viewer, case)
    everyone_asked = list(
        Endorsement.objects.select_related("endorser__user").filter(case=case).order_by("id")
    )
    # The subject never reads endorsements of their own case; they learn how many exist.
    endorsements = [] if is_subject else everyone_asked
    packet = packet_for(case.packet, subject=case.subject, viewer=viewer)
    criteria = [_with_labels(c) for c in packet.get("criteria", [])]
    not_yet = [c for c in criteria if c["id"] in set(case.not_yet_criteria or [])]
    lock = {"lock_version": case.lock_version}
    if decision_form is None and _may_decide(viewer, case):
        decision_form = DecisionForm(
            criteria=criteria,
            initial={**lock, "effective_on": local_today(request.organization)},
        )
    effect = _effect(case, viewer)
    if revert_form is None and effect.get("may_revert"):
        revert_form = _revert_form(case, initial=lock)
    context = {
        "case": case,
        "criteria": criteria,
        "not_yet": not_yet,
        "editable": editable,
        "calibrates": notes is not None,
        "is_subject": is_subject,
        "manages": manages_promotions(viewer),
        "may_move": case.state == CaseState.SUBMITTED
        and not is_subject
        and case.round.closed_at is None
        and manages_promotions(viewer)
        and can_calibrate(viewer, case.round),
        "endorsements": endorsements,
        "endorsements_asked": len(everyone_asked),
        "endorsements_written": sum(1 for e in everyone_asked if e.submitted_at),
        "events": case.events.select_related("actor__user"),
        "stale": services.stale_version(case) if editable else None,
        "lock_form": LockForm(initial=lock),
        "summary_form": SummaryForm(initial={"summary": case.summary, **lock})
        if editable
        else None,
        "endorser_form": (
            EndorserForm(exclude=[case.subject_id, *[e.endorser_id for e in everyone_asked]])
            if editable
            else None
        ),
        "notes": notes,
        "note_form": NoteForm() if notes is not None and case.round.closed_at is None else None,
        "decision_form": decision_form,
        "effect": effect,
        "revert_form": revert_form,
    }
    return render(request, "advancement/promotions/case.html", context, status=status)


def _revert_form(case, data=None, initial=None) -> ReasonForm:
    return ReasonForm(
        data,
        initial=initial,
        label="Why revert it",
        help_text=f"{case.subject.name} reads it; the audit log keeps it. Their placement goes "
        f"back to {case.from_level_label}.",
    )


@org_view()
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case_or_404(request, pk))


def _case_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    """POST an action that needs only the case's lock version."""
    case = _case_or_404(request, pk)
    form = LockForm(request.POST)
    lock_version = form.cleaned_data["lock_version"] if form.is_valid() else None
    if lock_version is None:
        messages.error(request, services.STALE)
        return _to_case(request, case)
    try:
        action(actor=request.membership, case=case, lock_version=lock_version)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, success)
    return _to_case(request, case)


@org_view()
@require_POST
def case_summary(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = SummaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the summary to 5,000 characters.")
        return _to_case(request, case)
    try:
        services.save_summary(actor=request.membership, case=case, **form.cleaned_data)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "Summary saved.")
    return _to_case(request, case)


@org_view()
@require_POST
def case_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk, services.refresh_version, "The case now uses the current framework version."
    )


@org_view()
@require_POST
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk, services.submit_case, "Submitted. The packet is frozen as it stands today."
    )


@org_view()
@require_POST
def case_calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(request, pk, services.move_to_calibration, "Moved to calibration.")


@org_view()
@require_POST
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision. Refusals that no form fixes (own case, closed round…) come back
    as a message; a form with errors comes back with what was typed and each error next
    to its field."""
    case = _case_or_404(request, pk)
    try:
        services.ensure_may_decide(actor=request.membership, case=case)
    except ValidationError as error:
        _error(request, error)
        return _to_case(request, case)
    criteria = [_with_labels(c) for c in (case.packet or {}).get("criteria", [])]
    form = DecisionForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            services.decide(actor=request.membership, case=case, **form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) == "stale":
                _error(request, error)
                return _to_case(request, case)
            apply_errors(form, error)
        else:
            messages.success(request, "Decided. The person has been told.")
            return _to_case(request, case)
    elif "lock_version" in form.errors:
        messages.error(request, form.errors["lock_version"][0])
        return _to_case(request, case)
    return _case_page(request, case, decision_form=form, status=400)


@org_view(MANAGE)
@require_POST
def case_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """HR applies a promotion that could not take effect by itself."""
    case = _case_or_404(request, pk)
    try:
        services.apply_promotion(actor=request.membership, case=case)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            f"{case.subject.name} is placed at {case.target_level_label}; they have been told.",
        )
    if request.POST.get("next") == "rounds":
        return _to_rounds(request)
    return _to_case(request, case)


@org_view(MANAGE)
@require_POST
def case_revert(request: HttpRequest, pk: int) -> HttpResponse:
    """HR reverts a promotion that took effect, with a reason."""
    case = _case_or_404(request, pk)
    form = _revert_form(case, request.POST)
    if form.is_valid():
        try:
            services.revert_promotion(
                actor=request.membership,
                case=case,
                reason=form.cleaned_data["reason"],
                lock_version=form.cleaned_data["lock_version"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                _error(request, error)
                return _to_case(request, case)
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Reverted: {case.subject.name} is placed at {case.from_level_label} again.",
            )
            return _to_case(request, case)
    if not can_apply_promotion(request.membership, case):
        _error(request, ValidationError("Only HR reverts a promotion, never their own."))
        return _to_case(request, case)
    return _case_page(request, case, revert_form=form, status=400)


@org_view()
@require_POST
def case_note(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Write a note of at most 3,000 characters.")
        services.add_note(actor=request.membership, case=case, body=form.cleaned_data["body"])
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "Note added.")
    return _to_case(request, case)


@org_view()
@require_POST
def case_endorser(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = EndorserForm(request.POST, exclude=[case.subject_id])
    try:
        if not form.is_valid():
            raise ValidationError("Choose a colleague to ask.")
        endorser = form.cleaned_data["endorser"]
        services.request_endorsement(actor=request.membership, case=case, endorser=endorser)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, f"{endorser.name} is asked for an endorsement.")
    return _to_case(request, case)


# --- endorsers --------------------------------------------------------------------------------


@org_view()
def endorsement(request: HttpRequest, pk: int) -> HttpResponse:
    """The endorser writes their endorsement; they see nothing else of the case."""
    row = get_object_or_404(
        Endorsement.objects.select_related("case__subject__user", "case__round", "endorser__user"),
        pk=pk,
    )
    if not can_read_endorsement(request.membership, row):
        raise Http404
    is_endorser = row.endorser_id == request.membership.pk
    form = EndorsementForm(request.POST or None, initial={"body": row.body})
    if request.method == "POST":
        if not is_endorser:
            raise Http404
        if form.is_valid():
            try:
                services.write_endorsement(
                    actor=request.membership, endorsement=row, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Thank you: your endorsement is with the case.")
                return redirect(
                    "advancement:promotion_endorsement",
                    org_slug=request.organization.slug,
                    pk=row.pk,
                )
    return render(
        request,
        "advancement/promotions/endorsement.html",
        {
            "endorsement": row,
            "form": form if is_endorser and row.case.state != CaseState.DECIDED else None,
        },
        status=400 if form.errors else 200,
    )
