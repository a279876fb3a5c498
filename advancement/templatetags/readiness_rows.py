"""The main part of a readiness page's evidence row, written in Python.

A manager's readiness page lists 80 rows (nine criteria, ten items each); through the
template engine each row's badges, title, day, sharing and excerpt were eleven nodes
and a fifth of the page's rendering. Same markup as the template wrote, line breaks and
indentation included, with the values escaped as the template escaped them.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from advancement.selectors.readiness import ShownItem

register = template.Library()

PINNED = '<span class="badge badge-accent">Pinned</span> '
HIDDEN = '<span class="badge">Hidden from others</span> '
ROW_MAIN = (
    '<div class="row-main">\n'
    "        {badges}\n"
    "        {title}\n"
    '        <span class="muted small">· {day}{sharing}</span>\n'
    "        {summary}\n"
    "      </div>"
)


@register.simple_tag
def evidence_row_main(shown: ShownItem) -> SafeString:
    """``<div class="row-main">`` of an evidence row: the badges, the title (a link when
    the reader may follow it), the day, who it is shared with, and the summary's excerpt."""
    item = shown.item
    if item.url:
        title = format_html('<a href="{}">{}</a>', item.url, item.title)
    elif shown.redacted:
        title = format_html('<span class="muted">{}</span>', item.title)
    else:
        title = format_html("<strong>{}</strong>", item.title)
    sharing = shown.sharing
    return format_html(
        ROW_MAIN,
        badges=SafeString((PINNED if shown.pinned else "") + (HIDDEN if shown.hidden else "")),
        title=title,
        day=shown.occurred_on,
        sharing=format_html(" · {}", sharing) if sharing else "",
        summary=(
            format_html('<br><span class="muted small">{}</span>', shown.summary_excerpt)
            if item.summary
            else ""
        ),
    )
