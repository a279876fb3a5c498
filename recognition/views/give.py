"""Giving recognition: to one or several colleagues, with a value, a kind of contribution
and (where the organization uses them) points from the giver's monthly allowance.

The specificity nudge and the points summary update while you write (an htmx fragment);
they advise and never block sending. The rules themselves live in ``services``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import go, id_from
from recognition.forms.recognition import GiveForm
from recognition.rules import specificity as nudge_rules
from recognition.selectors import recognition as selectors
from recognition.services import points
from recognition.services import recognition as services


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
    settings = selectors.settings_of(request.organization)
    kinds = list(selectors.kinds())
    values = list(selectors.active_values())
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
    settings = selectors.settings_of(request.organization)
    if settings.points_enabled and "points_each" in request.POST:
        left = points.allowance_left(request.membership)
        context["points"] = points_summary(
            left, _count_recipients(request.POST), _points(request.POST.get("points_each"))
        )
        context["oob"] = bool(request.htmx)
    return render(request, "recognition/_hints.html", context)
