"""The recognition wall: newest first, filtered, loaded page by page as you scroll (an
htmx sentinel fetches the next keyset page), with reactions and comments in place.

Every member of the organization reads the wall; nobody else does (the tenant scope and
``org_view`` answer 404 before anything here runs).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from perfapp.tenancy.views import org_view, render_htmx
from perfapp.web.helpers import message_of
from recognition.forms.recognition import WallFilterForm
from recognition.models import Reaction, Recognition
from recognition.permissions.recognition import can_take_part
from recognition.selectors import recognition as selectors
from recognition.selectors.recognition import Criteria, Cursor
from recognition.services import recognition as services

PAGE_SIZE = 20
MORE_TARGET = "wall-more"


def back_to(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back where a plain (non-htmx) form came from, if that is one of our own pages."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


# --- the wall ---------------------------------------------------------------------------------


@org_view(reader_time_zone=True)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    kinds = list(selectors.kinds())
    filters = WallFilterForm(request.GET or None, kinds=kinds, viewer=viewer)
    chosen = filters.criteria()
    criteria = Criteria(
        team_id=chosen["team"],
        value_id=chosen["value"],
        kind_id=chosen["kind"],
        person_id=chosen["person"],
    )
    cursor = Cursor.parse(request.GET.get("cursor"))
    found = selectors.wall_page(criteria, cursor, PAGE_SIZE, viewer)
    query = request.GET.copy()
    query.pop("cursor", None)
    next_url = ""
    if found.next_cursor is not None:
        following = query.copy()
        following["cursor"] = found.next_cursor.token
        base = reverse("recognition:index", kwargs={"org_slug": request.organization.slug})
        next_url = f"{base}?{following.urlencode()}"
    context = {
        "filters": filters,
        "filtered": bool(criteria),
        "page": found,
        "next_url": next_url,
        "continued": cursor is not None,
        "query": query.urlencode(),
        "emoji": Reaction.EMOJI,
    }
    fragment = "results"
    if request.htmx and request.htmx.target == MORE_TARGET:
        fragment = "more"
    return render_htmx(request, "recognition/wall.html", context, fragment=fragment)


def _item_or_404(pk: int, viewer) -> Recognition:
    try:
        return selectors.one(pk, viewer)
    except Recognition.DoesNotExist:
        raise Http404 from None


@org_view(reader_time_zone=True)
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    item = _item_or_404(pk, viewer)
    item.latest_comments = selectors.comments_of(item)
    item.more_comments = 0
    return render(
        request,
        "recognition/detail.html",
        {"item": item, "full": True, "emoji": Reaction.EMOJI},
    )


# --- reactions and comments -----------------------------------------------------------------


@org_view(reader_time_zone=True)
@require_POST
def react(request: HttpRequest, pk: int) -> HttpResponse:
    """Toggle a reaction. The button says which way, so a double click cannot flip it
    back: adding the same emoji twice answers "you already reacted"."""
    viewer = request.membership
    recognition = get_object_or_404(Recognition, pk=pk)
    if not can_take_part(viewer, recognition):
        raise Http404
    # The pressed button says which way ("on:👏" adds, "off:👏" takes it back).
    way, _, emoji = request.POST.get("toggle", "").partition(":")
    error = ""
    try:
        if way == "off":
            services.remove_reaction(member=viewer, recognition=recognition, emoji=emoji)
        else:
            services.add_reaction(member=viewer, recognition=recognition, emoji=emoji)
    except ValidationError as problem:
        error = message_of(problem)
    if request.htmx:
        recognition.reaction_counts = selectors.reaction_counts([recognition.pk], viewer)[
            recognition.pk
        ]
        return render(
            request,
            "recognition/_reactions.html",
            {"item": recognition, "reaction_error": error, "focus_emoji": emoji},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return back_to(request, _detail_url(request, recognition))


def _detail_url(request: HttpRequest, recognition: Recognition) -> str:
    return reverse(
        "recognition:detail", kwargs={"org_slug": request.organization.slug, "pk": recognition.pk}
    )


@org_view(reader_time_zone=True)
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    recognition = get_object_or_404(Recognition, pk=pk)
    if not can_take_part(viewer, recognition):
        raise Http404
    body = request.POST.get("body", "")
    full = request.POST.get("full") == "1"
    error = ""
    try:
        services.add_comment(author=viewer, recognition=recognition, body=body)
    except ValidationError as problem:
        error = message_of(problem)
    if request.htmx:
        if full:
            recognition.latest_comments = selectors.comments_of(recognition)
            recognition.more_comments = 0
        else:
            recent = list(
                recognition.comments.select_related("author__user").order_by("-created_at", "-id")[
                    : selectors.LATEST_COMMENTS + 1
                ]
            )
            shown = recent[: selectors.LATEST_COMMENTS]
            recognition.latest_comments = list(reversed(shown))
            recognition.more_comments = (
                recognition.comments.count() - len(shown) if len(recent) > len(shown) else 0
            )
        return render(
            request,
            "recognition/_comments.html",
            {
                "item": recognition,
                "full": full,
                "comment_error": error,
                "draft": body if error else "",
                "focus_comment": True,
            },
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Comment added.")
    return redirect(_detail_url(request, recognition) + "#comments")
