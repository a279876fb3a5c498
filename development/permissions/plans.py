"""Who may see and change a development plan, as plain predicates.

A plan is made by two people: its owner and the owner's current manager. They read all
of it (aspirations, focus, every goal, learning, comments, reviews and the history) and
both may change it, comment on it and record a review; each signs their own part.

Above them, the manager's own managers (skip-level and up the chain) and HR admins
(``Permission.MANAGE_GROWTH``) read the plan's *outline*: its status, who signed and
when, the review dates, the focus competencies, the target level and the goals the
owner shared with the team, with only a count of the private ones. Aspirations, private
goals, learning items, comments and the history stay between the two people: the issue
makes a plan visible to the manager's manager and HR, and this is how much of it, so
that a person can write honestly about where they want to go. Outline readers never
write.

Teammates (the same team) see the goals shared with the team, on their own plan page.
Anyone else gets 404, exactly like a plan that does not exist.
"""

from development.models import Goal, GoalVisibility
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission

MAX_CHAIN = 50  # how far up a reporting line is walked (as the career framework does)


def is_manager_of(viewer: Membership, owner: Membership) -> bool:
    """The owner's current, active manager."""
    return owner.manager_id is not None and owner.manager_id == viewer.pk and viewer.is_active


def can_edit_plan(viewer: Membership, owner: Membership) -> bool:
    """The two people of the plan: its owner and their manager."""
    return viewer.pk == owner.pk or is_manager_of(viewer, owner)


def is_above(viewer: Membership, owner: Membership) -> bool:
    """The viewer manages the owner's manager, or someone further up the line."""
    manager = owner.manager
    if manager is None:
        return False
    current, steps = manager, 0
    while current.manager_id is not None and steps < MAX_CHAIN:
        if current.manager_id == viewer.pk:
            return True
        current = current.manager
        steps += 1
    return False


def is_growth_admin(viewer: Membership) -> bool:
    return viewer.has_perm(Permission.MANAGE_GROWTH)


def can_see_outline(viewer: Membership, owner: Membership) -> bool:
    """Status, sign-offs, review dates, focus and shared goals: the two people, the
    manager chain above them, and HR."""
    return can_edit_plan(viewer, owner) or is_growth_admin(viewer) or is_above(viewer, owner)


def can_sign(viewer: Membership, owner: Membership) -> bool:
    return can_edit_plan(viewer, owner)


def are_teammates(viewer: Membership, owner: Membership) -> bool:
    return viewer.team_id is not None and viewer.team_id == owner.team_id


def can_see_goal(viewer: Membership, goal: Goal, owner: Membership) -> bool:
    """A private goal: the two people. A goal shared with the team: also teammates and
    everyone who reads the plan's outline."""
    if can_edit_plan(viewer, owner):
        return True
    if goal.visibility != GoalVisibility.TEAM:
        return False
    return are_teammates(viewer, owner) or can_see_outline(viewer, owner)
