"""Check-in (1:1) pages: the home with every series of mine and my reports', starting a
series, a series, the meeting page (agenda, notes, private note, action items), and
HR's coaching prompts and settings. Every write goes through ``feedback.checkins`` or
``feedback.prompts``.

Who sees what:
- A series and its meetings: only its two people (manager and report). Anyone else,
  HR and the skip-level manager included, gets 404 exactly like a missing page.
- A private note: only its writer, read through ``checkins.private_note_of``.
- The skip-level manager: on the home page, only which of their reports' series have
  lapsed (names and days), never an agenda or notes.
- HR (``MANAGE_CYCLES``): the prompt bank and the organization's check-in settings.

Edits carry the ``version`` they were rendered with; a stale one is refused and the
fragment comes back with the fresh content and a "changed meanwhile" alert (200 for
htmx, which swaps only 2xx answers; 409 for a full page).
"""

from datetime import date, datetime, time, timedelta
from functools import wraps
from itertools import groupby
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.orgs.selectors import direct_reports
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors

from .. import checkins as service
from .. import prompts as prompt_bank
from ..checkin_forms import (
    ActionForm,
    DoneForm,
    MoveForm,
    NotesForm,
    PointEditForm,
    PointForm,
    PrivateNoteForm,
    PromptForm,
    PromptPickForm,
    ReorderForm,
    RescheduleForm,
    SeriesForm,
    SettingsForm,
    SkipForm,
    WeeklyUpdateForm,
)
from ..checkin_models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    CoachingPrompt,
    Meeting,
    MeetingStatus,
    PromptTheme,
    SeriesStatus,
    WeeklyUpdate,
)

PAST_SHOWN = 12
MEETING_PAGE = "feedback/checkins/meeting.html"


def page(permission: Permission | None = None):
    """An organization page shown in the reader's own time zone."""

    def decorator(view):
        @org_view(permission)
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            with timezone.override(ZoneInfo(request.membership.effective_time_zone)):
                return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _is_partial(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted


def _initials(name: str) -> str:
    parts = [part for part in name.split() if part[:1].isalpha()]
    if not parts:
        return (name[:1] or "?").upper()
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


def _first(person: Membership) -> str:
    return person.user.get_short_name() or person.name


def _other(series: CheckinSeries, me: Membership) -> Membership:
    return series.report if me.pk == series.manager_id else series.manager


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- objects only the two people reach --------------------------------------------------


def _series_of(request: HttpRequest, pk: int) -> CheckinSeries:
    series = get_object_or_404(
        CheckinSeries.objects.select_related(
            "organization", "manager__user", "report__user", "proposed_by__user"
        ),
        pk=pk,
    )
    if not series.involves(request.membership):
        raise Http404
    return series


def _meeting_of(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "organization",
            "series__organization",
            "series__manager__user",
            "series__report__user",
        ),
        pk=pk,
    )
    if not meeting.series.involves(request.membership):
        raise Http404
    return meeting


def _point_of(request: HttpRequest, pk: int) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related(
            "meeting__organization",
            "meeting__series__organization",
            "meeting__series__manager__user",
            "meeting__series__report__user",
        ),
        pk=pk,
    )
    if not item.meeting.series.involves(request.membership):
        raise Http404
    return item


def _action_of(request: HttpRequest, pk: int) -> ActionItem:
    item = get_object_or_404(
        ActionItem.objects.select_related(
            "series__organization", "series__manager__user", "series__report__user"
        ),
        pk=pk,
    )
    if not item.series.involves(request.membership):
        raise Http404
    return item


# --- the home page ----------------------------------------------------------------------


def _with_summary(rows, now: datetime):
    """Series with their next meeting, last held meeting and open action items, in one
    query whatever the number of series."""
    upcoming = Meeting.objects.filter(
        series=OuterRef("pk"), status=MeetingStatus.SCHEDULED, starts_at__gte=now
    ).order_by("starts_at")
    held = Meeting.objects.filter(series=OuterRef("pk"), held_at__isnull=False).order_by("-held_at")
    open_actions = (
        ActionItem.objects.filter(series=OuterRef("pk"), done_at__isnull=True)
        .order_by()
        .values("series")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return rows.select_related("manager__user", "report__user").annotate(
        next_at=Subquery(upcoming.values("starts_at")[:1]),
        next_id=Subquery(upcoming.values("pk")[:1]),
        last_held=Subquery(held.values("held_at")[:1]),
        open_actions=Subquery(open_actions[:1]),
    )


def _mark_lapsed(series: CheckinSeries, now: datetime, days: int) -> CheckinSeries:
    since = series.last_held or datetime.combine(
        series.starts_on, time(0), tzinfo=ZoneInfo(series.time_zone)
    )
    series.idle_days = max(0, (now - since).days)
    series.lapsed = series.status == SeriesStatus.ACTIVE and series.idle_days >= days
    series.open_actions = series.open_actions or 0
    return series


@page()
@require_safe
def checkins(request: HttpRequest) -> HttpResponse:
    me = request.membership
    now = timezone.now()
    policy = service.settings_for(request.organization)
    days = policy.lapse_after_days
    live = [SeriesStatus.ACTIVE, SeriesStatus.PAUSED, SeriesStatus.PROPOSED]

    reports = list(direct_reports(me))
    managed = {
        series.report_id: _mark_lapsed(series, now, days)
        for series in _with_summary(
            CheckinSeries.objects.filter(manager=me, status__in=live), now
        ).select_related("proposed_by")
    }
    team = []
    for person in reports:
        person.initials = _initials(person.name)
        team.append({"person": person, "series": managed.get(person.pk)})
    team.sort(key=lambda row: (row["series"] is not None and not row["series"].lapsed,))

    mine = [
        _mark_lapsed(series, now, days)
        for series in _with_summary(CheckinSeries.objects.filter(report=me, status__in=live), now)
    ]
    for series in mine:
        series.manager.initials = _initials(series.manager.name)

    # The skip-level view: which of my reports' series lapsed, and nothing else.
    skip_level = [
        _mark_lapsed(series, now, days)
        for series in _with_summary(
            CheckinSeries.objects.filter(manager__manager=me, status=SeriesStatus.ACTIVE), now
        )
    ]
    skip_lapsed = [series for series in skip_level if series.lapsed]

    manager = me.manager if me.manager_id and me.manager.is_active else None
    context = {
        "team": team,
        "lapsed_count": sum(1 for row in team if row["series"] and row["series"].lapsed),
        "mine": mine,
        "my_manager": manager,
        "skip_level_total": len(skip_level),
        "skip_lapsed": skip_lapsed,
        "policy": policy,
        "can_start": bool(reports) or manager is not None,
        "is_hr": me.has_perm(Permission.MANAGE_CYCLES),
        "tab": "home",
    }
    return render(request, "feedback/checkins/index.html", context)


# --- starting a series --------------------------------------------------------------------


@page()
def series_new(request: HttpRequest) -> HttpResponse:
    me = request.membership
    reports = list(direct_reports(me))
    policy = service.settings_for(request.organization)
    chosen = request.GET.get("with", "")
    manager_tz = me.effective_time_zone
    to_manager = chosen.isdigit() and int(chosen) == me.manager_id
    if me.manager_id and (to_manager or not reports):
        manager_tz = me.manager.effective_time_zone
    today = timezone.localdate()
    form = SeriesForm(
        request.POST or None,
        viewer=me,
        reports=reports,
        initial={
            "other": int(chosen) if chosen.isdigit() else None,
            "cadence": policy.default_cadence,
            "starts_on": today + timedelta(days=1),
            "time_of_day": time(10, 0),
            "duration_minutes": 30,
            "time_zone": manager_tz,
        },
    )
    form.fields["other"].error_messages["invalid_choice"] = (
        "Choose one of your direct reports, or your own manager."
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            series = service.start_series(
                actor=me,
                other=data["other"],
                cadence=data["cadence"],
                time_of_day=data["time_of_day"],
                starts_on=data["starts_on"],
                duration_minutes=data["duration_minutes"],
                time_zone=data["time_zone"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            other = data["other"]
            if series.status == SeriesStatus.PROPOSED:
                messages.success(
                    request, f"We asked {other.name} to accept the 1:1s. Nothing is scheduled yet."
                )
            else:
                messages.success(
                    request,
                    f"1:1s with {other.name} start {series.starts_on:%A %-d %B}. "
                    f"{_first(other)} has been told.",
                )
            return redirect("feedback:series", org_slug=request.organization.slug, pk=series.pk)
    try:
        weekday = date.fromisoformat(str(form["starts_on"].value())).strftime("%A")
    except ValueError:
        weekday = ""
    context = {
        "form": form,
        "weekday": weekday,
        "reports": reports,
        "my_manager": me.manager if me.manager_id else None,
    }
    return render(
        request, "feedback/checkins/new.html", context, status=400 if form.errors else 200
    )


# --- one series ---------------------------------------------------------------------------


def _series_context(request: HttpRequest, series: CheckinSeries, **extra) -> dict:
    me = request.membership
    now = timezone.now()
    meetings = list(series.meetings.order_by("starts_at"))
    upcoming = [m for m in meetings if m.status == MeetingStatus.SCHEDULED and m.starts_at >= now]
    past = [m for m in reversed(meetings) if m not in upcoming][:PAST_SHOWN]
    actions = list(
        series.actions.filter(done_at__isnull=True).select_related("owner__user", "meeting")
    )
    other = _other(series, me)
    return {
        "series": series,
        "other": other,
        "other_initials": _initials(other.name),
        "upcoming": upcoming,
        "past": past,
        "actions": actions,
        "today": timezone.localdate(),
        "is_manager": me.pk == series.manager_id,
        "can_accept": series.status == SeriesStatus.PROPOSED and series.proposed_by_id != me.pk,
        "reschedule_form": RescheduleForm(
            initial={
                "cadence": series.cadence,
                "time_of_day": series.time_of_day,
                "from_date": upcoming[0].starts_at.astimezone(ZoneInfo(series.time_zone)).date()
                if upcoming
                else timezone.localdate(),
            }
        ),
        **extra,
    }


@page()
@require_safe
def series(request: HttpRequest, pk: int) -> HttpResponse:
    found = _series_of(request, pk)
    return render(request, "feedback/checkins/series.html", _series_context(request, found))


@page()
@require_POST
def series_status(request: HttpRequest, pk: int) -> HttpResponse:
    found = _series_of(request, pk)
    status = request.POST.get("status", "")
    try:
        service.set_series_status(actor=request.membership, series=found, status=status)
    except ValidationError as error:
        context = _series_context(request, found, error=_message(error))
        return render(request, "feedback/checkins/series.html", context, status=400)
    done = {
        SeriesStatus.PAUSED: "Paused. Upcoming meetings are cancelled; resume any time.",
        SeriesStatus.ACTIVE: "Resumed. The next meetings are scheduled again.",
        SeriesStatus.ENDED: "This series has ended. Its meetings and notes stay here.",
    }
    messages.success(request, done[status])
    return redirect("feedback:series", org_slug=request.organization.slug, pk=found.pk)


@page()
@require_POST
def series_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    found = _series_of(request, pk)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            moved = service.reschedule_series(
                actor=request.membership, series=found, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Rescheduled. {moved} upcoming meeting{'s' if moved != 1 else ''} moved, "
                "with their agendas and reminders.",
            )
            return redirect("feedback:series", org_slug=request.organization.slug, pk=found.pk)
    context = _series_context(request, found, reschedule_form=form)
    return render(request, "feedback/checkins/series.html", context, status=400)


@page()
@require_POST
def series_accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = _series_of(request, pk)
    try:
        service.accept_series(actor=request.membership, series=found)
    except ValidationError as error:
        context = _series_context(request, found, error=_message(error))
        return render(request, "feedback/checkins/series.html", context, status=400)
    messages.success(request, "Accepted. Your 1:1s are scheduled.")
    return redirect("feedback:series", org_slug=request.organization.slug, pk=found.pk)


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


def _meeting_context(request: HttpRequest, meeting: Meeting, **extra) -> dict:
    me = request.membership
    series = meeting.series
    other = _other(series, me)
    agenda = list(meeting.agenda.select_related("author__user"))
    ids = [item.pk for item in agenda]
    for index, item in enumerate(agenda):
        item.up_order, item.down_order = _orders(ids, index)
        item.initials = _initials(item.author.name)
        item.by_me = item.author_id == me.pk
    actions = list(
        ActionItem.objects.filter(series=series)
        .filter(Q(done_at__isnull=True) | Q(meeting=meeting))
        .select_related("owner__user", "meeting")
    )
    for action in actions:
        action.initials = _initials(action.owner.name)
        action.carried = action.meeting_id != meeting.pk
        action.by_me = action.owner_id == me.pk
    note = service.private_note_of(me, meeting)
    update = WeeklyUpdate.objects.filter(meeting=meeting).first()
    asks_update = service.settings_for(series.organization).weekly_update
    bank = list(prompt_bank.prompts()) if not meeting.is_closed else []
    neighbours = series.meetings.exclude(pk=meeting.pk).exclude(status=MeetingStatus.CANCELLED)
    previous = neighbours.filter(starts_at__lt=meeting.starts_at).order_by("-starts_at").first()
    following = neighbours.filter(starts_at__gt=meeting.starts_at).order_by("starts_at").first()
    context = {
        "meeting": meeting,
        "series": series,
        "other": other,
        "other_first": _first(other),
        "other_initials": _initials(other.name),
        "agenda": agenda,
        "editing": None,
        "actions": actions,
        "open_actions": sum(1 for action in actions if action.done_at is None),
        "prompt_groups": _prompt_groups(bank),
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


def _meeting_answer(
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
    if _is_partial(request):
        extra[f"{fragment}_notice"] = notice
        context = _meeting_context(request, meeting, **extra)
        return render(request, f"{MEETING_PAGE}#{fragment}", context)
    if status != 200:
        context = _meeting_context(request, meeting, **extra)
        return render(request, MEETING_PAGE, context, status=status)
    if notice:
        messages.success(request, notice)
    return redirect("feedback:meeting", org_slug=request.organization.slug, pk=meeting.pk)


def _stale_text(other: Membership) -> str:
    return (
        f"Changed meanwhile by {other.name}. Here is the latest version; nothing of theirs "
        "was overwritten. Apply your change again if it still matters."
    )


@page()
@require_safe
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
    return render(request, MEETING_PAGE, _meeting_context(request, found))


@page()
@require_POST
def point_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
    form = PointForm(request.POST)
    if form.is_valid():
        try:
            service.add_point(
                actor=request.membership, meeting=found, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _meeting_answer(
                request,
                found,
                "agenda",
                notice="Talking point added.",
                focus_add=True,
            )
    return _meeting_answer(request, found, "agenda", status=400, point_form=form)


@page()
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _point_of(request, pk)
    meeting = item.meeting
    if request.method == "GET":
        form = PointEditForm(initial={"text": item.text, "version": item.version})
        if _is_partial(request):
            context = _meeting_context(request, meeting, editing=item.pk, edit_form=form)
            return render(request, f"{MEETING_PAGE}#agenda", context)
        context = _meeting_context(request, meeting, editing=item.pk, edit_form=form)
        return render(request, MEETING_PAGE, context)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    other = _other(meeting.series, request.membership)
    change = request.POST.get("change", "text")
    if change == "discussed":
        form = DoneForm(request.POST)
        if not form.is_valid():
            return _meeting_answer(request, meeting, "agenda", status=400)
        kwargs = {"discussed": request.POST.get("discussed") == "1"}
    else:
        form = PointEditForm(request.POST)
        if not form.is_valid():
            return _meeting_answer(
                request, meeting, "agenda", status=400, editing=item.pk, edit_form=form
            )
        kwargs = {"text": form.cleaned_data["text"]}
    try:
        fresh = service.edit_point(
            actor=request.membership,
            item=item,
            expected_version=form.cleaned_data["version"],
            **kwargs,
        )
    except service.StaleEdit as stale:
        yours = kwargs.get("text", "")
        return _meeting_answer(
            request,
            meeting,
            "agenda",
            status=409,
            stale=_stale_text(other),
            stale_yours=yours if stale.fresh is not None and yours != stale.fresh.text else "",
            changed=item.pk,
        )
    except ValidationError as error:
        if change != "discussed":
            apply_errors(form, error)
            if form.errors:
                return _meeting_answer(
                    request, meeting, "agenda", status=400, editing=item.pk, edit_form=form
                )
        return _meeting_answer(request, meeting, "agenda", status=400, error=_message(error))
    if change == "discussed":
        notice = "Marked discussed." if fresh.discussed else "Marked not discussed yet."
    else:
        notice = "Talking point saved."
    return _meeting_answer(request, meeting, "agenda", notice=notice, changed=item.pk)


@page()
@require_POST
def point_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _point_of(request, pk)
    meeting = item.meeting
    form = DoneForm(request.POST)
    if not form.is_valid():
        return _meeting_answer(request, meeting, "agenda", status=400)
    try:
        service.remove_point(
            actor=request.membership, item=item, expected_version=form.cleaned_data["version"]
        )
    except service.StaleEdit:
        other = _other(meeting.series, request.membership)
        return _meeting_answer(
            request, meeting, "agenda", status=409, stale=_stale_text(other), changed=item.pk
        )
    except ValidationError as error:
        return _meeting_answer(request, meeting, "agenda", status=400, error=_message(error))
    return _meeting_answer(request, meeting, "agenda", notice="Talking point removed.")


@page()
@require_POST
def reorder(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
    form = ReorderForm(request.POST)
    if not form.is_valid():
        return _meeting_answer(request, found, "agenda", status=400, error="Choose a new order.")
    order = form.cleaned_data["order"]
    moved = request.POST.get("moved", "")
    try:
        service.reorder(actor=request.membership, meeting=found, ordered_ids=order)
    except service.StaleEdit:
        other = _other(found.series, request.membership)
        return _meeting_answer(request, found, "agenda", status=409, stale=_stale_text(other))
    except ValidationError as error:
        return _meeting_answer(request, found, "agenda", status=400, error=_message(error))
    return _meeting_answer(
        request,
        found,
        "agenda",
        notice="Order saved.",
        changed=int(moved) if moved.isdigit() else None,
        moved_direction=request.POST.get("direction", ""),
    )


@page()
@require_POST
def meeting_prompt(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
    form = PromptPickForm(request.POST, bank=prompt_bank.prompts())
    if form.is_valid():
        chosen = form.cleaned_data["prompt"]
        try:
            item = service.add_point(
                actor=request.membership, meeting=found, text=chosen.text, link=chosen
            )
        except ValidationError as error:
            return _meeting_answer(request, found, "agenda", status=400, error=_message(error))
        return _meeting_answer(
            request, found, "agenda", notice="Prompt added to the agenda.", changed=item.pk
        )
    return _meeting_answer(request, found, "agenda", status=400, prompt_form=form)


@page()
@require_POST
def shared_notes(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _meeting_answer(request, found, "notes", status=400, notes_form=form)
    try:
        fresh = service.save_shared_notes(
            actor=request.membership,
            meeting=found,
            text=form.cleaned_data["shared_notes"],
            expected_version=form.cleaned_data["version"],
        )
    except service.StaleEdit as stale:
        fresh = stale.fresh
        fresh.series = found.series
        return _meeting_answer(
            request,
            fresh,
            "notes",
            status=409,
            stale=_stale_text(_other(found.series, request.membership)),
            stale_yours=form.cleaned_data["shared_notes"],
        )
    except ValidationError as error:
        return _meeting_answer(request, found, "notes", status=400, error=_message(error))
    return _meeting_answer(request, fresh, "notes", notice="Shared notes saved.")


@page()
@require_POST
def private_note(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
    form = PrivateNoteForm(request.POST)
    if not form.is_valid():
        return _meeting_answer(request, found, "private", status=400, private_form=form)
    try:
        service.save_private_note(
            actor=request.membership, meeting=found, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        return _meeting_answer(request, found, "private", status=400, error=_message(error))
    return _meeting_answer(
        request, found, "private", notice="Private note saved. Only you can see it."
    )


@page()
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
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
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _meeting_answer(
                request, found, "actions", notice="Action item added.", changed=item.pk
            )
    return _meeting_answer(request, found, "actions", status=400, action_form=form)


@page()
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = _action_of(request, pk)
    meeting_pk = request.POST.get("meeting", "")
    meeting = None
    if meeting_pk.isdigit():
        meeting = item.series.meetings.filter(pk=int(meeting_pk)).first()
    if meeting is None:
        meeting = item.meeting
    meeting.series = item.series
    form = DoneForm(request.POST)
    if not form.is_valid():
        return _meeting_answer(request, meeting, "actions", status=400)
    try:
        fresh = service.set_action_done(
            actor=request.membership,
            item=item,
            done=form.cleaned_data["done"],
            expected_version=form.cleaned_data["version"],
        )
    except service.StaleEdit:
        other = _other(item.series, request.membership)
        return _meeting_answer(
            request, meeting, "actions", status=409, stale=_stale_text(other), changed=item.pk
        )
    except ValidationError as error:
        return _meeting_answer(request, meeting, "actions", status=400, error=_message(error))
    notice = "Done. Nice." if fresh.done_at else "Open again."
    return _meeting_answer(request, meeting, "actions", notice=notice, changed=item.pk)


def _closing_answer(request: HttpRequest, meeting: Meeting, following, notice: str):
    if following is not None:
        notice += f" The next one is {timezone.localtime(following.starts_at):%A %-d %B}."
    meeting = _meeting_of(request, meeting.pk)
    return _meeting_answer(request, meeting, "body", notice=notice)


@page()
@require_POST
def meeting_hold(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
    try:
        following = service.hold_meeting(actor=request.membership, meeting=found)
    except ValidationError as error:
        return _meeting_answer(request, found, "body", status=400, error=_message(error))
    return _closing_answer(
        request, found, following, "Marked held. Points not discussed moved to the next meeting."
    )


@page()
@require_POST
def meeting_skip(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
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
    return _meeting_answer(request, found, "body", status=400, skip_form=form, open_panel="skip")


@page()
@require_POST
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_of(request, pk)
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
            other = _first(_other(found.series, request.membership))
            notice = f"Moved to {when:%A %-d %B at %H:%M}. {other} sees the new time."
            return _meeting_answer(request, _meeting_of(request, pk), "body", notice=notice)
    return _meeting_answer(request, found, "body", status=400, move_form=form, open_panel="move")


# --- HR: the coaching prompt bank and settings -------------------------------------------------


def _bank_context(form: PromptForm | None = None, **extra) -> dict:
    rows = list(prompt_bank.prompts(include_archived=True))
    labels = dict(PromptTheme.choices)
    themes = []
    for theme, _label in PromptTheme.choices:
        items = [row for row in rows if row.theme == theme]
        themes.append(
            {
                "label": labels[theme],
                "active": [row for row in items if row.archived_at is None],
                "archived": [row for row in items if row.archived_at is not None],
            }
        )
    return {"themes": themes, "form": form or PromptForm(), "tab": "prompts", **extra}


@page(Permission.MANAGE_CYCLES)
def prompts(request: HttpRequest) -> HttpResponse:
    form = PromptForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                prompt_bank.add_prompt(actor=request.membership, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                notice = "Question added. Managers can pull it into their next 1:1."
                if _is_partial(request):
                    context = _bank_context(notice=notice, focus_add=True)
                    return render(request, "feedback/checkins/prompts.html#bank", context)
                messages.success(request, notice)
                return redirect("feedback:prompts", org_slug=request.organization.slug)
        template = "feedback/checkins/prompts.html"
        if _is_partial(request):
            return render(request, f"{template}#bank", _bank_context(form))
        return render(request, template, _bank_context(form), status=400)
    return render(request, "feedback/checkins/prompts.html", _bank_context(form))


@page(Permission.MANAGE_CYCLES)
@require_POST
def prompt_archive(request: HttpRequest, pk: int) -> HttpResponse:
    prompt = get_object_or_404(CoachingPrompt, pk=pk)
    if prompt.archived_at is None:
        prompt_bank.archive_prompt(actor=request.membership, prompt=prompt)
    notice = "Archived. It is no longer offered; agendas that used it keep it."
    if _is_partial(request):
        return render(request, "feedback/checkins/prompts.html#bank", _bank_context(notice=notice))
    messages.success(request, notice)
    return redirect("feedback:prompts", org_slug=request.organization.slug)


@page(Permission.MANAGE_CYCLES)
def checkin_settings(request: HttpRequest) -> HttpResponse:
    current = service.settings_for(request.organization)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Check-in settings saved.")
        return redirect("feedback:checkin_settings", org_slug=request.organization.slug)
    return render(
        request,
        "feedback/checkins/settings.html",
        {"form": form, "tab": "settings"},
        status=400 if form.errors else 200,
    )


@page()
@require_POST
def weekly_update(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's update before the meeting; both people see it on the meeting page."""
    meeting = _meeting_of(request, pk)
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
    context = _meeting_context(request, meeting, update_form=form)
    return render(request, MEETING_PAGE, context, status=400)
