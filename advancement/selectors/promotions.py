"""Reads of promotion rounds, cases and outcomes, each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from advancement import snapshots
from advancement.models import (
    CalibrationNote,
    Case,
    CaseState,
    Decision,
    Endorsement,
    FrameworkVersion,
    Placement,
    Round,
)
from advancement.permissions.promotions import (
    can_read_calibration_notes,
    in_manager_chain,
    manages_promotions,
)
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placements_for

# Groups smaller than the project's one small-group threshold are not published: a count
# of 2 could name the two people.
from perfapp import small_groups
from perfapp.orgs.models import Membership

CALIBRATED_STATES = (CaseState.SUBMITTED, CaseState.CALIBRATION, CaseState.DECIDED)


def rounds(viewer: Membership) -> QuerySet[Round]:
    """Every round with its case counts by state (HR's list), and whether ``viewer`` is
    one of its candidates (they take no part in running it)."""
    return (
        Round.objects.prefetch_related("tracks")
        .annotate(
            viewer_is_candidate=Exists(Case.objects.filter(round=OuterRef("pk"), subject=viewer)),
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
    below: set[int] = set()
    frontier, depth = {viewer.pk}, 0
    while frontier and depth < 50:
        frontier = (
            set(Membership.objects.filter(manager_id__in=frontier).values_list("pk", flat=True))
            - below
        )
        below |= frontier
        depth += 1
    visible = Case.objects.filter(chain | Q(subject_id__in=below) | _calibrating(viewer))
    return rows.filter(pk__in=visible.values("pk"))


def _calibrating(viewer: Membership) -> Q:
    """A round's calibration group reads its cases, except in a round they are a
    candidate of (they take no part in calibrating it)."""
    return Q(
        round__closed_at__isnull=True,
        round__calibration_group=viewer,
        state__in=CALIBRATED_STATES,
    ) & ~Q(round__in=Case.objects.filter(subject=viewer).values("round_id"))


# What a link to a case shows (``promotions/_case_link.html``): not its packet.
CASE_LINK_FIELDS = ("id", "from_level_label", "target_level_label", "state", "decision")


def latest_case_of(subject: Membership, *, viewer: Membership) -> Case | None:
    """The subject's newest case that ``viewer`` may read, as ``visible_cases`` decides,
    with the fields of a link to it. The person, HR and the reporting line read all of
    the subject's cases, so the chain is walked up from the subject (no query for a
    direct manager) instead of down the viewer's whole tree, and the case table is read
    alone: on the readiness page the general query's joins took 10 ms to plan."""
    cases = Case.objects.filter(subject=subject)
    reads_all = (
        viewer.pk == subject.pk or manages_promotions(viewer) or in_manager_chain(viewer, subject)
    )
    if not reads_all:
        cases = cases.filter(Q(nominator=viewer) | _calibrating(viewer))
    return cases.only(*CASE_LINK_FIELDS).order_by("-created_at", "-id").first()


def calibration_notes_for(viewer: Membership, case: Case) -> QuerySet[CalibrationNote] | None:
    """The case's calibration notes, or None for a viewer who may not read them (its
    subject above all: notes never reach the person they are about)."""
    if not can_read_calibration_notes(viewer, case):
        return None
    return case.calibration_notes.select_related("author__user")


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


def outcome_round() -> Round | None:
    """The round outcomes come from: the last closed round whose every case is decided
    (and that judged at least one submitted case). An open round, or one reopened, never
    counts, so no published figure moves one decision at a time."""
    return (
        Round.objects.filter(closed_at__isnull=False)
        .annotate(
            undecided=Count("cases", filter=~Q(cases__state=CaseState.DECIDED)),
            judged=Count(
                "cases",
                filter=Q(cases__state=CaseState.DECIDED, cases__submitted_at__isnull=False),
            ),
        )
        .filter(undecided=0, judged__gt=0)
        .order_by("-closed_at", "-id")
        .first()
    )


def outcomes() -> tuple[Round | None, list[LevelOutcome]]:
    """Per published level: how many were promoted into it in the last closed round, and
    the typical time people have been at it, each shown only for groups of at least
    ``MIN_GROUP`` people. Cases never submitted (drafts resolved when the round closed)
    are not counted: nobody judged them. Three queries."""
    version = current_version()
    if version is None:
        return None, []
    last = outcome_round()
    decided: dict[int, tuple[int, int]] = {}
    if last is not None:
        for row in (
            Case.objects.filter(round=last, state=CaseState.DECIDED, submitted_at__isnull=False)
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
    rows, min_group = [], small_groups.MIN_GROUP
    for track in version.snapshot["tracks"]:
        for level in track["levels"]:
            total, promoted = decided.get(level["id"], (0, 0))
            months = time_in_level.get(level["id"], [])
            rows.append(
                LevelOutcome(
                    track=track["name"],
                    code=level["code"],
                    name=level["name"],
                    considered=total if total >= min_group else None,
                    promoted=promoted if total >= min_group else None,
                    placed=len(months) if len(months) >= min_group else None,
                    median_months=median(months) if len(months) >= min_group else None,
                )
            )
    return last, rows


# --- promotions taking effect -------------------------------------------------------------


def application_blocker(
    case: Case, *, version: FrameworkVersion | None, placement: Placement | None
) -> tuple[str, bool]:
    """Why a promotion cannot take effect as decided: (what is in the way, whether HR may
    apply it anyway once they checked). ("", False) when nothing is."""
    subject = case.subject
    if not subject.is_active:
        return f"{subject.name} is no longer active.", False
    if version is None or snapshots.find_level(version.snapshot, case.target_level_id) is None:
        return (
            f"{case.target_level_label} is no longer in the published career framework: "
            f"place {subject.name} on the placements page.",
            False,
        )
    now_at = placement.level_id if placement else None
    if now_at not in (case.from_level_id, case.target_level_id):
        found = snapshots.find_level(version.snapshot, now_at) if now_at else None
        where = f"{found[1]['code']} {found[1]['name']}" if found else "on no published level"
        return (
            f"{subject.name}'s placement changed since the case was opened (now {where}): "
            f"check it, then apply {case.target_level_label}.",
            True,
        )
    return "", False


def promotions_to_apply() -> list[Case]:
    """Promotions decided whose new level has not taken effect (HR's list), earliest
    first, each with ``blocker`` and ``overridable`` (``application_blocker``). Three
    queries however many there are."""
    rows = list(
        cases_base()
        .defer("packet")
        .filter(decision=Decision.PROMOTED, applied_at__isnull=True, reverted_at__isnull=True)
        .order_by(F("effective_on").asc(nulls_first=True), "id")
    )
    if not rows:
        return rows
    version = current_version()
    placements = placements_for([case.subject for case in rows])
    for case in rows:
        case.blocker, case.overridable = application_blocker(
            case, version=version, placement=placements.get(case.subject_id)
        )
    return rows
