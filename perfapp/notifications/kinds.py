"""The registry of notification kinds. Each app registers its own in ``AppConfig.ready``;
the preferences page lists whatever is registered."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    description: str
    email_by_default: bool = True
    # Reminders wait for the recipient's waking hours; news about people does not.
    is_reminder: bool = False


_KINDS: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> None:
    _KINDS[kind.key] = kind


def get(key: str) -> NotificationKind:
    return _KINDS[key]


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.label)


def register_core_kinds() -> None:
    register(
        NotificationKind(
            "people.new_report",
            "New direct report",
            "Someone now reports to you.",
        )
    )
    register(
        NotificationKind(
            "people.role_changed",
            "Your role changed",
            "An HR admin changed your role or manager.",
        )
    )
    register(
        NotificationKind(
            "people.member_joined",
            "Someone joined",
            "A person you invited accepted the invitation.",
            email_by_default=False,
        )
    )
