"""Writes for coaching check-ins: series, meetings, agenda (with links to other apps' objects),
notes, action items, suggestions from context, settings (audited), the coaching prompt bank
and reminders."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from feedback.audit import CheckinAction
from feedback.models import (
    ActionItem,
    AgendaItem,
    Cadence,
    CheckinSeries,
    CheckinSettings,
    CoachingPrompt,
    Meeting,
    MeetingStatus,
    PrivateNote,
    PromptTheme,
    SeriesStatus,
    WeeklyUpdate,
)
from feedback.rules import schedule
from perfapp import coaching, links
from perfapp.coaching import Suggestion
from perfapp.concurrency import StaleEdit
from perfapp.links import LinkRef
from perfapp.notifications import services as notifications
from perfapp.notifications.models import OutboxMessage, OutboxStatus
from perfapp.orgs.models import Membership
from perfapp.orgs.services import change_settings
from perfapp.tenancy.scoping import get_active_organization_id
from perfapp.text import excerpt
from perfapp.timezones import local_today, validate_time_zone, zone_of

UPCOMING = 4  # meetings generated ahead of time
MAX_NOTES = 20000
UNCHANGED = object()  # an edit that leaves this field as it is


GRACE_ERROR = f"Choose between 1 and {schedule.MAX_GRACE_DAYS} days."


def save_settings(*, actor: Membership, **values) -> CheckinSettings:
    """HR changes the organization's check-in defaults and policy; the change (old and new
    values, none of them private) goes to the audit log. Saving unchanged values records
    nothing."""
    errors = {}
    if "default_cadence" in values and values["default_cadence"] not in Cadence.values:
        errors["default_cadence"] = "Choose weekly, every two weeks, or monthly."
    grace = values.get("lapse_grace_days")
    if "lapse_grace_days" in values and not (
        isinstance(grace, int) and 1 <= grace <= schedule.MAX_GRACE_DAYS
    ):
        errors["lapse_grace_days"] = GRACE_ERROR
    if "reminder_lead_hours" in values and not 1 <= values["reminder_lead_hours"] <= 168:
        errors["reminder_lead_hours"] = "Choose between 1 and 168 hours (a week)."
    if errors:
        raise ValidationError(errors)
    return change_settings(
        CheckinSettings, actor=actor, action=CheckinAction.SETTINGS_CHANGED, values=values
    )


def _link_fields(actor: Membership, link: LinkRef | None) -> dict:
    """The columns that store ``link`` once the actor may link to it (see
    ``perfapp.links``): an unknown source, another organization's object or one the actor
    may not see is refused under ``link``."""
    if link is not None:
        try:
            links.find(link, viewer=actor)
        except ValidationError as error:
            raise ValidationError({"link": error}) from error
    link_type, link_id = links.store(link)
    return {"link_type": link_type, "link_id": link_id}


def _url(meeting: Meeting) -> str:
    return reverse(
        "feedback:meeting", kwargs={"org_slug": meeting.series.organization.slug, "pk": meeting.pk}
    )


def _local(moment: datetime, person: Membership) -> datetime:
    return moment.astimezone(zone_of(person))


def _require_participant(actor: Membership, series: CheckinSeries) -> None:
    if not series.involves(actor):
        raise ValidationError("Only the two people of this check-in can do that.")


# --- the coaching prompt bank: built in, extended or archived by HR -----------------------


BUILT_IN = {
    PromptTheme.GROWTH: [
        "What did you learn since we last met that you want to use more?",
        "Which skill would make the biggest difference to your work in the next quarter?",
        "What stretch would you like to take on, and what support would make it safe to try?",
    ],
    PromptTheme.BLOCKERS: [
        "What is slowing you down that I could remove or escalate?",
        "Where are you waiting on someone else, and for how long?",
    ],
    PromptTheme.CAREER: [
        "Looking at the next level's criteria, which one feels furthest away?",
        "Where do you want to be in two years, and what would move you towards it now?",
    ],
    PromptTheme.WELLBEING: [
        "How is your energy this week, honestly, on a scale from 1 to 5?",
        "Is your workload sustainable for the next month?",
    ],
    PromptTheme.MANAGER: [
        "What is one thing I could do differently to support you better?",
        "Was there a moment recently where my feedback was unclear or unhelpful?",
    ],
}


def prompts(*, include_archived: bool = False) -> QuerySet[CoachingPrompt]:
    """The active organization's bank, starting from the built-in set on first use."""
    rows = CoachingPrompt.objects.all()
    organization_id = get_active_organization_id()
    # Only an organization's scope has one to seed for; with scopes disabled the bank is
    # every organization's prompts, read as they are.
    if organization_id is not None and not rows.exists():
        CoachingPrompt.objects.bulk_create(
            CoachingPrompt(organization_id=organization_id, theme=theme, text=text)
            for theme, texts in BUILT_IN.items()
            for text in texts
        )
    if not include_archived:
        rows = rows.filter(archived_at__isnull=True)
    return rows.order_by("theme", "id")


def add_prompt(*, actor: Membership, theme: str, text: str) -> CoachingPrompt:
    errors = {}
    if theme not in PromptTheme.values:
        errors["theme"] = "Choose a theme."
    if not text.strip():
        errors["text"] = "Write the question."
    if errors:
        raise ValidationError(errors)
    return CoachingPrompt.objects.create(
        organization=actor.organization, theme=theme, text=text.strip()[:300]
    )


def archive_prompt(*, actor: Membership, prompt: CoachingPrompt) -> None:
    prompt.archived_at = timezone.now()
    prompt.save(update_fields=["archived_at"])


# --- series -------------------------------------------------------------------------------


def _validate_series(
    cadence: str, time_of_day: time, starts_on: date, time_zone: str, duration: int
) -> None:
    errors: dict[str, str | list[str]] = {}
    if cadence not in Cadence.values:
        errors["cadence"] = "Choose weekly, every two weeks, or monthly."
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        errors["time_zone"] = error.messages
    else:
        if not errors and schedule.is_in_dst_gap(starts_on, time_of_day, time_zone):
            errors["time_of_day"] = (
                f"{time_of_day:%H:%M} does not exist on {starts_on:%-d %B} in {time_zone}: the "
                "clocks skip it. Choose another time."
            )
    if not 10 <= duration <= 240:
        errors["duration_minutes"] = "A check-in lasts between 10 and 240 minutes."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def start_series(
    *,
    actor: Membership,
    other: Membership,
    cadence: str,
    time_of_day: time,
    starts_on: date,
    duration_minutes: int = 30,
    time_zone: str = "",
) -> CheckinSeries:
    """A manager starts a series with a direct report at once; anyone else (either side)
    proposes it and the other person accepts."""
    if other.pk == actor.pk or not other.is_active:
        raise ValidationError({"other": "Choose an active colleague other than yourself."})
    if other.organization_id != actor.organization_id:
        raise ValidationError({"other": "Choose a colleague from this organization."})
    if other.manager_id == actor.pk:
        manager, report, status = actor, other, SeriesStatus.ACTIVE
    elif actor.manager_id == other.pk:
        manager, report, status = other, actor, SeriesStatus.PROPOSED
    else:
        raise ValidationError(
            {"other": f"{other.name} is neither your manager nor one of your direct reports."}
        )
    time_zone = time_zone or manager.effective_time_zone
    _validate_series(cadence, time_of_day, starts_on, time_zone, duration_minutes)
    if starts_on < local_today(actor):
        raise ValidationError({"starts_on": "Start today or later."})
    if CheckinSeries.objects.filter(
        manager=manager,
        report=report,
        status__in=[SeriesStatus.ACTIVE, SeriesStatus.PROPOSED, SeriesStatus.PAUSED],
    ).exists():
        raise ValidationError(f"{manager.name} and {report.name} already have a check-in series.")
    series = CheckinSeries.objects.create(
        organization=actor.organization,
        manager=manager,
        report=report,
        proposed_by=actor,
        cadence=cadence,
        time_of_day=time_of_day,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        starts_on=starts_on,
        status=status,
    )
    if status == SeriesStatus.ACTIVE:
        generate_meetings(series)
        _tell(
            other,
            "checkin.series",
            f"series:{series.pk}:started",
            f"{actor.name} set up your 1:1s",
            series,
        )
    else:
        _tell(
            other,
            "checkin.series",
            f"series:{series.pk}:proposed",
            f"{actor.name} proposes regular 1:1s",
            series,
        )
    return series


def _tell(
    recipient: Membership, kind: str, occasion: str, title: str, series: CheckinSeries
) -> None:
    notifications.queue(
        recipient=recipient,
        kind=kind,
        occasion=occasion,
        title=title,
        body=f"{series.get_cadence_display()} at {series.time_of_day:%H:%M} ({series.time_zone}).",
        url=reverse(
            "feedback:series", kwargs={"org_slug": series.organization.slug, "pk": series.pk}
        ),
    )


@transaction.atomic
def accept_series(*, actor: Membership, series: CheckinSeries) -> CheckinSeries:
    if series.status != SeriesStatus.PROPOSED:
        raise ValidationError("This series is not waiting for an answer.")
    if not series.involves(actor) or series.proposed_by_id == actor.pk:
        raise ValidationError("The other person accepts a proposed series.")
    series.status = SeriesStatus.ACTIVE
    series.save(update_fields=["status"])
    generate_meetings(series)
    return series


def generate_meetings(series: CheckinSeries, upcoming: int = UPCOMING) -> list[Meeting]:
    """Keep ``upcoming`` scheduled meetings ahead, each with its preparation reminders."""
    now = timezone.now()
    ahead = series.meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=now)
    missing = upcoming - ahead.count()
    if missing <= 0 or series.status != SeriesStatus.ACTIVE:
        return []
    # Meetings cancelled by a pause don't push the schedule back once it resumes. A moved
    # meeting counts at its original slot: moving the last one earlier must not bring
    # that slot back as a second meeting in the same week.
    latest = (
        series.meetings.exclude(status=MeetingStatus.CANCELLED)
        .annotate(slot=Coalesce("moved_from", "starts_at"))
        .aggregate(latest=Max("slot"))["latest"]
    )
    tz = ZoneInfo(series.time_zone)
    after = max(
        series.starts_on,
        now.astimezone(tz).date(),
        (latest.astimezone(tz).date() + timedelta(days=1)) if latest else series.starts_on,
    )
    created: list[Meeting] = []
    for day in schedule.occurrence_dates(
        series.starts_on, series.cadence, missing + 1, after=after
    ):
        starts_at = schedule.local_start(day, series.time_of_day, series.time_zone)
        if starts_at <= now or len(created) == missing:
            continue
        meeting = Meeting.objects.create(
            organization=series.organization, series=series, starts_at=starts_at
        )
        _queue_preparation(meeting)
        created.append(meeting)
    return created


def _queue_preparation(meeting: Meeting) -> None:
    series = meeting.series
    lead = timedelta(hours=CheckinSettings.of(series.organization).reminder_lead_hours)
    # In UTC: subtracting from a datetime in the series' zone is wall-clock arithmetic,
    # off by the shift when the lead time spans a DST change. UTC also keeps the occasion
    # the same however the start was expressed (a fresh local value or one read back).
    starts_at = meeting.starts_at.astimezone(UTC)
    due = max(starts_at - lead, timezone.now())
    for person, other in ((series.manager, series.report), (series.report, series.manager)):
        message = notifications.queue(
            recipient=person,
            kind="checkin.prepare",
            occasion=f"meeting:{meeting.pk}:prepare:{starts_at.isoformat()}",
            title=f"1:1 with {other.name}: add your talking points",
            body=f"It starts {_local(starts_at, person):%A %-d %B, %H:%M}.",
            url=_url(meeting),
            due_at=due,
        )
        if message.status == OutboxStatus.CANCELLED:
            # Moved away and back: this start's reminder was cancelled on the way and is
            # wanted again.
            OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.CANCELLED).update(
                status=OutboxStatus.PENDING, due_at=due, attempts=0, last_error=""
            )


def _cancel_preparation(meeting: Meeting) -> int:
    return OutboxMessage.objects.filter(
        kind="checkin.prepare",
        occasion__startswith=f"meeting:{meeting.pk}:prepare:",
        status=OutboxStatus.PENDING,
    ).update(status=OutboxStatus.CANCELLED)


@transaction.atomic
def move_meeting(*, actor: Membership, meeting: Meeting, starts_at: datetime) -> Meeting:
    """Move one meeting; its pending reminders move with it."""
    _require_participant(actor, meeting.series)
    if meeting.is_closed:
        raise ValidationError("This meeting is already over.")
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "Choose a time in the future."})
    _cancel_preparation(meeting)
    meeting.moved_from = meeting.moved_from or meeting.starts_at
    meeting.starts_at = starts_at
    meeting.save(update_fields=["starts_at", "moved_from"])
    _queue_preparation(meeting)
    return meeting


@transaction.atomic
def reschedule_series(
    *, actor: Membership, series: CheckinSeries, cadence: str, time_of_day: time, from_date: date
) -> int:
    """Change the rest of a series: from ``from_date`` on, meetings follow the new cadence
    and time. Upcoming meetings keep their agenda and move (with their reminders) to the
    new dates; returns how many moved."""
    _require_participant(actor, series)
    if series.status != SeriesStatus.ACTIVE:
        raise ValidationError("Only an active series can be rescheduled.")
    _validate_series(cadence, time_of_day, from_date, series.time_zone, series.duration_minutes)
    if from_date < local_today(actor):
        raise ValidationError({"from_date": "Choose today or a later date."})
    upcoming = list(
        series.meetings.select_for_update()
        .filter(status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
    )
    series.cadence, series.time_of_day, series.starts_on = cadence, time_of_day, from_date
    series.save(update_fields=["cadence", "time_of_day", "starts_on"])
    dates = schedule.occurrence_dates(from_date, cadence, len(upcoming))
    for meeting, day in zip(upcoming, dates, strict=True):
        _cancel_preparation(meeting)
        meeting.moved_from = meeting.moved_from or meeting.starts_at
        meeting.starts_at = schedule.local_start(day, time_of_day, series.time_zone)
        meeting.save(update_fields=["starts_at", "moved_from"])
        _queue_preparation(meeting)
    return len(upcoming)


@transaction.atomic
def set_series_status(*, actor: Membership, series: CheckinSeries, status: str) -> CheckinSeries:
    """Pause, resume or end a series. Pausing or ending cancels meetings still to come."""
    _require_participant(actor, series)
    allowed: dict[str, set[str]] = {  # by the status as stored (a string)
        SeriesStatus.ACTIVE: {SeriesStatus.PAUSED, SeriesStatus.ENDED},
        SeriesStatus.PAUSED: {SeriesStatus.ACTIVE, SeriesStatus.ENDED},
        SeriesStatus.PROPOSED: {SeriesStatus.ENDED},
    }
    if status not in allowed.get(series.status, set()):
        raise ValidationError(
            f"A {series.get_status_display().lower()} series can't become {status}."
        )
    series.status = status
    series.save(update_fields=["status"])
    if status in (SeriesStatus.PAUSED, SeriesStatus.ENDED):
        for meeting in series.meetings.filter(
            status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
        ):
            _cancel_preparation(meeting)
            meeting.status = MeetingStatus.CANCELLED
            meeting.save(update_fields=["status"])
    else:
        generate_meetings(series)
    return series


# --- agenda ---------------------------------------------------------------------------------


def _open_meeting(actor: Membership, meeting: Meeting) -> None:
    _require_participant(actor, meeting.series)
    if meeting.is_closed:
        raise ValidationError(
            "This meeting is closed: its agenda is final. Shared and private notes can still "
            "be edited."
        )


def add_point(
    *, actor: Membership, meeting: Meeting, text: str, link: LinkRef | None = None
) -> AgendaItem:
    """A talking point, optionally linked to something either app holds (a piece of
    feedback, a criterion...) that the actor may see."""
    _open_meeting(actor, meeting)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the talking point."})
    stored = _link_fields(actor, link)
    top = meeting.agenda.aggregate(top=Max("position"))["top"] or 0
    return AgendaItem.objects.create(
        organization=meeting.organization,
        meeting=meeting,
        author=actor,
        text=text[:500],
        position=top + 1,
        **stored,
    )


def edit_point(
    *,
    actor: Membership,
    item: AgendaItem,
    expected_version: int,
    text: str | None = None,
    discussed: bool | None = None,
    link=UNCHANGED,
) -> AgendaItem:
    """Change a talking point only if nobody changed it since ``expected_version``.
    ``link``: a ``LinkRef``, None to remove the link, or left out to keep it."""
    _open_meeting(actor, item.meeting)
    changes: dict = {"version": F("version") + 1}
    if text is not None:
        if not text.strip():
            raise ValidationError({"text": "A talking point can't be empty; remove it instead."})
        changes["text"] = text.strip()[:500]
    if discussed is not None:
        changes["discussed"] = discussed
    if link is not UNCHANGED:
        changes.update(_link_fields(actor, link))
    updated = AgendaItem.objects.filter(pk=item.pk, version=expected_version).update(**changes)
    if not updated:
        raise StaleEdit(AgendaItem.objects.filter(pk=item.pk).first())  # None: removed
    # The update just matched it; removed in between, it is DoesNotExist like any read
    # of a removed talking point.
    return AgendaItem.objects.get(pk=item.pk)


def remove_point(*, actor: Membership, item: AgendaItem, expected_version: int) -> None:
    _open_meeting(actor, item.meeting)
    deleted, _ = AgendaItem.objects.filter(pk=item.pk, version=expected_version).delete()
    if not deleted:
        # Changed meanwhile, or already removed by the other person (fresh is None then).
        raise StaleEdit(AgendaItem.objects.filter(pk=item.pk).first())


@transaction.atomic
def reorder(*, actor: Membership, meeting: Meeting, ordered_ids: list[int]) -> None:
    _open_meeting(actor, meeting)
    items = {item.pk: item for item in meeting.agenda.all()}
    if len(ordered_ids) != len(items) or set(ordered_ids) != set(items):
        raise StaleEdit(list(meeting.agenda.order_by("position", "id")))
    for position, pk in enumerate(ordered_ids, start=1):
        AgendaItem.objects.filter(pk=pk).update(position=position, version=F("version") + 1)


def save_shared_notes(
    *, actor: Membership, meeting: Meeting, text: str, expected_version: int
) -> Meeting:
    _require_participant(actor, meeting.series)
    if len(text) > MAX_NOTES:
        raise ValidationError({"text": f"Shared notes hold at most {MAX_NOTES:,} characters."})
    updated = Meeting.objects.filter(pk=meeting.pk, notes_version=expected_version).update(
        shared_notes=text, notes_version=F("notes_version") + 1
    )
    fresh = Meeting.objects.get(pk=meeting.pk)
    if not updated:
        raise StaleEdit(fresh)
    return fresh


def save_private_note(*, actor: Membership, meeting: Meeting, body: str) -> PrivateNote:
    _require_participant(actor, meeting.series)
    note, _ = PrivateNote.objects.update_or_create(
        organization=meeting.organization, meeting=meeting, author=actor, defaults={"body": body}
    )
    return note


def private_note_of(actor: Membership, meeting: Meeting) -> PrivateNote | None:
    """The one way to read a private note: the writer's own."""
    return PrivateNote.objects.filter(meeting=meeting, author=actor).first()


def submit_weekly_update(
    *, actor: Membership, meeting: Meeting, wins: str, priorities: str, blockers: str, mood: int
) -> WeeklyUpdate:
    """The report's update before a meeting; sending it again replaces it."""
    series = meeting.series
    if actor.pk != series.report_id:
        raise ValidationError("The weekly update is written by the person being coached.")
    if not CheckinSettings.of(series.organization).weekly_update:
        raise ValidationError("Weekly updates are not turned on for this organization.")
    if meeting.is_closed:
        raise ValidationError("This meeting is over; write the update for the next one.")
    errors = {}
    if not 1 <= (mood or 0) <= 5:
        errors["mood"] = "Choose how it's going, from 1 to 5."
    if not any(text.strip() for text in (wins, priorities, blockers)):
        errors["wins"] = "Write at least one of wins, priorities or blockers."
    if errors:
        raise ValidationError(errors)
    update, _ = WeeklyUpdate.objects.update_or_create(
        meeting=meeting,
        defaults={
            "organization": meeting.organization,
            "author": actor,
            "wins": wins.strip(),
            "priorities": priorities.strip(),
            "blockers": blockers.strip(),
            "mood": mood,
        },
    )
    return update


# --- suggestions from context ------------------------------------------------------------


def suggestions_for_meeting(
    *, actor: Membership, meeting: Meeting, agenda_texts: set[str] | None = None
) -> list[Suggestion]:
    """What other apps suggest raising with the report (``perfapp.coaching``): for the
    manager of an open meeting only, without what the agenda already holds. Pass
    ``agenda_texts`` when the agenda is at hand, to save a query."""
    series = meeting.series
    if actor.pk != series.manager_id or meeting.is_closed:
        return []
    if agenda_texts is None:
        agenda_texts = set(meeting.agenda.values_list("text", flat=True))
    return [
        suggestion
        for suggestion in coaching.suggestions_for(subject=series.report, viewer=actor)
        if suggestion.text[:500] not in agenda_texts
    ]


def add_suggested_point(*, actor: Membership, meeting: Meeting, key: str) -> AgendaItem:
    """The manager adds a suggestion to the agenda, with its link; the suggestion is
    looked up again, so only what is offered to this manager now can be added."""
    if actor.pk != meeting.series.manager_id:
        _require_participant(actor, meeting.series)
        raise ValidationError("Suggestions are for the manager of this 1:1.")
    _open_meeting(actor, meeting)
    chosen = next(
        (s for s in suggestions_for_meeting(actor=actor, meeting=meeting) if s.key == key),
        None,
    )
    if chosen is None:
        raise ValidationError(
            {"key": "This suggestion is already on the agenda or no longer applies."}
        )
    return add_point(actor=actor, meeting=meeting, text=chosen.text, link=chosen.link)


# --- action items ---------------------------------------------------------------------------


def add_action(
    *,
    actor: Membership,
    meeting: Meeting,
    owner: Membership,
    text: str,
    due_on: date | None = None,
    link: LinkRef | None = None,
) -> ActionItem:
    series = meeting.series
    _require_participant(actor, series)
    if series.status == SeriesStatus.ENDED:
        raise ValidationError("This series has ended; it takes no new action items.")
    errors = {}
    if not series.involves(owner):
        errors["owner"] = "The owner is one of the two people of this check-in."
    if not text.strip():
        errors["text"] = "Say what needs doing."
    if due_on is not None and due_on < local_today(actor):
        errors["due_on"] = "Choose a due date from today on."
    if errors:
        raise ValidationError(errors)
    stored = _link_fields(actor, link)
    return ActionItem.objects.create(
        organization=meeting.organization,
        series=series,
        meeting=meeting,
        owner=owner,
        text=text.strip()[:500],
        due_on=due_on,
        **stored,
    )


def edit_action(
    *,
    actor: Membership,
    item: ActionItem,
    expected_version: int,
    text=UNCHANGED,
    due_on=UNCHANGED,
    link=UNCHANGED,
    done=UNCHANGED,
) -> ActionItem:
    """Change an action item's text, due date, link or done state, only if nobody changed
    it since ``expected_version``. Fields left out stay as they are; a new due date is
    today or later (an unchanged past one may stay)."""
    _require_participant(actor, item.series)
    if item.series.status == SeriesStatus.ENDED:
        raise ValidationError("This series has ended; its action items are final.")
    changes: dict = {"version": F("version") + 1}
    errors = {}
    if text is not UNCHANGED:
        if not (text or "").strip():
            errors["text"] = "Say what needs doing."
        else:
            changes["text"] = text.strip()[:500]
    if due_on is not UNCHANGED:
        if due_on is not None and due_on != item.due_on and due_on < local_today(actor):
            errors["due_on"] = "Choose a due date from today on."
        changes["due_on"] = due_on
    if errors:
        raise ValidationError(errors)
    if done is not UNCHANGED:
        changes["done_at"] = (item.done_at or timezone.now()) if done else None
    if link is not UNCHANGED:
        changes.update(_link_fields(actor, link))
    updated = ActionItem.objects.filter(pk=item.pk, version=expected_version).update(**changes)
    if not updated:
        raise StaleEdit(ActionItem.objects.filter(pk=item.pk).first())  # None: removed
    # The update just matched it (set_action_done reads it back the same way).
    return ActionItem.objects.get(pk=item.pk)


def set_action_done(
    *, actor: Membership, item: ActionItem, done: bool, expected_version: int
) -> ActionItem:
    _require_participant(actor, item.series)
    updated = ActionItem.objects.filter(pk=item.pk, version=expected_version).update(
        done_at=timezone.now() if done else None, version=F("version") + 1
    )
    fresh = ActionItem.objects.get(pk=item.pk)
    if not updated:
        raise StaleEdit(fresh)
    return fresh


# --- closing a meeting ----------------------------------------------------------------------


def _carry_over(meeting: Meeting) -> Meeting | None:
    """Undiscussed talking points move to the next scheduled meeting."""
    generate_meetings(meeting.series)
    following = (
        meeting.series.meetings.filter(
            status=MeetingStatus.SCHEDULED, starts_at__gt=meeting.starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if following is None:
        return None
    top = following.agenda.aggregate(top=Max("position"))["top"] or 0
    AgendaItem.objects.bulk_create(
        AgendaItem(
            organization=meeting.organization,
            meeting=following,
            author_id=item.author_id,
            text=item.text,
            position=top + index,
            carried_from=item,
            link_type_id=item.link_type_id,
            link_id=item.link_id,
        )
        for index, item in enumerate(
            meeting.agenda.filter(discussed=False).order_by("position", "id"), start=1
        )
    )
    return following


@transaction.atomic
def hold_meeting(*, actor: Membership, meeting: Meeting) -> Meeting | None:
    meeting = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
    _open_meeting(actor, meeting)
    meeting.status, meeting.held_at = MeetingStatus.HELD, timezone.now()
    meeting.save(update_fields=["status", "held_at"])
    _cancel_preparation(meeting)
    return _carry_over(meeting)


@transaction.atomic
def skip_meeting(*, actor: Membership, meeting: Meeting, reason: str) -> Meeting | None:
    meeting = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
    _open_meeting(actor, meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Say why, so you both remember."})
    meeting.status, meeting.skip_reason = MeetingStatus.SKIPPED, reason.strip()[:300]
    meeting.save(update_fields=["status", "skip_reason"])
    _cancel_preparation(meeting)
    return _carry_over(meeting)


# --- periodic reminders ---------------------------------------------------------------------


def remind_overdue_actions(now: datetime) -> int:
    """At most one reminder a day per overdue action item (occasion = the local date)."""
    count = 0
    rows = ActionItem.objects.filter(done_at__isnull=True, due_on__isnull=False).select_related(
        "owner__user", "owner__organization", "series__organization"
    )
    for item in rows.filter(due_on__lt=now.date() + timedelta(days=1)):
        today = local_today(item.owner, now=now)
        assert item.due_on is not None  # the query keeps items that have a due date
        if item.due_on >= today:
            continue
        notifications.queue(
            recipient=item.owner,
            kind="checkin.action_overdue",
            occasion=f"action:{item.pk}:overdue:{today.isoformat()}",
            title=f"Overdue since {item.due_on:%-d %B}: {excerpt(item.text, 80)}",
            url=reverse(
                "feedback:series",
                kwargs={"org_slug": item.series.organization.slug, "pk": item.series_id},
            ),
        )
        count += 1
    return count


def remind_lapsed_series(now: datetime) -> int:
    """Tell the manager when a series has had no held meeting for its cadence plus the
    organization's grace period, and the skip-level manager after twice as long."""
    count = 0
    rows = (
        CheckinSeries.objects.filter(status=SeriesStatus.ACTIVE)
        .select_related("manager__user", "manager__manager", "report__user", "organization")
        .annotate(last_held=Max("meetings__held_at"))
    )
    policies = {s.organization_id: s.lapse_grace_days for s in CheckinSettings.objects.all()}
    for series in rows:
        grace = policies.get(series.organization_id, schedule.DEFAULT_GRACE_DAYS)
        since = series.last_held or datetime.combine(
            series.starts_on, time(0), tzinfo=ZoneInfo(series.time_zone)
        )
        idle = (now - since).days
        if not schedule.is_lapsed(cadence=series.cadence, idle_days=idle, grace_days=grace):
            continue
        anchor = since.date().isoformat()
        notifications.queue(
            recipient=series.manager,
            kind="checkin.lapsed",
            occasion=f"series:{series.pk}:lapsed:{anchor}",
            title=f"No 1:1 with {series.report.name} for {idle} days",
            url=reverse(
                "feedback:series", kwargs={"org_slug": series.organization.slug, "pk": series.pk}
            ),
        )
        count += 1
        skip_level = series.manager.manager
        escalate = idle >= schedule.escalates_after(series.cadence, grace)
        if escalate and skip_level is not None and skip_level.is_active:
            notifications.queue(
                recipient=skip_level,
                kind="checkin.lapsed",
                occasion=f"series:{series.pk}:lapsed-skip:{anchor}",
                title=f"{series.manager.name} and {series.report.name} have not met "
                f"for {idle} days",
                url=reverse("feedback:checkins", kwargs={"org_slug": series.organization.slug}),
            )
            count += 1
    return count
