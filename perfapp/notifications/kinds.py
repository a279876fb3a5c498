"""The registry of notification kinds. Each app registers its own from its ``wiring.py``;
the preferences page lists whatever is registered."""

from dataclasses import dataclass

from perfapp.registry import Registry


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    description: str
    email_by_default: bool = True
    # Reminders wait for the recipient's waking hours; news about people does not.
    is_reminder: bool = False


# Listed by label: the preferences page shows them in that order.
KINDS: Registry[NotificationKind] = Registry("notification kind", order=lambda kind: kind.label)


# The core's own kinds; each app declares its kinds in its wiring.py.
KINDS.register_all(
    (
        NotificationKind(
            "people.new_report",
            "New direct report",
            "Someone now reports to you.",
        ),
        NotificationKind(
            "people.role_changed",
            "Your role changed",
            "An HR admin changed your role or manager.",
        ),
        NotificationKind(
            "people.member_joined",
            "Someone joined",
            "A person you invited accepted the invitation.",
            email_by_default=False,
        ),
    )
)
