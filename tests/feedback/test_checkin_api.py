"""The check-in (1:1) REST API: visible to the series' two people only, private notes
seen by their writer only, clear 400s and 409s that change nothing, and lists with a
fixed query budget."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from advancement.models import Criterion
from feedback.models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    CoachingPrompt,
    Feedback,
    Meeting,
    MeetingStatus,
    PrivateNote,
    SeriesStatus,
    Visibility,
)
from feedback.services import checkins
from feedback.services import giving as services
from perfapp.notifications.models import OutboxMessage
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory
from ..helpers import api_error, org_url

SECRET = "Private worry about"


def field_message(response, field: str) -> str:
    return api_error(response)["fields"][field][0]["message"]


MODELS = (CheckinSeries, Meeting, AgendaItem, ActionItem, PrivateNote, OutboxMessage)


def db_state() -> dict:
    with scopes_disabled():
        return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _tomorrow() -> str:
    return (timezone.now().date() + timedelta(days=1)).isoformat()


def _new_report(world):
    return MembershipFactory(organization=world.organization, manager=world.manager)


# --- who sees what --------------------------------------------------------------------------

INSIDERS = ("manager", "report")
OUTSIDERS = ("owner", "hr", "member")  # the skip-level manager, HR, a peer


def _objects(world) -> dict[str, tuple[str, int]]:
    fb = world.feedback
    return {
        "checkin-series": fb.series.pk,
        "meeting": fb.meeting.pk,
        "agenda-item": fb.point.pk,
        "action-item": fb.action.pk,
    }


@pytest.mark.parametrize("viewer", INSIDERS + OUTSIDERS)
def test_permission_matrix_for_lists_and_details(viewer, world_a, world_b, api_as):
    client = api_as(getattr(world_a, viewer))
    for basename, pk in _objects(world_a).items():
        listed = ids(client.get(org_url(f"api:{basename}-list")))
        detail = client.get(org_url(f"api:{basename}-detail", pk=pk))
        if viewer in INSIDERS:
            assert pk in listed, basename
            assert detail.status_code == 200, (basename, detail.content)
            assert detail.json()["id"] == pk
        else:
            assert listed == [], basename
            assert api_error(detail, status=404)["code"] == "not_found"
    # B's people see nothing of A's, even with A's ids under their own slug.
    for person in (world_b.owner, world_b.manager, world_b.report):
        stranger = api_as(person)
        for basename, pk in _objects(world_a).items():
            assert stranger.get(org_url(f"api:{basename}-detail", pk=pk)).status_code == 404
            assert (
                stranger.get(org_url(f"api:{basename}-detail", org="beta", pk=pk)).status_code
                == 404
            )
            assert pk not in ids(stranger.get(org_url(f"api:{basename}-list", org="beta")))


@pytest.mark.parametrize("viewer", OUTSIDERS)
def test_outsiders_change_nothing_and_learn_nothing(viewer, world_a, api_as):
    client = api_as(getattr(world_a, viewer))
    fb = world_a.feedback
    before = db_state()
    meeting = fb.meeting.pk
    writes = [
        client.post(org_url("api:checkin-series-accept", pk=fb.series.pk)),
        client.post(
            org_url("api:checkin-series-change-status", pk=fb.series.pk), {"status": "ended"}
        ),
        client.post(org_url("api:meeting-hold", pk=meeting)),
        client.post(org_url("api:meeting-skip", pk=meeting), {"reason": "Busy"}),
        client.post(
            org_url("api:meeting-move", pk=meeting),
            {"starts_at": (timezone.now() + timedelta(days=3)).isoformat()},
            format="json",
        ),
        client.put(org_url("api:meeting-shared-notes", pk=meeting), {"text": "x", "version": 0}),
        client.put(org_url("api:meeting-private-note", pk=meeting), {"body": "mine"}),
        client.post(
            org_url("api:meeting-reorder", pk=meeting), {"order": [fb.point.pk]}, format="json"
        ),
        client.patch(
            org_url("api:agenda-item-detail", pk=fb.point.pk), {"text": "x", "version": 0}
        ),
        client.delete(org_url("api:agenda-item-detail", pk=fb.point.pk) + "?version=0"),
        client.patch(
            org_url("api:action-item-detail", pk=fb.action.pk), {"done": True, "version": 0}
        ),
        client.patch(
            org_url("api:action-item-detail", pk=fb.action.pk), {"text": "x", "version": 0}
        ),
        client.get(org_url("api:meeting-suggestions", pk=meeting)),
    ]
    for response in writes:
        assert api_error(response, status=404)["code"] == "not_found"
    # Creating under someone else's meeting: the meeting "does not exist" for them.
    point = client.post(org_url("api:agenda-item-list"), {"meeting": meeting, "text": "Sneaky"})
    assert api_error(point)["fields"]["meeting"][0]["code"] == "does_not_exist"
    action = client.post(
        org_url("api:action-item-list"),
        {"meeting": meeting, "owner": world_a.report.pk, "text": "Sneaky"},
    )
    assert api_error(action)["fields"]["meeting"][0]["code"] == "does_not_exist"
    assert (
        client.get(org_url("api:meeting-list") + f"?series={fb.series.pk}").json()["results"] == []
    )
    assert db_state() == before


def test_list_filters(world_a, api_as):
    client = api_as(world_a.report)
    fb = world_a.feedback
    meetings = ids(client.get(org_url("api:meeting-list") + f"?series={fb.series.pk}"))
    assert fb.meeting.pk in meetings and len(meetings) == checkins.UPCOMING
    assert ids(client.get(org_url("api:meeting-list") + "?series=999999")) == []
    assert api_error(client.get(org_url("api:meeting-list") + "?series=abc"))["fields"]["series"]
    assert ids(client.get(org_url("api:agenda-item-list") + f"?meeting={fb.meeting.pk}")) == [
        fb.point.pk
    ]
    assert ids(client.get(org_url("api:action-item-list") + "?open=true")) == [fb.action.pk]
    assert ids(client.get(org_url("api:action-item-list") + "?open=false")) == []
    assert ids(client.get(org_url("api:action-item-list") + f"?series={fb.series.pk}")) == [
        fb.action.pk
    ]
    assert api_error(client.get(org_url("api:action-item-list") + "?open=maybe"))["fields"]["open"]


# --- private notes --------------------------------------------------------------------------


def _every_get(world) -> list[str]:
    fb = world.feedback
    paths = [org_url(f"api:{basename}-list") for basename in _objects(world)]
    paths += [org_url(f"api:{basename}-detail", pk=pk) for basename, pk in _objects(world).items()]
    paths += [
        org_url("api:meeting-list") + f"?series={fb.series.pk}",
        org_url("api:agenda-item-list") + f"?meeting={fb.meeting.pk}",
        org_url("api:action-item-list") + "?open=true",
    ]
    with world.scope():
        paths += [org_url("api:meeting-detail", pk=m.pk) for m in fb.series.meetings.all()]
    return paths


def test_the_managers_private_note_reaches_nobody_else(world_a, world_b, api_as):
    fb = world_a.feedback
    manager_view = (
        api_as(world_a.manager).get(org_url("api:meeting-detail", pk=fb.meeting.pk)).json()
    )
    assert manager_view["private_note"].startswith(SECRET)
    for person in (world_a.report, world_a.hr, world_a.owner, world_a.member, world_b.owner):
        client = api_as(person)
        for path in _every_get(world_a):
            response = client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            assert SECRET not in response.content.decode(), (person, path)
    report_view = api_as(world_a.report).get(org_url("api:meeting-detail", pk=fb.meeting.pk)).json()
    assert report_view["private_note"] is None


def test_each_writes_only_their_own_private_note(world_a, api_as):
    fb = world_a.feedback
    path = org_url("api:meeting-private-note", pk=fb.meeting.pk)
    with scopes_disabled():
        managers = PrivateNote.objects.get(meeting=fb.meeting, author=world_a.manager)
    before = (managers.pk, managers.body, managers.updated_at)

    report = api_as(world_a.report)
    saved = report.put(path, {"body": "I want to ask about the promotion."})
    assert saved.status_code == 200, saved.content
    assert saved.json()["body"] == "I want to ask about the promotion."
    # Naming the other person as author is refused, and changes nothing.
    state = db_state()
    refused = report.put(path, {"body": "Overwritten!", "author": world_a.manager.pk})
    assert "your own" in field_message(refused, "author")
    assert db_state() == state

    with scopes_disabled():
        managers.refresh_from_db()
        mine = PrivateNote.objects.get(meeting=fb.meeting, author=world_a.report)
    assert (managers.pk, managers.body, managers.updated_at) == before
    assert mine.body == "I want to ask about the promotion."
    as_manager = api_as(world_a.manager).get(org_url("api:meeting-detail", pk=fb.meeting.pk)).json()
    assert as_manager["private_note"] == before[1]
    as_report = api_as(world_a.report).get(org_url("api:meeting-detail", pk=fb.meeting.pk)).json()
    assert as_report["private_note"] == "I want to ask about the promotion."
    assert SECRET not in str(as_report)


def test_hr_cannot_write_a_private_note_on_someone_elses_meeting(world_a, api_as):
    before = db_state()
    response = api_as(world_a.hr).put(
        org_url("api:meeting-private-note", pk=world_a.feedback.meeting.pk), {"body": "HR notes"}
    )
    assert api_error(response, status=404)["code"] == "not_found"
    assert db_state() == before


# --- series ---------------------------------------------------------------------------------


def _series_body(other, **extra) -> dict:
    return {
        "other": other.pk,
        "cadence": "biweekly",
        "time_of_day": "09:30",
        "duration_minutes": 45,
        "starts_on": _tomorrow(),
        **extra,
    }


def test_a_manager_starts_a_series_with_a_report(world_a, api_as):
    newcomer = _new_report(world_a)
    client = api_as(world_a.manager)
    created = client.post(org_url("api:checkin-series-list"), _series_body(newcomer))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "active"
    assert body["time_of_day"] == "09:30"
    assert body["time_zone"] == "Europe/Berlin"
    assert (body["manager"]["id"], body["report"]["id"]) == (world_a.manager.pk, newcomer.pk)
    meetings = client.get(org_url("api:meeting-list") + f"?series={body['id']}").json()["results"]
    assert len(meetings) == checkins.UPCOMING
    assert body["id"] in ids(api_as(newcomer).get(org_url("api:checkin-series-list")))
    assert api_as(world_a.report).get(
        org_url("api:checkin-series-detail", pk=body["id"])
    ).status_code == (404)


def test_a_report_proposes_and_the_manager_accepts(world_a, api_as):
    newcomer = _new_report(world_a)
    proposed = api_as(newcomer).post(
        org_url("api:checkin-series-list"), _series_body(world_a.manager)
    )
    assert proposed.status_code == 201, proposed.content
    series = proposed.json()
    assert series["status"] == "proposed"
    accept = org_url("api:checkin-series-accept", pk=series["id"])
    assert api_error(api_as(newcomer).post(accept))["message"]  # not one's own proposal
    accepted = api_as(world_a.manager).post(accept)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "active"


def test_pausing_and_ending_a_series(world_a, api_as):
    client = api_as(world_a.report)
    path = org_url("api:checkin-series-change-status", pk=world_a.feedback.series.pk)
    paused = client.post(path, {"status": "paused"})
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    with scopes_disabled():
        assert Meeting.objects.get(pk=world_a.feedback.meeting.pk).status == "cancelled"
    assert client.post(path, {"status": "active"}).json()["status"] == "active"
    assert client.post(path, {"status": "ended"}).json()["status"] == "ended"
    before = db_state()
    assert api_error(client.post(path, {"status": "active"}))["message"]
    assert api_error(client.post(path, {"status": "proposed"}))["fields"]["status"]
    assert db_state() == before


@pytest.mark.parametrize(
    ("who", "extra", "field"),
    [
        ("manager", {"cadence": "fortnightly-ish"}, "cadence"),
        # 02:30 does not exist in Berlin on spring-forward Sunday.
        (
            "manager",
            {"time_of_day": "02:30", "starts_on": "2027-03-28", "time_zone": "Europe/Berlin"},
            "time_of_day",
        ),
        (
            "manager",
            {"time_of_day": "02:30", "starts_on": "2026-03-29", "time_zone": "Europe/Berlin"},
            "time_of_day",
        ),
        ("manager", {"time_of_day": "25:00"}, "time_of_day"),
        ("manager", {"time_zone": "Mars/Olympus"}, "time_zone"),
        ("manager", {"duration_minutes": 5}, "duration_minutes"),
        ("manager", {"starts_on": "2020-01-01"}, "starts_on"),
        ("peer", {}, "other"),  # the member is not the manager's report
        ("self", {}, "other"),
        ("foreign", {}, "other"),  # someone of another organization
    ],
)
def test_a_bad_series_is_refused_and_changes_nothing(who, extra, field, world_a, world_b, api_as):
    other = {
        "manager": _new_report(world_a),
        "peer": world_a.member,
        "self": world_a.manager,
        "foreign": world_b.report,
    }[who]
    before = db_state()
    response = api_as(world_a.manager).post(
        org_url("api:checkin-series-list"), _series_body(other, **extra)
    )
    assert field_message(response, field)
    assert api_error(response)["code"] == "validation_error"
    assert db_state() == before


def test_the_dst_gap_message_is_clear(world_a, api_as):
    response = api_as(world_a.manager).post(
        org_url("api:checkin-series-list"),
        _series_body(
            _new_report(world_a),
            time_of_day="02:30",
            starts_on="2027-03-28",
            time_zone="Europe/Berlin",
        ),
    )
    assert "does not exist" in field_message(response, "time_of_day")


def test_a_second_series_for_the_same_pair_is_refused(world_a, api_as):
    before = db_state()
    response = api_as(world_a.manager).post(
        org_url("api:checkin-series-list"), _series_body(world_a.report)
    )
    assert "already" in api_error(response)["message"]
    assert db_state() == before


# --- meetings -------------------------------------------------------------------------------


def test_the_meeting_detail_has_agenda_notes_and_open_actions(world_a, api_as):
    fb = world_a.feedback
    body = api_as(world_a.report).get(org_url("api:meeting-detail", pk=fb.meeting.pk)).json()
    assert [row["id"] for row in body["agenda"]] == [fb.point.pk]
    assert body["agenda"][0]["author"] == {"id": world_a.report.pk, "name": world_a.report.name}
    assert [row["id"] for row in body["open_actions"]] == [fb.action.pk]
    assert (body["shared_notes"], body["notes_version"]) == ("", 0)
    assert body["status"] == "scheduled"
    assert body["manager"]["id"] == world_a.manager.pk


def test_holding_a_meeting_carries_over_points_and_actions(world_a, api_as):
    fb = world_a.feedback
    client = api_as(world_a.manager)
    held = client.post(org_url("api:meeting-hold", pk=fb.meeting.pk))
    assert held.status_code == 200, held.content
    assert held.json()["status"] == "held"
    following = ids(client.get(org_url("api:meeting-list") + f"?series={fb.series.pk}"))
    next_id = following[following.index(fb.meeting.pk) + 1]
    nxt = client.get(org_url("api:meeting-detail", pk=next_id)).json()
    assert [row["text"] for row in nxt["agenda"]] == ["Promotion timeline"]
    assert nxt["agenda"][0]["carried_from"] == fb.point.pk
    assert [row["id"] for row in nxt["open_actions"]] == [fb.action.pk]
    # Notes stay editable after the meeting; the agenda does not.
    notes = client.put(
        org_url("api:meeting-shared-notes", pk=fb.meeting.pk), {"text": "We agreed.", "version": 0}
    )
    assert notes.status_code == 200 and notes.json()["notes_version"] == 1
    private = client.put(org_url("api:meeting-private-note", pk=fb.meeting.pk), {"body": "ok"})
    assert private.status_code == 200


def test_the_agenda_of_a_held_meeting_is_final(world_a, api_as):
    fb = world_a.feedback
    client = api_as(world_a.report)
    assert client.post(org_url("api:meeting-hold", pk=fb.meeting.pk)).status_code == 200
    before = db_state()
    point = org_url("api:agenda-item-detail", pk=fb.point.pk)
    for response in (
        client.post(
            org_url("api:agenda-item-list"), {"meeting": fb.meeting.pk, "text": "Late point"}
        ),
        client.patch(point, {"text": "Changed", "version": 0}),
        client.patch(point, {"discussed": True, "version": 0}),
        client.delete(point + "?version=0"),
        client.post(
            org_url("api:meeting-reorder", pk=fb.meeting.pk), {"order": [fb.point.pk]}, "json"
        ),
        client.post(org_url("api:meeting-hold", pk=fb.meeting.pk)),
        client.post(org_url("api:meeting-skip", pk=fb.meeting.pk), {"reason": "Again"}),
    ):
        assert "closed" in api_error(response)["message"], response.content
    assert db_state() == before


def test_skipping_needs_a_reason_and_moving_a_future_time(world_a, api_as):
    fb = world_a.feedback
    client = api_as(world_a.report)
    before = db_state()
    assert field_message(
        client.post(org_url("api:meeting-skip", pk=fb.meeting.pk), {"reason": " "}), "reason"
    )
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    move = org_url("api:meeting-move", pk=fb.meeting.pk)
    assert field_message(client.post(move, {"starts_at": past}, format="json"), "starts_at")
    assert field_message(client.post(move, {"starts_at": "soon"}, format="json"), "starts_at")
    assert db_state() == before
    later = timezone.now() + timedelta(days=2, hours=3)
    moved = client.post(move, {"starts_at": later.isoformat()}, format="json")
    assert moved.status_code == 200, moved.content
    assert datetime.fromisoformat(moved.json()["starts_at"]) == later.replace(microsecond=0) or (
        abs(datetime.fromisoformat(moved.json()["starts_at"]) - later) < timedelta(seconds=1)
    )
    assert moved.json()["moved_from"] is not None
    skipped = client.post(org_url("api:meeting-skip", pk=fb.meeting.pk), {"reason": "Offsite"})
    assert skipped.json()["status"] == "skipped" and skipped.json()["skip_reason"] == "Offsite"


def test_reordering_the_agenda(world_a, api_as):
    fb = world_a.feedback
    client = api_as(world_a.manager)
    second = client.post(
        org_url("api:agenda-item-list"), {"meeting": fb.meeting.pk, "text": "Team mood"}
    )
    assert second.status_code == 201, second.content
    order = [second.json()["id"], fb.point.pk]
    done = client.post(
        org_url("api:meeting-reorder", pk=fb.meeting.pk), {"order": order}, format="json"
    )
    assert [row["id"] for row in done.json()["agenda"]] == order
    before = db_state()
    stale = client.post(
        org_url("api:meeting-reorder", pk=fb.meeting.pk), {"order": [fb.point.pk]}, format="json"
    )
    error = api_error(stale, status=409)
    assert error["code"] == "conflict"
    assert [row["id"] for row in error["current"]["agenda"]] == order
    twice = client.post(
        org_url("api:meeting-reorder", pk=fb.meeting.pk),
        {"order": [*order, order[0]]},
        format="json",
    )
    assert field_message(twice, "order")
    assert db_state() == before


# --- concurrent edits: stale versions answer 409 with the fresh content ---------------------


def test_a_stale_talking_point_edit_is_refused_with_the_fresh_content(world_a, api_as):
    fb = world_a.feedback
    path = org_url("api:agenda-item-detail", pk=fb.point.pk)
    first = api_as(world_a.manager).patch(path, {"discussed": True, "version": 0})
    assert first.status_code == 200 and first.json()["version"] == 1
    before = db_state()
    stale = api_as(world_a.report).patch(path, {"text": "Promotion timeline, v2", "version": 0})
    error = api_error(stale, status=409)
    assert error["code"] == "conflict" and "meanwhile" in error["message"]
    assert error["current"]["version"] == 1 and error["current"]["discussed"] is True
    assert error["current"]["text"] == "Promotion timeline"
    gone = api_as(world_a.report).delete(path + "?version=0")
    assert api_error(gone, status=409)["current"]["id"] == fb.point.pk
    assert field_message(api_as(world_a.report).delete(path), "version")
    assert db_state() == before
    fresh = api_as(world_a.report).patch(path, {"text": "Promotion timeline, v2", "version": 1})
    assert fresh.json()["text"] == "Promotion timeline, v2"
    assert api_as(world_a.report).delete(path + "?version=2").status_code == 204


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_point_removed_meanwhile_answers_404_not_500(method, world_a, api_as, monkeypatch):
    """The other person removes the point between our read and our write."""
    from feedback.api.checkins import AgendaItemViewSet

    read = AgendaItemViewSet.get_object

    def read_then_lose_the_race(view):
        item = read(view)
        with scopes_disabled():
            AgendaItem.objects.filter(pk=item.pk).delete()
        return item

    monkeypatch.setattr(AgendaItemViewSet, "get_object", read_then_lose_the_race)
    path = org_url("api:agenda-item-detail", pk=world_a.feedback.point.pk)
    client = api_as(world_a.manager)
    if method == "patch":
        response = client.patch(path, {"text": "Changed", "version": 0})
    else:
        response = client.delete(path + "?version=0")
    assert "removed meanwhile" in api_error(response, status=404)["message"]


def test_stale_shared_notes_are_refused_with_the_fresh_content(world_a, api_as):
    path = org_url("api:meeting-shared-notes", pk=world_a.feedback.meeting.pk)
    assert api_as(world_a.manager).put(path, {"text": "Manager's", "version": 0}).status_code == 200
    before = db_state()
    stale = api_as(world_a.report).put(path, {"text": "Report's", "version": 0})
    error = api_error(stale, status=409)
    assert error["code"] == "conflict"
    assert error["current"] == {
        "id": world_a.feedback.meeting.pk,
        "shared_notes": "Manager's",
        "notes_version": 1,
    }
    assert db_state() == before


def test_a_stale_action_item_edit_is_refused_with_the_fresh_content(world_a, api_as):
    path = org_url("api:action-item-detail", pk=world_a.feedback.action.pk)
    done = api_as(world_a.report).patch(path, {"done": True, "version": 0})
    assert done.status_code == 200 and done.json()["done"] is True
    before = db_state()
    stale = api_as(world_a.manager).patch(path, {"done": False, "version": 0})
    error = api_error(stale, status=409)
    assert error["code"] == "conflict"
    assert error["current"]["done"] is True and error["current"]["version"] == 1
    assert db_state() == before


# --- action items ---------------------------------------------------------------------------


def test_adding_an_action_item(world_a, api_as):
    fb = world_a.feedback
    due = (timezone.now().date() + timedelta(days=7)).isoformat()
    created = api_as(world_a.report).post(
        org_url("api:action-item-list"),
        {
            "meeting": fb.meeting.pk,
            "owner": world_a.manager.pk,
            "text": "Book the room",
            "due_on": due,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["owner"]["id"], body["due_on"], body["done"]) == (world_a.manager.pk, due, False)
    assert body["series"] == fb.series.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_on": "past"}, "due_on"),
        ({"owner": "member"}, "owner"),
        ({"text": "   "}, "text"),
        ({"due_on": "someday"}, "due_on"),
    ],
)
def test_a_bad_action_item_is_refused_and_changes_nothing(change, field, world_a, api_as):
    data = {"meeting": world_a.feedback.meeting.pk, "owner": world_a.report.pk, "text": "Do it"}
    data.update(change)
    if data["owner"] == "member":
        data["owner"] = world_a.member.pk
    if data.get("due_on") == "past":
        data["due_on"] = (timezone.now().date() - timedelta(days=2)).isoformat()
    before = db_state()
    response = api_as(world_a.manager).post(org_url("api:action-item-list"), data)
    assert field_message(response, field)
    assert db_state() == before


def test_malformed_ids_answer_404_or_400(world_a, api_as):
    client = api_as(world_a.manager)
    huge = "9" * 30
    assert client.get(org_url("api:meeting-list").rstrip("/") + f"/{huge}/").status_code == 404
    assert api_error(client.get(org_url("api:agenda-item-list") + "?meeting=x"))["fields"][
        "meeting"
    ]
    bad = client.post(org_url("api:agenda-item-list"), {"meeting": "x", "text": "Hi"})
    assert field_message(bad, "meeting")


# --- query budgets --------------------------------------------------------------------------


def _grow_meetings(world, how_many: int) -> None:
    series = world.feedback.series
    start = timezone.now() + timedelta(days=400 + 7 * Meeting.objects.count())
    Meeting.objects.bulk_create(
        Meeting(
            organization=world.organization, series=series, starts_at=start + timedelta(days=7 * i)
        )
        for i in range(how_many)
    )


def _links(world) -> list:
    """Every kind of link, and a private piece of feedback the manager may not read."""
    with world.scope():
        private = Feedback.objects.filter(situation="Only for the report").first()
        if private is None:
            private = services.give_feedback(
                author=world.member,
                recipient=world.report,
                kind="praise",
                situation="Only for the report",
                visibility=Visibility.PRIVATE,
            )
    fb = world.feedback
    kinds = {
        "feedback": ContentType.objects.get_for_model(Feedback).pk,
        "criterion": ContentType.objects.get_for_model(Criterion).pk,
        "prompt": ContentType.objects.get_for_model(CoachingPrompt).pk,
    }
    return [
        {"link_type_id": kinds["feedback"], "link_id": fb.feedback.pk},
        {"link_type_id": kinds["feedback"], "link_id": private.pk},
        {"link_type_id": kinds["criterion"], "link_id": world.framework.criterion.pk},
        {"link_type_id": kinds["prompt"], "link_id": fb.prompt.pk},
        {},
    ]


def _grow_actions(world, how_many: int) -> None:
    fb = world.feedback
    linked = _links(world)
    ActionItem.objects.bulk_create(
        ActionItem(
            organization=world.organization,
            series=fb.series,
            meeting=fb.meeting,
            owner=world.report if i % 2 else world.manager,
            text=f"Action {i}",
            due_on=timezone.now().date() + timedelta(days=i),
            **linked[i % len(linked)],
        )
        for i in range(how_many)
    )


def _grow_points(world, how_many: int) -> None:
    fb = world.feedback
    linked = _links(world)
    start = AgendaItem.objects.count()
    AgendaItem.objects.bulk_create(
        AgendaItem(
            organization=world.organization,
            meeting=fb.meeting,
            author=world.report,
            text=f"Point {start + i}",
            position=100 + start + i,
            **linked[i % len(linked)],
        )
        for i in range(how_many)
    )


# The page of rows, plus one load per kind of linked object present (feedback, the
# framework version that criteria are read from, coaching prompts): nothing per row.
LINK_LOADS = 3


@pytest.mark.parametrize(
    ("name", "grow", "viewer", "budget"),
    [
        ("meeting-list", _grow_meetings, "report", 4),
        ("action-item-list", _grow_actions, "manager", 4 + LINK_LOADS),
        ("agenda-item-list", _grow_points, "manager", 4 + LINK_LOADS),
    ],
)
def test_lists_cost_the_same_number_of_queries_at_two_sizes(
    name, grow, viewer, budget, world_a, api_as, django_assert_max_num_queries
):
    client = api_as(getattr(world_a, viewer))
    client.get(org_url(f"api:{name}"))  # warm-up: content types are cached after their first lookup
    used = []
    grown = 0
    for size in (10, 240):
        with world_a.scope():
            grow(world_a, size - grown)
        grown = size
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(org_url(f"api:{name}"))
        assert response.status_code == 200, response.content
        body = response.json()
        used.append((len(body["results"]), len(captured.captured_queries)))
        if body["next"]:
            with django_assert_max_num_queries(budget):
                assert client.get(body["next"]).status_code == 200
    (small_rows, small), (large_rows, large) = used
    assert large_rows > small_rows >= 5
    assert small == large, used
    if name != "meeting-list":
        assert "A linked item you cannot see" in response.content.decode()


def test_the_meeting_detail_costs_the_same_at_two_sizes(
    world_a, api_as, django_assert_max_num_queries
):
    client = api_as(world_a.manager)
    path = org_url("api:meeting-detail", pk=world_a.feedback.meeting.pk)
    client.get(path)  # warm-up: content types are cached after their first lookup
    used = []
    for size in (5, 60):  # five rows hold every kind of link
        with world_a.scope():
            _grow_actions(world_a, size)
            _grow_points(world_a, size)
        with django_assert_max_num_queries(10 + LINK_LOADS) as captured:
            response = client.get(path)
            assert response.status_code == 200
        used.append(len(captured.captured_queries))
    assert used[0] == used[1], used
    assert "A linked item you cannot see" in response.content.decode()


def test_series_times_are_local(world_a, api_as):
    body = api_as(world_a.manager).get(
        org_url("api:checkin-series-detail", pk=world_a.feedback.series.pk)
    )
    assert body.json()["time_of_day"] == time(10, 0).strftime("%H:%M")
    assert body.json()["status"] == SeriesStatus.ACTIVE
    meeting = api_as(world_a.manager).get(
        org_url("api:meeting-detail", pk=world_a.feedback.meeting.pk)
    )
    starts = datetime.fromisoformat(meeting.json()["starts_at"])
    ends = datetime.fromisoformat(meeting.json()["ends_at"])
    assert ends - starts == timedelta(minutes=30)
    assert meeting.json()["status"] == MeetingStatus.SCHEDULED
