"""The agenda and action items of a meeting: add, edit, link, reorder, mark discussed or
done, pull in a coaching prompt or a suggestion."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from feedback.coaching import PromptLinks
from feedback.forms.checkins import (
    ActionEditForm,
    ActionForm,
    DoneForm,
    PointEditForm,
    PointForm,
    PromptPickForm,
    ReorderForm,
    SuggestionForm,
)
from feedback.models import ActionItem, Meeting
from feedback.services import checkins as service
from feedback.views.checkins.common import action_of, meeting_of, other_of, point_of
from feedback.views.checkins.meeting import (
    MEETING_PAGE,
    meeting_answer,
    meeting_context,
    stale_text,
)
from perfapp.concurrency import StaleEdit
from perfapp.links import LinkRef
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import is_partial, message_of


def _new_link(value) -> LinkRef | None:
    """A link picked on an add form (nothing to keep there)."""
    return None if value is service.UNCHANGED else value


@org_view(reader_time_zone=True)
@require_POST
def point_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    form = PointForm(request.POST)
    if form.is_valid():
        try:
            service.add_point(
                actor=request.membership,
                meeting=found,
                text=form.cleaned_data["text"],
                link=_new_link(form.cleaned_data["link"]),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return meeting_answer(
                request,
                found,
                "agenda",
                notice="Talking point added.",
                focus_add=True,
            )
    return meeting_answer(request, found, "agenda", status=400, point_form=form)


@org_view(reader_time_zone=True)
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = point_of(request, pk)
    meeting = item.meeting
    if request.method == "GET":
        form = PointEditForm(
            initial={
                "text": item.text,
                "version": item.version,
                "link": "keep" if item.link_type_id else "",
            }
        )
        if is_partial(request):
            context = meeting_context(request, meeting, editing=item.pk, edit_form=form)
            return render(request, f"{MEETING_PAGE}#agenda", context)
        context = meeting_context(request, meeting, editing=item.pk, edit_form=form)
        return render(request, MEETING_PAGE, context)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    other = other_of(meeting.series, request.membership)
    change = request.POST.get("change", "text")
    if change == "discussed":
        form = DoneForm(request.POST)
        if not form.is_valid():
            return meeting_answer(request, meeting, "agenda", status=400)
        kwargs = {"discussed": request.POST.get("discussed") == "1"}
    else:
        form = PointEditForm(request.POST)
        if not form.is_valid():
            return meeting_answer(
                request, meeting, "agenda", status=400, editing=item.pk, edit_form=form
            )
        kwargs = {"text": form.cleaned_data["text"], "link": form.cleaned_data["link"]}
    try:
        fresh = service.edit_point(
            actor=request.membership,
            item=item,
            expected_version=form.cleaned_data["version"],
            **kwargs,
        )
    except StaleEdit as stale:
        yours = kwargs.get("text", "")
        return meeting_answer(
            request,
            meeting,
            "agenda",
            status=409,
            stale=stale_text(other),
            stale_yours=yours if stale.fresh is not None and yours != stale.fresh.text else "",
            changed=item.pk,
        )
    except ValidationError as error:
        if change != "discussed":
            apply_errors(form, error)
            if form.errors:
                return meeting_answer(
                    request, meeting, "agenda", status=400, editing=item.pk, edit_form=form
                )
        return meeting_answer(request, meeting, "agenda", status=400, error=message_of(error))
    if change == "discussed":
        notice = "Marked discussed." if fresh.discussed else "Marked not discussed yet."
    else:
        notice = "Talking point saved."
    return meeting_answer(request, meeting, "agenda", notice=notice, changed=item.pk)


@org_view(reader_time_zone=True)
@require_POST
def point_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = point_of(request, pk)
    meeting = item.meeting
    form = DoneForm(request.POST)
    if not form.is_valid():
        return meeting_answer(request, meeting, "agenda", status=400)
    try:
        service.remove_point(
            actor=request.membership, item=item, expected_version=form.cleaned_data["version"]
        )
    except StaleEdit:
        other = other_of(meeting.series, request.membership)
        return meeting_answer(
            request, meeting, "agenda", status=409, stale=stale_text(other), changed=item.pk
        )
    except ValidationError as error:
        return meeting_answer(request, meeting, "agenda", status=400, error=message_of(error))
    return meeting_answer(request, meeting, "agenda", notice="Talking point removed.")


@org_view(reader_time_zone=True)
@require_POST
def reorder(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    form = ReorderForm(request.POST)
    if not form.is_valid():
        return meeting_answer(request, found, "agenda", status=400, error="Choose a new order.")
    order = form.cleaned_data["order"]
    moved = request.POST.get("moved", "")
    try:
        service.reorder(actor=request.membership, meeting=found, ordered_ids=order)
    except StaleEdit:
        other = other_of(found.series, request.membership)
        return meeting_answer(request, found, "agenda", status=409, stale=stale_text(other))
    except ValidationError as error:
        return meeting_answer(request, found, "agenda", status=400, error=message_of(error))
    return meeting_answer(
        request,
        found,
        "agenda",
        notice="Order saved.",
        changed=int(moved) if moved.isdigit() else None,
        moved_direction=request.POST.get("direction", ""),
    )


@org_view(reader_time_zone=True)
@require_POST
def meeting_prompt(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    form = PromptPickForm(request.POST, bank=service.prompts())
    if form.is_valid():
        chosen = form.cleaned_data["prompt"]
        try:
            item = service.add_point(
                actor=request.membership,
                meeting=found,
                text=chosen.text,
                link=LinkRef(PromptLinks.key, chosen.pk),
            )
        except ValidationError as error:
            return meeting_answer(request, found, "agenda", status=400, error=message_of(error))
        return meeting_answer(
            request, found, "agenda", notice="Prompt added to the agenda.", changed=item.pk
        )
    return meeting_answer(request, found, "agenda", status=400, prompt_form=form)


@org_view(reader_time_zone=True)
@require_POST
def meeting_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager adds one of the suggestions for the report to the agenda."""
    found = meeting_of(request, pk)
    if request.membership.pk != found.series.manager_id:
        raise Http404
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        return meeting_answer(
            request, found, "agenda", status=400, error="Choose a suggestion to add."
        )
    try:
        item = service.add_suggested_point(
            actor=request.membership, meeting=found, key=form.cleaned_data["key"]
        )
    except ValidationError as error:
        return meeting_answer(request, found, "agenda", status=400, error=message_of(error))
    return meeting_answer(
        request, found, "agenda", notice="Suggestion added to the agenda.", changed=item.pk
    )


@org_view(reader_time_zone=True)
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    form = ActionForm(request.POST, series=found.series, viewer=request.membership)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = service.add_action(
                actor=request.membership,
                meeting=found,
                owner=data["owner"],
                text=data["text"],
                due_on=data["due_on"],
                link=_new_link(data["link"]),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return meeting_answer(
                request, found, "actions", notice="Action item added.", changed=item.pk
            )
    return meeting_answer(request, found, "actions", status=400, action_form=form)


def _shown_on(item: ActionItem, raw: str) -> Meeting:
    """The meeting page an action item was changed from (items stay on every meeting of
    their series until done); its own meeting when not given or not of the series."""
    meeting = None
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        meeting = item.series.meetings.filter(pk=int(raw)).first()
    if meeting is None:
        meeting = item.meeting
    meeting.series = item.series
    return meeting


@org_view(reader_time_zone=True)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an action item's text, due date and link, if unchanged since its version."""
    item = action_of(request, pk)
    if request.method == "GET":
        meeting = _shown_on(item, request.GET.get("meeting", ""))
        form = ActionEditForm(
            initial={
                "text": item.text,
                "due_on": item.due_on.isoformat() if item.due_on else "",
                "version": item.version,
                "link": "keep" if item.link_type_id else "",
            }
        )
        context = meeting_context(request, meeting, editing_action=item.pk, action_edit_form=form)
        template = f"{MEETING_PAGE}#actions" if is_partial(request) else MEETING_PAGE
        return render(request, template, context)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    meeting = _shown_on(item, request.POST.get("meeting", ""))
    form = ActionEditForm(request.POST)

    def again(status: int = 400) -> HttpResponse:
        return meeting_answer(
            request,
            meeting,
            "actions",
            status=status,
            editing_action=item.pk,
            action_edit_form=form,
        )

    if not form.is_valid():
        return again()
    data = form.cleaned_data
    try:
        service.edit_action(
            actor=request.membership,
            item=item,
            expected_version=data["version"],
            text=data["text"],
            due_on=data["due_on"] if "due_on" in request.POST else service.UNCHANGED,
            link=data["link"],
        )
    except StaleEdit:
        other = other_of(item.series, request.membership)
        return meeting_answer(
            request, meeting, "actions", status=409, stale=stale_text(other), changed=item.pk
        )
    except ValidationError as error:
        apply_errors(form, error)
        if form.errors:
            return again()
        return meeting_answer(request, meeting, "actions", status=400, error=message_of(error))
    return meeting_answer(request, meeting, "actions", notice="Action item saved.", changed=item.pk)


@org_view(reader_time_zone=True)
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = action_of(request, pk)
    meeting = _shown_on(item, request.POST.get("meeting", ""))
    form = DoneForm(request.POST)
    if not form.is_valid():
        return meeting_answer(request, meeting, "actions", status=400)
    try:
        fresh = service.set_action_done(
            actor=request.membership,
            item=item,
            done=form.cleaned_data["done"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit:
        other = other_of(item.series, request.membership)
        return meeting_answer(
            request, meeting, "actions", status=409, stale=stale_text(other), changed=item.pk
        )
    except ValidationError as error:
        return meeting_answer(request, meeting, "actions", status=400, error=message_of(error))
    notice = "Done. Nice." if fresh.done_at else "Open again."
    return meeting_answer(request, meeting, "actions", notice=notice, changed=item.pk)
