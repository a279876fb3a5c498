"""Who may do what with points, rewards, insights and recognition settings: plain,
tested predicates. Pages and the API ask these; nothing else compares roles.

- Everyone reads their own points, the reward catalogue, and redeems.
- HR (``MANAGE_RECOGNITION``: owners and HR admins) keeps the catalogue, decides
  redemptions, reads anyone's balance, reads insights for the whole organization,
  exports them and changes the settings.
- A manager reads insights about the people who report to them, directly or through
  others; never a balance or a ledger of theirs.
"""

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from recognition.models import Redemption

MANAGE = Permission.MANAGE_RECOGNITION


def is_recognition_admin(viewer: Membership) -> bool:
    return viewer.has_perm(MANAGE)


def can_manage_rewards(viewer: Membership) -> bool:
    return is_recognition_admin(viewer)


def can_decide_redemption(viewer: Membership, redemption: Redemption) -> bool:
    """HR decides, but never their own request: someone else approves that."""
    return is_recognition_admin(viewer) and redemption.member_id != viewer.pk


def can_see_redemption(viewer: Membership, redemption: Redemption) -> bool:
    return redemption.member_id == viewer.pk or is_recognition_admin(viewer)


def can_see_points_of(viewer: Membership, member: Membership) -> bool:
    """A balance and its ledger: the person and HR. Not their manager, not a peer."""
    return member.pk == viewer.pk or is_recognition_admin(viewer)


def can_see_insights(viewer: Membership) -> bool:
    return viewer.is_active and (is_recognition_admin(viewer) or viewer.is_manager)


def can_see_org_insights(viewer: Membership) -> bool:
    return is_recognition_admin(viewer)


def can_export_insights(viewer: Membership) -> bool:
    return is_recognition_admin(viewer)


def can_change_settings(viewer: Membership) -> bool:
    return is_recognition_admin(viewer)
