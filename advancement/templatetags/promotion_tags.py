"""``{% promotion_case_link subject %}``: the subject's latest promotion case, as the
viewer may see it, for pages outside the promotion section (the readiness view)."""

from django import template

from advancement.selectors.promotions import visible_cases

register = template.Library()


@register.inclusion_tag("advancement/promotions/_case_link.html", takes_context=True)
def promotion_case_link(context, subject) -> dict:
    viewer = context["request"].membership
    case = visible_cases(viewer).filter(subject=subject).order_by("-created_at", "-id").first()
    return {"case": case, "organization": context["organization"], "subject": subject}
