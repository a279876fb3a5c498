"""The wall's recognition cards, written in Python.

A wall page shows 20 cards, and through the template engine each one cost three
includes (the card, its reactions form, its comments), a context push per include and
some 60 variable lookups: 33 of the page's 47 ms of rendering went to the cards. Here a
card is one ``format_html`` call over parts built once, and what every card shares (the
viewer, the CSRF field, the page's address, the form states) is read from the context
once per page.

The markup is the templates' own, byte for byte: ``recognition/_item.html`` with its
``_reactions.html`` and ``_comments.html``, which still render a single card (the detail
page, the reactions and comments answered in place). ``tests/recognition/test_cards.py``
renders both on the same cards and compares them; change one, change the other.

The cards are the wall's: they read the rows ``selectors.recognition.wall_page`` attaches
to each item (recipients, values, competencies, latest comments, reaction counts) and run
no query of their own.

    {% load cards %}
    {% recognition_cards page.items %}
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from perfapp.web.templatetags.moments import when
from perfapp.web.templatetags.row_urls import row_addresser
from recognition.models import Recognition, RecognitionComment
from recognition.templatetags.reactions import reaction_buttons

register = template.Library()

NO_HTML = mark_safe("")
URL_NAMES = (
    "recognition:profile",
    "recognition:detail",
    "recognition:react",
    "recognition:comment",
)


@dataclass
class Page:
    """What every card of a page shares, read from the template context once."""

    viewer_id: int | None
    org_slug: str
    csrf_field: SafeString
    here: str  # the page's own address, where a plain reaction form comes back to
    full: bool
    draft: str
    comment_error: str
    focus_comment: bool
    reaction_error: str
    focus_emoji: str

    @classmethod
    def of(cls, context: template.Context) -> "Page":
        request = context.get("request")
        return cls(
            viewer_id=getattr(context.get("membership"), "pk", None),
            org_slug=context["organization"].slug,
            csrf_field=csrf_field(context.get("csrf_token")),
            here=request.get_full_path() if request is not None else "",
            full=bool(context.get("full")),
            draft=context.get("draft") or "",
            comment_error=context.get("comment_error") or "",
            focus_comment=bool(context.get("focus_comment")),
            reaction_error=context.get("reaction_error") or "",
            focus_emoji=context.get("focus_emoji") or "",
        )

    def url(self, name: str, pk: int) -> str:
        return self.addressers[name](pk)

    @cached_property
    def addressers(self) -> dict[str, Callable[[int], str]]:
        return {name: row_addresser(name, "pk", org_slug=self.org_slug) for name in URL_NAMES}


def csrf_field(token) -> SafeString:
    """What ``{% csrf_token %}`` writes for ``token`` (Django's ``CsrfTokenNode``)."""
    if not token or token == "NOTPROVIDED":
        return NO_HTML
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def recognition_cards(context: template.Context, items: Iterable[Recognition]) -> SafeString:
    """The cards of ``items``, one after the other, as ``{% include "recognition/_item.html"
    %}`` in a loop writes them."""
    page = Page.of(context)
    return SafeString("".join([card(item, page) for item in items]))


def card(item: Recognition, page: Page) -> SafeString:
    giver = item.giver
    recipients = item.recipients
    return format_html(
        '<article class="card recognition" id="recognition-{pk}"'
        ' aria-labelledby="recognition-{pk}-title" data-swap-errors>\n'
        '  <header class="recognition-head">\n'
        '    <span class="avatar" aria-hidden="true">{initial}</span>\n'
        '    <div class="row-main">\n'
        '      <h2 class="recognition-title" id="recognition-{pk}-title">\n'
        '        <a href="{giver_url}">{giver}</a>\n'
        '        <span class="recognition-verb">recognized</span>\n'
        "        {recipients}\n"
        "      </h2>\n"
        '      <p class="recognition-meta small muted"><a class="quiet-link" href="{detail_url}">'
        "{when}</a></p>\n"
        "    </div>\n"
        "    {points}\n"
        "  </header>\n"
        '  <p class="recognition-message">{message}</p>\n'
        '  <p class="recognition-tags">\n'
        '    <span class="badge kind-badge"><span class="visually-hidden">Kind of contribution: '
        "</span>{kind}</span>\n"
        "    {values}\n"
        "    {competencies}\n"
        "  </p>\n"
        "  {reactions}\n"
        "  {comments}\n"
        "</article>\n",
        pk=item.pk,
        initial=giver.name[:1].upper(),
        giver_url=page.url("recognition:profile", item.giver_id),
        giver="You" if item.giver_id == page.viewer_id else giver.name,
        recipients=_recipients(recipients, page),
        detail_url=page.url("recognition:detail", item.pk),
        when=when(item.created_at),
        points=_points(item, giver.name, len(recipients)),
        message=linebreaksbr(item.message, autoescape=True),
        kind=item.kind.name,
        values=format_html_join("", "{}", ((_value(value),) for value in item.shown_values)),
        competencies=_competencies(item.shown_competencies),
        reactions=reactions_form(item, page),
        comments=comments_section(item, page),
    )


def _recipients(rows: list, page: Page) -> SafeString:
    """ "Ana", "Ana and Ben", "Ana, Ben and Cy": each a link, "you" for the viewer."""
    last = len(rows) - 1
    return format_html_join(
        "",
        '<a href="{}">{}</a>{}',
        (
            (
                page.url("recognition:profile", row.recipient_id),
                "you" if row.recipient_id == page.viewer_id else row.recipient.name,
                "" if n == last else " and " if n == last - 1 else ", ",
            )
            for n, row in enumerate(rows)
        ),
    )


def _points(item: Recognition, giver_name: str, recipients: int) -> SafeString:
    if not item.points_each:
        return NO_HTML
    return format_html(
        '<span class="points-badge" title="Points from {}\'s monthly allowance">'
        "+{} points{}</span>",
        giver_name,
        item.points_each,
        " each" if recipients > 1 else "",
    )


def _value(value) -> SafeString:
    emoji = format_html('<span aria-hidden="true">{}</span> ', value.emoji) if value.emoji else ""
    return format_html(
        '<span class="badge value-badge"><span class="visually-hidden">Value: </span>{}{}</span> ',
        emoji,
        value.name,
    )


def _competencies(competencies: list) -> SafeString:
    if not competencies:
        return NO_HTML
    return format_html(
        '<span class="competency-list small muted">Competencies: {}</span>',
        format_html_join(
            "",
            '<span class="badge competency-badge">{}</span> ',
            ((competency.name,) for competency in competencies),
        ),
    )


def reactions_form(item: Recognition, page: Page) -> SafeString:
    """``recognition/_reactions.html``."""
    react_url = page.url("recognition:react", item.pk)
    error = (
        format_html('<p class="error-text small" role="alert">{}</p>', page.reaction_error)
        if page.reaction_error
        else ""
    )
    return format_html(
        '<form class="reactions" id="reactions-{pk}" method="post" action="{url}"\n'
        '      hx-post="{url}" hx-target="this" hx-swap="outerHTML">\n'
        '  {csrf}<input type="hidden" name="next" value="{here}#recognition-{pk}">\n'
        '  <div class="reaction-buttons" role="group" aria-label="Reactions">\n'
        "    {buttons}\n"
        "  </div>\n"
        "  {error}\n"
        "</form>\n",
        pk=item.pk,
        url=react_url,
        csrf=page.csrf_field,
        here=page.here,
        buttons=reaction_buttons(item.reaction_counts, page.focus_emoji),
        error=error,
    )


def comments_section(item: Recognition, page: Page) -> SafeString:
    """``recognition/_comments.html``: the latest comments and the form to add one."""
    more = ""
    if getattr(item, "more_comments", 0):
        more = format_html(
            '<p class="small"><a href="{}#comments">See all {} comments</a></p>',
            page.url("recognition:detail", item.pk),
            item.comment_count,  # type: ignore[attr-defined]  # with_related's annotation
        )
    latest = getattr(item, "latest_comments", None)
    listed = ""
    if latest:
        listed = format_html(
            '\n  <ul class="comment-list">\n    {}\n  </ul>\n  ',
            format_html_join("", "{}", ((_comment(comment, page),) for comment in latest)),
        )
    comment_url = page.url("recognition:comment", item.pk)
    error = page.comment_error
    return format_html(
        '<section class="comments" id="comments-{pk}" aria-label="Comments">\n'
        "  {more}\n"
        "  {listed}\n"
        '  <form class="comment-form" method="post" action="{url}"\n'
        '        hx-post="{url}" hx-target="#comments-{pk}" hx-swap="outerHTML">\n'
        "    {csrf}{full}\n"
        '    <label class="visually-hidden" for="comment-{pk}">Add a comment</label>\n'
        '    <div class="inline-input">\n'
        '      <input type="text" id="comment-{pk}" name="body" maxlength="1000"'
        ' placeholder="Add a comment" autocomplete="off" value="{draft}"{invalid}{focus}>\n'
        '      <button type="submit" class="button button-small">Comment</button>\n'
        "    </div>\n"
        "    {error}\n"
        "  </form>\n"
        "</section>\n",
        pk=item.pk,
        more=more,
        listed=listed,
        url=comment_url,
        csrf=page.csrf_field,
        full=mark_safe('<input type="hidden" name="full" value="1">') if page.full else "",
        draft=page.draft,
        invalid=format_html(' aria-invalid="true" aria-describedby="comment-{}-error"', item.pk)
        if error
        else "",
        focus=mark_safe(" data-focus") if page.focus_comment else "",
        error=format_html(
            '<p class="error-text small" id="comment-{}-error" role="alert">{}</p>', item.pk, error
        )
        if error
        else "",
    )


def _comment(comment: RecognitionComment, page: Page) -> SafeString:
    author = comment.author
    return format_html(
        '\n    <li class="comment"><span class="avatar avatar-xs" aria-hidden="true">{}</span>\n'
        '      <div class="row-main"><p><strong>{}</strong> <span class="muted small">{}</span></p>'
        '<p class="comment-body">{}</p></div></li>\n    ',
        author.name[:1].upper(),
        "You" if comment.author_id == page.viewer_id else author.name,
        when(comment.created_at),
        linebreaksbr(comment.body, autoescape=True),
    )
