"""``{% promotion_case_link subject %}``: the subject's latest promotion case, as the
viewer may see it, for pages outside the promotion section (the readiness view)."""

from django import template

from advancement.selectors.promotions import latest_case_of

register = template.Library()


@register.inclusion_tag("advancement/promotions/_case_link.html", takes_context=True)
def promotion_case_link(context, subject) -> dict:
    case = latest_case_of(subject, viewer=context["request"].membership)
    return {"case": case, "organization": context["organization"], "subject": subject}
