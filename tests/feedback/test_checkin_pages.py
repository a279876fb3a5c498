"""Check-in (1:1) pages through the Django test client: starting a series, the meeting
page's agenda, notes, private notes and action items from both sides, concurrent edits,
holding, skipping and moving a meeting; who may open which page; private notes seen by
their writer only; and the fixed query budgets of the meeting page and the home page."""

import html
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    CheckinSettings,
    CoachingPrompt,
    Meeting,
    MeetingStatus,
    PrivateNote,
    SeriesStatus,
    Visibility,
)
from feedback.services import checkins
from feedback.services import giving as services
from perfapp import links
from perfapp.links import LinkRef

from ..factories import MembershipFactory
from ..helpers import html_of, org_url, signed_in_client

HX = {"HX-Request": "true"}


def fresh(obj):
    obj.refresh_from_db()
    return obj


def new_report(world, **extra):
    return MembershipFactory(organization=world.organization, manager=world.manager, **extra)


def agenda_texts(world, meeting) -> list[str]:
    with world.scope():
        return list(meeting.agenda.order_by("position", "id").values_list("text", flat=True))


# --- starting a series ------------------------------------------------------------------


def test_a_manager_starts_a_weekly_series_through_the_page(world_a):
    world = world_a
    person = new_report(world)
    client = signed_in_client(world.manager)
    page = client.get(org_url("feedback:series_new", org=world) + f"?with={person.pk}")
    assert page.status_code == 200
    assert "weekday of this date is the meeting day" in html_of(page)
    starts = timezone.now().date() + timedelta(days=3)
    response = client.post(
        org_url("feedback:series_new", org=world),
        {
            "other": person.pk,
            "cadence": "weekly",
            "starts_on": starts.isoformat(),
            "time_of_day": "09:30",
            "duration_minutes": 45,
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    with world.scope():
        series = CheckinSeries.objects.get(manager=world.manager, report=person)
        assert series.status == SeriesStatus.ACTIVE
        meetings = list(series.meetings.order_by("starts_at"))
    assert len(meetings) == checkins.UPCOMING
    assert meetings[0].starts_at.astimezone(ZoneInfo("Europe/Berlin")).time() == time(9, 30)
    assert [m.starts_at.date() - meetings[0].starts_at.date() for m in meetings[:2]][1].days == 7
    page = client.get(response["Location"])
    assert page.status_code == 200 and person.name in html_of(page)
    # The home page now shows the report with the next meeting.
    home = html_of(client.get(org_url("feedback:checkins", org=world)))
    assert person.name in home and "Open next 1:1" in home


def test_a_report_proposes_to_their_manager_who_accepts(world_a):
    world = world_a
    client = signed_in_client(world.hr)  # the HR admin's manager is the owner
    response = client.post(
        org_url("feedback:series_new", org=world),
        {
            "other": world.owner.pk,
            "cadence": "biweekly",
            "starts_on": (timezone.now().date() + timedelta(days=2)).isoformat(),
            "time_of_day": "11:00",
            "duration_minutes": 30,
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    with world.scope():
        series = CheckinSeries.objects.get(manager=world.owner, report=world.hr)
        assert series.status == SeriesStatus.PROPOSED
        assert not series.meetings.exists()
    # The proposer can't accept their own proposal.
    assert (
        client.post(org_url("feedback:series_accept", org=world, pk=series.pk)).status_code == 400
    )
    owner = signed_in_client(world.owner)
    assert "proposes" in html_of(owner.get(org_url("feedback:checkins", org=world)))
    assert owner.post(org_url("feedback:series_accept", org=world, pk=series.pk)).status_code == 302
    with world.scope():
        assert fresh(series).status == SeriesStatus.ACTIVE
        assert series.meetings.count() == checkins.UPCOMING


def _next_dst_gap(time_zone: str) -> date:
    day = timezone.now().date() + timedelta(days=1)
    for _ in range(400):
        if checkins.schedule.is_in_dst_gap(day, time(2, 30), time_zone):
            return day
        day += timedelta(days=1)
    raise AssertionError("no DST gap within a year")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"cadence": "fortnightly-ish"}, "cadence", "Select a valid choice"),
        ({"other": "member"}, "other", "one of your direct reports, or your own manager"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"dst": True}, "time_of_day", "the clocks skip it"),
        ({"starts_on": "2001-01-01"}, "starts_on", "Start today or later"),
        ({"duration_minutes": 5}, "duration_minutes", "greater than or equal to 10"),
    ],
)
def test_starting_a_series_with_bad_input_answers_400_and_creates_nothing(
    world_a, change, field, message
):
    world = world_a
    person = new_report(world)
    data = {
        "other": person.pk,
        "cadence": "weekly",
        "starts_on": (timezone.now().date() + timedelta(days=2)).isoformat(),
        "time_of_day": "10:00",
        "duration_minutes": 30,
        "time_zone": "Europe/Berlin",
    }
    if change.pop("dst", False):
        data.update(
            time_zone="America/New_York",
            starts_on=_next_dst_gap("America/New_York").isoformat(),
            time_of_day="02:30",
        )
    if change.get("other") == "member":
        change["other"] = world.member.pk  # a peer, not a report
    data.update(change)
    with world.scope():
        before = CheckinSeries.objects.count()
    response = signed_in_client(world.manager).post(org_url("feedback:series_new", org=world), data)
    assert response.status_code == 400
    assert message in html_of(response)
    assert "field-invalid" in html_of(response)
    with world.scope():
        assert CheckinSeries.objects.count() == before


# --- the meeting page: agenda from both sides --------------------------------------------


def test_both_people_add_reorder_and_mark_points_discussed(world_a):
    world = world_a
    meeting = world.feedback.meeting
    manager, report = signed_in_client(world.manager), signed_in_client(world.report)
    response = manager.post(
        org_url("feedback:point_add", org=world, pk=meeting.pk), {"text": "Hiring plan"}, headers=HX
    )
    assert response.status_code == 200
    body = html_of(response)
    assert 'id="agenda"' in body and "Hiring plan" in body and "<html" not in body
    assert (
        report.post(
            org_url("feedback:point_add", org=world, pk=meeting.pk), {"text": "Conference"}
        ).status_code
        == 302
    )
    assert agenda_texts(world, meeting) == ["Promotion timeline", "Hiring plan", "Conference"]

    # An empty point: an inline error, nothing added.
    response = report.post(
        org_url("feedback:point_add", org=world, pk=meeting.pk), {"text": "  "}, headers=HX
    )
    assert response.status_code == 200 and "Write the talking point" in html_of(response)
    assert (
        report.post(
            org_url("feedback:point_add", org=world, pk=meeting.pk), {"text": ""}
        ).status_code
        == 400
    )
    assert len(agenda_texts(world, meeting)) == 3

    # Move "Conference" up: the page posts the full new order.
    with world.scope():
        ids = {item.text: item.pk for item in meeting.agenda.all()}
    order = [ids["Promotion timeline"], ids["Conference"], ids["Hiring plan"]]
    page = html_of(manager.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
    assert f'value="{",".join(map(str, order))}"' in page  # the "move up" form of Conference
    response = manager.post(
        org_url("feedback:reorder", org=world, pk=meeting.pk),
        {"order": ",".join(map(str, order)), "moved": ids["Conference"], "direction": "up"},
        headers=HX,
    )
    assert response.status_code == 200 and "Order saved" in html_of(response)
    assert agenda_texts(world, meeting) == ["Promotion timeline", "Conference", "Hiring plan"]
    # An order that misses a point (someone added one meanwhile) is refused.
    response = manager.post(
        org_url("feedback:reorder", org=world, pk=meeting.pk),
        {"order": f"{order[0]},{order[1]}"},
        headers=HX,
    )
    assert "Changed meanwhile" in html_of(response)
    assert agenda_texts(world, meeting) == ["Promotion timeline", "Conference", "Hiring plan"]

    # The report marks the manager's point discussed, with the version they saw.
    with world.scope():
        item = AgendaItem.objects.get(pk=ids["Hiring plan"])
    response = report.post(
        org_url("feedback:point_edit", org=world, pk=item.pk),
        {"change": "discussed", "discussed": "1", "version": item.version},
        headers=HX,
    )
    assert response.status_code == 200 and "Marked discussed" in html_of(response)
    with world.scope():
        assert fresh(item).discussed

    # Inline edit: GET gives the edit field, POST saves.
    response = report.get(org_url("feedback:point_edit", org=world, pk=item.pk), headers=HX)
    assert response.status_code == 200 and f'id="edit-{item.pk}"' in html_of(response)
    response = report.post(
        org_url("feedback:point_edit", org=world, pk=item.pk),
        {"change": "text", "text": "Hiring plan for Q3", "version": item.version},
        headers=HX,
    )
    assert response.status_code == 200 and "Hiring plan for Q3" in html_of(response)
    # Remove it.
    response = manager.post(
        org_url("feedback:point_remove", org=world, pk=item.pk),
        {"version": fresh(item).version},
        headers=HX,
    )
    assert response.status_code == 200
    assert agenda_texts(world, meeting) == ["Promotion timeline", "Conference"]


def test_pulling_in_a_coaching_prompt_adds_it_as_a_point(world_a):
    world = world_a
    meeting, prompt = world.feedback.meeting, world.feedback.prompt
    client = signed_in_client(world.manager)
    page = html_of(client.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
    assert "Pull in a coaching prompt" in page and '<optgroup label="Growth">' in page
    response = client.post(
        org_url("feedback:meeting_prompt", org=world, pk=meeting.pk),
        {"prompt": prompt.pk},
        headers=HX,
    )
    assert response.status_code == 200 and "Coaching prompt" in html_of(response)
    assert agenda_texts(world, meeting)[-1] == prompt.text
    response = client.post(
        org_url("feedback:meeting_prompt", org=world, pk=meeting.pk), {"prompt": ""}, headers=HX
    )
    assert "Choose a question to add" in html_of(response)


# --- concurrent editing ------------------------------------------------------------------


def test_a_stale_point_edit_is_refused_with_the_fresh_text(world_a):
    world = world_a
    point = world.feedback.point
    seen = point.version  # both pages were rendered with this version
    manager, report = signed_in_client(world.manager), signed_in_client(world.report)
    first = manager.post(
        org_url("feedback:point_edit", org=world, pk=point.pk),
        {"change": "text", "text": "Promotion timeline and scope", "version": seen},
        headers=HX,
    )
    assert first.status_code == 200
    second = report.post(
        org_url("feedback:point_edit", org=world, pk=point.pk),
        {"change": "text", "text": "Promotion: my version", "version": seen},
        headers=HX,
    )
    body = html_of(second)
    assert second.status_code == 200  # htmx swaps only 2xx answers
    assert f"Changed meanwhile by {world.manager.name}" in body
    assert "Promotion timeline and scope" in body  # the fresh content
    assert "Your text, not saved: “Promotion: my version”" in body
    with world.scope():
        assert fresh(point).text == "Promotion timeline and scope"  # nothing overwritten
    # Without htmx the same refusal is a 409 page.
    third = report.post(
        org_url("feedback:point_edit", org=world, pk=point.pk),
        {"change": "discussed", "discussed": "1", "version": seen},
    )
    assert third.status_code == 409 and "Changed meanwhile" in html_of(third)
    with world.scope():
        assert not fresh(point).discussed
    # A stale remove is refused too.
    gone = report.post(
        org_url("feedback:point_remove", org=world, pk=point.pk), {"version": seen}, headers=HX
    )
    assert "Changed meanwhile" in html_of(gone)
    with world.scope():
        assert AgendaItem.objects.filter(pk=point.pk).exists()


def test_stale_shared_notes_are_refused_and_both_texts_shown(world_a):
    world = world_a
    meeting = world.feedback.meeting
    manager, report = signed_in_client(world.manager), signed_in_client(world.report)
    notes = org_url("feedback:shared_notes", org=world, pk=meeting.pk)
    assert (
        manager.post(
            notes, {"shared_notes": "Agreed: ship Friday", "version": 0}, headers=HX
        ).status_code
        == 200
    )
    response = report.post(notes, {"shared_notes": "Ship Monday", "version": 0}, headers=HX)
    body = html_of(response)
    assert response.status_code == 200
    assert (
        "Changed meanwhile by" in body and "Agreed: ship Friday" in body and "Ship Monday" in body
    )
    assert 'name="version" value="1"' in body  # the next save starts from the fresh one
    assert report.post(notes, {"shared_notes": "Ship Monday", "version": 0}).status_code == 409
    with world.scope():
        assert fresh(meeting).shared_notes == "Agreed: ship Friday"
    assert (
        report.post(notes, {"shared_notes": "Ship Monday", "version": 1}, headers=HX).status_code
        == 200
    )
    with world.scope():
        assert fresh(meeting).shared_notes == "Ship Monday"


def test_a_stale_action_done_is_refused(world_a):
    world = world_a
    action = world.feedback.action
    done = org_url("feedback:action_done", org=world, pk=action.pk)
    report, manager = signed_in_client(world.report), signed_in_client(world.manager)
    assert (
        report.post(done, {"done": "1", "version": action.version}, headers=HX).status_code == 200
    )
    response = manager.post(done, {"version": action.version}, headers=HX)
    assert "Changed meanwhile" in html_of(response)
    with world.scope():
        assert fresh(action).done_at is not None


# --- closing a meeting: carry-over ----------------------------------------------------------


def test_holding_carries_the_undiscussed_point_and_open_action_to_the_next_meeting(world_a):
    world = world_a
    meeting, point = world.feedback.meeting, world.feedback.point
    manager, report = signed_in_client(world.manager), signed_in_client(world.report)
    manager.post(
        org_url("feedback:point_add", org=world, pk=meeting.pk), {"text": "Roadmap"}, headers=HX
    )
    with world.scope():
        roadmap = meeting.agenda.get(text="Roadmap")
    report.post(
        org_url("feedback:point_edit", org=world, pk=roadmap.pk),
        {"change": "discussed", "discussed": "1", "version": roadmap.version},
        headers=HX,
    )
    response = manager.post(
        org_url("feedback:action_add", org=world, pk=meeting.pk),
        {"text": "Book the offsite", "owner": world.manager.pk, "due_on": ""},
        headers=HX,
    )
    assert response.status_code == 200 and "Book the offsite" in html_of(response)
    response = manager.post(org_url("feedback:meeting_hold", org=world, pk=meeting.pk), headers=HX)
    assert response.status_code == 200 and "Marked held" in html_of(response)
    with world.scope():
        assert fresh(meeting).status == MeetingStatus.HELD
        following = (
            Meeting.objects.filter(series=meeting.series, starts_at__gt=meeting.starts_at)
            .order_by("starts_at")
            .first()
        )
    assert agenda_texts(world, following) == [point.text]  # Roadmap was discussed
    page = html_of(report.get(org_url("feedback:meeting", org=world, pk=following.pk)))
    assert "Promotion timeline" in page and "Carried over" in page
    assert "Draft the RFC" in page and "Book the offsite" in page  # open actions carry over
    # The closed meeting's agenda is read-only; its notes are still editable.
    closed = html_of(report.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
    assert "The agenda is final" in closed and "Add talking point" not in closed
    assert (
        report.post(
            org_url("feedback:point_add", org=world, pk=meeting.pk), {"text": "Late"}
        ).status_code
        == 400
    )
    assert "Late" not in agenda_texts(world, meeting)
    notes = report.post(
        org_url("feedback:shared_notes", org=world, pk=meeting.pk),
        {"shared_notes": "Recap", "version": 0},
        headers=HX,
    )
    assert notes.status_code == 200
    with world.scope():
        assert fresh(meeting).shared_notes == "Recap"
    # Done: it no longer carries over to the meeting after.
    action = world.feedback.action
    report.post(
        org_url("feedback:action_done", org=world, pk=action.pk),
        {"done": "1", "version": action.version, "meeting": following.pk},
        headers=HX,
    )
    manager.post(org_url("feedback:meeting_hold", org=world, pk=following.pk))
    with world.scope():
        third = (
            Meeting.objects.filter(series=meeting.series, starts_at__gt=following.starts_at)
            .order_by("starts_at")
            .first()
        )
    page = html_of(report.get(org_url("feedback:meeting", org=world, pk=third.pk)))
    assert "Book the offsite" in page and "Draft the RFC" not in page


def test_skipping_needs_a_reason_and_moves_the_agenda_on(world_a):
    world = world_a
    meeting = world.feedback.meeting
    client = signed_in_client(world.report)
    response = client.post(
        org_url("feedback:meeting_skip", org=world, pk=meeting.pk), {"reason": ""}, headers=HX
    )
    assert response.status_code == 200 and "Say why, so you both remember" in html_of(response)
    assert (
        client.post(
            org_url("feedback:meeting_skip", org=world, pk=meeting.pk), {"reason": ""}
        ).status_code
        == 400
    )
    with world.scope():
        assert fresh(meeting).status == MeetingStatus.SCHEDULED
    response = client.post(
        org_url("feedback:meeting_skip", org=world, pk=meeting.pk),
        {"reason": "Sam is ill"},
        headers=HX,
    )
    assert response.status_code == 200 and "Skipped" in html_of(response)
    with world.scope():
        assert fresh(meeting).status == MeetingStatus.SKIPPED
        assert fresh(meeting).skip_reason == "Sam is ill"
        assert AgendaItem.objects.filter(carried_from=world.feedback.point).exists()
    assert "Sam is ill" in html_of(
        client.get(org_url("feedback:series", org=world, pk=meeting.series_id))
    )


def test_moving_a_meeting_uses_the_viewers_time_zone(world_a):
    world = world_a
    meeting = world.feedback.meeting
    client = signed_in_client(world.manager)
    day = timezone.now().date() + timedelta(days=2)
    response = client.post(
        org_url("feedback:meeting_move", org=world, pk=meeting.pk),
        {"day": day.isoformat(), "at": "15:15"},
        headers=HX,
    )
    assert response.status_code == 200 and "Moved to" in html_of(response)
    with world.scope():
        moved = fresh(meeting)
    tz = ZoneInfo(world.manager.effective_time_zone)
    assert moved.starts_at.astimezone(tz).replace(tzinfo=None) == timezone.datetime.combine(
        day, time(15, 15)
    )
    assert moved.moved_from is not None
    # The past is refused.
    past = client.post(
        org_url("feedback:meeting_move", org=world, pk=meeting.pk),
        {"day": "2001-01-01", "at": "10:00"},
    )
    assert past.status_code == 400 and "Choose a time in the future" in html_of(past)


# --- series status -------------------------------------------------------------------------


def test_pause_resume_and_end_a_series(world_a):
    world = world_a
    series = world.feedback.series
    client = signed_in_client(world.report)
    status = org_url("feedback:series_status", org=world, pk=series.pk)
    assert client.post(status, {"status": "paused"}).status_code == 302
    with world.scope():
        assert fresh(series).status == SeriesStatus.PAUSED
        assert not series.meetings.filter(status=MeetingStatus.SCHEDULED).exists()
    page = html_of(client.get(org_url("feedback:series", org=world, pk=series.pk)))
    assert "Resume" in page and "data-confirm" in page
    assert client.post(status, {"status": "active"}).status_code == 302
    with world.scope():
        assert series.meetings.filter(status=MeetingStatus.SCHEDULED).count() == checkins.UPCOMING
    assert client.post(status, {"status": "bogus"}).status_code == 400
    assert client.post(status, {"status": "ended"}).status_code == 302
    with world.scope():
        assert fresh(series).status == SeriesStatus.ENDED


# --- who may open what ----------------------------------------------------------------------

PAGES = [
    "checkins",
    "series_new",
    "series",
    "meeting",
    "point_edit",
    "action_edit",
    "prompts",
    "checkin_settings",
]
EVERYONE, PARTICIPANTS, HR = "everyone", "participants", "hr"
WHO_SEES = {
    "checkins": EVERYONE,
    "series_new": EVERYONE,
    "series": PARTICIPANTS,
    "meeting": PARTICIPANTS,
    "point_edit": PARTICIPANTS,
    "action_edit": PARTICIPANTS,
    "prompts": HR,
    "checkin_settings": HR,
}
PEOPLE = ["manager", "report", "owner", "hr", "member", "other_org_hr"]


def _kwargs(world, name):
    fw = world.feedback
    return {
        "series": {"pk": fw.series.pk},
        "series_status": {"pk": fw.series.pk},
        "series_accept": {"pk": fw.series.pk},
        "meeting": {"pk": fw.meeting.pk},
        "point_add": {"pk": fw.meeting.pk},
        "reorder": {"pk": fw.meeting.pk},
        "shared_notes": {"pk": fw.meeting.pk},
        "private_note": {"pk": fw.meeting.pk},
        "action_add": {"pk": fw.meeting.pk},
        "meeting_hold": {"pk": fw.meeting.pk},
        "meeting_skip": {"pk": fw.meeting.pk},
        "meeting_move": {"pk": fw.meeting.pk},
        "meeting_prompt": {"pk": fw.meeting.pk},
        "meeting_suggestion": {"pk": fw.meeting.pk},
        "point_edit": {"pk": fw.point.pk},
        "point_remove": {"pk": fw.point.pk},
        "action_done": {"pk": fw.action.pk},
        "action_edit": {"pk": fw.action.pk},
        "prompt_archive": {"pk": fw.prompt.pk},
    }.get(name, {})


def _person(world_a, world_b, who):
    return world_b.hr if who == "other_org_hr" else getattr(world_a, who)


def _expected(kind, who) -> int:
    if who == "other_org_hr":
        return 404
    if kind == EVERYONE:
        return 200
    if kind == PARTICIPANTS:
        return 200 if who in ("manager", "report") else 404
    return 200 if who in ("hr", "owner") else 404


@pytest.mark.parametrize("who", PEOPLE)
def test_permission_matrix_of_the_check_in_pages(world_a, world_b, who):
    client = signed_in_client(_person(world_a, world_b, who))
    got = {
        name: client.get(
            org_url(f"feedback:{name}", org=world_a, **_kwargs(world_a, name))
        ).status_code
        for name in PAGES
    }
    assert got == {name: _expected(WHO_SEES[name], who) for name in PAGES}


POSTS = {
    "series_status": {"status": "paused"},
    "series_accept": {},
    "point_add": {"text": "Sneaky"},
    "reorder": {"order": "1"},
    "shared_notes": {"shared_notes": "Sneaky", "version": 0},
    "private_note": {"body": "Sneaky"},
    "action_add": {"text": "Sneaky"},
    "meeting_hold": {},
    "meeting_skip": {"reason": "Sneaky"},
    "meeting_move": {"day": "2030-01-01", "at": "10:00"},
    "meeting_prompt": {},
    "meeting_suggestion": {"key": "feedback.quiet"},
    "point_edit": {"change": "text", "text": "Sneaky", "version": 0},
    "point_remove": {"version": 0},
    "action_done": {"done": "1", "version": 0},
    "action_edit": {"text": "Sneaky", "version": 0},
}


def _snapshot(world):
    with world.scope():
        return (
            list(CheckinSeries.objects.values_list("id", "status")),
            list(Meeting.objects.values_list("id", "status", "starts_at", "shared_notes")),
            list(AgendaItem.objects.values_list("id", "text", "position", "discussed", "link_id")),
            list(ActionItem.objects.values_list("id", "text", "done_at", "due_on", "link_id")),
            list(PrivateNote.objects.values_list("id", "body")),
            list(CoachingPrompt.objects.values_list("id", "archived_at")),
        )


@pytest.mark.parametrize("who", ["owner", "hr", "member", "other_org_hr"])
def test_nobody_but_the_two_people_can_write(world_a, world_b, who):
    client = signed_in_client(_person(world_a, world_b, who))
    before = _snapshot(world_a)
    for name, data in POSTS.items():
        for headers in ({}, HX):
            response = client.post(
                org_url(f"feedback:{name}", org=world_a, **_kwargs(world_a, name)),
                data,
                headers=headers,
            )
            assert response.status_code == 404, (name, response.status_code)
    assert _snapshot(world_a) == before


@pytest.mark.parametrize("who", ["manager", "report", "member", "other_org_hr"])
def test_only_hr_archives_prompts(world_a, world_b, who):
    client = signed_in_client(_person(world_a, world_b, who))
    before = _snapshot(world_a)
    assert (
        client.post(
            org_url("feedback:prompt_archive", org=world_a, pk=world_a.feedback.prompt.pk)
        ).status_code
        == 404
    )
    assert (
        client.post(
            org_url("feedback:prompts", org=world_a), {"theme": "growth", "text": "X?"}
        ).status_code
        == 404
    )
    assert _snapshot(world_a) == before


def test_the_skip_level_manager_sees_only_that_a_series_lapsed(world_a):
    world = world_a
    with world.scope():
        CheckinSeries.objects.filter(pk=world.feedback.series.pk).update(
            starts_on=timezone.now().date() - timedelta(days=40)
        )
    page = html_of(signed_in_client(world.owner).get(org_url("feedback:checkins", org=world)))
    # 40 days in UTC; a day either side in the series' own time zone late in the UTC day.
    assert any(f"Lapsed · {days} days" in page for days in (39, 40, 41))
    assert world.manager.name in page and world.report.name in page
    assert "Promotion timeline" not in page and "Draft the RFC" not in page
    assert org_url("feedback:series", org=world, pk=world.feedback.series.pk) not in page
    manager_page = html_of(
        signed_in_client(world.manager).get(org_url("feedback:checkins", org=world))
    )
    assert "1 lapsed" in manager_page


# --- private notes -------------------------------------------------------------------------


def test_a_private_note_is_seen_by_its_writer_only(world_a):
    world = world_a
    meeting = world.feedback.meeting
    secret = f"Private worry about {world.report.name}"
    manager_page = html_of(
        signed_in_client(world.manager).get(org_url("feedback:meeting", org=world, pk=meeting.pk))
    )
    assert secret in manager_page and "Only you see this." in manager_page
    report = signed_in_client(world.report)
    pages = [
        report.get(org_url("feedback:meeting", org=world, pk=meeting.pk)),
        report.get(org_url("feedback:series", org=world, pk=meeting.series_id)),
        report.get(org_url("feedback:checkins", org=world)),
        report.post(
            org_url("feedback:point_add", org=world, pk=meeting.pk), {"text": "x"}, headers=HX
        ),
        report.post(
            org_url("feedback:private_note", org=world, pk=meeting.pk), {"body": "Mine"}, headers=HX
        ),
        report.post(org_url("feedback:meeting_hold", org=world, pk=meeting.pk), headers=HX),
    ]
    for person in (world.hr, world.owner, world.member):
        client = signed_in_client(person)
        pages += [
            client.get(org_url(f"feedback:{name}", org=world))
            for name in ("checkins", "prompts", "checkin_settings")
        ]
        pages.append(client.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
    for response in pages:
        assert secret not in html_of(response)
    # The report's own note is theirs; the manager's stays untouched.
    assert "Mine" in html_of(report.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
    with world.scope():
        assert PrivateNote.objects.get(author=world.manager).body == secret
    assert "Mine" not in html_of(
        signed_in_client(world.manager).get(org_url("feedback:meeting", org=world, pk=meeting.pk))
    )


# --- HR pages --------------------------------------------------------------------------------


def test_hr_adds_and_archives_prompts_and_sets_the_policy(world_a):
    world = world_a
    client = signed_in_client(world.hr)
    page = html_of(client.get(org_url("feedback:prompts", org=world)))
    assert "Feedback on the manager" in page and world.feedback.prompt.text in page
    response = client.post(
        org_url("feedback:prompts", org=world),
        {"theme": "career", "text": "What's next?"},
        headers=HX,
    )
    assert response.status_code == 200 and "What's next?" in html_of(response)
    assert (
        client.post(org_url("feedback:prompts", org=world), {"theme": "", "text": ""}).status_code
        == 400
    )
    response = client.post(
        org_url("feedback:prompt_archive", org=world, pk=world.feedback.prompt.pk), headers=HX
    )
    assert response.status_code == 200
    with world.scope():
        assert fresh(world.feedback.prompt).archived_at is not None
    # Archived prompts are no longer offered in a meeting.
    meeting_page = html_of(
        signed_in_client(world.manager).get(
            org_url("feedback:meeting", org=world, pk=world.feedback.meeting.pk)
        )
    )
    assert f">{html.unescape(world.feedback.prompt.text)}</option>" not in meeting_page
    assert "What's next?" in meeting_page

    response = client.post(
        org_url("feedback:checkin_settings", org=world),
        {"default_cadence": "weekly", "lapse_grace_days": 21, "reminder_lead_hours": 12},
    )
    assert response.status_code == 302
    with world.scope():
        settings = CheckinSettings.objects.get()
    assert (settings.default_cadence, settings.lapse_grace_days, settings.reminder_lead_hours) == (
        "weekly",
        21,
        12,
    )
    bad = client.post(
        org_url("feedback:checkin_settings", org=world),
        {"default_cadence": "weekly", "lapse_grace_days": 0, "reminder_lead_hours": 12},
    )
    assert bad.status_code == 400 and "Choose between 1 and 90 days" in html_of(bad)


# --- query budgets -----------------------------------------------------------------------------


def _count(client, path) -> int:
    client.get(path)  # warm-up: the prompt bank and settings are created on first use
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# What the meeting page reads itself: session, user, organization, membership, meeting,
# agenda, action items, private note, weekly update, settings, the prompt bank (2), the
# previous and next meetings, the header's organizations.
MEETING_PAGE_OWN_READS = 15


def _contribution_cost(world, meeting) -> int:
    """Queries that what apps register costs on this page, read together as the page reads
    them: the links of its rows, the picker's candidates and the manager's suggestions."""
    with world.scope():
        found = Meeting.objects.select_related(
            "series__manager__user", "series__report__user", "series__report__organization"
        ).get(pk=meeting.pk)
        agenda = list(found.agenda.all())
        actions = list(ActionItem.objects.filter(series=found.series))
        with CaptureQueriesContext(connection) as queries, links.reading():
            links.show([*agenda, *actions], world.manager)
            links.choices_for(subject=found.series.report, viewer=world.manager)
            checkins.suggestions_for_meeting(
                actor=world.manager, meeting=found, agenda_texts={i.text for i in agenda}
            )
    return len(queries)


def test_the_meeting_page_holds_a_fixed_query_budget(world_a):
    world = world_a
    meeting = world.feedback.meeting
    client = signed_in_client(world.manager)
    path = org_url("feedback:meeting", org=world, pk=meeting.pk)

    with world.scope():
        private = services.give_feedback(
            author=world.member,
            recipient=world.report,
            kind="praise",
            situation="Only for the report",
            visibility=Visibility.PRIVATE,
        )
    # Every kind of link at both sizes, one the manager may not see among them.
    links_of = {
        world.manager.pk: [
            LinkRef("feedback", world.feedback.feedback.pk),
            LinkRef("prompt", world.feedback.prompt.pk),
            None,
        ],
        world.report.pk: [
            LinkRef("feedback", private.pk),
            LinkRef("criterion", world.framework.criterion.pk),
        ],
    }

    def grow_to(n):
        with world.scope():
            for i in range(meeting.agenda.count(), n):
                author = world.manager if i % 2 else world.report
                link = links_of[author.pk][i % len(links_of[author.pk])]
                checkins.add_point(actor=author, meeting=meeting, text=f"Point {i}", link=link)
                checkins.add_action(
                    actor=author, meeting=meeting, owner=author, text=f"Do {i}", link=link
                )

    grow_to(5)
    small = _count(client, path)
    grow_to(50)
    large = _count(client, path)
    page = html_of(client.get(path))
    assert "A linked item you cannot see" in page and "Suggested for" in page
    assert small == large, (small, large)
    # Its own reads, plus what the registries cost (one bounded read per link source,
    # evidence source and coaching signal that apps register, the same at both sizes).
    contributions = _contribution_cost(world, meeting)
    assert large - contributions <= MEETING_PAGE_OWN_READS, (large, contributions)


def test_the_check_ins_home_holds_a_fixed_query_budget(world_a):
    world = world_a
    client = signed_in_client(world.manager)
    path = org_url("feedback:checkins", org=world)

    def grow_to(n):
        with world.scope():
            have = world.manager.direct_reports.count()
            for i in range(have, n):
                person = new_report(world)
                if i % 3:
                    series = checkins.start_series(
                        actor=world.manager,
                        other=person,
                        cadence="weekly",
                        time_of_day=time(9, 0),
                        starts_on=timezone.now().date() + timedelta(days=1),
                    )
                    checkins.add_action(
                        actor=world.manager,
                        meeting=series.meetings.first(),
                        owner=person,
                        text="Read the doc",
                    )

    grow_to(3)
    small = _count(client, path)
    grow_to(30)
    large = _count(client, path)
    assert small == large, (small, large)
    assert large <= 20
