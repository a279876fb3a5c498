"""HR keeps the company values and the contribution kinds: add, edit, order, archive and
restore; kinds also map to competencies (so recognition of that kind becomes evidence).

Reordering and archiving swap the list in place with htmx; without JavaScript the same
forms post and come back to the page. Every change is in the audit log.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import go, message_of
from recognition.forms.values import KindForm, ValueForm
from recognition.models import CompanyValue, ContributionKind
from recognition.permissions.recognition import MANAGE
from recognition.selectors import values as selectors
from recognition.services import values as services

# --- company values ---------------------------------------------------------------------------


def _values_context(**extra) -> dict:
    return {
        "active": list(selectors.active_values()),
        "archived": list(selectors.archived_values()),
        **extra,
    }


@org_view(MANAGE, reader_time_zone=True)
def values(request: HttpRequest) -> HttpResponse:
    form = ValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_value(actor=request.membership, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{added.name}” is one of your values now.")
            return go(request, "recognition:values")
    return render(
        request,
        "recognition/values.html",
        _values_context(form=form),
        status=400 if form.errors else 200,
    )


@org_view(MANAGE, reader_time_zone=True)
def value(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CompanyValue, pk=pk)
    initial = {"name": item.name, "emoji": item.emoji, "description": item.description}
    form = ValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_value(actor=request.membership, value=item, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{item.name}” is saved.")
            return go(request, "recognition:values")
    return render(
        request,
        "recognition/value.html",
        {"item": item, "form": form},
        status=400 if form.errors else 200,
    )


# --- contribution kinds -----------------------------------------------------------------------


def _kinds_context(**extra) -> dict:
    rows = list(selectors.kinds_with_competencies(include_archived=True))
    return {
        "active": [row for row in rows if row.archived_at is None],
        "archived": [row for row in rows if row.archived_at is not None],
        **extra,
    }


@org_view(MANAGE, reader_time_zone=True)
def kinds(request: HttpRequest) -> HttpResponse:
    form = KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_kind(actor=request.membership, **form.content())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{added.name}” is a contribution kind now.")
            return go(request, "recognition:kinds")
    return render(
        request,
        "recognition/kinds.html",
        _kinds_context(form=form),
        status=400 if form.errors else 200,
    )


@org_view(MANAGE, reader_time_zone=True)
def kind(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ContributionKind, pk=pk)
    mapped = list(item.competencies.all())
    initial = {
        "name": item.name,
        "description": item.description,
        "competencies": [c.pk for c in mapped],
    }
    form = KindForm(request.POST or None, initial=initial, keep=mapped)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_kind(actor=request.membership, kind=item, **form.content())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{item.name}” is saved.")
            return go(request, "recognition:kinds")
    return render(
        request,
        "recognition/kind.html",
        {"item": item, "form": form},
        status=400 if form.errors else 200,
    )


# --- archive, restore and move: the same for both lists ---------------------------------------


@dataclass(frozen=True)
class _Catalogue:
    """One of HR's two lists, as its pages see it; the services already treat both alike."""

    model: type[CompanyValue] | type[ContributionKind]
    noun: str  # the services' keyword for one item
    page: str  # the list's URL name and template
    context: Callable[..., dict]
    archive: Callable
    restore: Callable
    move: Callable
    archived: str  # what archiving leaves as it was


VALUES = _Catalogue(
    CompanyValue,
    "value",
    "values",
    _values_context,
    services.archive_value,
    services.restore_value,
    services.move_value,
    "Recognition that showed it keeps it.",
)
KINDS = _Catalogue(
    ContributionKind,
    "kind",
    "kinds",
    _kinds_context,
    services.archive_kind,
    services.restore_kind,
    services.move_kind,
    "Recognition of this kind keeps it.",
)


def _catalogue_action(
    request: HttpRequest, catalogue: _Catalogue, action: Callable[[], object], done: str, **extra
) -> HttpResponse:
    """Run a list action; htmx gets the lists fragment back (with the error or the notice),
    a plain form post a message and the list page."""
    error = ""
    try:
        action()
    except ValidationError as problem:
        error = message_of(problem)
    if request.htmx:
        return render(
            request,
            f"recognition/{catalogue.page}.html#lists",
            catalogue.context(list_error=error, list_notice="" if error else done, **extra),
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return go(request, f"recognition:{catalogue.page}")


def _list_actions(catalogue: _Catalogue) -> tuple[Callable, Callable, Callable]:
    """The archive, restore and move views of one list."""

    @org_view(MANAGE, reader_time_zone=True)
    @require_POST
    def archive(request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(catalogue.model, pk=pk)
        return _catalogue_action(
            request,
            catalogue,
            lambda: catalogue.archive(actor=request.membership, **{catalogue.noun: item}),
            f"“{item.name}” is archived. {catalogue.archived}",
        )

    @org_view(MANAGE, reader_time_zone=True)
    @require_POST
    def restore(request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(catalogue.model, pk=pk)
        return _catalogue_action(
            request,
            catalogue,
            lambda: catalogue.restore(actor=request.membership, **{catalogue.noun: item}),
            f"“{item.name}” is active again.",
        )

    @org_view(MANAGE, reader_time_zone=True)
    @require_POST
    def move(request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(catalogue.model, pk=pk)
        direction = request.POST.get("direction", "")
        return _catalogue_action(
            request,
            catalogue,
            lambda: catalogue.move(
                actor=request.membership, **{catalogue.noun: item}, direction=direction
            ),
            f"Moved “{item.name}” {direction}.",
            focus_pk=item.pk,
            focus_direction=direction,
        )

    return archive, restore, move


value_archive, value_restore, value_move = _list_actions(VALUES)
kind_archive, kind_restore, kind_move = _list_actions(KINDS)
