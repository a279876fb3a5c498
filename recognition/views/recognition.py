"""Recognition's own pages: the wall, one recognition with its reactions and comments,
giving, and a person's recognition profile. Every member of the organization reads them;
nobody else does (the tenant scope and ``org_view`` answer 404 before anything here runs).

The wall is newest first, filtered, and loaded page by page as you scroll (an htmx
sentinel fetches the next keyset page), with reactions and comments in place.

Giving goes to one or several colleagues, with a value, a kind of contribution and
(where the organization uses them) points from the giver's monthly allowance. The
specificity nudge and the points summary update while you write (an htmx fragment); they
advise and never block sending. The rules themselves live in ``services``.

The profile shows what someone received and gave, by value and by kind of contribution,
month by month. Its charts are SVG drawn by the template from coordinates computed here
(the approach of the feedback cycle results): no JavaScript, no chart library, nothing
from a CDN, and a table with the same numbers beside each chart.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view, render_htmx
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import go, id_from, message_of
from recognition.forms.recognition import GiveForm, WallFilterForm
from recognition.models import Reaction, Recognition, RecognitionSettings
from recognition.permissions.recognition import can_see_profile, can_take_part
from recognition.rules import specificity as nudge_rules
from recognition.selectors import points
from recognition.selectors import recognition as selectors
from recognition.selectors import values as value_selectors
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
    kinds = list(value_selectors.kinds())
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


# --- giving ------------------------------------------------------------------------------------


def _count_recipients(data) -> int:
    return len({pk for pk in data.getlist("recipients") if id_from(pk)}) if data else 0


def _points(raw: str | None) -> int:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 7 else 0


def points_summary(left: int | None, recipients: int, points_each: int) -> dict | None:
    """What the points field says under it: what is left, and what this gift takes."""
    if left is None:
        return None
    if not points_each:
        return {"text": f"You have {left} points left to give this month.", "over": False}
    people = max(recipients, 1)
    total = people * points_each
    who = f"{people} people × {points_each}" if people > 1 else f"{points_each} points"
    if total > left:
        return {
            "text": f"{who} is {total} points, but you have {left} left to give this month.",
            "over": True,
        }
    return {
        "text": f"{who} = {total} of the {left} points you have left this month.",
        "over": False,
    }


def _hints(data) -> dict:
    message = data.get("message", "") if data else ""
    return {
        "hints": nudge_rules.hints(message=message),
        "has_text": bool(message.strip()),
    }


@org_view(reader_time_zone=True)
def give(request: HttpRequest) -> HttpResponse:
    viewer = request.membership
    settings = RecognitionSettings.of(request.organization)
    kinds = list(value_selectors.kinds())
    values = list(value_selectors.active_values())
    initial = {}
    if request.method != "POST":
        to = id_from(request.GET.get("to"))
        if to and to != viewer.pk and Membership.objects.filter(pk=to, is_active=True).exists():
            initial["recipients"] = [to]
    form = GiveForm(
        request.POST or None,
        viewer=viewer,
        kinds=kinds,
        values=values,
        points_enabled=settings.points_enabled,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            recognition = services.give_recognition(giver=viewer, **form.content())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            rows = recognition.recipient_rows.select_related("recipient__user")
            names = services.names_of([row.recipient for row in rows])
            messages.success(request, f"You recognized {names}. It's on the wall now.")
            return go(request, "recognition:index")
    left = points.allowance_left(viewer) if settings.points_enabled else None
    data = request.POST if request.method == "POST" else None
    context = {
        "form": form,
        "allowance_left": left,
        "points": points_summary(
            left, _count_recipients(data), _points(data.get("points_each") if data else None)
        ),
        **_hints(data),
    }
    return render(request, "recognition/give.html", context, status=400 if form.errors else 200)


@org_view(reader_time_zone=True)
@require_POST
def nudge(request: HttpRequest) -> HttpResponse:
    """The specificity hints (and, out of band, the points summary) for what is being
    written. Advice only: nothing here stops the recognition from being sent."""
    context = _hints(request.POST)
    settings = RecognitionSettings.of(request.organization)
    if settings.points_enabled and "points_each" in request.POST:
        left = points.allowance_left(request.membership)
        context["points"] = points_summary(
            left, _count_recipients(request.POST), _points(request.POST.get("points_each"))
        )
        context["oob"] = bool(request.htmx)
    return render(request, "recognition/_hints.html", context)


# --- profile -----------------------------------------------------------------------------------


MONTHS = 12
CHART = {"left": 36, "right": 8, "top": 28, "plot": 132, "step": 46, "bar": 14, "gap": 2}
MINI_BAR = 80  # the width of the bars inside the value and kind tables


def _axis_top(peak: int) -> int:
    """A round top for the y axis: 1–4 as is, then even numbers, then multiples of 5/10."""
    if peak <= 4:
        return max(peak, 1)
    if peak <= 10:
        return peak + peak % 2
    step = 5 if peak <= 50 else 10
    return -(-peak // step) * step


def month_chart(months: list[dict]) -> dict:
    """Coordinates of a grouped bar chart: per month, received and given side by side."""
    peak = _axis_top(max([m["received"] for m in months] + [m["given"] for m in months] + [0]))
    left, top, plot, step = CHART["left"], CHART["top"], CHART["plot"], CHART["step"]
    bar, gap = CHART["bar"], CHART["gap"]
    base = top + plot
    width = left + step * len(months) + CHART["right"]
    groups = []
    for index, month in enumerate(months):
        x = left + index * step + (step - 2 * bar - gap) // 2
        bars = []
        for offset, series in ((0, "received"), (bar + gap, "given")):
            count = month[series]
            height = round(plot * count / peak)
            bars.append(
                {
                    "series": series,
                    "count": count,
                    "x": x + offset,
                    "y": base - height,
                    "height": height,
                    "label_x": x + offset + bar // 2,
                    "label_y": base - height - 3,
                }
            )
        day = month["month"]
        groups.append(
            {
                "month": day,
                "label": day.strftime("%b"),
                "year": day.strftime("%Y") if index == 0 or day.month == 1 else "",
                "center": left + index * step + step // 2,
                "bars": bars,
            }
        )
    ticks = sorted({0, peak // 2, peak}) if peak > 4 else list(range(peak + 1))
    return {
        **CHART,
        "width": width,
        "height": base + 40,
        "base": base,
        "right_edge": width - CHART["right"],
        "groups": groups,
        "ticks": [{"value": t, "y": base - round(plot * t / peak)} for t in ticks],
        "month_y": base + 16,
        "year_y": base + 30,
        "legend_y": 12,
        "mid_y": top + plot // 2,
        "empty": not any(m["received"] or m["given"] for m in months),
    }


def breakdown(rows: list[dict], key: str) -> list[dict]:
    """Rows of a value or kind table, each with the widths of its two mini bars."""
    peak = max([row["received"] for row in rows] + [row["given"] for row in rows] + [1])
    return [
        {
            "item": row[key],
            "received": row["received"],
            "given": row["given"],
            "received_width": round(MINI_BAR * row["received"] / peak),
            "given_width": round(MINI_BAR * row["given"] / peak),
        }
        for row in rows
        if row["received"] or row["given"] or row[key].archived_at is None
    ]


@org_view(reader_time_zone=True)
@require_safe
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    person = get_object_or_404(
        Membership.objects.select_related("user", "team", "manager__user"), pk=pk
    )
    if not can_see_profile(viewer, person):
        raise Http404
    data = selectors.profile(person, months=MONTHS, tz_name=viewer.effective_time_zone)
    return render(
        request,
        "recognition/profile.html",
        {
            "person": person,
            "is_self": person.pk == viewer.pk,
            "data": data,
            "chart": month_chart(data.months),
            "received_year": sum(month["received"] for month in data.months),
            "given_year": sum(month["given"] for month in data.months),
            "by_value": breakdown(data.by_value, "value"),
            "by_kind": breakdown(data.by_kind, "kind"),
            "recent": selectors.received_recently(person),
            "mini_bar": MINI_BAR,
        },
    )
