"""Reads of promotion rounds, cases and outcomes, each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.small_groups import MIN_GROUP  # outcomes about fewer are not published

from .models import Placement
from .promotion_models import CalibrationNote, Case, CaseState, Decision, Endorsement, Round
from .promotion_permissions import manages_promotions
from .selectors import current_version

CALIBRATED_STATES = (CaseState.SUBMITTED, CaseState.CALIBRATION, CaseState.DECIDED)


def rounds() -> QuerySet[Round]:
    """Every round with its case counts by state (HR's list)."""
    return (
        Round.objects.prefetch_related("tracks")
        .annotate(
            case_count=Count("cases", distinct=True),
            submitted_count=Count(
                "cases", filter=Q(cases__state=CaseState.SUBMITTED), distinct=True
            ),
            calibration_count=Count(
                "cases", filter=Q(cases__state=CaseState.CALIBRATION), distinct=True
            ),
            decided_count=Count("cases", filter=Q(cases__state=CaseState.DECIDED), distinct=True),
        )
        .order_by("-opens_on", "-id")
    )


def open_rounds(today) -> QuerySet[Round]:
    """Rounds taking nominations today."""
    return (
        Round.objects.prefetch_related("tracks")
        .filter(closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)
        .order_by("closes_on", "id")
    )


def cases_base() -> QuerySet[Case]:
    return Case.objects.select_related(
        "round", "subject__user", "nominator__user", "decided_by__user", "version"
    ).defer("version__snapshot", "version__changes")


def visible_cases(viewer: Membership) -> QuerySet[Case]:
    """Cases the viewer may read: their own, their reports' (whole chain), every case for
    HR, and the non-draft cases of open rounds whose calibration group names them."""
    rows = cases_base()
    if manages_promotions(viewer):
        return rows
    chain = Q(subject=viewer) | Q(nominator=viewer)
    # The reporting tree below the viewer, one query per level (bounded depth).
    below, frontier, depth = set(), {viewer.pk}, 0
    while frontier and depth < 50:
        frontier = (
            set(Membership.objects.filter(manager_id__in=frontier).values_list("pk", flat=True))
            - below
        )
        below |= frontier
        depth += 1
    calibrating = Q(
        round__closed_at__isnull=True,
        round__calibration_group=viewer,
        state__in=CALIBRATED_STATES,
    )
    visible = Case.objects.filter(chain | Q(subject_id__in=below) | calibrating)
    return rows.filter(pk__in=visible.values("pk"))


def case_for(viewer: Membership, pk: int) -> Case | None:
    return visible_cases(viewer).filter(pk=pk).first()


def my_cases(subject: Membership) -> QuerySet[Case]:
    return cases_base().filter(subject=subject).order_by("-created_at", "-id")


def endorsements_of(endorser: Membership) -> QuerySet[Endorsement]:
    return (
        Endorsement.objects.select_related("case__subject__user", "case__round")
        .filter(endorser=endorser)
        .order_by("-requested_at", "-id")
    )


@dataclass
class CalibrationFilters:
    track: int | None = None
    level: int | None = None
    state: str = ""


def calibration_cases(round_: Round, filters: CalibrationFilters) -> list[Case]:
    """The round's non-draft cases, by track and target level, with endorsement counts
    and notes: three queries however many cases there are."""
    rows = (
        Case.objects.filter(round=round_, state__in=CALIBRATED_STATES)
        .select_related("subject__user")
        .defer("packet")
        .annotate(
            endorsement_count=Count(
                "endorsements", filter=Q(endorsements__submitted_at__isnull=False)
            )
        )
        .prefetch_related(
            Prefetch(
                "calibration_notes",
                queryset=CalibrationNote.objects.select_related("author__user"),
            )
        )
        .order_by("track_name", "target_rank", "subject__user__name", "id")
    )
    if filters.track:
        rows = rows.filter(track_id=filters.track)
    if filters.level:
        rows = rows.filter(target_level_id=filters.level)
    if filters.state in CALIBRATED_STATES:
        rows = rows.filter(state=filters.state)
    return list(rows)


def coverage(case: Case) -> int:
    """Percent of the target level's criteria with at least one piece of evidence."""
    return (
        round(100 * case.criteria_with_evidence / case.criteria_total) if case.criteria_total else 0
    )


def density(case: Case) -> float:
    """Evidence items per criterion: counters recency and visibility bias by showing
    how much there is to go on, not how memorable it was."""
    return round(case.evidence_count / case.criteria_total, 1) if case.criteria_total else 0.0


# --- outcomes ---------------------------------------------------------------------------------


@dataclass
class LevelOutcome:
    track: str
    code: str
    name: str
    considered: int | None  # cases decided for this level in the last decided round
    promoted: int | None  # None: the group is too small to show
    placed: int | None  # people at this level now
    median_months: float | None  # typical time in level


def _months(delta: timedelta) -> float:
    return round(delta.days / 30.44, 1)


def outcomes() -> tuple[Round | None, list[LevelOutcome]]:
    """Per published level: how many were promoted into it in the last round with decisions,
    and the typical time people have been at it, each shown only for groups of at least
    ``MIN_GROUP`` people. Three queries."""
    version = current_version()
    if version is None:
        return None, []
    last = (
        Round.objects.filter(cases__state=CaseState.DECIDED).order_by("-closes_on", "-id").first()
    )
    decided: dict[int, tuple[int, int]] = {}
    if last is not None:
        for row in (
            Case.objects.filter(round=last, state=CaseState.DECIDED)
            .values("target_level_id")
            .annotate(total=Count("id"), promoted=Count("id", filter=Q(decision=Decision.PROMOTED)))
        ):
            decided[row["target_level_id"]] = (row["total"], row["promoted"])
    now = timezone.now()
    time_in_level: dict[int, list[float]] = {}
    for level_id, placed_at in Placement.objects.filter(membership__is_active=True).values_list(
        "level_id", "placed_at"
    ):
        time_in_level.setdefault(level_id, []).append(_months(now - placed_at))
    rows = []
    for track in version.snapshot["tracks"]:
        for level in track["levels"]:
            total, promoted = decided.get(level["id"], (0, 0))
            months = time_in_level.get(level["id"], [])
            rows.append(
                LevelOutcome(
                    track=track["name"],
                    code=level["code"],
                    name=level["name"],
                    considered=total if total >= MIN_GROUP else None,
                    promoted=promoted if total >= MIN_GROUP else None,
                    placed=len(months) if len(months) >= MIN_GROUP else None,
                    median_months=median(months) if len(months) >= MIN_GROUP else None,
                )
            )
    return last, rows
