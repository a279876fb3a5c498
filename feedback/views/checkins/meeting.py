"""The meeting page: its context and fragment answers, notes, the weekly update, and
holding, skipping or moving the meeting."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from feedback.forms.checkins import (
    ActionForm,
    MoveForm,
    NotesForm,
    PointForm,
    PrivateNoteForm,
    SkipForm,
    WeeklyUpdateForm,
)
from feedback.models import (
    ActionItem,
    CheckinSettings,
    CoachingPrompt,
    Meeting,
    MeetingStatus,
    PromptTheme,
    SeriesStatus,
    WeeklyUpdate,
)
from feedback.services import checkins as service
from feedback.views.checkins.common import meeting_of, other_of
from perfapp import links
from perfapp.concurrency import StaleEdit
from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import first_name, initials, is_partial, message_of

MEETING_PAGE = "feedback/checkins/meeting.html"


# --- the meeting page -----------------------------------------------------------------------


def _orders(ids: list[int], index: int) -> tuple[str, str]:
    def swapped(other: int) -> str:
        order = list(ids)
        order[index], order[other] = order[other], order[index]
        return ",".join(map(str, order))

    up = swapped(index - 1) if index > 0 else ""
    down = swapped(index + 1) if index < len(ids) - 1 else ""
    return up, down


def _prompt_groups(bank) -> list[tuple[str, list[CoachingPrompt]]]:
    labels = dict(PromptTheme.choices)
    return [
        (labels.get(theme, theme), list(rows)) for theme, rows in groupby(bank, lambda p: p.theme)
    ]


def meeting_context(request: HttpRequest, meeting: Meeting, **extra) -> dict:
    me = request.membership
    series = meeting.series
    other = other_of(series, me)
    agenda = list(meeting.agenda.select_related("author__user"))
    ids = [item.pk for item in agenda]
    for index, item in enumerate(agenda):
        item.up_order, item.down_order = _orders(ids, index)
        item.initials = initials(item.author.name)
        item.by_me = item.author_id == me.pk
    actions = list(
        ActionItem.objects.filter(series=series)
        .filter(Q(done_at__isnull=True) | Q(meeting=meeting))
        .select_related("owner__user", "meeting")
    )
    for action in actions:
        action.initials = initials(action.owner.name)
        action.carried = action.meeting_id != meeting.pk
        action.by_me = action.owner_id == me.pk
    open_series = series.status != SeriesStatus.ENDED
    themes = dict(PromptTheme.choices)
    # Links read as this viewer may see them, the picker's candidates and the manager's
    # suggestions: one load per kind of linked object, shared reads (one framework
    # version, one placement) across the three.
    with links.reading():
        links.show([*agenda, *actions], me)
        link_groups = links.choices_for(subject=series.report, viewer=me) if open_series else []
        suggested = service.suggestions_for_meeting(
            actor=me, meeting=meeting, agenda_texts={item.text for item in agenda}
        )
        suggested_links = links.show_refs([s.link for s in suggested if s.link], me)
    suggestions = [
        {
            "key": suggestion.key,
            "text": suggestion.text,
            "reason": suggestion.reason,
            "theme_label": themes.get(suggestion.theme, suggestion.theme.title()),
            "link": suggested_links.get(suggestion.link) if suggestion.link else None,
        }
        for suggestion in suggested
    ]
    note = service.private_note_of(me, meeting)
    update = WeeklyUpdate.objects.filter(meeting=meeting).first()
    asks_update = CheckinSettings.of(series.organization).weekly_update
    bank = list(service.prompts()) if not meeting.is_closed else []
    neighbours = series.meetings.exclude(pk=meeting.pk).exclude(status=MeetingStatus.CANCELLED)
    previous = neighbours.filter(starts_at__lt=meeting.starts_at).order_by("-starts_at").first()
    following = neighbours.filter(starts_at__gt=meeting.starts_at).order_by("starts_at").first()
    context = {
        "meeting": meeting,
        "series": series,
        "other": other,
        "other_first": first_name(other),
        "other_initials": initials(other.name),
        "agenda": agenda,
        "editing": None,
        "actions": actions,
        "open_actions": sum(1 for action in actions if action.done_at is None),
        "prompt_groups": _prompt_groups(bank),
        "link_groups": link_groups,
        "suggestions": suggestions,
        "can_edit_actions": open_series,
        "editing_action": None,
        "previous": previous,
        "following": following,
        "today": timezone.localdate(),
        "now_dt": timezone.now(),
        "viewer_tz": me.effective_time_zone,
        "point_form": PointForm(),
        "weekly_update": update,
        "update_form": (
            WeeklyUpdateForm(
                initial={
                    "wins": update.wins,
                    "priorities": update.priorities,
                    "blockers": update.blockers,
                    "mood": update.mood,
                }
                if update
                else None
            )
            if asks_update and me.pk == series.report_id and not meeting.is_closed
            else None
        ),
        "notes_form": NotesForm(
            initial={"shared_notes": meeting.shared_notes, "version": meeting.notes_version}
        ),
        "private_form": PrivateNoteForm(initial={"body": note.body if note else ""}),
        "private_saved_at": note.updated_at if note and note.body else None,
        "action_form": ActionForm(series=series, viewer=me, initial={"owner": other.pk}),
        "skip_form": SkipForm(),
        "move_form": MoveForm(
            time_zone=me.effective_time_zone,
            initial={
                "day": timezone.localtime(meeting.starts_at).date(),
                "at": timezone.localtime(meeting.starts_at).time(),
            },
        ),
    }
    context.update(extra)
    return context


def meeting_answer(
    request: HttpRequest,
    meeting: Meeting,
    fragment: str,
    *,
    status: int = 200,
    notice: str = "",
    **extra,
) -> HttpResponse:
    """The fragment for htmx (always 200: htmx swaps only 2xx answers), else the page:
    ``status`` for a problem, or back to the meeting with a toast."""
    # Messages go to the section they are about: ``agenda_notice``, ``notes_stale``...
    for key in ("error", "stale", "stale_yours"):
        if key in extra:
            extra[f"{fragment}_{key}"] = extra.pop(key)
    if is_partial(request):
        extra[f"{fragment}_notice"] = notice
        context = meeting_context(request, meeting, **extra)
        return render(request, f"{MEETING_PAGE}#{fragment}", context)
    if status != 200:
        context = meeting_context(request, meeting, **extra)
        return render(request, MEETING_PAGE, context, status=status)
    if notice:
        messages.success(request, notice)
    return redirect("feedback:meeting", org_slug=request.organization.slug, pk=meeting.pk)


def stale_text(other: Membership) -> str:
    return (
        f"Changed meanwhile by {other.name}. Here is the latest version; nothing of theirs "
        "was overwritten. Apply your change again if it still matters."
    )


@org_view(reader_time_zone=True)
@require_safe
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    return render(request, MEETING_PAGE, meeting_context(request, found))


@org_view(reader_time_zone=True)
@require_POST
def shared_notes(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return meeting_answer(request, found, "notes", status=400, notes_form=form)
    try:
        fresh = service.save_shared_notes(
            actor=request.membership,
            meeting=found,
            text=form.cleaned_data["shared_notes"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit as stale:
        fresh = stale.fresh
        fresh.series = found.series
        return meeting_answer(
            request,
            fresh,
            "notes",
            status=409,
            stale=stale_text(other_of(found.series, request.membership)),
            stale_yours=form.cleaned_data["shared_notes"],
        )
    except ValidationError as error:
        return meeting_answer(request, found, "notes", status=400, error=message_of(error))
    return meeting_answer(request, fresh, "notes", notice="Shared notes saved.")


@org_view(reader_time_zone=True)
@require_POST
def private_note(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    form = PrivateNoteForm(request.POST)
    if not form.is_valid():
        return meeting_answer(request, found, "private", status=400, private_form=form)
    try:
        service.save_private_note(
            actor=request.membership, meeting=found, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        return meeting_answer(request, found, "private", status=400, error=message_of(error))
    return meeting_answer(
        request, found, "private", notice="Private note saved. Only you can see it."
    )


def _closing_answer(request: HttpRequest, meeting: Meeting, following, notice: str):
    if following is not None:
        notice += f" The next one is {timezone.localtime(following.starts_at):%A %-d %B}."
    meeting = meeting_of(request, meeting.pk)
    return meeting_answer(request, meeting, "body", notice=notice)


@org_view(reader_time_zone=True)
@require_POST
def meeting_hold(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    try:
        following = service.hold_meeting(actor=request.membership, meeting=found)
    except ValidationError as error:
        return meeting_answer(request, found, "body", status=400, error=message_of(error))
    return _closing_answer(
        request, found, following, "Marked held. Points not discussed moved to the next meeting."
    )


@org_view(reader_time_zone=True)
@require_POST
def meeting_skip(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    form = SkipForm(request.POST)
    if form.is_valid():
        try:
            following = service.skip_meeting(
                actor=request.membership, meeting=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _closing_answer(
                request, found, following, "Skipped. The agenda moved to the next meeting."
            )
    return meeting_answer(request, found, "body", status=400, skip_form=form, open_panel="skip")


@org_view(reader_time_zone=True)
@require_POST
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_of(request, pk)
    form = MoveForm(request.POST, time_zone=request.membership.effective_time_zone)
    if form.is_valid():
        try:
            moved = service.move_meeting(
                actor=request.membership, meeting=found, starts_at=form.cleaned_data["starts_at"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "starts_at" in error.error_dict:
                form.add_error("day", error.error_dict["starts_at"])
            else:
                apply_errors(form, error)
        else:
            when = timezone.localtime(moved.starts_at)
            other = first_name(other_of(found.series, request.membership))
            notice = f"Moved to {when:%A %-d %B at %H:%M}. {other} sees the new time."
            return meeting_answer(request, meeting_of(request, pk), "body", notice=notice)
    return meeting_answer(request, found, "body", status=400, move_form=form, open_panel="move")


@org_view(reader_time_zone=True)
@require_POST
def weekly_update(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's update before the meeting; both people see it on the meeting page."""
    meeting = meeting_of(request, pk)
    form = WeeklyUpdateForm(request.POST)
    if form.is_valid():
        try:
            service.submit_weekly_update(
                actor=request.membership, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Update shared. It's on the meeting for you both.")
            return redirect("feedback:meeting", org_slug=request.organization.slug, pk=meeting.pk)
    context = meeting_context(request, meeting, update_form=form)
    return render(request, MEETING_PAGE, context, status=400)
