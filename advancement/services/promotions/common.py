"""What every promotion service shares: limits, audit actions, notification kinds, the
locked case, its history, and the refusals of fairness."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.urls import reverse

from advancement.models import Case, CaseEvent, CaseState, Round
from advancement.permissions.promotions import is_candidate
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership
from perfapp.timezones import local_today

MAX_SUMMARY = 5000
MAX_RATIONALE = 5000
MAX_ENDORSEMENT = 3000
MAX_NOTE = 3000
MAX_REASON = 2000
MAX_EFFECT_DAYS = 366  # a promotion takes effect within a year of its decision
STALE = "This case changed meanwhile. Here it is as it is now; apply your change again."


def case_url(case: Case) -> str:
    return reverse(
        "advancement:promotion_case",
        kwargs={"org_slug": case.subject.organization.slug, "pk": case.pk},
    )


def round_is_open(round_: Round, person: Membership) -> bool:
    today = local_today(person)
    return round_.closed_at is None and round_.opens_on <= today <= round_.closes_on


def may_nominate(actor: Membership, subject: Membership, round_: Round) -> bool:
    if actor.pk == subject.pk:
        return round_.allow_self_nomination
    return subject.manager_id == actor.pk


def _refuse_own_case(actor: Membership | None, case: Case, doing: str) -> None:
    if actor is not None and actor.pk == case.subject_id:
        raise ValidationError(
            f"This is your own case, so you cannot {doing} it: someone else in HR or the "
            "calibration group does.",
            code="own_case",
        )


def _refuse_candidate(actor: Membership, round_: Round, doing: str) -> None:
    if is_candidate(actor, round_):
        raise ValidationError(
            f"You have a case in “{round_.name}”, so you cannot {doing}: another HR admin "
            "or the owner does.",
            code="candidate",
        )


def _refuse_closed(round_: Round, what: str) -> None:
    if round_.closed_at is not None:
        raise ValidationError(
            f"“{round_.name}” is closed: {what}. HR can reopen it, with a reason.",
            code="round_closed",
        )


def _names(people: Iterable[Membership]) -> str:
    return ", ".join(sorted(person.name for person in people))


def _open_case_clash(subject: Membership, target_level_id: int, *, exclude: int | None = None):
    """The subject's open (undecided) case for the same target level, in any round."""
    rows = Case.objects.select_related("round").filter(
        subject=subject, target_level_id=target_level_id
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.exclude(state=CaseState.DECIDED).first()


def _clash_message(subject: Membership, clash: Case) -> str:
    return (
        f"{subject.name} already has an open case for {clash.target_level_label} in "
        f"“{clash.round.name}”. It is decided before another case for that level opens."
    )


def _locked_case(case: Case, lock_version: int | None) -> Case:
    """The case row locked for this transaction; refused when it moved past the version
    the person's form started from."""
    locked = Case.objects.select_for_update().select_related("round").get(pk=case.pk)
    locked.subject = case.subject
    if lock_version is not None and locked.lock_version != lock_version:
        raise ValidationError(STALE, code="stale")
    return locked


def _transition(
    case: Case, actor: Membership | None, to_state: str, action: str, note: str = "", **changes
) -> None:
    """Write the case's new state, its history row and the audit event."""
    from_state = case.state
    case.state = to_state
    case.lock_version += 1
    case.save()
    CaseEvent.objects.create(
        organization_id=case.organization_id,
        case=case,
        actor=actor,
        from_state=from_state if from_state != to_state else "",
        to_state=to_state,
        note=note[:2000],
    )
    record(
        organization=case.subject.organization,
        actor=actor,
        action=action,
        target=case,
        target_label=f"{case.subject.name} → {case.target_level_label}",
        changes={"state": [from_state, to_state], **changes},
    )


def _event(case: Case, actor: Membership | None, action: str, note: str, **changes) -> None:
    """A history row and an audit event for something that happened to a decided case
    without changing its state (its promotion taking effect or being reverted)."""
    CaseEvent.objects.create(
        organization_id=case.organization_id,
        case=case,
        actor=actor,
        to_state=case.state,
        note=note[:2000],
    )
    record(
        organization=case.subject.organization,
        actor=actor,
        action=action,
        target=case,
        target_label=f"{case.subject.name} → {case.target_level_label}",
        changes=changes,
    )


def _tell_subject(case: Case, occasion: str, title: str, body: str = "") -> None:
    if case.subject.is_active:
        notifications.queue(
            recipient=case.subject,
            kind="career.promotion_case",
            occasion=f"case:{case.pk}:{occasion}",
            title=title,
            body=body,
            url=case_url(case),
        )
