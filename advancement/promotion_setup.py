"""Registrations of promotion rounds and cases, called from ``AdvancementConfig.ready``."""


def register_promotions() -> None:
    from perfapp.audit.models import register_actions
    from perfapp.notifications import kinds
    from perfapp.orgs import demo

    from .demo_promotions import seed_promotions
    from .promotion_services import NOTIFICATION_KINDS, PromotionAction

    register_actions(PromotionAction.choices)
    for key, label, description in NOTIFICATION_KINDS:
        kinds.register(kinds.NotificationKind(key, label, description))
    # After every evidence seeder (feedback, recognition, growth), so packets hold evidence.
    demo.register(seed_promotions, order=90)
