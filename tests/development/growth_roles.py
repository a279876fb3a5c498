"""The people both growth permission matrices (mentoring, stretch) ask about: the roles
each matrix names, plus a peer on the same team and HR of another organization."""

from ..factories import MembershipFactory


def person(world_a, world_b, name: str, roles: dict):
    """``roles`` maps the matrix's own role names to a world attribute ("report")."""
    if name == "other_org":
        return world_b.hr
    if name == "peer":
        return MembershipFactory(
            organization=world_a.organization, team=world_a.team, manager=world_a.manager
        )
    return getattr(world_a, roles[name])


def everyone(name: str) -> int:
    return 404 if name == "other_org" else 200


def post_only(name: str) -> int:
    return 404 if name == "other_org" else 405
