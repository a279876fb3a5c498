"""HR changes the organization's recognition settings: points on or off, the monthly
allowances, and after how long someone counts as "not recognized lately"."""

from django.core.exceptions import PermissionDenied, ValidationError

from perfapp.orgs.models import Membership
from perfapp.orgs.services import change_settings
from recognition.audit import PointsAction
from recognition.models import RecognitionSettings
from recognition.permissions.points import can_change_settings

MAX_ALLOWANCE = 100_000
QUIET_DAYS = (7, 365)


def _validate(values: dict) -> None:
    errors = {}
    for name in ("monthly_allowance", "manager_allowance", "admin_allowance"):
        if name not in values:
            continue
        value = values[name]
        if value is None and name != "monthly_allowance":
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            errors[name] = "Give a whole number of points."
        elif not 0 <= value <= MAX_ALLOWANCE:
            errors[name] = f"Choose between 0 and {MAX_ALLOWANCE:,} points."
    if "quiet_after_days" in values:
        value = values["quiet_after_days"]
        low, high = QUIET_DAYS
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors["quiet_after_days"] = f"Choose between {low} and {high} days."
    if "points_enabled" in values and not isinstance(values["points_enabled"], bool):
        errors["points_enabled"] = "Say whether points are on or off."
    if errors:
        raise ValidationError(errors)


def save_settings(*, actor: Membership, **values) -> RecognitionSettings:
    """Change some of the settings; the change (old and new values) goes to the audit log.
    Saving unchanged values records nothing. Turning points off keeps every balance and
    pending redemption: turning them on again brings them back as they were."""
    if not can_change_settings(actor):
        raise PermissionDenied
    _validate(values)
    return change_settings(
        RecognitionSettings, actor=actor, action=PointsAction.SETTINGS_CHANGED, values=values
    )
