"""How pages show a moment: ``{{ item.created_at|when }}``."""

from datetime import timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

RECENT = timedelta(days=7)


@register.filter
def when(moment) -> str:
    """A <time> element: "3 hours ago" within a week, the date after that (in the
    reader's time zone, which the page activates). A filter rather than an included
    template: lists show one per row, and an include costs a template render each."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    shown = naturaltime(moment) if timezone.now() - moment < RECENT else local.strftime("%-d %b %Y")
    if shown == "now":  # within the second: "Invited just now", not "Invited now"
        shown = "just now"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        local.strftime("%-d %B %Y, %H:%M"),
        shown,
    )
