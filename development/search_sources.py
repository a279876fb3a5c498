"""Goals and stretch opportunities in the header search (``perfapp.search``), each
found only by who may see it: a goal by the rules of ``development.permissions.plans`` (a
private goal by its plan's two people), an opportunity by its audience
(``stretch_selectors.visible_to``)."""

from django.db.models import Q
from django.urls import reverse

from development.models import Goal, GoalVisibility
from development.permissions.plans import can_see_goal
from development.selectors.stretch import visible_to
from perfapp.orgs.models import Membership
from perfapp.search import Hit, matching

CANDIDATES = 4  # goals read per hit wanted, so the checks in Python rarely run short


class GoalSearch:
    key = "goals"
    label = "Goals"
    order = 20

    def find(self, terms: list[str], viewer: Membership, limit: int) -> list[Hit]:
        # The SQL narrows to goals the viewer might see; ``can_see_goal`` decides (the
        # manager chain above an owner is walked in Python, as on the plan page).
        might = Q(plan__owner=viewer) | Q(plan__owner__manager=viewer)
        might |= Q(visibility=GoalVisibility.TEAM)
        goals = matching(
            Goal.objects.filter(might).select_related("plan__owner__user", "plan__owner__manager"),
            ["title", "why", "success_criteria"],
            terms,
        )[: limit * CANDIDATES]
        slug = viewer.organization.slug
        hits = []
        for goal in goals:
            owner = goal.plan.owner
            if not can_see_goal(viewer, goal, owner):
                continue
            url = reverse("development:plan", kwargs={"org_slug": slug, "pk": owner.pk})
            hits.append(Hit(goal.title, f"{url}#goal-{goal.pk}", f"Goal of {owner.name}"))
            if len(hits) == limit:
                break
        return hits


class OpportunitySearch:
    key = "opportunities"
    label = "Stretch opportunities"
    order = 30

    def find(self, terms: list[str], viewer: Membership, limit: int) -> list[Hit]:
        found = matching(visible_to(viewer), ["title", "description"], terms)[:limit]
        slug = viewer.organization.slug
        return [
            Hit(
                item.title,
                reverse("development:opportunity", kwargs={"org_slug": slug, "pk": item.pk}),
                item.get_status_display(),
            )
            for item in found
        ]
