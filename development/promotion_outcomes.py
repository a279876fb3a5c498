"""A "not yet" promotion decision becomes work in the person's development plan.

Registered with ``advancement.outcomes`` in ``DevelopmentConfig.ready``: ``advancement``
never imports this app. One goal per criterion the decision named, linked to the
criterion's competency, added through ``plans.add_goal`` as perfapp itself (actor None),
so the plan's history, versioning and sign-offs behave as for any other goal.
"""

from advancement.models import Case, Competency, Decision
from development.services import plans
from perfapp.orgs.models import Membership
from perfapp.timezones import local_today

# How long a "not yet" goal runs by default: about until the next yearly round.
GOAL_MONTHS = 6


def add_not_yet_goals(case: Case, subject: Membership, criteria: list[dict]) -> None:
    if case.decision != Decision.NOT_YET or not criteria:
        return
    plan = plans.ensure_plan(subject)
    competency_ids = {c.get("competency_id") for c in criteria if c.get("competency_id")}
    competencies = {
        c.pk: c for c in Competency.objects.filter(pk__in=competency_ids, archived_at__isnull=True)
    }
    start = local_today(subject)
    for criterion in criteria:
        competency = competencies.get(criterion.get("competency_id"))
        subject_name = criterion.get("competency") or "Next-level criterion"
        plans.add_goal(
            actor=None,
            plan=plan,
            title=f"Toward {case.target_level_label}: {subject_name}"[:200],
            why=f"From the promotion decision in “{case.round.name}”: not yet, and this "
            "criterion is the one to work on.",
            success_criteria=(criterion.get("expectation") or "")[: plans.MAX_GOAL_TEXT]
            or "Meet the criterion of the next level.",
            start_on=start,
            target_on=plans.add_months(start, GOAL_MONTHS),
            competencies=[competency] if competency else [],
        )
    count = len(criteria)
    plans._tell(
        subject,
        "development.plan",
        f"promotion:{case.pk}:goals",
        f"{count} goal{'s' if count != 1 else ''} toward {case.target_level_label} added to "
        "your development plan",
        subject,
        body="From the criteria your promotion decision named to work on.",
    )
