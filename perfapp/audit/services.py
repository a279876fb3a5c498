from typing import Any

from .models import AuditEvent


def record(
    *,
    organization,
    actor,
    action: str,
    target=None,
    target_label: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``actor`` is a Membership or None for the system.

    ``action`` is an ``AuditAction`` or an action an app registered (a value of its own
    TextChoices): any string.

    ``changes`` maps a field name to ``[old, new]``; callers pass only non-private values.
    """
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor,
        actor_label=actor.name if actor is not None else "perfapp",
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_label=target_label or (str(getattr(target, "name", "")) if target else ""),
        changes=changes or {},
    )
