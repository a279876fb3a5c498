"""Reads for stretch assignments: the opportunity board, "my interests" and "posted by
me". Each costs a fixed number of queries, whatever the number of opportunities."""

from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from advancement.models import Competency
from development.models import (
    Audience,
    DevelopmentPlan,
    Goal,
    GoalStatus,
    InterestStatus,
    OpportunityStatus,
    StretchAssignment,
    StretchInterest,
)
from development.permissions.stretch import is_stretch_admin
from perfapp.orgs.models import Membership, Team


def _competencies() -> Prefetch:
    return Prefetch("competencies", queryset=Competency.objects.order_by("name"))


def _teams() -> Prefetch:
    return Prefetch("teams", queryset=Team.objects.order_by("name"))


# Open first, then underway, completed and cancelled.
STAGE = Case(
    *(
        When(status=status, then=Value(rank))
        for rank, status in enumerate(
            (
                OpportunityStatus.OPEN,
                OpportunityStatus.UNDERWAY,
                OpportunityStatus.COMPLETED,
                OpportunityStatus.CANCELLED,
            )
        )
    ),
    output_field=IntegerField(),
)


def _targets_team(team_id) -> Exists:
    through = StretchAssignment.teams.through
    # django-stubs builds no type for this implicit through model (its relation to the
    # core's Team reads as type[Never]); at run time it is a model like any other.
    return Exists(through.objects.filter(stretchassignment_id=OuterRef("pk"), team_id=team_id))  # type: ignore[attr-defined]


def visible_to(viewer: Membership) -> QuerySet[StretchAssignment]:
    """Every opportunity the viewer may open: its audience, its owner, HR, and whoever
    expressed interest in it."""
    assignments = StretchAssignment.objects.all()
    if is_stretch_admin(viewer):
        return assignments
    mine = StretchInterest.objects.filter(assignment=OuterRef("pk"), person=viewer)
    audience = Q(audience=Audience.EVERYONE)
    if viewer.team_id:
        audience |= Q(audience=Audience.TEAMS) & Q(_targets_team(viewer.team_id))
    return assignments.filter(audience | Q(owner=viewer) | Q(Exists(mine)))


def focus_competency_ids(viewer: Membership) -> list[int]:
    """The focus competencies of the viewer's development plan (none without a plan)."""
    through = DevelopmentPlan.focus_competencies.through
    return list(
        through.objects.filter(developmentplan__owner_id=viewer.pk).values_list(
            "competency_id", flat=True
        )
    )


def board(
    viewer: Membership,
    *,
    today: date,
    competency_id: int | None = None,
    team_id: int | None = None,
    commitment: str = "",
) -> QuerySet[StretchAssignment]:
    """Opportunities open for interest that the viewer may see. Those building one of the
    focus competencies of the viewer's plan come first (``focus_matches``), then newest.

    ``team_id``: posted from that team (the owner's), or open to it specifically."""
    rows = (
        visible_to(viewer)
        .filter(status=OpportunityStatus.OPEN)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
    )
    if competency_id:
        through = StretchAssignment.competencies.through
        rows = rows.filter(
            Exists(
                through.objects.filter(
                    stretchassignment_id=OuterRef("pk"), competency_id=competency_id
                )
            )
        )
    if team_id:
        rows = rows.filter(
            Q(owner__team_id=team_id) | (Q(audience=Audience.TEAMS) & Q(_targets_team(team_id)))
        )
    if commitment:
        rows = rows.filter(commitment=commitment)
    focus = focus_competency_ids(viewer)
    if focus:
        through = StretchAssignment.competencies.through
        # django-stubs does not carry the annotation n made after values() on an implicit
        # through model, so it rejects .values("n"); Django accepts it.
        matches = (
            through.objects.filter(stretchassignment_id=OuterRef("pk"), competency_id__in=focus)  # type: ignore[misc]
            .values("stretchassignment_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        rows = rows.annotate(
            focus_matches=Coalesce(Subquery(matches, output_field=IntegerField()), 0)
        )
    else:
        rows = rows.annotate(focus_matches=Value(0, output_field=IntegerField()))
    my_interest = StretchInterest.objects.filter(assignment=OuterRef("pk"), person=viewer)
    return (
        rows.annotate(my_status=Subquery(my_interest.values("status")[:1]))
        .select_related("owner__user", "owner__team")
        .prefetch_related(_competencies(), _teams())
        .order_by("-focus_matches", "-created_at", "-id")
    )


def my_interests(viewer: Membership) -> QuerySet[StretchInterest]:
    return (
        StretchInterest.objects.filter(person=viewer)
        .select_related("assignment__owner__user")
        .prefetch_related(
            Prefetch("assignment__competencies", queryset=Competency.objects.order_by("name"))
        )
        .order_by("-created_at", "-id")
    )


def posted_by(viewer: Membership) -> QuerySet[StretchAssignment]:
    """The viewer's own opportunities, with how many people are interested or chosen."""
    return (
        StretchAssignment.objects.filter(owner=viewer)
        .annotate(
            interested=Count("interests", filter=Q(interests__status=InterestStatus.INTERESTED)),
            chosen=Count("interests", filter=Q(interests__status=InterestStatus.CHOSEN)),
        )
        .annotate(stage=STAGE)
        .prefetch_related(_competencies(), _teams())
        .order_by("stage", "-created_at", "-id")
    )


def interests_in(assignment: StretchAssignment) -> QuerySet[StretchInterest]:
    """Everyone who expressed interest (for the owner and HR), in the order they did."""
    return (
        StretchInterest.objects.filter(assignment=assignment)
        .select_related("person__user", "person__team")
        .order_by("created_at", "id")
    )


def finished_goal_owners(assignment: StretchAssignment) -> list[str]:
    """The names of the chosen people whose goal for this assignment is done."""
    return sorted(
        goal.plan.owner.name
        for goal in Goal.objects.filter(
            stretch_interest__assignment=assignment, status=GoalStatus.DONE
        ).select_related("plan__owner__user")
    )
