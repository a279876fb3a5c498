"""Coaching prompts: a built-in bank written by us, which HR extends or archives."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from perfapp.orgs.models import Membership

from .checkin_models import CoachingPrompt, PromptTheme

BUILT_IN = {
    PromptTheme.GROWTH: [
        "What did you learn since we last met that you want to use more?",
        "Which skill would make the biggest difference to your work in the next quarter?",
        "What stretch would you like to take on, and what support would make it safe to try?",
    ],
    PromptTheme.BLOCKERS: [
        "What is slowing you down that I could remove or escalate?",
        "Where are you waiting on someone else, and for how long?",
    ],
    PromptTheme.CAREER: [
        "Looking at the next level's criteria, which one feels furthest away?",
        "Where do you want to be in two years, and what would move you towards it now?",
    ],
    PromptTheme.WELLBEING: [
        "How is your energy this week, honestly, on a scale from 1 to 5?",
        "Is your workload sustainable for the next month?",
    ],
    PromptTheme.MANAGER: [
        "What is one thing I could do differently to support you better?",
        "Was there a moment recently where my feedback was unclear or unhelpful?",
    ],
}


def prompts(*, include_archived: bool = False) -> QuerySet[CoachingPrompt]:
    """The active organization's bank, starting from the built-in set on first use."""
    rows = CoachingPrompt.objects.all()
    if not rows.exists():
        from perfapp.tenancy.scoping import get_active_organization_id

        organization_id = get_active_organization_id()
        CoachingPrompt.objects.bulk_create(
            CoachingPrompt(organization_id=organization_id, theme=theme, text=text)
            for theme, texts in BUILT_IN.items()
            for text in texts
        )
    if not include_archived:
        rows = rows.filter(archived_at__isnull=True)
    return rows.order_by("theme", "id")


def add_prompt(*, actor: Membership, theme: str, text: str) -> CoachingPrompt:
    errors = {}
    if theme not in PromptTheme.values:
        errors["theme"] = "Choose a theme."
    if not text.strip():
        errors["text"] = "Write the question."
    if errors:
        raise ValidationError(errors)
    return CoachingPrompt.objects.create(
        organization=actor.organization, theme=theme, text=text.strip()[:300]
    )


def archive_prompt(*, actor: Membership, prompt: CoachingPrompt) -> None:
    prompt.archived_at = timezone.now()
    prompt.save(update_fields=["archived_at"])
