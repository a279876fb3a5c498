"""The rows of the feedback timeline, written in Python.

A timeline page is 20 rows, each an included template of a dozen conditions and
filters (the moment, three truncated texts, the competencies, the link): 15.8 of the
page's 66 ms of CPU. Same markup, spacing included, built here as one string per row;
every value that comes from data passes through ``conditional_escape`` as ``{{ }}``
escaped it, and the rest are fixed words. ``tests/feedback/test_timeline_markup.py``
compares it with the template it replaced.

    {% load timeline_rows %}
    {% timeline_rows page.object_list %}
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from feedback.models import Feedback
from feedback.templatetags.feedback_tags import kind_badge
from perfapp.orgs.models import Membership
from perfapp.web.templatetags.moments import when
from perfapp.web.templatetags.row_urls import row_address

register = template.Library()

SITUATION_CHARS = 220
MORE_CHARS = 120  # impact and suggestion

EYE = (
    '<svg aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" fill="none" '
    'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
    '<path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z"/>'
    '<circle cx="12" cy="12" r="3"/></svg>'
)


@register.simple_tag(takes_context=True)
def timeline_rows(context, items) -> SafeString:
    """One ``<li>`` per piece of feedback, as the viewer (``membership``) reads it in
    ``box``; each item carries its ``audience`` note."""
    viewer: Membership = context["membership"]
    box: str = context["box"]
    slug: str = context["organization"].slug
    return mark_safe("".join(_row(item, viewer=viewer, box=box, slug=slug) for item in items))


def _row(item: Feedback, *, viewer: Membership, box: str, slug: str) -> str:
    other = item.recipient if box == "given" else item.author
    initial = conditional_escape(other.name[:1].upper())
    author = "You" if item.author_id == viewer.pk else conditional_escape(item.author.name)
    recipient = "you" if item.recipient_id == viewer.pk else conditional_escape(item.recipient.name)
    asked = '<span class="badge">Asked for</span>' if item.request_reviewer_id else ""
    note = conditional_escape(item.audience)  # type: ignore[attr-defined]  # set by the view
    link = conditional_escape(row_address("feedback:detail", org_slug=slug, pk=item.pk))
    return (
        '<li class="row feedback-item">\n'
        f'  <span class="avatar" aria-hidden="true">{initial}</span>\n'
        '  <div class="row-main">\n'
        '    <p class="feedback-line">\n'
        f'      <span class="people"><strong>{author}</strong> <span aria-hidden="true">→</span>'
        f'<span class="visually-hidden">to</span> <strong>{recipient}</strong></span>\n'
        f"      {kind_badge(item.kind)}\n"
        f"      {asked}\n"
        f'      <span class="muted small">· {when(item.created_at)}</span>\n'
        "    </p>\n"
        f'    <p class="feedback-excerpt"><a href="{link}">'
        f"{_truncated(item.situation, SITUATION_CHARS)}</a></p>\n"
        f"    {_more(item)}\n"
        '    <p class="feedback-foot">\n'
        f"      {_competencies(item)}\n"
        f'      <span class="audience-note small">{EYE}<span class="visually-hidden">'
        f"Who can read it:</span> {note}</span>\n"
        "    </p>\n"
        "  </div>\n"
        "</li>\n"
    )


def _truncated(text: str, chars: int) -> str:
    return conditional_escape(Truncator(text).chars(chars))


def _more(item: Feedback) -> str:
    """What it changed and the suggestion, shortened; nothing when neither was written."""
    if not (item.impact or item.suggestion):
        return ""
    impact = (
        f'<span><span class="label-inline">Impact:</span> '
        f"{_truncated(item.impact, MORE_CHARS)}</span>"
        if item.impact
        else ""
    )
    suggestion = (
        f'<span><span class="label-inline">Next time:</span> '
        f"{_truncated(item.suggestion, MORE_CHARS)}</span>"
        if item.suggestion
        else ""
    )
    return f'<p class="muted small feedback-more">{impact}{suggestion}</p>'


def _competencies(item: Feedback) -> str:
    return "".join(
        f'<span class="badge badge-accent">{conditional_escape(competency.name)}</span> '
        for competency in item.competencies.all()
    )
