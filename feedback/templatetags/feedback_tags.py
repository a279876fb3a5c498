"""Small template helpers of the feedback pages."""

from django import template
from django.utils.html import format_html

register = template.Library()

# Shorter than the choices' labels: a badge in a list row.
KIND_BADGES = {"praise": "Praise", "constructive": "Constructive", "suggestion": "Suggestion"}


@register.filter
def kind_badge(kind: str) -> str:
    """The badge naming a piece of feedback's kind (praise, constructive, suggestion)."""
    return format_html('<span class="badge kind kind-{}">{}</span>', kind, KIND_BADGES[kind])
