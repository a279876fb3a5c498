"""Writes for development plans: the plan's text, sign-offs, comments and reviews; goals,
milestones and learning items; the organization's review cadence; and the periodic
reminders (a review falls due, a goal passes its target date).

Every write names its actor and checks that they are one of the plan's two people (the
owner and their manager, ``permissions.can_edit_plan``). Bad input raises a
``ValidationError`` naming the field, before anything is written.

Sign-offs and versions. ``DevelopmentPlan.version`` counts changes to what the two
people agree on: the plan's text (aspirations, target, focus) and the goals themselves
(adding one, changing what it says, dropping it). Such a change by one person clears the
*other* person's sign-off, so "agreed" always means both signed the same content, and it
is a row in the plan's history. Signing names the version it agrees to: a sign-off on a
version that changed meanwhile is refused. Tracking — ticking milestones, progress, a
goal at risk or done, learning items — changes no sign-off, and is in the history too.
"""

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from advancement.models import Competency, Level, Track
from development.audit import PlanAction
from development.models import (
    DevelopmentPlan,
    DevelopmentSettings,
    Goal,
    GoalStatus,
    GoalVisibility,
    LearningItem,
    LearningKind,
    LearningStatus,
    Milestone,
    PlanComment,
    PlanEvent,
    PlanEventKind,
    PlanReview,
    PlanStatus,
    ProgressMode,
)
from development.permissions.plans import can_edit_plan, can_sign
from perfapp.audit.services import record
from perfapp.concurrency import StaleEdit
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership
from perfapp.orgs.services import change_settings
from perfapp.text import excerpt
from perfapp.timezones import local_today, zone_of

MAX_FOCUS = 5
MAX_TEXT = 4000
MAX_GOAL_TEXT = 2000
REMIND_AT = time(9, 0)
PLAN_CHANGED = "This plan changed meanwhile. Here is the latest version; apply your edit again."
UNCHANGED = object()


# --- small helpers ---------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def progress_of(goal: Goal, total: int, done: int) -> int:
    """0–100: a goal done is 100; otherwise from its milestones or as set by hand."""
    if goal.status == GoalStatus.DONE:
        return 100
    if goal.progress_mode == ProgressMode.MANUAL:
        return goal.manual_progress
    return round(100 * done / total) if total else 0


def plan_url(owner: Membership) -> str:
    return reverse("development:plan", kwargs={"org_slug": owner.organization.slug, "pk": owner.pk})


def _excerpt(text: str, length: int = 120) -> str:
    return excerpt(text, length)


def _locked(plan: DevelopmentPlan) -> DevelopmentPlan:
    """The plan row, locked for this transaction, with its people at hand."""
    locked = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    locked.owner = plan.owner
    return locked


def _require_editor(actor: Membership, owner: Membership) -> None:
    if not can_edit_plan(actor, owner):
        raise ValidationError(f"Only {owner.name} and their manager can change this plan.")


def _event(
    plan: DevelopmentPlan,
    actor: Membership | None,
    kind: str,
    summary: str,
    changes: dict | None = None,
) -> PlanEvent:
    return PlanEvent.objects.create(
        organization_id=plan.organization_id,
        plan=plan,
        actor=actor,
        kind=kind,
        summary=summary[:500],
        changes=changes or {},
    )


def _other_person(plan: DevelopmentPlan, actor: Membership | None) -> Membership | None:
    """The other one of the two people, if they are there to tell."""
    owner = plan.owner
    if actor is not None and actor.pk == owner.pk:
        manager = owner.manager
        return manager if manager is not None and manager.is_active else None
    return owner if owner.is_active else None


def _tell(
    recipient: Membership | None,
    kind: str,
    occasion: str,
    title: str,
    owner: Membership,
    body: str = "",
) -> None:
    if recipient is None:
        return
    notifications.queue(
        recipient=recipient,
        kind=kind,
        occasion=occasion,
        title=title,
        body=body,
        url=plan_url(owner),
    )


def _content_changed(plan: DevelopmentPlan, actor: Membership | None) -> list[str]:
    """After a change to what the two people agree on: the version moves on, the other
    person's sign-off is cleared (and with it the agreement). Returns whose sign-off was
    cleared ("owner" / "manager"). The caller saves the plan."""
    plan.version += 1
    cleared = []
    by_owner = actor is not None and actor.pk == plan.owner_id
    by_manager = actor is not None and not by_owner
    if plan.manager_signed_at and not by_manager:
        plan.manager_signed_at, plan.manager_signed_by = None, None
        cleared.append("manager")
    if plan.owner_signed_at and not by_owner:
        plan.owner_signed_at = None
        cleared.append("owner")
    if plan.status == PlanStatus.AGREED and cleared:
        plan.status, plan.agreed_at = PlanStatus.DRAFT, None
    return cleared


def _cleared_note(plan: DevelopmentPlan, cleared: list[str]) -> str:
    if not cleared:
        return ""
    owner = plan.owner
    names = []
    for who in cleared:
        if who == "owner":
            names.append(owner.name)
        else:
            names.append(owner.manager.name if owner.manager is not None else "the manager")
    return f" {' and '.join(names)}'s sign-off was cleared: they sign again."


def _after_content_change(
    plan: DevelopmentPlan, actor: Membership | None, cleared: list[str], what: str
) -> None:
    """Tell the person whose sign-off an edit cleared."""
    if not cleared:
        return
    owner = plan.owner
    for who in cleared:
        recipient = owner if who == "owner" else owner.manager
        if recipient is None or not recipient.is_active:
            continue
        if actor is None:  # a change perfapp made (goals after a promotion decision)
            whose = "Your" if who == "owner" else f"{owner.name}'s"
            title = f"{whose} development plan changed: sign it again"
        elif who == "owner":
            title = f"{actor.name} changed your development plan: sign it again"
        else:
            title = f"{actor.name} changed their development plan: sign it again"
        _tell(
            recipient,
            "development.plan",
            f"plan:{plan.pk}:resign:{who}:{plan.version}",
            title,
            owner,
            body=what,
        )


# --- settings ----------------------------------------------------------------------------------


def save_settings(*, actor: Membership, review_every_months: int) -> DevelopmentSettings:
    """HR sets how often plans are reviewed (1–12 months); audited with old and new."""
    if not isinstance(review_every_months, int) or not 1 <= review_every_months <= 12:
        raise ValidationError({"review_every_months": "Choose between 1 and 12 months."})
    return change_settings(
        DevelopmentSettings,
        actor=actor,
        action=PlanAction.SETTINGS_CHANGED,
        values={"review_every_months": review_every_months},
    )


# --- the plan ----------------------------------------------------------------------------------


def plan_of(owner: Membership) -> DevelopmentPlan | None:
    plan = DevelopmentPlan.objects.filter(owner=owner).first()
    if plan is not None:
        plan.owner = owner
    return plan


def ensure_plan(owner: Membership, actor: Membership | None = None) -> DevelopmentPlan:
    """The owner's plan, started (as a draft) if they have none yet. ``actor`` None is
    perfapp itself, e.g. when a stretch assignment adds a goal to someone's plan."""
    plan = plan_of(owner)
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            plan = DevelopmentPlan.objects.create(
                organization_id=owner.organization_id, owner=owner
            )
            _event(plan, actor, PlanEventKind.CREATED, "Started the plan.")
    except IntegrityError:  # started meanwhile
        plan = DevelopmentPlan.objects.get(owner=owner)
    plan.owner = owner
    return plan


def start_plan(*, actor: Membership, owner: Membership) -> DevelopmentPlan:
    """A plan starts with its owner: the manager comments and agrees once it exists."""
    if actor.pk != owner.pk:
        existing = plan_of(owner)
        if existing is None:
            raise ValidationError(
                f"{owner.name} starts their own plan; you comment on it and agree once it exists."
            )
        _require_editor(actor, owner)
        return existing
    return ensure_plan(owner, actor)


def _check_plan_fields(
    aspirations: str,
    target_track: Track | None,
    target_level: Level | None,
    focus: list[Competency],
) -> dict:
    errors = {}
    if len(aspirations) > MAX_TEXT:
        errors["aspirations"] = f"Keep it to {MAX_TEXT:,} characters."
    if (
        target_level is not None
        and target_track is not None
        and target_level.track_id != target_track.pk
    ):
        errors["target_level"] = (
            f"{target_level.code} {target_level.name} is not a level of {target_track.name}."
        )
    if len(focus) > MAX_FOCUS:
        errors["focus_competencies"] = (
            f"Choose up to {MAX_FOCUS} competencies to focus on: a plan that grows "
            "everything at once grows nothing."
        )
    if any(competency.archived_at is not None for competency in focus):
        errors["focus_competencies"] = "Choose among the competencies in use."
    return errors


@transaction.atomic
def save_plan(
    *,
    actor: Membership,
    owner: Membership,
    expected_version: int,
    aspirations: str,
    target_track: Track | None = None,
    target_level: Level | None = None,
    focus: Iterable[Competency] = (),
) -> DevelopmentPlan:
    """Save the plan's text, only if nobody changed the plan since ``expected_version``.
    The owner's first save starts the plan."""
    focus = list(focus)
    aspirations = (aspirations or "").strip()
    errors = _check_plan_fields(aspirations, target_track, target_level, focus)
    if errors:
        raise ValidationError(errors)
    if target_level is not None and target_track is None:
        target_track = target_level.track
    plan = start_plan(actor=actor, owner=owner)
    _require_editor(actor, owner)
    plan = _locked(plan)
    if plan.version != expected_version:
        raise StaleEdit(plan, PLAN_CHANGED)
    before_focus = {c.pk: c.name for c in plan.focus_competencies.all()}
    after_focus = {c.pk: c.name for c in focus}
    changed = []
    if plan.aspirations != aspirations:
        changed.append("aspirations")
    if (plan.target_track_id, plan.target_level_id) != (
        getattr(target_track, "pk", None),
        getattr(target_level, "pk", None),
    ):
        changed.append("target")
    if set(before_focus) != set(after_focus):
        changed.append("focus")
    if not changed:
        return plan
    plan.aspirations = aspirations
    plan.target_track, plan.target_level = target_track, target_level
    cleared = _content_changed(plan, actor)
    plan.save()
    if "focus" in changed:
        plan.focus_competencies.set(focus)
    labels = {"aspirations": "the aspirations", "target": "the target", "focus": "the focus"}
    what = "Changed " + _joined([labels[name] for name in changed]) + "."
    changes: dict = {"fields": changed}
    if "focus" in changed:
        changes["focus_added"] = sorted(
            name for pk, name in after_focus.items() if pk not in before_focus
        )
        changes["focus_removed"] = sorted(
            name for pk, name in before_focus.items() if pk not in after_focus
        )
    _event(plan, actor, PlanEventKind.EDITED, what + _cleared_note(plan, cleared), changes)
    _after_content_change(plan, actor, cleared, what)
    return plan


def _joined(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@transaction.atomic
def sign_plan(
    *, actor: Membership, plan: DevelopmentPlan, expected_version: int
) -> DevelopmentPlan:
    """The owner or their manager signs the version they read. When both have signed the
    same version the plan is agreed, and its first review is scheduled."""
    owner = plan.owner
    if not can_sign(actor, owner):
        raise ValidationError(f"Only {owner.name} and their manager sign this plan.")
    plan = _locked(plan)
    if plan.version != expected_version:
        raise StaleEdit(
            plan,
            "This plan changed since you opened it. Read the latest version, then sign it.",
        )
    as_owner = actor.pk == owner.pk
    already = plan.owner_signed_at if as_owner else plan.manager_signed_at
    if already is not None:
        return plan
    if not (plan.aspirations or plan.goals.exists() or plan.focus_competencies.exists()):
        raise ValidationError(
            "There is nothing to agree on yet: write the aspirations, choose a focus or add "
            "a goal first."
        )
    now = timezone.now()
    role = "owner" if as_owner else "manager"
    if as_owner:
        plan.owner_signed_at = now
    else:
        plan.manager_signed_at, plan.manager_signed_by = now, actor
    _event(
        plan,
        actor,
        PlanEventKind.SIGNED,
        f"Signed off as {'the owner' if as_owner else 'the manager'} (version {plan.version}).",
        {"role": role, "version": plan.version},
    )
    record(
        organization=owner.organization,
        actor=actor,
        action=PlanAction.PLAN_SIGNED,
        target=plan,
        target_label=f"Development plan of {owner.name}",
        changes={"signed_as": [None, role], "version": [None, plan.version]},
    )
    other = _other_person(plan, actor)
    if plan.owner_signed_at and plan.manager_signed_at:
        plan.status, plan.agreed_at = PlanStatus.AGREED, now
        today = local_today(owner)
        if plan.next_review_on is None or plan.next_review_on <= today:
            months = DevelopmentSettings.of(owner.organization).review_every_months
            plan.next_review_on = add_months(today, months)
        _event(
            plan,
            actor,
            PlanEventKind.AGREED,
            f"Agreed by both. First review by {plan.next_review_on:%-d %B %Y}.",
            {"version": plan.version},
        )
        _tell(
            other,
            "development.plan",
            f"plan:{plan.pk}:agreed:{plan.version}",
            f"{actor.name} signed too: the development plan is agreed",
            owner,
        )
    else:
        title = (
            f"{actor.name} signed their development plan: your sign-off is the one missing"
            if as_owner
            else f"{actor.name} signed your development plan: your sign-off is the one missing"
        )
        _tell(
            other, "development.plan", f"plan:{plan.pk}:signed:{role}:{plan.version}", title, owner
        )
    plan.save()
    return plan


def comment_on_plan(*, actor: Membership, plan: DevelopmentPlan, body: str) -> PlanComment:
    owner = plan.owner
    _require_editor(actor, owner)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write your comment."})
    if len(body) > MAX_TEXT:
        raise ValidationError({"body": f"Keep it to {MAX_TEXT:,} characters."})
    with transaction.atomic():
        comment = PlanComment.objects.create(
            organization_id=plan.organization_id, plan=plan, author=actor, body=body
        )
        _event(plan, actor, PlanEventKind.COMMENTED, f"Commented: “{_excerpt(body, 80)}”")
        _tell(
            _other_person(plan, actor),
            "development.plan",
            f"plan-comment:{comment.pk}",
            f"{actor.name} commented on "
            + ("their development plan" if actor.pk == owner.pk else "your development plan"),
            owner,
            body=_excerpt(body, 280),
        )
    return comment


@transaction.atomic
def record_review(
    *, actor: Membership, plan: DevelopmentPlan, what_changed: str, next_review_on: date | None
) -> PlanReview:
    """The two people reviewed the plan together: what changed, and when they look again
    (after today, within a year)."""
    owner = plan.owner
    _require_editor(actor, owner)
    what_changed = (what_changed or "").strip()
    today = local_today(actor)
    errors = {}
    if not what_changed:
        errors["what_changed"] = "Say what changed since the last review, even if little did."
    elif len(what_changed) > MAX_TEXT:
        errors["what_changed"] = f"Keep it to {MAX_TEXT:,} characters."
    if next_review_on is None:
        errors["next_review_on"] = "Choose when you will review the plan next."
    elif next_review_on <= today:
        errors["next_review_on"] = "Choose a date after today."
    elif next_review_on > today + timedelta(days=366):
        errors["next_review_on"] = "Choose a date within a year."
    if errors:
        raise ValidationError(errors)
    assert next_review_on is not None  # a missing date is one of the errors above
    plan = _locked(plan)
    review = PlanReview.objects.create(
        organization_id=plan.organization_id,
        plan=plan,
        recorded_by=actor,
        what_changed=what_changed,
        next_review_on=next_review_on,
    )
    plan.last_reviewed_at = timezone.now()
    plan.next_review_on = next_review_on
    plan.save(update_fields=["last_reviewed_at", "next_review_on", "updated_at"])
    _event(
        plan,
        actor,
        PlanEventKind.REVIEWED,
        f"Reviewed the plan: “{_excerpt(what_changed)}” Next review by {next_review_on:%-d %B %Y}.",
        {"next_review_on": next_review_on.isoformat()},
    )
    return review


# --- goals -------------------------------------------------------------------------------------


def _check_goal(
    title: str,
    why: str,
    success_criteria: str,
    start_on: date | None,
    target_on: date | None,
    competencies: list[Competency],
    visibility: str,
) -> dict:
    errors = {}
    if not title:
        errors["title"] = "Give the goal a short title."
    elif len(title) > 200:
        errors["title"] = "Keep the title to 200 characters."
    if len(why) > MAX_GOAL_TEXT:
        errors["why"] = f"Keep it to {MAX_GOAL_TEXT:,} characters."
    if not success_criteria:
        errors["success_criteria"] = "Say how you will both know it is done: something you can see."
    elif len(success_criteria) > MAX_GOAL_TEXT:
        errors["success_criteria"] = f"Keep it to {MAX_GOAL_TEXT:,} characters."
    if start_on is None:
        errors["start_on"] = "Choose when the goal starts."
    if target_on is None:
        errors["target_on"] = "Choose a target date."
    elif start_on is not None and target_on < start_on:
        errors["target_on"] = (
            f"The target date is before the start ({start_on:%-d %B %Y}): choose a date on or "
            "after it."
        )
    if any(competency.archived_at is not None for competency in competencies):
        errors["competencies"] = "Choose among the competencies in use."
    if visibility not in GoalVisibility.values:
        errors["visibility"] = "Choose who sees the goal."
    return errors


@transaction.atomic
def add_goal(
    *,
    actor: Membership | None,
    plan: DevelopmentPlan,
    title: str,
    success_criteria: str,
    start_on: date | None,
    target_on: date | None,
    why: str = "",
    competencies: Iterable[Competency] = (),
    visibility: str = GoalVisibility.PRIVATE,
    stretch_interest=None,
) -> Goal:
    """A new goal in the plan. ``actor`` None is perfapp itself (a stretch assignment the
    owner was chosen for adds its goal); anyone else is one of the plan's two people."""
    owner = plan.owner
    if actor is not None:
        _require_editor(actor, owner)
    title, why = (title or "").strip(), (why or "").strip()
    success_criteria = (success_criteria or "").strip()
    competencies = list(competencies)
    errors = _check_goal(
        title, why, success_criteria, start_on, target_on, competencies, visibility
    )
    if errors:
        raise ValidationError(errors)
    # _check_goal reports a missing date.
    assert start_on is not None and target_on is not None
    plan = _locked(plan)
    goal = Goal.objects.create(
        organization_id=plan.organization_id,
        plan=plan,
        title=title,
        why=why,
        success_criteria=success_criteria,
        start_on=start_on,
        target_on=target_on,
        visibility=visibility,
        stretch_interest=stretch_interest,
    )
    goal.competencies.set(competencies)
    cleared = _content_changed(plan, actor)
    plan.save()
    kind = PlanEventKind.STRETCH if stretch_interest is not None else PlanEventKind.GOAL_ADDED
    what = f"Added the goal “{title}”, by {target_on:%-d %B %Y}."
    _event(plan, actor, kind, what + _cleared_note(plan, cleared), {"goal": goal.pk})
    _after_content_change(plan, actor, cleared, what)
    return goal


GOAL_FIELDS = ("title", "why", "success_criteria", "start_on", "target_on", "visibility")


@transaction.atomic
def edit_goal(
    *,
    actor: Membership,
    goal: Goal,
    title: str,
    success_criteria: str,
    start_on: date | None,
    target_on: date | None,
    why: str = "",
    competencies: Iterable[Competency] = (),
    visibility: str = GoalVisibility.PRIVATE,
) -> Goal:
    """Change what a goal says. A new target date may be flagged overdue again."""
    plan = goal.plan
    owner = plan.owner
    _require_editor(actor, owner)
    title, why = (title or "").strip(), (why or "").strip()
    success_criteria = (success_criteria or "").strip()
    competencies = list(competencies)
    errors = _check_goal(
        title, why, success_criteria, start_on, target_on, competencies, visibility
    )
    if errors:
        raise ValidationError(errors)
    values = {
        "title": title,
        "why": why,
        "success_criteria": success_criteria,
        "start_on": start_on,
        "target_on": target_on,
        "visibility": visibility,
    }
    changed = [name for name, value in values.items() if getattr(goal, name) != value]
    before = set(goal.competencies.values_list("pk", flat=True))
    if before != {c.pk for c in competencies}:
        changed.append("competencies")
    if not changed:
        return goal
    for name, value in values.items():
        setattr(goal, name, value)
    if "target_on" in changed:
        goal.overdue_flagged_on = None
    goal.save()
    if "competencies" in changed:
        goal.competencies.set(competencies)
    plan = _locked(plan)
    cleared = _content_changed(plan, actor)
    plan.save()
    labels = {
        "title": "title",
        "why": "why it matters",
        "success_criteria": "success criteria",
        "start_on": "start date",
        "target_on": "target date",
        "visibility": "who sees it",
        "competencies": "competencies",
    }
    what = f"Changed the goal “{title}”: " + _joined([labels[name] for name in changed]) + "."
    _event(
        plan,
        actor,
        PlanEventKind.GOAL_CHANGED,
        what + _cleared_note(plan, cleared),
        {"goal": goal.pk, "fields": changed},
    )
    _after_content_change(plan, actor, cleared, what)
    return goal


STATUS_WORDS: dict[str, str] = {
    GoalStatus.ON_TRACK: "on track",
    GoalStatus.AT_RISK: "at risk",
    GoalStatus.DONE: "done",
    GoalStatus.DROPPED: "dropped",
}


@transaction.atomic
def set_goal_status(*, actor: Membership, goal: Goal, status: str, reason: str = "") -> Goal:
    """On track, at risk, done, or dropped — with a reason, so both remember why."""
    plan = goal.plan
    _require_editor(actor, plan.owner)
    reason = (reason or "").strip()
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Choose on track, at risk, done or dropped."})
    if status == GoalStatus.DROPPED and not reason:
        raise ValidationError({"dropped_reason": "Say why the goal is dropped."})
    if len(reason) > 500:
        raise ValidationError({"dropped_reason": "Keep the reason to 500 characters."})
    if status == goal.status and (status != GoalStatus.DROPPED or reason == goal.dropped_reason):
        return goal
    goal.status = status
    goal.dropped_reason = reason if status == GoalStatus.DROPPED else ""
    goal.done_at = (goal.done_at or timezone.now()) if status == GoalStatus.DONE else None
    goal.save(update_fields=["status", "dropped_reason", "done_at", "updated_at"])
    summary = f"Marked the goal “{goal.title}” {STATUS_WORDS[status]}"
    summary += f": “{_excerpt(reason)}”" if status == GoalStatus.DROPPED else "."
    _event(plan, actor, PlanEventKind.GOAL_CHANGED, summary, {"goal": goal.pk, "status": status})
    return goal


def finish_stretch_goal(*, actor: Membership, goal: Goal) -> bool:
    """The goal a stretch assignment put in someone's plan is done when the assignment is
    completed, whoever completed it (the assignment's owner need not edit the plan); the
    plan's history says so. A goal already done, or dropped by the plan's two people,
    stays as it is. Returns whether the goal changed. Runs in the caller's transaction."""
    if goal.stretch_interest_id is None:
        raise ValueError("Only a goal that stands for a stretch assignment finishes with it.")
    if goal.status in (GoalStatus.DONE, GoalStatus.DROPPED):
        return False
    goal.status = GoalStatus.DONE
    goal.done_at = timezone.now()
    goal.save(update_fields=["status", "done_at", "updated_at"])
    _event(
        goal.plan,
        actor,
        PlanEventKind.GOAL_CHANGED,
        f"Marked the goal “{goal.title}” done: its stretch assignment is complete.",
        {"goal": goal.pk, "status": GoalStatus.DONE},
    )
    return True


@transaction.atomic
def set_goal_progress(
    *, actor: Membership, goal: Goal, mode: str, value: int | None = None
) -> Goal:
    """Progress from the milestones, or by hand (0–100)."""
    plan = goal.plan
    _require_editor(actor, plan.owner)
    if mode not in ProgressMode.values:
        raise ValidationError({"progress_mode": "Choose from milestones or by hand."})
    bad = value is None or isinstance(value, bool) or not 0 <= value <= 100
    if mode == ProgressMode.MANUAL and bad:
        raise ValidationError({"manual_progress": "Give a number from 0 to 100."})
    if mode == goal.progress_mode and (
        mode != ProgressMode.MANUAL or value == goal.manual_progress
    ):
        return goal
    goal.progress_mode = mode
    if mode == ProgressMode.MANUAL:
        assert value is not None  # refused above as bad
        goal.manual_progress = value
    goal.save(update_fields=["progress_mode", "manual_progress", "updated_at"])
    summary = (
        f"Set the progress of “{goal.title}” to {value}%."
        if mode == ProgressMode.MANUAL
        else f"The progress of “{goal.title}” now follows its milestones."
    )
    _event(plan, actor, PlanEventKind.GOAL_CHANGED, summary, {"goal": goal.pk, "progress": value})
    return goal


# --- milestones --------------------------------------------------------------------------------


@transaction.atomic
def add_milestone(
    *, actor: Membership, goal: Goal, title: str, due_on: date | None = None
) -> Milestone:
    plan = goal.plan
    _require_editor(actor, plan.owner)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Say what the milestone is."})
    if len(title) > 200:
        raise ValidationError({"title": "Keep it to 200 characters."})
    if not goal.is_open:
        raise ValidationError("This goal is closed: reopen it to add milestones.")
    top = goal.milestones.aggregate(top=Max("position"))["top"] or 0
    milestone = Milestone.objects.create(
        organization_id=goal.organization_id,
        goal=goal,
        title=title,
        due_on=due_on,
        position=top + 1,
    )
    _event(
        plan,
        actor,
        PlanEventKind.MILESTONE,
        f"Added the milestone “{title}” to “{goal.title}”.",
        {"goal": goal.pk, "milestone": milestone.pk},
    )
    return milestone


@transaction.atomic
def set_milestone_done(*, actor: Membership, milestone: Milestone, done: bool) -> Milestone:
    goal = milestone.goal
    plan = goal.plan
    _require_editor(actor, plan.owner)
    if bool(milestone.done_at) == bool(done):
        return milestone
    milestone.done_at = timezone.now() if done else None
    milestone.save(update_fields=["done_at"])
    summary = (
        f"Reached the milestone “{milestone.title}” of “{goal.title}”."
        if done
        else f"Reopened the milestone “{milestone.title}” of “{goal.title}”."
    )
    _event(plan, actor, PlanEventKind.MILESTONE, summary, {"milestone": milestone.pk, "done": done})
    return milestone


@transaction.atomic
def remove_milestone(*, actor: Membership, milestone: Milestone) -> None:
    goal = milestone.goal
    plan = goal.plan
    _require_editor(actor, plan.owner)
    title = milestone.title
    milestone.delete()
    _event(
        plan,
        actor,
        PlanEventKind.MILESTONE,
        f"Removed the milestone “{title}” from “{goal.title}”.",
        {"goal": goal.pk},
    )


# --- learning ----------------------------------------------------------------------------------


@transaction.atomic
def add_learning(
    *,
    actor: Membership,
    plan: DevelopmentPlan,
    kind: str,
    title: str,
    url: str = "",
    goal: Goal | None = None,
    competency: Competency | None = None,
) -> LearningItem:
    """A course, book, talk or shadowing session, for one of the plan's goals or for a
    competency."""
    _require_editor(actor, plan.owner)
    title, url = (title or "").strip(), (url or "").strip()
    errors = {}
    if kind not in LearningKind.values:
        errors["kind"] = "Choose a course, a book, a talk, a shadowing session or other."
    if not title:
        errors["title"] = "Name what you will learn from."
    elif len(title) > 200:
        errors["title"] = "Keep the title to 200 characters."
    if len(url) > 500:
        errors["url"] = "Keep the link to 500 characters."
    elif url and not url.startswith(("https://", "http://")):
        errors["url"] = "Give a web link starting with https://."
    if goal is None and competency is None:
        errors["about"] = "Attach it to one of the goals or to a competency."
    elif goal is not None and goal.plan_id != plan.pk:
        errors["about"] = "Choose one of this plan's goals."
    elif competency is not None and competency.archived_at is not None:
        errors["about"] = "Choose among the competencies in use."
    if errors:
        raise ValidationError(errors)
    item = LearningItem.objects.create(
        organization_id=plan.organization_id,
        plan=plan,
        goal=goal,
        competency=competency if goal is None else None,
        kind=kind,
        title=title,
        url=url,
    )
    if goal is not None:
        what = goal.title
    else:
        assert competency is not None  # refused above: it is about a goal or a competency
        what = competency.name
    _event(
        plan,
        actor,
        PlanEventKind.LEARNING,
        f"Added “{title}” ({item.get_kind_display().lower()}) for “{what}”.",
        {"learning": item.pk},
    )
    return item


@transaction.atomic
def set_learning_status(*, actor: Membership, item: LearningItem, status: str) -> LearningItem:
    plan = item.plan
    _require_editor(actor, plan.owner)
    if status not in LearningStatus.values:
        raise ValidationError({"status": "Choose planned, in progress or done."})
    if status == item.status:
        return item
    item.status = status
    item.save(update_fields=["status"])
    _event(
        plan,
        actor,
        PlanEventKind.LEARNING,
        f"“{item.title}”: {item.get_status_display().lower()}.",
        {"learning": item.pk, "status": status},
    )
    return item


@transaction.atomic
def remove_learning(*, actor: Membership, item: LearningItem) -> None:
    plan = item.plan
    _require_editor(actor, plan.owner)
    title = item.title
    item.delete()
    _event(plan, actor, PlanEventKind.LEARNING, f"Removed “{title}” from the learning list.")


# --- periodic: reviews due, goals overdue ----------------------------------------------------


def _morning(day: date, person: Membership) -> datetime:
    return datetime.combine(day, REMIND_AT, tzinfo=zone_of(person))


def remind_reviews_due(now: datetime) -> int:
    """In the active organization: once a plan's review date has come (in the owner's time
    zone), remind the owner and their manager — once per review date (the outbox's
    occasion), at 09:00 their time. Returns how many reminders were queued."""
    count = 0
    plans = (
        DevelopmentPlan.objects.filter(
            next_review_on__isnull=False,
            next_review_on__lte=now.date() + timedelta(days=1),
            owner__is_active=True,
        )
        .select_related("owner__user", "owner__organization", "owner__manager__user")
        .order_by("pk")
    )
    for plan in plans:
        owner = plan.owner
        due = plan.next_review_on
        assert due is not None  # the query keeps plans that have a review date
        if due > local_today(owner, now=now):
            continue
        manager = owner.manager if owner.manager is not None and owner.manager.is_active else None
        occasion = f"plan:{plan.pk}:review:{due.isoformat()}"
        with_whom = f" with {manager.name}" if manager else ""
        notifications.queue(
            recipient=owner,
            kind="development.review_due",
            occasion=occasion,
            title=f"Time to review your development plan{with_whom}",
            body=f"The review was planned for {due:%-d %B}. Record what changed on the plan.",
            url=plan_url(owner),
            due_at=max(_morning(due, owner), now),
        )
        count += 1
        if manager is not None:
            notifications.queue(
                recipient=manager,
                kind="development.review_due",
                occasion=occasion,
                title=f"Time to review {owner.name}'s development plan",
                body=f"The review was planned for {due:%-d %B}. Record what changed on the plan.",
                url=plan_url(owner),
                due_at=max(_morning(due, manager), now),
            )
            count += 1
    return count


def flag_overdue_goals(now: datetime) -> int:
    """In the active organization: an open goal whose target date has passed (in the
    owner's time zone) is flagged to the owner and their manager, once per goal and target
    date (``Goal.overdue_flagged_on``). Returns how many goals were flagged."""
    flagged = 0
    goals = (
        Goal.objects.filter(
            status__in=[GoalStatus.ON_TRACK, GoalStatus.AT_RISK],
            target_on__lt=now.date() + timedelta(days=1),
            overdue_flagged_on__isnull=True,
            plan__owner__is_active=True,
        )
        .select_related(
            "plan__owner__user", "plan__owner__organization", "plan__owner__manager__user"
        )
        .order_by("pk")
    )
    for goal in goals:
        owner = goal.plan.owner
        today = local_today(owner, now=now)
        if goal.target_on >= today:
            continue
        occasion = f"goal:{goal.pk}:overdue:{goal.target_on.isoformat()}"
        body = (
            f"The target date was {goal.target_on:%-d %B}. Mark it done, move the date, or "
            "drop it with a reason."
        )
        notifications.queue(
            recipient=owner,
            kind="development.goal_overdue",
            occasion=occasion,
            title=f"Your goal “{_excerpt(goal.title, 80)}” is past its target date",
            body=body,
            url=plan_url(owner),
        )
        manager = owner.manager if owner.manager is not None and owner.manager.is_active else None
        if manager is not None:
            notifications.queue(
                recipient=manager,
                kind="development.goal_overdue",
                occasion=occasion,
                title=f"{owner.name}'s goal “{_excerpt(goal.title, 80)}” is past its target date",
                body=body,
                url=plan_url(owner),
            )
        Goal.objects.filter(pk=goal.pk).update(overdue_flagged_on=today)
        flagged += 1
    return flagged
